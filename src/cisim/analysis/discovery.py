"""Scenario discovery: which ranges of which parameters lead to learning journeys (PRIM).

Method
------
The Patient Rule Induction Method (Friedman & Fisher 1999) looks for a box in parameter space, a
range per numeric parameter and a set of levels per categorical one, inside which the outcome (here
the learning-journey indicator of each run) is much more common than overall. Starting from the box
holding every run, it *peels*: each step considers removing the lowest or the highest ``alpha``
share (5 %) of the runs still in the box along one numeric parameter (a whole level when values
tie, as in factorial designs), or one level of a categorical parameter, and takes the peel with the
best objective. The objective is EMA Workbench's default (``lenient1``): the gain in the box's mean
per run removed; ``original`` (the new mean itself, as in Friedman & Fisher) is available. Peeling
stops when no peel leaves at least ``mass_min`` (5 %) of the runs. Each step's box is a point on
the *peeling trajectory* of

coverage
    the share of all learning journeys that fall in the box (how much of the phenomenon it
    explains);
density
    the share of runs in the box that are learning journeys (how reliable the box is);
mass
    the share of all runs in the box.

A box is chosen on the trajectory: the one with the highest coverage among those reaching a
target density, or by default the one with the largest *weighted relative accuracy*,
``WRAcc = mass (density - base rate) = base rate (coverage - mass)`` (Lavrač, Kavšek, Flach &
Todorovski 2004), among the boxes whose density is significantly above the base rate (one-sided
binomial test at 5 %, Bonferroni-corrected over the boxes of the trajectory) and that cover at
least :data:`MIN_COVERAGE` of the learning journeys. WRAcc is the density-coverage trade-off of
subgroup discovery: it is zero for the whole space and for any box no denser than the base rate,
and grows with both the box's lift in density and its size, so it neither settles for the whole
space when learning journeys are common (as the harmonic mean of coverage and density, the F1
score, did: with a base rate of 85 % the whole space scores 0.92, above any box) nor chases a
tiny pure box. When no box qualifies the chosen box is the whole space, and the report says that
no region is reliably denser than the rest. Optional *pasting* (Friedman & Fisher 1999, sec. 4.2)
then widens it again while the density rises. For each restricted parameter the quasi-p-value
(Bryant & Lempert 2010) is the one-sided binomial probability of the box's learning journeys if
that restriction were dropped: small values say the restriction matters.

The runs, not the design points, are the observations: each run carries its point's parameters,
so a box's density is its share of learning journeys over all replicates inside it. The peeling
trajectory and the chosen box are drawn by :mod:`cisim.analysis.discovery_figures`.

References
----------
Friedman, J. H., & Fisher, N. I. (1999). Bump hunting in high-dimensional data. Statistics and
Computing 9(2), 123-143.
Bryant, B. P., & Lempert, R. J. (2010). Thinking inside the box: a participatory, computer-assisted
approach to scenario discovery. Technological Forecasting & Social Change 77(1), 34-49.
Lavrač, N., Kavšek, B., Flach, P., & Todorovski, L. (2004). Subgroup discovery with CN2-SD.
Journal of Machine Learning Research 5, 153-188.
Kwakkel, J. H. (2017). The Exploratory Modeling Workbench. Environmental Modelling & Software 96,
239-250.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import binom

from cisim.analysis.tables import LJ, is_numeric, join_design, parameters_of
from cisim.errors import ConfigError

OBJECTIVES = ("lenient1", "original")
#: The chosen box must hold at least this share of the learning journeys.
MIN_COVERAGE = 0.1
#: Its density must exceed the base rate at this level (one-sided, Bonferroni over the trajectory).
SIGNIFICANCE = 0.05
Limit = tuple[float, float] | frozenset[Any]


@dataclass(frozen=True)
class _Data:
    """The inputs in the form peeling needs: numeric values, or category codes with levels."""

    names: tuple[str, ...]
    values: tuple[np.ndarray, ...]
    levels: tuple[tuple[Any, ...] | None, ...]  # None for a numeric dimension
    y: np.ndarray

    @classmethod
    def of(cls, x: pd.DataFrame, y: np.ndarray) -> _Data:
        values: list[np.ndarray] = []
        levels: list[tuple[Any, ...] | None] = []
        for name in x.columns:
            column = x[name]
            if is_numeric(column):
                values.append(column.to_numpy(dtype=float))
                levels.append(None)
            else:
                codes, uniques = pd.factorize(column, sort=True)
                values.append(codes.astype(np.int64))
                levels.append(tuple(uniques.tolist()))
        return cls(tuple(map(str, x.columns)), tuple(values), tuple(levels), np.asarray(y, float))


@dataclass(frozen=True)
class _Box:
    """Numeric limits ``lo <= x <= hi`` and allowed category codes, per dimension."""

    lo: tuple[float, ...]
    hi: tuple[float, ...]
    allowed: tuple[frozenset[int] | None, ...]

    @classmethod
    def whole(cls, data: _Data) -> _Box:
        lo, hi, allowed = [], [], []
        for v, lv in zip(data.values, data.levels, strict=True):
            lo.append(float(v.min()) if lv is None else np.nan)
            hi.append(float(v.max()) if lv is None else np.nan)
            allowed.append(None if lv is None else frozenset(range(len(lv))))
        return cls(tuple(lo), tuple(hi), tuple(allowed))

    def inside(self, data: _Data, skip: int | None = None) -> np.ndarray:
        mask = np.ones(len(data.y), dtype=bool)
        for d, v in enumerate(data.values):
            if d != skip:
                mask &= self.dim_mask(d, v)
        return mask

    def dim_mask(self, d: int, v: np.ndarray) -> np.ndarray:
        allowed = self.allowed[d]
        if allowed is None:
            return (v >= self.lo[d]) & (v <= self.hi[d])
        return np.isin(v, list(allowed))

    def with_limits(self, d: int, lo: float, hi: float) -> _Box:
        return _Box(_put(self.lo, d, lo), _put(self.hi, d, hi), self.allowed)

    def with_levels(self, d: int, allowed: frozenset[int]) -> _Box:
        return _Box(self.lo, self.hi, _put(self.allowed, d, allowed))


def _put(values: tuple[Any, ...], index: int, value: Any) -> tuple[Any, ...]:
    return (*values[:index], value, *values[index + 1 :])


@dataclass
class PrimResult:
    """The peeling trajectory, the chosen box and its restricted parameters.

    Attributes
    ----------
    trajectory
        One row per box: ``step``, ``coverage``, ``density``, ``mass``, ``runs``, ``restricted``
        (how many parameters it restricts) and ``box`` (its limits in words).
    boxes
        The boxes of the trajectory, as ``{parameter: (low, high) or frozenset of levels}``.
    chosen
        Index of the chosen box on the trajectory.
    box
        The chosen box (after pasting, if asked): one row per restricted parameter with ``kind``,
        ``low``, ``high`` (numeric), ``levels`` (categorical), ``full_low``, ``full_high`` (or
        ``full_levels``), and ``quasi_p``.
    coverage, density, mass
        Of the chosen box.
    base_rate
        Share of positives among all runs.
    """

    trajectory: pd.DataFrame
    boxes: list[dict[str, Limit]]
    chosen: int
    box: pd.DataFrame
    coverage: float
    density: float
    mass: float
    base_rate: float

    def summary(self) -> dict[str, Any]:
        """JSON-ready summary of the chosen box."""
        return {
            "coverage": self.coverage,
            "density": self.density,
            "mass": self.mass,
            "base_rate": self.base_rate,
            "restrictions": [restriction_text(dict(row)) for row in self.box.to_dict("records")],
            "quasi_p": [float(p) for p in self.box["quasi_p"]] if len(self.box) else [],
        }


def prim(
    x: pd.DataFrame,
    y: np.ndarray,
    *,
    alpha: float = 0.05,
    mass_min: float = 0.05,
    objective: str = "lenient1",
    paste: bool = False,
    min_density: float | None = None,
) -> PrimResult:
    """PRIM peeling (and optional pasting) of ``y`` over the columns of ``x``.

    Parameters
    ----------
    x
        One row per observation (run), one column per parameter; numeric columns are ordered,
        others categorical.
    y
        1 (or True) for the outcome of interest, 0 otherwise.
    alpha
        Share of the box peeled (or pasted) per step.
    mass_min
        Smallest share of all observations a box may hold.
    objective
        ``lenient1`` (gain in mean per observation removed) or ``original`` (the new mean).
    paste
        Widen the chosen box again while that raises its density.
    min_density
        Choose the box with the highest coverage among those with at least this density (default:
        the box with the largest weighted relative accuracy among those significantly denser than
        the base rate; see the module docstring).
    """
    if objective not in OBJECTIVES:
        raise ConfigError("objective", objective, f"one of {', '.join(OBJECTIVES)}")
    if len(x) != len(y) or len(x) == 0:
        raise ConfigError("y", len(y), f"one value per row of x ({len(x)} rows)")
    data = _Data.of(x, y)
    path = _peel(data, alpha, mass_min, objective)
    chosen = _choose(data, path, min_density)
    final = _paste(data, path[chosen], alpha) if paste else path[chosen]
    return _result(data, path, chosen, final)


def _peel(data: _Data, alpha: float, mass_min: float, objective: str) -> list[_Box]:
    box, path = _Box.whole(data), [_Box.whole(data)]
    least = mass_min * len(data.y)
    while True:
        inside = box.inside(data)
        best, score = None, -np.inf
        for d, candidate in _peels(data, box, inside, alpha):
            kept = inside & candidate.dim_mask(d, data.values[d])
            n = int(kept.sum())
            if n < least or n == int(inside.sum()):
                continue
            value = _objective(data.y, inside, kept, objective)
            if value > score:
                best, score = candidate, value
        if best is None:
            return path
        box = best
        path.append(box)


def _objective(y: np.ndarray, old: np.ndarray, new: np.ndarray, kind: str) -> float:
    mean_new = float(y[new].mean())
    if kind == "original":
        return mean_new
    return (mean_new - float(y[old].mean())) / int(old.sum() - new.sum())


def _peels(data: _Data, box: _Box, inside: np.ndarray, alpha: float) -> list[tuple[int, _Box]]:
    """Every admissible peel, as (dimension, peeled box)."""
    out: list[tuple[int, _Box]] = []
    for d, values in enumerate(data.values):
        v = values[inside]
        allowed = box.allowed[d]
        if allowed is None:
            out.extend((d, b) for b in _numeric_peels(box, d, v, alpha))
        else:
            present = sorted(set(np.unique(v).tolist()) & allowed)
            if len(present) > 1:
                out.extend((d, box.with_levels(d, frozenset(present) - {c})) for c in present)
    return out


def _numeric_peels(box: _Box, d: int, v: np.ndarray, alpha: float) -> list[_Box]:
    uniq = np.unique(v)
    if len(uniq) < 2:
        return []
    lo = float(np.quantile(v, alpha))
    lo = lo if (v < lo).any() else float(uniq[1])  # ties: peel the whole lowest level
    hi = float(np.quantile(v, 1 - alpha))
    hi = hi if (v > hi).any() else float(uniq[-2])
    return [box.with_limits(d, lo, box.hi[d]), box.with_limits(d, box.lo[d], hi)]


def _choose(data: _Data, path: list[_Box], min_density: float | None) -> int:
    stats = [_stats(data, b.inside(data)) for b in path]
    if min_density is not None:
        ok = [i for i, s in enumerate(stats) if s[1] >= min_density]
        if ok:
            return max(ok, key=lambda i: (stats[i][0], -i))
    return choose_by_wracc(data.y, [b.inside(data) for b in path])


def choose_by_wracc(y: np.ndarray, boxes: Sequence[np.ndarray]) -> int:
    """Index of the box (a mask over ``y``) with the largest weighted relative accuracy among
    those significantly denser than the base rate with at least :data:`MIN_COVERAGE`; 0 (the
    first box, the whole space) when none qualifies.
    """
    y = np.asarray(y, dtype=float)
    base, total = float(y.mean()), float(y.sum())
    level = SIGNIFICANCE / max(1, len(boxes) - 1)  # the whole space is not a test
    best, best_score = 0, 0.0
    for index, inside in enumerate(boxes):
        n, hits = int(inside.sum()), float(y[inside].sum())
        if n == 0 or total == 0 or hits / total < MIN_COVERAGE:
            continue
        score = n / len(y) * (hits / n - base)
        p_value = float(binom.sf(hits - 1, n, base))
        if p_value < level and score > best_score:
            best, best_score = index, score
    return best


def _stats(data: _Data, inside: np.ndarray) -> tuple[float, float, float]:
    """Coverage, density and mass of a box."""
    hits = float(data.y[inside].sum())
    total = float(data.y.sum())
    n = int(inside.sum())
    coverage = hits / total if total > 0 else float("nan")
    density = hits / n if n else float("nan")
    return coverage, density, n / len(data.y)


def _paste(data: _Data, box: _Box, alpha: float) -> _Box:
    """Widen ``box`` one paste at a time while its density rises."""
    while True:
        inside = box.inside(data)
        density = float(data.y[inside].mean())
        best, best_density = None, density
        for candidate in _pastes(data, box, alpha, int(inside.sum())):
            new = float(data.y[candidate.inside(data)].mean())
            if new > best_density + 1e-12:
                best, best_density = candidate, new
        if best is None:
            return box
        box = best


def _pastes(data: _Data, box: _Box, alpha: float, n: int) -> list[_Box]:
    out: list[_Box] = []
    step = max(1, int(np.ceil(alpha * n)))
    for d, values in enumerate(data.values):
        others = box.inside(data, skip=d)
        allowed = box.allowed[d]
        if allowed is None:
            below = np.sort(values[others & (values < box.lo[d])])
            above = np.sort(values[others & (values > box.hi[d])])
            if len(below):
                out.append(box.with_limits(d, float(below[-min(step, len(below))]), box.hi[d]))
            if len(above):
                out.append(box.with_limits(d, box.lo[d], float(above[min(step, len(above)) - 1])))
        else:
            levels = data.levels[d] or ()
            out.extend(box.with_levels(d, allowed | {c}) for c in set(range(len(levels))) - allowed)
    return out


# ---- reporting -------------------------------------------------------------------------------
def _result(data: _Data, path: list[_Box], chosen: int, final: _Box) -> PrimResult:
    rows = []
    for step, box in enumerate(path):
        cov, den, mass = _stats(data, box.inside(data))
        rows.append(
            {"step": step, "coverage": cov, "density": den, "mass": mass}
            | {"runs": int(box.inside(data).sum()), "restricted": len(_restricted(data, box))}
            | {"box": _box_text(data, box)}
        )
    coverage, density, mass = _stats(data, final.inside(data))
    return PrimResult(
        trajectory=pd.DataFrame(rows),
        boxes=[_limits(data, b) for b in path],
        chosen=chosen,
        box=_box_table(data, final),
        coverage=coverage,
        density=density,
        mass=mass,
        base_rate=float(data.y.mean()),
    )


def _restricted(data: _Data, box: _Box) -> list[int]:
    whole = _Box.whole(data)
    return [
        d
        for d in range(len(data.names))
        if (box.allowed[d] != whole.allowed[d])
        or (box.allowed[d] is None and (box.lo[d] > whole.lo[d] or box.hi[d] < whole.hi[d]))
    ]


def _limits(data: _Data, box: _Box) -> dict[str, Limit]:
    out: dict[str, Limit] = {}
    for d in _restricted(data, box):
        allowed, levels = box.allowed[d], data.levels[d]
        if allowed is None or levels is None:
            out[data.names[d]] = (box.lo[d], box.hi[d])
        else:
            out[data.names[d]] = frozenset(levels[c] for c in allowed)
    return out


def _box_table(data: _Data, box: _Box) -> pd.DataFrame:
    rows = [
        {"parameter": data.names[d], "quasi_p": _quasi_p(data, box, d)} | row
        for d, row in _restriction_rows(data, box)
    ]
    columns = ["parameter", "kind", "low", "high", "full_low", "full_high", "quasi_p"]
    table = pd.DataFrame(rows) if rows else pd.DataFrame(columns=columns)
    return table.sort_values("quasi_p", kind="stable").reset_index(drop=True)


def _restriction_rows(data: _Data, box: _Box) -> list[tuple[int, dict[str, Any]]]:
    """Each restricted dimension and its limits (with the full range, or all levels)."""
    whole = _Box.whole(data)
    rows = []
    for d in _restricted(data, box):
        allowed, levels = box.allowed[d], data.levels[d]
        row: dict[str, Any] = {"parameter": data.names[d]}
        if allowed is None or levels is None:
            row |= {"kind": "numeric", "low": box.lo[d], "high": box.hi[d]}
            row |= {"full_low": whole.lo[d], "full_high": whole.hi[d]}
        else:
            row |= {"kind": "categorical", "levels": sorted(map(str, (levels[c] for c in allowed)))}
            row |= {"full_levels": sorted(map(str, levels))}
        rows.append((d, row))
    return rows


def _quasi_p(data: _Data, box: _Box, d: int) -> float:
    """P(at least the box's hits | the box without restriction ``d`` and its density)."""
    inside = box.inside(data)
    relaxed = box.inside(data, skip=d)
    hits, n = int(data.y[inside].sum()), int(inside.sum())
    p0 = float(data.y[relaxed].mean())
    return float(binom.sf(hits - 1, n, p0))


def _box_text(data: _Data, box: _Box) -> str:
    """A box in words: ``a >= 0.2; b <= 0.6; g in {x, y}`` (empty for the whole space)."""
    return "; ".join(restriction_text(row) for _, row in _restriction_rows(data, box))


def restriction_text(row: dict[Any, Any]) -> str:
    """One row of a box table in words: ``a >= 0.2``, ``g in {x, y}``."""
    name = row["parameter"]
    if row.get("kind") == "categorical":
        return f"{name} in {{{', '.join(row['levels'])}}}"
    low, high = row["low"], row["high"]
    if low == high:
        return f"{name} = {low:.3g}"
    if low <= row.get("full_low", -np.inf):
        return f"{name} <= {high:.3g}"
    if high >= row.get("full_high", np.inf):
        return f"{name} >= {low:.3g}"
    return f"{low:.3g} <= {name} <= {high:.3g}"


# ---- from the sweep's tables ------------------------------------------------------------------
def discover(
    design: pd.DataFrame,
    runs: pd.DataFrame,
    *,
    regime: str = LJ,
    parameters: Sequence[str] | None = None,
    **options: Any,
) -> PrimResult:
    """PRIM on the runs: each run's design parameters against "ended as ``regime``".

    ``options`` go to :func:`prim` (``alpha``, ``mass_min``, ``objective``, ``paste``,
    ``min_density``).
    """
    frame = join_design(design, runs)
    params = list(parameters) if parameters is not None else parameters_of(design)
    if not params:
        raise ConfigError("parameters", params, "at least one varied design parameter")
    y = np.asarray(frame["regime"].astype(str) == regime, dtype=float)
    return prim(frame[params].reset_index(drop=True), y, **options)

"""The sweep's three tables and its metadata, as every analysis reads them.

A sweep gives

``design``
    one row per design point: ``point`` (0..P-1) and one column per varied parameter (numbers or
    category names); a ``condition`` column, when present, names the points.
``runs``
    one row per run: ``point``, ``replicate`` (0..R-1), ``seed`` and the per-run outcomes of
    :func:`cisim.simulate` (``regime``, ``progress``, ``final_trust``, ``months_to_first_win``,
    ...).
    Replicate ``k`` of every point shares its random numbers (common random numbers), so runs with
    the same replicate number at two points are *paired*.
``trajectories``
    one row per run and month: ``point``, ``replicate``, ``month`` and metric columns
    (:data:`cisim.model.metrics.REGISTRY` names).

and metadata (:class:`SweepMeta`). The helpers here join, validate and reshape them; outcomes are
those of :data:`cisim.model.outcomes.NUMBERS` (any numeric column of ``runs`` also works as an
outcome, such as ``y`` of a test function).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cisim.errors import ConfigError
from cisim.model.outcomes import NUMBERS, Outcome, column_outcome, numeric, values

if TYPE_CHECKING:
    from cisim.study.sweeps.results import SweepResults

KINDS: tuple[str, ...] = ("factorial", "lhs", "sobol", "morris")
KEYS: tuple[str, ...] = ("point", "replicate")
NOT_PARAMETERS: tuple[str, ...] = ("point", "condition", "digest")  # design columns
DEFAULT_HORIZON = 120  # the scenario default, used when neither metadata nor trajectories tell
LJ, BG = "learning_journey", "blame_game"


@dataclass(frozen=True, kw_only=True)
class SweepMeta:
    """What the analyses need to know about a sweep besides its tables.

    Attributes
    ----------
    kind
        The design: ``factorial``, ``lhs``, ``sobol`` or ``morris``.
    parameters
        The varied parameters, in design order.
    problem
        For ``sobol`` and ``morris``: SALib's problem
        ``{"names": [...], "bounds": [[lo, hi], ...]}``; the design rows follow SALib's sample
        order.
    horizon
        Months simulated (``H``; trajectories run over months ``0..H``).
    replicates, seed
        Replicates per point and the root seed (informative).
    calc_second_order
        Whether a Sobol design was sampled with second-order cross blocks (``2D + 2`` rows per base
        sample instead of ``D + 2``).
    num_levels
        Morris grid levels.
    extra
        Anything else the sweep recorded; read here: ``salib_sample`` (SALib's raw sample matrix,
        before integers were rounded, for Morris).
    """

    kind: str
    parameters: tuple[str, ...]
    horizon: int = DEFAULT_HORIZON
    problem: dict[str, Any] | None = None
    replicates: int | None = None
    seed: int | None = None
    calc_second_order: bool = False
    num_levels: int = 4
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ConfigError("meta.kind", self.kind, f"one of {', '.join(KINDS)}")
        if self.kind in ("sobol", "morris") and self.problem is None:
            raise ConfigError(
                "meta.problem", None, "a SALib problem dict for a sobol/morris design"
            )

    @classmethod
    def from_mapping(
        cls,
        meta: Mapping[str, Any],
        design: pd.DataFrame,
        trajectories: pd.DataFrame | None = None,
    ) -> SweepMeta:
        """Read metadata written by the sweep runner (tolerant of a few key spellings).

        ``kind`` (or ``design`` / ``design_kind``), ``problem`` (or ``salib_problem``),
        ``parameters`` (names, or a mapping name -> bounds/levels; default: the problem's names or
        the design's columns), ``horizon`` (or ``horizon_months``; default: the last trajectory
        month), ``replicates``, ``seed``, ``calc_second_order``, ``num_levels``.
        """
        kind = _first(meta, "kind", "design_kind", "design")
        problem = _first(meta, "problem", "salib_problem")
        horizon = _first(meta, "horizon", "horizon_months")
        if horizon is None:
            horizon = _horizon_from(trajectories)
        return cls(
            kind=str(kind),
            parameters=_parameter_names(meta.get("parameters"), problem, design),
            horizon=int(horizon),
            problem=dict(problem) if problem is not None else None,
            replicates=_int_or_none(meta.get("replicates")),
            seed=_int_or_none(meta.get("seed")),
            calc_second_order=bool(meta.get("calc_second_order", False)),
            num_levels=int(meta.get("num_levels", 4)),
            extra=dict(meta),
        )

    @classmethod
    def from_sweep(cls, results: SweepResults) -> SweepMeta:
        """The metadata of a sweep read with :func:`cisim.study.sweeps.load`."""
        from cisim.study.sweeps.designs import SALibDesign, salib_problem, salib_sample

        ex = results.experiment
        problem = salib_problem(ex) if isinstance(ex.design_kind, SALibDesign) else None
        extra: dict[str, Any] = {"salib_sample": salib_sample(ex)} if problem else {}
        settings = ex.settings
        horizon = int(settings.get("horizon_months", 0))
        if "horizon_months" in results.design.columns:
            horizon = int(results.design["horizon_months"].max())
        return cls(
            kind=ex.design,
            parameters=tuple(f.name for f in ex.factors),
            horizon=horizon,
            problem=problem,
            replicates=ex.replicates,
            seed=ex.seed,
            extra=extra,
        )


def _first(meta: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        if meta.get(key) is not None and not isinstance(meta.get(key), pd.DataFrame):
            return meta[key]
    return None


def _horizon_from(trajectories: pd.DataFrame | None) -> int:
    if trajectories is None or trajectories.empty:
        return DEFAULT_HORIZON
    return int(trajectories["month"].max())


def _parameter_names(
    given: Any, problem: Mapping[str, Any] | None, design: pd.DataFrame
) -> tuple[str, ...]:
    if isinstance(given, Mapping):
        return tuple(str(k) for k in given)
    if isinstance(given, Sequence) and not isinstance(given, str):
        return tuple(str(p) if isinstance(p, str) else str(p["name"]) for p in given)
    if problem is not None:
        return tuple(problem["names"])
    return tuple(c for c in design.columns if c not in NOT_PARAMETERS)


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


# ---- validation and joins ----------------------------------------------------------------------
def require(frame: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    """Raise :class:`ConfigError` naming the columns ``frame`` lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ConfigError(name, sorted(frame.columns), f"a table with columns {', '.join(missing)}")


def parameters_of(design: pd.DataFrame) -> list[str]:
    """The design's parameter columns that vary (not ``point``, ``condition`` or ``digest``)."""
    columns = [c for c in design.columns if c not in NOT_PARAMETERS]
    return [c for c in columns if design[c].nunique(dropna=False) > 1]


def condition_columns(design: pd.DataFrame) -> list[str]:
    """The columns that name a condition: ``condition`` if present, else the varied parameters.

    With no varied parameter at all, ``point`` itself.
    """
    if "condition" in design.columns:
        return ["condition"]
    return parameters_of(design) or ["point"]


def join_design(design: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """``runs`` with each run's design-point columns added (one row per run, runs' order)."""
    require(design, ["point"], "design")
    require(runs, list(KEYS), "runs")
    if design["point"].duplicated().any():
        raise ConfigError("design.point", "duplicates", "one row per design point")
    extra = [c for c in design.columns if c == "point" or c not in runs.columns]
    joined = runs.merge(design[extra], on="point", how="left", validate="many_to_one")
    joined.index = runs.index
    return joined


def is_numeric(values: pd.Series) -> bool:
    """Whether a design column is an ordered number (not a category name or a flag string)."""
    return bool(pd.api.types.is_numeric_dtype(values)) and not pd.api.types.is_bool_dtype(values)


def ordered_levels(values: pd.Series) -> list[Any]:
    """Distinct values of a design column: sorted if numeric, else in order of appearance."""
    if is_numeric(values):
        return sorted(values.dropna().unique().tolist())
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = set(values.dropna().unique().tolist())
        return [c for c in values.cat.categories if c in present]
    return list(pd.unique(values.dropna()))


# ---- outcomes ---------------------------------------------------------------------------------
#: The registered outcomes with one number per run (:data:`cisim.model.outcomes.NUMBERS`).
OUTCOMES: dict[str, Outcome] = NUMBERS
#: The outcomes of the paired effects, in display order.
EFFECT_OUTCOMES: tuple[str, ...] = (LJ, BG, "progress", "final_trust", "months_to_first_win")


def outcome(name: str) -> Outcome:
    """The named outcome: a registered one, or any numeric column of ``runs`` (e.g. ``y``)."""
    return OUTCOMES[name] if name in OUTCOMES else column_outcome(name)


def outcome_values(runs: pd.DataFrame, name: str, horizon: int) -> np.ndarray:
    """Per-run values of outcome ``name`` (floats; NaN where missing; times censored)."""
    if name in OUTCOMES:
        return values(runs, name, horizon)
    if name not in runs.columns:
        allowed = f"a registered outcome ({', '.join(OUTCOMES)}) or a column of runs"
        raise ConfigError("outcome", name, allowed)
    return numeric(runs[name])


def replicate_matrix(runs: pd.DataFrame, values: np.ndarray, points: int) -> np.ndarray:
    """Values arranged ``(points, replicates)`` by ``point`` and ``replicate`` (NaN if missing)."""
    rep = runs["replicate"].to_numpy(dtype=np.int64)
    pt = runs["point"].to_numpy(dtype=np.int64)
    out = np.full((points, int(rep.max()) + 1 if len(rep) else 0), np.nan)
    out[pt, rep] = values
    return out


# ---- trajectories as arrays --------------------------------------------------------------------
@dataclass(frozen=True)
class TrajectoryArrays:
    """Trajectories as ``(runs, months)`` arrays, one per metric, rows keyed by ``keys``.

    Attributes
    ----------
    keys
        One row per run: ``point`` and ``replicate`` (sorted).
    months
        The months, ``(M,)``.
    values
        metric -> ``(runs, M)`` float array (NaN where a run has no row for a month).
    """

    keys: pd.DataFrame
    months: np.ndarray
    values: dict[str, np.ndarray]

    def __getitem__(self, metric: str) -> np.ndarray:
        return self.values[metric]

    def __contains__(self, metric: object) -> bool:
        return metric in self.values

    def upto(self, month: int) -> TrajectoryArrays:
        """The months ``<= month`` only."""
        keep = self.months <= month
        return TrajectoryArrays(
            self.keys, self.months[keep], {k: v[:, keep] for k, v in self.values.items()}
        )


def trajectory_arrays(
    trajectories: pd.DataFrame, metrics: Sequence[str] | None = None
) -> TrajectoryArrays:
    """Reshape tidy trajectories into per-metric ``(runs, months)`` arrays."""
    require(trajectories, [*KEYS, "month"], "trajectories")
    if metrics is None:
        metrics = [c for c in trajectories.columns if c not in (*KEYS, "month")]
    pairs = trajectories[list(KEYS)].to_numpy(dtype=np.int64)
    uniq, run_index = np.unique(pairs, axis=0, return_inverse=True)
    months, month_index = np.unique(trajectories["month"].to_numpy(), return_inverse=True)
    values: dict[str, np.ndarray] = {}
    for metric in metrics:
        if metric in trajectories.columns:
            arr = np.full((len(uniq), len(months)), np.nan)
            arr[run_index.ravel(), month_index] = trajectories[metric].to_numpy(dtype=float)
            values[metric] = arr
    keys = pd.DataFrame(uniq, columns=list(KEYS))
    return TrajectoryArrays(keys, months, values)


def align_runs(runs: pd.DataFrame, keys: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``runs`` in the order of ``keys`` (inner: runs absent from either are dropped).

    The result's ``row`` column gives each run's position in ``keys`` (its trajectory row).
    """
    positions = keys.assign(row=np.arange(len(keys)))
    joined = runs.merge(positions, on=list(KEYS), how="inner")
    return joined.sort_values("row", kind="stable").reset_index(drop=True)

"""Effects beside indices: each parameter's paired effect, in outcome units, from a Sobol or Morris
design.

Why
    A Sobol index is a share of the output's variance over the ranges chosen. A parameter whose
    effect is moderate, or large only where the outcome is not already decided, gets an index near
    zero when another parameter sweeps the outcome from one extreme to the other: its interval
    includes zero, yet it matters. The effect in outcome units says how much it matters; the index
    says how much of the spread over these ranges it accounts for. Both come from the same design.

Pairs
    Both designs contain pairs of points that differ in one parameter only. In a Sobol design
    (SALib's layout, :mod:`cisim.analysis.sobol`) base sample ``j`` gives, for each parameter
    ``i``, the rows ``A_j`` and ``AB_ij`` (``A_j`` with column ``i`` from ``B_j``); in a Morris
    design, consecutive points of a trajectory differ in the one parameter the step moves.

Effect over the range
    For parameter ``i`` with range ``[low, high]`` write, for each of its pairs ``m``,
    ``u_m = (x_second - x_first) / (high - low)`` (the move as a share of the range, using the
    design's values, integers rounded) and ``d_m = ybar_second - ybar_first`` (the paired change
    of the point means; under common random numbers the two points share their replicates'
    random numbers). The effect is the least-squares slope through the origin of ``d`` on ``u``::

        effect_i = sum_m u_m d_m / sum_m u_m^2

    i.e. each pair's elementary effect ``d_m / u_m`` (the change per whole range), weighted by
    ``u_m^2``. It is in outcome units per whole range: for a regime indicator, the change in the
    share of runs (points of probability) when the parameter goes from the low to the high end of
    its range, the rest as sampled. The weights matter for a stochastic model: the plain mean of
    ``d_m / u_m`` has no finite variance when ``d`` carries noise and ``u`` can be near zero (a
    Cauchy-like tail), whereas the weighted one does. For a response linear in ``x_i`` both equal
    the slope times the range; in general the weighted one equals ``Cov(y, x_i) / Var(x_i)`` times
    the range (inputs independent): the change along the best straight line across the range. A
    0/1 parameter's pairs have ``u`` of -1, 0 or 1, and its effect is the mean paired change over
    the pairs that switch it. In a Morris design every move is the same size, and the effect is
    Morris's ``mu`` on the design's values.

Where the outcome is contested
    ``contested`` is the same slope over the pairs whose mean of the two point means lies in
    ``band`` (default ``[0.2, 0.8]`` for a regime share): where the regime is not already decided.
    Selecting on the pair's mean, not on its first point, keeps regression to the mean out of the
    paired change (the two points' noises have about equal variance, so their sum is uncorrelated
    with their difference).

Intervals
    A bootstrap that resamples, together, the blocks (base samples or trajectories, with
    replacement) and the replicates (by default the same replicate numbers at every point,
    keeping the common random numbers paired); the 2.5-97.5 % percentiles of the estimates,
    moved so that their median sits on the estimate, as for the Sobol indices (resampled
    replicates carry noise of their own, which shifts a statistic that selects pairs by their
    point means, like the contested effect).

References
----------
Morris, M. D. (1991). Factorial sampling plans for preliminary computational experiments.
Technometrics 33(2), 161-174.
Saltelli, A., et al. (2010). Variance based sensitivity analysis of model output. Computer Physics
Communications 181(2), 259-270.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cisim.analysis.sensitivity import centred_interval, point_matrix, resample, row_means
from cisim.analysis.tables import LJ
from cisim.errors import ConfigError

#: The band of point means where a regime share counts as contested (not yet decided).
CONTESTED: tuple[float, float] = (0.2, 0.8)
#: The columns :func:`design_effects` adds beside the indices.
EFFECT_COLUMNS: tuple[str, ...] = (
    "effect",
    "effect_low",
    "effect_high",
    "contested",
    "contested_low",
    "contested_high",
    "pairs",
    "contested_pairs",
)


@dataclass(frozen=True)
class Pairs:
    """Pairs of design points that differ in one parameter.

    Attributes
    ----------
    first, second
        The two points of each pair (``A_j`` and ``AB_ij``, or a trajectory's step).
    parameter
        The column (parameter number) the pair moves.
    block
        The pair's base sample or trajectory, the unit the bootstrap resamples.
    blocks
        How many blocks there are.
    """

    first: np.ndarray
    second: np.ndarray
    parameter: np.ndarray
    block: np.ndarray
    blocks: int


def sobol_pairs(points: int, d: int, *, calc_second_order: bool = False) -> Pairs:
    """The pairs ``(A_j, AB_ij)`` of SALib's Sobol layout for ``d`` parameters."""
    size = 2 * d + 2 if calc_second_order else d + 2
    if points % size:
        raise ConfigError("design points", points, f"a multiple of {size} (SALib's Sobol layout)")
    n = points // size
    block = np.repeat(np.arange(n), d)
    parameter = np.tile(np.arange(d), n)
    first = block * size
    return Pairs(first, first + 1 + parameter, parameter, block, n)


def morris_pairs(sample: np.ndarray) -> Pairs:
    """The steps of the Morris trajectories in SALib's raw ``sample`` (points, d).

    Trajectories are ``d + 1`` consecutive rows; each step moves one column, found in the raw
    sample (before integers were rounded). A step that moves nothing (possible in rounded values)
    is kept with no move, so it counts for no parameter.
    """
    x = np.asarray(sample, dtype=float)
    points, d = x.shape
    if points % (d + 1):
        raise ConfigError("design points", points, f"a multiple of {d + 1} (Morris trajectories)")
    n = points // (d + 1)
    first = (np.arange(n)[:, None] * (d + 1) + np.arange(d)[None, :]).reshape(-1)
    moved = x[first + 1] != x[first]
    if (moved.sum(axis=1) > 1).any():
        raise ConfigError("sample", "steps", "one parameter moved per Morris step")
    return Pairs(first, first + 1, moved.argmax(axis=1), first // (d + 1), n)


def design_effects(
    runs: pd.DataFrame,
    values: np.ndarray,
    pairs: Pairs,
    problem: Mapping[str, Any],
    *,
    outcome_name: str = LJ,
    horizon: int = 120,
    band: tuple[float, float] | None = None,
    bootstrap: int = 1000,
    seed: int = 0,
    shared_replicates: bool = True,
) -> pd.DataFrame:
    """Each parameter's paired effect over its whole range (see the module docstring).

    Parameters
    ----------
    runs
        The runs table of the design (``point`` in the design's order).
    values
        The design's values ``(points, d)`` in point order (integers as rounded for the runs).
    pairs
        The design's pairs (:func:`sobol_pairs` or :func:`morris_pairs`).
    problem
        SALib's problem dict: ``names`` and ``bounds`` (the ranges).
    outcome_name, horizon
        The outcome (its point means are compared) and the months simulated.
    band
        Point means between which the outcome counts as contested (``None``: no contested
        effect, e.g. for a continuous outcome).
    bootstrap
        Resamples of blocks and replicates for the intervals (0: none).
    seed, shared_replicates
        The bootstrap's seed, and whether a resample draws the same replicate numbers at every
        point.

    Returns
    -------
    pandas.DataFrame
        One row per parameter: ``parameter`` and :data:`EFFECT_COLUMNS` (``effect`` with its
        interval, ``contested`` with its interval, the number of pairs that move the parameter and
        of those contested; NaN where there are none).
    """
    names = list(problem["names"])
    x = np.asarray(values, dtype=float)
    if x.shape != (len(x), len(names)):
        raise ConfigError("values", x.shape, f"one column per parameter ({len(names)})")
    span = np.array([hi - lo for lo, hi in problem["bounds"]], dtype=float)
    move = (x[pairs.second, pairs.parameter] - x[pairs.first, pairs.parameter]) / span[
        pairs.parameter
    ]
    matrix = point_matrix(runs, len(x), outcome_name=outcome_name, horizon=horizon)
    estimate = _Estimator(pairs, move, len(names), band)
    full = estimate(row_means(matrix), np.ones(pairs.blocks))
    draws = []
    rng = np.random.default_rng(seed)
    for _ in range(bootstrap):
        m = resample(matrix, rng, shared=shared_replicates) if matrix.shape[1] > 1 else matrix
        weights = np.bincount(rng.integers(0, pairs.blocks, pairs.blocks), minlength=pairs.blocks)
        draws.append(estimate(row_means(m), weights.astype(float)))
    table = pd.DataFrame({"parameter": names})
    for key in ("effect", "contested"):
        table[key] = full[key]
        low = high = np.full(len(names), np.nan)
        if draws:
            low, high = centred_interval(full[key], np.array([d[key] for d in draws]))
        table[f"{key}_low"], table[f"{key}_high"] = low, high
    table["pairs"], table["contested_pairs"] = full["pairs"], full["contested_pairs"]
    return table


class _Estimator:
    """The weighted slopes of one parameter's paired changes, for given point means and block
    weights."""

    def __init__(
        self, pairs: Pairs, move: np.ndarray, d: int, band: tuple[float, float] | None
    ) -> None:
        self.pairs, self.move, self.d, self.band = pairs, move, d, band

    def __call__(self, means: np.ndarray, weights: np.ndarray) -> dict[str, np.ndarray]:
        p = self.pairs
        change = means[p.second] - means[p.first]
        ok = np.isfinite(change) & (self.move != 0)
        w = weights[p.block] * ok
        out = {"effect": self._slope(w, change), "pairs": self._count(ok)}
        if self.band is None:
            nan = np.full(self.d, np.nan)
            return out | {"contested": nan, "contested_pairs": np.zeros(self.d, dtype=int)}
        middle = 0.5 * (means[p.second] + means[p.first])
        inside = ok & (self.band[0] <= middle) & (middle <= self.band[1])
        out["contested"] = self._slope(w * inside, change)
        out["contested_pairs"] = self._count(inside)
        return out

    def _slope(self, w: np.ndarray, change: np.ndarray) -> np.ndarray:
        u = self.move
        num = np.bincount(self.pairs.parameter, w * u * np.nan_to_num(change), minlength=self.d)
        den = np.bincount(self.pairs.parameter, w * u * u, minlength=self.d)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)

    def _count(self, mask: np.ndarray) -> np.ndarray:
        return np.bincount(self.pairs.parameter, mask.astype(float), minlength=self.d).astype(int)


def design_values(design: pd.DataFrame, names: Sequence[str]) -> np.ndarray:
    """The design's values of ``names`` ``(points, d)`` in point order."""
    return design.sort_values("point")[list(names)].to_numpy(dtype=float)

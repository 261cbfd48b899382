"""Global sensitivity analysis (Sobol and Morris) that respects stochastic outputs.

SALib assumes a deterministic model: one ``Y`` per sample row. cisim is stochastic: a design point
run ``R`` times gives ``R`` different outcomes. The sensitivity modules own the replicates:

Output per design point
    The quantity analysed is the *expected* outcome at a point, estimated by the mean over its
    replicates: for the learning-journey indicator, ``P(learning journey | parameters)``; for
    progress, its mean. The indices are those of these point means in SALib's sample order
    (Marrel et al. 2012 and Hart et al. 2017 on sensitivity of the mean of a stochastic
    simulator).

Two-level bootstrap for intervals
    For ``b = 1..B``: resample the replicates (the ``R`` replicate numbers drawn with replacement;
    by default the same draw at every point, which keeps the common random numbers of the design
    intact) and apply the estimator (Sobol's or Morris's) to ``num_resamples`` resamples of the
    base samples. The interval is the 2.5-97.5 percentile range of all ``B x num_resamples``
    draws, centred on
    the estimate (its median moved to the estimate: resampled replicates carry the original
    noise plus the resampling's own, which shifts the resampled indices; cf. Efron & Tibshirani
    1993, ch. 10 on bootstrap bias). It holds both the simulation noise (outer level) and the
    finite design (inner level); since the inner resampling of rows also sees the noise, it errs
    on the wide side. The normal-theory half-width ``*_conf`` of the inner level on all
    replicates (design only) and the spread of the outer estimates (``*_noise_sd``, noise only)
    are reported too.

Sobol indices are in :mod:`cisim.analysis.sobol`, Morris screening in :mod:`cisim.analysis.morris`,
their figures in :mod:`cisim.analysis.sensitivity_figures`; this module holds what they share: the
point means, their noise, the replicate bootstrap and the result.

See ``docs/sensitivity.md`` for the same in prose, with the checks on the Ishigami function.

References
----------
Marrel, A., Iooss, B., Da Veiga, S., & Ribatet, M. (2012). Global sensitivity analysis of
stochastic computer models with joint metamodels. Statistics and Computing 22, 833-847.
Hart, J. L., Alexanderian, A., & Gremaud, P. A. (2017). Efficient computation of Sobol' indices
for stochastic models. SIAM/ASA J. Uncertainty Quantification 5(1), 1514-1530.
Efron, B., & Tibshirani, R. J. (1993). An Introduction to the Bootstrap. Chapman & Hall.
Herman, J., & Usher, W. (2017). SALib: an open-source Python library for sensitivity analysis.
Journal of Open Source Software 2(9), 97. doi:10.21105/joss.00097
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cisim.analysis.tables import LJ, outcome_values, replicate_matrix, require

#: The noise share of the point means above which the indices earn a warning.
NOISE_WARNING = 0.1


# ---- point means and their replicate bootstrap -----------------------------------------------
def point_matrix(
    runs: pd.DataFrame, points: int, *, outcome_name: str = LJ, horizon: int = 120
) -> np.ndarray:
    """The outcome arranged ``(points, replicates)`` (NaN where a run is missing)."""
    require(runs, ["point", "replicate"], "runs")
    return replicate_matrix(runs, outcome_values(runs, outcome_name, horizon), points)


def row_means(matrix: np.ndarray) -> np.ndarray:
    """Mean over replicates of each point, ignoring missing runs (NaN if a point has none)."""
    ok = np.isfinite(matrix)
    count = ok.sum(axis=1)
    total = np.where(ok, matrix, 0.0).sum(axis=1)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def noise_share(matrix: np.ndarray, *, shared: bool = True) -> float:
    """Share of the variance of the point means that is replicate noise (NaN if ``R < 2``).

    ``(s^2 / R) / var_p(mean_p)``. With common random numbers (``shared``) and every run present,
    ``s^2`` is the point-by-replicate interaction variance of a two-way layout,
    ``sum (y_pk - mean_p - mean_k + mean)^2 / ((P - 1)(R - 1))``: the luck a replicate brings to
    every point alike shifts all point means together and changes no index, so only the
    point-specific part counts. Otherwise ``s^2`` is the mean within-point variance.
    """
    ok = np.isfinite(matrix)
    n = ok.sum(axis=1)
    if matrix.shape[1] < 2 or (n < 2).all():
        return float("nan")
    means = row_means(matrix)
    total = float(np.var(means[np.isfinite(means)], ddof=1))
    if total <= 0:
        return float("nan")
    if shared and ok.all():
        resid = matrix - means[:, None] - matrix.mean(axis=0)[None, :] + matrix.mean()
        noise = float((resid**2).sum()) / ((matrix.shape[0] - 1) * (matrix.shape[1] - 1))
        return noise / matrix.shape[1] / total
    dev = np.where(ok, matrix - means[:, None], 0.0)
    within = (dev**2).sum(axis=1) / np.maximum(n - 1, 1)
    return float(np.mean((within / np.maximum(n, 1))[n >= 2])) / total


def resample(matrix: np.ndarray, rng: np.random.Generator, *, shared: bool) -> np.ndarray:
    """The ``(points, replicates)`` outcomes with the replicates drawn with replacement.

    ``shared``: one draw of replicate numbers for every point (keeps common random numbers);
    otherwise an independent draw per point.
    """
    points, reps = matrix.shape
    if shared:
        return matrix[:, rng.integers(0, reps, reps)]
    return np.take_along_axis(matrix, rng.integers(0, reps, (points, reps)), axis=1)


def noise_warning(share: float, outcome_name: str, effect: str) -> list[str]:
    """A warning when noise is above :data:`NOISE_WARNING` of the point means' variance."""
    if np.isfinite(share) and share > NOISE_WARNING:
        return [
            f"replicate noise is {share:.0%} of the variance of the point means of "
            f"{outcome_name}: {effect}; add replicates per point"
        ]
    return []


def salib_seeds(seed: int, count: int) -> np.ndarray:
    """Positive seeds for SALib (which ignores a seed of 0)."""
    return np.random.default_rng(seed).integers(1, 2**31 - 1, count)


def replicate_bootstrap(
    matrix: np.ndarray,
    bootstrap: int,
    seed: int,
    shared: bool,
    analyse: Callable[[np.ndarray, int], dict[str, np.ndarray]],
    seeds: np.ndarray,
) -> list[dict[str, np.ndarray]]:
    """``analyse(matrix_b, seed_b)`` for each outer resample of the replicates."""
    if bootstrap <= 1 or matrix.shape[1] < 2:
        return [analyse(matrix, int(seeds[0]))]
    rng = np.random.default_rng(seed)
    return [analyse(resample(matrix, rng, shared=shared), int(seeds[b])) for b in range(bootstrap)]


def centred_interval(estimate: np.ndarray, draws: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 2.5-97.5 % percentiles of ``draws`` (resamples, D), moved so their median is the
    estimate: resampling replicates adds noise of its own, which shifts the resampled estimates
    (NaN where a column has no finite draw)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a column without a finite draw
        low, mid, high = np.nanpercentile(draws, [2.5, 50, 97.5], axis=0)
    return estimate + (low - mid), estimate + (high - mid)


# ---- the result ----------------------------------------------------------------------------
@dataclass
class SensitivityResult:
    """Indices with intervals, and what to know about them.

    Attributes
    ----------
    method
        ``"sobol"`` or ``"morris"``.
    outcome
        The outcome analysed (its point means).
    indices
        One row per parameter (columns per method; see :func:`sobol_indices` and
        :func:`morris_indices`).
    noise_share
        Share of the variance of the point means due to replicate noise (NaN: one replicate).
    base_samples, replicates
        SALib base samples (Sobol) or trajectories (Morris), and replicates per point.
    warnings
        Messages about the reliability of the indices.
    """

    method: str
    outcome: str
    indices: pd.DataFrame
    noise_share: float
    base_samples: int
    replicates: int
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "method": self.method,
            "outcome": self.outcome,
            "noise_share": plain(self.noise_share),
            "base_samples": self.base_samples,
            "replicates": self.replicates,
            "warnings": list(self.warnings),
            "indices": plain_records(self.indices),
        }


def plain_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` as JSON-ready dicts (NumPy scalars as Python numbers, NaN as None)."""
    return [{str(k): plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def plain(value: Any) -> Any:
    """A value as JSON takes it: a NumPy scalar as a Python number, a non-finite float as None."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value

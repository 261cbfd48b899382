"""Global sensitivity analysis (Sobol and Morris) that respects stochastic outputs.

SALib assumes a deterministic model: one ``Y`` per sample row. cisim is stochastic: a design point
run ``R`` times gives ``R`` different outcomes. This module owns the replicates:

Output per design point
    The quantity analysed is the *expected* outcome at a point, estimated by the mean over its
    replicates: for the learning-journey indicator, ``P(learning journey | parameters)``; for
    progress, its mean. The indices are those of these point means in SALib's sample order
    (Marrel et al. 2012 and Hart et al. 2017 on sensitivity of the mean of a stochastic
    simulator).

Replicate noise, removed per parameter
    A point mean ``ybar_p`` carries noise of variance ``Var(e_p) / R``, which Sobol's estimators
    read as output variance. With ``y_pk`` the run of replicate ``k`` at point ``p``, and per base
    sample ``j`` the rows ``A_j``, ``AB_ij`` (A with column ``i`` from B) and ``B_j``:

    * variance: ``V = var(ybar over the A and B rows) - SS_int / (P R (R - 1))``, where
      ``SS_int`` is the point-by-replicate interaction sum of squares of those ``P = 2N`` rows.
      It is unbiased for the noise's part of the variance of the point means whatever the
      correlation of the noise between points (with common random numbers, luck a replicate
      brings to every point alike moves all means together and is no variance). With missing
      runs: the mean within-point ``s_p^2 / n_p`` (as if the noise were independent);
    * total order (Jansen 1999): ``ST_i = (mean_j d_ij^2 - mean_j v_ij) / (2 V)`` with
      ``d_ij = ybar_A_j - ybar_AB_ij`` and ``v_ij = Var_k(y_A_j,k - y_AB_ij,k) / R``, the
      variance over replicates of the *paired* differences: ``E[d^2] = delta^2 + Var(d)`` and
      ``v`` is unbiased for ``Var(d)``. Under common random numbers ``A_j`` and ``AB_ij`` share
      seeds, so for a parameter that barely matters their noise largely cancels in ``d`` and
      ``v`` is small: each parameter gets its own correction, not a global noise share;
    * first order (Saltelli et al. 2010): ``S1_i = mean_j ybar_B_j (ybar_AB_ij - ybar_A_j) / V``.
      Its noise term has expectation ``Cov(e_B, e_AB_i) - Cov(e_B, e_A)``: 0 for independent
      noise, about 0 under common random numbers (below 0.003 on the 13-parameter study).

    Point means are centred on their overall mean first, as SALib does. With one replicate
    nothing is removed (the indices are SALib's, of one noisy realisation). SALib's estimates on
    the point means, uncorrected, are kept as ``S1_raw`` and ``ST_raw`` (``adjust_noise=False``
    gives the same from this estimator). Estimates are not clipped: an inert parameter's may be
    slightly negative. The noise share of :func:`noise_share` is reported; above
    :data:`NOISE_WARNING` it earns a warning (the indices are corrected but less certain).

Two-level bootstrap for intervals
    For ``b = 1..B``: resample the replicates (the ``R`` replicate numbers drawn with replacement;
    by default the same draw at every point, which keeps the common random numbers of the design
    intact) and apply the estimator above to ``num_resamples`` resamples of the base samples.
    The interval is the 2.5-97.5 percentile range of all ``B x num_resamples`` draws, centred on
    the estimate (its median moved to the estimate: resampled replicates carry the original
    noise plus the resampling's own, which shifts the resampled indices; cf. Efron & Tibshirani
    1993, ch. 10 on bootstrap bias). It holds both the simulation noise (outer level) and the
    finite design (inner level); since the inner resampling of rows also sees the noise, it errs
    on the wide side. The normal-theory half-width ``*_conf`` of the inner level on all
    replicates (design only) and the spread of the outer estimates (``*_noise_sd``, noise only)
    are reported too.

Convergence
    Sobol samples are nested: with ``calc_second_order=False`` SALib lays out ``D + 2`` rows per
    base sample (A, the ``D`` cross rows AB_i, B), so the first ``n (D + 2)`` points are the design
    of ``n`` base samples. Indices on ``N/8, N/4, N/2, N`` show whether they have settled.

Morris
    Elementary effects on the point means (SALib's ``morris.analyze``; mu, mu*, sigma; Campolongo
    et al. 2007), with the outer replicate bootstrap for intervals of mu* and sigma. Noise in the
    point means inflates mu* (a mean of absolute values) and sigma; it is reported, not corrected.

See ``docs/sensitivity.md`` for the same in prose, with the checks on the Ishigami function.

References
----------
Jansen, M. J. W. (1999). Analysis of variance designs for model output. Computer Physics
Communications 117(1-2), 35-43.
Saltelli, A., et al. (2010). Variance based sensitivity analysis of model output. Computer Physics
Communications 181(2), 259-270. doi:10.1016/j.cpc.2009.09.018
Sobol', I. M. (2001). Global sensitivity indices for nonlinear mathematical models and their
Monte Carlo estimates. Mathematics and Computers in Simulation 55, 271-280.
Morris, M. D. (1991). Factorial sampling plans for preliminary computational experiments.
Technometrics 33(2), 161-174.
Campolongo, F., Cariboni, J., & Saltelli, A. (2007). An effective screening design for
sensitivity analysis of large models. Environmental Modelling & Software 22(10), 1509-1518.
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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from SALib.analyze import morris as salib_morris
from SALib.analyze import sobol as salib_sobol

from cisim.analysis.tables import LJ, outcome, outcome_values, replicate_matrix, require
from cisim.errors import ConfigError
from cisim.present.style import INTERVAL, caption, tidy_axes

NOISE_WARNING = 0.1
_Z95 = 1.959963984540054  # normal 97.5 % quantile
FRACTIONS: tuple[float, ...] = (1 / 8, 1 / 4, 1 / 2, 1.0)
_S1_COLOUR, _ST_COLOUR = "#2c5d9e", "#9ecae1"


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


def _noise_warning(share: float, outcome_name: str, effect: str) -> list[str]:
    if np.isfinite(share) and share > NOISE_WARNING:
        return [
            f"replicate noise is {share:.0%} of the variance of the point means of "
            f"{outcome_name}: {effect}; add replicates per point"
        ]
    return []


def _seeds(seed: int, count: int) -> np.ndarray:
    """Positive seeds for SALib (which ignores a seed of 0)."""
    return np.random.default_rng(seed).integers(1, 2**31 - 1, count)


# ---- Sobol -----------------------------------------------------------------------------------
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
            "noise_share": _plain(self.noise_share),
            "base_samples": self.base_samples,
            "replicates": self.replicates,
            "warnings": list(self.warnings),
            "indices": [
                {k: _plain(v) for k, v in row.items()}
                for row in self.indices.to_dict(orient="records")
            ],
        }


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def _block(problem: Mapping[str, Any], calc_second_order: bool) -> int:
    d = len(problem["names"])
    return 2 * d + 2 if calc_second_order else d + 2


def _salib_sobol(
    problem: Mapping[str, Any], y: np.ndarray, *, second: bool
) -> dict[str, np.ndarray]:
    """SALib's first- and total-order indices of the point means ``y`` (no noise correction)."""
    d = len(problem["names"])
    if not np.all(np.isfinite(y)) or np.ptp(y) <= 0:
        return {"S1": np.zeros(d), "ST": np.zeros(d)}
    si = salib_sobol.analyze(
        dict(problem), np.asarray(y, dtype=float), calc_second_order=second, num_resamples=2, seed=1
    )
    return {"S1": np.asarray(si["S1"]), "ST": np.asarray(si["ST"])}


@dataclass(frozen=True)
class _SobolTerms:
    """Per base sample ``j`` (rows A_j, AB_ij, B_j of SALib's layout) the terms of the estimators.

    Point means are centred on the mean of all point means (as SALib does). ``first`` is
    ``ybar_B (ybar_AB_i - ybar_A)``; ``total`` is ``(ybar_A - ybar_AB_i)^2 / 2`` less its noise
    ``Var_r(y_A,r - y_AB_i,r) / (2 R)``. ``level``/``square`` sum ``ybar`` and ``ybar^2`` over A_j
    and B_j; ``spread`` (``q``) and ``centred`` (``z``) give the noise of the variance of the
    A and B point means: the point-by-replicate interaction (complete data) with ``z_pk = y_pk -
    ybar_p`` summed over A_j and B_j and ``q = sum_k z_pk^2``; or, with missing runs, ``within``,
    the sum of ``s_p^2 / n_p``.
    """

    first: np.ndarray  # (N, D)
    total: np.ndarray  # (N, D)
    level: np.ndarray  # (N,)
    square: np.ndarray  # (N,)
    spread: np.ndarray  # (N,)
    centred: np.ndarray | None  # (N, R), complete data only
    within: np.ndarray  # (N,)
    replicates: int


def _sobol_terms(matrix: np.ndarray, d: int, block: int, *, correct: bool) -> _SobolTerms | None:
    """The estimators' terms of a ``(points, replicates)`` matrix (None: a point without runs)."""
    means = row_means(matrix)
    if not np.all(np.isfinite(means)):
        return None
    centre = float(means.mean())
    y, ybar = matrix - centre, means - centre
    a, b = ybar[0::block], ybar[block - 1 :: block]
    ab = np.stack([ybar[i + 1 :: block] for i in range(d)], axis=1)
    n, reps = len(a), matrix.shape[1]
    first = b[:, None] * (ab - a[:, None])
    total = 0.5 * (a[:, None] - ab) ** 2
    spread, within = np.zeros(n), np.zeros(n)
    centred = None
    if correct and reps >= 2:
        ya, yb = y[0::block], y[block - 1 :: block]
        yab = np.stack([y[i + 1 :: block] for i in range(d)], axis=1)  # (N, D, R)
        total = total - 0.5 * _mean_noise(ya[:, None, :] - yab)
        complete = bool(np.isfinite(matrix).all())
        za, zb = ya - a[:, None], yb - b[:, None]
        if complete:
            spread = (za**2).sum(axis=1) + (zb**2).sum(axis=1)
            centred = za + zb
        else:
            within = _mean_noise(ya) + _mean_noise(yb)
    return _SobolTerms(
        first, total, a + b, a**2 + b**2, spread, centred, within, reps if correct else 1
    )


def _mean_noise(values: np.ndarray) -> np.ndarray:
    """Variance of the mean over the last axis: ``s^2 / n`` of the finite values (0 if n < 2)."""
    ok = np.isfinite(values)
    n = ok.sum(axis=-1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # fewer than two values: no variance
        var = np.nanvar(values, axis=-1, ddof=1)
    return np.where(n >= 2, var / np.maximum(n, 1), 0.0)


def _sobol_from_terms(terms: _SobolTerms, weights: np.ndarray) -> dict[str, np.ndarray]:
    """S1 and ST ``(K, D)`` for ``K`` weightings ``(K, N)`` of the base samples (counts)."""
    count = weights.sum(axis=1)
    rows = 2.0 * count  # A and B point means
    mean = weights @ terms.level / rows
    total_var = weights @ terms.square / rows - mean**2
    reps = terms.replicates
    if terms.centred is not None and reps >= 2:
        column = weights @ terms.centred  # (K, R)
        interaction = weights @ terms.spread - (column**2).sum(axis=1) / rows
        noise = interaction / (rows * reps * (reps - 1))
    else:
        noise = (weights @ terms.within / rows) * (rows - 1) / rows
    var = total_var - noise
    ok = (total_var > np.finfo(float).eps) & (var > 0)
    safe = np.where(ok, var, 1.0)[:, None]
    s1 = (weights @ terms.first) / count[:, None] / safe
    st = (weights @ terms.total) / count[:, None] / safe
    flat = (total_var <= np.finfo(float).eps)[:, None]
    nan = (~ok)[:, None] & ~flat
    return {
        "S1": np.where(flat, 0.0, np.where(nan, np.nan, s1)),
        "ST": np.where(flat, 0.0, np.where(nan, np.nan, st)),
    }


def _sobol_draws(
    matrix: np.ndarray,
    d: int,
    block: int,
    *,
    correct: bool,
    resamples: int,
    seed: int,
) -> dict[str, np.ndarray]:
    """Indices of ``matrix`` and ``resamples`` bootstrap draws over its base samples."""
    terms = _sobol_terms(matrix, d, block, correct=correct)
    if terms is None:
        zeros = np.zeros(d)
        return {"S1": zeros, "ST": zeros} | {
            "S1_all": np.zeros((max(resamples, 1), d)),
            "ST_all": np.zeros((max(resamples, 1), d)),
        }
    n = len(terms.level)
    full = _sobol_from_terms(terms, np.ones((1, n)))
    out = {"S1": full["S1"][0], "ST": full["ST"][0]}
    if resamples < 1:
        return out | {"S1_all": full["S1"], "ST_all": full["ST"]}
    draw = np.random.default_rng(seed).integers(0, n, (resamples, n))
    weights = np.zeros((resamples, n))
    np.add.at(weights, (np.repeat(np.arange(resamples), n), draw.reshape(-1)), 1.0)
    boot = _sobol_from_terms(terms, weights)
    return out | {"S1_all": boot["S1"], "ST_all": boot["ST"]}


def sobol_indices(
    runs: pd.DataFrame,
    problem: Mapping[str, Any],
    *,
    outcome_name: str = LJ,
    horizon: int = 120,
    calc_second_order: bool = False,
    bootstrap: int = 100,
    num_resamples: int = 100,
    seed: int = 0,
    shared_replicates: bool = True,
    adjust_noise: bool = True,
) -> SensitivityResult:
    """Sobol first- and total-order indices of the expected outcome, with two-level intervals.

    Parameters
    ----------
    runs
        The runs table of a Sobol design: ``point`` numbers follow SALib's sample order.
    problem
        SALib's problem dict (``names``, ``bounds``).
    outcome_name
        The outcome whose point means are analysed (default: the learning-journey indicator,
        whose point mean is P(learning journey)); any numeric column of ``runs`` works.
    horizon
        Months simulated (censoring of months-to-event outcomes).
    calc_second_order
        Whether the design was sampled with second-order blocks (only S1 and ST are estimated).
    bootstrap
        Outer resamples of the replicates (1 or fewer, or a single replicate: the bootstrap over
        base samples only).
    num_resamples
        Inner bootstrap resamples of the base samples per outer resample.
    seed
        Seed of both bootstrap levels.
    shared_replicates
        Resample the same replicate numbers at every point (keeps common random numbers).
    adjust_noise
        Remove replicate noise from the estimators, per parameter (see the module docstring):
        the noise of the total variance and of each squared difference ``ybar_A - ybar_AB_i``
        is estimated from the replicates and subtracted. Nothing to remove with one replicate.

    Returns
    -------
    SensitivityResult
        ``indices`` columns: ``parameter``; for ``S1`` and ``ST``: the estimate on all replicates
        (noise-corrected if asked), ``*_raw`` (SALib's estimate on the point means, uncorrected),
        ``*_conf`` (normal-theory 95 % half-width over base-sample resamples: design only),
        ``*_low`` and ``*_high`` (two-level percentile interval) and ``*_noise_sd`` (spread due to
        replicate noise only).
    """
    block = _block(problem, calc_second_order)
    d = len(problem["names"])
    points = int(runs["point"].max()) + 1
    if points % block:
        allowed = f"a multiple of {block} points (SALib's Sobol layout for {problem['names']})"
        raise ConfigError("design points", points, allowed)
    matrix = point_matrix(runs, points, outcome_name=outcome_name, horizon=horizon)
    seeds = _seeds(seed, bootstrap + 1)

    def analyse(m: np.ndarray, s: int) -> dict[str, np.ndarray]:
        return _sobol_draws(m, d, block, correct=adjust_noise, resamples=num_resamples, seed=s)

    raw = _salib_sobol(problem, row_means(matrix), second=calc_second_order)
    full = analyse(matrix, int(seeds[0]))
    draws = _outer(matrix, bootstrap, seed, shared_replicates, analyse, seeds[1:])
    table = pd.DataFrame({"parameter": list(problem["names"])})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN draws (noise above the signal)
        for name in ("S1", "ST"):
            pooled = np.concatenate([draw[f"{name}_all"] for draw in draws])
            outer = np.array([draw[name] for draw in draws])
            table[name] = full[name]
            table[f"{name}_raw"] = raw[name]
            spread = np.nanstd(full[f"{name}_all"], axis=0, ddof=1) if num_resamples > 1 else 0.0
            table[f"{name}_conf"] = _Z95 * spread
            table[f"{name}_low"], table[f"{name}_high"] = _centred_interval(full[name], pooled)
            table[f"{name}_noise_sd"] = np.nanstd(outer, axis=0, ddof=1) if len(outer) > 1 else 0.0
    share = noise_share(matrix, shared=shared_replicates)
    return SensitivityResult(
        "sobol",
        outcome_name,
        table,
        share,
        points // block,
        matrix.shape[1],
        _noise_warning(share, outcome_name, _sobol_effect(adjust_noise)),
    )


def _centred_interval(estimate: np.ndarray, draws: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 2.5-97.5 % percentiles of ``draws`` (resamples, D), moved so their median is the
    estimate: resampling replicates adds noise of its own, which shifts the resampled indices."""
    low, mid, high = np.nanpercentile(draws, [2.5, 50, 97.5], axis=0)
    return estimate + (low - mid), estimate + (high - mid)


def _sobol_effect(corrected: bool) -> str:
    if corrected:
        return "the indices are corrected for it, but are less certain"
    return "first-order indices are biased down and total-order up (not corrected)"


def _outer(
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


def sobol_convergence(
    runs: pd.DataFrame,
    problem: Mapping[str, Any],
    *,
    fractions: Sequence[float] = FRACTIONS,
    **options: Any,
) -> pd.DataFrame:
    """Sobol indices on the first ``fraction x N`` base samples (the design is nested).

    ``options`` are passed to :func:`sobol_indices`. Returns a tidy table: ``base_samples``,
    ``parameter``, ``index`` (``S1`` or ``ST``), ``value``, ``low``, ``high``.
    """
    block = _block(problem, bool(options.get("calc_second_order", False)))
    total = (int(runs["point"].max()) + 1) // block
    rows = []
    for n in sorted({max(2, round(f * total)) for f in fractions}):
        part = runs[runs["point"] < n * block]
        result = sobol_indices(part, problem, **options)
        for row in result.indices.itertuples(index=False):
            for name in ("S1", "ST"):
                rows.append(
                    {"base_samples": n, "parameter": row.parameter, "index": name}
                    | {
                        "value": getattr(row, name),
                        "low": getattr(row, f"{name}_low"),
                        "high": getattr(row, f"{name}_high"),
                    }
                )
    return pd.DataFrame(rows)


# ---- Morris ----------------------------------------------------------------------------------
def _salib_morris(
    problem: Mapping[str, Any], x: np.ndarray, y: np.ndarray, *, levels: int, seed: int
) -> dict[str, np.ndarray]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # constant effects: sigma of one value
        mi = salib_morris.analyze(
            dict(problem), x, np.asarray(y, float), num_levels=levels, seed=int(seed)
        )
    return {k: np.asarray(mi[k], dtype=float) for k in ("mu", "mu_star", "sigma", "mu_star_conf")}


def morris_indices(
    design: pd.DataFrame,
    runs: pd.DataFrame,
    problem: Mapping[str, Any],
    *,
    outcome_name: str = LJ,
    horizon: int = 120,
    num_levels: int = 4,
    bootstrap: int = 100,
    seed: int = 0,
    shared_replicates: bool = True,
    sample: np.ndarray | None = None,
) -> SensitivityResult:
    """Morris mu, mu* and sigma of the point means, with replicate-bootstrap intervals.

    Parameters
    ----------
    design
        The Morris design (``point`` and one column per name of ``problem``), in SALib's order.
    runs, problem, outcome_name, horizon, bootstrap, seed, shared_replicates
        As in :func:`sobol_indices`.
    num_levels
        The Morris grid levels the design was sampled with.
    sample
        SALib's raw sample matrix ``(points, D)`` in point order, if the design's columns were
        rounded (integer parameters); default: the design's columns.

    Returns
    -------
    SensitivityResult
        ``indices`` columns: ``parameter``, ``mu``, ``mu_star``, ``mu_star_conf`` (SALib's, over
        trajectories), ``mu_star_low``/``mu_star_high`` and ``sigma``, ``sigma_low``/
        ``sigma_high`` (percentile intervals over replicate resamples).
    """
    names = list(problem["names"])
    require(design, ["point", *names], "design")
    x = (
        design.sort_values("point")[names].to_numpy(dtype=float)
        if sample is None
        else np.asarray(sample, dtype=float)
    )
    matrix = point_matrix(runs, len(x), outcome_name=outcome_name, horizon=horizon)
    seeds = _seeds(seed, bootstrap + 1)

    def analyse(m: np.ndarray, s: int) -> dict[str, np.ndarray]:
        return _salib_morris(problem, x, row_means(m), levels=num_levels, seed=s)

    full = analyse(matrix, int(seeds[0]))
    draws = _outer(matrix, bootstrap, seed, shared_replicates, analyse, seeds[1:])
    table = pd.DataFrame({"parameter": names, "mu": full["mu"], "mu_star": full["mu_star"]})
    table["mu_star_conf"] = full["mu_star_conf"]
    for name in ("mu_star", "sigma"):
        outer = np.array([d[name] for d in draws])
        if name == "sigma":
            table["sigma"] = full["sigma"]
        table[f"{name}_low"], table[f"{name}_high"] = np.percentile(outer, [2.5, 97.5], axis=0)
    share = noise_share(matrix, shared=shared_replicates)
    trajectories = len(x) // (len(names) + 1)
    return SensitivityResult(
        "morris",
        outcome_name,
        table,
        share,
        trajectories,
        matrix.shape[1],
        _noise_warning(share, outcome_name, "mu* and sigma are biased up by it"),
    )


# ---- figures ---------------------------------------------------------------------------------
def sobol_figure(result: SensitivityResult) -> Figure:
    """Bars of first- and total-order indices per parameter with two-level 95 % intervals."""
    table = result.indices
    fig = Figure(figsize=(max(6.0, 1.1 * len(table) + 3.0), 4.4), layout="constrained")
    ax = fig.subplots()
    pos = np.arange(len(table))
    for offset, name, colour, label in (
        (-0.2, "S1", _S1_COLOUR, "first order S1 (alone)"),
        (0.2, "ST", _ST_COLOUR, "total order ST (with interactions)"),
    ):
        values = table[name].to_numpy()
        err = [values - table[f"{name}_low"], table[f"{name}_high"] - values]
        ax.bar(pos + offset, values, width=0.38, color=colour, label=label)
        ax.errorbar(
            pos + offset, values, yerr=np.maximum(err, 0), fmt="none", ecolor=INTERVAL, capsize=3
        )
    ax.set_xticks(pos, [p.replace("_", " ") for p in table["parameter"]], rotation=30, ha="right")
    ax.set_ylabel("share of output variance")
    ax.set_ylim(min(0.0, ax.get_ylim()[0]), max(1.0, ax.get_ylim()[1]))
    ax.axhline(0, color="#999999", linewidth=0.8)
    ax.legend(frameon=False)
    tidy_axes(ax, grid="y")
    fig.suptitle(f"Sobol indices of {outcome(result.outcome).label}", fontweight="bold")
    caption(fig, _sensitivity_caption(result, "whiskers: 95% two-level bootstrap interval"))
    return fig


def _sensitivity_caption(result: SensitivityResult, what: str) -> str:
    noise = "n/a" if not np.isfinite(result.noise_share) else f"{result.noise_share:.1%}"
    return (
        f"Point means over {result.replicates} replicates; {what};\n"
        f"replicate noise share of the variance of the point means: {noise}."
    )


def convergence_figure(table: pd.DataFrame, outcome_name: str = LJ) -> Figure:
    """Indices against the number of base samples (log scale), one panel for S1 and one for ST."""
    fig = Figure(figsize=(11.0, 4.2), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    for ax, name in zip(axes, ("S1", "ST"), strict=True):
        part = table[table["index"] == name]
        for i, (param, rows) in enumerate(part.groupby("parameter", sort=False)):
            colour = f"C{i % 10}"
            ax.plot(rows["base_samples"], rows["value"], "o-", color=colour, label=str(param))
            ax.fill_between(
                rows["base_samples"],
                rows["low"],
                rows["high"],
                color=colour,
                alpha=0.12,
                linewidth=0,
            )
        ax.set_xscale("log", base=2)
        ax.set_xlabel("base samples N (design points = N x (D + 2))")
        ax.set_title("first order S1" if name == "S1" else "total order ST", fontsize=10)
        tidy_axes(ax)
    axes[0].set_ylabel("index (share of variance)")
    axes[1].legend(frameon=False, title="parameter", loc="best")
    fig.suptitle(
        f"Convergence of the Sobol indices of {outcome(outcome_name).label}", fontweight="bold"
    )
    caption(fig, "Estimates on nested prefixes of the Sobol design; bands: 95% intervals.")
    return fig


def morris_figure(result: SensitivityResult) -> Figure:
    """mu* against sigma, with replicate-bootstrap intervals, one labelled point per parameter."""
    table = result.indices
    fig = Figure(figsize=(6.8, 5.2), layout="constrained")
    ax = fig.subplots()
    xerr = [table["mu_star"] - table["mu_star_low"], table["mu_star_high"] - table["mu_star"]]
    yerr = [table["sigma"] - table["sigma_low"], table["sigma_high"] - table["sigma"]]
    ax.errorbar(
        table["mu_star"],
        table["sigma"],
        xerr=np.maximum(xerr, 0),
        yerr=np.maximum(yerr, 0),
        fmt="o",
        color=INTERVAL,
        capsize=3,
    )
    top_x = float(np.nanmax(table["mu_star_high"])) * 1.15 or 1.0
    top_y = float(np.nanmax(table["sigma_high"])) * 1.15 or 1.0
    edge = max(top_x, top_y)
    ax.plot([0, edge], [0, edge], color="#999999", linestyle="--", linewidth=1, label="sigma = mu*")
    ax.set_xlim(0, top_x)
    ax.set_ylim(0, top_y)
    labels = [str(p).replace("_", " ") for p in table["parameter"]]
    x, y = table["mu_star"].to_numpy(float), table["sigma"].to_numpy(float)
    for label, px, py, (dx, dy) in zip(
        labels, x, y, _label_offsets(x / top_x, y / top_y, labels), strict=True
    ):
        ax.annotate(
            label,
            (px, py),
            textcoords="offset points",
            xytext=(dx, dy),
            fontsize=_LABEL_SIZE,
            va="bottom",
            arrowprops=(
                dict(arrowstyle="-", color="#999999", linewidth=0.6, shrinkA=0, shrinkB=3)
                if abs(dy) > 2 * _LABEL_SIZE
                else None
            ),
        )
    ax.legend(frameon=False, loc="upper left")
    ax.set_xlabel("mu* (mean absolute elementary effect)")
    ax.set_ylabel("sigma (spread of elementary effects)")
    tidy_axes(ax)
    fig.suptitle(f"Morris screening of {outcome(result.outcome).label}", fontweight="bold")
    what = "whiskers: 95% replicate-bootstrap interval; above the line: non-linear or interacting"
    caption(fig, _sensitivity_caption(result, what))
    return fig


_LABEL_SIZE = 8.0  # points
_AXES_POINTS = (6.8 * 0.85 * 72, 5.2 * 0.75 * 72)  # about the Morris plot's axes, in points


def _label_offsets(
    x: np.ndarray, y: np.ndarray, labels: Sequence[str], *, axes: tuple[float, float] = _AXES_POINTS
) -> list[tuple[float, float]]:
    """Offsets (points, of the text's lower left corner) of labels placed so that none overlap.

    ``x``, ``y``: the points in axes fractions. From the lowest point up, a label goes to the
    first free place of: right above its point, right below, left above, left below; if none is
    free, right above, moved up past the labels in the way. (The text's size is estimated from
    the font size, which is enough to keep a cluster of points readable.)
    """
    px, py = np.nan_to_num(x) * axes[0], np.nan_to_num(y) * axes[1]
    height, gap = 1.3 * _LABEL_SIZE, 4.0
    placed: list[tuple[float, float, float, float]] = []

    def clash(left: float, bottom: float, width: float) -> tuple[float, float, float, float] | None:
        for box in placed:
            x0, x1, y0, y1 = box
            if left < x1 and x0 < left + width and bottom < y1 and y0 < bottom + height:
                return box
        return None

    offsets = [(gap, gap)] * len(labels)
    for i in np.lexsort((px, py)):
        width = 0.56 * _LABEL_SIZE * len(labels[i])
        candidates = [(gap, gap), (gap, -gap - height), (-gap - width, gap)]
        candidates.append((-gap - width, -gap - height))
        free = [(dx, dy) for dx, dy in candidates if clash(px[i] + dx, py[i] + dy, width) is None]
        dx, dy = free[0] if free else candidates[0]
        while (box := clash(px[i] + dx, py[i] + dy, width)) is not None:
            dy = box[3] + 1.0 - py[i]
        placed.append((px[i] + dx, px[i] + dx + width, py[i] + dy, py[i] + dy + height))
        offsets[i] = (float(dx), float(dy))
    return offsets

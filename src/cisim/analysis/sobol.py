"""Sobol indices of the expected outcome, corrected for replicate noise, with two-level intervals.

The point means, their noise share and the replicate bootstrap are those of
:mod:`cisim.analysis.sensitivity` (which also states the output analysed and the bootstrap).

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
      noise, small under common random numbers (on the shipped 13-parameter study, 0.026 of
      ``V`` for initial trust and below 0.008 for every other parameter; docs/sensitivity.md).

    Point means are centred on their overall mean first, as SALib does. With one replicate
    nothing is removed (the indices are SALib's, of one noisy realisation). SALib's estimates on
    the point means, uncorrected, are kept as ``S1_raw`` and ``ST_raw`` (``adjust_noise=False``
    gives the same from this estimator). Estimates are not clipped: an inert parameter's may be
    slightly negative. The noise share (:func:`~cisim.analysis.sensitivity.noise_share`) is
    reported; above :data:`~cisim.analysis.sensitivity.NOISE_WARNING` it earns a warning (the
    indices are corrected but less certain).

Convergence
    Sobol samples are nested: with ``calc_second_order=False`` SALib lays out ``D + 2`` rows per
    base sample (A, the ``D`` cross rows AB_i, B), so the first ``n (D + 2)`` points are the design
    of ``n`` base samples. Indices on ``N/8, N/4, N/2, N`` show whether they have settled.

References
----------
Jansen, M. J. W. (1999). Analysis of variance designs for model output. Computer Physics
Communications 117(1-2), 35-43.
Saltelli, A., et al. (2010). Variance based sensitivity analysis of model output. Computer Physics
Communications 181(2), 259-270. doi:10.1016/j.cpc.2009.09.018
Sobol', I. M. (2001). Global sensitivity indices for nonlinear mathematical models and their
Monte Carlo estimates. Mathematics and Computers in Simulation 55, 271-280.
Herman, J., & Usher, W. (2017). SALib: an open-source Python library for sensitivity analysis.
Journal of Open Source Software 2(9), 97. doi:10.21105/joss.00097
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import sobol as salib_sobol

from cisim.analysis.sensitivity import (
    SensitivityResult,
    centred_interval,
    noise_share,
    noise_warning,
    point_matrix,
    replicate_bootstrap,
    row_means,
    salib_seeds,
)
from cisim.analysis.tables import LJ
from cisim.errors import ConfigError
from cisim.stats import Z95

#: The shares of the base samples :func:`sobol_convergence` computes the indices on.
FRACTIONS: tuple[float, ...] = (1 / 8, 1 / 4, 1 / 2, 1.0)


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
    seeds = salib_seeds(seed, bootstrap + 1)

    def analyse(m: np.ndarray, s: int) -> dict[str, np.ndarray]:
        return _sobol_draws(m, d, block, correct=adjust_noise, resamples=num_resamples, seed=s)

    raw = _salib_sobol(problem, row_means(matrix), second=calc_second_order)
    full = analyse(matrix, int(seeds[0]))
    draws = replicate_bootstrap(matrix, bootstrap, seed, shared_replicates, analyse, seeds[1:])
    table = pd.DataFrame({"parameter": list(problem["names"])})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN draws (noise above the signal)
        for name in ("S1", "ST"):
            pooled = np.concatenate([draw[f"{name}_all"] for draw in draws])
            outer = np.array([draw[name] for draw in draws])
            table[name] = full[name]
            table[f"{name}_raw"] = raw[name]
            spread = np.nanstd(full[f"{name}_all"], axis=0, ddof=1) if num_resamples > 1 else 0.0
            table[f"{name}_conf"] = Z95 * spread
            table[f"{name}_low"], table[f"{name}_high"] = centred_interval(full[name], pooled)
            table[f"{name}_noise_sd"] = np.nanstd(outer, axis=0, ddof=1) if len(outer) > 1 else 0.0
    share = noise_share(matrix, shared=shared_replicates)
    return SensitivityResult(
        "sobol",
        outcome_name,
        table,
        share,
        points // block,
        matrix.shape[1],
        noise_warning(share, outcome_name, _sobol_effect(adjust_noise)),
    )


def _sobol_effect(corrected: bool) -> str:
    if corrected:
        return "the indices are corrected for it, but are less certain"
    return "first-order indices are biased down and total-order up (not corrected)"


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

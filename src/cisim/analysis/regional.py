"""Regional sensitivity of a yes/no outcome (Monte Carlo filtering), with a logistic summary.

Why
    When the output is a regime (did this run become a learning journey, yes or no), Sobol indices
    analyse the probability of the regime at each design point, averaged over its replicates. A
    measure built for a binary output asks a more direct question: do the runs that ended in the
    regime come from a different part of a parameter's range than those that did not?

Method (Spear & Hornberger 1980; Saltelli et al. 2008, ch. 5)
    Split the runs into those in the regime (``B``) and the rest (``not B``). For parameter ``i``,
    ``F_B`` and ``F_notB`` are the empirical distribution functions of ``x_i`` over the runs of
    each set (a design point with ``k`` of its ``n`` runs in the regime counts ``k`` times in
    ``B`` and ``n - k`` times in ``not B``). The Kolmogorov-Smirnov distance::

        KS_i = max_t | F_B(t) - F_notB(t) |

    is 0 when the parameter's value tells nothing about the regime and 1 when a threshold on it
    separates the two sets. If the regime's probability rises linearly from 0 to 1 across the
    range and nothing else matters, ``KS = 0.5``.

Significance: a block permutation test
    The usual KS p-value assumes independent draws, but runs of one design point share their
    parameters and, in a Sobol or Morris design, points of one base sample or trajectory share
    most of them (a Sobol base sample repeats ``A_j``'s value of ``x_i`` in ``d + 1`` rows). Under
    the null hypothesis that the regime does not depend on ``x_i``, ``x_i``'s values of a block
    can be swapped with another block's without changing the distribution of the data. The test
    permutes whole blocks (``block_size`` consecutive points: ``d + 2`` for Sobol, ``d + 1`` for
    Morris, 1 for a Latin hypercube), keeping each point's outcomes and the pattern of repeated
    values inside a block, and reports ``p = (1 + #{KS_perm >= KS}) / (1 + permutations)`` and the
    permutation distribution's 95th percentile (``ks_null95``): distances below it are what an
    inert parameter gives on this design. The same permutations serve every parameter; the
    p-values are not adjusted for the number of parameters tested.

Logistic summary
    A logistic regression of the indicator on the standardised parameters (binomial counts per
    design point; :func:`cisim.analysis.logistic.fit_logistic`) summarises the regime by one
    additive index. Its effect of parameter ``i`` is the mean over the design's points of the
    predicted probability with ``x_i`` at the high end of its range minus that at the low end
    (the other parameters as sampled): points of probability per whole range. Its interval is a
    bootstrap over blocks and replicates; the in-sample AUC of the fit says how well one
    additive index tells the regime.

References
----------
Spear, R. C., & Hornberger, G. M. (1980). Eutrophication in Peel Inlet II: identification of
critical uncertainties via generalized sensitivity analysis. Water Research 14(1), 43-49.
Saltelli, A., Ratto, M., Andres, T., Campolongo, F., Cariboni, J., Gatelli, D., Saisana, M., &
Tarantola, S. (2008). Global Sensitivity Analysis: The Primer. Wiley, ch. 5.
Pianosi, F., et al. (2016). Sensitivity analysis of environmental models: a systematic review
with practical workflow. Environmental Modelling & Software 79, 214-232.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit

from cisim.analysis.logistic import auc, fit_logistic
from cisim.analysis.sensitivity import plain, plain_records, point_matrix, resample
from cisim.analysis.tables import LJ
from cisim.errors import ConfigError

#: Permutations per chunk (memory: chunk x points floats per array).
_CHUNK = 100


@dataclass
class RegionalResult:
    """Regional sensitivity of a yes/no outcome.

    Attributes
    ----------
    outcome
        The indicator analysed (e.g. ``learning_journey``).
    indices
        One row per parameter: ``parameter``, ``ks``, ``ks_null95``, ``p_value``,
        ``mean_in`` and ``mean_out`` (the parameter's mean over the runs in the regime and over
        the rest), ``logit_effect`` with ``logit_low``/``logit_high``.
    cdfs
        The two distribution functions on a grid over each range, for the figure: ``parameter``,
        ``value``, ``inside``, ``outside``.
    share
        The share of runs in the regime.
    runs, permutations
        Runs analysed and permutations of the test.
    auc
        In-sample AUC of the logistic fit (how well one additive index tells the regime).
    """

    outcome: str
    indices: pd.DataFrame
    cdfs: pd.DataFrame
    share: float
    runs: int
    permutations: int
    auc: float

    def summary(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "outcome": self.outcome,
            "share": plain(self.share),
            "runs": self.runs,
            "permutations": self.permutations,
            "auc": plain(self.auc),
            "indices": plain_records(self.indices),
        }


def regional_sensitivity(
    values: np.ndarray,
    runs: pd.DataFrame,
    problem: Mapping[str, Any],
    *,
    outcome_name: str = LJ,
    horizon: int = 120,
    block_size: int = 1,
    permutations: int = 999,
    bootstrap: int = 200,
    seed: int = 0,
    shared_replicates: bool = True,
    grid: int = 101,
) -> RegionalResult:
    """KS distances between the runs in and out of the regime, per parameter, with a block
    permutation test and a logistic summary (see the module docstring).

    Parameters
    ----------
    values
        The design's values ``(points, d)`` in point order.
    runs
        The runs table; ``outcome_name`` must be a yes/no outcome (a regime, or a 0/1 column).
    problem
        ``names`` and ``bounds`` of the parameters (the ranges of the logistic effects).
    block_size
        Consecutive points that form one block of the design (Sobol ``d + 2``, Morris
        ``d + 1``, otherwise 1).
    permutations
        Block permutations of the test.
    bootstrap
        Resamples (blocks and replicates) for the logistic effects' intervals (0: none).
    seed, shared_replicates
        Seed of the permutations and the bootstrap; whether a bootstrap resample draws the same
        replicate numbers at every point.
    grid
        Points of each distribution function kept for the figure.
    """
    names = list(problem["names"])
    x = np.asarray(values, dtype=float)
    matrix = point_matrix(runs, len(x), outcome_name=outcome_name, horizon=horizon)
    inside, count = _counts(matrix, outcome_name)
    outside = count - inside
    if inside.sum() == 0 or outside.sum() == 0:
        raise ConfigError(outcome_name, "one class", "runs both in and out of the regime")
    if len(x) % block_size:
        raise ConfigError("block_size", block_size, f"a divisor of the {len(x)} design points")
    rng = np.random.default_rng(seed)
    observed, null = _ks_test(x, inside, outside, block_size, permutations, rng)
    table = pd.DataFrame({"parameter": names, "ks": observed})
    table["ks_null95"] = np.percentile(null, 95, axis=0) if permutations else np.nan
    table["p_value"] = ((null >= observed - 1e-12).sum(axis=0) + 1) / (permutations + 1)
    table["mean_in"] = inside @ x / inside.sum()
    table["mean_out"] = outside @ x / outside.sum()
    bounds = np.asarray(problem["bounds"], dtype=float)
    effect = _logit_effects(x, inside, count, bounds)
    draws = np.array(
        [
            _logit_effects(*_resampled(x, matrix, block_size, rng, shared_replicates), bounds)
            for _ in range(bootstrap)
        ]
    ).reshape(-1, len(names))
    table["logit_effect"] = effect
    low, high = np.percentile(draws, [2.5, 97.5], axis=0) if bootstrap else (np.nan, np.nan)
    table["logit_low"], table["logit_high"] = low, high
    return RegionalResult(
        outcome_name,
        table,
        _cdfs(x, inside, outside, names, bounds, grid),
        float(inside.sum() / count.sum()),
        int(count.sum()),
        permutations,
        _fit_auc(x, inside, outside, count),
    )


def _counts(matrix: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Runs in the regime and runs in all, per point; :class:`ConfigError` if not yes/no."""
    ok = np.isfinite(matrix)
    if not np.isin(matrix[ok], (0.0, 1.0)).all():
        raise ConfigError("outcome", name, "a yes/no outcome (a regime, or a 0/1 column)")
    return np.where(ok, matrix, 0.0).sum(axis=1), ok.sum(axis=1).astype(float)


# ---- the KS distance and its permutation test -------------------------------------------------
def ks_distance(x: np.ndarray, inside: np.ndarray, outside: np.ndarray) -> np.ndarray:
    """Weighted two-sample KS distance of ``x`` between weights ``inside`` and ``outside``.

    ``inside`` and ``outside`` may be ``(points,)`` or ``(k, points)`` (``k`` weightings at once);
    ties in ``x`` are one step of the distribution functions.
    """
    order = np.argsort(x, kind="stable")
    xs = x[order]
    last = np.r_[xs[1:] != xs[:-1], True]
    a = np.cumsum(np.take(inside, order, axis=-1), axis=-1)
    b = np.cumsum(np.take(outside, order, axis=-1), axis=-1)
    gap = a / a[..., -1:] - b / b[..., -1:]
    return np.asarray(np.abs(gap[..., last]).max(axis=-1))


def _ks_test(
    x: np.ndarray,
    inside: np.ndarray,
    outside: np.ndarray,
    block_size: int,
    permutations: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Observed KS per parameter ``(d,)`` and under block permutations ``(permutations, d)``."""
    points, d = x.shape
    observed = np.array([ks_distance(x[:, i], inside, outside) for i in range(d)])
    blocks = points // block_size
    null = np.empty((permutations, d))
    for start in range(0, permutations, _CHUNK):
        k = min(_CHUNK, permutations - start)
        order = rng.permuted(np.tile(np.arange(blocks), (k, 1)), axis=1)
        index = (order[:, :, None] * block_size + np.arange(block_size)).reshape(k, points)
        a, b = inside[index], outside[index]
        for i in range(d):
            null[start : start + k, i] = ks_distance(x[:, i], a, b)
    return observed, null


def _cdfs(
    x: np.ndarray,
    inside: np.ndarray,
    outside: np.ndarray,
    names: list[str],
    bounds: np.ndarray,
    grid: int,
) -> pd.DataFrame:
    frames = []
    for i, name in enumerate(names):
        order = np.argsort(x[:, i], kind="stable")
        xs = x[order, i]
        at = np.linspace(bounds[i, 0], bounds[i, 1], grid)
        where = np.searchsorted(xs, at, side="right")
        cum = {}
        for key, w in (("inside", inside), ("outside", outside)):
            c = np.r_[0.0, np.cumsum(w[order])]
            cum[key] = c[where] / c[-1]
        frames.append(pd.DataFrame({"parameter": name, "value": at} | cum))
    return pd.concat(frames, ignore_index=True)


# ---- the logistic summary ---------------------------------------------------------------------
def _logit_effects(
    x: np.ndarray, inside: np.ndarray, count: np.ndarray, bounds: np.ndarray
) -> np.ndarray:
    """Mean predicted change, low to high end of each range, of a logistic fit to the counts."""
    keep = count > 0
    x, inside, count = x[keep], inside[keep], count[keep]
    model = fit_logistic(x, inside / count, weights=count)
    z = model.standardiser.transform(x)
    eta = model.coef[0] + z @ model.coef[1:]
    scale = model.coef[1:] / model.standardiser.scale
    out = np.empty(x.shape[1])
    for i in range(x.shape[1]):
        shift = eta - scale[i] * x[:, i]
        high, low = expit(shift + scale[i] * bounds[i, 1]), expit(shift + scale[i] * bounds[i, 0])
        out[i] = float(np.sum(count * (high - low)) / count.sum())
    return out


def _resampled(
    x: np.ndarray,
    matrix: np.ndarray,
    block_size: int,
    rng: np.random.Generator,
    shared: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The design's values and counts with blocks and replicates drawn with replacement."""
    blocks = len(x) // block_size
    chosen = rng.integers(0, blocks, blocks)
    rows = (chosen[:, None] * block_size + np.arange(block_size)).reshape(-1)
    m = resample(matrix, rng, shared=shared) if matrix.shape[1] > 1 else matrix
    ok = np.isfinite(m[rows])
    return x[rows], np.where(ok, m[rows], 0.0).sum(axis=1), ok.sum(axis=1).astype(float)


def _fit_auc(x: np.ndarray, inside: np.ndarray, outside: np.ndarray, count: np.ndarray) -> float:
    """In-sample AUC of the logistic fit, over the runs."""
    keep = count > 0
    model = fit_logistic(x[keep], inside[keep] / count[keep], weights=count[keep])
    score = model.predict(x[keep])
    n_in, n_out = inside[keep].astype(int), outside[keep].astype(int)
    scores = np.r_[np.repeat(score, n_in), np.repeat(score, n_out)]
    labels = np.r_[np.ones(n_in.sum()), np.zeros(n_out.sum())]
    return auc(scores, labels)

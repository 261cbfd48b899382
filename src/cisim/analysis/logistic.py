"""L2-regularised logistic regression, AUC and cross-validation, with NumPy and SciPy only.

Method
------
Features are standardised (training mean and standard deviation; missing values set to the
training mean, constant features left at zero). The coefficients maximise the penalised
log-likelihood ``sum_i w_i [y_i eta_i - log(1 + exp(eta_i))] - l2 / 2 * |beta|^2`` (the intercept
is not penalised; the weights ``w_i`` are 1 unless given, or the trials of a row whose ``y_i`` is
a share of successes) by iteratively reweighted least squares, i.e. Newton's method, with step
halving; the ridge penalty makes the problem strictly concave, so the optimum is unique and finite
even when the classes are separable (Hastie, Tibshirani & Friedman 2009, sec. 4.4; le Cessie & van
Houwelingen 1992).

The area under the ROC curve is the Mann-Whitney probability that a random positive scores above a
random negative, ties counting one half (Hanley & McNeil 1982). Cross-validated AUC pools the
out-of-fold predictions of ``k`` folds; folds are drawn with a fixed seed, stratified by class, or
by groups (all rows of a group in one fold) when rows are paired across groups.

References
----------
Hanley, J. A., & McNeil, B. J. (1982). The meaning and use of the area under a receiver operating
characteristic (ROC) curve. Radiology 143(1), 29-36.
Hastie, T., Tibshirani, R., & Friedman, J. (2009). The Elements of Statistical Learning (2nd ed.).
Springer.
le Cessie, S., & van Houwelingen, J. C. (1992). Ridge estimators in logistic regression. Applied
Statistics 41(1), 191-201.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit
from scipy.stats import rankdata

from cisim.stats import Estimate


@dataclass(frozen=True)
class Standardiser:
    """Centre and scale of each feature column (missing values become the centre)."""

    centre: np.ndarray
    scale: np.ndarray

    @classmethod
    def fit(cls, x: np.ndarray) -> Standardiser:
        """Column means and standard deviations of the finite values (scale 1 if constant)."""
        finite = np.isfinite(x)
        count = np.maximum(finite.sum(axis=0), 1)
        centre = np.where(finite, x, 0.0).sum(axis=0) / count
        dev = np.where(finite, x - centre, 0.0)
        scale = np.sqrt((dev**2).sum(axis=0) / count)
        return cls(centre, np.where(scale > 1e-12, scale, 1.0))

    def transform(self, x: np.ndarray) -> np.ndarray:
        """Standardised features, missing values at 0 (the centre)."""
        z = (x - self.centre) / self.scale
        return np.where(np.isfinite(z), z, 0.0)


@dataclass(frozen=True)
class LogisticModel:
    """A fitted model: the standardiser and the coefficients (intercept first)."""

    standardiser: Standardiser
    coef: np.ndarray

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Probability of the positive class for each row of ``x``."""
        z = self.standardiser.transform(x)
        return np.asarray(expit(self.coef[0] + z @ self.coef[1:]))


def fit_logistic(
    x: np.ndarray,
    y: np.ndarray,
    *,
    l2: float = 1.0,
    max_iter: int = 100,
    tol: float = 1e-9,
    weights: np.ndarray | None = None,
) -> LogisticModel:
    """L2-regularised logistic regression by Newton-IRLS on standardised features.

    ``weights`` (default 1) multiply each row's log-likelihood: with ``y`` the share of successes
    of ``n`` trials and ``weights = n``, a row stands for its ``n`` trials (binomial counts).
    """
    standardiser = Standardiser.fit(x)
    design = np.column_stack([np.ones(len(x)), standardiser.transform(x)])
    penalty = np.full(design.shape[1], float(l2))
    penalty[0] = 0.0
    beta = np.zeros(design.shape[1])
    w = np.ones(len(x)) if weights is None else np.asarray(weights, dtype=float)
    for _ in range(max_iter):
        step = _newton_step(design, y, w, beta, penalty)
        beta, moved = _halving(design, y, w, beta, step, penalty)
        if moved < tol:
            break
    return LogisticModel(standardiser, beta)


def _newton_step(
    design: np.ndarray, y: np.ndarray, w: np.ndarray, beta: np.ndarray, penalty: np.ndarray
) -> np.ndarray:
    p = expit(design @ beta)
    grad = design.T @ (w * (y - p)) - penalty * beta
    hess = design.T @ (design * (w * p * (1 - p))[:, None]) + np.diag(penalty + 1e-10)
    return np.asarray(np.linalg.solve(hess, grad))


def _objective(
    design: np.ndarray, y: np.ndarray, w: np.ndarray, beta: np.ndarray, penalty: np.ndarray
) -> float:
    eta = design @ beta
    loglik = w * (y * eta - np.logaddexp(0.0, eta))
    return float(loglik.sum() - 0.5 * (penalty * beta**2).sum())


def _halving(
    design: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    beta: np.ndarray,
    step: np.ndarray,
    penalty: np.ndarray,
) -> tuple[np.ndarray, float]:
    """Take the Newton step, halving it until the objective does not fall."""
    before = _objective(design, y, w, beta, penalty)
    scale = 1.0
    for _ in range(30):
        trial = beta + scale * step
        if _objective(design, y, w, trial, penalty) >= before - 1e-12:
            return trial, float(np.max(np.abs(scale * step), initial=0.0))
        scale /= 2
    return beta, 0.0


def auc(scores: np.ndarray, y: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney, ties count one half); NaN if one class is absent."""
    s, positive = np.asarray(scores, dtype=float), np.asarray(y, dtype=bool)
    keep = np.isfinite(s)
    s, positive = s[keep], positive[keep]
    n1, n0 = int(positive.sum()), int((~positive).sum())
    if n1 == 0 or n0 == 0:
        return float("nan")
    ranks = rankdata(s)
    return float((ranks[positive].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def auc_interval(
    scores: np.ndarray, y: np.ndarray, *, resamples: int = 500, seed: int = 0
) -> Estimate:
    """AUC with a stratified percentile bootstrap interval (positives and negatives resampled
    separately, so every resample has both classes)."""
    s, positive = np.asarray(scores, dtype=float), np.asarray(y, dtype=bool)
    point = auc(s, positive)
    if np.isnan(point):
        return Estimate(point, float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    pos, neg = s[positive], s[~positive]
    draws = np.empty(resamples)
    for b in range(resamples):
        a = pos[rng.integers(0, len(pos), len(pos))]
        c = neg[rng.integers(0, len(neg), len(neg))]
        draws[b] = auc(np.concatenate([a, c]), np.r_[np.ones(len(a)), np.zeros(len(c))])
    low, high = np.percentile(draws, [2.5, 97.5])
    return Estimate(point, float(low), float(high))


def fold_ids(y: np.ndarray, folds: int, seed: int, groups: np.ndarray | None = None) -> np.ndarray:
    """Fold number of each row: stratified by class, or whole groups per fold if ``groups``."""
    rng = np.random.default_rng(seed)
    out = np.empty(len(y), dtype=np.int64)
    if groups is not None:
        uniq, inverse = np.unique(groups, return_inverse=True)
        order = rng.permutation(len(uniq))
        group_fold = np.empty(len(uniq), dtype=np.int64)
        group_fold[order] = np.arange(len(uniq)) % folds
        return group_fold[inverse.ravel()]
    for label in (False, True):
        rows = np.flatnonzero(np.asarray(y, dtype=bool) == label)
        out[rng.permutation(rows)] = np.arange(len(rows)) % folds
    return out


def cross_validated_scores(
    x: np.ndarray,
    y: np.ndarray,
    *,
    folds: int = 5,
    seed: int = 0,
    l2: float = 1.0,
    groups: np.ndarray | None = None,
) -> np.ndarray:
    """Out-of-fold predicted probabilities of a ``folds``-fold cross-validation."""
    fold = fold_ids(y, folds, seed, groups)
    scores = np.full(len(y), np.nan)
    for f in range(folds):
        test = fold == f
        train = ~test
        if not test.any() or len(np.unique(y[train])) < 2:
            continue
        scores[test] = fit_logistic(x[train], y[train], l2=l2).predict(x[test])
    return scores

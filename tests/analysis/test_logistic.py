"""Ridge logistic regression, AUC and folds (NumPy and SciPy only)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import mannwhitneyu

from cisim.analysis.logistic import (
    auc,
    auc_interval,
    cross_validated_scores,
    fit_logistic,
    fold_ids,
)


def test_auc__equals_the_mann_whitney_probability_with_ties() -> None:
    rng = np.random.default_rng(0)
    scores = rng.integers(0, 5, 300).astype(float)  # many ties
    y = rng.random(300) < 0.4
    u = mannwhitneyu(scores[y], scores[~y]).statistic
    assert auc(scores, y) == pytest.approx(u / (y.sum() * (~y).sum()))
    assert np.isnan(auc(scores, np.ones(300, bool)))


def test_logistic__recovers_known_coefficients_with_a_weak_penalty() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(0, 1, (20_000, 2))
    eta = -0.5 + 1.5 * x[:, 0] - 1.0 * x[:, 1]
    y = (rng.random(20_000) < 1 / (1 + np.exp(-eta))).astype(float)
    model = fit_logistic(x, y, l2=1e-6)
    scale = model.standardiser.scale
    slopes = model.coef[1:] / scale  # back to the raw features
    assert slopes == pytest.approx([1.5, -1.0], abs=0.06)


def test_logistic__separable_data_give_finite_coefficients() -> None:
    x = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0.0, 0.0, 1.0, 1.0])
    model = fit_logistic(x, y, l2=1.0)
    assert np.all(np.isfinite(model.coef))
    assert model.predict(x).tolist() == sorted(model.predict(x).tolist())


def test_logistic__missing_and_constant_features_are_harmless() -> None:
    x = np.array([[1.0, 5.0], [np.nan, 5.0], [3.0, 5.0], [4.0, 5.0]])
    model = fit_logistic(x, np.array([0.0, 0.0, 1.0, 1.0]))
    assert np.all(np.isfinite(model.predict(x)))


def test_folds__stratified_and_grouped() -> None:
    y = np.r_[np.ones(20), np.zeros(80)].astype(bool)
    folds = fold_ids(y, 5, seed=0)
    assert [int(y[folds == f].sum()) for f in range(5)] == [4] * 5
    groups = np.tile(np.arange(10), 10)
    grouped = fold_ids(y, 5, seed=0, groups=groups)
    for g in range(10):
        assert len(set(grouped[groups == g])) == 1


def test_cross_validation__noise_gives_auc_near_one_half() -> None:
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(600, 5)), rng.random(600) < 0.3
    scores = cross_validated_scores(x, y, folds=5, seed=0)
    est = auc_interval(scores, y, seed=0)
    assert est.low < 0.5 < est.high


def test_logistic__binomial_counts_equal_their_rows_one_by_one() -> None:
    # a row standing for n trials with share y of successes (weights = n) fits as its n rows
    rng = np.random.default_rng(7)
    x = rng.normal(0, 1, (200, 2))
    n = rng.integers(1, 6, 200)
    k = rng.binomial(n, 1 / (1 + np.exp(-(0.3 + x[:, 0]))))
    counts = fit_logistic(x, k / n, weights=n.astype(float), l2=0.0)
    rows = np.repeat(x, n, axis=0)
    outcome = np.concatenate(
        [np.r_[np.ones(a), np.zeros(b - a)] for a, b in zip(k, n, strict=True)]
    )
    # the standardiser sees each row once, not n times: compare predictions, not coefficients
    one_by_one = fit_logistic(rows, outcome, l2=0.0)
    assert counts.predict(x) == pytest.approx(one_by_one.predict(x), abs=1e-6)


@pytest.mark.parametrize("l2", [0.01, 1.0, 30.0])
def test_logistic__agrees_with_scikit_learn(l2: float) -> None:
    # the same penalised likelihood: scikit-learn minimises |w|^2 / 2 + C * log-loss, so C = 1/l2
    linear_model = pytest.importorskip("sklearn.linear_model")
    rng = np.random.default_rng(7)
    x = rng.normal(0, 1, (3000, 4)) * [1.0, 3.0, 0.2, 1.0] + [0.0, 5.0, -1.0, 0.0]
    eta = 0.4 + 0.8 * x[:, 0] - 0.3 * x[:, 1] + 2.0 * x[:, 2]
    y = (rng.random(3000) < 1 / (1 + np.exp(-eta))).astype(float)
    ours = fit_logistic(x, y, l2=l2, tol=1e-12)
    z = ours.standardiser.transform(x)
    theirs = linear_model.LogisticRegression(C=1 / l2, tol=1e-12, max_iter=10_000).fit(z, y)
    np.testing.assert_allclose(ours.coef[0], theirs.intercept_[0], atol=1e-5)
    np.testing.assert_allclose(ours.coef[1:], theirs.coef_[0], atol=1e-5)
    np.testing.assert_allclose(ours.predict(x), theirs.predict_proba(z)[:, 1], atol=1e-6)


def test_auc__agrees_with_scikit_learn() -> None:
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(3)
    scores = np.round(rng.normal(size=500), 1)  # with ties
    y = rng.random(500) < 0.3
    assert auc(scores, y) == pytest.approx(metrics.roc_auc_score(y, scores), abs=1e-12)

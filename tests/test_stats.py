"""The statistics helpers: the Wilson interval against SciPy's, exact at the edges; the
correlation interval (scipy) against the Fisher-z code it replaced."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import binomtest

from cisim.stats import Z95, correlation, wilson


@pytest.mark.parametrize("n", [1, 3, 7, 10, 12, 13, 50, 200, 1000])
def test_wilson__matches_scipy_to_rounding(n: int) -> None:
    for k in range(n + 1):
        expected = binomtest(k, n).proportion_ci(0.95, method="wilson")
        got = wilson(k, n)
        assert got.value == k / n
        assert got.low == pytest.approx(expected.low, abs=1e-15)
        assert got.high == pytest.approx(expected.high, abs=1e-15)


@pytest.mark.parametrize("n", [3, 6, 7, 10, 12, 13, 25, 1000])
def test_wilson__no_successes_start_at_zero_all_successes_end_at_one(n: int) -> None:
    assert wilson(0, n).low == 0.0
    assert wilson(n, n).high == 1.0
    assert 0.0 < wilson(0, n).high < 1.0 and 0.0 < wilson(n, n).low < 1.0


def test_wilson__no_trials_is_the_whole_range_with_no_estimate() -> None:
    empty = wilson(0, 0)
    assert math.isnan(empty.value) and (empty.low, empty.high) == (0.0, 1.0)


def _fisher_z(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """The Fisher-z interval cisim computed by hand before it used scipy's pearsonr."""
    r = float(np.corrcoef(x, y)[0, 1])
    fz, se = np.arctanh(np.clip(r, -0.999999, 0.999999)), 1.0 / np.sqrt(max(len(x) - 3, 1))
    return r, float(np.tanh(fz - Z95 * se)), float(np.tanh(fz + Z95 * se))


@pytest.mark.parametrize("seed", range(30))
def test_correlation__scipy_equals_the_hand_written_fisher_z(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(4, 400))
    x = rng.normal(size=n)
    y = rng.normal() * x + rng.normal(size=n)
    estimate = correlation(x, y)
    expected = _fisher_z(x, y)
    got = (estimate.value, estimate.low, estimate.high)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


def test_correlation__a_narrower_confidence_for_a_smaller_z() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=50)
    y = x + rng.normal(size=50)
    wide, narrow = correlation(x, y), correlation(x, y, z=1.0)
    assert wide.low < narrow.low < narrow.value < narrow.high < wide.high


def test_correlation__degenerate_inputs() -> None:
    assert np.isnan(correlation([1, 1, 1, 1], [1, 2, 3, 4]).value)
    assert np.isnan(correlation([1], [2]).value)
    three = correlation([1, 2, 3], [1, 2, 4])  # n - 3 = 0: no finite Fisher-z width
    assert (three.low, three.high) == (-1.0, 1.0)
    perfect = correlation([1, 2, 3, 4], [2, 4, 6, 8])
    assert perfect.value == pytest.approx(1.0) and perfect.low == pytest.approx(1.0)

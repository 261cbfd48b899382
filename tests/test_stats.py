"""The statistics helpers: the Wilson interval against SciPy's, exact at the edges."""

from __future__ import annotations

import math

import pytest
from scipy.stats import binomtest

from cisim.stats import wilson


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

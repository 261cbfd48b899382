"""Small, dependable statistics for comparing simulated collaborations.

Intervals are 95 % unless ``z`` says otherwise. Paired comparisons take two arrays whose element
``k`` comes from replicate ``k`` of two scenarios (common random numbers), so the variance of the
difference excludes the luck the two share.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Estimate:
    """A point estimate with a confidence interval."""

    value: float
    low: float
    high: float

    def excludes_zero(self) -> bool:
        """True when the whole interval lies on one side of zero."""
        return self.low > 0 or self.high < 0

    def __format__(self, spec: str) -> str:
        spec = spec or ".3f"
        return f"{self.value:{spec}} [{self.low:{spec}}, {self.high:{spec}}]"


def wilson(successes: int, n: int, z: float = Z95) -> Estimate:
    """Wilson score interval for a proportion (Wilson 1927).

    The interval of no successes starts at exactly 0 and that of all successes ends at exactly 1
    (in floating point ``centre - half`` can miss 0 by a rounding error).
    """
    if n <= 0:
        return Estimate(float("nan"), 0.0, 1.0)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low = 0.0 if successes == 0 else max(0.0, float(centre - half))
    high = 1.0 if successes == n else min(1.0, float(centre + half))
    return Estimate(p, low, high)


def mean_ci(values: ArrayLike, z: float = Z95) -> Estimate:
    """Mean with a normal-approximation interval."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) < 2:
        m = float(x.mean()) if len(x) else float("nan")
        return Estimate(m, float("nan"), float("nan"))
    m, se = float(x.mean()), float(x.std(ddof=1) / np.sqrt(len(x)))
    return Estimate(m, m - z * se, m + z * se)


def paired_difference(a: ArrayLike, b: ArrayLike, z: float = Z95) -> Estimate:
    """Mean of ``b - a`` over paired replicates, with its interval."""
    a_arr, b_arr = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a_arr.shape != b_arr.shape:
        raise ValueError("paired samples must have the same shape")
    return mean_ci(b_arr - a_arr, z)


def correlation(x: ArrayLike, y: ArrayLike, z: float = Z95) -> Estimate:
    """Pearson correlation with a Fisher-z interval (scipy's ``pearsonr``).

    With fewer than four pairs the Fisher-z interval has no finite width and is ``[-1, 1]``; a
    perfect correlation's interval is the point itself; a constant input has no correlation (NaN).
    """
    from scipy import stats  # imported here: scipy.stats costs 0.9 s, and few callers need it

    xa, ya = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(xa) < 2 or np.ptp(xa) == 0 or np.ptp(ya) == 0:
        return Estimate(float("nan"), float("nan"), float("nan"))
    result = stats.pearsonr(xa, ya)
    interval = result.confidence_interval(confidence_level=float(2 * stats.norm.cdf(z) - 1))
    return Estimate(float(result.statistic), float(interval.low), float(interval.high))


def eta_squared(groups: ArrayLike, outcome: ArrayLike) -> float:
    """Share of the outcome's variance explained by a grouping (correlation ratio squared)."""
    g, y = np.asarray(groups), np.asarray(outcome, dtype=float)
    total = float(((y - y.mean()) ** 2).sum())
    if total == 0:
        return 0.0
    between = sum(
        float((g == level).sum()) * (float(y[g == level].mean()) - float(y.mean())) ** 2
        for level in np.unique(g)
    )
    return between / total


def bootstrap(
    statistic: Callable[..., float], *arrays: ArrayLike, resamples: int = 1000, seed: int = 0
) -> Estimate:
    """Percentile bootstrap interval of ``statistic(*arrays)``, resampling rows together."""
    data = [np.asarray(a) for a in arrays]
    n = len(data[0])
    rng = np.random.default_rng(seed)
    point = float(statistic(*data))
    draws = np.empty(resamples)
    for i in range(resamples):
        idx = rng.integers(0, n, n)
        draws[i] = statistic(*(d[idx] for d in data))
    low, high = np.percentile(draws, [2.5, 97.5])
    return Estimate(point, float(low), float(high))

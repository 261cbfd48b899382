"""Regime shares per condition, with 95 % Wilson intervals.

A condition is a group of design points: by default the points sharing the values of the varied
parameters (one point each in a factorial design) or the points of one named ``condition``. The
share of runs ending in each regime is a binomial proportion over the condition's runs; its 95 %
interval is Wilson's score interval (Wilson 1927; recommended over the Wald interval by Brown, Cai
& DasGupta 2001), computed by :func:`cisim.stats.wilson`.

Runs of one point are independent replicates, so the binomial model holds within a point. A
coarser condition (``by`` naming fewer columns than vary) pools several points, averaging over the
other parameters; under common random numbers its runs with the same replicate number share their
luck and are not independent. The interval then uses Kish's effective sample size
``n / deff``, with the design effect ``deff`` of clustering by replicate: the variance of the
replicates' mean shares over the binomial variance, floored at 1 (Kish 1965, sec. 8.2).

References
----------
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
JASA 22(158), 209-212.
Kish, L. (1965). Survey Sampling. Wiley.
Brown, L. D., Cai, T. T., & DasGupta, A. (2001). Interval estimation for a binomial proportion.
Statistical Science 16(2), 101-133.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from cisim.analysis.tables import condition_columns, join_design
from cisim.model.regimes import REGIMES
from cisim.present.figures import regime_shares_figure
from cisim.stats import Estimate, wilson

MAX_BARS = 30  # more conditions than this do not fit one readable bar chart


def regime_shares(
    design: pd.DataFrame,
    runs: pd.DataFrame,
    by: Sequence[str] | None = None,
    regimes: Sequence[str] = REGIMES,
) -> pd.DataFrame:
    """Share of runs in each regime per condition, with 95 % Wilson intervals.

    Parameters
    ----------
    design, runs
        The sweep's tables (see :mod:`cisim.analysis.tables`).
    by
        Columns of the design (or of ``runs``) naming a condition. Default: ``condition`` if the
        design has it, else the varied parameters (one condition per point), else ``point``.
    regimes
        The regimes to report (all four by default).

    Returns
    -------
    pandas.DataFrame
        Tidy: the ``by`` columns, ``regime``, ``runs`` (in the condition), ``count``, ``share``,
        ``low`` and ``high`` (the 95 % interval); one row per condition and regime.
    """
    frame = join_design(design, runs)
    keys = list(by) if by is not None else condition_columns(design)
    regime = frame["regime"].astype(str)
    rows = []
    for values, group in frame.groupby(keys, sort=False, dropna=False):
        label = dict(zip(keys, values, strict=True))
        n = len(group)
        for name in regimes:
            hit = np.asarray(regime.loc[group.index] == name)
            est = pooled_wilson(hit, group["replicate"].to_numpy())
            rows.append(
                {**label, "regime": name, "runs": n, "count": int(hit.sum()), "share": est.value}
                | {"low": est.low, "high": est.high}
            )
    return pd.DataFrame(rows)


def pooled_wilson(hit: np.ndarray, replicate: np.ndarray) -> Estimate:
    """Wilson interval of a share, on the effective sample size when replicates repeat.

    With one run per replicate this is :func:`cisim.stats.wilson`. When several runs share a
    replicate number (several points pooled under common random numbers), ``n`` becomes
    ``n / deff``, ``deff = max(1, var(mean of each replicate) / R / (p (1 - p) / n))``; with no
    successes (or no failures) the ``R`` replicates count as ``R`` runs.
    """
    n, count = len(hit), int(hit.sum())
    reps, inverse = np.unique(replicate, return_inverse=True)
    if len(reps) == n:
        return wilson(count, n)
    if count in (0, n):  # no spread to measure deff by: as if every replicate were one run
        return wilson(len(reps) if count else 0, len(reps))
    per_replicate = np.bincount(inverse, weights=hit) / np.bincount(inverse)
    p = count / n
    deff = max(1.0, float(per_replicate.var()) / len(reps) / (p * (1 - p) / n))
    n_eff = max(1, round(n / deff))
    est = wilson(round(p * n_eff), n_eff)
    return Estimate(p, est.low, est.high)


def wide_shares(table: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """One row per condition (index: its label) with ``{regime}_share`` and ``replicates``.

    The layout :func:`cisim.present.figures.regime_shares_figure` draws.
    """
    labels = condition_labels(table, by)
    wide = (
        table.assign(label=labels)
        .pivot_table(index="label", columns="regime", values="share", sort=False, observed=True)
        .add_suffix("_share")
    )
    for regime in REGIMES:
        wide[f"{regime}_share"] = wide.get(f"{regime}_share", 0.0)
    runs = table.assign(label=labels).groupby("label", sort=False)["runs"].first()
    wide["replicates"] = runs.reindex(wide.index).to_numpy()
    wide.index.name = None
    return wide


def condition_labels(table: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """A readable label per row: the condition's value, or ``name=value, ...`` for several."""
    if len(by) == 1:
        return table[by[0]].astype(str)
    parts = [by_name + "=" + table[by_name].astype(str) for by_name in by]
    label = parts[0]
    for part in parts[1:]:
        label = label + ", " + part
    return label


def shares_figure(table: pd.DataFrame, by: Sequence[str]) -> Figure:
    """Stacked bars of regime shares per condition with 95 % whiskers (at most :data:`MAX_BARS`)."""
    wide = wide_shares(table, by)
    if len(wide) > MAX_BARS:
        raise ValueError(f"{len(wide)} conditions do not fit one bar chart (at most {MAX_BARS})")
    return regime_shares_figure(wide)

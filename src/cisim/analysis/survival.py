"""Survival of collaborations: the share still running after ``t`` months (Kaplan-Meier).

Method
------
A collaboration *dissolves* in the month it comes apart (fewer than two active members are left:
:mod:`cisim.model.mechanisms.membership`); it then stops. Runs that never dissolve are censored at
the horizon. The dissolution month is read from a ``dissolved_month`` column of ``runs`` when the
sweep records it; otherwise it is reconstructed from the trajectories for the runs whose regime is
``dissolved``: the first month ``active_members`` is below two, or, failing that, the last month
the membership changed.

The survival function is the Kaplan-Meier product-limit estimator over months,
``S(t) = prod_{s <= t} (1 - d_s / n_s)`` (``d_s`` dissolutions in month ``s`` among the ``n_s``
collaborations still running at its start), with a 95 % pointwise interval from Greenwood's
variance on the complementary log-log scale (Kalbfleisch & Prentice 2002, sec. 1.4), which keeps
the interval inside ``[0, 1]``. Both are computed by :func:`scipy.stats.ecdf` (equal to the
hand-written product and Greenwood sum this module used to carry, to about 1e-16).

References
----------
Kaplan, E. L., & Meier, P. (1958). Nonparametric estimation from incomplete observations. JASA
53(282), 457-481.
Kalbfleisch, J. D., & Prentice, R. L. (2002). The Statistical Analysis of Failure Time Data
(2nd ed.). Wiley.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter
from scipy import stats

from cisim.analysis.tables import TrajectoryArrays, align_runs, join_design, trajectory_arrays
from cisim.model.mechanisms.membership import MIN_MEMBERS
from cisim.model.outcomes import numeric
from cisim.present.style import COLUMN_INCHES, caption, tidy_axes

MAX_CURVES = 10
CONFIDENCE = 0.95


def dissolution_months(
    runs: pd.DataFrame,
    trajectories: pd.DataFrame | TrajectoryArrays | None = None,
    *,
    design: pd.DataFrame | None = None,
) -> np.ndarray:
    """Month each run dissolved (NaN if it did not), in the order of ``runs``.

    Uses ``runs["dissolved_month"]`` if present, else the trajectory rule of the module docstring.
    """
    if "dissolved_month" in runs.columns:
        return numeric(runs["dissolved_month"])
    out = np.full(len(runs), np.nan)
    dissolved = np.asarray(runs["regime"].astype(str) == "dissolved")
    if not dissolved.any() or trajectories is None:
        return out
    arrays = (
        trajectories
        if isinstance(trajectories, TrajectoryArrays)
        else trajectory_arrays(trajectories, ["active_members"])
    )
    subset = runs.loc[dissolved, ["point", "replicate"]].copy()
    subset["position"] = np.flatnonzero(dissolved)
    aligned = align_runs(subset, arrays.keys)
    members = arrays["active_members"][aligned["row"].to_numpy()]
    months = _first_below(members, arrays.months)
    out[aligned["position"].to_numpy()] = months
    return out


def _first_below(members: np.ndarray, months: np.ndarray) -> np.ndarray:
    """First month with fewer than two members; else the last month membership changed."""
    below = members < MIN_MEMBERS
    changed = np.zeros_like(below)
    changed[:, 1:] = np.diff(members, axis=1) != 0
    last = changed.shape[1] - 1 - np.argmax(changed[:, ::-1], axis=1)
    last_change = np.where(changed.any(axis=1), last, 0)
    first = np.where(below.any(axis=1), np.argmax(below, axis=1), last_change)
    return months[first].astype(float)


def kaplan_meier(durations: np.ndarray, events: np.ndarray, horizon: int) -> pd.DataFrame:
    """Kaplan-Meier survival over months ``0..horizon`` with a 95 % Greenwood interval.

    The estimate and its log-log interval are scipy's (:func:`scipy.stats.ecdf` on right-censored
    data); this function only puts them on the month grid and counts who is at risk.

    Parameters
    ----------
    durations
        Month of the event, or of censoring (the horizon) for runs without one.
    events
        True where the duration is an event (a dissolution), False where censored. An event in
        month 0 counts as censored there: nobody dissolves before the collaboration starts.
    horizon
        The last month.

    Returns
    -------
    pandas.DataFrame
        ``month``, ``at_risk``, ``events``, ``survival``, ``low``, ``high``. Where the survival
        is exactly 0 or 1 the interval is that value (the log-log interval is undefined there).
    """
    t = np.clip(np.asarray(durations, dtype=float), 0, horizon)
    e = np.asarray(events, dtype=bool) & (t > 0)
    months = np.arange(horizon + 1)
    ends = np.bincount(t.astype(np.int64), minlength=horizon + 1)
    at_risk = len(t) - np.concatenate([[0], np.cumsum(ends)[:-1]])  # still running at month start
    died = np.bincount(t[e].astype(np.int64), minlength=horizon + 1)
    survival, low, high = _product_limit(t, e, months)
    return pd.DataFrame(
        {"month": months, "at_risk": at_risk, "events": died, "survival": survival}
        | {"low": low, "high": high}
    )


def _product_limit(
    t: np.ndarray, e: np.ndarray, months: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Survival and its log-log Greenwood interval at ``months`` (scipy), S = 0 or 1 exact."""
    if not e.any():  # nothing dissolved: everyone survives, with no uncertainty to state
        ones = np.ones(len(months))
        return ones, ones.copy(), ones.copy()
    result = stats.ecdf(stats.CensoredData(uncensored=t[e], right=t[~e]))
    survival = result.sf.evaluate(months)
    with warnings.catch_warnings():  # undefined where S is 0 or 1: replaced below
        warnings.simplefilter("ignore", RuntimeWarning)
        interval = result.sf.confidence_interval(confidence_level=CONFIDENCE, method="log-log")
    inside = (survival > 0) & (survival < 1)
    low = np.where(inside, interval.low.evaluate(months), survival)
    high = np.where(inside, interval.high.evaluate(months), survival)
    return survival, low, high


def survival_curves(
    runs: pd.DataFrame,
    trajectories: pd.DataFrame | TrajectoryArrays | None,
    *,
    horizon: int,
    design: pd.DataFrame | None = None,
    by: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Kaplan-Meier curves of "collaboration still running", per condition.

    Parameters
    ----------
    runs, trajectories, design
        The sweep's tables (``design`` is needed when ``by`` names design columns).
    horizon
        Months simulated; runs that never dissolve are censored there.
    by
        Columns naming the conditions (default: all runs together).

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, then the columns of :func:`kaplan_meier`.
    """
    month = dissolution_months(runs, trajectories, design=design)
    frame = join_design(design, runs) if design is not None else runs
    frame = frame.assign(_month=month)
    keys = list(by or [])
    groups = frame.groupby(keys, sort=True) if keys else [((), frame)]
    parts = []
    for values, group in groups:
        events = np.isfinite(group["_month"].to_numpy())
        durations = np.where(events, group["_month"].to_numpy(), horizon)
        curve = kaplan_meier(durations, events, horizon)
        label = values if isinstance(values, tuple) else (values,)
        for position, (key, value) in enumerate(zip(keys, label, strict=True)):
            curve.insert(position, key, [value] * len(curve))
        parts.append(curve)
    return pd.concat(parts, ignore_index=True)


def survival_figure(table: pd.DataFrame, by: Sequence[str] = ()) -> Figure:
    """Step curves of the share of collaborations dissolved by each month, one per condition.

    Drawn as the cumulative share dissolved, ``1 - S(t)``, on an axis from 0 to a little above
    the largest upper interval bound: when few collaborations dissolve, a survival curve on a
    0-100 % axis is a flat line at the top, while this shows when and how fast they do. The
    axis's top is stated in the caption.
    """
    fig = Figure(figsize=(COLUMN_INCHES, 4.0), layout="constrained")
    ax = fig.subplots()
    keys = list(by)
    groups = list(table.groupby(keys, sort=False)) if keys else [((), table)]
    for index, (values, curve) in enumerate(groups[:MAX_CURVES]):
        colour = f"C{index % 10}"
        parts = values if isinstance(values, tuple) else (values,)
        label = ", ".join(str(v) for v in parts) or "all runs"
        dissolved, low, high = 1 - curve["survival"], 1 - curve["high"], 1 - curve["low"]
        ax.step(curve["month"], dissolved, where="post", color=colour, label=label)
        ax.fill_between(curve["month"], low, high, step="post", color=colour, alpha=0.12)
    top = dissolved_axis_top(table)
    ax.set_ylim(0, top)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=_decimals(top)))
    ax.set_xlabel("month", fontsize=8)
    ax.set_ylabel("collaborations dissolved (cumulative)", fontsize=8)
    ax.tick_params(labelsize=8)
    tidy_axes(ax)
    ax.legend(title=", ".join(keys) or None, frameon=False, loc="upper left", fontsize=8)
    fig.suptitle("Dissolution of collaborations (Kaplan-Meier)", fontweight="bold", fontsize=11)
    shown = f" (first {MAX_CURVES} conditions)" if len(groups) > MAX_CURVES else ""
    caption(
        fig,
        f"Steps: share dissolved by each month, 1 - S(t){shown}; bands: 95% pointwise interval; "
        f"axis from 0 to {top:.2%}.",
    )
    return fig


def dissolved_axis_top(table: pd.DataFrame) -> float:
    """The top of the dissolved-share axis: the largest upper bound and a margin, at most 100 %."""
    highest = float(np.nanmax(1 - table["low"].to_numpy(float), initial=0.0))
    if highest <= 0:
        return 0.01
    step = 10 ** np.floor(np.log10(highest))  # round up to one significant figure, plus a margin
    return float(min(1.0, np.ceil(highest * 1.1 / step) * step))


def _decimals(top: float) -> int:
    return max(0, int(-np.floor(np.log10(top))) - 1) if top < 0.1 else 0

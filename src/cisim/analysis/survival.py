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
the interval inside ``[0, 1]``.

References
----------
Kaplan, E. L., & Meier, P. (1958). Nonparametric estimation from incomplete observations. JASA
53(282), 457-481.
Kalbfleisch, J. D., & Prentice, R. L. (2002). The Statistical Analysis of Failure Time Data
(2nd ed.). Wiley.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from cisim.analysis.tables import TrajectoryArrays, align_runs, join_design, trajectory_arrays
from cisim.model.mechanisms.membership import MIN_MEMBERS
from cisim.model.outcomes import numeric
from cisim.present.style import caption, percent_axis, tidy_axes
from cisim.stats import Z95

MAX_CURVES = 10


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

    Parameters
    ----------
    durations
        Month of the event, or of censoring (the horizon) for runs without one.
    events
        True where the duration is an event (a dissolution), False where censored.
    horizon
        The last month.

    Returns
    -------
    pandas.DataFrame
        ``month``, ``at_risk``, ``events``, ``survival``, ``low``, ``high``.
    """
    t = np.asarray(durations, dtype=float)
    e = np.asarray(events, dtype=bool)
    months = np.arange(horizon + 1)
    ends = np.bincount(np.clip(t, 0, horizon).astype(np.int64), minlength=horizon + 1)
    at_risk = len(t) - np.concatenate([[0], np.cumsum(ends)[:-1]])  # still running at month start
    died = np.bincount(np.clip(t[e], 0, horizon).astype(np.int64), minlength=horizon + 1)
    died[0] = 0  # nobody dissolves before the collaboration starts
    factor = np.where(at_risk > 0, 1.0 - died / np.maximum(at_risk, 1), 1.0)
    survival = np.cumprod(factor)
    low, high = _greenwood(survival, died, at_risk)
    return pd.DataFrame(
        {"month": months, "at_risk": at_risk, "events": died, "survival": survival}
        | {"low": low, "high": high}
    )


def _greenwood(
    survival: np.ndarray, died: np.ndarray, at_risk: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise interval on the log(-log S) scale from Greenwood's variance."""
    safe = (at_risk > died) & (at_risk > 0)
    term = np.where(safe, died / np.maximum(at_risk * (at_risk - died), 1), 0.0)
    var_log = np.cumsum(term)
    inside = (survival > 0) & (survival < 1)
    log_s = np.log(np.where(inside, survival, 0.5))
    se = np.sqrt(var_log) / np.abs(log_s)
    low = np.where(inside, survival ** np.exp(Z95 * se), survival)
    high = np.where(inside, survival ** np.exp(-Z95 * se), survival)
    return low, high


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
    """Step curves of the share of collaborations still running, one per condition."""
    fig = Figure(figsize=(8.0, 4.6), layout="constrained")
    ax = fig.subplots()
    keys = list(by)
    groups = list(table.groupby(keys, sort=False)) if keys else [((), table)]
    for index, (values, curve) in enumerate(groups[:MAX_CURVES]):
        colour = f"C{index % 10}"
        parts = values if isinstance(values, tuple) else (values,)
        label = ", ".join(str(v) for v in parts) or "all runs"
        ax.step(curve["month"], curve["survival"], where="post", color=colour, label=label)
        ax.fill_between(
            curve["month"], curve["low"], curve["high"], step="post", color=colour, alpha=0.12
        )
    ax.set_ylim(0, 1.02)
    percent_axis(ax)
    ax.set_xlabel("month")
    ax.set_ylabel("collaborations still running")
    tidy_axes(ax)
    ax.legend(title=", ".join(keys) or None, frameon=False, loc="lower left")
    fig.suptitle("Survival of collaborations (Kaplan-Meier)", fontweight="bold")
    shown = f" (first {MAX_CURVES} conditions)" if len(groups) > MAX_CURVES else ""
    caption(fig, f"Steps: share not yet dissolved{shown}; bands: 95% pointwise interval.")
    return fig

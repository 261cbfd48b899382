"""How learning journeys and blame games differ over time.

Method
------
Runs are grouped by the regime they ended in (:mod:`cisim.model.regimes`), and for each month the
mean and the 25th and 75th percentiles over the group's runs are taken of each chosen metric (trust,
shared understanding, progress, contributions by default). The band is the middle half of runs,
not an interval of the mean: it shows how much collaborations of one regime differ from each
other. Grouping by final regime conditions on the future, so the curves describe what the two
regimes look like, not what a collaboration at month ``t`` will become (that question is
:mod:`cisim.analysis.early`'s).

Months to the entry point and to the first win are summarised per regime by the median and the
interquartile range among the runs that got there, with the share that never did (their times are
censored at the horizon; for a censoring-aware view see :mod:`cisim.analysis.survival`).

References
----------
Grimm, V., et al. (2005). Pattern-oriented modeling of agent-based complex systems. Science
310(5750), 987-991 (comparing model trajectories with observed patterns).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from cisim.analysis.tables import TrajectoryArrays, align_runs, trajectory_arrays
from cisim.model.metrics import REGISTRY
from cisim.model.outcomes import REGISTRY as OUTCOMES
from cisim.model.outcomes import numeric
from cisim.model.regimes import REGIMES
from cisim.present.style import REGIME_COLOURS, REGIME_LABELS, caption, tidy_axes

DEFAULT_METRICS: tuple[str, ...] = (
    "mean_trust",
    "shared_understanding",
    "progress",
    "mean_contribution",
)
#: The timed events: outcome name -> the event in words (:mod:`cisim.model.outcomes`).
EVENTS: dict[str, str] = {
    name: str(OUTCOMES[name].event) for name in ("months_to_entry_point", "months_to_first_win")
}


def regime_trajectories(
    runs: pd.DataFrame,
    trajectories: pd.DataFrame | TrajectoryArrays,
    metrics: Sequence[str] = DEFAULT_METRICS,
) -> pd.DataFrame:
    """Mean and 25-75 % band of each metric per regime and month.

    Parameters
    ----------
    runs
        The runs table (``point``, ``replicate``, ``regime``).
    trajectories
        The tidy trajectories, or their :func:`~cisim.analysis.tables.trajectory_arrays`.
    metrics
        Metric columns to summarise (those absent from the trajectories are skipped).

    Returns
    -------
    pandas.DataFrame
        Tidy: ``regime``, ``metric``, ``month``, ``runs``, ``mean``, ``q25``, ``q75``.
    """
    arrays = _arrays(trajectories, metrics)
    aligned = align_runs(runs, arrays.keys)
    regime = aligned["regime"].astype(str).to_numpy()
    frames = []
    for name in REGIMES:
        rows = aligned["row"].to_numpy()[regime == name]
        if len(rows) == 0:
            continue
        for metric in metrics:
            if metric in arrays:
                frames.append(_band_frame(arrays[metric][rows], arrays.months, name, metric))
    columns = ["regime", "metric", "month", "runs", "mean", "q25", "q75"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def _arrays(
    trajectories: pd.DataFrame | TrajectoryArrays, metrics: Sequence[str]
) -> TrajectoryArrays:
    if isinstance(trajectories, TrajectoryArrays):
        return trajectories
    return trajectory_arrays(trajectories, metrics)


def _band_frame(values: np.ndarray, months: np.ndarray, regime: str, metric: str) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a month where every run is missing
        mean = np.nanmean(values, axis=0)
        q25, q75 = np.nanpercentile(values, [25, 75], axis=0)
    return pd.DataFrame(
        {
            "regime": regime,
            "metric": metric,
            "month": months,
            "runs": np.isfinite(values).sum(axis=0),
            "mean": mean,
            "q25": q25,
            "q75": q75,
        }
    )


def event_timing(runs: pd.DataFrame, events: Sequence[str] = tuple(EVENTS)) -> pd.DataFrame:
    """Months to each event by regime: median and IQR among runs that got there, share never.

    Returns
    -------
    pandas.DataFrame
        ``regime``, ``event``, ``runs``, ``reached``, ``share_never``, ``median``, ``q25``,
        ``q75`` (months; NaN when no run of the regime got there). A last group ``all`` pools
        every run.
    """
    regime = runs["regime"].astype(str)
    groups = [(name, regime == name) for name in REGIMES if (regime == name).any()]
    groups.append(("all", pd.Series(True, index=runs.index)))
    rows = [
        _timing_row(name, event, numeric(runs.loc[mask, event]))
        for name, mask in groups
        for event in events
        if event in runs.columns
    ]
    return pd.DataFrame(rows)


def _timing_row(regime: str, event: str, months: np.ndarray) -> dict[str, Any]:
    reached = months[np.isfinite(months)]
    if reached.size:
        q25, median, q75 = (float(v) for v in np.percentile(reached, [25, 50, 75]))
    else:
        q25 = median = q75 = float("nan")
    return {
        "regime": regime,
        "event": event,
        "runs": len(months),
        "reached": int(reached.size),
        "share_never": 1.0 - reached.size / len(months) if len(months) else float("nan"),
        "median": median,
        "q25": q25,
        "q75": q75,
    }


# ---- figures -----------------------------------------------------------------------------------
def trajectories_figure(table: pd.DataFrame, *, title: str = "") -> Figure:
    """One panel per metric: a line (mean) and a band (middle half of runs) per regime."""
    metrics = list(pd.unique(table["metric"]))
    fig = Figure(figsize=(4.2 * len(metrics) + 2.2, 4.2), layout="constrained")
    axes = fig.subplots(1, len(metrics), squeeze=False)[0]
    for ax, metric in zip(axes, metrics, strict=True):
        _draw_metric(ax, table[table["metric"] == metric], metric)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, title="final regime", loc="outside right center", frameon=False)
    head = "How learning journeys and blame games differ over time"
    fig.suptitle(f"{head}{': ' + title if title else ''}", fontweight="bold")
    caption(fig, "Lines: mean over runs of each final regime; bands: middle 50% of those runs.")
    return fig


def _draw_metric(ax: Axes, part: pd.DataFrame, metric: str) -> None:
    info = REGISTRY.get(metric)
    for regime, rows in part.groupby("regime", sort=False):
        colour = REGIME_COLOURS.get(str(regime), "#333333")
        ax.fill_between(rows["month"], rows["q25"], rows["q75"], color=colour, alpha=0.18, lw=0)
        n = int(rows["runs"].max())
        label = f"{REGIME_LABELS.get(str(regime), regime)} (n={n})"
        ax.plot(rows["month"], rows["mean"], color=colour, linewidth=2.0, label=label)
    ax.set_title(info.construct if info else metric, fontsize=9)
    ax.set_xlabel("month")
    unit = info.unit if info else ""
    ax.set_ylabel(f"{metric.replace('_', ' ')} ({unit})" if unit else metric.replace("_", " "))
    if info is not None and info.hi == 1 and info.lo == 0:
        ax.set_ylim(0, 1)
    tidy_axes(ax)


def timing_figure(table: pd.DataFrame) -> Figure:
    """Median and IQR of months to each event per regime, with the share that never got there."""
    events = list(pd.unique(table["event"]))
    fig = Figure(figsize=(5.0 * len(events) + 1.0, 3.6), layout="constrained")
    axes = fig.subplots(1, len(events), squeeze=False, sharex=True)[0]
    for ax, event in zip(axes, events, strict=True):
        part = table[table["event"] == event].reset_index(drop=True)
        positions = np.arange(len(part))[::-1]
        for y, row in zip(positions, part.itertuples(), strict=True):
            colour = REGIME_COLOURS.get(str(row.regime), "#333333")
            ax.plot([row.q25, row.q75], [y, y], color=colour, linewidth=6, alpha=0.5)
            ax.plot([row.median], [y], "o", color=colour)
        ax.set_yticks(positions, [_never_label(r) for r in part.itertuples()])
        ax.set_xlabel("months")
        ax.set_xlim(left=0)
        ax.set_title(f"Months to {EVENTS.get(event, event)}", fontsize=10)
        tidy_axes(ax, grid="x")
    fig.suptitle("When do collaborations find an entry point and a first win?", fontweight="bold")
    caption(fig, "Dot: median; bar: 25-75% of the runs that got there; in brackets: share never.")
    return fig


def _never_label(row: Any) -> str:
    name = REGIME_LABELS.get(str(row.regime), str(row.regime))
    return f"{name}\n({row.share_never:.0%} never, n={row.runs})"

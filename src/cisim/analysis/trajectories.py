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
from cisim.present.style import COLUMN_INCHES, REGIME_COLOURS, REGIME_LABELS, caption, tidy_axes

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
#: Metrics of what members do in a month. The engine records month 0 before any month is simulated,
#: when nobody has acted yet, so their month-0 value is 0 by construction, not behaviour: they are
#: plotted from month 1 (``tests/analysis/test_trajectories.py`` checks the model still does so).
ACTIVITY_METRICS: frozenset[str] = frozenset(
    {
        "mean_contribution",
        "contribution_sd",
        "learning_responses",
        "blame_responses",
        "navigator_activity",
        "turnover_events",
    }
)
COLUMNS = 2


def trajectories_figure(table: pd.DataFrame, *, title: str = "") -> Figure:
    """One panel per metric: a line (mean) and a band (middle half of runs) per regime.

    Panels are laid out two to a row, so the figure fits the report's text column; metrics of
    :data:`ACTIVITY_METRICS` start at month 1.
    """
    metrics = list(pd.unique(table["metric"]))
    columns = min(COLUMNS, len(metrics))
    rows = -(-len(metrics) // columns)
    fig = Figure(figsize=(COLUMN_INCHES, 2.9 * rows + 1.0), layout="constrained")
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    for ax, metric in zip(axes, metrics, strict=False):
        part = table[table["metric"] == metric]
        if metric in ACTIVITY_METRICS:
            part = part[part["month"] >= 1]
        _draw_metric(ax, part, metric)
    for ax in axes[len(metrics) :]:
        ax.set_visible(False)
    # inside a panel: a figure legend outside the panels collides with the title or the note
    keyed = axes[metrics.index("progress")] if "progress" in metrics else axes[0]
    keyed.legend(loc="upper left", fontsize=8, frameon=True, framealpha=0.9, edgecolor="none")
    head = "How learning journeys and blame games differ over time"
    fig.suptitle(f"{head}{': ' + title if title else ''}", fontweight="bold", fontsize=11)
    note = "Lines: mean over the runs ending in each regime; bands: middle 50% of those runs."
    if ACTIVITY_METRICS & set(metrics):
        note += " Monthly activity from month 1 (month 0 is before anyone acts)."
    caption(fig, note)
    return fig


def _draw_metric(ax: Axes, part: pd.DataFrame, metric: str) -> None:
    info = REGISTRY.get(metric)
    for regime, rows in part.groupby("regime", sort=False):
        colour = REGIME_COLOURS.get(str(regime), "#333333")
        ax.fill_between(rows["month"], rows["q25"], rows["q75"], color=colour, alpha=0.18, lw=0)
        n = int(rows["runs"].max())
        label = f"{REGIME_LABELS.get(str(regime), regime)} (n={n})"
        ax.plot(rows["month"], rows["mean"], color=colour, linewidth=1.6, label=label)
    ax.set_title(info.construct if info else metric, fontsize=9)
    ax.set_xlabel("month", fontsize=8)
    unit = info.unit if info else ""
    label = f"{metric.replace('_', ' ')} ({unit})" if unit else metric.replace("_", " ")
    ax.set_ylabel(label, fontsize=8)
    ax.tick_params(labelsize=8)
    if info is not None and info.hi == 1 and info.lo == 0:
        ax.set_ylim(0, 1)
    tidy_axes(ax)


def timing_figure(table: pd.DataFrame) -> Figure:
    """Median and IQR of months to each event per regime, with the share that never got there.

    The x-axis runs a little beyond the data on both sides, so that a median at month 0 or at the
    horizon shows its whole dot and bar.
    """
    events = list(pd.unique(table["event"]))
    fig = Figure(figsize=(COLUMN_INCHES, 3.8), layout="constrained")
    axes = fig.subplots(1, len(events), squeeze=False, sharex=True)[0]
    reach = float(np.nanmax(table[["q75", "median"]].to_numpy(float), initial=1.0))
    pad = max(1.0, 0.03 * reach)
    for ax, event in zip(axes, events, strict=True):
        part = table[table["event"] == event].reset_index(drop=True)
        positions = np.arange(len(part))[::-1]
        for y, row in zip(positions, part.itertuples(), strict=True):
            colour = REGIME_COLOURS.get(str(row.regime), "#333333")
            ax.plot([row.q25, row.q75], [y, y], color=colour, linewidth=6, alpha=0.5)
            ax.plot([row.median], [y], "o", color=colour)
        ax.set_yticks(positions, [_never_label(r) for r in part.itertuples()], fontsize=8)
        ax.set_xlabel("months", fontsize=8)
        ax.tick_params(axis="x", labelsize=8)
        ax.set_xlim(-pad, reach + pad)
        ax.set_title(f"Months to {EVENTS.get(event, event)}", fontsize=9)
        tidy_axes(ax, grid="x")
    title = "When do collaborations find an entry point and a first win?"
    fig.suptitle(title, fontweight="bold", fontsize=11)
    caption(fig, "Dot: median; bar: 25-75% of the runs that got there; in brackets: share never.")
    return fig


def _never_label(row: Any) -> str:
    name = REGIME_LABELS.get(str(row.regime), str(row.regime))
    return f"{name}\n({row.share_never:.0%} never, n={row.runs})"

"""Figures of results: trajectories split by regime, and comparisons of scenarios.

Every figure is a :class:`matplotlib.figure.Figure` built without pyplot, so importing this module
selects no backend and changes no global state; PNGs are rendered by Agg when saved.

Regimes keep one colour everywhere (:data:`REGIME_COLOURS`): learning journeys green, blame games
orange-red, stalled grey, dissolved purple.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from cisim.model.regimes import REGIMES
from cisim.stats import wilson

DPI = 120
#: Widest figure, in inches, that the report shows at full size: its text column is 912 CSS px
#: (60rem less padding), and a PNG drawn at DPI is shown at 96 CSS px per inch.
COLUMN_INCHES = 9.4
ROLLING_MONTHS = 12
MIN_RUNS_FOR_BAND = 10  # fewer runs than this: the mean line only (a band would be noise)

REGIME_COLOURS: dict[str, str] = {
    "learning_journey": "#1a9850",
    "blame_game": "#e6550d",
    "stalled": "#8c8c8c",
    "dissolved": "#6a3d9a",
}
REGIME_LABELS: dict[str, str] = {regime: regime.replace("_", " ") for regime in REGIMES}
_SCENARIO_COLOURS = ("#1f77b4", "#e377c2", "#8c564b", "#222222", "#bcbd22", "#17becf", "#d4a017")


@dataclass(frozen=True)
class Panel:
    """One metric plotted over months: which column, how to transform it, how to label it."""

    metric: str
    title: str
    ylabel: str
    rolling: bool = False  # plot a rolling sum over ROLLING_MONTHS (for sparse monthly counts)
    unit_interval: bool = True  # the metric lies in [0, 1]


TRUST = Panel("mean_trust", "Trust", "mean trust between partners (0–1)")
UNDERSTANDING = Panel(
    "shared_understanding", "Shared understanding", "members' mean understanding (0–1)"
)
PROGRESS = Panel("progress", "Progress", "public value achieved (share of goal, 0–1)")
LEARNING = Panel(
    "learning_responses",
    "Learning: members who learned from a setback",
    f"organisations responding, per {ROLLING_MONTHS} months",
    rolling=True,
    unit_interval=False,
)
BLAME = Panel(
    "blame_responses",
    "Blame: members who blamed a partner",
    f"organisations responding, per {ROLLING_MONTHS} months",
    rolling=True,
    unit_interval=False,
)


# ---- figures of one scenario, split by regime ----------------------------------------------------
def save_regime_figures(
    summary: pd.DataFrame, trajectories: pd.DataFrame, directory: Path, *, name: str
) -> list[Path]:
    """Write the four by-regime figures of one scenario's results as PNGs in ``directory``.

    Parameters
    ----------
    summary, trajectories
        :attr:`cisim.Results.summary` and :attr:`cisim.Results.trajectories`.
    directory
        Where to write ``trust.png``, ``shared_understanding.png``, ``progress.png`` and
        ``responses.png`` (created if missing).
    name
        The scenario's name, for the titles.

    Returns
    -------
    list of Path
        The files written.
    """
    directory.mkdir(parents=True, exist_ok=True)
    figures = {
        "trust": regime_figure(summary, trajectories, [TRUST], title="Trust", name=name),
        "shared_understanding": regime_figure(
            summary, trajectories, [UNDERSTANDING], title="Shared understanding", name=name
        ),
        "progress": regime_figure(summary, trajectories, [PROGRESS], title="Progress", name=name),
        "responses": regime_figure(
            summary, trajectories, [LEARNING, BLAME], title="Responses to setbacks", name=name
        ),
    }
    return [save(fig, directory / f"{stem}.png") for stem, fig in figures.items()]


def regime_figure(
    summary: pd.DataFrame,
    trajectories: pd.DataFrame,
    panels: Sequence[Panel],
    *,
    title: str,
    name: str,
) -> Figure:
    """Mean and 25–75% band over months of each panel's metric, one line per regime."""
    fig = Figure(figsize=(5.6 * len(panels) + 2.6, 4.6), layout="constrained")
    axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
    groups = _regime_groups(summary)
    for ax, panel in zip(axes, panels, strict=True):
        months, matrix = _matrix(trajectories, panel)
        for regime, rows in groups.items():
            label = f"{REGIME_LABELS[regime]} (n={len(rows)})"
            _band(ax, months, matrix[rows], REGIME_COLOURS[regime], label)
    for ax, panel in zip(axes, panels, strict=True):  # after plotting: shared y limits are known
        _style(ax, panel, months, titled=len(panels) > 1)
    axes[0].set_ylabel(panels[0].ylabel)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, title="regime", loc="outside right center", frameon=False)
    fig.suptitle(f"{title} over time, by regime: {name} ({len(summary)} runs)", fontweight="bold")
    fig.supxlabel(_caption(panels), fontsize=8, color="#555555")
    return fig


# ---- figures comparing scenarios ---------------------------------------------------------------
def regime_shares_figure(table: pd.DataFrame) -> Figure:
    """Stacked horizontal bars of regime shares per scenario, with 95% intervals.

    The whiskers sit on the boundaries between regimes: each shows the 95% Wilson interval of
    the cumulative share up to that boundary (e.g. learning journeys plus blame games), which
    is exactly how uncertain the boundary's position is.

    Parameters
    ----------
    table
        One row per scenario (index: scenario name) with a ``{regime}_share`` column for every
        regime and ``replicates``.
    """
    names = list(table.index)
    fig = Figure(figsize=(9.5, 1.5 + 0.8 * len(names)), layout="constrained")
    ax = fig.subplots()
    positions = np.arange(len(names))[::-1]
    shares = table[[f"{regime}_share" for regime in REGIMES]].to_numpy(dtype=float)
    left = np.zeros(len(names))
    for column, regime in enumerate(REGIMES):
        share = shares[:, column]
        ax.barh(
            positions,
            share,
            left=left,
            height=0.62,
            color=REGIME_COLOURS[regime],
            label=REGIME_LABELS[regime],
            edgecolor="white",
            linewidth=0.8,
        )
        _share_labels(ax, positions, left, share)
        left = left + share
    counts = table["replicates"].to_numpy(dtype=int)
    _boundary_whiskers(ax, positions, shares, counts)
    ax.set_yticks(positions, [f"{n}\n({c} runs)" for n, c in zip(names, counts, strict=True)])
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("share of runs")
    ax.legend(ncols=len(REGIMES), loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle("Which regime do collaborations end in?", fontweight="bold")
    fig.supxlabel(
        "Whiskers: 95% Wilson interval of each boundary between regimes "
        "(the cumulative share up to it).",
        fontsize=8,
        color="#555555",
    )
    return fig


def scenario_trajectories_figure(trajectories: Mapping[str, pd.DataFrame]) -> Figure:
    """Mean trust and mean progress over months, one line (and 25–75% band) per scenario."""
    panels = (TRUST, PROGRESS)
    fig = Figure(figsize=(13.0, 4.8), layout="constrained")
    axes = fig.subplots(1, len(panels))
    for ax, panel in zip(axes, panels, strict=True):
        for index, (name, frame) in enumerate(trajectories.items()):
            months, matrix = _matrix(frame, panel)
            colour = _SCENARIO_COLOURS[index % len(_SCENARIO_COLOURS)]
            _band(ax, months, matrix, colour, name, alpha=0.10)
        _style(ax, panel, months)
        ax.set_ylabel(panel.ylabel)
    axes[-1].legend(title="scenario", loc="best", frameon=False)
    fig.suptitle("Trust and progress over time, by scenario (mean, 25–75% band)", fontweight="bold")
    return fig


def save(fig: Figure, path: Path) -> Path:
    """Render ``fig`` to ``path`` (PNG at :data:`DPI`; its folder made if need be), return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI, facecolor="white")
    return path


# ---- helpers ---------------------------------------------------------------------------------
def _regime_groups(summary: pd.DataFrame) -> dict[str, np.ndarray]:
    """Row positions (in replicate order) of the runs in each regime that occurred."""
    ordered = summary.sort_values("replicate")
    regimes = ordered["regime"].astype(str).to_numpy()
    groups = {regime: np.flatnonzero(regimes == regime) for regime in REGIMES}
    return {regime: rows for regime, rows in groups.items() if len(rows)}


def _matrix(trajectories: pd.DataFrame, panel: Panel) -> tuple[np.ndarray, np.ndarray]:
    """Months and a ``(runs, months)`` array of the panel's metric, runs in replicate order."""
    wide = trajectories.pivot(index="replicate", columns="month", values=panel.metric)
    wide = wide.sort_index()
    values = wide.to_numpy(dtype=float)
    if panel.rolling:
        values = _rolling_sum(values, ROLLING_MONTHS)
    return wide.columns.to_numpy(), values


def _rolling_sum(values: np.ndarray, window: int) -> np.ndarray:
    """Sum over the last ``window`` months (fewer at the start), along the month axis."""
    total = np.nancumsum(values, axis=1)
    shifted = np.zeros_like(total)
    shifted[:, window:] = total[:, :-window]
    return total - shifted


def _band(
    ax: Axes, months: np.ndarray, values: np.ndarray, colour: str, label: str, alpha: float = 0.2
) -> None:
    """Mean line of ``values`` (runs × months), and its 25–75% band when there are enough runs."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # months where every run is NaN
        mean = np.nanmean(values, axis=0)
        low, high = np.nanpercentile(values, [25, 75], axis=0)
    if len(values) >= MIN_RUNS_FOR_BAND:
        ax.fill_between(months, low, high, color=colour, alpha=alpha, linewidth=0)
        ax.plot(months, mean, color=colour, linewidth=2.0, label=label)
    else:  # a mean of a few runs is noisy: draw it, but quietly
        ax.plot(months, mean, color=colour, linewidth=1.2, linestyle="--", alpha=0.8, label=label)


def _style(ax: Axes, panel: Panel, months: np.ndarray, *, titled: bool = True) -> None:
    if titled:
        ax.set_title(panel.title)
    ax.set_xlabel("month")
    ax.set_xlim(months.min(), months.max())
    ax.set_ylim(0, 1 if panel.unit_interval else max(ax.get_ylim()[1], 1.0))
    ax.grid(True, color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)


def _caption(panels: Sequence[Panel]) -> str:
    note = (
        "Lines: mean over runs; bands: middle 50% of runs. "
        f"Regimes with fewer than {MIN_RUNS_FOR_BAND} runs: dashed line, no band."
    )
    if any(p.rolling for p in panels):
        note += f" Responses are summed over the previous {ROLLING_MONTHS} months."
    return note


def _boundary_whiskers(
    ax: Axes, positions: np.ndarray, shares: np.ndarray, counts: np.ndarray
) -> None:
    """Whiskers at the inner boundaries between regimes (cumulative shares strictly in (0, 1))."""
    for y, row, n in zip(positions, shares, counts, strict=True):
        edges = np.unique(np.round(np.cumsum(row)[:-1], 12))
        for edge in edges[(edges > 0) & (edges < 1)]:
            ci = wilson(round(edge * n), int(n))
            ax.errorbar(
                edge,
                y,
                xerr=[[edge - ci.low], [ci.high - edge]],
                fmt="none",
                ecolor="black",
                elinewidth=1.1,
                capsize=4,
            )


def _share_labels(ax: Axes, positions: np.ndarray, left: np.ndarray, share: np.ndarray) -> None:
    """Write each segment's percentage inside it when it is wide enough to hold the text."""
    for y, x0, width in zip(positions, left, share, strict=True):
        if width >= 0.05:
            ax.text(
                x0 + width / 2,
                y + 0.17,
                f"{width:.0%}",
                ha="center",
                va="center",
                color="white",
                fontsize=9,
                fontweight="bold",
            )

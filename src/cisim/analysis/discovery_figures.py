"""The figure of scenario discovery: PRIM's peeling trajectory and the chosen box."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from cisim.analysis.discovery import PrimResult, restriction_text
from cisim.analysis.tables import LJ
from cisim.present.style import COLUMN_INCHES, REGIME_COLOURS, caption, percent_axis, tidy_axes


def prim_figure(result: PrimResult, *, regime: str = LJ) -> Figure:
    """Left: the peeling trajectory (coverage against density). Right: the chosen box's ranges."""
    fig = Figure(figsize=(COLUMN_INCHES, 4.4), layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=[1, 1.2])
    _draw_trajectory(left, result, regime)
    _draw_box(right, result)
    fig.suptitle(
        f"Scenario discovery: where do {regime.replace('_', ' ')}s happen? (PRIM)",
        fontweight="bold",
    )
    caption(
        fig,
        f"Chosen box: coverage {result.coverage:.0%}, density {result.density:.0%} "
        f"(base rate {result.base_rate:.0%}), mass {result.mass:.0%}.",
    )
    return fig


def _draw_trajectory(ax: Axes, result: PrimResult, regime: str) -> None:
    t = result.trajectory
    points = ax.scatter(t["coverage"], t["density"], c=t["restricted"], cmap="viridis", s=18)
    chosen = t.iloc[result.chosen]
    ax.scatter(
        [chosen["coverage"]],
        [chosen["density"]],
        s=140,
        facecolors="none",
        edgecolors=REGIME_COLOURS.get(regime, "black"),
        linewidths=2,
        label="chosen box",
    )
    bar = ax.figure.colorbar(points, ax=ax, label="parameters restricted")
    bar.ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(f"coverage (share of all {regime.replace('_', ' ')}s in the box)", fontsize=8)
    ax.set_ylabel("density (share of runs in the box)", fontsize=8)
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    percent_axis(ax, "x")
    percent_axis(ax, "y")
    ax.legend(frameon=False, loc="lower left")
    ax.set_title("Peeling trajectory", fontsize=9)
    tidy_axes(ax)


def _draw_box(ax: Axes, result: PrimResult) -> None:
    box = result.box
    if box.empty:  # the chosen box is the whole space: say so instead of an empty panel
        ax.text(
            0.5,
            0.5,
            "no restriction:\nthe chosen box is the whole sampled space",
            ha="center",
            va="center",
            fontsize=10,
            transform=ax.transAxes,
        )
        ax.set_axis_off()
        ax.set_title("The chosen box", fontsize=10)
        return
    positions = np.arange(len(box))[::-1]
    for y, row in zip(positions, box.to_dict("records"), strict=True):
        if row["kind"] == "numeric":
            span = (row["full_high"] - row["full_low"]) or 1.0
            a, b = (row["low"] - row["full_low"]) / span, (row["high"] - row["full_low"]) / span
            ax.plot([0, 1], [y, y], color="#dddddd", linewidth=10, solid_capstyle="butt")
            ax.plot(
                [a, b],
                [y, y],
                color=REGIME_COLOURS["learning_journey"],
                linewidth=10,
                solid_capstyle="butt",
                marker="o",
                markersize=9,
            )
            ax.text(1.06, y, restriction_text(row), va="center", fontsize=8)
        else:
            ax.text(0.0, y, "levels: " + ", ".join(row["levels"]), va="center", fontsize=8)
    labels = [f"{p} (p={q:.2g})" for p, q in zip(box["parameter"], box["quasi_p"], strict=True)]
    ax.set_yticks(positions, labels)
    ax.set_xlim(-0.05, 1.6)
    ax.set_ylim(-0.8, max(len(box), 1) - 0.2)
    ax.set_xticks([0, 0.5, 1], ["min", "middle", "max"])
    ax.set_xlabel("range kept, of each parameter's sampled range", fontsize=8)
    ax.set_title("The chosen box (quasi-p-value of each restriction)", fontsize=9)
    tidy_axes(ax, grid="x")

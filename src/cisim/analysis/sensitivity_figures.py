"""Figures of the sensitivity analyses: Sobol bars (with the effects beside them), their
convergence, the Morris plane, and the distribution functions of regional sensitivity."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from cisim.analysis.regional import RegionalResult
from cisim.analysis.sensitivity import SensitivityResult
from cisim.analysis.tables import LJ, outcome
from cisim.present.style import COLUMN_INCHES, INTERVAL, REGIME_COLOURS, caption, tidy_axes

_S1_COLOUR, _ST_COLOUR = "#2c5d9e", "#9ecae1"


def sobol_figure(result: SensitivityResult) -> Figure:
    """Bars of first- and total-order indices per parameter with two-level 95 % intervals; below
    them, when the table has them, each parameter's effect over its range (outcome units)."""
    table = result.indices
    effects = "effect" in table.columns
    width = min(COLUMN_INCHES, max(7.0 if effects else 6.0, 1.1 * len(table) + 3.0))
    fig = Figure(figsize=(width, 7.6 if effects else 4.4), layout="constrained")
    axes = fig.subplots(2 if effects else 1, 1, sharex=True, squeeze=False)[:, 0]
    ax = axes[0]
    pos = np.arange(len(table))
    for offset, name, colour, label in (
        (-0.2, "S1", _S1_COLOUR, "first order S1 (alone)"),
        (0.2, "ST", _ST_COLOUR, "total order ST (with interactions)"),
    ):
        _bars(ax, pos + offset, table, name, colour, label)
    ax.set_ylabel("share of output variance")
    ax.set_ylim(min(0.0, ax.get_ylim()[0]), max(1.0, ax.get_ylim()[1]))
    ax.axhline(0, color="#999999", linewidth=0.8)
    ax.legend(frameon=False)
    tidy_axes(ax, grid="y")
    if effects:
        _effects_axes(axes[1], pos, table, result.outcome)
    axes[-1].set_xticks(
        pos, [p.replace("_", " ") for p in table["parameter"]], rotation=30, ha="right"
    )
    fig.suptitle(f"Sobol indices of {outcome(result.outcome).label}", fontweight="bold")
    what = "whiskers: 95% two-level bootstrap interval"
    if effects:
        what = (
            "whiskers: 95% intervals (indices: two-level bootstrap;\n"
            "effects: bootstrap over base samples and replicates)"
        )
    caption(fig, _sensitivity_caption(result, what))
    return fig


def _bars(
    ax: Axes, pos: np.ndarray, table: pd.DataFrame, name: str, colour: str, label: str
) -> None:
    """Bars of column ``name`` with whiskers from ``name_low`` to ``name_high``."""
    values = table[name].to_numpy(dtype=float)
    err = [values - table[f"{name}_low"], table[f"{name}_high"] - values]
    ax.bar(pos, values, width=0.38, color=colour, label=label)
    ax.errorbar(pos, values, yerr=np.maximum(err, 0), fmt="none", ecolor=INTERVAL, capsize=3)


def _effects_axes(ax: Axes, pos: np.ndarray, table: pd.DataFrame, name: str) -> None:
    """Each parameter's effect over its range, and where the outcome is contested."""
    share = outcome(name).unit == "share"
    scaled = table.copy()
    columns = [c for c in table.columns if c.startswith(("effect", "contested"))]
    scaled[columns] = table[columns].astype(float) * (100.0 if share else 1.0)
    _bars(ax, pos - 0.2, scaled, "effect", _S1_COLOUR, "mean effect, low to high end of the range")
    if scaled["contested"].notna().any():
        label = "where the outcome is contested"
        _bars(ax, pos + 0.2, scaled, "contested", _ST_COLOUR, label)
    ax.axhline(0, color="#999999", linewidth=0.8)
    ax.set_ylabel("change in percentage points" if share else f"change in {name}")
    ax.legend(frameon=False)
    tidy_axes(ax, grid="y")


def _sensitivity_caption(result: SensitivityResult, what: str) -> str:
    noise = "n/a" if not np.isfinite(result.noise_share) else f"{result.noise_share:.1%}"
    return (
        f"Point means over {result.replicates} replicates; {what};\n"
        f"replicate noise share of the variance of the point means: {noise}."
    )


def regional_figure(result: RegionalResult) -> Figure:
    """Per parameter, the distribution functions of its values over the runs in the regime and
    the rest, titled with the KS distance and the permutation p-value."""
    names = list(result.indices["parameter"])
    cols = min(3, len(names))
    rows = -(-len(names) // cols)
    fig = Figure(figsize=(2.9 * cols + 0.6, 2.5 * rows + 1.0), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False, sharey=True)
    regime = result.outcome.replace("_", " ")
    colour = REGIME_COLOURS.get(result.outcome, _S1_COLOUR)
    records = result.indices.to_dict(orient="records")
    for ax, row in zip(axes.flat, records, strict=False):
        part = result.cdfs[result.cdfs["parameter"] == row["parameter"]]
        ax.step(part["value"], part["inside"], where="post", color=colour, label=regime)
        ax.step(part["value"], part["outside"], where="post", color="#777777", label="the rest")
        title = f"{str(row['parameter']).replace('_', ' ')}\nKS {row['ks']:.2f}"
        ax.set_title(f"{title}, p {_p_text(row['p_value'])}", fontsize=9)
        ax.tick_params(labelsize=8)
        tidy_axes(ax)
    for ax in axes.flat[len(names) :]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel("share of runs at or below", fontsize=8)
    axes.flat[0].legend(frameon=False, fontsize=8, loc="upper left")
    fig.suptitle(
        f"Regional sensitivity of {outcome(result.outcome).label}: "
        "where in each range the runs in and out of the regime come from",
        fontweight="bold",
    )
    caption(
        fig,
        f"{result.runs:,} runs, {result.share:.0%} in the regime; KS: largest vertical gap between "
        f"the two curves; p: block permutation test ({result.permutations:,} permutations).",
    )
    return fig


def _p_text(p: float) -> str:
    """A p-value for a title: '0.03', '≤ 0.001' (999 permutations cannot say less)."""
    return "≤ 0.001" if p <= 0.001 else f"{p:.3f}" if p < 0.01 else f"{p:.2f}"


def convergence_figure(table: pd.DataFrame, outcome_name: str = LJ) -> Figure:
    """Indices against the number of base samples (log scale), one panel for S1 and one for ST."""
    fig = Figure(figsize=(COLUMN_INCHES, 4.2), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    for ax, name in zip(axes, ("S1", "ST"), strict=True):
        part = table[table["index"] == name]
        for i, (param, rows) in enumerate(part.groupby("parameter", sort=False)):
            colour = f"C{i % 10}"
            ax.plot(rows["base_samples"], rows["value"], "o-", color=colour, label=str(param))
            ax.fill_between(
                rows["base_samples"],
                rows["low"],
                rows["high"],
                color=colour,
                alpha=0.12,
                linewidth=0,
            )
        ax.set_xscale("log", base=2)
        ax.set_xlabel("base samples N (design points = N x (D + 2))")
        ax.set_title("first order S1" if name == "S1" else "total order ST", fontsize=10)
        tidy_axes(ax)
    axes[0].set_ylabel("index (share of variance)")
    axes[1].legend(frameon=False, title="parameter", loc="best")
    fig.suptitle(
        f"Convergence of the Sobol indices of {outcome(outcome_name).label}", fontweight="bold"
    )
    caption(fig, "Estimates on nested prefixes of the Sobol design; bands: 95% intervals.")
    return fig


def morris_figure(result: SensitivityResult) -> Figure:
    """mu* against sigma, with replicate-bootstrap intervals, one labelled point per parameter."""
    table = result.indices
    fig = Figure(figsize=(6.8, 5.2), layout="constrained")
    ax = fig.subplots()
    xerr = [table["mu_star"] - table["mu_star_low"], table["mu_star_high"] - table["mu_star"]]
    yerr = [table["sigma"] - table["sigma_low"], table["sigma_high"] - table["sigma"]]
    ax.errorbar(
        table["mu_star"],
        table["sigma"],
        xerr=np.maximum(xerr, 0),
        yerr=np.maximum(yerr, 0),
        fmt="o",
        color=INTERVAL,
        capsize=3,
    )
    top_x = float(np.nanmax(table["mu_star_high"])) * 1.15 or 1.0
    top_y = float(np.nanmax(table["sigma_high"])) * 1.15 or 1.0
    edge = max(top_x, top_y)
    ax.plot([0, edge], [0, edge], color="#999999", linestyle="--", linewidth=1, label="sigma = mu*")
    ax.set_xlim(0, top_x)
    ax.set_ylim(0, top_y)
    labels = [str(p).replace("_", " ") for p in table["parameter"]]
    x, y = table["mu_star"].to_numpy(float), table["sigma"].to_numpy(float)
    for label, px, py, (dx, dy) in zip(
        labels, x, y, _label_offsets(x / top_x, y / top_y, labels), strict=True
    ):
        ax.annotate(
            label,
            (px, py),
            textcoords="offset points",
            xytext=(dx, dy),
            fontsize=_LABEL_SIZE,
            va="bottom",
            arrowprops=(
                dict(arrowstyle="-", color="#999999", linewidth=0.6, shrinkA=0, shrinkB=3)
                if abs(dy) > 2 * _LABEL_SIZE
                else None
            ),
        )
    ax.legend(frameon=False, loc="upper left")
    ax.set_xlabel("mu* (mean absolute elementary effect)")
    ax.set_ylabel("sigma (spread of elementary effects)")
    tidy_axes(ax)
    fig.suptitle(f"Morris screening of {outcome(result.outcome).label}", fontweight="bold")
    what = "whiskers: 95% replicate-bootstrap interval; above the line: non-linear or interacting"
    caption(fig, _sensitivity_caption(result, what))
    return fig


_LABEL_SIZE = 8.0  # points
_AXES_POINTS = (6.8 * 0.85 * 72, 5.2 * 0.75 * 72)  # about the Morris plot's axes, in points


def _label_offsets(
    x: np.ndarray, y: np.ndarray, labels: Sequence[str], *, axes: tuple[float, float] = _AXES_POINTS
) -> list[tuple[float, float]]:
    """Offsets (points, of the text's lower left corner) of labels placed so that none overlap.

    ``x``, ``y``: the points in axes fractions. From the lowest point up, a label goes to the
    first free place of: right above its point, right below, left above, left below; if none is
    free, right above, moved up past the labels in the way. (The text's size is estimated from
    the font size, which is enough to keep a cluster of points readable.)
    """
    px, py = np.nan_to_num(x) * axes[0], np.nan_to_num(y) * axes[1]
    height, gap = 1.3 * _LABEL_SIZE, 4.0
    placed: list[tuple[float, float, float, float]] = []

    def clash(left: float, bottom: float, width: float) -> tuple[float, float, float, float] | None:
        for box in placed:
            x0, x1, y0, y1 = box
            if left < x1 and x0 < left + width and bottom < y1 and y0 < bottom + height:
                return box
        return None

    offsets = [(gap, gap)] * len(labels)
    for i in np.lexsort((px, py)):
        width = 0.56 * _LABEL_SIZE * len(labels[i])
        candidates = [(gap, gap), (gap, -gap - height), (-gap - width, gap)]
        candidates.append((-gap - width, -gap - height))
        free = [(dx, dy) for dx, dy in candidates if clash(px[i] + dx, py[i] + dy, width) is None]
        dx, dy = free[0] if free else candidates[0]
        while (box := clash(px[i] + dx, py[i] + dy, width)) is not None:
            dy = box[3] + 1.0 - py[i]
        placed.append((px[i] + dx, px[i] + dx + width, py[i] + dy, py[i] + dy + height))
        offsets[i] = (float(dx), float(dy))
    return offsets

"""Phase diagrams: the share of learning journeys over two parameters.

Method
------
Runs are grouped into cells by the values of two design parameters (and, optionally, a third that
facets the diagram, such as whether there is a navigator). Each cell's share of learning journeys
is a binomial proportion with a 95 % Wilson interval (:func:`cisim.stats.wilson`); the other
varied parameters are averaged over (every cell of a full factorial holds the same mix of them).
Continuous parameters with many values (Latin hypercube designs) are cut into equal-width bins.

Regions where the share changes quickly are the model's tipping zones between learning journeys
and blame games: the "phase boundary" of the collaboration's two regimes (cf. the self-confirming
habits of blame in the model, each pulled by its partners').
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from cisim.analysis.tables import LJ, is_numeric, join_design, ordered_levels, parameters_of
from cisim.present.style import COLUMN_INCHES, LJ_CMAP, caption
from cisim.stats import eta_squared, wilson

MAX_LEVELS = 8  # a numeric parameter with more distinct values is binned
BINS = 5
MAX_FACET_LEVELS = 4
CELL_FONT = 10  # points: about 11 px at the report's scale (96 CSS px per inch)


def phase_table(
    design: pd.DataFrame,
    runs: pd.DataFrame,
    x: str,
    y: str,
    *,
    facet: str | None = None,
    regime: str = LJ,
    bins: int = BINS,
) -> pd.DataFrame:
    """Share of runs ending in ``regime`` per cell of ``x`` by ``y`` (by ``facet``).

    Returns
    -------
    pandas.DataFrame
        ``facet`` (if given), ``x``, ``y`` (the level, or the bin's midpoint), ``runs``,
        ``count``, ``share``, ``low``, ``high``; the columns are named after the parameters.
    """
    frame = join_design(design, runs)
    hit = np.asarray(frame["regime"].astype(str) == regime)
    keys = [k for k in (facet, x, y) if k is not None]
    cells = pd.DataFrame({k: _in_design_order(_levels_or_bins(frame[k], bins)) for k in keys})
    cells["hit"] = hit
    grouped = cells.groupby(keys, sort=True, observed=True)["hit"]
    table = grouped.agg(runs="size", count="sum").reset_index()
    estimates = [wilson(int(c), int(n)) for c, n in zip(table["count"], table["runs"], strict=True)]
    table["share"] = [e.value for e in estimates]
    table["low"] = [e.low for e in estimates]
    table["high"] = [e.high for e in estimates]
    return table


def _levels_or_bins(values: pd.Series, bins: int) -> pd.Series:
    """The values themselves, or the midpoints of ``bins`` equal-width bins if there are many."""
    if not is_numeric(values) or values.nunique() <= MAX_LEVELS:
        return values
    edges = np.linspace(values.min(), values.max(), bins + 1)
    index = np.clip(np.searchsorted(edges, values.to_numpy(), side="right") - 1, 0, bins - 1)
    mids = (edges[:-1] + edges[1:]) / 2
    return pd.Series(np.round(mids[index], 6), index=values.index)


def _in_design_order(values: pd.Series) -> pd.Series:
    """Text levels as categories in the design's order (search before designed), not A-Z."""
    if is_numeric(values) or isinstance(values.dtype, pd.CategoricalDtype):
        return values
    ordered = pd.Categorical(values, categories=ordered_levels(values))
    return pd.Series(ordered, index=values.index, name=values.name)


def choose_axes(design: pd.DataFrame, runs: pd.DataFrame) -> tuple[str, str, str | None] | None:
    """Pick the two numeric parameters that explain most of the LJ share, and a facet.

    Parameters are ranked by eta squared of the learning-journey indicator
    (:func:`cisim.stats.eta_squared`); the facet is the best-ranked remaining parameter with at
    most :data:`MAX_FACET_LEVELS` levels, if any. ``None`` with fewer than two numeric parameters.
    """
    frame = join_design(design, runs)
    hit = np.asarray(frame["regime"].astype(str) == LJ, dtype=float)
    params = parameters_of(design)
    score = {p: eta_squared(frame[p].astype(str).to_numpy(), hit) for p in params}
    ranked = sorted(params, key=lambda p: -score[p])
    numeric = [p for p in ranked if is_numeric(design[p])]
    if len(numeric) < 2:
        return None
    x, y = numeric[0], numeric[1]
    facets = [p for p in ranked if p not in (x, y) and design[p].nunique() <= MAX_FACET_LEVELS]
    return x, y, (facets[0] if facets else None)


def phase_figure(
    table: pd.DataFrame, x: str, y: str, *, facet: str | None = None, regime: str = LJ
) -> Figure:
    """Heatmap(s) of the share per cell, annotated, coloured from blame-red (0) to green (1)."""
    facets: list[Any] = ordered_levels(table[facet]) if facet else [None]
    width = min(COLUMN_INCHES, 2.9 * len(facets) + 1.2)
    fig = Figure(figsize=(width, 3.9), layout="constrained")
    axes = fig.subplots(1, len(facets), squeeze=False, sharey=True)[0]
    image = None
    for ax, level in zip(axes, facets, strict=True):
        part = table if facet is None else table[table[facet] == level]
        image = _heatmap(ax, part, x, y)
        ax.set_xlabel(x.replace("_", " "))
        if facet is not None:
            ax.set_title(f"{facet.replace('_', ' ')} = {level}", fontsize=9)
    axes[0].set_ylabel(y.replace("_", " "))
    if image is not None:
        bar = fig.colorbar(image, ax=list(axes), shrink=0.9)
        bar.set_label(f"share of runs ending as {regime.replace('_', ' ')}")
    title = f"Phase diagram: {regime.replace('_', ' ')}s over {x} and {y}".replace("_", " ")
    fig.suptitle(title, fontweight="bold", fontsize=11)
    caption(fig, "Cells: share of runs (n in brackets); red: mostly not, green: mostly yes.")
    return fig


def _heatmap(ax: Axes, part: pd.DataFrame, x: str, y: str) -> Any:
    xs, ys = ordered_levels(part[x]), ordered_levels(part[y])
    grid = np.full((len(ys), len(xs)), np.nan)
    runs = np.zeros_like(grid)
    # by column, not by attribute: a factor's name need not be an identifier (timeline.1.month)
    for yv, xv, share, n in zip(part[y], part[x], part["share"], part["runs"], strict=True):
        i, j = ys.index(yv), xs.index(xv)
        grid[i, j], runs[i, j] = share, n
    image = ax.imshow(grid, origin="lower", cmap=LJ_CMAP, vmin=0, vmax=1, aspect="auto")
    for (i, j), share in np.ndenumerate(grid):
        if np.isfinite(share):
            label = f"{share:.0%}\n({runs[i, j]:.0f})"
            ax.text(j, i, label, ha="center", va="center", fontsize=CELL_FONT)
    ax.set_xticks(range(len(xs)), [_tick(v) for v in xs])
    ax.set_yticks(range(len(ys)), [_tick(v) for v in ys])
    return image


def _tick(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)

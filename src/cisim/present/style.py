"""The look of the analysis figures: the regime colours of :mod:`cisim.present.figures`, and a
few helpers.

Figures are :class:`matplotlib.figure.Figure` objects built without pyplot (no backend is chosen
and no global state changes); :func:`~cisim.present.figures.save` renders them to PNG.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from cisim.present.figures import COLUMN_INCHES, DPI, REGIME_COLOURS, REGIME_LABELS, save

__all__ = [
    "CAPTION",
    "COLUMN_INCHES",
    "DPI",
    "LJ_CMAP",
    "REGIME_COLOURS",
    "REGIME_LABELS",
    "caption",
    "percent_axis",
    "save",
    "tidy_axes",
]

CAPTION = {"fontsize": 8, "color": "#555555"}
NEUTRAL = "#f7f7f7"
INTERVAL = "#333333"

#: Share of learning journeys: blame-game orange-red at 0, pale at one half, learning green at 1.
LJ_CMAP = LinearSegmentedColormap.from_list(
    "cisim_lj_share",
    [REGIME_COLOURS["blame_game"], NEUTRAL, REGIME_COLOURS["learning_journey"]],
)


def tidy_axes(ax: Axes, *, grid: str = "both") -> None:
    """Light grid behind the data, no top or right spine."""
    ax.grid(True, axis=grid, color="#e5e5e5", linewidth=0.8)  # type: ignore[arg-type]
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)


def percent_axis(ax: Axes, axis: str = "y") -> None:
    """Format an axis of shares in ``[0, 1]`` as percentages."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(PercentFormatter(1.0))


def caption(fig: Figure, text: str) -> None:
    """A small grey note under the figure (what the lines, bands and whiskers mean)."""
    fig.supxlabel(text, wrap=True, **CAPTION)

"""The app's pictures, as Altair charts: the network, and the collaboration over time.

The network (:func:`network_chart`): organisations coloured by sector and sized by their
representative's authority, at the places :mod:`cisim.app.layout` gave them; outsiders who may
join hollow, organisations that left grey; a gold ring on each organisation the navigator attended
to this month; working relationships coloured and thickened by trust (red low, green high), with
a red cross where blame crossed a tie in the last :data:`BLAME_MEMORY` months.

Over time (:func:`trajectory_chart`, :func:`responses_chart`): trust, shared understanding,
progress and legitimacy, one panel each, and the responses to setbacks, learning against blame,
added up month by month. With two worlds, each chart draws both (solid: this world, dashed: the
other).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from cisim.app.world import World
from cisim.parameters import SECTORS
from cisim.state import ACTIVE, CANDIDATE, EXITED

__all__ = [
    "BLAME_MEMORY",
    "INDICATORS",
    "SECTOR_COLOURS",
    "network_chart",
    "responses_chart",
    "trajectory_chart",
]

ROW = 0
#: Months a tie stays marked after blame crossed it.
BLAME_MEMORY = 6
#: Colour-blind-safe sector colours (Okabe & Ito).
SECTOR_COLOURS: dict[str, str] = {
    "public": "#0072B2",
    "private": "#E69F00",
    "nonprofit": "#009E73",
    "community": "#CC79A7",
    "philanthropy": "#56B4E9",
}
#: Indicators over time: metric -> panel title.
INDICATORS: dict[str, str] = {
    "mean_trust": "Trust",
    "shared_understanding": "Shared understanding",
    "progress": "Progress",
    "legitimacy": "Legitimacy",
}
STATUS_WORDS = {ACTIVE: "member", CANDIDATE: "outsider (may join)", EXITED: "left"}
NAVIGATOR_GOLD = "#B8860B"
WORLD_DASH = [[1, 0], [6, 4]]


# ---- the network -----------------------------------------------------------------------------
def network_chart(world: World, *, width: int = 460, height: int = 380, title: str = "") -> Any:
    """The network of ``world`` this month (an Altair layer chart)."""
    nodes, ties, blame = _nodes(world), _ties(world), _blame_marks(world)
    x = alt.X("x:Q", axis=None, scale=alt.Scale(domain=[0, 1]))
    y = alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[0, 1]))
    layers = [_tie_layer(ties, x, y), _node_layer(nodes, x, y), _navigator_layer(nodes, x, y)]
    if len(blame):
        layers.append(_blame_layer(blame, x, y))
    chart = alt.layer(*layers).resolve_scale(color="independent", size="independent")
    chart = chart.properties(width=width, height=height)
    if title:
        chart = chart.properties(title=title)
    return chart.configure_view(stroke=None).configure_legend(orient="bottom", columns=3)


def _nodes(world: World) -> pd.DataFrame:
    st, layout = world.model.state, world.layout
    slots = layout.slots
    status = st.status[ROW, slots]
    return pd.DataFrame(
        {
            "slot": slots,
            "name": [world.names[int(s)] for s in slots],
            "sector": [SECTORS[int(k)] for k in st.sector[ROW, slots]],
            "x": layout.x,
            "y": layout.y,
            "authority": np.round(st.authority[ROW, slots], 2),
            "status": [STATUS_WORDS.get(int(k), "member") for k in status],
            "member": status == ACTIVE,
            "attended": st.attended[ROW, slots] & (status == ACTIVE),
            "understanding": np.round(st.understanding[ROW, slots], 2),
        }
    )


def _ties(world: World) -> pd.DataFrame:
    """One row per pair with a non-dormant tie: its mean trust both ways, and whether it works."""
    st, pos = world.model.state, world.layout.position()
    shown = st.exists[ROW] & ~st.dormant[ROW] & (st.src[ROW] < st.dst[ROW])
    ties = np.flatnonzero(shown)
    a, b = st.src[ROW, ties], st.dst[ROW, ties]
    trust = 0.5 * (st.trust[ROW, ties] + st.trust[ROW, st.rev[ROW, ties]])
    working = (st.status[ROW, a] == ACTIVE) & (st.status[ROW, b] == ACTIVE)
    return pd.DataFrame(
        {
            "x": [pos[int(s)][0] for s in a],
            "y": [pos[int(s)][1] for s in a],
            "x2": [pos[int(s)][0] for s in b],
            "y2": [pos[int(s)][1] for s in b],
            "trust": np.round(trust, 2),
            "between": [
                f"{world.names[int(i)]} – {world.names[int(j)]}" for i, j in zip(a, b, strict=True)
            ],
            "working": working,
        }
    )


def _blame_marks(world: World) -> pd.DataFrame:
    """Midpoints of ties blame crossed lately, with who blamed whom and when."""
    st, pos = world.model.state, world.layout.position()
    recent = st.exists[ROW] & (st.last_blame[ROW] >= 0)
    recent &= st.last_blame[ROW] > st.month - BLAME_MEMORY
    ties = [t for t in np.flatnonzero(recent).tolist() if st.src[ROW, t] < st.dst[ROW, t]]
    rows = []
    for t in ties:
        i, j = int(st.src[ROW, t]), int(st.dst[ROW, t])
        month = max(int(st.last_blame[ROW, t]), int(st.last_blame[ROW, st.rev[ROW, t]]))
        rows.append(
            {
                "x": 0.5 * (pos[i][0] + pos[j][0]),
                "y": 0.5 * (pos[i][1] + pos[j][1]),
                "blame": f"blame between {world.names[i]} and {world.names[j]} (month {month})",
            }
        )
    return pd.DataFrame(rows, columns=["x", "y", "blame"])


def _tie_layer(ties: pd.DataFrame, x: Any, y: Any) -> Any:
    return (
        alt.Chart(ties)
        .mark_rule()
        .encode(
            x=x,
            y=y,
            x2="x2:Q",
            y2="y2:Q",
            color=alt.Color(
                "trust:Q",
                scale=alt.Scale(scheme="redyellowgreen", domain=[0, 1]),
                legend=alt.Legend(title="Trust on a tie", orient="bottom", gradientLength=120),
            ),
            strokeWidth=alt.StrokeWidth(
                "trust:Q", scale=alt.Scale(domain=[0, 1], range=[0.5, 3.5]), legend=None
            ),
            opacity=alt.condition("datum.working", alt.value(0.8), alt.value(0.12)),
            tooltip=["between:N", "trust:Q"],
        )
    )


def _node_layer(nodes: pd.DataFrame, x: Any, y: Any) -> Any:
    """Members filled, outsiders hollow (both in their sector's colour), leavers grey."""
    sector = alt.Color(
        "sector:N",
        scale=alt.Scale(domain=list(SECTOR_COLOURS), range=list(SECTOR_COLOURS.values())),
        legend=alt.Legend(title="Sector"),
    )
    size = alt.Size("authority:Q", scale=alt.Scale(domain=[0, 1], range=[30, 420]), legend=None)
    tooltip = ["name:N", "sector:N", "status:N", "authority:Q", "understanding:Q"]
    layers = []
    for status, mark in (
        ("member", {"filled": True}),
        ("outsider (may join)", {"filled": False, "strokeWidth": 1.5}),
        ("left", {"filled": True, "color": "#BBBBBB", "opacity": 0.6}),
    ):
        chart = alt.Chart(nodes[nodes["status"] == status]).mark_point(shape="circle", **mark)
        encoding = {"x": x, "y": y, "size": size, "tooltip": tooltip}
        if status != "left":
            encoding["color"] = sector
        layers.append(chart.encode(**encoding))
    return alt.layer(*layers)


def _navigator_layer(nodes: pd.DataFrame, x: Any, y: Any) -> Any:
    attended = nodes[nodes["attended"]]
    return (
        alt.Chart(attended)
        .mark_point(filled=False, stroke=NAVIGATOR_GOLD, strokeWidth=3, size=700)
        .encode(x=x, y=y, tooltip=[alt.Tooltip("name:N", title="the navigator attended to")])
    )


def _blame_layer(blame: pd.DataFrame, x: Any, y: Any) -> Any:
    return (
        alt.Chart(blame)
        .mark_point(shape="cross", filled=True, color="#D00000", size=90, angle=45)
        .encode(x=x, y=y, tooltip=["blame:N"])
    )


# ---- over time -------------------------------------------------------------------------------
def _world_label(world: World, index: int) -> str:
    return "this world" if index == 0 else "the other world"


def _long(worlds: Sequence[World], metrics: dict[str, str], cumulative: bool = False) -> Any:
    frames = []
    for index, world in enumerate(worlds):
        data = world.trajectory(tuple(metrics))
        for name, title in metrics.items():
            values = np.cumsum(data[name]) if cumulative else data[name]
            frames.append(
                pd.DataFrame(
                    {
                        "month": np.arange(len(values)),
                        "value": np.round(values, 3),
                        "measure": title,
                        "world": _world_label(world, index),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def _world_dash(worlds: Sequence[World]) -> Any:
    labels = [_world_label(w, i) for i, w in enumerate(worlds)]
    return alt.StrokeDash(
        "world:N",
        scale=alt.Scale(domain=labels, range=WORLD_DASH[: len(labels)]),
        legend=alt.Legend(title=None, orient="bottom") if len(worlds) > 1 else None,
    )


def _months(worlds: Sequence[World]) -> Any:
    horizon = max(w.scenario.horizon_months for w in worlds)
    return alt.X("month:Q", title="month", scale=alt.Scale(domain=[0, horizon], nice=False))


def trajectory_chart(worlds: Sequence[World], *, width: int = 210, height: int = 110) -> Any:
    """Trust, shared understanding, progress and legitimacy over time, one panel each."""
    data = _long(worlds, INDICATORS)
    base = (
        alt.Chart(data)
        .mark_line(strokeWidth=2)
        .encode(
            x=_months(worlds),
            y=alt.Y("value:Q", title=None, scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("measure:N", legend=None, sort=list(INDICATORS.values())),
            strokeDash=_world_dash(worlds),
            tooltip=["world:N", "measure:N", "month:Q", "value:Q"],
        )
        .properties(width=width, height=height)
    )
    return base.facet(
        facet=alt.Facet("measure:N", title=None, sort=list(INDICATORS.values())), columns=2
    )


def responses_chart(worlds: Sequence[World], *, width: int = 460, height: int = 150) -> Any:
    """Responses to setbacks so far: learning against blame (cumulative), by month."""
    metrics = {"learning_responses": "learning", "blame_responses": "blame"}
    data = _long(worlds, metrics, cumulative=True)
    return (
        alt.Chart(data, title="Responses to setbacks so far: learning or blame")
        .mark_line(strokeWidth=2.5, interpolate="step-after")
        .encode(
            x=_months(worlds),
            y=alt.Y("value:Q", title="members' responses"),
            color=alt.Color(
                "measure:N",
                title=None,
                scale=alt.Scale(domain=["learning", "blame"], range=["#1A9850", "#D73027"]),
                legend=alt.Legend(orient="bottom"),
            ),
            strokeDash=_world_dash(worlds),
            tooltip=["world:N", "measure:N", "month:Q", "value:Q"],
        )
        .properties(width=width, height=height)
    )

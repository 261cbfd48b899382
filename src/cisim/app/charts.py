"""The app's pictures, as Vega-Lite specifications: the network, and the collaboration over time.

The network (:func:`network_spec`): organisations coloured by sector and sized by their
representative's authority, at the places :mod:`cisim.app.layout` gave them; outsiders who may
join hollow, organisations that left grey; a gold ring on each organisation the navigator attended
to this month; working relationships coloured and thickened by trust (red low, green high), with
a red cross where blame crossed a tie in the last :data:`BLAME_MEMORY` months.

Over time (:func:`panel_spec`): trust, shared understanding, progress, legitimacy, and the
responses to setbacks (learning, blame) added up month by month, one panel each, over the months
so far (at least a year: the axis grows with the run). With two worlds each panel draws both, each
world in its colour (:data:`WORLD_COLOURS`); a dashed rule marks a month in which the class moved a
lever.

Each chart is declared once with Altair, over named data sets, and turned into a Vega-Lite
template (cached); a month's picture is the template with that month's data sets filled in.
Building Altair objects anew every month would cost some 350 ms for the network alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import altair as alt
import numpy as np

from cisim.app.world import World
from cisim.model.parameters import SECTORS
from cisim.model.state import ACTIVE, CANDIDATE, EXITED

__all__ = [
    "BLAME_MEMORY",
    "NAVIGATOR_GOLD",
    "PANELS",
    "SECTOR_COLOURS",
    "WORLD_COLOURS",
    "network_spec",
    "panel_spec",
    "world_colours",
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
#: The panels over time: metric -> title (the responses to setbacks added up month by month).
PANELS: dict[str, str] = {
    "mean_trust": "Trust",
    "shared_understanding": "Understanding",
    "progress": "Progress",
    "legitimacy": "Legitimacy",
    "learning_responses": "Learned",
    "blame_responses": "Blamed",
}
RESPONSES = ("learning_responses", "blame_responses")
#: The worlds' colours (Okabe & Ito: blue and vermillion, told apart by colour-blind eyes too).
WORLD_COLOURS = ("#0072B2", "#D55E00")
#: With one world, the responses in their own colours (learning green, blame red).
ONE_WORLD = {"learning_responses": "#1A9850", "blame_responses": "#D73027"}
#: The month axis shows at least this many months (then grows with the run).
MIN_MONTHS = 12
STATUS_WORDS = {ACTIVE: "member", CANDIDATE: "outsider (may join)", EXITED: "left"}
NAVIGATOR_GOLD = "#B8860B"
WORLD_LABELS = ("this world", "the other world")
Records = list[dict[str, Any]]


def _fill(template: dict[str, Any], datasets: dict[str, Records]) -> dict[str, Any]:
    """The template with its named data sets filled in (the template itself is not changed)."""
    return {**template, "datasets": datasets}


# ---- the network -----------------------------------------------------------------------------
def network_spec(world: World) -> dict[str, Any]:
    """The network of ``world`` this month, as a Vega-Lite specification (its size is its
    box's: :mod:`cisim.app.vega`)."""
    nodes = _nodes(world)
    datasets = {
        "ties": _ties(world),
        "members": [n for n in nodes if n["status"] == "member"],
        "outsiders": [n for n in nodes if n["status"] == STATUS_WORDS[CANDIDATE]],
        "leavers": [n for n in nodes if n["status"] == "left"],
        "attended": [n for n in nodes if n["attended"]],
        "blame": _blame_marks(world),
    }
    return _fill(_network_template(), datasets)


def _nodes(world: World) -> Records:
    st, layout = world.model.state, world.layout
    slots = layout.slots
    status = st.status[ROW, slots]
    attended = st.attended[ROW, slots] & (status == ACTIVE)
    columns = zip(
        slots.tolist(),
        st.sector[ROW, slots].tolist(),
        layout.x.tolist(),
        layout.y.tolist(),
        np.round(st.authority[ROW, slots], 2).tolist(),
        status.tolist(),
        attended.tolist(),
        np.round(st.understanding[ROW, slots], 2).tolist(),
        strict=True,
    )
    return [
        {
            "name": world.names[slot],
            "sector": SECTORS[sector],
            "x": x,
            "y": y,
            "authority": authority,
            "status": STATUS_WORDS.get(code, "member"),
            "attended": seen,
            "understanding": understanding,
        }
        for slot, sector, x, y, authority, code, seen, understanding in columns
    ]


def _ties(world: World) -> Records:
    """One record per pair with a non-dormant tie: its mean trust both ways, whether it works."""
    st, pos = world.model.state, world.layout.position()
    shown = st.exists[ROW] & ~st.dormant[ROW] & (st.src[ROW] < st.dst[ROW])
    ties = np.flatnonzero(shown)
    a, b = st.src[ROW, ties].tolist(), st.dst[ROW, ties].tolist()
    trust = np.round(0.5 * (st.trust[ROW, ties] + st.trust[ROW, st.rev[ROW, ties]]), 2).tolist()
    status = st.status[ROW]
    return [
        {
            "x": pos[i][0],
            "y": pos[i][1],
            "x2": pos[j][0],
            "y2": pos[j][1],
            "trust": t,
            "between": f"{world.names[i]} – {world.names[j]}",
            "working": bool(status[i] == ACTIVE and status[j] == ACTIVE),
        }
        for i, j, t in zip(a, b, trust, strict=True)
    ]


def _blame_marks(world: World) -> Records:
    """Midpoints of ties blame crossed lately, with who and when."""
    st, pos = world.model.state, world.layout.position()
    last = st.last_blame[ROW]
    recent = st.exists[ROW] & (last >= 0) & (last > st.month - BLAME_MEMORY)
    marks = []
    for t in np.flatnonzero(recent & (st.src[ROW] < st.dst[ROW])).tolist():
        i, j = int(st.src[ROW, t]), int(st.dst[ROW, t])
        month = max(int(last[t]), int(last[st.rev[ROW, t]]))
        marks.append(
            {
                "x": 0.5 * (pos[i][0] + pos[j][0]),
                "y": 0.5 * (pos[i][1] + pos[j][1]),
                "blame": f"blame between {world.names[i]} and {world.names[j]} (month {month})",
            }
        )
    return marks


@lru_cache(maxsize=1)
def _network_template() -> dict[str, Any]:
    x = alt.X("x:Q", axis=None, scale=alt.Scale(domain=[0, 1]))
    y = alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[0, 1]))
    chart = alt.layer(
        _tie_layer(x, y),
        *_node_layers(x, y),
        _navigator_layer(x, y),
        _blame_layer(x, y),
    ).configure_view(stroke=None)
    return dict(chart.to_dict(validate=False))


def _tie_layer(x: Any, y: Any) -> Any:
    return (
        alt.Chart(alt.NamedData("ties"))
        .mark_rule()
        .encode(
            x=x,
            y=y,
            x2="x2:Q",
            y2="y2:Q",
            stroke=alt.Stroke(
                "trust:Q",
                scale=alt.Scale(scheme="redyellowgreen", domain=[0, 1]),
                legend=None,  # the page shows one key for all networks
            ),
            strokeWidth=alt.StrokeWidth(
                "trust:Q", scale=alt.Scale(domain=[0, 1], range=[0.5, 3.5]), legend=None
            ),
            opacity=alt.condition("datum.working", alt.value(0.8), alt.value(0.12)),
            tooltip=["between:N", "trust:Q"],
        )
    )


def _node_layers(x: Any, y: Any) -> list[Any]:
    """Members filled, outsiders hollow (both in their sector's colour), leavers grey."""
    sector = alt.Color(
        "sector:N",
        scale=alt.Scale(domain=list(SECTOR_COLOURS), range=list(SECTOR_COLOURS.values())),
        legend=None,
    )
    size = alt.Size("authority:Q", scale=alt.Scale(domain=[0, 1], range=[30, 420]), legend=None)
    tooltip = ["name:N", "sector:N", "status:N", "authority:Q", "understanding:Q"]
    layers = []
    for data, mark in (
        ("members", {"filled": True}),
        ("outsiders", {"filled": False, "strokeWidth": 1.5}),
        ("leavers", {"filled": True, "color": "#BBBBBB", "opacity": 0.6}),
    ):
        encoding: dict[str, Any] = {"x": x, "y": y, "size": size, "tooltip": tooltip}
        if data != "leavers":
            encoding["color"] = sector
        chart = alt.Chart(alt.NamedData(data)).mark_point(shape="circle", **mark)
        layers.append(chart.encode(**encoding))
    return layers


def _navigator_layer(x: Any, y: Any) -> Any:
    return (
        alt.Chart(alt.NamedData("attended"))
        .mark_point(filled=False, stroke=NAVIGATOR_GOLD, strokeWidth=3, size=700)
        .encode(x=x, y=y, tooltip=[alt.Tooltip("name:N", title="the navigator attended to")])
    )


def _blame_layer(x: Any, y: Any) -> Any:
    return (
        alt.Chart(alt.NamedData("blame"))
        .mark_point(shape="cross", filled=True, color="#D00000", size=90, angle=45)
        .encode(x=x, y=y, tooltip=["blame:N"])
    )


# ---- over time -------------------------------------------------------------------------------
def panel_spec(worlds: Sequence[World], metric: str) -> dict[str, Any]:
    """One metric of :data:`PANELS` over the months so far, a line per world (in its colour),
    with a dashed rule where a class moved a lever."""
    cumulative = metric in RESPONSES
    series = _series(worlds, metric, cumulative)
    shared = max((r["value"] for r in _responses(worlds)), default=0.0) if cumulative else 1.0
    months = max(MIN_MONTHS, max(w.month for w in worlds))
    datasets = {
        "series": series,
        "frame": [{"month": months, "value": max(shared, 1.0)}],
        "changes": _changes(worlds),
    }
    return _fill(_panel_template(metric, len(worlds)), datasets)


def world_colours(worlds: int, metric: str = "") -> list[str]:
    """The worlds' line colours: with one world, the metric's own (:data:`ONE_WORLD`)."""
    return list(WORLD_COLOURS[:worlds]) if worlds > 1 else [ONE_WORLD.get(metric, WORLD_COLOURS[0])]


def _series(worlds: Sequence[World], metric: str, cumulative: bool) -> Records:
    """Records (month, value, world) of one metric of every world."""
    records: Records = []
    for index, world in enumerate(worlds):
        values = np.asarray(world.series[metric], dtype=float)
        values = np.cumsum(values) if cumulative else values
        label = WORLD_LABELS[index]
        records.extend(
            {"month": month, "value": value, "world": label}
            for month, value in enumerate(np.round(values, 3).tolist())
        )
    return records


def _responses(worlds: Sequence[World]) -> Records:
    """Learning and blame so far, every world (for a y scale the two panels share)."""
    rows: Records = []
    for metric in RESPONSES:
        for world in worlds:
            total = float(np.sum(np.asarray(world.series[metric], dtype=float)))
            rows.append({"value": total})
    return rows


def _changes(worlds: Sequence[World]) -> Records:
    """A record per lever moved mid-run: the month, the world, what was done."""
    return [
        {
            "month": change.month,
            "world": WORLD_LABELS[index],
            "what": f"month {change.month}: {change.words}",
        }
        for index, world in enumerate(worlds)
        for change in world.changes
    ]


@lru_cache(maxsize=32)
def _panel_template(metric: str, worlds: int) -> dict[str, Any]:
    labels = list(WORLD_LABELS[:worlds])
    colour = alt.Color(
        "world:N",
        scale=alt.Scale(domain=labels, range=world_colours(worlds, metric)),
        legend=None,  # the page shows one key, in colour, for every panel
    )
    x = alt.X(
        "month:Q",
        title=None,
        scale=alt.Scale(nice=False, zero=True),
        axis=alt.Axis(
            format="d", tickMinStep=1, labelFlush=True, tickCount=3, labelOverlap="greedy"
        ),
    )
    scale = alt.Scale(domain=[0, 1]) if metric not in RESPONSES else alt.Scale(zero=True)
    counts = metric in RESPONSES  # whole numbers, or shares from 0 to 1
    axis = alt.Axis(tickCount=3, format="d" if counts else "~g", tickMinStep=1 if counts else 0.1)
    y = alt.Y("value:Q", title=None, scale=scale, axis=axis)
    lines = (
        alt.Chart(alt.NamedData("series"))
        .mark_line(strokeWidth=3, interpolate="step-after" if metric in RESPONSES else "linear")
        .encode(x=x, y=y, color=colour, tooltip=["world:N", "month:Q", "value:Q"])
    )
    frame = alt.Chart(alt.NamedData("frame")).mark_point(opacity=0).encode(x=x, y=y)
    changes = (
        alt.Chart(alt.NamedData("changes"))
        .mark_rule(strokeDash=[5, 3], strokeWidth=2)
        .encode(x=x, color=colour, tooltip=["what:N"])
    )
    chart = alt.layer(changes, lines, frame).properties(
        title=alt.TitleParams(PANELS[metric], anchor="start", fontSize=15, fontWeight=600)
    )
    chart = chart.configure_axis(labelFontSize=14, grid=True, gridOpacity=0.5)
    return dict(chart.configure_view(stroke=None).to_dict(validate=False))

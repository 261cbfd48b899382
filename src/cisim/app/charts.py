"""The app's pictures, as Vega-Lite specifications: the network, and the collaboration over time.

The network (:func:`network_spec`): organisations coloured by sector and sized by their
representative's authority, at the places :mod:`cisim.app.layout` gave them; outsiders who may
join hollow, organisations that left grey; a gold ring on each organisation the navigator attended
to this month; working relationships coloured and thickened by trust (red low, green high), with
a red cross where blame crossed a tie in the last :data:`BLAME_MEMORY` months.

Over time (:func:`trajectory_spec`, :func:`responses_spec`): trust, shared understanding,
progress and legitimacy, one panel each, and the responses to setbacks, learning against blame,
added up month by month. With two worlds, each chart draws both (solid: this world, dashed: the
other).

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
    "INDICATORS",
    "NAVIGATOR_GOLD",
    "SECTOR_COLOURS",
    "network_spec",
    "responses_spec",
    "trajectory_spec",
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
RESPONSES: dict[str, str] = {"learning_responses": "learning", "blame_responses": "blame"}
STATUS_WORDS = {ACTIVE: "member", CANDIDATE: "outsider (may join)", EXITED: "left"}
NAVIGATOR_GOLD = "#B8860B"
WORLD_LABELS = ("this world", "the other world")
WORLD_DASH = [[1, 0], [6, 4]]
Records = list[dict[str, Any]]


def _fill(template: dict[str, Any], datasets: dict[str, Records]) -> dict[str, Any]:
    """The template with its named data sets filled in (the template itself is not changed)."""
    return {**template, "datasets": datasets}


# ---- the network -----------------------------------------------------------------------------
def network_spec(world: World, *, width: int = 460, height: int = 380) -> dict[str, Any]:
    """The network of ``world`` this month, as a Vega-Lite specification."""
    nodes = _nodes(world)
    datasets = {
        "ties": _ties(world),
        "members": [n for n in nodes if n["status"] == "member"],
        "outsiders": [n for n in nodes if n["status"] == STATUS_WORDS[CANDIDATE]],
        "leavers": [n for n in nodes if n["status"] == "left"],
        "attended": [n for n in nodes if n["attended"]],
        "blame": _blame_marks(world),
    }
    return _fill(_network_template(width, height), datasets)


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


@lru_cache(maxsize=8)
def _network_template(width: int, height: int) -> dict[str, Any]:
    x = alt.X("x:Q", axis=None, scale=alt.Scale(domain=[0, 1]))
    y = alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[0, 1]))
    chart = (
        alt.layer(
            _tie_layer(x, y),
            *_node_layers(x, y),
            _navigator_layer(x, y),
            _blame_layer(x, y),
        )
        .properties(width=width, height=height)
        .configure_view(stroke=None)
    )
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
def _series(worlds: Sequence[World], metrics: dict[str, str], cumulative: bool) -> Records:
    """Long records (month, value, measure, world) of the named metrics of every world."""
    records: Records = []
    for index, world in enumerate(worlds):
        data = world.trajectory(tuple(metrics))
        for name, title in metrics.items():
            values = np.cumsum(data[name]) if cumulative else data[name]
            label = WORLD_LABELS[index]
            records.extend(
                {"month": month, "value": value, "measure": title, "world": label}
                for month, value in enumerate(np.round(values, 3).tolist())
            )
    return records


def _horizon(worlds: Sequence[World]) -> int:
    return max(w.scenario.horizon_months for w in worlds)


def trajectory_spec(worlds: Sequence[World]) -> dict[str, Any]:
    """Trust, shared understanding, progress and legitimacy over time, one panel each."""
    data = _series(worlds, INDICATORS, cumulative=False)
    return _fill(_trajectory_template(len(worlds), _horizon(worlds)), {"series": data})


def responses_spec(worlds: Sequence[World]) -> dict[str, Any]:
    """Responses to setbacks so far: learning against blame (cumulative), by month."""
    data = _series(worlds, RESPONSES, cumulative=True)
    return _fill(_responses_template(len(worlds), _horizon(worlds)), {"series": data})


def _world_dash(worlds: int) -> Any:
    labels = list(WORLD_LABELS[:worlds])
    return alt.StrokeDash(
        "world:N",
        scale=alt.Scale(domain=labels, range=WORLD_DASH[:worlds]),
        legend=alt.Legend(title=None, orient="bottom") if worlds > 1 else None,
    )


def _months(horizon: int) -> Any:
    return alt.X("month:Q", title="month", scale=alt.Scale(domain=[0, horizon], nice=False))


@lru_cache(maxsize=8)
def _trajectory_template(worlds: int, horizon: int) -> dict[str, Any]:
    order = list(INDICATORS.values())
    chart = (
        alt.Chart(alt.NamedData("series"))
        .mark_line(strokeWidth=2)
        .encode(
            x=_months(horizon),
            y=alt.Y("value:Q", title=None, scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("measure:N", legend=None, sort=order),
            strokeDash=_world_dash(worlds),
            tooltip=["world:N", "measure:N", "month:Q", "value:Q"],
        )
        .properties(width=230, height=110)
        .facet(facet=alt.Facet("measure:N", title=None, sort=order), columns=2)
    )
    return dict(chart.to_dict(validate=False))


@lru_cache(maxsize=8)
def _responses_template(worlds: int, horizon: int) -> dict[str, Any]:
    chart = (
        alt.Chart(alt.NamedData("series"), title="Responses to setbacks so far: learning or blame")
        .mark_line(strokeWidth=2.5, interpolate="step-after")
        .encode(
            x=_months(horizon),
            y=alt.Y("value:Q", title="members' responses"),
            color=alt.Color(
                "measure:N",
                title=None,
                scale=alt.Scale(domain=list(RESPONSES.values()), range=["#1A9850", "#D73027"]),
                legend=alt.Legend(orient="bottom"),
            ),
            strokeDash=_world_dash(worlds),
            tooltip=["world:N", "measure:N", "month:Q", "value:Q"],
        )
        .properties(width=490, height=150)
    )
    return dict(chart.to_dict(validate=False))

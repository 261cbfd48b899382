"""The organisations a class plays, from the engine's state: names, seats, role cards, the
network's layout, partners and trust, and a month's record (:mod:`cisim.classplay.views` makes
the screens of them)."""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np

from cisim.classplay.records import Decision, Month
from cisim.model.parameters import SECTORS
from cisim.model.state import ACTIVE, State

ROW = 0
#: The metrics the screens follow month by month.
SERIES = ("mean_trust", "blame_climate", "progress", "active_members")

LABELS = {
    "public": "Public agency",
    "private": "Business",
    "nonprofit": "Nonprofit",
    "community": "Community group",
    "philanthropy": "Foundation",
}
ROLE_TEXT = {
    "public": "You speak for a public agency. You hold formal authority and answer to elected "
    "officials, who want results they can point to.",
    "private": "You speak for a business. You bring skills and jobs, and your board asks what "
    "the collaboration is worth to the company.",
    "nonprofit": "You speak for a nonprofit that serves the people affected every day. You know "
    "the work, and your funding depends on showing it helps.",
    "community": "You speak for a community group. You bring the voice and trust of residents, "
    "but little money and little formal power.",
    "philanthropy": "You speak for a foundation. You bring money and convening power, and you "
    "want the collaboration to learn what works.",
}


def names(st: State) -> dict[int, str]:
    """Display name of every organisation slot: its sector's label and a number."""
    counts = dict.fromkeys(SECTORS, 0)
    out: dict[int, str] = {}
    for slot in np.flatnonzero(st.status[ROW] != 0).tolist():
        sector = SECTORS[int(st.sector[ROW, slot])]
        counts[sector] += 1
        out[slot] = f"{LABELS[sector]} {counts[sector]}"
    return out


def seat_order(st: State) -> list[int]:
    """The active members in the order students take them: the sectors in turn, so that the
    first students to join play different sectors."""
    by_sector: dict[int, list[int]] = {}
    for slot in np.flatnonzero(st.status[ROW] == ACTIVE).tolist():
        by_sector.setdefault(int(st.sector[ROW, slot]), []).append(slot)
    order: list[int] = []
    while any(by_sector.values()):
        for sector in sorted(by_sector):
            if by_sector[sector]:
                order.append(by_sector[sector].pop(0))
    return order


def layout(st: State) -> dict[int, tuple[float, float]]:
    """Positions of the organisations on the teacher's screen, in [0.05, 0.95] (fixed)."""
    graph = nx.Graph()
    slots = np.flatnonzero(st.status[ROW] != 0).tolist()
    graph.add_nodes_from(slots)
    tied = st.exists[ROW] & ~st.dormant[ROW]
    graph.add_edges_from(zip(st.src[ROW, tied].tolist(), st.dst[ROW, tied].tolist(), strict=True))
    pos = nx.spring_layout(graph, seed=7)
    xy = np.array([pos[s] for s in slots]) if slots else np.zeros((0, 2))
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    scaled = 0.05 + 0.9 * (xy - lo) / span
    pairs = zip(slots, scaled.tolist(), strict=True)
    return {s: (round(x, 4), round(y, 4)) for s, (x, y) in pairs}


def live(st: State) -> np.ndarray:
    """The live ties of the row (existing, not dormant, between active members)."""
    return np.asarray(st.live[ROW])


def partners(st: State, slot: int) -> list[int]:
    """The organisations ``slot`` works with (a live tie from it)."""
    out = live(st) & (st.src[ROW] == slot)
    return sorted(set(st.dst[ROW, out].tolist()))


def trust_in(st: State) -> dict[int, float]:
    """Each active member's partners' mean trust in it (over live ties into it)."""
    ties = live(st)
    dst, trust = st.dst[ROW, ties], st.trust[ROW, ties]
    total = np.bincount(dst, weights=trust, minlength=st.slots)
    count = np.bincount(dst, minlength=st.slots)
    return {
        slot: round(float(total[slot] / count[slot]), 4)
        for slot in np.flatnonzero(st.active[ROW] & (count > 0)).tolist()
    }


def trust_in_one(st: State, slot: int) -> float | None:
    """Its partners' mean trust in ``slot`` (None without a live tie into it)."""
    into = live(st) & (st.dst[ROW] == slot)
    return round(float(st.trust[ROW, into].mean()), 4) if into.any() else None


def _words(value: float) -> str:
    return "low" if value < 0.35 else "high" if value > 0.65 else "medium"


def card(st: State, slot: int, shown: dict[int, str]) -> dict[str, Any]:
    """A student's role card: the organisation, its sector and its means, in words."""
    sector = SECTORS[int(st.sector[ROW, slot])]
    return {
        "slot": slot,
        "name": shown[slot],
        "sector": sector,
        "sector_label": LABELS[sector],
        "authority": _words(float(st.authority[ROW, slot])),
        "capacity": _words(float(st.capacity[ROW, slot])),
        "text": ROLE_TEXT[sector],
    }


def _blame_target(st: State, slot: int, month: int, blamers: set[int]) -> int | None:
    """Whom ``slot`` blamed this month: the partner across a tie blame crossed, preferring one
    that did not blame it (blame marks both directions of a tie)."""
    crossed = (st.src[ROW] == slot) & (st.last_blame[ROW] == month) & st.exists[ROW]
    found = st.dst[ROW, crossed].tolist()
    if not found:
        return None
    return next((j for j in found if j not in blamers), found[0])


def month_record(
    st: State, asked: dict[int, float], answers: dict[int, Decision], out: dict[str, Any]
) -> Month:
    """What the month that was just run did: every response, who decided it, the metrics."""
    month = int(st.month)
    responders = np.flatnonzero(st.learned_now[ROW] | st.blamed_now[ROW]).tolist()
    blamers = set(np.flatnonzero(st.blamed_now[ROW]).tolist())
    made: list[Decision] = []
    for slot in responders:
        response = "blame" if slot in blamers else "learn"
        answer = answers.get(slot)
        by = "student" if answer is not None else "timeout" if slot in asked else "model"
        target = _blame_target(st, slot, month, blamers) if response == "blame" else None
        made.append(
            Decision(
                month=month,
                slot=slot,
                response=response,
                by=by,
                target=target,
                effort=None if answer is None else answer.effort,
                seconds=None if answer is None else answer.seconds,
            )
        )
    metrics = {name: round(float(out[name][1, ROW]), 4) for name in SERIES}
    return Month(month=month, decisions=made, metrics=metrics, trust_in=trust_in(st))


def trust_of(st: State, slot: int) -> dict[int, float]:
    """``slot``'s trust in each live partner, rounded for a screen."""
    out = live(st) & (st.src[ROW] == slot)
    return {
        int(j): round(float(t), 2)
        for j, t in zip(st.dst[ROW, out].tolist(), st.trust[ROW, out].tolist(), strict=True)
    }

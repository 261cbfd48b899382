"""The story in plain words: events found by comparing the engine state before and after a month.

The engine records what happened this month in its state (who left, who blamed, whether the
review was a win or a setback, when blame last crossed each tie) and keeps running totals; the
app keeps a :class:`Snapshot` of the few arrays it needs from before the month and turns the
differences into :class:`Event` s a class can read::

    Month 14: the school district's representative left; the newcomer's trust in City Hall
    starts again at 0.35 (it was 0.62).
    Month 20: the joint task fell short of what members hoped for (a setback): the housing
    nonprofit blamed the business council; 4 members learned from it.

Nothing here changes the state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from cisim.model.state import ACTIVE, CANDIDATE, EXITED, GOVERNANCE_MODES, State

__all__ = ["Event", "Snapshot", "derive_events", "join_words"]

ROW = 0
#: At most this many names in one sentence ("... and 3 more").
MAX_NAMED = 3
GOVERNANCE_WORDS = {
    "shared": "shared among the members",
    "lead_organisation": "led by one organisation",
    "administrative_organisation": "run by an administrative organisation",
}


@dataclass(frozen=True)
class Event:
    """One thing that happened.

    Attributes
    ----------
    month
        When it happened.
    kind
        What kind of thing: ``timeline`` (an event of the scenario's timeline), ``turnover``,
        ``setback``, ``win``, ``entry``, ``join``, ``exit``,
        ``broker``, ``governance``, ``dissolved``, ``regime`` or ``end``.
    text
        What happened, in a sentence without the month.
    """

    month: int
    kind: str
    text: str

    def __str__(self) -> str:
        return f"Month {self.month}: {self.text}"


@dataclass(frozen=True)
class Snapshot:
    """The arrays of one row that the story compares across a month (copies)."""

    status: NDArray[np.int8]
    trust: NDArray[np.float64]
    dormant: NDArray[np.bool_]
    entry_found: bool
    governance_changes: int
    alive: bool

    @classmethod
    def of(cls, st: State, row: int = ROW) -> Snapshot:
        """Copy what the story needs from row ``row`` of ``st``."""
        return cls(
            status=st.status[row].copy(),
            trust=st.trust[row].copy(),
            dormant=st.dormant[row].copy(),
            entry_found=bool(st.entry_found[row]),
            governance_changes=int(st.governance_changes[row]),
            alive=bool(st.alive[row]),
        )


def join_words(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``; past :data:`MAX_NAMED`, ``... and N more``."""
    items = list(items)
    if len(items) > MAX_NAMED:
        items = [*items[:MAX_NAMED], f"{len(items) - MAX_NAMED} more"]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def derive_events(before: Snapshot, st: State, names: dict[int, str]) -> list[Event]:
    """What happened in the month just stepped (``before`` was taken just before it)."""
    found: list[Event] = []
    month = int(st.month)
    for make in (_timeline, _entry, _turnover, _review, _broker, _governance, _membership,
                 _dissolved):  # fmt: skip
        found.extend(Event(month, kind, text) for kind, text in make(before, st, names))
    return found


Found = list[tuple[str, str]]


def _timeline(before: Snapshot, st: State, names: dict[int, str]) -> Found:
    """The scenario's events of the month (its timeline: "Month 24: a navigator joined.")."""
    if st.schedule is None:
        return []
    return [("timeline", f"{e.words()}.") for e in st.schedule.events_at(ROW, int(st.month))]


def _entry(before: Snapshot, st: State, names: dict[int, str]) -> Found:
    if before.entry_found or not st.entry_found[ROW]:
        return []
    return [("entry", "the collaboration found an entry point: a first joint task to start on.")]


def _turnover(before: Snapshot, st: State, names: dict[int, str]) -> Found:
    out: Found = []
    for slot in np.flatnonzero(st.left_now[ROW] & (st.status[ROW] == ACTIVE)).tolist():
        out.append(("turnover", _newcomer(before, st, names, slot)))
    return out


def _newcomer(before: Snapshot, st: State, names: dict[int, str], slot: int) -> str:
    """The sentence about a representative leaving: whose trust starts again, and where."""
    who = f"{names[slot]}'s representative left"
    own = np.flatnonzero(st.exists[ROW] & ~st.dormant[ROW] & (st.src[ROW] == slot))
    if own.size == 0:
        return who + "; the newcomer starts without working relationships."
    drop = before.trust[own] - st.trust[ROW, own]
    tie = int(own[int(np.argmax(drop))])
    partner = names[int(st.dst[ROW, tie])]
    now, was = float(st.trust[ROW, tie]), float(before.trust[tie])
    return f"{who}; the newcomer's trust in {partner} starts again at {now:.2f} (it was {was:.2f})."


def _review(before: Snapshot, st: State, names: dict[int, str]) -> Found:
    """A review's win (it met the task) and/or setback (it fell short of the aspiration)."""
    out: Found = []
    if st.won_now[ROW]:
        first = int(st.first_win_month[ROW]) == int(st.month)
        lead = "the first win! The joint task" if first else "the joint task"
        out.append(("win", f"{lead} met its goal (progress {float(st.progress[ROW]):.0%})."))
    if st.setback_now[ROW]:
        out.append(("setback", _setback(st, names)))
    return out


def _setback(st: State, names: dict[int, str]) -> str:
    parts = []
    pairs = _blame_pairs(st, names)
    if pairs:
        parts.append(join_words([f"{a} blamed {b}" for a, b in pairs]))
    learned = int(st.learning_now[ROW])
    if learned:
        parts.append(f"{learned} member{'s' if learned != 1 else ''} learned from it")
    said = "; ".join(parts) if parts else "nobody responded"
    return f"the joint task fell short of what members hoped for (a setback): {said}."


def _blame_pairs(st: State, names: dict[int, str]) -> list[tuple[str, str]]:
    """Who blamed whom this month.

    Blame marks the tie it crosses and its reverse (``last_blame``), and each member who blamed
    (``blamed_now``) blamed exactly one partner. So a marked tie ``a -> b`` from a member who
    blamed is ``a``'s blame unless it is only the reverse of ``b`` blaming ``a``; where every
    marked tie of ``a`` could be such a reverse (mutual blame), all are kept.
    """
    src, dst = st.src[ROW], st.dst[ROW]
    blamers = st.blamed_now[ROW]
    marked = st.exists[ROW] & (st.last_blame[ROW] == st.month)
    reverse_too = blamers[dst] & marked[st.rev[ROW]]
    pairs: list[tuple[str, str]] = []
    for a in np.flatnonzero(blamers).tolist():
        ties = np.flatnonzero(marked & (src == a))
        own = ties[~reverse_too[ties]]
        for t in (own if own.size else ties).tolist():
            pairs.append((names[a], names[int(dst[t])]))
    return pairs


def _broker(before: Snapshot, st: State, names: dict[int, str]) -> Found:
    new = before.dormant & ~st.dormant[ROW] & st.exists[ROW]
    ties = [t for t in np.flatnonzero(new).tolist() if st.src[ROW, t] < st.dst[ROW, t]]
    return [
        (
            "broker",
            f"the navigator introduced {names[int(st.src[ROW, t])]} to "
            f"{names[int(st.dst[ROW, t])]}: a new working relationship.",
        )
        for t in ties
    ]


def _governance(before: Snapshot, st: State, names: dict[int, str]) -> Found:
    if int(st.governance_changes[ROW]) == before.governance_changes:
        return []
    mode = GOVERNANCE_WORDS[GOVERNANCE_MODES[int(st.governance[ROW])]]
    return [
        (
            "governance",
            f"stuck, the collaboration changed how it is governed (now {mode}), narrowed its "
            "task and made a fresh start.",
        )
    ]


def _membership(before: Snapshot, st: State, names: dict[int, str]) -> Found:
    out: Found = []
    now = st.status[ROW]
    for slot in np.flatnonzero((before.status == CANDIDATE) & (now == ACTIVE)).tolist():
        out.append(("join", f"{names[slot]} joined the collaboration."))
    for slot in np.flatnonzero((before.status == ACTIVE) & (now == EXITED)).tolist():
        why = " after being blamed" if st.blamed[ROW, slot] >= 0.5 else ""
        out.append(("exit", f"{names[slot]} left the collaboration{why}."))
    return out


def _dissolved(before: Snapshot, st: State, names: dict[int, str]) -> Found:
    if not before.alive or st.alive[ROW]:
        return []
    return [("dissolved", "too few members were left: the collaboration dissolved.")]

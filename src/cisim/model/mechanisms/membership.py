"""Membership: organisations leave and join; too few members and the collaboration dissolves.

An active organisation leaves with hazard

    exit_base_rate * exp(2.5 (frustration - 0.5) + min(blamed, 1) - 3 (value - 0.3)
                         - 2 (alignment - 0.5))

(capped at 0.5), where value = (legitimacy + progress) / 2 - lost is what the collaboration offers
it, and lost the share of its founding membership it has lost: a collaboration that partners are
leaving offers less to those who stay, so exits beget exits and a collaboration that starts to
come apart tends to come apart altogether (Ariño & de la Torre 1998: "gradual deterioration
until dissolution").
An outsider (candidate) joins with hazard ``join_base_rate * legitimacy``, a third of that before
an entry point is found: legitimacy attracts. A joiner takes on its partners' habit of blame
(socialisation). A newcomer starts un-onboarded with little shared
understanding. A collaboration with fewer than two active members has come apart (dissolved): it
stops.

References: Smaldino & Lubell (2011) (joining and leaving games); Ariño & de la Torre (1998)
(deterioration until dissolution); Martínez Orbegozo et al. (2022) ("keep talking or perish").
"""

from __future__ import annotations

import math
from typing import Any

from cisim.model.compiled import inline, jit
from cisim.model.mechanisms.setback_response import HABIT_START
from cisim.model.state import ACTIVE, CANDIDATE, EXITED
from cisim.model.streams import Stream, draw

EXIT_CAP = 0.5  # the exit hazard is at most this
FRUSTRATION_EXIT, FRUSTRATION_MIDPOINT = 2.5, 0.5
BLAMED_CAP = 1.0  # having been blamed weighs at most this much
VALUE_EXIT, VALUE_MIDPOINT = 3.0, 0.3  # value = (legitimacy + progress) / 2 - lost
DEPARTURE_COST = 0.6  # value lost per share of the founding membership gone
ALIGNMENT_EXIT, ALIGNMENT_MIDPOINT = 2.0, 0.5
JOIN_BEFORE_ENTRY = 1.0 / 3.0  # outsiders join at this share of the hazard before an entry point
NEWCOMER_UNDERSTANDING = 0.2
MIN_MEMBERS = 2  # a collaboration needs at least two members

READS = ("frustration", "blamed", "legitimacy", "progress", "alignment", "entry_found", "habit",
         "representatives", "initial_members", "dormant")  # fmt: skip
WRITES = ("status", "onboarding", "tenure", "understanding", "representatives", "dissolved_month",
          "alive", "habit")  # fmt: skip
PARAMETERS = ("exit_base_rate", "join_base_rate")


@jit
def exit_hazard(
    frustration: float, blamed: float, value: float, alignment: float, base_rate: float
) -> float:
    """Monthly chance that an active organisation leaves; ``value`` is what the collaboration
    offers it."""
    x = (
        FRUSTRATION_EXIT * (frustration - FRUSTRATION_MIDPOINT)
        + min(blamed, BLAMED_CAP)
        - VALUE_EXIT * (value - VALUE_MIDPOINT)
        - ALIGNMENT_EXIT * (alignment - ALIGNMENT_MIDPOINT)
    )
    return min(EXIT_CAP, base_rate * math.exp(x))


@inline
def membership(s: Any, p: Any, r: int, month: int, w: Any) -> None:
    """Exits, joins and dissolution."""
    if not s.alive[r]:
        return
    n = s.status.shape[1]
    members = 0
    for i in range(n):
        members += s.status[r, i] == ACTIVE
    lost = max(0.0, 1.0 - members / max(s.initial_members[r], 1))
    value = 0.5 * (s.legitimacy[r] + s.progress[r]) - DEPARTURE_COST * lost
    for i in range(n):
        if s.status[r, i] != ACTIVE:
            continue
        u = draw(s.keys, r, Stream.EXIT, month, i)
        if u >= EXIT_CAP:  # above the cap: no need to compute the hazard
            continue
        f, b, a = s.frustration[r, i], s.blamed[r, i], s.alignment[r, i]
        if u < exit_hazard(f, b, value, a, p.exit_base_rate[r]):
            s.status[r, i] = EXITED
    factor = 1.0 if s.entry_found[r] else JOIN_BEFORE_ENTRY
    join = p.join_base_rate[r] * s.legitimacy[r] * factor
    # who joins, and the habits they take on, are settled before anyone joins: a joiner is
    # socialised by the members it finds, not by others joining the same month
    joins, taken = w.flag[0], w.org[0]
    for i in range(n):
        joins[i] = s.status[r, i] == CANDIDATE and draw(s.keys, r, Stream.JOIN, month, i) < join
        if joins[i]:
            taken[i] = _partners_habit(s, r, i)
    active = 0
    for i in range(n):
        if joins[i]:
            s.status[r, i] = ACTIVE
            s.onboarding[r, i] = 0.0
            s.tenure[r, i] = 0
            s.understanding[r, i] = NEWCOMER_UNDERSTANDING
            s.representatives[r, i] += 1
            s.habit[r, i] = taken[i]
        active += s.status[r, i] == ACTIVE
    if active < MIN_MEMBERS:
        s.dissolved_month[r] = month
        s.alive[r] = False


@inline
def _partners_habit(s: Any, r: int, i: int) -> float:
    """The mean habit of blame of outsider ``i``'s partners among the active members (the
    founders' starting habit if it knows none): what a joiner is socialised into."""
    total = 0.0
    count = 0
    for e in range(s.src.shape[1]):
        if s.src[r, e] != i or not s.exists[r, e] or s.dormant[r, e]:
            continue
        j = s.dst[r, e]
        if s.status[r, j] == ACTIVE:
            total += s.habit[r, j]
            count += 1
    return total / count if count > 0 else HABIT_START

"""Membership: organisations leave and join; too few members and the collaboration dissolves.

An active organisation leaves with hazard

    exit_base_rate * exp(2.5 (frustration - 0.5) + min(blamed, 1) - 3 (value - 0.3)
                         - 2 (alignment - 0.5))

(capped at 0.5), where value = (legitimacy + progress) / 2 is what the collaboration offers it.
An outsider (candidate) joins with hazard ``join_base_rate * legitimacy``, a third of that before
an entry point is found: legitimacy attracts. A newcomer starts un-onboarded with little shared
understanding. A collaboration whose active members fall below
``max(2, ceil(dissolution_share * members at the start))`` has dissolved: it stops.

References: Smaldino & Lubell (2011) (joining and leaving games); Ariño & de la Torre (1998)
(deterioration until dissolution); Martínez Orbegozo et al. (2022) ("keep talking or perish").
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from cisim.model.compiled import inline, jit
from cisim.model.state import ACTIVE, CANDIDATE, EXITED
from cisim.model.streams import Stream, draw

EXIT_CAP = 0.5  # the exit hazard is at most this
FRUSTRATION_EXIT, FRUSTRATION_MIDPOINT = 2.5, 0.5
BLAMED_CAP = 1.0  # having been blamed weighs at most this much
VALUE_EXIT, VALUE_MIDPOINT = 3.0, 0.3  # value = (legitimacy + progress) / 2
ALIGNMENT_EXIT, ALIGNMENT_MIDPOINT = 2.0, 0.5
JOIN_BEFORE_ENTRY = 1.0 / 3.0  # outsiders join at this share of the hazard before an entry point
NEWCOMER_UNDERSTANDING = 0.2
MIN_MEMBERS = 2  # a collaboration needs at least two members

READS = ("frustration", "blamed", "legitimacy", "progress", "alignment", "entry_found",
         "representatives", "initial_members")  # fmt: skip
WRITES = ("status", "onboarding", "tenure", "understanding", "representatives", "dissolved_month",
          "alive")  # fmt: skip
PARAMETERS = ("exit_base_rate", "join_base_rate", "dissolution_share")


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


@jit
def threshold(initial_members: int, share: float) -> int:
    """Fewest active members a collaboration can have and still run."""
    return max(MIN_MEMBERS, math.ceil(share * initial_members - 1e-9))


@jit
def _thresholds(initial_members: Any, share: Any, out: Any) -> Any:
    for k in range(out.shape[0]):
        out[k] = threshold(initial_members[k], share[k])
    return out


def dissolution_threshold(initial_members: np.ndarray, share: np.ndarray | float) -> np.ndarray:
    """:func:`threshold` of each run (``share`` broadcasts)."""
    members = np.ascontiguousarray(initial_members, dtype=np.int64)
    shares = np.ascontiguousarray(np.broadcast_to(share, members.shape), dtype=np.float64)
    return np.asarray(_thresholds(members, shares, np.empty(members.shape, dtype=np.int64)))


@inline
def membership(s: Any, p: Any, r: int, month: int, w: Any) -> None:
    """Exits, joins and dissolution."""
    if not s.alive[r]:
        return
    n = s.status.shape[1]
    value = 0.5 * (s.legitimacy[r] + s.progress[r])
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
    active = 0
    for i in range(n):
        if s.status[r, i] == CANDIDATE and draw(s.keys, r, Stream.JOIN, month, i) < join:
            s.status[r, i] = ACTIVE
            s.onboarding[r, i] = 0.0
            s.tenure[r, i] = 0
            s.understanding[r, i] = NEWCOMER_UNDERSTANDING
            s.representatives[r, i] += 1
        active += s.status[r, i] == ACTIVE
    if active < threshold(s.initial_members[r], p.dissolution_share[r]):
        s.dissolved_month[r] = month
        s.alive[r] = False

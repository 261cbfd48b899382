"""Context over time: what the timeline does to the collaboration this month.

The collaboration's world changes (seed 003: grant periods end, a new executive director arrives,
"people start turning over"; the issue of a new mayor's priorities). A scenario's timeline
(:mod:`cisim.model.timeline`) says when; the engine hands each month's changes to the step as
pulses (``w.pulse``), all zero in a month without events. This mechanism, first in the month,
applies those that act on the state:

* a **trait** event moves every organisation's authority, capacity, alignment or turnover (members
  and candidates alike) by the change in the population's mean, clipped to its range, so
  organisations stay as different as they were (a budget cut: capacity; a period of churn:
  turnover);
* a **public failure** of size ``z``: legitimacy and community support fall by the share ``z``
  (public value earned in public can be lost in public); joint work then meets it as a setback
  with shortfall ``z`` (:mod:`~cisim.model.mechanisms.joint_work`), which members meet by learning
  or blame like any other (Hood 2011: a public failure invites blame; which way it goes is the
  collaboration's own);
* a **new leader** with size ``z``: every public member's alignment moves by ``z`` (new
  priorities, towards or away from the shared mission);
* **navigators arriving** where there were none (an event setting ``navigator`` from 0) come with
  their credibility (``navigator_credibility``), as navigators there from the start do: the
  same lever means the same thing whenever it is pulled;
* a **designed or imposed entry point** (an event setting ``entry_point``) is handed to a
  collaboration still searching, with its fit (``entry_quality``) and acceptance: it has its
  entry point from that month, as one designed from the start has it from month 0.

A **champion leaving** and a new leader's **new representative** are turnover's rule applied to a
chosen organisation (:func:`cisim.model.mechanisms.turnover.forced_leaver`): the seat is taken by a
newcomer who starts from institutional trust. The champion is the member its partners trust most
(mean trust in it over live ties); the leader's seat is the public member with the most authority
(any member's if none is public). A month with both replaces the leader's.

References: seed 003 (Louisville's new executive director; Hartford's grant); Hood (2011);
Vangen & Huxham (2003) on membership change; Bryson, Crosby & Stone (2006).
"""

from __future__ import annotations

from typing import Any

from cisim.model.compiled import clip, inline
from cisim.model.mechanisms.entry_point import IMPOSED, handed_acceptance
from cisim.model.parameters import SECTORS
from cisim.model.timeline import ARRIVES, FAILURE, HANDED, LEADER_SHIFT, SHIFT

PUBLIC = SECTORS.index("public")
# the traits' pulse channels (numba reads module constants, not a dict)
AUTHORITY, CAPACITY, ALIGNMENT, TURNOVER = (
    SHIFT[t] for t in ("authority", "capacity", "alignment", "turnover")
)

READS = ("authority", "capacity", "alignment", "turnover", "sector", "legitimacy", "support",
         "entry_found")  # fmt: skip
WRITES = ("authority", "capacity", "alignment", "turnover", "legitimacy", "support",
          "credibility", "entry_found", "entry_month", "entry_fit", "entry_acceptance",
          "entry_imposed")  # fmt: skip
PARAMETERS = ("navigator_credibility", "entry_quality", "entry_point")


@inline
def context(s: Any, p: Any, r: int, month: int, w: Any) -> None:
    """Apply this month's trait shifts, a public failure and a new leader's priorities."""
    if not s.alive[r]:
        return
    pulse = w.pulse
    authority = pulse[AUTHORITY]
    capacity = pulse[CAPACITY]
    alignment = pulse[ALIGNMENT]
    turnover = pulse[TURNOVER]
    leader = pulse[LEADER_SHIFT]
    if authority != 0.0 or capacity != 0.0 or alignment != 0.0 or turnover != 0.0 or leader != 0.0:
        for i in range(s.status.shape[1]):
            if s.status[r, i] == 0:  # an absent slot
                continue
            s.authority[r, i] = clip(s.authority[r, i] + authority, 0.0, 1.0)
            s.capacity[r, i] = clip(s.capacity[r, i] + capacity, 0.0, 1.0)
            shift = alignment + (leader if s.sector[r, i] == PUBLIC else 0.0)
            s.alignment[r, i] = clip(s.alignment[r, i] + shift, 0.0, 1.0)
            s.turnover[r, i] = clip(s.turnover[r, i] + turnover, 0.0, 1.0)
    if pulse[HANDED] > 0.0 and not s.entry_found[r]:  # a designed or imposed one is handed over
        s.entry_found[r] = True
        s.entry_month[r] = month
        s.entry_fit[r] = p.entry_quality[r]
        s.entry_acceptance[r] = handed_acceptance(p.entry_point[r])
        s.entry_imposed[r] = p.entry_point[r] == IMPOSED
    if pulse[ARRIVES] > 0.0:  # a navigator arrives with its standing, as one there from the start
        s.credibility[r] = p.navigator_credibility[r]
    failure = pulse[FAILURE]
    if failure > 0.0:
        s.legitimacy[r] *= 1.0 - failure
        s.support[r] *= 1.0 - failure


@inline
def public_failure(w: Any) -> float:
    """The size of this month's public failure (0 if none)."""
    return w.pulse[FAILURE]

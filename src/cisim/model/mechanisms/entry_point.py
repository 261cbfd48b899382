"""Finding an entry point.

Until it finds an entry point ("a meaningful, actionable, acceptable and provisional opening into
a large, complex and partly unknown problem space") a collaboration talks: members spend capacity,
shared understanding grows slowly with trust, and frustration rises (faster for members less
aligned with the mission), which feeds exits:

    understanding += 0.02 trust_i (1 - understanding)
    frustration   += 0.04 (1.5 - alignment) (1 - frustration)

Entry points are found by members, not handed to the collaboration: each month every active
member may spot an opening and propose it, with chance

    h_i = entry_base_rate / members * exp(2 (diversity_i - 0.6) + 4 (trust_i - 0.5)
                                          + 3 (agency_i - 0.5) + 2 (outward - 0.3))

where diversity_i is the normalised entropy of the sectors of the member and its live partners
(the varied perspectives it works with), trust_i its mean trust in them (confidence in each
other), agency_i its effective authority (authority weighted by onboarding,
:func:`~cisim.model.mechanisms.turnover.settled`), 25 % higher when authority is self-assigned
(self-direction; Living Cities' "seize the day"), and outward the community engagement. A proposal
is taken up with chance equal to the proposer's standing, the mean trust its partners have in it
(an opening must be *acceptable* to the partners; Martínez Orbegozo et al. 2022). Who is at the
table, how they are tied and how they trust each other thus decide when a collaboration starts.

What it starts with matters too. An entry point is "meaningful, actionable, acceptable and
provisional" (de Jong et al. 2023, seed 003); it carries two qualities, each 0 to 1:

* its **fit** (meaningful and actionable: how well the first task fits the problem and what the
  members can do), which multiplies the joint work (:mod:`~cisim.model.mechanisms.joint_work`);
  a searched one's fit is its proposer's perspective, the sectors' diversity around it (varied
  perspectives find better openings); a designed or imposed one's is ``entry_quality``;
* its **acceptance** (acceptable: how far the members own it), which raises or lowers what they
  commit (:mod:`~cisim.model.mechanisms.contribution`): a searched one's is its proposer's
  standing (the mean trust its partners have in it, as its chance of being taken up), a designed
  one's 0.8 (chosen together), an imposed one's 0.3 (Hartford's grant plan, fixed from outside).

It is held **provisionally** unless imposed: a stuck collaboration that adapts also revises it with
what it has learnt (:mod:`~cisim.model.mechanisms.adaptation`). ``entry_point = "designed"`` or
``"imposed"`` starts from one, ``"none"`` never finds one.

References: Martínez Orbegozo et al. (2022), JABS, doi:10.1177/00218863221118418 (varied
perspectives, confidence in each other, self-direction); de Jong et al. (2023), SSIR "Where to
start"; seed 000 (authority granted or self-assigned).
"""

from __future__ import annotations

import math
from typing import Any

from cisim.model.compiled import entropy, inline, live_ties, mean_trust_of
from cisim.model.mechanisms.turnover import settled
from cisim.model.state import ENTRY_POINTS, SELF_ASSIGNED
from cisim.model.streams import Stream, draw

NONE = ENTRY_POINTS.index("none")
IMPOSED = ENTRY_POINTS.index("imposed")
DESIGNED_ACCEPTANCE = 0.8  # chosen together in a facilitated design
IMPOSED_ACCEPTANCE = 0.3  # fixed from outside, without the partners' acceptance
DIVERSITY_WEIGHT, DIVERSITY_MIDPOINT = 2.0, 0.6
TRUST_WEIGHT, TRUST_MIDPOINT = 4.0, 0.5
AGENCY_WEIGHT, AGENCY_MIDPOINT = 3.0, 0.5
OUTWARD_WEIGHT, OUTWARD_MIDPOINT = 2.0, 0.3
SELF_ASSIGNED_BOOST = 1.25  # agency of self-assigned authority, relative to granted
TALK_UNDERSTANDING = 0.02  # monthly growth of understanding while talking, at full trust
FRUSTRATION_RATE = 0.04  # monthly rise of frustration while talking, at alignment 0.5
FRUSTRATION_ALIGNMENT = 1.5  # frustration rises with (this - alignment)

READS = ("entry_found", "authority", "onboarding", "sector", "trust", "understanding",
         "frustration", "alignment")  # fmt: skip
WRITES = ("entry_found", "entry_month", "understanding", "frustration", "entry_fit",
          "entry_acceptance")  # fmt: skip
PARAMETERS = ("authority_source", "community_engagement", "entry_base_rate", "entry_point",
              "initial_trust")  # fmt: skip


@inline
def perspective(s: Any, r: int, i: int, w: Any) -> float:
    """The diversity of member ``i``'s perspective: the normalised entropy of the sectors of ``i``
    and its live partners (0 to 1)."""
    counts = w.counts
    counts[:] = 0
    counts[s.sector[r, i]] += 1
    for k in range(w.out_start[i], w.out_start[i + 1]):
        e = w.out_slots[k]
        if e < w.end[0] and w.live[e]:
            counts[s.sector[r, s.dst[r, e]]] += 1
    return entropy(counts, w.terms)


@inline
def handed_acceptance(mode: int) -> float:
    """The acceptance of an entry point handed to the collaboration (designed or imposed)."""
    return IMPOSED_ACCEPTANCE if mode == IMPOSED else DESIGNED_ACCEPTANCE


@inline
def proposal_hazard(s: Any, p: Any, r: int, i: int, trust_i: float, n: int, w: Any) -> float:
    """This month's chance that active member ``i`` proposes an entry point (``n`` members)."""
    diversity = perspective(s, r, i, w)
    boost = SELF_ASSIGNED_BOOST if p.authority_source[r] == SELF_ASSIGNED else 1.0
    agency = min(1.0, s.authority[r, i] * settled(s.onboarding[r, i]) * boost)
    x = (
        DIVERSITY_WEIGHT * (diversity - DIVERSITY_MIDPOINT)
        + TRUST_WEIGHT * (trust_i - TRUST_MIDPOINT)
        + AGENCY_WEIGHT * (agency - AGENCY_MIDPOINT)
        + OUTWARD_WEIGHT * (p.community_engagement[r] - OUTWARD_MIDPOINT)
    )
    return min(1.0, p.entry_base_rate[r] / n * math.exp(x))


@inline
def entry_point(s: Any, p: Any, r: int, month: int, w: Any) -> None:
    """Search for an entry point; meanwhile talk builds a little understanding and frustration."""
    if not s.alive[r] or s.entry_found[r]:
        return
    trust_i = mean_trust_of(
        s.trust[r], s.src[r], live_ties(w), p.initial_trust[r], w.org[0], w.org[1], w.org[2]
    )
    proposer = (
        -1 if p.entry_point[r] == NONE else _proposed_and_taken_up(s, p, r, month, trust_i, w)
    )
    if proposer >= 0:
        s.entry_found[r] = True
        s.entry_month[r] = month
        s.entry_fit[r] = perspective(s, r, proposer, w)
        s.entry_acceptance[r] = w.org[5][proposer]  # its standing (see _proposed_and_taken_up)
        return
    for i in range(s.status.shape[1]):
        if w.act[i]:
            u = s.understanding[r, i]
            s.understanding[r, i] = u + TALK_UNDERSTANDING * trust_i[i] * (1.0 - u)
            f = s.frustration[r, i]
            gap = FRUSTRATION_ALIGNMENT - s.alignment[r, i]
            s.frustration[r, i] = f + FRUSTRATION_RATE * gap * (1.0 - f)


@inline
def _proposed_and_taken_up(s: Any, p: Any, r: int, month: int, trust_i: Any, w: Any) -> int:
    """The member whose proposal of an opening its partners take up this month (-1 if none);
    each member's standing is left in ``w.org[5]``."""
    standing = mean_trust_of(
        s.trust[r], s.dst[r], live_ties(w), p.initial_trust[r], w.org[3], w.org[4], w.org[5]
    )
    n = 0
    for i in range(s.status.shape[1]):
        n += w.act[i]
    for i in range(s.status.shape[1]):
        if not w.act[i]:
            continue
        proposes = draw(s.keys, r, Stream.ENTRY_POINT, month, i)
        taken_up = draw(s.keys, r, Stream.ENTRY_ACCEPT, month, i) < standing[i]
        if taken_up and proposes < proposal_hazard(s, p, r, i, trust_i[i], n, w):
            return i
    return -1

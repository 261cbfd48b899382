"""Finding an entry point.

Until it finds an entry point ("a meaningful, actionable, acceptable and provisional opening into
a large, complex and partly unknown problem space") a collaboration talks: members spend capacity,
shared understanding grows slowly with trust, and frustration rises (faster for members less
aligned with the mission), which feeds exits:

    understanding += 0.02 trust_i (1 - understanding)
    frustration   += 0.04 (1.5 - alignment) (1 - frustration)

The monthly chance of finding one is a hazard

    h = entry_base_rate * exp(2 (diversity - 0.6) + 4 (trust - 0.5) + 3 (agency - 0.5)
                              + 2 (outward - 0.3))

where diversity is the normalised entropy of active members' sectors (varied perspectives), trust
the mean trust on live ties (mutual confidence), agency the members' mean effective authority
(authority weighted by onboarding, :func:`~cisim.model.mechanisms.turnover.settled`), 25 % higher
when authority is self-assigned (self-direction; Living Cities' "seize the day"), and outward the
community engagement. ``entry_point = "designed"`` starts from a chosen one, ``"none"`` never
finds one.

References: Martínez Orbegozo et al. (2022), JABS, doi:10.1177/00218863221118418; de Jong et al.
(2023), SSIR "Where to start"; seed 000 (authority granted or self-assigned).
"""

from __future__ import annotations

import math
from typing import Any

from cisim.model.compiled import (
    diversity,
    inline,
    live_ties,
    masked_mean,
    mean_trust_of,
)
from cisim.model.mechanisms.turnover import settled
from cisim.model.state import ENTRY_POINTS, SELF_ASSIGNED
from cisim.model.streams import Stream, draw

NONE = ENTRY_POINTS.index("none")
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
WRITES = ("entry_found", "entry_month", "understanding", "frustration")
PARAMETERS = ("authority_source", "community_engagement", "entry_base_rate", "entry_point",
              "initial_trust")  # fmt: skip


@inline
def entry_hazard(s: Any, p: Any, r: int, w: Any) -> float:
    """This month's chance of finding an entry point."""
    if p.entry_point[r] == NONE:
        return 0.0
    effective = w.org[3]
    for i in range(s.status.shape[1]):
        effective[i] = s.authority[r, i] * settled(s.onboarding[r, i])
    boost = SELF_ASSIGNED_BOOST if p.authority_source[r] == SELF_ASSIGNED else 1.0
    agency = min(1.0, masked_mean(effective, w.act) * boost)
    x = (
        DIVERSITY_WEIGHT * (diversity(s.sector[r], w.act, w.counts, w.terms) - DIVERSITY_MIDPOINT)
        + TRUST_WEIGHT * (masked_mean(s.trust[r][: w.end[0]], live_ties(w)) - TRUST_MIDPOINT)
        + AGENCY_WEIGHT * (agency - AGENCY_MIDPOINT)
        + OUTWARD_WEIGHT * (p.community_engagement[r] - OUTWARD_MIDPOINT)
    )
    return min(1.0, p.entry_base_rate[r] * math.exp(x))


@inline
def entry_point(s: Any, p: Any, r: int, month: int, w: Any) -> None:
    """Search for an entry point; meanwhile talk builds a little understanding and frustration."""
    if not s.alive[r] or s.entry_found[r]:
        return
    if draw(s.keys, r, Stream.ENTRY_POINT, month, 0) < entry_hazard(s, p, r, w):
        s.entry_found[r] = True
        s.entry_month[r] = month
        return
    trust_i = mean_trust_of(
        s.trust[r], s.src[r], live_ties(w), p.initial_trust[r], w.org[0], w.org[1], w.org[2]
    )
    for i in range(s.status.shape[1]):
        if w.act[i]:
            u = s.understanding[r, i]
            s.understanding[r, i] = u + TALK_UNDERSTANDING * trust_i[i] * (1.0 - u)
            f = s.frustration[r, i]
            gap = FRUSTRATION_ALIGNMENT - s.alignment[r, i]
            s.frustration[r, i] = f + FRUSTRATION_RATE * gap * (1.0 - f)

"""Finding an entry point.

Until it finds an entry point ("a meaningful, actionable, acceptable and provisional opening into
a large, complex and partly unknown problem space") a collaboration talks: members spend capacity,
shared understanding grows slowly with trust, and frustration rises (faster for members less
aligned with the mission), which feeds exits. The monthly chance of finding one is a hazard

    h = entry_base_rate * exp(2 (diversity - 0.6) + 4 (trust - 0.5) + 3 (agency - 0.5)
                              + 2 (outward - 0.3))

where diversity is the normalised entropy of active members' sectors (varied perspectives), trust
the mean trust on live ties (mutual confidence), agency the members' effective authority, 25 %
higher when authority is self-assigned (self-direction; Living Cities' "seize the day"), and
outward the community engagement. ``entry_point = "designed"`` starts from a chosen one,
``"none"`` never finds one.

References: Martínez Orbegozo et al. (2022), JABS, doi:10.1177/00218863221118418; de Jong et al.
(2023), SSIR "Where to start"; seed 000 (authority granted or self-assigned).
"""

from __future__ import annotations

import numpy as np

from cisim.model.state import ENTRY_POINTS, Params, State, diversity, row_mean
from cisim.model.streams import Stream, uniform

NONE = ENTRY_POINTS.index("none")
TALK_UNDERSTANDING = 0.02  # monthly growth of understanding while talking, at full trust
FRUSTRATION_RATE = 0.04  # monthly rise of frustration while talking, average alignment


def agency(st: State, p: Params) -> np.ndarray:
    """Members' mean effective authority, boosted when authority is self-assigned, ``(R,)``."""
    effective = st.authority * (0.5 + 0.5 * st.onboarding)
    return np.minimum(
        1.0, row_mean(effective, st.active) * np.where(p.authority_self_assigned, 1.25, 1.0)
    )


def entry_hazard(st: State, p: Params) -> np.ndarray:
    """Monthly chance of finding an entry point, ``(R,)``."""
    x = (
        2.0 * (diversity(st.sector, st.active) - 0.6)
        + 4.0 * (st.mean_live_trust() - 0.5)
        + 3.0 * (agency(st, p) - 0.5)
        + 2.0 * (p.community_engagement - 0.3)
    )
    hazard = np.minimum(1.0, p.entry_base_rate * np.exp(x))
    return np.where(p.entry_point == NONE, 0.0, hazard)


def entry_point(st: State, p: Params) -> None:
    """Search for an entry point; meanwhile talk builds a little understanding and frustration."""
    searching = st.alive & ~st.entry_found
    u = uniform(st.keys, Stream.ENTRY_POINT, st.month)
    found = searching & (u < entry_hazard(st, p))
    st.entry_found = st.entry_found | found
    st.entry_month = np.where(found, st.month, st.entry_month)
    talk = (searching & ~found)[:, None] & st.active
    trust_i = st.mean_out_trust(p.initial_trust)
    st.understanding = st.understanding + np.where(
        talk, TALK_UNDERSTANDING * trust_i * (1.0 - st.understanding), 0.0
    )
    st.frustration = st.frustration + np.where(
        talk, FRUSTRATION_RATE * (1.5 - st.alignment) * (1.0 - st.frustration), 0.0
    )

"""Turnover of representatives.

Each active organisation's representative leaves with its monthly hazard ``turnover``. Trust is
largely personal: the newcomer's trust in each partner starts from the organisation's
*institutional* trust, not the predecessor's, and partners' trust in the newcomer moves halfway
towards theirs; the newcomer keeps only ``institutional_memory`` of the predecessor's grasp of the
shared problem, so consensus must be rebuilt (Louisville: "getting consensus on something that
there was consensus about two years ago"). A newcomer is onboarded over ``onboarding_months``,
twice as fast with a navigator's attention. Institutional trust follows the representatives' trust
slowly (``institutional_trust_rate``).

References: Vangen & Huxham (2003) on changing membership and the trust loop; Louisville case
"Change at the Speed of Trust" (Bloomberg Harvard City Leadership Initiative); Luna-Reyes et al.
(2008) on trust and the pace of knowledge sharing.
"""

from __future__ import annotations

import numpy as np

from cisim.model.state import Params, State
from cisim.model.streams import Stream, uniform


def turnover(st: State, p: Params) -> None:
    """Representatives leave, newcomers start from institutional trust and are onboarded."""
    act = st.active
    u = uniform(st.keys, Stream.TURNOVER, st.month, st.slots)
    leave = act & (u < st.turnover)
    st.left_now = leave
    st.tenure = np.where(leave, 0, st.tenure + act)
    st.representatives = st.representatives + leave
    st.understanding = np.where(
        leave, st.understanding * p.institutional_memory[:, None], st.understanding
    )
    out_left = st.on_src(leave) & st.exists
    in_left = st.on_dst(leave) & st.exists & ~out_left
    st.trust = np.where(out_left, st.institutional_trust, st.trust)
    st.trust = np.where(in_left, 0.5 * (st.trust + st.institutional_trust), st.trust)
    speed = (1.0 + st.attended) / p.onboarding_months[:, None]
    settling = act & ~leave
    st.onboarding = np.where(leave, 0.0, st.onboarding)
    st.onboarding = np.where(settling, np.minimum(1.0, st.onboarding + speed), st.onboarding)
    follow = p.institutional_trust_rate[:, None] * (st.trust - st.institutional_trust)
    st.institutional_trust = st.institutional_trust + np.where(st.live, follow, 0.0)

"""Community engagement, legitimacy and knowledge of what works.

Engagement (``community_engagement``) builds community support and knowledge of what works, at a
cost in members' time (joint work). Legitimacy moves towards

    0.2 + 0.3 support + 0.5 progress - 0.3 conflict + 0.1 (authority granted)

at 5 % a month: support and public value earn it, infighting costs it, a mandate lends a little.
Shared measurement (``data_use``) turns each review into knowledge.

References: Moore (1995) and seed 003 (the strategic triangle: legitimacy and support);
Pulido-Gómez et al. ("engage the community in all stages"); Kania & Kramer (2011);
Smaldino & Lubell (2011) on the costs of inclusiveness.
"""

from __future__ import annotations

import numpy as np

from cisim.model.state import Params, State


def community(st: State, p: Params) -> None:
    """Update community support, knowledge and legitimacy."""
    run = st.alive
    ce = p.community_engagement
    support = st.support + 0.05 * ce * (1 - st.support) - 0.01 * st.support
    know = (
        st.knowledge
        + 0.03 * ce * (1 - st.knowledge)
        + 0.05 * p.data_use * st.reviewed_now * (1 - st.knowledge)
    )
    target = (
        0.2
        + 0.3 * support
        + 0.5 * st.progress
        - 0.3 * st.conflict
        + 0.1 * ~p.authority_self_assigned
    )
    legit = st.legitimacy + 0.05 * (np.clip(target, 0, 1) - st.legitimacy)
    st.support = np.where(run, support, st.support)
    st.knowledge = np.where(run, know, st.knowledge)
    st.legitimacy = np.where(run, legit, st.legitimacy)

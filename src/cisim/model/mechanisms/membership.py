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

import numpy as np

from cisim.model.state import ACTIVE, CANDIDATE, EXITED, Params, State
from cisim.model.streams import Stream, uniform


def exit_hazard(st: State, p: Params) -> np.ndarray:
    """Monthly chance that each active organisation leaves, ``(R, N)``."""
    value = 0.5 * (st.legitimacy + st.progress)
    x = (
        2.5 * (st.frustration - 0.5)
        + np.minimum(st.blamed, 1.0)
        - 3.0 * (value[:, None] - 0.3)
        - 2.0 * (st.alignment - 0.5)
    )
    return np.minimum(0.5, p.exit_base_rate[:, None] * np.exp(x))


def dissolution_threshold(initial_members: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Fewest active members a collaboration can have and still run."""
    return np.maximum(2, np.ceil(share * initial_members - 1e-9)).astype(np.int64)


def membership(st: State, p: Params) -> None:
    """Exits, joins and dissolution."""
    act = st.active
    leave = act & (uniform(st.keys, Stream.EXIT, st.month, st.slots) < exit_hazard(st, p))
    st.status = np.where(leave, EXITED, st.status).astype(np.int8)
    candidate = (st.status == CANDIDATE) & st.alive[:, None]
    hazard = p.join_base_rate * st.legitimacy * np.where(st.entry_found, 1.0, 1.0 / 3.0)
    join = candidate & (uniform(st.keys, Stream.JOIN, st.month, st.slots) < hazard[:, None])
    st.status = np.where(join, ACTIVE, st.status).astype(np.int8)
    st.onboarding = np.where(join, 0.0, st.onboarding)
    st.tenure = np.where(join, 0, st.tenure)
    st.understanding = np.where(join, 0.2, st.understanding)
    st.representatives = st.representatives + join
    dissolve = st.alive & (
        st.n_active < dissolution_threshold(st.initial_members, p.dissolution_share)
    )
    st.dissolved_month = np.where(dissolve, st.month, st.dissolved_month)
    st.alive = st.alive & ~dissolve

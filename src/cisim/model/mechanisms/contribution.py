"""Contribution: how much each organisation puts in this month.

Conditional cooperation (Fehr & Gächter 2000; Ostrom 1998): an organisation commits a share of its
capacity that rises with its trust in its partners, its alignment with the mission, the
collaboration's recent performance against aspiration and its legitimacy, and falls with its
frustration and with having been blamed. A representative still being onboarded commits less.

    willingness = logistic(4 (trust - 0.5) + 2 (alignment - 0.5) + 2 (performance - aspiration)
                           + 1.5 (legitimacy - 0.5) - 1.5 frustration - min(blamed, 2))
    contribution = capacity * willingness * (0.5 + 0.5 onboarding)

References: Ansell & Gash (2008) (commitment); Klos & Nooteboom (2001) (trust and loyalty);
seed 003 ("loyalty to own department").
"""

from __future__ import annotations

import numpy as np

from cisim.model.state import Params, State, sigmoid

TRUST_WEIGHT = 4.0


def willingness(st: State, p: Params) -> np.ndarray:
    """Share of capacity each organisation is willing to commit, ``(R, N)``."""
    trust_i = st.mean_out_trust(p.initial_trust)
    gap = (st.performance - st.aspiration_level)[:, None]
    x = (
        TRUST_WEIGHT * (trust_i - 0.5)
        + 2.0 * (st.alignment - 0.5)
        + 2.0 * gap
        + 1.5 * (st.legitimacy[:, None] - 0.5)
        - 1.5 * st.frustration
        - np.minimum(st.blamed, 2.0)
    )
    return sigmoid(x)


def contribution(st: State, p: Params) -> None:
    """Each active organisation commits part of its capacity."""
    share = willingness(st, p) * (0.5 + 0.5 * st.onboarding)
    frozen = ~st.alive[:, None]
    st.contribution = np.where(
        st.active, st.capacity * share, np.where(frozen, st.contribution, 0.0)
    )

"""Trust update: asymmetric, experience-driven, and travelling along the network.

Each month every live tie ``i -> j`` collects experiences from the other mechanisms (a shared win
+1, a partner who learned from a setback +1, a navigator's repair, blame ``-blame_severity``,
hearing of blame ``-trust_spillover * blame_severity``) plus reciprocity: ``0.3 (commit_j -
trust_ij)``, how much ``j`` actually committed of its capacity against what ``i`` expected. The
summed experience ``e`` moves trust asymmetrically (Slovic 1993; Pant & Yu 2025):

    e > 0:  trust += trust_build_rate * e * (1 - trust)
    e < 0:  trust += trust_erosion_rate * e * trust        (erosion 3x build by default)

so trust is built slowly and destroyed quickly, and as many good as bad experiences leave it lower
than it started. Then trust travels: it moves a share ``reputation_weight`` towards the target's
reputation, the mean trust over all live ties into it (this tie included).

References: Slovic (1993), Risk Analysis 13(6); Poortinga & Pidgeon (2004); Pant & Yu (2025),
arXiv:2510.24909 (lambda+ = 0.10, lambda- = 0.30); Vangen & Huxham (2003); Burt & Knez (1995) on
trust and third parties.
"""

from __future__ import annotations

import numpy as np

from cisim.model.state import Params, State

RECIPROCITY_WEIGHT = 0.3


def asymmetric_update(
    trust: np.ndarray,
    experience: np.ndarray,
    build: np.ndarray | float,
    erosion: np.ndarray | float,
) -> np.ndarray:
    """Trust after summed experience ``experience`` (broadcasting ``build`` and ``erosion``)."""
    delta = np.where(
        experience > 0, build * experience * (1.0 - trust), erosion * experience * trust
    )
    return np.asarray(np.clip(trust + delta, 0.0, 1.0), dtype=np.float64)


def trust(st: State, p: Params) -> None:
    """Apply this month's experiences to trust, then let trust travel; clear the experiences."""
    live = st.live
    commit = np.where(st.capacity > 0, st.contribution / np.maximum(st.capacity, 1e-12), 0.0)
    reciprocity = RECIPROCITY_WEIGHT * (st.on_dst(commit) - st.trust)
    experience = np.where(live, st.experience + reciprocity, 0.0)
    updated = asymmetric_update(
        st.trust, experience, p.trust_build_rate[:, None], p.trust_erosion_rate[:, None]
    )
    in_sum = st.sum_by_dst(np.where(live, updated, 0.0))
    in_count = st.sum_by_dst(live)
    reputation = st.on_dst(in_sum / np.maximum(in_count, 1.0))
    travelled = updated + p.reputation_weight[:, None] * (reputation - updated)
    st.trust = np.where(live, np.clip(travelled, 0.0, 1.0), st.trust)
    st.experience = np.zeros_like(st.experience)

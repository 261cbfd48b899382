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

from typing import Any

from cisim.model.compiled import clip, inline, jit, live_ties

RECIPROCITY_WEIGHT = 0.3

READS = ("contribution", "capacity", "trust", "experience")
WRITES = ("trust", "experience")
PARAMETERS = ("trust_build_rate", "trust_erosion_rate", "reputation_weight")


@jit
def asymmetric_update(t: float, x: float, build: float, erosion: float) -> float:
    """Trust ``t`` after summed experience ``x``: built in proportion to ``1 - t``, eroded in
    proportion to ``t`` (the two branches as one select of the same products: the sign of ``x``
    is a coin toss the processor would mispredict half the time)."""
    up = x > 0
    delta = ((build if up else erosion) * x) * ((1.0 - t) if up else t)
    return clip(t + delta, 0.0, 1.0)


@inline
def trust(s: Any, p: Any, r: int, month: int, w: Any) -> None:
    """Apply this month's experiences to trust, then let trust travel; clear the experiences."""
    n = s.status.shape[1]
    live = live_ties(w)
    commit = w.org[0]  # the share of its capacity each organisation committed
    for i in range(n):
        cap = s.capacity[r, i]
        commit[i] = s.contribution[r, i] / max(cap, 1e-12) if cap > 0 else 0.0
    build = p.trust_build_rate[r]
    erosion = p.trust_erosion_rate[r]
    updated, in_sum, in_count = w.tie_value, w.org[1], w.org[2]
    in_sum[:] = 0.0
    in_count[:] = 0.0
    for e in range(live.shape[0]):
        if live[e]:
            t = s.trust[r, e]
            x = s.experience[r, e] + RECIPROCITY_WEIGHT * (commit[s.dst[r, e]] - t)
            updated[e] = asymmetric_update(t, x, build, erosion)
            in_sum[s.dst[r, e]] += updated[e]
            in_count[s.dst[r, e]] += 1.0
    reputation = w.org[3]  # mean trust over the live ties into each organisation
    for j in range(n):
        reputation[j] = in_sum[j] / max(in_count[j], 1.0)
    weight = p.reputation_weight[r]
    for e in range(live.shape[0]):
        if live[e]:
            rep = reputation[s.dst[r, e]]
            s.trust[r, e] = clip(updated[e] + weight * (rep - updated[e]), 0.0, 1.0)
    for e in range(s.src.shape[1]):
        s.experience[r, e] = 0.0

"""Trust update: asymmetric, experience-driven, and travelling along the network.

Each month every live tie ``i -> j`` collects experiences from the other mechanisms (a shared win
+1, a partner who learned from a setback +1, a navigator's repair, blame ``-blame_severity``,
hearing of blame ``-trust_spillover * blame_severity``) plus reciprocity: ``0.3 (commit_j -
trust_ij)``, how much ``j`` actually committed of its capacity against what ``i`` expected. The
summed experience ``e`` moves trust asymmetrically on the log-odds scale (Slovic 1993; Pant & Yu
2025):

    logit(trust) += trust_build_rate * e      if e > 0
    logit(trust) += trust_erosion_rate * e    if e < 0      (erosion 3x build by default)

Trust is built slowly and destroyed quickly *at every level of trust*: a bad experience always
moves the log-odds three times as far as a good one, so as many good as bad experiences, in any
order, leave trust lower than it started, from 0.05 as from 0.9 (a rule with steps proportional
to ``1 - trust`` and to ``trust`` turns this round below ``build / (build + erosion)``, where
blame games live). On the probability scale a step is largest at 0.5 and smaller towards either
end: a partner who is distrusted has to do much to be trusted again, and a trusted partner's one
lapse is partly discounted, the confirmatory side of the asymmetry Poortinga & Pidgeon (2004)
found (prior attitudes colour how events are read). At 0.5 the defaults (Pant & Yu's lambda+ =
0.10, lambda- = 0.30) move trust by 0.025 and 0.075 for an experience of weight 1.

Then trust travels: it moves a share ``reputation_weight`` towards the target's reputation, the
mean trust over all live ties into it (this tie included).

References: Slovic (1993), Risk Analysis 13(6); Poortinga & Pidgeon (2004), Risk Analysis 24(6);
Pant & Yu (2025), arXiv:2510.24909 (lambda+ = 0.10, lambda- = 0.30); Vangen & Huxham (2003); Burt
& Knez (1995) on trust and third parties.
"""

from __future__ import annotations

import math
from typing import Any

from cisim.model.compiled import clip, inline, jit, live_ties

RECIPROCITY_WEIGHT = 0.3
#: Trust is kept this far from 0 and 1, where its log-odds would be infinite (a roster or a
#: clipped draw can start a tie there).
EDGE = 1e-4

READS = ("contribution", "capacity", "trust", "experience")
WRITES = ("trust", "experience")
PARAMETERS = ("trust_build_rate", "trust_erosion_rate", "reputation_weight")


@jit
def asymmetric_update(t: float, x: float, build: float, erosion: float) -> float:
    """Trust ``t`` after summed experience ``x``: its log-odds move by ``build * x`` for a good
    experience and ``erosion * x`` for a bad one."""
    if x == 0.0:
        return t
    t = clip(t, EDGE, 1.0 - EDGE)
    logit = math.log(t / (1.0 - t)) + (build if x > 0 else erosion) * x
    return clip(1.0 / (1.0 + math.exp(-logit)), EDGE, 1.0 - EDGE)


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

"""Contribution: how much each organisation puts in this month.

Conditional cooperation (Fehr & Gächter 2000; Ostrom 1998): an organisation commits a share of its
capacity that rises with its trust in its partners, its alignment with the mission, the
collaboration's recent performance against aspiration and its legitimacy, and falls with its
frustration and with having been blamed. A representative still being onboarded commits less
(:func:`~cisim.model.mechanisms.turnover.settled`). A member with more power than the
collaboration's ambition needs commits less of it (and one that owns the entry point commits more:
its acceptance, :mod:`~cisim.model.mechanisms.entry_point`; an imposed one is owned less): seed 000
sees efforts "trying to do 'little things', like identify core problems, with people who have a lot
of power", a mismatch as much as the opposite one (which :mod:`~cisim.model.mechanisms.joint_work`
carries: a task beyond the authority of those doing it). Ambition is ``0.4 + 0.6 aspiration``, the
size tasks grow to. A member whose contribution few can see holds back (free-riding in large
groups; :mod:`~cisim.model.mechanisms.scale`: visibility, neutral at 20 members, and open
accountability).

    willingness = logistic(4 (trust - 0.5) + 2 (alignment - 0.5) + 2 (performance - aspiration)
                           + 1.5 (legitimacy - 0.5) - 1.5 frustration - min(blamed, 2)
                           - 6 max(0, authority - ambition)
                           + 2 (acceptance - 0.5) [entry point found]
                           + 0.2 log(visibility / (6 / 19)))
    contribution = capacity * willingness * settled(onboarding)

The share can come from outside the model (:mod:`cisim.model.decisions`, the decision hook): an
organisation whose ``decide_effort`` is in [0, 1] puts in that share of its capacity in place of
its willingness (onboarding still holds a new representative back); -1, the default, leaves it to
the model.

References: Ansell & Gash (2008) (commitment); Klos & Nooteboom (2001) (trust and loyalty);
seed 003 ("loyalty to own department"); seed 000 ("the right people for the desired results").
"""

from __future__ import annotations

from typing import Any

from cisim.model.compiled import inline, live_ties, mean_trust_of, sigmoid
from cisim.model.mechanisms.joint_work import AMBITION_BASE, AMBITION_WEIGHT
from cisim.model.mechanisms.scale import loafing
from cisim.model.mechanisms.turnover import settled

TRUST_WEIGHT, TRUST_MIDPOINT = 4.0, 0.5
ALIGNMENT_WEIGHT, ALIGNMENT_MIDPOINT = 2.0, 0.5
PERFORMANCE_WEIGHT = 2.0  # on performance - aspiration
LEGITIMACY_WEIGHT, LEGITIMACY_MIDPOINT = 1.5, 0.5
FRUSTRATION_WEIGHT = 1.5
BLAMED_CAP = 2.0  # having been blamed weighs at most this much
MISFIT_WEIGHT = 6.0  # on authority beyond what the collaboration's ambition needs
ACCEPTANCE_WEIGHT, ACCEPTANCE_MIDPOINT = 2.0, 0.5  # on the entry point's acceptance, once found

READS = ("trust", "performance", "aspiration_level", "alignment", "legitimacy", "frustration",
         "authority", "blamed", "onboarding", "capacity", "entry_found",
         "entry_acceptance", "visibility", "decide_effort")  # fmt: skip
WRITES = ("contribution",)
PARAMETERS = ("initial_trust", "aspiration")


@inline
def contribution(s: Any, p: Any, r: int, month: int, w: Any) -> None:
    """Each active organisation commits part of its capacity (nothing if it is not active)."""
    if not s.alive[r]:
        return
    trust_i = mean_trust_of(
        s.trust[r], s.src[r], live_ties(w), p.initial_trust[r], w.org[0], w.org[1], w.org[2]
    )
    gap = s.performance[r] - s.aspiration_level[r]
    ambition = AMBITION_BASE + AMBITION_WEIGHT * p.aspiration[r]
    owned = (
        ACCEPTANCE_WEIGHT * (s.entry_acceptance[r] - ACCEPTANCE_MIDPOINT)
        if s.entry_found[r]
        else 0.0
    )
    seen = loafing(s.visibility[r])  # free-riding where one's contribution goes unseen
    for i in range(s.status.shape[1]):
        if not w.act[i]:
            s.contribution[r, i] = 0.0
            continue
        x = (
            TRUST_WEIGHT * (trust_i[i] - TRUST_MIDPOINT)
            + ALIGNMENT_WEIGHT * (s.alignment[r, i] - ALIGNMENT_MIDPOINT)
            + PERFORMANCE_WEIGHT * gap
            + LEGITIMACY_WEIGHT * (s.legitimacy[r] - LEGITIMACY_MIDPOINT)
            - FRUSTRATION_WEIGHT * s.frustration[r, i]
            - min(s.blamed[r, i], BLAMED_CAP)
            - MISFIT_WEIGHT * max(0.0, s.authority[r, i] - ambition)
            + owned
            + seen
        )
        effort = s.decide_effort[r, i]  # the decision hook: the share decided from outside
        willing = sigmoid(x) if effort < 0.0 else effort
        s.contribution[r, i] = s.capacity[r, i] * (willing * settled(s.onboarding[r, i]))

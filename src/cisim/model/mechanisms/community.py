"""Community engagement, legitimacy and knowledge of what works.

Engagement (``community_engagement``) builds community support every month, at a cost in
members' time (joint work). Legitimacy moves towards

    0.2 + 0.3 support + 0.5 progress - 0.3 conflict + 0.1 (authority granted) + 0.05 breadth

at 5 % a month: support and public value earn it, infighting costs it, a mandate lends a little,
and a broad coalition more than a narrow one (breadth = log(organisations convened / 20),
:mod:`~cisim.model.mechanisms.scale`).

Knowledge of what works comes from doing: at each review of a joint task, stakeholders' feedback
(community engagement) and shared measurement (data use) turn what was tried into knowledge,

    knowledge += tried (0.09 community_engagement + 0.05 data_use) (1 - knowledge)  (per review)

where ``tried`` is 1, or 0.5 for a collaboration hired only to *do* (seed 000: it implements an
agreed strategy rather than developing one "through learning and experimentation"; joint work).

"Execution as learning: a dynamic process focused on learning from data and stakeholder feedback,
adaptation, and iteration" (de Jong et al. 2023, seed 003). A collaboration that only talks learns
no more of what works, however long it talks: an early start is not a handicap.

References: Moore (1995) and seed 003 (the strategic triangle: legitimacy and support);
Pulido-Gómez et al. ("engage the community in all stages"); Kania & Kramer (2011);
Smaldino & Lubell (2011) on the costs of inclusiveness.
"""

from __future__ import annotations

from typing import Any

from cisim.model.compiled import clip, inline
from cisim.model.mechanisms.joint_work import tried
from cisim.model.mechanisms.scale import BREADTH_LEGITIMACY
from cisim.model.state import SELF_ASSIGNED

SUPPORT_GROWTH = 0.05  # monthly, times community engagement, towards 1
SUPPORT_DECAY = 0.01  # monthly, without engagement
KNOWLEDGE_FROM_COMMUNITY = 0.09  # per review, times community engagement, towards 1
KNOWLEDGE_FROM_DATA = 0.05  # per review, times data use, towards 1
LEGITIMACY_BASE = 0.2
LEGITIMACY_SUPPORT = 0.3
LEGITIMACY_PROGRESS = 0.5
LEGITIMACY_CONFLICT = 0.3
LEGITIMACY_MANDATE = 0.1  # granted authority lends a little
LEGITIMACY_RATE = 0.05  # monthly, towards the target

READS = ("support", "knowledge", "reviewed_now", "progress", "conflict", "legitimacy", "breadth")
WRITES = ("support", "knowledge", "legitimacy")
PARAMETERS = ("community_engagement", "data_use", "authority_source", "job")


@inline
def community(s: Any, p: Any, r: int, month: int, w: Any) -> None:
    """Update community support, knowledge and legitimacy."""
    if not s.alive[r]:
        return
    ce = p.community_engagement[r]
    sup = s.support[r]
    support = sup + SUPPORT_GROWTH * ce * (1 - sup) - SUPPORT_DECAY * sup
    k = s.knowledge[r]
    reviewed = 1.0 if s.reviewed_now[r] else 0.0
    feedback = KNOWLEDGE_FROM_COMMUNITY * ce + KNOWLEDGE_FROM_DATA * p.data_use[r]
    know = k + tried(p, r) * feedback * reviewed * (1 - k)
    granted = 0.0 if p.authority_source[r] == SELF_ASSIGNED else 1.0
    target = (
        LEGITIMACY_BASE
        + LEGITIMACY_SUPPORT * support
        + LEGITIMACY_PROGRESS * s.progress[r]
        - LEGITIMACY_CONFLICT * s.conflict[r]
        + LEGITIMACY_MANDATE * granted
        + BREADTH_LEGITIMACY * s.breadth[r]  # a broad coalition's standing (scale.py)
    )
    legit = s.legitimacy[r]
    s.support[r] = support
    s.knowledge[r] = know
    s.legitimacy[r] = legit + LEGITIMACY_RATE * (clip(target, 0.0, 1.0) - legit)

"""Joint work on the current task, and its review.

Once an entry point is found the collaboration works on a joint task. Each month it adds

    S = (base * synergy * targeting * (1 - 0.15 community_engagement) + money)
        * (1 - 0.5 conflict) * reach * (1 + 0.6 (fit - 0.8)) * debate * mode * size * aligned
    base = 0.55 effort * dues * attention + 0.25 understanding + 0.2 operational_capacity
    reach = 1 - 1.5 max(0, task_scope - authority_present)

where dues and attention are what the partners' effort is worth after paying a backbone's staff
(:mod:`~cisim.model.mechanisms.backbone`; 1 without one) and after the team's attention to the
strategic triangle (:mod:`~cisim.model.mechanisms.triangle`; 1 without it), debate what task
conflict makes the work worth (:mod:`~cisim.model.mechanisms.deliberation`: more with trust, less
without), fit is the entry point's (:mod:`~cisim.model.mechanisms.entry_point`: how meaningful and
actionable the opening is; 0.8, the perspective of a typical proposer at the baseline, is neutral),
effort is the share of members' capacity committed, authority_present the effective authority of
those who contribute ("the right people at the table";
:func:`~cisim.model.mechanisms.turnover.settled`); a task more ambitious than the authority of those
doing it loses what it exceeds it by (``reach``: "trying to do big things ... with people who lack
the power needed to accomplish them", seed 000; "the more ambitious the results, the more critical
it is to have leaders at the table" who can commit their organisations), synergy ``1 + 0.6
joint_problem_solving * diversity`` (work done jointly, drawing on complementary sectors), targeting
``0.8 + 0.4 data_use (0.5 + 0.5 knowledge)`` (data-informed targeting), size ``coordination (1 +
0.05 breadth)`` what coordinating this many members costs and what a broad coalition brings
(:mod:`~cisim.model.mechanisms.scale`; 1 at 20 members), money ``0.6 resources *
operational_capacity`` (a grant is only as useful as the capacity to spend it), mode a small effect
of the governance mode, and aligned ``1 - 0.5 (1 - weakest corner / mean corner)`` what the
strategic triangle lets the work create: legitimacy and support, public value (members'
understanding) and operational capacity must be aligned (Moore 1995; seed 003;
:mod:`~cisim.model.mechanisms.triangle`). Every ``review_months`` the task is reviewed: its outcome
``y`` is the mean of S plus noise (less with better data). ``y >= task_scope`` is a *win*: progress
grows by ``0.1 min(y, 1) (1 - progress)`` (what the win achieved; a collaboration hired only to
*think* recommends and others implement, so its wins add 0.4 of that: ``job``, seed 000), partners
share a good experience and understand the shared problem a little better (small wins "deepen trust,
commitment, and shared understanding": Ansell & Gash 2008; execution as learning, seed 003), learn
what works from what went well (knowledge, x 0.05 towards 1, half that for a collaboration hired
only to *do*, which implements an agreed strategy rather than testing it, :func:`tried`: "celebrate
milestones and learn from what goes well", seed 003) and practise their routines (operational
capacity, x 0.03 towards 1), and the next task is a little bigger (x 1.1), up to the collaboration's
ambition ``0.4 + 0.6 aspiration`` (its "level of intervention": a project, or systems change; seed
000); ``y < aspiration`` is a *setback*, to which partners respond by learning or blame
(:mod:`cisim.model.mechanisms.setback_response`). Aspirations adapt to performance (Cyert & March
1963; Greve 2003).

References: Ansell & Gash (2008) and Vangen & Huxham (2003) (small wins); Moore (1995) and the
strategic triangle of seed 003 (public value, legitimacy, operational capacity); Kania & Kramer
(2011) (shared measurement); seed 000 ("right people", "level of intervention").
"""

from __future__ import annotations

from typing import Any

from cisim.model.compiled import clip, diversity, inline, live_ties, masked_mean
from cisim.model.mechanisms.backbone import dues
from cisim.model.mechanisms.context import public_failure
from cisim.model.mechanisms.deliberation import quality
from cisim.model.mechanisms.scale import BREADTH_OUTPUT
from cisim.model.mechanisms.triangle import aligned, attention
from cisim.model.mechanisms.turnover import settled
from cisim.model.state import DO, THINK

EFFORT_WEIGHT = 0.55
AUTHORITY_REACH = 1.5  # output lost per unit the task's scope exceeds the authority present
UNDERSTANDING_WEIGHT = 0.25
CAPACITY_WEIGHT = 0.2  # operational capacity
SYNERGY = 0.6  # of joint problem solving across diverse sectors
TARGETING_BASE, TARGETING_DATA = 0.8, 0.4
KNOWLEDGE_FLOOR = 0.5  # data targets with (0.5 + 0.5 knowledge)
COMMUNITY_TIME = 0.15  # share of the work community engagement takes
MONEY_WEIGHT = 0.6  # of resources spent through operational capacity
CONFLICT_DRAG = 0.5  # share of the work open conflict can cost
MODE_EFFECT = (1.0, 1.02, 1.01)  # shared, lead organisation, administrative organisation
DATA_NOISE_REDUCTION = 0.3  # shared measurement makes outcomes less noisy
PROGRESS_RATE = 0.1
SCOPE_GROWTH = 1.1  # the next task after a win is this much bigger, up to the ambition
AMBITION_BASE, AMBITION_WEIGHT = 0.4, 0.6  # tasks grow up to 0.4 + 0.6 aspiration
ASPIRATION_ADAPTATION = 0.2
ASPIRATION_MAX = 1.5
FRUSTRATION_EASING = 0.97  # monthly, while working on a task
WIN_RELIEF = 0.7  # frustration after a win, relative to before
WIN_UNDERSTANDING = 0.05  # a win moves each member's understanding this far towards 1
WIN_KNOWLEDGE = 0.05  # ... the knowledge of what works (learn from what goes well)
WIN_CAPACITY = 0.03  # ... and operational capacity (routines practised) this far towards 1
FIT_WEIGHT, FIT_MIDPOINT = 0.6, 0.8  # the work is worth 1 + 0.6 (fit - 0.8) of itself
SETBACK_FRUSTRATION = 0.1  # a setback moves members' frustration this far towards 1
THINK_UPTAKE = (
    0.4  # a thinking partnership's win adds this share of the progress (others implement)
)
DO_LEARNING = 0.5  # a doing partnership learns this share of what a thinking-and-doing one does

READS = ("entry_found", "contribution", "capacity", "authority", "onboarding", "understanding",
         "operational_capacity", "sector", "knowledge", "conflict", "governance", "task_effort",
         "task_months", "task_scope", "aspiration_level", "progress", "wins", "first_win_month",
         "experience", "frustration", "setbacks_in_row", "entry_fit", "task_conflict",
         "trust", "director", "coordination", "breadth", "legitimacy")  # fmt: skip
WRITES = ("task_effort", "task_months", "reviewed_now", "won_now", "setback_now", "progress",
          "wins", "first_win_month", "experience", "task_scope", "frustration", "setbacks_in_row",
          "performance", "shortfall", "aspiration_level", "understanding", "knowledge",
          "operational_capacity")  # fmt: skip
PARAMETERS = ("joint_problem_solving", "data_use", "community_engagement", "resources",
              "review_months", "outcome_noise", "aspiration", "backbone", "job",
              "triangle")  # fmt: skip


@inline
def tried(p: Any, r: int) -> float:
    """How much of what a collaboration tries it turns into knowledge, by its job (seed 000): a
    doing partnership implements an agreed strategy rather than testing it, so learns less."""
    return DO_LEARNING if p.job[r] == DO else 1.0


@inline
def task_output(s: Any, p: Any, r: int, w: Any) -> float:
    """This month's contribution to the task."""
    act = w.act
    effort = masked_mean(s.contribution[r], act) / max(masked_mean(s.capacity[r], act), 1e-9)
    weighted = 0.0
    weights = 0.0
    for i in range(s.status.shape[1]):
        c = s.contribution[r, i] if act[i] else 0.0
        weighted += s.authority[r, i] * settled(s.onboarding[r, i]) * c
        weights += c
    present = weighted / max(weights, 1e-12)
    value = masked_mean(s.understanding[r], act)
    base = (
        EFFORT_WEIGHT * effort * dues(s, p, r) * attention(p, r)
        + UNDERSTANDING_WEIGHT * value
        + CAPACITY_WEIGHT * s.operational_capacity[r]
    )
    synergy = 1.0 + SYNERGY * p.joint_problem_solving[r] * diversity(
        s.sector[r], act, w.counts, w.terms
    )
    knowing = KNOWLEDGE_FLOOR + (1.0 - KNOWLEDGE_FLOOR) * s.knowledge[r]
    targeting = TARGETING_BASE + TARGETING_DATA * p.data_use[r] * knowing
    community_time = 1.0 - COMMUNITY_TIME * p.community_engagement[r]
    money = MONEY_WEIGHT * p.resources[r] * s.operational_capacity[r]
    reach = max(0.0, 1.0 - AUTHORITY_REACH * max(0.0, s.task_scope[r] - present))
    out = (base * synergy * targeting * community_time + money) * (
        1.0 - CONFLICT_DRAG * s.conflict[r]
    )
    fit = 1.0 + FIT_WEIGHT * (s.entry_fit[r] - FIT_MIDPOINT)  # a meaningful, actionable opening
    debate = quality(s, r, w)  # task conflict: helps with trust, hurts without
    # size: coordinating this many members, and what a broader coalition brings (scale.py)
    size = s.coordination[r] * (1.0 + BREADTH_OUTPUT * s.breadth[r])
    # the strategic triangle: work creates public value as far as its corners are aligned
    corners = aligned(s.legitimacy[r], value, s.operational_capacity[r])
    return out * reach * fit * debate * MODE_EFFECT[s.governance[r]] * size * corners


@inline
def joint_work(s: Any, p: Any, r: int, month: int, w: Any) -> None:
    """Work on the task; at its review, record a win, a setback, or neither."""
    working = s.alive[r] and s.entry_found[r]
    if working:
        s.task_effort[r] += task_output(s, p, r, w)
        s.task_months[r] += 1
    review = working and s.task_months[r] >= p.review_months[r]
    noise = p.outcome_noise[r] * (1.0 - DATA_NOISE_REDUCTION * p.data_use[r]) * w.shock[0]
    y = s.task_effort[r] / max(s.task_months[r], 1) + noise
    win = review and y >= s.task_scope[r]
    failure = public_failure(w)  # a setback from outside (the timeline), whatever the review
    setback = (review and y < s.aspiration_level[r]) or failure > 0.0
    s.reviewed_now[r] = review
    s.won_now[r] = win
    s.setback_now[r] = setback
    if win:
        _win(s, p, r, month, y, w)
    for i in range(s.status.shape[1]):
        f = s.frustration[r, i]
        if working:
            f = FRUSTRATION_EASING * f
        if win:
            f = WIN_RELIEF * f
        if setback and w.act[i]:
            f = f + SETBACK_FRUSTRATION * (1 - f)
        s.frustration[r, i] = f
    if review:
        s.setbacks_in_row[r] = s.setbacks_in_row[r] + 1 if setback else 0
        s.performance[r] = y
    missed = s.aspiration_level[r] - y if review and y < s.aspiration_level[r] else 0.0
    s.shortfall[r] = max(missed, failure)
    if review:
        a = s.aspiration_level[r]
        s.aspiration_level[r] = clip(a + ASPIRATION_ADAPTATION * (y - a), 0.0, ASPIRATION_MAX)
        s.task_effort[r] = 0.0
        s.task_months[r] = 0


@inline
def _win(s: Any, p: Any, r: int, month: int, y: float, w: Any) -> None:
    """A small win: progress, a shared good experience, understanding, knowledge of what works,
    operational capacity, and a bigger next task."""
    uptake = THINK_UPTAKE if p.job[r] == THINK else 1.0  # recommended, implemented by others
    s.progress[r] += uptake * PROGRESS_RATE * min(y, 1.0) * (1 - s.progress[r])
    s.wins[r] += 1
    if s.first_win_month[r] < 0:
        s.first_win_month[r] = month
    live = live_ties(w)
    for e in range(live.shape[0]):
        if live[e]:
            s.experience[r, e] += 1.0
    for i in range(s.status.shape[1]):
        if w.act[i]:
            u = s.understanding[r, i]
            s.understanding[r, i] = u + WIN_UNDERSTANDING * (1.0 - u)
    k = s.knowledge[r]
    s.knowledge[r] = k + tried(p, r) * WIN_KNOWLEDGE * (1.0 - k)
    oc = s.operational_capacity[r]
    s.operational_capacity[r] = oc + WIN_CAPACITY * (1.0 - oc)
    ambition = AMBITION_BASE + AMBITION_WEIGHT * p.aspiration[r]
    s.task_scope[r] = min(ambition, s.task_scope[r] * SCOPE_GROWTH)

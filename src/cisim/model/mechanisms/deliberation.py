"""Deliberation: task conflict, which is not blame.

While a collaboration works on a task its members disagree about substance: what the problem is,
which solution to try. Such **task conflict** differs from relationship conflict and from blame
(seed 003: "task conflict does not have to be negative per se"; Jehn 1995). It arises where
members bring different perspectives and do not yet share an understanding, as readily as the
collaboration's culture of debate allows (``disagreement``):

    target        = disagreement * diversity * (1 - understanding)
    task_conflict += 0.2 (target - task_conflict)            (monthly, while working)

What it does depends on trust (Simons & Peterson 2000: intragroup trust decides whether task
conflict stays about the task or turns personal; de Wit, Greer & Jehn 2012):

* with trust above 0.5 the debate improves the work: joint work is worth
  ``1 + 0.4 task_conflict (2 trust - 1)`` of itself (:mod:`~cisim.model.mechanisms.joint_work`:
  better options surface), and below 0.5 the same term costs it;
* below 0.5 it also turns into relationship conflict: ``conflict += 0.05 task_conflict
  (1 - 2 trust) (1 - conflict)`` a month, the conflict that drags on the work, costs legitimacy
  and makes a collaboration stuck (:mod:`~cisim.model.mechanisms.adaptation`).

Task conflict never blames anyone: blame is a response to a setback
(:mod:`~cisim.model.mechanisms.setback_response`). ``trust`` is the members' mean trust in each
other over live ties.

References: Jehn (1995), ASQ 40:256-282; Simons & Peterson (2000), J. Applied Psychology
85:102-111; de Wit, Greer & Jehn (2012), J. Applied Psychology 97:360-390; seed 003.
"""

from __future__ import annotations

from typing import Any

from cisim.model.compiled import clip, diversity, inline, live_ties, masked_mean

RELAXATION = 0.2  # monthly, towards the target
TRUST_PIVOT = 0.5  # above it task conflict helps the work, below it it hurts and turns personal
QUALITY_WEIGHT = 0.4  # the work is worth 1 + 0.4 task_conflict (2 trust - 1) of itself
SPILL = 0.05  # monthly, towards relationship conflict, times task conflict and (1 - 2 trust)

READS = ("entry_found", "sector", "understanding", "trust", "task_conflict", "conflict")
WRITES = ("task_conflict", "conflict")
PARAMETERS = ("disagreement",)


@inline
def mean_trust(s: Any, r: int, w: Any) -> float:
    """The members' mean trust in each other over live ties (0.5 if there are none)."""
    live = live_ties(w)
    total = 0.0
    count = 0
    for e in range(live.shape[0]):
        if live[e]:
            total += s.trust[r, e]
            count += 1
    return total / count if count > 0 else TRUST_PIVOT


@inline
def quality(s: Any, r: int, w: Any) -> float:
    """What the month's task conflict makes the joint work worth (a multiplier)."""
    lean = 2.0 * (mean_trust(s, r, w) - TRUST_PIVOT)
    return 1.0 + QUALITY_WEIGHT * s.task_conflict[r] * lean


@inline
def deliberation(s: Any, p: Any, r: int, month: int, w: Any) -> None:
    """Members disagree about substance while they work; without trust it turns personal."""
    if not (s.alive[r] and s.entry_found[r]):
        return
    spread = diversity(s.sector[r], w.act, w.counts, w.terms)
    unshared = 1.0 - masked_mean(s.understanding[r], w.act)
    target = p.disagreement[r] * spread * unshared
    tc = s.task_conflict[r]
    tc = tc + RELAXATION * (target - tc)
    s.task_conflict[r] = tc
    sour = 1.0 - 2.0 * mean_trust(s, r, w)
    if sour > 0.0:
        c = s.conflict[r]
        s.conflict[r] = clip(c + SPILL * tc * sour * (1.0 - c), 0.0, 1.0)

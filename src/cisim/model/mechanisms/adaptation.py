"""Adaptation of governance and task, and the dynamics of governance conflict.

A collaboration is *stuck* after two setbacks in a row, in open conflict (> 0.4), or after a year of
frustrated talk without an entry point. A stuck collaboration adapts with monthly chance ``0.6
adaptability``, half as high again when its authority is self-assigned (an effort "only constrained
by the limits [it sets] upon [itself]" changes its own ways more readily; seed 000): it changes its
governance mode (shared, lead organisation, administrative organisation), which halves the conflict,
re-scopes the task (x 0.8), moves every member's habit of blame three quarters of the way back to
where members began (a fresh start: what a collaboration had learnt to expect of setbacks, good or
bad, counts for less) and cools the members' frustration. It also revises its entry point, unless
the entry point was imposed or the collaboration was hired only to *do* (it implements an agreed
strategy; seed 000) (held provisionally, an opening can be changed; seed 003): the fit moves
halfway towards what it has learnt works (knowledge, when that is higher) and the members choose it
again together (its acceptance becomes their mean trust in each other). The fresh start is a real
chance, not a certainty: a settled blame culture (habits near 0.9) lands near the norm's tipping
point, so how the next setbacks are met decides. Moved only halfway, habits stayed inside the blame
culture's basin and adaptability did no more than the governance mode (pattern 8 failed); the share
is calibrated with pattern 8 in view (docs/ODD.md §10). Formal structure itself has only small
effects (joint work, setback response): what matters is the ability to change it.

Conflict over governance flares where money meets contested decision rights (Hartford: a $28m grant
and a fight over the governance structure) and fades slowly otherwise; blame feeds it too.

References: Pulido-Gómez et al. (JPART: no governance mode predicts success, adaptability does);
Provan & Kenis (2008) (modes of network governance); Hartford case (Bloomberg Harvard).
"""

from __future__ import annotations

from typing import Any

from cisim.model.compiled import clip, inline, jit, masked_mean
from cisim.model.mechanisms.setback_response import HABIT_START
from cisim.model.state import DO, SELF_ASSIGNED
from cisim.model.streams import Stream, draw

STUCK_SETBACKS = 2  # setbacks in a row
STUCK_CONFLICT = 0.4  # open conflict
STUCK_TALK_MONTHS, STUCK_TALK_FRUSTRATION = 12, 0.5  # a year of frustrated talk
ADAPT_RATE = 0.6  # monthly chance of adapting when stuck, times adaptability
SELF_ASSIGNED_ADAPTATION = 1.5  # a self-assigned collaboration changes its own ways more readily
CONFLICT_RESET = 0.5  # adapting halves the conflict
RESCOPE = 0.8  # ... re-scopes the task
HABIT_RESET = 0.25  # ... opens a fresh start: habits move three quarters of the way back
FRUSTRATION_RESET = 0.8  # ... and cools the members' frustration
REVISION = 0.5  # ... and revises a provisional entry point: its fit moves this far to knowledge
CONFLICT_FLARE = 0.02  # monthly, times contested authority times resources, towards 1
CONFLICT_FADE = 0.01  # monthly

READS = ("entry_found", "frustration", "setbacks_in_row", "conflict", "governance",
         "governance_changes", "task_scope", "habit", "knowledge", "entry_fit", "trust",
         "entry_revisions", "dormant", "entry_imposed")  # fmt: skip
WRITES = ("governance", "governance_changes", "conflict", "task_scope", "habit",
          "setbacks_in_row", "frustration", "entry_fit", "entry_acceptance",
          "entry_revisions")  # fmt: skip
PARAMETERS = ("adaptability", "authority_contest", "resources", "authority_source", "job")


@jit
def stuck(
    entry_found: bool,
    month: int,
    frustration: Any,
    active: Any,
    setbacks_in_row: int,
    conflict: float,
) -> bool:
    """The collaboration needs to change something (``frustration`` and ``active``: its
    organisations')."""
    long_talk = (
        not entry_found
        and month >= STUCK_TALK_MONTHS
        and masked_mean(frustration, active) > STUCK_TALK_FRUSTRATION
    )
    return setbacks_in_row >= STUCK_SETBACKS or conflict > STUCK_CONFLICT or long_talk


@inline
def adaptation(s: Any, p: Any, r: int, month: int, w: Any) -> None:
    """Stuck collaborations may change governance mode and task; conflict flares or fades."""
    if not s.alive[r]:
        return
    own = SELF_ASSIGNED_ADAPTATION if p.authority_source[r] == SELF_ASSIGNED else 1.0
    chance = ADAPT_RATE * p.adaptability[r] * own
    needs = stuck(
        s.entry_found[r], month, s.frustration[r], w.act, s.setbacks_in_row[r], s.conflict[r]
    )
    if needs and draw(s.keys, r, Stream.ADAPTATION, month, 0) < chance:
        shift = 2 if draw(s.keys, r, Stream.GOVERNANCE, month, 0) < 0.5 else 1
        s.governance[r] = (s.governance[r] + shift) % 3
        s.governance_changes[r] += 1
        s.conflict[r] = CONFLICT_RESET * s.conflict[r]
        if s.entry_found[r]:
            s.task_scope[r] = RESCOPE * s.task_scope[r]
            # held provisionally, revised with what was learnt; an imposed plan, or the agreed
            # strategy a doing partnership implements (seed 000), is not revised
            if not s.entry_imposed[r] and p.job[r] != DO:
                fit = s.entry_fit[r]
                s.entry_fit[r] = fit + REVISION * max(0.0, s.knowledge[r] - fit)
                s.entry_acceptance[r] = _mean_trust(s, r, w)
                s.entry_revisions[r] += 1
        for i in range(s.status.shape[1]):
            h = s.habit[r, i]
            s.habit[r, i] = HABIT_START + HABIT_RESET * (h - HABIT_START)
        s.setbacks_in_row[r] = 0
        for i in range(s.status.shape[1]):
            s.frustration[r, i] = FRUSTRATION_RESET * s.frustration[r, i]
    c = s.conflict[r]
    flare = CONFLICT_FLARE * p.authority_contest[r] * p.resources[r] * (1 - c) - CONFLICT_FADE * c
    s.conflict[r] = clip(c + flare, 0.0, 1.0)


@inline
def _mean_trust(s: Any, r: int, w: Any) -> float:
    """The members' mean trust in each other, over the ties live now (a tie the navigator
    brokered this month counts: the members choose again together)."""
    total = 0.0
    count = 0
    for e in range(s.src.shape[1]):
        if s.exists[r, e] and not s.dormant[r, e] and w.act[s.src[r, e]] and w.act[s.dst[r, e]]:
            total += s.trust[r, e]
            count += 1
    return total / count if count > 0 else 0.0

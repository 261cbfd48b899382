"""Navigators: trusted individuals or groups with limited attention.

Each month the navigators attend to ``navigator * navigator_capacity * credibility`` member
organisations, those in most need first (new representatives still being onboarded, members
recently blamed, members with low trust in their partners, frustrated members). For each one
attended the navigator

* repairs relationships: a good experience of weight ``0.25 credibility`` on its live ties;
* keeps the pace: its frustration eases by 20 %;
* onboards: its new representative settles in twice as fast next month (turnover), and is briefed:
  a representative still being onboarded closes half the gap (times credibility) between its
  understanding and the members' mean, so the consensus a predecessor carried is rebuilt faster
  (Louisville: "getting consensus on something that there was consensus about two years ago"),
  and coached: it learns from the navigator, not only from its partners, how to meet a setback
  (its habit of blame falls by a tenth, times credibility);
* mediates: a setback next month is less likely to be blamed on a partner (setback response);
* brokers: with chance 1/4 turns one dormant tie to an active member into a live one, preferring
  partners from other sectors.

Credibility erodes when blame happens despite the navigator (setback response) and recovers slowly
towards its initial value.

References: Pulido-Gómez, de Jong & Rivkin (JPART) ("leverage a trusted individual or group as
navigator"); Zellner et al. (2014), JASSS 17(4):11 (key liaisons); Luna-Reyes et al. (2008)
(facilitation).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from cisim.model.compiled import inline, jit, live_ties, masked_mean, mean_trust_of
from cisim.model.streams import Stream, draw

# need: who is attended to first
NEED_TRUST, NEED_TRUST_BELOW = 2.0, 0.5  # low trust in partners (below 0.5) counts twice
NEED_FRUSTRATION = 0.5
NEED_JITTER = 0.01  # breaks ties between equally needy members at random
# what attention does
REPAIR = 0.25  # a good experience of this weight, times credibility, on the member's live ties
PACE = 0.8  # an attended member's frustration, relative to before
BRIEFING = 0.5  # a newcomer closes this share of its gap to the members' understanding (x cred.)
COACHING = 0.1  # a newcomer's readiness to blame falls by this share (x credibility)
BROKER_CHANCE = 0.25  # chance that an attended member is brokered a new tie
OTHER_SECTOR = 0.5  # preference for brokering a partner from another sector
CREDIBILITY_RECOVERY = 0.02  # monthly, towards the initial credibility

READS = ("credibility", "trust", "onboarding", "blamed", "frustration", "experience", "sector",
         "dormant", "understanding", "habit")  # fmt: skip
WRITES = ("attended", "navigator_activity", "experience", "frustration", "dormant",
          "credibility", "understanding", "habit")  # fmt: skip
PARAMETERS = ("navigator", "navigator_capacity", "navigator_credibility", "initial_trust")


@jit
def attention(navigators: int, capacity: int, credibility: float) -> int:
    """How many members the navigators attend to this month."""
    return math.floor(navigators * capacity * credibility + 0.5)


@inline
def need(s: Any, p: Any, r: int, month: int, w: Any) -> Any:
    """How much each active member needs the navigator, negated (``inf`` if not active), into
    ``w.org[3]`` (returned)."""
    trust_i = mean_trust_of(
        s.trust[r], s.src[r], live_ties(w), p.initial_trust[r], w.org[0], w.org[1], w.org[2]
    )
    minus_need = w.org[3]
    for i in range(s.status.shape[1]):
        score = (
            (1.0 - s.onboarding[r, i])
            + s.blamed[r, i]
            + NEED_TRUST * max(NEED_TRUST_BELOW - trust_i[i], 0.0)
            + NEED_FRUSTRATION * s.frustration[r, i]
        )
        jitter = NEED_JITTER * draw(s.keys, r, Stream.NAVIGATOR, month, i)
        minus_need[i] = -(score + jitter) if w.act[i] else np.inf
    return minus_need


@inline
def navigator(s: Any, p: Any, r: int, month: int, w: Any) -> None:
    """Allocate the navigators' attention and do their work."""
    n = s.status.shape[1]
    has = p.navigator[r] > 0 and s.alive[r]
    cred = s.credibility[r]
    budget = attention(p.navigator[r], p.navigator_capacity[r], cred)
    attended = w.flag[0]
    attended[:] = False
    count = 0
    if has and budget > 0:
        # the ``budget`` active members in most need, ties to the lower slot, by selection
        minus_need = need(s, p, r, month, w)
        for _ in range(min(budget, n)):
            best = -1
            for i in range(n):
                if w.act[i] and not attended[i] and (best < 0 or minus_need[i] < minus_need[best]):
                    best = i
            if best < 0:
                break
            attended[best] = True
            count += 1
    for i in range(n):
        s.attended[r, i] = attended[i]
    s.navigator_activity[r] = count
    if count > 0:
        _attend(s, r, month, cred, attended, w)
    if has:
        s.credibility[r] = cred + CREDIBILITY_RECOVERY * (p.navigator_credibility[r] - cred)


@inline
def _attend(s: Any, r: int, month: int, cred: float, attended: Any, w: Any) -> None:
    """Repair relationships, keep the pace, brief newcomers, and broker ties."""
    live = live_ties(w)
    for e in range(live.shape[0]):
        if live[e] and (attended[s.src[r, e]] or attended[s.dst[r, e]]):
            s.experience[r, e] += REPAIR * cred
    shared = masked_mean(s.understanding[r], w.act)
    for i in range(attended.shape[0]):
        if attended[i]:
            s.frustration[r, i] = PACE * s.frustration[r, i]
            if s.onboarding[r, i] < 1.0:
                u = s.understanding[r, i]
                if shared > u:
                    s.understanding[r, i] = u + BRIEFING * cred * (shared - u)
                s.habit[r, i] = s.habit[r, i] * (1.0 - COACHING * cred)
    _broker(s, r, month, attended, w)


@inline
def _broker(s: Any, r: int, month: int, attended: Any, w: Any) -> None:
    """Each lucky attended member's best dormant tie to an active member comes to life."""
    lucky = w.flag[1]
    lucky[:] = False
    any_lucky = False
    for i in range(attended.shape[0]):
        if attended[i] and draw(s.keys, r, Stream.BROKER, month, i) < BROKER_CHANCE:
            lucky[i] = True
            any_lucky = True
    if not any_lucky:
        return
    # draws are pure functions of the slot, so only candidate slots need theirs
    best, score, candidates = w.org[4], w.tie_value, w.tie_flag[0]
    best[:] = -np.inf
    candidates[:] = False
    for e in range(s.src.shape[1]):
        i, j = s.src[r, e], s.dst[r, e]
        if s.exists[r, e] and s.dormant[r, e] and lucky[i] and w.act[j]:
            candidates[e] = True
            other = OTHER_SECTOR if s.sector[r, i] != s.sector[r, j] else 0.0
            score[e] = draw(s.keys, r, Stream.BROKER_TIE, month, e) + other
            if score[e] > best[i]:
                best[i] = score[e]
    for e in range(s.src.shape[1]):
        if candidates[e] and score[e] == best[s.src[r, e]]:
            s.dormant[r, e] = False
            s.dormant[r, s.rev[r, e]] = False

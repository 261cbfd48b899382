"""Turnover of representatives.

Each active organisation's representative leaves with its monthly hazard ``turnover``. Trust is
largely personal: the newcomer's trust in each partner starts from the organisation's
*institutional* trust, not the predecessor's, and partners' trust in the newcomer moves halfway
towards theirs; the newcomer keeps only ``institutional_memory`` of the predecessor's grasp of the
shared problem, so consensus must be rebuilt (Louisville: "getting consensus on something that
there was consensus about two years ago"), and takes on the way its partners meet setbacks (its
habit of blame becomes their mean habit: socialisation, Van Maanen & Schein 1979). A newcomer is
onboarded over ``onboarding_months``, twice as fast with a navigator's attention:

    onboarding += (1 + attended) / onboarding_months        (up to 1)

and until settled acts with part of its weight (:func:`settled`: half at first). Institutional
trust follows the representatives' trust slowly (``institutional_trust_rate``).

References: Vangen & Huxham (2003) on changing membership and the trust loop; Louisville case
"Change at the Speed of Trust" (Bloomberg Harvard City Leadership Initiative); Luna-Reyes et al.
(2008) on trust and the pace of knowledge sharing.
"""

from __future__ import annotations

from typing import Any

from cisim.model.compiled import inline, jit, live_ties
from cisim.model.parameters import SECTORS
from cisim.model.streams import Stream, draw
from cisim.model.timeline import CHAMPION, LEADER

PUBLIC = SECTORS.index("public")
#: Share of its weight a representative brings from its first day (the rest comes with onboarding).
NEWCOMER_WEIGHT = 0.5

READS = ("turnover", "tenure", "representatives", "understanding", "attended", "onboarding",
         "trust", "institutional_trust", "habit", "authority", "sector")  # fmt: skip
WRITES = ("left_now", "tenure", "representatives", "understanding", "trust", "onboarding",
          "institutional_trust", "habit")  # fmt: skip
PARAMETERS = ("institutional_memory", "onboarding_months", "institutional_trust_rate")


@jit
def settled(onboarding: float) -> float:
    """The weight a representative acts with: ``NEWCOMER_WEIGHT`` at first, 1 once onboarded."""
    return NEWCOMER_WEIGHT + (1.0 - NEWCOMER_WEIGHT) * onboarding


@inline
def turnover(s: Any, p: Any, r: int, month: int, w: Any) -> None:
    """Representatives leave; newcomers start from institutional trust and are onboarded."""
    n = s.status.shape[1]
    act = w.act
    leave = w.flag[0]
    anyone = False
    forced = forced_leaver(s, r, w)  # a champion or leader the timeline replaces (-1 if none)
    for i in range(n):
        chance = draw(s.keys, r, Stream.TURNOVER, month, i)
        leave[i] = act[i] and (chance < s.turnover[r, i] or i == forced)
        s.left_now[r, i] = leave[i]
        anyone = anyone or leave[i]
        if leave[i]:
            s.tenure[r, i] = 0
            s.representatives[r, i] += 1
            s.understanding[r, i] = s.understanding[r, i] * p.institutional_memory[r]
        else:
            s.tenure[r, i] += act[i]
    if anyone:
        _newcomers_ties(s, r, leave, w)
        _socialise(s, r, leave, w)
    for i in range(n):
        if leave[i]:
            s.onboarding[r, i] = 0.0
        elif act[i]:
            speed = (1.0 + s.attended[r, i]) / p.onboarding_months[r]
            s.onboarding[r, i] = min(1.0, s.onboarding[r, i] + speed)
    rate = p.institutional_trust_rate[r]
    live = live_ties(w)
    for e in range(live.shape[0]):
        if live[e]:
            s.institutional_trust[r, e] += rate * (s.trust[r, e] - s.institutional_trust[r, e])


@inline
def _newcomers_ties(s: Any, r: int, leave: Any, w: Any) -> None:
    """The leavers' ties start again from institutional trust (each slot's update reads only
    itself, so the order is free)."""
    for i in range(leave.shape[0]):
        if not leave[i]:
            continue
        for k in range(w.out_start[i], w.out_start[i + 1]):
            e = w.out_slots[k]
            if s.exists[r, e]:
                s.trust[r, e] = s.institutional_trust[r, e]
        for k in range(w.in_start[i], w.in_start[i + 1]):
            e = w.in_slots[k]
            if s.exists[r, e] and not leave[s.src[r, e]]:
                # halfway: the mean of the partner's trust and its organisation's
                s.trust[r, e] = 0.5 * (s.trust[r, e] + s.institutional_trust[r, e])


@inline
def _socialise(s: Any, r: int, newcomers: Any, w: Any) -> None:
    """Each newcomer's habit of blame becomes the mean habit of its partners (its own if it has
    none): the partners' habits are read before any newcomer's changes."""
    norm = w.org[0]
    for i in range(newcomers.shape[0]):
        norm[i] = s.habit[r, i]
        if not newcomers[i]:
            continue
        total = 0.0
        count = 0
        for k in range(w.out_start[i], w.out_start[i + 1]):
            e = w.out_slots[k]
            j = s.dst[r, e]
            if s.exists[r, e] and not s.dormant[r, e] and w.act[j] and not newcomers[j]:
                total += s.habit[r, j]
                count += 1
        if count > 0:
            norm[i] = total / count
    for i in range(newcomers.shape[0]):
        s.habit[r, i] = norm[i]


@inline
def forced_leaver(s: Any, r: int, w: Any) -> int:
    """The member whose representative the timeline replaces this month (-1 if none): the
    leader's seat if a new leader arrives, else the champion's if one leaves."""
    if w.pulse[LEADER] > 0.0:
        best = -1
        best_score = -1.0
        for i in range(s.status.shape[1]):
            if w.act[i]:
                score = s.authority[r, i] + (2.0 if s.sector[r, i] == PUBLIC else 0.0)
                if score > best_score:
                    best, best_score = i, score
        return best
    if w.pulse[CHAMPION] > 0.0:
        best = -1
        best_trust = -1.0
        for i in range(s.status.shape[1]):
            if not w.act[i]:
                continue
            total = 0.0
            count = 0
            for k in range(w.in_start[i], w.in_start[i + 1]):
                e = w.in_slots[k]
                if e < w.end[0] and w.live[e]:
                    total += s.trust[r, e]
                    count += 1
            mean = total / count if count > 0 else 0.0
            if mean > best_trust:
                best, best_trust = i, mean
        return best
    return -1

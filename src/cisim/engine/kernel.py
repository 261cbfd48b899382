"""The compiled step: the ten mechanisms, one replicate row at a time, in machine code.

The mechanisms in :mod:`cisim.model.mechanisms` are the model's specification: array code over a
whole batch, readable next to the ODD, tested one by one on hand-made states. This module is the
same rules compiled with numba, looping over replicate rows, organisations and tie slots. A row's
organisations and ties fit in the processor's cache, every mechanism runs on them before the next
row is touched, and there are no temporary arrays or per-call overheads: the step allocates
nothing (its scratch arrays come from the caller, :class:`Work`) and counts no references. It runs
one to two orders of magnitude faster than the array code (``docs/performance.md``).

The two implementations must agree exactly. Each function below mirrors the mechanism of the same
name operation for operation, in the same order of floating-point operations, and a test
(``tests/test_kernel.py``) runs both on a battery of scenarios and demands bit-identical states
and metrics. The one thing that differs is the elementary functions: numpy's ``exp``, ``tanh`` and
``log`` use SIMD approximations chosen at run time by the processor's instruction set, compiled
code calls the C library's (``libm``), so the test runs the array code with the C library's
functions too. That makes the compiled engine the reproducible one: its results no longer depend
on which SIMD routines numpy picks on a given machine.

Randomness is the same counter-based draw as :mod:`cisim.model.streams` (SplitMix64 on stream key,
month and index), computed in place; the two standard normal draws per replicate and month
(outcome noise, setback salience) are computed by :func:`cisim.model.streams.normal` before the
step and passed in, so the inverse normal CDF is scipy's in both implementations.
"""

from __future__ import annotations

import math
from collections import namedtuple
from dataclasses import fields
from typing import Any

import numba
import numpy as np

from cisim.model.mechanisms.adaptation import ADAPT_RATE, CLIMATE_RESET
from cisim.model.mechanisms.contribution import TRUST_WEIGHT
from cisim.model.mechanisms.entry_point import FRUSTRATION_RATE, NONE, TALK_UNDERSTANDING
from cisim.model.mechanisms.joint_work import (
    ASPIRATION_ADAPTATION,
    FRUSTRATION_EASING,
    PROGRESS_RATE,
    SCOPE_GROWTH,
)
from cisim.model.mechanisms.navigator import BROKER_CHANCE, CREDIBILITY_RECOVERY
from cisim.model.mechanisms.setback_response import (
    BLAME_BASE,
    BLAMED_DECAY,
    CLIMATE_RATE,
    CLIMATE_WEIGHT,
    KNOWLEDGE_TERM,
    SALIENCE_SD,
    TRUST_TERM,
    UNDERSTANDING_TERM,
)
from cisim.model.mechanisms.trust import RECIPROCITY_WEIGHT
from cisim.model.metrics import REGISTRY
from cisim.model.state import ACTIVE, CANDIDATE, EXITED, Params, State
from cisim.model.streams import Stream, normal

__all__ = [
    "MEASURED",
    "MECHANISMS",
    "ParamArrays",
    "StateArrays",
    "Work",
    "measure",
    "param_arrays",
    "run",
    "state_arrays",
    "step",
    "warm",
    "work",
]

_STATE_FIELDS = tuple(f.name for f in fields(State) if f.name not in ("month", "extra"))
_PARAM_FIELDS = tuple(f.name for f in fields(Params))

# Each array's dtype, read off the annotations of State and Params (numba compiles for these).
_ANNOTATED = {
    "F": np.float64,
    "I": np.int64,
    "B": np.bool_,
    "NDArray[np.int8]": np.int8,
    "NDArray[np.uint64]": np.uint64,
}
_DTYPES: dict[str, Any] = {
    f.name: _ANNOTATED[str(f.type)]
    for f in (*fields(State), *fields(Params))
    if f.name in _STATE_FIELDS or f.name in _PARAM_FIELDS
}

#: The arrays of a :class:`~cisim.model.state.State`, as numba sees them.
StateArrays = namedtuple("StateArrays", _STATE_FIELDS)  # type: ignore[misc]
#: The arrays of a :class:`~cisim.model.state.Params`, as numba sees them.
ParamArrays = namedtuple("ParamArrays", _PARAM_FIELDS)  # type: ignore[misc]

# Module constants become compile-time constants of the compiled code.
_MODE_BLAME = (-0.05, 0.05, 0.0)  # setback_response.MODE_BLAME
_MODE_EFFECT = (1.0, 1.02, 1.01)  # joint_work.MODE_EFFECT
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_TWO53 = 1.0 / 9007199254740992.0
_LOG5 = math.log(5.0)  # diversity's normaliser; recomputed by np.log in the array code
_S_TURNOVER = int(Stream.TURNOVER)
_S_ENTRY = int(Stream.ENTRY_POINT)
_S_ATTRIBUTION = int(Stream.ATTRIBUTION)
_S_BLAME_TARGET = int(Stream.BLAME_TARGET)
_S_NAVIGATOR = int(Stream.NAVIGATOR)
_S_BROKER = int(Stream.BROKER)
_S_BROKER_TIE = int(Stream.BROKER_TIE)
_S_EXIT = int(Stream.EXIT)
_S_JOIN = int(Stream.JOIN)
_S_ADAPTATION = int(Stream.ADAPTATION)
_S_GOVERNANCE = int(Stream.GOVERNANCE)

#: The step allocates nothing (its scratch arrays, :class:`Work`, come from the caller), so it is
#: compiled without numba's reference counting: with it, every array taken from the state or a
#: view made inside a loop can cost a pair of atomic reference-count calls, which took a third of
#: the step's time.
#: (``_nrt`` is numba's own switch for that runtime; a kernel that allocated would fail to compile.)
_OPTIONS: dict[str, Any] = {"cache": True, "nogil": True, "_nrt": False}
jit = numba.njit(**_OPTIONS)
#: Functions that take the whole state (a tuple of some sixty arrays) are inlined into the step:
#: passing it through a call costs more than most mechanisms' work on a row.
inline = numba.njit(**_OPTIONS, inline="always")

#: Scratch arrays of one call of :func:`run` (or :func:`measure`), reused by every row and month.
#:
#: * ``act``, ``live``: the step's masks of active members and live ties (written by the metrics);
#:   ``live_slots``: the live ties' slot numbers (the metrics' trust spread);
#: * ``out_start``, ``out_slots``, ``in_start``, ``in_slots``, ``cursor``: a row's adjacency;
#: * ``counts``, ``terms``: per sector (diversity);
#: * per organisation, ``org[k]`` (numbers) and ``flag[k]`` (yes/no), and per tie slot
#:   ``tie_value`` and ``tie_flag[k]``, each used within one mechanism except where noted:
#:
#:   ================  =============================================================================
#:   turnover          ``flag[0]`` leavers; ``org[0]``, ``org[1]`` sums; ``org[2]`` each member's
#:                     mean trust, read by entry point and contribution
#:   entry point       ``org[3]`` effective authority
#:   setback response  ``flag[0]`` blame, ``flag[1]`` learn; blame probability ``org[0..4]``;
#:                     blame targets ``tie_flag[0]``, ``tie_value``, ``org[0]``, ``tie_flag[1]``,
#:                     ``org[1]``, ``flag[2]``
#:   trust             ``org[0..3]``, ``tie_value``
#:   navigator         ``org[0..3]``, ``flag[0]``; brokering ``flag[1]``, ``org[4]``, ``tie_value``,
#:                     ``tie_flag[0]``
#:   metrics           ``org[0]`` contribution shares
#:   ================  =============================================================================
Work = namedtuple(
    "Work",
    [
        "act",
        "live",
        "org",
        "flag",
        "tie_value",
        "tie_flag",
        "live_slots",
        "counts",
        "terms",
        "out_start",
        "out_slots",
        "in_start",
        "in_slots",
        "cursor",
    ],
)


def work(n: int, e_n: int) -> Any:
    """The scratch arrays for rows of ``n`` organisation slots and ``e_n`` tie slots."""
    return Work(
        act=np.zeros(n, dtype=np.bool_),
        live=np.zeros(e_n, dtype=np.bool_),
        org=np.zeros((5, n)),
        flag=np.zeros((3, n), dtype=np.bool_),
        tie_value=np.zeros(e_n),
        tie_flag=np.zeros((2, e_n), dtype=np.bool_),
        live_slots=np.zeros(e_n, dtype=np.int64),
        counts=np.zeros(5, dtype=np.int64),
        terms=np.zeros(5),
        out_start=np.zeros(n + 1, dtype=np.int64),
        out_slots=np.zeros(e_n, dtype=np.int64),
        in_start=np.zeros(n + 1, dtype=np.int64),
        in_slots=np.zeros(e_n, dtype=np.int64),
        cursor=np.zeros(n, dtype=np.int64),
    )


# ---- draws and small helpers -----------------------------------------------------------------
@jit
def _mix(z: Any) -> Any:
    z ^= z >> np.uint64(30)
    z *= _M1
    z ^= z >> np.uint64(27)
    z *= _M2
    z ^= z >> np.uint64(31)
    return z


@jit
def draw(keys: Any, r: int, stream: int, month: int, index: int) -> float:
    """The uniform number of :func:`cisim.model.streams.uniform` for one row, month and index."""
    k0 = keys[r, stream, 0]
    k1 = keys[r, stream, 1]
    ctr = np.uint64(index) | (np.uint64(month) << np.uint64(32))
    z = _mix(k0 + ctr * _GOLDEN)
    z = _mix(z ^ k1)
    return float(z >> np.uint64(11)) * _TWO53


@jit
def _sigmoid(x: float) -> float:
    return 0.5 * (1.0 + math.tanh(0.5 * x))


@jit
def _clip(x: float, lo: float, hi: float) -> float:
    return min(max(x, lo), hi)


@jit
def _mean_out_trust_of(
    trust: Any, src: Any, live: Any, fallback: float, total: Any, count: Any, out: Any
) -> Any:
    """Each organisation's mean trust over its live outgoing ties (``State.mean_out_trust``),
    into ``out`` (``total`` and ``count`` are scratch)."""
    total[:] = 0.0
    count[:] = 0.0
    for e in range(live.shape[0]):
        if live[e]:
            i = src[e]
            total[i] += trust[e]
            count[i] += 1.0
    for i in range(out.shape[0]):
        out[i] = total[i] / max(count[i], 1.0) if count[i] > 0 else fallback
    return out


@jit
def _row_mean(values: Any, mask: Any) -> float:
    """``state.row_mean`` of one row: masked values added left to right, over their count."""
    total = 0.0
    count = 0
    for i in range(values.shape[0]):
        if mask[i]:
            total += values[i]
            count += 1
    return total / max(count, 1) if count > 0 else 0.0


@jit
def _diversity_of(sector: Any, mask: Any, counts: Any, terms: Any) -> float:
    """``state.diversity`` of one row (normalised Shannon entropy of five sectors); ``counts``
    and ``terms`` are scratch."""
    counts[:] = 0
    for i in range(mask.shape[0]):
        if mask[i]:
            counts[sector[i]] += 1
    total = max(counts.sum(), 1)
    for k in range(5):
        share = counts[k] / total
        terms[k] = share * math.log(share) if share > 0 else 0.0
    ent = -((((terms[0] + terms[1]) + terms[2]) + terms[3]) + terms[4])
    return ent / _LOG5


# ---- the ten mechanisms, one row each ------------------------------------------------------------
@inline
def turnover(s: Any, p: Any, r: int, month: int, act: Any, live: Any, w: Any) -> Any:
    """:func:`cisim.model.mechanisms.turnover.turnover` for row ``r``.

    Its last pass over the live ties also sums the trust on them, which the next two mechanisms
    read and do not change: it returns each organisation's mean trust in its live partners
    (``State.mean_out_trust``) and the mean trust over all live ties (``State.mean_live_trust``).
    """
    n = s.status.shape[1]
    leave = w.flag[0]
    anyone = False
    for i in range(n):
        leave[i] = act[i] and draw(s.keys, r, _S_TURNOVER, month, i) < s.turnover[r, i]
        s.left_now[r, i] = leave[i]
        anyone = anyone or leave[i]
        if leave[i]:
            s.tenure[r, i] = 0
            s.representatives[r, i] += 1
            s.understanding[r, i] = s.understanding[r, i] * p.institutional_memory[r]
        else:
            s.tenure[r, i] += act[i]
    # the leavers' ties (each slot's update reads only itself, so the order is free)
    out_start, out_slots, in_start, in_slots = w.out_start, w.out_slots, w.in_start, w.in_slots
    for i in range(n if anyone else 0):
        if not leave[i]:
            continue
        for k in range(out_start[i], out_start[i + 1]):
            e = out_slots[k]
            if s.exists[r, e]:
                s.trust[r, e] = s.institutional_trust[r, e]
        for k in range(in_start[i], in_start[i + 1]):
            e = in_slots[k]
            if s.exists[r, e] and not leave[s.src[r, e]]:
                s.trust[r, e] = 0.5 * (s.trust[r, e] + s.institutional_trust[r, e])
    for i in range(n):
        if leave[i]:
            s.onboarding[r, i] = 0.0
        elif act[i]:
            speed = (1.0 + s.attended[r, i]) / p.onboarding_months[r]
            s.onboarding[r, i] = min(1.0, s.onboarding[r, i] + speed)
    rate = p.institutional_trust_rate[r]
    total = w.org[0]
    count = w.org[1]
    total[:] = 0.0
    count[:] = 0.0
    everyone = 0.0
    ties = 0
    for e in range(live.shape[0]):
        if live[e]:
            t = s.trust[r, e]
            s.institutional_trust[r, e] += rate * (t - s.institutional_trust[r, e])
            total[s.src[r, e]] += t
            count[s.src[r, e]] += 1.0
            everyone += t
            ties += 1
    trust_i = w.org[2]
    for i in range(n):
        trust_i[i] = total[i] / max(count[i], 1.0) if count[i] > 0 else p.initial_trust[r]
    return trust_i, (everyone / max(ties, 1) if ties > 0 else 0.0)


@inline
def entry_point(
    s: Any, p: Any, r: int, month: int, act: Any, trust_i: Any, mean_trust: float, w: Any
) -> None:
    """:func:`cisim.model.mechanisms.entry_point.entry_point` for row ``r``."""
    n = s.status.shape[1]
    searching = s.alive[r] and not s.entry_found[r]
    found = False
    if searching:
        effective = w.org[3]
        for i in range(n):
            effective[i] = s.authority[r, i] * (0.5 + 0.5 * s.onboarding[r, i])
        boost = 1.25 if p.authority_self_assigned[r] else 1.0
        agency = min(1.0, _row_mean(effective, act) * boost)
        x = (
            2.0 * (_diversity_of(s.sector[r], act, w.counts, w.terms) - 0.6)
            + 4.0 * (mean_trust - 0.5)
            + 3.0 * (agency - 0.5)
            + 2.0 * (p.community_engagement[r] - 0.3)
        )
        hazard = min(1.0, p.entry_base_rate[r] * math.exp(x))
        if p.entry_point[r] == NONE:
            hazard = 0.0
        found = draw(s.keys, r, _S_ENTRY, month, 0) < hazard
        if found:
            s.entry_found[r] = True
            s.entry_month[r] = month
    if not (searching and not found):
        return
    for i in range(n):
        if act[i]:
            u = s.understanding[r, i]
            s.understanding[r, i] = u + TALK_UNDERSTANDING * trust_i[i] * (1.0 - u)
            f = s.frustration[r, i]
            s.frustration[r, i] = f + FRUSTRATION_RATE * (1.5 - s.alignment[r, i]) * (1.0 - f)


@inline
def contribution(s: Any, p: Any, r: int, month: int, act: Any, trust_i: Any) -> None:
    """:func:`cisim.model.mechanisms.contribution.contribution` for row ``r``."""
    gap = s.performance[r] - s.aspiration_level[r]
    for i in range(s.status.shape[1]):
        if act[i]:
            x = (
                TRUST_WEIGHT * (trust_i[i] - 0.5)
                + 2.0 * (s.alignment[r, i] - 0.5)
                + 2.0 * gap
                + 1.5 * (s.legitimacy[r] - 0.5)
                - 1.5 * s.frustration[r, i]
                - min(s.blamed[r, i], 2.0)
            )
            share = _sigmoid(x) * (0.5 + 0.5 * s.onboarding[r, i])
            s.contribution[r, i] = s.capacity[r, i] * share
        elif s.alive[r]:
            s.contribution[r, i] = 0.0


@inline
def _task_output(s: Any, p: Any, r: int, act: Any, w: Any) -> float:
    n = s.status.shape[1]
    effort = _row_mean(s.contribution[r], act) / max(_row_mean(s.capacity[r], act), 1e-9)
    weighted = 0.0
    weights = 0.0
    for i in range(n):
        c = s.contribution[r, i] if act[i] else 0.0
        weighted += s.authority[r, i] * (0.5 + 0.5 * s.onboarding[r, i]) * c
        weights += c
    present = weighted / max(weights, 1e-12)
    base = (
        0.35 * effort
        + 0.2 * present
        + 0.25 * _row_mean(s.understanding[r], act)
        + 0.2 * s.operational_capacity[r]
    )
    diversity = _diversity_of(s.sector[r], act, w.counts, w.terms)
    synergy = 1.0 + 0.6 * p.joint_problem_solving[r] * diversity
    targeting = 0.8 + 0.4 * p.data_use[r] * (0.5 + 0.5 * s.knowledge[r])
    community_time = 1.0 - 0.15 * p.community_engagement[r]
    money = 0.6 * p.resources[r] * s.operational_capacity[r]
    out = (base * synergy * targeting * community_time + money) * (1.0 - 0.5 * s.conflict[r])
    return out * _MODE_EFFECT[s.governance[r]]


@inline
def joint_work(
    s: Any, p: Any, r: int, month: int, z_outcome: float, act: Any, live: Any, w: Any
) -> None:
    """:func:`cisim.model.mechanisms.joint_work.joint_work` for row ``r``."""
    working = s.alive[r] and s.entry_found[r]
    if working:
        s.task_effort[r] += _task_output(s, p, r, act, w)
        s.task_months[r] += 1
    review = working and s.task_months[r] >= p.review_months[r]
    noise = p.outcome_noise[r] * (1.0 - 0.3 * p.data_use[r]) * z_outcome
    y = s.task_effort[r] / max(s.task_months[r], 1) + noise
    win = review and y >= s.task_scope[r]
    setback = review and y < s.aspiration_level[r]
    s.reviewed_now[r] = review
    s.won_now[r] = win
    s.setback_now[r] = setback
    if win:
        s.progress[r] += PROGRESS_RATE * min(y, 1.0) * (1 - s.progress[r])
        s.wins[r] += 1
        if s.first_win_month[r] < 0:
            s.first_win_month[r] = month
        for e in range(live.shape[0]):
            if live[e]:
                s.experience[r, e] += 1.0
        s.task_scope[r] = min(1.0, s.task_scope[r] * SCOPE_GROWTH)
    for i in range(s.status.shape[1]):
        f = s.frustration[r, i]
        if working:
            f = FRUSTRATION_EASING * f
        if win:
            f = 0.7 * f
        if setback and act[i]:
            f = f + 0.1 * (1 - f)
        s.frustration[r, i] = f
    if review:
        s.setbacks_in_row[r] = s.setbacks_in_row[r] + 1 if setback else 0
        s.performance[r] = y
    s.shortfall[r] = s.aspiration_level[r] - y if setback else 0.0
    if review:
        a = s.aspiration_level[r]
        s.aspiration_level[r] = _clip(a + ASPIRATION_ADAPTATION * (y - a), 0.0, 1.5)
        s.task_effort[r] = 0.0
        s.task_months[r] = 0


@jit
def _contest(authority_contest: float, resources: float) -> float:
    return authority_contest * (0.25 + 1.5 * resources)


@inline
def _blame_probability(
    s: Any, p: Any, r: int, act: Any, live: Any, z_salience: float, w: Any
) -> Any:
    n = s.status.shape[1]
    # each member's mean trust in its live partners (State.mean_out_trust), and how many of
    # those ties are prior ones, in one pass
    total, ties, prior = w.org[0], w.org[1], w.org[3]
    total[:] = 0.0
    ties[:] = 0.0
    prior[:] = 0.0
    for e in range(live.shape[0]):
        if live[e]:
            i = s.src[r, e]
            total[i] += s.trust[r, e]
            ties[i] += 1.0
            if s.prior[r, e]:
                prior[i] += 1.0
    trust_i = w.org[2]
    for i in range(n):
        trust_i[i] = total[i] / max(ties[i], 1.0) if ties[i] > 0 else p.initial_trust[r]
    pressure = s.aspiration_level[r] + 0.1 * p.resources[r] + s.shortfall[r]
    contest = _contest(p.authority_contest[r], p.resources[r])
    out = w.org[4]
    for i in range(n):
        mediation = s.credibility[r] if s.attended[r, i] else 0.0
        x = (
            BLAME_BASE
            + CLIMATE_WEIGHT * s.blame_climate[r]
            + TRUST_TERM * (0.5 - trust_i[i])
            + UNDERSTANDING_TERM * (0.5 - s.understanding[r, i])
            + 2.0 * (0.5 - p.data_use[r])
            - KNOWLEDGE_TERM * (s.knowledge[r] - 0.2)
            + 1.5 * (pressure - 0.5)
            + min(s.blamed[r, i], 2.0)
            + 1.5 * contest
            - 2.0 * mediation
            - 1.5 * (prior[i] / max(ties[i], 1.0))
            - 1.0 * p.joint_problem_solving[r]
            + _MODE_BLAME[s.governance[r]]
            + SALIENCE_SD * z_salience
        )
        out[i] = _sigmoid(x)
    return out


@inline
def _blame(s: Any, p: Any, r: int, month: int, live: Any, blame: Any, w: Any) -> None:
    n = s.status.shape[1]
    # each blamer's target: its best-scoring candidate tie (State.pick_one_per_src); draws are
    # pure functions of the slot, so only candidates need theirs
    candidates, score, best = w.tie_flag[0], w.tie_value, w.org[0]
    best[:] = -np.inf
    for e in range(live.shape[0]):
        i = s.src[r, e]
        candidates[e] = live[e] and blame[i]
        if candidates[e]:
            score[e] = (1.0 - s.trust[r, e]) + 0.5 * draw(s.keys, r, _S_BLAME_TARGET, month, e)
            if score[e] > best[i]:
                best[i] = score[e]
    target = w.tie_flag[1]
    target[:] = False
    for e in range(live.shape[0]):
        target[e] = candidates[e] and score[e] == best[s.src[r, e]]
    severity = p.blame_severity[r]
    blamed_count = w.org[1]
    blamed_count[:] = 0.0
    # a target or its reverse hits a slot only if the slot is live; a tie is live in both
    # directions or neither (its two slots, e and e ^ 1, are made, made dormant and brokered
    # together), so slots past the live ones have no hits and keep their experience
    for e in range(live.shape[0]):
        hits = (1.0 if target[e] else 0.0) + (1.0 if target[s.rev[r, e]] else 0.0)
        s.experience[r, e] = s.experience[r, e] - severity * hits
        if target[e]:
            blamed_count[s.dst[r, e]] += 1.0
    involved = w.flag[2]
    for i in range(n):
        involved[i] = blamed_count[i] > 0 or blame[i]
    for e in range(live.shape[0]):
        if live[e] and not involved[s.src[r, e]] and involved[s.dst[r, e]]:
            s.experience[r, e] = s.experience[r, e] - p.trust_spillover[r] * severity
        if target[e] or target[s.rev[r, e]]:
            s.last_blame[r, e] = month
    for i in range(n):
        s.blamed[r, i] = s.blamed[r, i] + blamed_count[i]
        if blamed_count[i] > 0:
            s.frustration[r, i] = s.frustration[r, i] + 0.1 * (1 - s.frustration[r, i])


@inline
def setback_response(
    s: Any, p: Any, r: int, month: int, z_salience: float, act: Any, live: Any, w: Any
) -> None:
    """:func:`cisim.model.mechanisms.setback_response.setback_response` for row ``r``."""
    n = s.status.shape[1]
    if s.alive[r]:
        for i in range(n):
            s.blamed[r, i] = s.blamed[r, i] * BLAMED_DECAY
    blame, learn = w.flag[0], w.flag[1]
    blame[:] = False
    learn[:] = False
    n_active = 0
    for i in range(n):
        n_active += act[i]
    if s.setback_now[r] and n_active > 0:
        chance = _blame_probability(s, p, r, act, live, z_salience, w)
        for i in range(n):
            if act[i]:
                blame[i] = draw(s.keys, r, _S_ATTRIBUTION, month, i) < chance[i]
                learn[i] = not blame[i]
        _blame(s, p, r, month, live, blame, w)
        for i in range(n):
            if learn[i]:
                s.understanding[r, i] = s.understanding[r, i] + 0.15 * (1 - s.understanding[r, i])
        for e in range(live.shape[0]):
            if live[e] and learn[s.dst[r, e]]:
                s.experience[r, e] += 1.0
    n_blame = 0
    n_learn = 0
    for i in range(n):
        s.learned_now[r, i] = learn[i]
        s.blamed_now[r, i] = blame[i]
        n_blame += blame[i]
        n_learn += learn[i]
    s.blame_now[r] = n_blame
    s.learning_now[r] = n_learn
    s.blame_total[r] += n_blame
    s.learning_total[r] += n_learn
    m = max(n_active, 1)
    b_share = n_blame / m
    l_share = n_learn / m
    oc = s.operational_capacity[r]
    s.operational_capacity[r] = _clip(oc + 0.1 * l_share * (1 - oc) - 0.15 * b_share * oc, 0.0, 1.0)
    s.task_scope[r] = s.task_scope[r] * (1.0 - 0.15 * l_share)
    climate = s.blame_climate[r]
    shift = CLIMATE_RATE * (b_share - climate) if s.setback_now[r] and s.alive[r] else 0.0
    s.blame_climate[r] = _clip(climate + shift, 0.0, 1.0)
    c = s.conflict[r]
    s.conflict[r] = _clip(
        c + 0.3 * b_share * _contest(p.authority_contest[r], p.resources[r]) * (1 - c), 0.0, 1.0
    )
    has_navigator = 1.0 if p.navigator[r] > 0 else 0.0
    s.credibility[r] = s.credibility[r] * (1.0 - 0.1 * b_share * has_navigator)


@inline
def trust(s: Any, p: Any, r: int, month: int, act: Any, live: Any, w: Any) -> None:
    """:func:`cisim.model.mechanisms.trust.trust` for row ``r``."""
    n = s.status.shape[1]
    e_n = s.src.shape[1]
    commit = w.org[0]
    for i in range(n):
        cap = s.capacity[r, i]
        commit[i] = s.contribution[r, i] / max(cap, 1e-12) if cap > 0 else 0.0
    build = p.trust_build_rate[r]
    erosion = p.trust_erosion_rate[r]
    updated, in_sum, in_count = w.tie_value, w.org[1], w.org[2]
    in_sum[:] = 0.0
    in_count[:] = 0.0
    for e in range(live.shape[0]):
        if not live[e]:
            continue
        t = s.trust[r, e]
        x = s.experience[r, e] + RECIPROCITY_WEIGHT * (commit[s.dst[r, e]] - t)
        # the spec's two branches, as the same products picked without a jump (the sign of x
        # is a coin toss the processor mispredicts half the time)
        up = x > 0
        delta = ((build if up else erosion) * x) * ((1.0 - t) if up else t)
        updated[e] = _clip(t + delta, 0.0, 1.0)
        in_sum[s.dst[r, e]] += updated[e]
        in_count[s.dst[r, e]] += 1.0
    reputation = w.org[3]  # mean trust over the live ties into each organisation
    for j in range(n):
        reputation[j] = in_sum[j] / max(in_count[j], 1.0)
    weight = p.reputation_weight[r]
    for e in range(live.shape[0]):
        if live[e]:
            rep = reputation[s.dst[r, e]]
            s.trust[r, e] = _clip(updated[e] + weight * (rep - updated[e]), 0.0, 1.0)
    for e in range(e_n):
        s.experience[r, e] = 0.0


@inline
def navigator(s: Any, p: Any, r: int, month: int, act: Any, live: Any, w: Any) -> None:
    """:func:`cisim.model.mechanisms.navigator.navigator` for row ``r``."""
    n = s.status.shape[1]
    has = p.navigator[r] > 0 and s.alive[r]
    cred = s.credibility[r]
    budget = math.floor(p.navigator[r] * p.navigator_capacity[r] * cred + 0.5)
    if not has or budget <= 0:  # nobody is attended to
        for i in range(n):
            s.attended[r, i] = False
        s.navigator_activity[r] = 0
        if has:
            s.credibility[r] = cred + CREDIBILITY_RECOVERY * (p.navigator_credibility[r] - cred)
        return
    trust_i = _mean_out_trust_of(
        s.trust[r], s.src[r], live, p.initial_trust[r], w.org[0], w.org[1], w.org[2]
    )
    minus_need = w.org[3]
    for i in range(n):
        score = (
            (1.0 - s.onboarding[r, i])
            + s.blamed[r, i]
            + 2.0 * max(0.5 - trust_i[i], 0.0)
            + 0.5 * s.frustration[r, i]
        )
        jitter = 0.01 * draw(s.keys, r, _S_NAVIGATOR, month, i)
        minus_need[i] = -(score + jitter) if act[i] else np.inf
    # the ``budget`` active members in most need, ties to the lower slot: the first ``budget``
    # of the array code's stable sort, found by selection (budget is small)
    attended = w.flag[0]
    attended[:] = False
    count = 0
    for _ in range(min(budget, n)):
        best = -1
        for i in range(n):
            if act[i] and not attended[i] and (best < 0 or minus_need[i] < minus_need[best]):
                best = i
        if best < 0:
            break
        attended[best] = True
        count += 1
    for i in range(n):
        s.attended[r, i] = attended[i]
    s.navigator_activity[r] = count
    for e in range(live.shape[0]):
        if live[e] and (attended[s.src[r, e]] or attended[s.dst[r, e]]):
            s.experience[r, e] += 0.5 * cred
    for i in range(n):
        if attended[i]:
            s.frustration[r, i] = 0.8 * s.frustration[r, i]
    if count > 0:
        _broker(s, r, month, act, attended, w)
    if has:
        s.credibility[r] = cred + CREDIBILITY_RECOVERY * (p.navigator_credibility[r] - cred)


@inline
def _broker(s: Any, r: int, month: int, act: Any, attended: Any, w: Any) -> None:
    n = s.status.shape[1]
    e_n = s.src.shape[1]
    lucky = w.flag[1]
    lucky[:] = False
    any_lucky = False
    for i in range(n):
        if attended[i] and draw(s.keys, r, _S_BROKER, month, i) < BROKER_CHANCE:
            lucky[i] = True
            any_lucky = True
    if not any_lucky:
        return
    # each lucky member's best dormant tie to an active member (draws are pure functions of
    # the slot, so only candidate slots need theirs)
    best, score, candidates = w.org[4], w.tie_value, w.tie_flag[0]
    best[:] = -np.inf
    candidates[:] = False
    for e in range(e_n):
        i, j = s.src[r, e], s.dst[r, e]
        if s.exists[r, e] and s.dormant[r, e] and lucky[i] and act[j]:
            candidates[e] = True
            other_sector = 0.5 if s.sector[r, i] != s.sector[r, j] else 0.0
            score[e] = draw(s.keys, r, _S_BROKER_TIE, month, e) + other_sector
            if score[e] > best[i]:
                best[i] = score[e]
    for e in range(e_n):
        if candidates[e] and score[e] == best[s.src[r, e]]:
            s.dormant[r, e] = False
            s.dormant[r, s.rev[r, e]] = False


@inline
def community(s: Any, p: Any, r: int, month: int) -> None:
    """:func:`cisim.model.mechanisms.community.community` for row ``r``."""
    if not s.alive[r]:
        return
    ce = p.community_engagement[r]
    sup = s.support[r]
    support = sup + 0.05 * ce * (1 - sup) - 0.01 * sup
    k = s.knowledge[r]
    reviewed = 1.0 if s.reviewed_now[r] else 0.0
    know = k + 0.03 * ce * (1 - k) + 0.05 * p.data_use[r] * reviewed * (1 - k)
    granted = 0.0 if p.authority_self_assigned[r] else 1.0
    target = 0.2 + 0.3 * support + 0.5 * s.progress[r] - 0.3 * s.conflict[r] + 0.1 * granted
    legit = s.legitimacy[r]
    s.support[r] = support
    s.knowledge[r] = know
    s.legitimacy[r] = legit + 0.05 * (_clip(target, 0.0, 1.0) - legit)


@inline
def adaptation(s: Any, p: Any, r: int, month: int, act: Any) -> None:
    """:func:`cisim.model.mechanisms.adaptation.adaptation` for row ``r``.

    ``act``: who was active at the month's start, still active (only membership changes that).
    """
    if not s.alive[r]:
        return
    long_talk = not s.entry_found[r] and month >= 12 and _row_mean(s.frustration[r], act) > 0.5
    stuck = s.setbacks_in_row[r] >= 2 or s.conflict[r] > 0.4 or long_talk
    adapt = stuck and draw(s.keys, r, _S_ADAPTATION, month, 0) < ADAPT_RATE * p.adaptability[r]
    if adapt:
        shift = 2 if draw(s.keys, r, _S_GOVERNANCE, month, 0) < 0.5 else 1
        s.governance[r] = (s.governance[r] + shift) % 3
        s.governance_changes[r] += 1
        s.conflict[r] = 0.5 * s.conflict[r]
        if s.entry_found[r]:
            s.task_scope[r] = 0.8 * s.task_scope[r]
        s.blame_climate[r] = CLIMATE_RESET * s.blame_climate[r]
        s.setbacks_in_row[r] = 0
        for i in range(s.status.shape[1]):
            s.frustration[r, i] = 0.8 * s.frustration[r, i]
    c = s.conflict[r]
    flare = 0.02 * p.authority_contest[r] * p.resources[r] * (1 - c) - 0.01 * c
    s.conflict[r] = _clip(c + flare, 0.0, 1.0)


@inline
def membership(s: Any, p: Any, r: int, month: int) -> None:
    """:func:`cisim.model.mechanisms.membership.membership` for row ``r``."""
    if not s.alive[r]:
        return
    n = s.status.shape[1]
    value = 0.5 * (s.legitimacy[r] + s.progress[r])
    for i in range(n):
        if s.status[r, i] != ACTIVE:
            continue
        u = draw(s.keys, r, _S_EXIT, month, i)
        if u >= 0.5:  # the hazard is capped at 0.5: no need to compute it
            continue
        x = (
            2.5 * (s.frustration[r, i] - 0.5)
            + min(s.blamed[r, i], 1.0)
            - 3.0 * (value - 0.3)
            - 2.0 * (s.alignment[r, i] - 0.5)
        )
        if u < min(0.5, p.exit_base_rate[r] * math.exp(x)):
            s.status[r, i] = EXITED
    factor = 1.0 if s.entry_found[r] else 1.0 / 3.0
    join = p.join_base_rate[r] * s.legitimacy[r] * factor
    active = 0
    for i in range(n):
        if s.status[r, i] == CANDIDATE and draw(s.keys, r, _S_JOIN, month, i) < join:
            s.status[r, i] = ACTIVE
            s.onboarding[r, i] = 0.0
            s.tenure[r, i] = 0
            s.understanding[r, i] = 0.2
            s.representatives[r, i] += 1
        active += s.status[r, i] == ACTIVE
    threshold = max(2, math.ceil(p.dissolution_share[r] * s.initial_members[r] - 1e-9))
    if active < threshold:
        s.dissolved_month[r] = month
        s.alive[r] = False


# ---- the metrics ------------------------------------------------------------------------------
#: The metrics :func:`_measure` computes: ``out[k]`` is the registry's ``k``-th metric.
MEASURED = tuple(REGISTRY)


@jit
def _mean_sd(values: Any, mask: Any) -> Any:
    """``row_mean`` and ``metrics._sd`` of one row."""
    mean = _row_mean(values, mask)
    total = 0.0
    count = 0
    for i in range(values.shape[0]):
        if mask[i]:
            d = values[i] - mean
            total += d * d
            count += 1
    var = total / max(count, 1) if count > 0 else 0.0
    return mean, math.sqrt(max(var, 0.0))


@inline
def _measure(s: Any, r: int, out: Any, w: Any) -> int:
    """Every metric of :data:`MEASURED` for row ``r`` into ``out[k]`` (the registry's functions).

    Leaves the masks of active members and live ties for the next step in ``w.act`` and
    ``w.live``: while the collaboration runs, its members are its active members and the ties
    between them its live ties. Returns where the live ties end (one past the last live slot):
    passes over live ties need go no further (dormant ties sit at the end of a row, and so, in
    generated networks, do most ties between outsiders who have not joined).
    """
    n = s.status.shape[1]
    e_n = s.src.shape[1]
    members, live, share = w.act, w.live, w.org[0]
    n_members = 0
    turnover_events = 0
    for i in range(n):
        members[i] = s.status[r, i] == ACTIVE
        n_members += members[i]
        turnover_events += members[i] and s.left_now[r, i]
        cap = s.capacity[r, i]
        share[i] = s.contribution[r, i] / max(cap, 1e-12) if cap > 0 else 0.0
    # trust over the ties between members: the mean in the same pass that finds them
    ties = w.live_slots
    n_ties = 0
    total = 0.0
    for e in range(e_n):
        live[e] = False
        if s.exists[r, e] and not s.dormant[r, e] and members[s.src[r, e]] and members[s.dst[r, e]]:
            ties[n_ties] = e
            n_ties += 1
            total += s.trust[r, e]
            live[e] = True
    end = ties[n_ties - 1] + 1 if n_ties > 0 else 0
    mean = total / max(n_ties, 1) if n_ties > 0 else 0.0
    squares = 0.0
    for k in range(n_ties):
        d = s.trust[r, ties[k]] - mean
        squares += d * d
    var = squares / max(n_ties, 1) if n_ties > 0 else 0.0
    out[0], out[1] = mean, math.sqrt(max(var, 0.0))
    out[2], out[3] = _mean_sd(s.understanding[r], members)
    out[4] = s.progress[r]
    out[5] = s.legitimacy[r]
    out[6] = s.support[r]
    out[7] = s.knowledge[r]
    out[8] = s.operational_capacity[r]
    out[9], out[10] = _mean_sd(share, members)
    out[11] = n_members
    out[12] = s.learning_now[r]
    out[13] = s.blame_now[r]
    out[14] = s.navigator_activity[r]
    out[15] = turnover_events
    out[16] = s.conflict[r]
    out[17] = s.blame_climate[r]
    out[18] = 1.0 if s.entry_found[r] else 0.0
    out[19] = s.wins[r]
    out[20] = n_ties
    out[21] = s.governance[r]
    out[22] = 1.0 if s.alive[r] else 0.0
    if s.alive[r]:
        return end
    members[:] = False
    live[:] = False
    return 0


# ---- the step and the run ------------------------------------------------------------------------
@inline
def _step_row(
    s: Any,
    p: Any,
    r: int,
    month: int,
    z_outcome: float,
    z_salience: float,
    end: int,
    w: Any,
) -> None:
    # Who is active and which ties are live change only when the navigator brokers a tie (at the
    # end of its turn) and in membership, so the masks of the month's start (found by the last
    # month's metrics) serve every mechanism before membership (adaptation reads only ``act``).
    act, live = w.act, w.live[:end]
    trust_i, mean_trust = turnover(s, p, r, month, act, live, w)
    entry_point(s, p, r, month, act, trust_i, mean_trust, w)
    contribution(s, p, r, month, act, trust_i)
    joint_work(s, p, r, month, z_outcome, act, live, w)
    setback_response(s, p, r, month, z_salience, act, live, w)
    trust(s, p, r, month, act, live, w)
    navigator(s, p, r, month, act, live, w)
    community(s, p, r, month)
    adaptation(s, p, r, month, act)
    membership(s, p, r, month)


#: The mechanisms in the order of the step (the order of :data:`cisim.model.mechanisms.SCHEDULE`).
MECHANISMS = (
    "turnover",
    "entry_point",
    "contribution",
    "joint_work",
    "setback_response",
    "trust",
    "navigator",
    "community",
    "adaptation",
    "membership",
)


@inline
def _adjacency(src: Any, dst: Any, w: Any) -> None:
    """Each organisation's outgoing and incoming tie slots, in slot order (fixed for a run),
    into ``w``: organisation ``i``'s are ``out_slots[out_start[i]:out_start[i + 1]]``."""
    out_start, out_slots, in_start, in_slots, cursor = (
        w.out_start,
        w.out_slots,
        w.in_start,
        w.in_slots,
        w.cursor,
    )
    out_start[:] = 0
    in_start[:] = 0
    for e in range(src.shape[0]):
        out_start[src[e] + 1] += 1
        in_start[dst[e] + 1] += 1
    for i in range(cursor.shape[0]):
        out_start[i + 1] += out_start[i]
        in_start[i + 1] += in_start[i]
    for i in range(cursor.shape[0]):
        cursor[i] = out_start[i]
    for e in range(src.shape[0]):
        out_slots[cursor[src[e]]] = e
        cursor[src[e]] += 1
    for i in range(cursor.shape[0]):
        cursor[i] = in_start[i]
    for e in range(src.shape[0]):
        in_slots[cursor[dst[e]]] = e
        cursor[dst[e]] += 1


@jit
def _run_rows(
    s: Any, p: Any, month: int, z_outcome: Any, z_salience: Any, out: Any, w: Any
) -> None:
    """Each row runs every month in turn (its state stays in cache), measuring as it goes."""
    months = z_outcome.shape[0]
    for r in range(s.status.shape[0]):
        _adjacency(s.src[r], s.dst[r], w)
        end = 0
        for t in range(months + 1):
            if t > 0:
                zo, zs = z_outcome[t - 1, r], z_salience[t - 1, r]
                _step_row(s, p, r, month + t, zo, zs, end, w)
            end = _measure(s, r, out[r, t], w)


@jit
def _measure_rows(s: Any, out: Any, w: Any) -> None:
    for r in range(s.status.shape[0]):
        _measure(s, r, out[:, r], w)


def step(st: State, p: Params) -> None:
    """Advance every replicate in the batch by one month (compiled; same as the mechanisms)."""
    run(st, p, 1)


def run(st: State, p: Params, months: int) -> Any:
    """Run ``months`` steps; every metric of :data:`MEASURED`, ``(metrics, months + 1, R)``."""
    first = st.month
    z_outcome = np.empty((months, st.replicates))
    z_salience = np.empty((months, st.replicates))
    for t in range(months):
        z_outcome[t] = normal(st.keys, Stream.OUTCOME, first + 1 + t)
        z_salience[t] = normal(st.keys, Stream.SALIENCE, first + 1 + t)
    # each row writes its metrics contiguously (row, month, metric); the caller gets them as
    # (metric, month, row), one contiguous (month, row) table per metric
    out = np.empty((st.replicates, months + 1, len(MEASURED)))
    w = work(st.slots, st.src.shape[1])
    _run_rows(state_arrays(st), param_arrays(p), first, z_outcome, z_salience, out, w)
    st.month = first + months
    return np.ascontiguousarray(out.transpose(2, 1, 0))


def measure(st: State) -> Any:
    """Every metric of :data:`MEASURED` for every row, ``(metrics, R)``."""
    out = np.empty((len(MEASURED), st.replicates))
    _measure_rows(state_arrays(st), out, work(st.slots, st.src.shape[1]))
    return out


def state_arrays(st: State) -> Any:
    """The state's arrays as a :data:`StateArrays`, each C-contiguous with its canonical dtype.

    A field that is not (a view, another dtype) is replaced on ``st`` by a converted copy first,
    so the compiled code's writes land in the state.
    """
    values = []
    for name in _STATE_FIELDS:
        value = getattr(st, name)
        arr = np.ascontiguousarray(value, dtype=_DTYPES[name])
        if arr is not value:
            setattr(st, name, arr)
        values.append(arr)
    return StateArrays(*values)


def param_arrays(p: Params) -> Any:
    """The parameters as a :data:`ParamArrays` of C-contiguous arrays."""
    return ParamArrays(
        *(np.ascontiguousarray(getattr(p, n), dtype=_DTYPES[n]) for n in _PARAM_FIELDS)
    )


def warm() -> None:
    """Compile the step, the run and the metrics now (or load them from numba's cache).

    ``./dev`` calls this after installing, so that tests and worker processes start with the
    compiled code on disk instead of compiling it each (about half a minute).
    """
    from cisim.model.population import RunSpec, build_state
    from cisim.model.scenario import Scenario

    st, p = build_state([RunSpec(Scenario.preset("baseline"), 0, 0)])
    run(st, p, 1)
    step(st, p)
    measure(st)

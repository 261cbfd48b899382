"""Navigators: limited attention, to the neediest first; repair, pace, brokering."""

from __future__ import annotations

import numpy as np
import pytest

from cisim import engine
from cisim.model.mechanisms.navigator import BRIEFING, COACHING, attention, navigator
from cisim.model.state import CANDIDATE, EXITED

pytestmark = pytest.mark.xdist_group("mechanisms")


def _navigated(make_state, **overrides):
    settings = {
        "n": 3,
        "navigator": 1,
        "navigator_capacity": 1,
        "navigator_credibility": 1.0,
        **overrides,
    }
    return make_state(**settings)


def _navigate(st, p, month=1):
    engine.apply(navigator, st, p, month=month)


def _gather(values, index):
    """``values`` (R, N) at each tie's ``index`` end (``st.src`` or ``st.dst``), (R, E)."""
    return np.take_along_axis(values, index, 1)


def test_navigator__none_does_nothing(make_state):
    st, p = make_state(n=3, navigator=0)
    st.frustration[:] = 0.5
    st.onboarding[:] = 0.0
    _navigate(st, p)
    assert not st.attended.any()
    assert (st.navigator_activity == 0).all()
    assert (st.experience == 0).all()
    assert (st.frustration == 0.5).all()
    assert (st.credibility == 0).all()


def test_navigator__attention_goes_to_the_neediest_first(make_state):
    for neediest, setup in (
        (2, lambda st: st.onboarding.__setitem__((0, 2), 0.0)),  # a new representative
        (1, lambda st: st.blamed.__setitem__((0, 1), 1.5)),  # recently blamed
        (0, lambda st: st.frustration.__setitem__((0, 0), 0.9)),  # frustrated
    ):
        st, p = _navigated(make_state)
        setup(st)
        _navigate(st, p)
        assert np.flatnonzero(st.attended[0]).tolist() == [neediest]
        assert st.navigator_activity[0] == 1


def test_navigator__low_trust_members_need_it_more(make_state, tie):
    st, p = _navigated(make_state)
    st.trust[0, [tie(st, 1, 0), tie(st, 1, 2)]] = 0.1
    _navigate(st, p)
    assert np.flatnonzero(st.attended[0]).tolist() == [1]


def test_navigator__need_ranks_by_documented_drivers(make_state):
    # each driver alone makes the one member it is set for the one attended to, in every row
    # (ties between equally needy members are broken at random, so no member is first by slot)
    plain, pp = _navigated(make_state, replicates=30)
    _navigate(plain, pp)
    assert len(set(np.flatnonzero(plain.attended) % 3)) > 1  # a plain state: any member
    for member in (0, 2):
        for field, value in (("onboarding", 0.0), ("blamed", 1.0), ("frustration", 1.0)):
            st, p = _navigated(make_state, replicates=30)
            getattr(st, field)[:, member] = value
            _navigate(st, p)
            assert st.attended[:, member].all(), (field, member)
            assert (st.attended.sum(axis=1) == 1).all()


def test_navigator__attention_is_limited_by_capacity_and_credibility(make_state):
    for navs, capacity, credibility, expected in (
        (1, 1, 1.0, 1),
        (1, 2, 1.0, 2),
        (2, 1, 1.0, 2),
        (1, 50, 1.0, 4),  # never more than the active members
        (1, 2, 0.0, 0),  # no credibility, no attention
    ):
        st, p = _navigated(
            make_state,
            n=4,
            navigator=navs,
            navigator_capacity=capacity,
            navigator_credibility=max(credibility, 0.5),
        )
        st.credibility[:] = credibility
        _navigate(st, p)
        assert st.attended.sum() == expected
        assert st.navigator_activity[0] == expected


def test_navigator__attention_is_the_rounded_budget():
    assert attention(1, 1, 1.0) == 1
    assert attention(2, 3, 1.0) == 6
    assert attention(1, 4, 0.5) == 2
    assert attention(1, 1, 0.4) == 0 and attention(1, 1, 0.6) == 1
    assert attention(0, 10, 1.0) == 0


def test_navigator__attends_only_active_members(make_state):
    st, p = _navigated(make_state, navigator_capacity=10)
    st.status[0, 1], st.status[0, 2] = CANDIDATE, EXITED
    _navigate(st, p)
    assert st.attended[0].tolist() == [True, False, False]


def test_navigator__repairs_ties_and_eases_frustration(make_state, tie):
    st, p = _navigated(make_state)
    st.onboarding[0, 0] = 0.0
    st.frustration[:] = 0.5
    _navigate(st, p)
    touched = [tie(st, 0, 1), tie(st, 1, 0), tie(st, 0, 2), tie(st, 2, 0)]
    assert (st.experience[0, touched] > 0).all()
    assert (st.experience[0, [tie(st, 1, 2), tie(st, 2, 1)]] == 0).all()
    assert st.frustration[0, 0] < 0.5
    assert (st.frustration[0, 1:] == 0.5).all()


def test_navigator__repair_is_worth_its_credibility(make_state, tie):
    repaired = []
    for credibility in (1.0, 0.5):
        st, p = _navigated(make_state, navigator_capacity=2)
        st.credibility[:] = credibility
        st.onboarding[0, 0] = 0.0
        _navigate(st, p)
        repaired.append(st.experience[0, tie(st, 0, 1)])
    assert repaired[0] == 2 * repaired[1] > 0


def test_navigator__credibility_recovers_towards_initial(make_state):
    st, p = _navigated(make_state, navigator_credibility=0.8)
    st.credibility[:] = 0.4
    _navigate(st, p)
    assert 0.4 < st.credibility[0] < 0.8


def test_navigator__brokers_dormant_ties_into_live_ones(make_state):
    # four organisations, two ties, every other pair dormant; everyone is attended
    st, p = make_state(
        n=4,
        replicates=10,
        network="random",
        mean_degree=1.0,
        dormant_ties=2.0,
        navigator=2,
        navigator_capacity=2,
    )
    dormant0 = st.dormant.copy()
    assert dormant0.any()
    live0 = st.live.copy()
    for month in range(1, 13):
        before = st.dormant.copy()
        _navigate(st, p, month)
        woken = before & ~st.dormant
        assert np.array_equal(woken, _gather(woken, st.rev))  # both directions at once
        assert (woken.sum(axis=1) <= 2 * st.attended.sum(axis=1)).all()  # one per broker
        attended = _gather(st.attended, st.src) | _gather(st.attended, st.dst)
        assert attended[woken].all()
        assert (_gather(st.active, st.src) & _gather(st.active, st.dst))[woken].all()
    assert (st.dormant <= dormant0).all()
    assert (st.live >= live0).all()
    assert st.live.sum() > live0.sum()


def test_navigator__brokers_only_for_attended_members(make_state):
    st, p = make_state(
        n=4,
        replicates=10,
        network="random",
        mean_degree=1.0,
        dormant_ties=2.0,
        navigator=0,
    )
    dormant = st.dormant.copy()
    for month in range(1, 25):
        _navigate(st, p, month)
    assert np.array_equal(st.dormant, dormant)


def test_navigator__dissolved_collaboration_is_frozen(make_state):
    st, p = _navigated(make_state, replicates=2)
    st.alive[1] = False
    st.credibility[:] = 0.6
    st.frustration[:] = 0.5
    _navigate(st, p)
    assert st.attended[0].any() and not st.attended[1].any()
    assert st.navigator_activity[1] == 0
    assert st.credibility[1] == 0.6
    assert (st.frustration[1] == 0.5).all()
    assert (st.experience[1] == 0).all()


def _newcomer_attended(make_state, credibility=1.0, **overrides):
    """Member 0 a new representative (the neediest, so the one attended), members' understanding
    0.1, 0.7 and 0.7 (their mean 0.5) and habits 0.6; the navigator attends one member."""
    st, p = _navigated(make_state, replicates=2, navigator_credibility=1.0, **overrides)
    st.credibility[:] = credibility
    st.onboarding[:, 0] = 0.0
    st.understanding[:] = [0.1, 0.7, 0.7]
    st.habit[:] = 0.6
    _navigate(st, p)
    assert st.attended[:, 0].all() and (st.attended.sum(axis=1) == 1).all()
    return st


def test_navigator__briefs_a_newcomer_towards_the_members_understanding(make_state):
    # half the gap to the members' mean understanding (0.5), times credibility
    st = _newcomer_attended(make_state)
    assert np.allclose(st.understanding[:, 0], 0.1 + BRIEFING * (0.5 - 0.1))
    assert (st.understanding[:, 1:] == 0.7).all()
    half = _newcomer_attended(make_state, credibility=0.5)
    assert np.allclose(half.understanding[:, 0], 0.1 + 0.5 * BRIEFING * (0.5 - 0.1))


def test_navigator__coaches_a_newcomer_out_of_blaming(make_state):
    st = _newcomer_attended(make_state)
    assert np.allclose(st.habit[:, 0], 0.6 * (1 - COACHING))
    assert (st.habit[:, 1:] == 0.6).all()
    half = _newcomer_attended(make_state, credibility=0.5)
    assert np.allclose(half.habit[:, 0], 0.6 * (1 - 0.5 * COACHING))


def test_navigator__briefing_never_lowers_understanding(make_state):
    # a newcomer who already understands more than the members keeps what it understands
    st, p = _navigated(make_state)
    st.onboarding[0, 0] = 0.0
    st.understanding[0] = [0.9, 0.2, 0.2]
    _navigate(st, p)
    assert st.attended[0, 0]
    assert st.understanding[0, 0] == 0.9


def test_navigator__briefs_and_coaches_newcomers_only(make_state):
    # an attended member who is settled in (here: the frustrated one) is neither briefed nor
    # coached; a newcomer left unattended (the navigator's attention is spent) is neither
    st, p = _navigated(make_state, replicates=2)
    st.frustration[:, 0] = 1.0  # the neediest: attended
    st.onboarding[:, 1] = 0.8  # a newcomer, less needy
    st.understanding[:] = [0.1, 0.1, 0.9]
    st.habit[:] = 0.6
    understanding, habit = st.understanding.copy(), st.habit.copy()
    _navigate(st, p)
    assert st.attended[:, 0].all() and not st.attended[:, 1:].any()
    assert np.array_equal(st.understanding, understanding)
    assert np.array_equal(st.habit, habit)


def test_navigator__without_credibility_no_briefing_or_coaching(make_state):
    st, p = _navigated(make_state, navigator_capacity=3)
    st.credibility[:] = 0.0
    st.onboarding[0, 0] = 0.0
    understanding, habit = st.understanding.copy(), st.habit.copy()
    _navigate(st, p)
    assert np.array_equal(st.understanding, understanding)
    assert np.array_equal(st.habit, habit)

"""Turnover of representatives: who leaves, and what a newcomer starts from."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from cisim import engine
from cisim.model.mechanisms.turnover import NEWCOMER_WEIGHT, settled, turnover
from cisim.model.state import CANDIDATE, EXITED

pytestmark = pytest.mark.xdist_group("mechanisms")


def test_turnover__hazard_one_every_representative_leaves(make_state):
    st, p = make_state(n=3, replicates=4)
    st.turnover[:] = 1.0
    before = st.representatives.copy()
    engine.apply(turnover, st, p, month=1)
    assert st.left_now.all()
    assert (st.representatives == before + 1).all()
    assert (st.tenure == 0).all()
    assert (st.onboarding == 0).all()


def test_turnover__hazard_zero_nobody_leaves(make_state):
    st, p = make_state(n=3, replicates=4)
    st.turnover[:] = 0.0
    for month in range(1, 25):
        tenure = st.tenure.copy()
        engine.apply(turnover, st, p, month=month)
        assert not st.left_now.any()
        assert (st.tenure == tenure + 1).all()
    assert (st.representatives == 1).all()


def test_turnover__leavers_grow_with_the_hazard(make_state):
    # common random numbers: raising one organisation's hazard never spares a leaver
    left = []
    for hazard in (0.1, 0.3, 0.6, 0.9):
        st, p = make_state(n=3, replicates=50)
        st.turnover[:] = hazard
        engine.apply(turnover, st, p, month=7)
        left.append(st.left_now.copy())
    for fewer, more in itertools.pairwise(left):
        assert (more | ~fewer).all()
        assert more.sum() > fewer.sum()


def test_turnover__only_active_members_turn_over(make_state):
    st, p = make_state(n=3)
    st.turnover[:] = 1.0
    st.status[0, 1] = CANDIDATE
    st.status[0, 2] = EXITED
    engine.apply(turnover, st, p, month=1)
    assert st.left_now[0].tolist() == [True, False, False]
    assert st.tenure[0].tolist() == [0, 12, 12]  # only members' tenure moves


def test_turnover__newcomer_starts_from_institutional_trust(make_state, tie):
    st, p = make_state(n=3)
    st.turnover[0] = [1.0, 0.0, 0.0]
    out = [tie(st, 0, 1), tie(st, 0, 2)]
    st.trust[0, out] = 0.9
    st.institutional_trust[0, out] = [0.3, 0.6]
    engine.apply(turnover, st, p, month=1)
    assert st.left_now[0].tolist() == [True, False, False]
    # institutional trust then follows the newcomer's trust, which now equals it
    assert np.array_equal(st.trust[0, out], [0.3, 0.6])
    assert st.onboarding[0, 0] == 0.0
    assert st.tenure[0, 0] == 0


def test_turnover__partners_trust_in_newcomer_moves_towards_institutional(make_state, tie):
    st, p = make_state(n=3)
    st.turnover[0] = [1.0, 0.0, 0.0]
    into = [tie(st, 1, 0), tie(st, 2, 0)]
    st.trust[0, into] = [0.9, 0.1]
    st.institutional_trust[0, into] = 0.5
    engine.apply(turnover, st, p, month=1)
    new = st.trust[0, into]
    assert 0.5 < new[0] < 0.9
    assert 0.1 < new[1] < 0.5
    assert np.allclose(new, [0.7, 0.3])  # half way


def test_turnover__trust_between_stayers_is_untouched(make_state, tie):
    st, p = make_state(n=3)
    st.turnover[0] = [1.0, 0.0, 0.0]
    between = [tie(st, 1, 2), tie(st, 2, 1)]
    st.trust[0, between] = [0.8, 0.2]
    st.institutional_trust[0, between] = 0.5
    engine.apply(turnover, st, p, month=1)
    assert np.array_equal(st.trust[0, between], [0.8, 0.2])


def test_turnover__newcomer_keeps_only_institutional_memory(make_state):
    for memory, check in ((1.0, lambda u: u == 0.6), (0.0, lambda u: u == 0.0)):
        st, p = make_state(n=3, institutional_memory=memory)
        st.understanding[:] = 0.6
        st.turnover[0] = [1.0, 0.0, 0.0]
        engine.apply(turnover, st, p, month=1)
        assert check(st.understanding[0, 0])
        assert (st.understanding[0, 1:] == 0.6).all()
    st, p = make_state(n=3, institutional_memory=0.3)
    st.understanding[:] = 0.6
    st.turnover[0] = [1.0, 0.0, 0.0]
    engine.apply(turnover, st, p, month=1)
    assert 0.0 < st.understanding[0, 0] < 0.6


def test_turnover__onboarding_completes_within_onboarding_months(make_state):
    st, p = make_state(n=3, onboarding_months=5.0)
    st.onboarding[:] = 0.0
    path = []
    for month in range(1, 7):
        engine.apply(turnover, st, p, month=month)
        path.append(st.onboarding[0, 0])
    assert all(a < b for a, b in itertools.pairwise(path[:4]))
    assert path[3] < 1.0
    assert path[5] == 1.0


def test_turnover__navigator_attention_speeds_onboarding(make_state):
    st, p = make_state(n=3, onboarding_months=6.0)
    st.onboarding[:] = 0.0
    st.attended[0] = [True, False, False]
    engine.apply(turnover, st, p, month=1)
    assert st.onboarding[0, 0] > st.onboarding[0, 1] > 0.0
    assert st.onboarding[0, 0] == pytest.approx(2 * st.onboarding[0, 1])


def test_turnover__institutional_trust_follows_slowly(make_state, tie):
    st, p = make_state(n=3, institutional_trust_rate=0.1)
    k = tie(st, 1, 2)
    st.trust[0, k], st.institutional_trust[0, k] = 0.9, 0.4
    engine.apply(turnover, st, p, month=1)
    assert 0.4 < st.institutional_trust[0, k] < 0.9
    st, p = make_state(n=3, institutional_trust_rate=0.0)
    st.trust[0, k], st.institutional_trust[0, k] = 0.9, 0.4
    engine.apply(turnover, st, p, month=1)
    assert st.institutional_trust[0, k] == 0.4


def test_turnover__a_newcomer_acts_with_part_of_its_weight_until_onboarded():
    assert settled(0.0) == NEWCOMER_WEIGHT == 0.5
    assert settled(1.0) == 1.0
    assert settled(0.0) < settled(0.4) < settled(0.8) < settled(1.0)


def test_turnover__dissolved_collaboration_is_frozen(make_state):
    st, p = make_state(n=3, replicates=2)
    st.turnover[:] = 1.0
    st.onboarding[:] = 0.5
    st.alive[1] = False
    before = (st.trust.copy(), st.onboarding.copy(), st.tenure.copy(), st.representatives.copy())
    engine.apply(turnover, st, p, month=1)
    assert st.left_now[0].all() and not st.left_now[1].any()
    after = (st.trust, st.onboarding, st.tenure, st.representatives)
    for old, new in zip(before, after, strict=True):
        assert np.array_equal(old[1], new[1])


def test_turnover__a_newcomer_takes_on_its_partners_habit(make_state):
    # socialisation: a new representative meets setbacks as its partners do (their mean habit)
    st, p = make_state(n=3, replicates=2)
    st.turnover[:] = [1.0, 0.0, 0.0]
    st.habit[:] = [0.9, 0.2, 0.5]
    engine.apply(turnover, st, p, month=1)
    assert st.left_now[:, 0].all()
    assert np.allclose(st.habit[:, 0], 0.35)
    assert (st.habit[:, 1:] == [0.2, 0.5]).all()  # the stayers' habits are untouched


def test_turnover__newcomers_learn_from_the_partners_who_stay(make_state):
    # two newcomers at once learn from the stayer, not from each other (habits are read before
    # any newcomer's changes), and only from live partners
    st, p = make_state(n=3, replicates=2)
    st.turnover[:] = [1.0, 1.0, 0.0]
    st.habit[:] = [0.9, 0.1, 0.4]
    engine.apply(turnover, st, p, month=1)
    assert np.allclose(st.habit, 0.4)
    st, p = make_state(n=4, replicates=2)
    st.turnover[:] = [1.0, 0.0, 0.0, 0.0]
    st.habit[:] = [0.9, 0.2, 0.4, 0.6]
    st.status[:, 3] = EXITED  # no longer a partner
    engine.apply(turnover, st, p, month=1)
    assert np.allclose(st.habit[:, 0], 0.3)


def test_turnover__a_newcomer_without_partners_keeps_its_habit(make_state):
    st, p = make_state(n=3, replicates=2)
    st.turnover[:] = 1.0  # everyone is new: no partner stays
    st.habit[:] = [0.9, 0.1, 0.4]
    engine.apply(turnover, st, p, month=1)
    assert st.left_now.all()
    assert np.array_equal(st.habit, np.tile([0.9, 0.1, 0.4], (2, 1)))

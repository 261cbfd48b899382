"""Membership: exits, joins, dissolution, and conservation of organisations."""

from __future__ import annotations

import numpy as np
import pytest

from cisim import engine
from cisim.model.mechanisms.membership import (
    DEPARTURE_COST,
    EXIT_CAP,
    MIN_MEMBERS,
    exit_hazard,
    membership,
)
from cisim.model.mechanisms.setback_response import HABIT_START
from cisim.model.state import ABSENT, ACTIVE, CANDIDATE, EXITED

pytestmark = pytest.mark.xdist_group("mechanisms")


def _counts(st):
    return {s: (st.status == s).sum(axis=1) for s in (ABSENT, CANDIDATE, ACTIVE, EXITED)}


def _step(st, p, month):
    engine.apply(membership, st, p, month=month)


def test_membership__zero_rates_nobody_moves(make_state):
    st, p = make_state(n=3, replicates=5, candidate_share=1.0)
    status = st.status.copy()
    st.frustration[:] = 1.0
    for month in range(1, 25):
        _step(st, p, month)
    assert np.array_equal(st.status, status)
    assert st.alive.all()


def _hazard(**values):
    """Exit hazard of an organisation as the mechanism computes it (value = the mean of the
    collaboration's legitimacy and progress, less the departure cost of the share ``lost`` of
    its founding membership)."""
    v = {"frustration": 0.0, "blamed": 0.0, "legitimacy": 0.6, "progress": 0.0, "alignment": 0.5}
    v.update(values)
    value = 0.5 * (v["legitimacy"] + v["progress"]) - DEPARTURE_COST * v.get("lost", 0.0)
    rate = v.get("exit_base_rate", 0.01)
    return exit_hazard(v["frustration"], v["blamed"], value, v["alignment"], rate)


def test_membership__exit_hazard_drivers():
    plain = _hazard()
    assert _hazard(frustration=0.9) > plain
    assert _hazard(blamed=1.0) > plain
    assert _hazard(blamed=5.0) == _hazard(blamed=1.0)  # blame weighs at most so much
    assert _hazard(legitimacy=0.1) > plain
    assert _hazard(progress=0.8) < plain
    assert _hazard(alignment=0.9) < plain
    assert _hazard(lost=0.5) > _hazard(lost=0.25) > plain  # exits beget exits


def test_membership__exit_hazard_is_capped():
    worst = {"frustration": 1.0, "blamed": 5.0, "legitimacy": 0.0, "alignment": 0.0}
    h = _hazard(**worst, exit_base_rate=1.0)
    assert 0.0 < h <= EXIT_CAP == 0.5
    assert _hazard(**worst, exit_base_rate=0.0) == 0.0


def _exits(make_state, setup=None, **overrides):
    """Who leaves in month 3, in 200 plain collaborations."""
    settings = {"replicates": 200, "exit_base_rate": 0.05}
    st, p = make_state(n=3, **{**settings, **overrides})
    if setup is not None:
        setup(st)
    _step(st, p, 3)
    return st.status == EXITED


def _set(**values):
    def setup(st):
        for name, value in values.items():
            getattr(st, name)[:] = value

    return setup


def _more(higher, lower):
    """Common random numbers: ``higher`` loses every member ``lower`` does, and more."""
    assert (higher | ~lower).all()
    assert higher.sum() > lower.sum()


def test_membership__exits_follow_the_hazards_drivers(make_state):
    plain = _exits(make_state)
    _more(_exits(make_state, _set(frustration=0.9)), plain)
    _more(_exits(make_state, _set(blamed=1.0)), plain)
    _more(_exits(make_state, _set(legitimacy=0.1)), plain)
    _more(plain, _exits(make_state, _set(progress=0.8)))
    _more(plain, _exits(make_state, alignment=0.9))


def test_membership__exits_are_at_most_the_cap(make_state):
    worst = _set(frustration=1.0, blamed=5.0, legitimacy=0.0)
    left = _exits(make_state, worst, exit_base_rate=1.0, alignment=0.0)
    assert 0.4 < left.mean() < 0.6  # a hazard of 0.5: about half leave, not all


def test_membership__exited_members_stay_out(make_state):
    st, p = make_state(n=6, replicates=20, exit_base_rate=1.0, join_base_rate=1.0)
    st.frustration[:] = 1.0
    st.legitimacy[:] = 0.0
    exited = np.zeros_like(st.status, dtype=bool)
    for month in range(1, 6):
        _step(st, p, month)
        assert (st.status[exited] == EXITED).all()
        exited |= st.status == EXITED
    assert exited.any()


def test_membership__legitimacy_attracts_candidates(make_state):
    st, p = make_state(n=3, replicates=4, candidate_share=1.0, join_base_rate=1.0)
    st.legitimacy[:] = 1.0
    st.entry_found[:] = True
    st.understanding[:] = 0.7
    st.onboarding[:] = 0.9
    st.tenure[:] = 5
    candidates = st.status == CANDIDATE
    representatives = st.representatives.copy()
    _step(st, p, 1)
    assert (st.status[candidates] == ACTIVE).all()  # hazard 1: every candidate joins
    assert (st.onboarding[candidates] == 0).all()
    assert (st.tenure[candidates] == 0).all()
    assert (st.understanding[candidates] < 0.7).all()
    assert (st.representatives[candidates] == representatives[candidates] + 1).all()
    members = ~candidates & (st.status == ACTIVE)
    assert (st.onboarding[members] == 0.9).all() and (st.tenure[members] == 5).all()


def test_membership__no_legitimacy_no_joins(make_state):
    st, p = make_state(n=3, replicates=4, candidate_share=1.0, join_base_rate=1.0)
    st.legitimacy[:] = 0.0
    status = st.status.copy()
    _step(st, p, 1)
    assert np.array_equal(st.status, status)


def test_membership__joins_are_rarer_before_an_entry_point(make_state):
    joined = []
    for found in (False, True):
        st, p = make_state(n=3, replicates=100, candidate_share=1.0, join_base_rate=0.6)
        st.legitimacy[:] = 1.0
        st.entry_found[:] = found
        _step(st, p, 1)
        joined.append(st.status == ACTIVE)
    assert (joined[1] | ~joined[0]).all()  # common random numbers
    assert joined[0].sum() < joined[1].sum()


def test_membership__fewer_than_two_members_come_apart(make_state):
    st, p = make_state(n=3, replicates=3)
    st.status[0, 1:] = EXITED
    st.status[1, 1], st.status[1, 2] = CANDIDATE, EXITED  # a candidate is not a member either
    st.status[2, 2] = EXITED  # two members left: it runs
    _step(st, p, 7)
    assert st.alive.tolist() == [False, False, True]
    assert st.dissolved_month.tolist() == [7, 7, -1]
    _step(st, p, 8)
    assert st.dissolved_month.tolist() == [7, 7, -1]
    assert MIN_MEMBERS == 2


def test_membership__a_collaboration_that_lost_most_of_its_members_still_runs(make_state):
    # there is no threshold share: two of ten founding members still make a collaboration
    st, p = make_state(n=10, replicates=2)
    st.status[:, 2:] = EXITED
    _step(st, p, 5)
    assert st.alive.all() and (st.dissolved_month == -1).all()


def _exits_of_the_rest(make_state, gone):
    """Which of members 0-2 of four leave in month 3 (200 collaborations), when ``gone`` of the
    four founding members have left already."""
    st, p = make_state(n=4, replicates=200, exit_base_rate=0.05)
    st.status[:, 3] = EXITED if gone else ACTIVE
    _step(st, p, 3)
    return st.status[:, :3] == EXITED


def test_membership__departures_raise_the_others_exits(make_state):
    # a collaboration partners are leaving offers less to those who stay: exits beget exits
    _more(_exits_of_the_rest(make_state, True), _exits_of_the_rest(make_state, False))


def _joining(make_state, habits, cut=()):
    """A collaboration of three whose members have ``habits``, and one candidate (slot 3, tied
    to every member but those in ``cut``) that joins this month."""
    st, p = make_state(n=3, replicates=2, candidate_share=1.0, join_base_rate=1.0)
    st.status[:, 4:] = EXITED  # one candidate only
    st.legitimacy[:] = 1.0
    st.entry_found[:] = True
    st.habit[:, :3] = habits
    st.habit[:, 3] = 0.95  # the outsider's own habit, before it joins
    for j in cut:
        for a, b in ((3, j), (j, 3)):
            st.dormant[:, (st.src[0] == a) & (st.dst[0] == b) & st.exists[0]] = True
    _step(st, p, 1)
    assert (st.status[:, 3] == ACTIVE).all()
    return st


def test_membership__a_joiner_takes_on_its_partners_habit(make_state):
    # socialisation: the joiner's habit becomes the mean habit of its partners at the table
    st = _joining(make_state, [0.1, 0.4, 0.7])
    assert np.allclose(st.habit[:, 3], 0.4)
    assert np.allclose(st.habit[:, :3], [0.1, 0.4, 0.7])  # the members' own are untouched
    st = _joining(make_state, [0.1, 0.4, 0.7], cut=[2])
    assert np.allclose(st.habit[:, 3], 0.25)  # only its partners count


def test_membership__joiners_of_the_same_month_take_on_the_habits_they_find(make_state):
    # two outsiders tied to each other join at once: each is socialised by the members it finds,
    # not by the other newcomer (the order of the slots does not matter)
    st, p = make_state(n=3, replicates=2, candidate_share=1.0, join_base_rate=1.0)
    st.status[:, 5:] = EXITED  # candidates 3 and 4 only
    st.legitimacy[:] = 1.0
    st.entry_found[:] = True
    st.habit[:, :3] = [0.1, 0.4, 0.7]
    st.habit[:, 3:5] = [0.95, 0.0]
    between = st.exists[0] & (
        ((st.src[0] == 3) & (st.dst[0] == 4)) | ((st.src[0] == 4) & (st.dst[0] == 3))
    )
    assert between.sum() == 2, "the two candidates must be partners for this test to bite"
    st.dormant[:, between] = False
    expected = []
    for i in (3, 4):
        ties = st.exists[0] & (st.src[0] == i) & ~st.dormant[0] & (st.dst[0] < 3)
        expected.append(st.habit[0, st.dst[0, ties]].mean())
    _step(st, p, 1)
    assert (st.status[:, 3:5] == ACTIVE).all()
    assert np.allclose(st.habit[:, 3:5], expected)


def test_membership__a_joiner_who_knows_nobody_starts_as_the_founders_did(make_state):
    st = _joining(make_state, [0.1, 0.4, 0.7], cut=[0, 1, 2])
    assert (st.habit[:, 3] == HABIT_START).all()


def test_membership__organisations_are_conserved(make_state):
    st, p = make_state(
        n=5, replicates=20, candidate_share=1.0, exit_base_rate=0.3, join_base_rate=0.5
    )
    st.frustration[:] = 0.6
    start = _counts(st)
    total = start[CANDIDATE] + start[ACTIVE] + start[EXITED]
    for month in range(1, 37):
        _step(st, p, month)
        now = _counts(st)
        assert np.array_equal(now[ABSENT], start[ABSENT])
        assert np.array_equal(now[CANDIDATE] + now[ACTIVE] + now[EXITED], total)
    assert (now[EXITED] > 0).any() and (now[CANDIDATE] < start[CANDIDATE]).any()


def test_membership__dissolved_collaboration_is_frozen(make_state):
    st, p = make_state(
        n=3, replicates=2, candidate_share=1.0, exit_base_rate=1.0, join_base_rate=1.0
    )
    st.legitimacy[:] = 1.0
    st.frustration[:] = 1.0
    st.alive[1] = False
    status = st.status.copy()
    for month in range(1, 13):
        _step(st, p, month)
    assert np.array_equal(st.status[1], status[1])
    assert st.dissolved_month[1] == -1
    assert (st.status[0] != status[0]).any()  # the running one moved

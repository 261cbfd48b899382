"""Membership: exits, joins, dissolution, and conservation of organisations."""

from __future__ import annotations

import numpy as np

from cisim.model.mechanisms.membership import dissolution_threshold, exit_hazard, membership
from cisim.model.state import ABSENT, ACTIVE, CANDIDATE, EXITED


def _counts(st):
    return {s: (st.status == s).sum(axis=1) for s in (ABSENT, CANDIDATE, ACTIVE, EXITED)}


def test_membership__zero_rates_nobody_moves(make_state):
    st, p = make_state(n=3, replicates=5, candidate_share=1.0)
    status = st.status.copy()
    st.frustration[:] = 1.0
    for month in range(1, 25):
        st.month = month
        membership(st, p)
    assert np.array_equal(st.status, status)
    assert st.alive.all()


def _hazard(make_state, setup=None, **overrides):
    st, p = make_state(n=3, **{"exit_base_rate": 0.01, **overrides})
    if setup is not None:
        setup(st)
    return float(exit_hazard(st, p)[0, 0])


def _set(**values):
    def setup(st):
        for name, value in values.items():
            getattr(st, name)[:] = value

    return setup


def test_membership__exit_hazard_drivers(make_state):
    plain = _hazard(make_state)
    assert _hazard(make_state, _set(frustration=0.9)) > plain
    assert _hazard(make_state, _set(blamed=1.0)) > plain
    assert _hazard(make_state, _set(legitimacy=0.1)) > plain
    assert _hazard(make_state, _set(progress=0.8)) < plain
    assert _hazard(make_state, alignment=0.9) < plain


def test_membership__exit_hazard_is_capped(make_state):
    worst = _set(frustration=1.0, blamed=5.0, legitimacy=0.0)
    h = _hazard(make_state, worst, exit_base_rate=1.0, alignment=0.0)
    assert 0.0 < h <= 0.5
    assert _hazard(make_state, worst, exit_base_rate=0.0) == 0.0


def test_membership__exited_members_stay_out(make_state):
    st, p = make_state(
        n=6, replicates=20, exit_base_rate=1.0, join_base_rate=1.0, dissolution_share=0.0
    )
    st.frustration[:] = 1.0
    st.legitimacy[:] = 0.0
    exited = np.zeros_like(st.status, dtype=bool)
    for month in range(1, 6):
        st.month = month
        membership(st, p)
        assert (st.status[exited] == EXITED).all()
        exited |= st.status == EXITED
    assert exited.any()


def test_membership__legitimacy_attracts_candidates(make_state):
    st, p = make_state(n=3, replicates=4, candidate_share=1.0, join_base_rate=1.0)
    st.legitimacy[:] = 1.0
    st.entry_found[:] = True
    st.understanding[:] = 0.7
    candidates = st.status == CANDIDATE
    representatives = st.representatives.copy()
    st.month = 1
    membership(st, p)
    assert (st.status[candidates] == ACTIVE).all()  # hazard 1: every candidate joins
    assert (st.onboarding[candidates] == 0).all()
    assert (st.tenure[candidates] == 0).all()
    assert (st.understanding[candidates] < 0.7).all()
    assert (st.representatives[candidates] == representatives[candidates] + 1).all()


def test_membership__no_legitimacy_no_joins(make_state):
    st, p = make_state(n=3, replicates=4, candidate_share=1.0, join_base_rate=1.0)
    st.legitimacy[:] = 0.0
    status = st.status.copy()
    st.month = 1
    membership(st, p)
    assert np.array_equal(st.status, status)


def test_membership__joins_are_rarer_before_an_entry_point(make_state):
    joined = []
    for found in (False, True):
        st, p = make_state(n=3, replicates=100, candidate_share=1.0, join_base_rate=0.6)
        st.legitimacy[:] = 1.0
        st.entry_found[:] = found
        st.month = 1
        membership(st, p)
        joined.append(st.status == ACTIVE)
    assert (joined[1] | ~joined[0]).all()  # common random numbers
    assert joined[0].sum() < joined[1].sum()


def test_membership__too_few_members_dissolves(make_state):
    st, p = make_state(n=3, replicates=3, dissolution_share=1.0)
    st.status[0, 2] = EXITED
    st.status[1, 1] = CANDIDATE  # a member turned candidate is not an active one either
    st.month = 7
    membership(st, p)
    assert st.alive.tolist() == [False, False, True]
    assert st.dissolved_month.tolist() == [7, 7, -1]
    st.month = 8
    membership(st, p)
    assert st.dissolved_month.tolist() == [7, 7, -1]


def test_membership__dissolution_threshold(make_state):
    initial = np.array([2, 3, 10, 10, 10])
    share = np.array([0.5, 0.5, 0.5, 0.0, 1.0])
    assert dissolution_threshold(initial, share).tolist() == [2, 2, 5, 2, 10]


def test_membership__organisations_are_conserved(make_state):
    st, p = make_state(
        n=5, replicates=20, candidate_share=1.0, exit_base_rate=0.3, join_base_rate=0.5
    )
    st.frustration[:] = 0.6
    start = _counts(st)
    total = start[CANDIDATE] + start[ACTIVE] + start[EXITED]
    for month in range(1, 37):
        st.month = month
        membership(st, p)
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
        st.month = month
        membership(st, p)
    assert np.array_equal(st.status[1], status[1])
    assert st.dissolved_month[1] == -1

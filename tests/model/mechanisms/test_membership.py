"""Membership: exits, joins, dissolution, and conservation of organisations."""

from __future__ import annotations

import numpy as np
import pytest

from cisim import engine
from cisim.model.mechanisms.membership import (
    EXIT_CAP,
    dissolution_threshold,
    exit_hazard,
    membership,
    threshold,
)
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
    collaboration's legitimacy and progress)."""
    v = {"frustration": 0.0, "blamed": 0.0, "legitimacy": 0.6, "progress": 0.0, "alignment": 0.5}
    v.update(values)
    value = 0.5 * (v["legitimacy"] + v["progress"])
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


def test_membership__exit_hazard_is_capped():
    worst = {"frustration": 1.0, "blamed": 5.0, "legitimacy": 0.0, "alignment": 0.0}
    h = _hazard(**worst, exit_base_rate=1.0)
    assert 0.0 < h <= EXIT_CAP == 0.5
    assert _hazard(**worst, exit_base_rate=0.0) == 0.0


def _exits(make_state, setup=None, **overrides):
    """Who leaves in month 3, in 200 plain collaborations (that cannot dissolve)."""
    settings = {"replicates": 200, "exit_base_rate": 0.05, "dissolution_share": 0.0}
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
    st, p = make_state(
        n=6, replicates=20, exit_base_rate=1.0, join_base_rate=1.0, dissolution_share=0.0
    )
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


def test_membership__too_few_members_dissolves(make_state):
    st, p = make_state(n=3, replicates=3, dissolution_share=1.0)
    st.status[0, 2] = EXITED
    st.status[1, 1] = CANDIDATE  # a member turned candidate is not an active one either
    _step(st, p, 7)
    assert st.alive.tolist() == [False, False, True]
    assert st.dissolved_month.tolist() == [7, 7, -1]
    _step(st, p, 8)
    assert st.dissolved_month.tolist() == [7, 7, -1]


def test_membership__dissolution_threshold():
    initial = np.array([2, 3, 10, 10, 10])
    share = np.array([0.5, 0.5, 0.5, 0.0, 1.0])
    assert dissolution_threshold(initial, share).tolist() == [2, 2, 5, 2, 10]
    assert [threshold(int(i), float(s)) for i, s in zip(initial, share, strict=True)] == [
        2,
        2,
        5,
        2,
        10,
    ]


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

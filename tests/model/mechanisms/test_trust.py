"""The trust mechanism: experiences, reciprocity and reputation move trust on live ties."""

from __future__ import annotations

import numpy as np
import pytest

from cisim import engine
from cisim.model.mechanisms.trust import trust
from cisim.model.state import EXITED

pytestmark = pytest.mark.xdist_group("mechanisms")


def _quiet(make_state, **overrides):
    """Three organisations whose reciprocity is neutral: each commits what partners expect."""
    st, p = make_state(n=3, **{"reputation_weight": 0.0, **overrides})
    st.capacity[:] = 1.0
    st.contribution[:] = st.trust[0, 0]  # all trust is initial_trust in a plain state
    return st, p


def _update(st, p):
    engine.apply(trust, st, p, month=1)


def test_trust__no_experience_no_change(make_state):
    st, p = _quiet(make_state)
    before = st.trust.copy()
    _update(st, p)
    assert np.array_equal(st.trust, before)


def test_trust__blamed_tie_loses_trust(make_state, tie):
    st, p = _quiet(make_state)
    k = tie(st, 0, 1)
    st.experience[0, k] = -2.0
    _update(st, p)
    assert st.trust[0, k] < 0.5
    others = np.arange(st.trust.shape[1]) != k
    assert np.allclose(st.trust[0, others], 0.5)


def test_trust__good_experience_builds_trust(make_state, tie):
    st, p = _quiet(make_state)
    k = tie(st, 2, 0)
    st.experience[0, k] = 1.0
    _update(st, p)
    assert st.trust[0, k] > 0.5


def test_trust__is_destroyed_faster_than_built(make_state, tie):
    st, p = _quiet(make_state)
    good, bad = tie(st, 0, 1), tie(st, 0, 2)
    st.experience[0, good], st.experience[0, bad] = 1.0, -1.0
    _update(st, p)
    assert 0.5 - st.trust[0, bad] > st.trust[0, good] - 0.5 > 0


def test_trust__experiences_are_consumed(make_state):
    st, p = _quiet(make_state)
    st.experience[:] = 1.0
    _update(st, p)
    assert (st.experience == 0).all()


def test_trust__only_live_ties_change(make_state, tie):
    st, p = _quiet(make_state)
    st.status[0, 2] = EXITED
    dead = [tie(st, 0, 2), tie(st, 2, 0), tie(st, 1, 2), tie(st, 2, 1)]
    st.experience[:] = -5.0
    _update(st, p)
    assert (st.trust[0, dead] == 0.5).all()
    assert (st.trust[0, [tie(st, 0, 1), tie(st, 1, 0)]] < 0.5).all()
    assert (st.experience == 0).all()  # consumed on every tie, live or not


def test_trust__stays_in_unit_interval(make_state):
    for shock in (-1e6, 1e6):
        st, p = _quiet(make_state, trust_build_rate=1.0, trust_erosion_rate=1.0)
        st.experience[:] = shock
        _update(st, p)
        assert ((st.trust >= 0) & (st.trust <= 1)).all()


def test_trust__partner_who_commits_more_than_expected_earns_trust(make_state, tie):
    st, p = _quiet(make_state)
    st.contribution[0] = [0.5, 1.0, 0.0]  # org 1 over-delivers, org 2 commits nothing
    _update(st, p)
    assert st.trust[0, tie(st, 0, 1)] > 0.5
    assert st.trust[0, tie(st, 0, 2)] < 0.5


def test_trust__reciprocity_is_measured_against_capacity(make_state, tie):
    # committing 0.5 of a capacity of 0.5 is committing everything
    st, p = _quiet(make_state)
    st.capacity[0, 1] = 0.5
    _update(st, p)
    assert st.trust[0, tie(st, 0, 1)] > 0.5
    assert st.trust[0, tie(st, 0, 2)] == 0.5


def test_trust__travels_towards_reputation(make_state, tie):
    moved = []
    for weight in (0.0, 0.5):
        st, p = _quiet(make_state, reputation_weight=weight)
        k = tie(st, 0, 2)
        st.trust[0, k] = 0.1  # org 0 distrusts org 2, which org 1 trusts
        st.trust[0, tie(st, 1, 2)] = 0.9
        _update(st, p)
        moved.append(st.trust[0, k])
    assert moved[1] > moved[0]


def test_trust__dissolved_collaboration_is_frozen(make_state):
    st, p = _quiet(make_state)
    st.alive[0] = False
    st.experience[:] = -3.0
    _update(st, p)
    assert (st.trust == 0.5).all()

"""Contribution: conditional cooperation within each organisation's capacity."""

from __future__ import annotations

import numpy as np
import pytest

from cisim import engine
from cisim.model.mechanisms.contribution import MISFIT_WEIGHT, contribution
from cisim.model.state import CANDIDATE, EXITED

pytestmark = pytest.mark.xdist_group("mechanisms")


def _commit(make_state, setup=None, **overrides):
    """Organisation 0's contribution in a plain three-organisation state."""
    st, p = make_state(n=3, **overrides)
    if setup is not None:
        setup(st)
    engine.apply(contribution, st, p, month=1)
    return float(st.contribution[0, 0])


def test_contribution__within_capacity(make_state):
    st, p = make_state(n=3, replicates=3)
    st.capacity[:] = [[0.0, 0.4, 1.0]]
    for trust in (0.0, 0.5, 1.0):
        st.trust[:] = trust
        engine.apply(contribution, st, p, month=1)
        assert (st.contribution >= 0).all()
        assert (st.contribution <= st.capacity).all()
        assert (st.contribution[:, 0] == 0).all()
        assert (st.contribution[:, 1:] > 0).all()


def test_contribution__only_active_members_contribute(make_state):
    st, p = make_state(n=3)
    st.status[0, 1], st.status[0, 2] = CANDIDATE, EXITED
    st.contribution[:] = 0.7
    engine.apply(contribution, st, p, month=1)
    assert st.contribution[0, 0] > 0
    assert (st.contribution[0, 1:] == 0).all()


def test_contribution__dissolved_collaboration_contributes_nothing(make_state):
    st, p = make_state(n=3, replicates=2)
    st.alive[1] = False
    engine.apply(contribution, st, p, month=1)
    assert (st.contribution[0] > 0).all()
    assert (st.contribution[1] == 0).all()


def test_contribution__grows_with_trust_in_partners(make_state):
    assert _commit(make_state, initial_trust=0.8) > _commit(make_state, initial_trust=0.2)


def test_contribution__without_partners_trusts_as_at_the_start(make_state):
    # an organisation with no live partner weighs the scenario's initial trust
    def alone(st):
        st.status[0, 1:] = EXITED
        st.trust[:] = 0.0  # not seen: no live tie

    assert _commit(make_state, alone, initial_trust=0.9) > _commit(
        make_state, alone, initial_trust=0.1
    )
    assert _commit(make_state, alone, initial_trust=0.5) == _commit(make_state, initial_trust=0.5)


def test_contribution__grows_with_alignment(make_state):
    assert _commit(make_state, alignment=0.9) > _commit(make_state, alignment=0.1)


def test_contribution__grows_with_performance_against_aspiration(make_state):
    def doing_well(st):
        st.performance[:] = st.aspiration_level + 0.3

    def doing_badly(st):
        st.performance[:] = st.aspiration_level - 0.3

    assert _commit(make_state, doing_well) > _commit(make_state, doing_badly)


def test_contribution__grows_with_legitimacy(make_state):
    def legit(value):
        def setup(st):
            st.legitimacy[:] = value

        return setup

    assert _commit(make_state, legit(0.9)) > _commit(make_state, legit(0.1))


def test_contribution__falls_with_frustration_and_blame(make_state):
    plain = _commit(make_state)

    def frustrated(st):
        st.frustration[:] = 0.8

    def blamed(st):
        st.blamed[:] = 1.0

    assert _commit(make_state, frustrated) < plain
    assert _commit(make_state, blamed) < plain


def test_contribution__newcomer_commits_less(make_state):
    def newcomer(st):
        st.onboarding[0, 0] = 0.0

    assert _commit(make_state, newcomer) < _commit(make_state)


def test_contribution__grows_with_capacity(make_state):
    assert _commit(make_state, capacity=0.9) > _commit(make_state, capacity=0.3)


def test_contribution__depends_on_own_trust_not_partners(make_state, tie):
    st, p = make_state(n=3)
    st.trust[0, [tie(st, 1, 0), tie(st, 2, 0)]] = 0.0  # partners distrust org 0
    engine.apply(contribution, st, p, month=1)
    alone, ap = make_state(n=3)
    engine.apply(contribution, alone, ap, month=1)
    assert np.isclose(st.contribution[0, 0], alone.contribution[0, 0])
    assert st.contribution[0, 1] < alone.contribution[0, 1]


def _fit(authority, aspiration):
    """Every member with ``authority``, in a collaboration of ``aspiration`` whose performance
    meets its aspiration level (so that aspiration acts through the ambition alone)."""

    def setup(st):
        st.authority[:] = authority
        st.aspiration_level[:] = 0.5
        st.performance[:] = 0.5

    return {"setup": setup, "aspiration": aspiration}


def _logit(x):
    return float(np.log(x / (1 - x)))


def test_contribution__authority_beyond_the_ambition_commits_less(make_state):
    # misfit ("the right people for the desired results"): a member with more power than the
    # collaboration's ambition (0.4 + 0.6 aspiration: 0.7 here) needs commits less of it
    fitting = _commit(make_state, **_fit(0.3, 0.5))
    assert _commit(make_state, **_fit(0.65, 0.5)) == fitting  # up to the ambition, no matter
    beyond = _commit(make_state, **_fit(0.9, 0.5))
    assert beyond < fitting
    # on the logit of the share of capacity committed, MISFIT_WEIGHT per unit beyond
    capacity = make_state(n=3)[0].capacity[0, 0]
    gap = _logit(fitting / capacity) - _logit(beyond / capacity)
    assert gap == pytest.approx(MISFIT_WEIGHT * (0.9 - 0.7))


def test_contribution__the_same_authority_fits_a_more_ambitious_collaboration(make_state):
    assert _commit(make_state, **_fit(0.9, 1.0)) > _commit(make_state, **_fit(0.9, 0.5))
    assert _commit(make_state, **_fit(0.3, 1.0)) == _commit(make_state, **_fit(0.3, 0.5))

"""Finding an entry point, and talk while there is none.

The hazard's drivers are tested through what the mechanism does with them: every row draws one
number a month (common random numbers), and the row finds an entry point when the number falls
below the hazard; so a higher hazard finds one in every row a lower one does, and in more.
"""

from __future__ import annotations

import numpy as np
import pytest

from cisim import engine
from cisim.model.mechanisms.entry_point import entry_point

pytestmark = pytest.mark.xdist_group("mechanisms")


def _run(st, p, months, first=1):
    for month in range(first, first + months):
        engine.apply(entry_point, st, p, month=month)


def _favourable(make_state, **overrides):
    """Diverse, trusting, authoritative, outward-looking members: the hazard is 1."""
    settings = {
        "replicates": 5,
        "entry_base_rate": 1.0,
        "initial_trust": 1.0,
        "authority": 1.0,
        "community_engagement": 1.0,
        **overrides,
    }
    return make_state(n=3, **settings)


def test_entry_point__none_never_finds_one(make_state):
    st, p = _favourable(make_state, entry_point="none")
    assert not st.entry_found.any()
    _run(st, p, 60)
    assert not st.entry_found.any()
    assert (st.entry_month == -1).all()


def test_entry_point__designed_starts_with_one(make_state):
    st, p = make_state(n=3, replicates=5, entry_point="designed", entry_base_rate=0.0)
    assert st.entry_found.all()
    assert (st.entry_month == 0).all()
    frustration, understanding = st.frustration.copy(), st.understanding.copy()
    _run(st, p, 12)
    assert st.entry_found.all()
    assert (st.entry_month == 0).all()
    assert np.array_equal(st.frustration, frustration)  # no more talk
    assert np.array_equal(st.understanding, understanding)


def test_entry_point__certain_hazard_finds_one_at_once(make_state):
    st, p = _favourable(make_state, replicates=40)
    understanding = st.understanding.copy()
    engine.apply(entry_point, st, p, month=3)
    assert st.entry_found.all()
    assert (st.entry_month == 3).all()
    assert np.array_equal(st.understanding, understanding)  # found, not talked


def test_entry_point__found_is_kept(make_state):
    st, p = _favourable(make_state)
    engine.apply(entry_point, st, p, month=1)
    st.trust[:] = 0.0
    p.entry_base_rate[:] = 0.0
    _run(st, p, 5, first=2)
    assert st.entry_found.all()
    assert (st.entry_month == 1).all()


def test_entry_point__zero_base_rate_never_finds_one(make_state):
    st, p = _favourable(make_state, entry_base_rate=0.0)
    _run(st, p, 60)
    assert not st.entry_found.any()


def test_entry_point__talk_builds_understanding_and_frustration(make_state):
    st, p = make_state(n=3, replicates=2, entry_base_rate=0.0)
    st.understanding[:] = 0.3
    st.alignment[:] = [0.9, 0.5, 0.1]
    _run(st, p, 6)
    assert (st.understanding > 0.3).all()
    assert (st.understanding < 1.0).all()
    assert (st.frustration > 0).all()
    # less aligned members grow frustrated faster
    assert (np.diff(st.frustration, axis=1) > 0).all()


def test_entry_point__talk_is_slow_without_trust(make_state):
    st, p = make_state(n=3, entry_base_rate=0.0, initial_trust=1.0)
    low, lp = make_state(n=3, entry_base_rate=0.0, initial_trust=0.1)
    _run(st, p, 6)
    _run(low, lp, 6)
    assert (st.understanding > low.understanding).all()


def test_entry_point__frustration_stays_below_one(make_state):
    st, p = make_state(n=3, entry_base_rate=0.0, alignment=0.0)
    _run(st, p, 600)
    assert (st.frustration < 1.0).all() and (st.frustration > 0.9).all()
    assert (st.understanding <= 1.0).all()


def _found(make_state, setup=None, **overrides):
    """Which of 400 plain collaborations find an entry point in month 1."""
    st, p = make_state(n=3, replicates=400, **{"entry_base_rate": 0.05, **overrides})
    if setup is not None:
        setup(st)
    engine.apply(entry_point, st, p, month=1)
    return st.entry_found.copy()


def _more(higher, lower):
    """The higher hazard finds an entry point wherever the lower does, and somewhere else too."""
    assert (higher | ~lower).all()
    assert higher.sum() > lower.sum()


def test_entry_point__hazard_grows_with_trust(make_state):
    _more(_found(make_state, initial_trust=0.8), _found(make_state, initial_trust=0.2))


def test_entry_point__hazard_grows_with_diversity(make_state):
    def same_sector(st):
        st.sector[:] = 0

    _more(_found(make_state), _found(make_state, same_sector))


def test_entry_point__hazard_grows_with_agency(make_state):
    _more(_found(make_state, authority=0.9), _found(make_state, authority=0.2))
    _more(_found(make_state, authority_source="self_assigned"), _found(make_state))

    def newcomers(st):  # representatives still being onboarded act with half their authority
        st.onboarding[:] = 0.0

    _more(_found(make_state), _found(make_state, newcomers))


def test_entry_point__hazard_grows_with_outward_orientation(make_state):
    high = _found(make_state, community_engagement=0.9)
    _more(high, _found(make_state, community_engagement=0.1))


def test_entry_point__hazard_is_a_probability(make_state):
    # never negative or undefined (a NaN hazard would never find one), at most certain
    for trust in (0.5, 1.0):
        for rate in (0.0, 0.3, 1.0):
            found = _found(make_state, initial_trust=trust, authority=trust, entry_base_rate=rate)
            if rate == 0.0:
                assert not found.any()
            else:
                assert found.any()
    assert _found(make_state, initial_trust=1.0, authority=1.0, entry_base_rate=1.0).all()


def test_entry_point__nobody_trusted_nothing_taken_up(make_state):
    # however likely members are to propose openings, partners who trust no one take none up
    assert not _found(make_state, initial_trust=0.0, authority=1.0, entry_base_rate=1.0).any()


def _trust_into(st, trusted):
    """Every partner trusts the members in ``trusted`` fully and the others not at all."""
    for r in range(st.replicates):
        st.trust[r, st.exists[r]] = 0.0
        into = st.exists[r] & np.isin(st.dst[r], trusted)
        st.trust[r, into] = 1.0


def test_entry_point__a_distrusted_proposers_openings_are_not_taken_up(make_state):
    # members propose openings readily, but one is taken up only if the partners trust its
    # proposer: where nobody is trusted nothing starts; where only member 0 is, its openings
    # start the collaboration (though it trusts nobody itself), in some rows
    def nobody(st):
        _trust_into(st, [])

    def one(st):
        _trust_into(st, [0])

    def everyone(st):
        _trust_into(st, [0, 1, 2])

    likely = {"entry_base_rate": 1.0, "authority": 1.0, "community_engagement": 1.0}
    assert not _found(make_state, nobody, **likely).any()
    only_one = _found(make_state, one, **likely)
    assert 0 < only_one.sum() < len(only_one)
    _more(_found(make_state, everyone, **likely), only_one)


def test_entry_point__an_opening_is_taken_up_with_the_proposers_standing(make_state):
    # three members proposing for certain, each trusted 0.5 by its partners: the collaboration
    # starts in month 1 with chance 1 - 0.5 ** 3
    def halfway(st):
        st.trust[:] = 0.5

    found = _found(
        make_state,
        halfway,
        entry_base_rate=1.0,
        authority=1.0,
        community_engagement=1.0,
        initial_trust=1.0,
    )
    assert found.mean() == pytest.approx(1 - 0.5**3, abs=0.05)


def test_entry_point__the_base_rate_is_shared_among_the_members(make_state):
    # entry_base_rate is the hazard of an average team, summed over its members' proposals: a
    # larger table does not find openings proportionally faster
    # (one sector, so that every member works with as varied perspectives at either size)
    def share(n):
        st, p = make_state(n=n, replicates=2000, entry_base_rate=0.05, initial_trust=1.0)
        st.sector[:] = 0
        engine.apply(entry_point, st, p, month=1)
        return st.entry_found.mean()

    small, large = share(3), share(12)
    assert 0.05 < small < 0.2
    assert large == pytest.approx(small, abs=0.03)  # not four times as likely


def test_entry_point__dissolved_collaboration_is_frozen(make_state):
    st, p = _favourable(make_state, entry_base_rate=1.0)
    st.alive[2:] = False
    understanding, frustration = st.understanding.copy(), st.frustration.copy()
    engine.apply(entry_point, st, p, month=1)
    assert st.entry_found.tolist() == [True, True, False, False, False]
    assert (st.entry_month[2:] == -1).all()
    assert np.array_equal(st.understanding[2:], understanding[2:])
    assert np.array_equal(st.frustration[2:], frustration[2:])

"""Finding an entry point, and talk while there is none."""

from __future__ import annotations

import numpy as np

from cisim.model.mechanisms.entry_point import entry_hazard, entry_point


def _run(st, p, months):
    for month in range(1, months + 1):
        st.month = month
        entry_point(st, p)


def _favourable(make_state, **overrides):
    """Diverse, trusting, authoritative, outward-looking members: the hazard is 1."""
    settings = {
        "entry_base_rate": 1.0,
        "initial_trust": 1.0,
        "authority": 1.0,
        "community_engagement": 1.0,
        **overrides,
    }
    return make_state(n=3, replicates=5, **settings)


def test_entry_point__none_never_finds_one(make_state):
    st, p = _favourable(make_state, entry_point="none")
    assert not st.entry_found.any()
    assert (entry_hazard(st, p) == 0).all()
    _run(st, p, 60)
    assert not st.entry_found.any()
    assert (st.entry_month == -1).all()


def test_entry_point__designed_starts_with_one(make_state):
    st, p = make_state(n=3, replicates=5, entry_point="designed", entry_base_rate=0.0)
    assert st.entry_found.all()
    assert (st.entry_month == 0).all()
    frustration = st.frustration.copy()
    _run(st, p, 12)
    assert st.entry_found.all()
    assert (st.entry_month == 0).all()
    assert np.array_equal(st.frustration, frustration)


def test_entry_point__certain_hazard_finds_one_at_once(make_state):
    st, p = _favourable(make_state)
    assert (entry_hazard(st, p) == 1.0).all()
    st.month = 3
    entry_point(st, p)
    assert st.entry_found.all()
    assert (st.entry_month == 3).all()


def test_entry_point__found_is_kept(make_state):
    st, p = _favourable(make_state)
    st.month = 1
    entry_point(st, p)
    st.trust[:] = 0.0
    p.entry_base_rate[:] = 0.0
    _run(st, p, 5)
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


def _hazard(make_state, setup=None, **overrides):
    st, p = make_state(n=3, **{"entry_base_rate": 0.01, **overrides})
    if setup is not None:
        setup(st)
    return float(entry_hazard(st, p)[0])


def test_entry_point__hazard_grows_with_trust(make_state):
    assert _hazard(make_state, initial_trust=0.8) > _hazard(make_state, initial_trust=0.2)


def test_entry_point__hazard_grows_with_diversity(make_state):
    def same_sector(st):
        st.sector[:] = 0

    assert _hazard(make_state) > _hazard(make_state, same_sector)


def test_entry_point__hazard_grows_with_agency(make_state):
    assert _hazard(make_state, authority=0.9) > _hazard(make_state, authority=0.2)
    assert _hazard(make_state, authority_source="self_assigned") > _hazard(make_state)


def test_entry_point__hazard_grows_with_outward_orientation(make_state):
    high = _hazard(make_state, community_engagement=0.9)
    assert high > _hazard(make_state, community_engagement=0.1)


def test_entry_point__hazard_is_a_probability(make_state):
    for trust in (0.0, 0.5, 1.0):
        for rate in (0.0, 0.3, 1.0):
            h = _hazard(make_state, initial_trust=trust, authority=trust, entry_base_rate=rate)
            assert 0.0 <= h <= 1.0


def test_entry_point__dissolved_collaboration_is_frozen(make_state):
    st, p = _favourable(make_state, entry_base_rate=1.0)
    st.alive[2:] = False
    understanding, frustration = st.understanding.copy(), st.frustration.copy()
    st.month = 1
    entry_point(st, p)
    assert st.entry_found.tolist() == [True, True, False, False, False]
    assert np.array_equal(st.understanding[2:], understanding[2:])
    assert np.array_equal(st.frustration[2:], frustration[2:])

"""Community engagement: support, knowledge of what works, and legitimacy."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from cisim import engine
from cisim.model.mechanisms.community import (
    KNOWLEDGE_FROM_COMMUNITY,
    KNOWLEDGE_FROM_DATA,
    community,
)

pytestmark = pytest.mark.xdist_group("mechanisms")


def _after(make_state, months=1, setup=None, **overrides):
    st, p = make_state(n=3, **overrides)
    if setup is not None:
        setup(st)
    for month in range(1, months + 1):
        engine.apply(community, st, p, month=month)
    return st


def _reviewed(st):
    st.reviewed_now[:] = True


def test_community__engagement_builds_support(make_state):
    high = _after(make_state, 12, community_engagement=0.9)
    low = _after(make_state, 12, community_engagement=0.1)
    assert high.support[0] > low.support[0]


def test_community__support_fades_without_engagement(make_state):
    st = _after(make_state, 0, community_engagement=0.0)
    start = st.support.copy()
    st = _after(make_state, 1, community_engagement=0.0)
    assert (st.support < start).all()


def test_community__talk_alone_teaches_nothing_of_what_works(make_state):
    # knowledge of what works grows only at reviews of a joint task, however long a
    # collaboration talks and however engaged and data-minded it is
    start = _after(make_state, 0).knowledge.copy()
    talk = _after(make_state, 36, community_engagement=1.0, data_use=1.0)
    assert np.array_equal(talk.knowledge, start)


def test_community__reviews_teach_what_works_from_feedback_and_data(make_state):
    start = _after(make_state, 0).knowledge[0]
    # per review: knowledge += (0.09 community_engagement + 0.05 data_use) (1 - knowledge)
    assert (KNOWLEDGE_FROM_COMMUNITY, KNOWLEDGE_FROM_DATA) == (0.09, 0.05)
    for ce, data in ((0.5, 0.4), (1.0, 0.0), (0.0, 1.0)):
        st = _after(make_state, 1, _reviewed, community_engagement=ce, data_use=data)
        feedback = KNOWLEDGE_FROM_COMMUNITY * ce + KNOWLEDGE_FROM_DATA * data
        expected = start + feedback * (1 - start)
        assert st.knowledge[0] == pytest.approx(expected), (ce, data)
    assert _after(make_state, 1, _reviewed, community_engagement=0.0, data_use=0.0).knowledge[
        0
    ] == pytest.approx(start)


def test_community__reviews_with_data_teach_what_works(make_state):
    with_data = _after(make_state, 1, _reviewed, data_use=0.9)
    without = _after(make_state, 1, _reviewed, data_use=0.0)
    unreviewed = _after(make_state, 1, data_use=0.9)
    assert with_data.knowledge[0] > without.knowledge[0] > unreviewed.knowledge[0]


def test_community__reviews_with_community_feedback_teach_what_works(make_state):
    engaged = _after(make_state, 1, _reviewed, community_engagement=0.9, data_use=0.0)
    aloof = _after(make_state, 1, _reviewed, community_engagement=0.1, data_use=0.0)
    assert engaged.knowledge[0] > aloof.knowledge[0]


def test_community__progress_earns_legitimacy(make_state):
    def progressed(st):
        st.progress[:] = 0.9

    assert _after(make_state, 6, progressed).legitimacy[0] > _after(make_state, 6).legitimacy[0]


def test_community__support_earns_legitimacy(make_state):
    def supported(st):
        st.support[:] = 0.9

    assert _after(make_state, 6, supported).legitimacy[0] > _after(make_state, 6).legitimacy[0]


def test_community__infighting_costs_legitimacy(make_state):
    def fighting(st):
        st.conflict[:] = 0.9

    assert _after(make_state, 6, fighting).legitimacy[0] < _after(make_state, 6).legitimacy[0]


def test_community__a_mandate_lends_legitimacy(make_state):
    def same_start(st):
        st.legitimacy[:] = 0.5

    granted = _after(make_state, 24, same_start, authority_source="granted")
    self_assigned = _after(make_state, 24, same_start, authority_source="self_assigned")
    assert granted.legitimacy[0] > self_assigned.legitimacy[0]


def test_community__legitimacy_moves_gradually(make_state):
    def progressed(st):
        st.progress[:] = 1.0

    path = [_after(make_state, m, progressed).legitimacy[0] for m in range(0, 5)]
    assert all(a < b for a, b in itertools.pairwise(path))
    assert path[1] - path[0] < 0.5 * (1.0 - path[0])


def test_community__stays_in_unit_interval(make_state):
    def extreme(value):
        def setup(st):
            for name in ("progress", "support", "knowledge", "legitimacy", "conflict"):
                getattr(st, name)[:] = value
            st.reviewed_now[:] = True

        return setup

    for value in (0.0, 1.0):
        for ce in (0.0, 1.0):
            st = _after(make_state, 50, extreme(value), community_engagement=ce, data_use=1.0)
            for name in ("support", "knowledge", "legitimacy"):
                assert 0.0 <= getattr(st, name)[0] <= 1.0, name


def test_community__dissolved_collaboration_is_frozen(make_state):
    st, p = make_state(n=3, replicates=2, community_engagement=1.0)
    st.progress[:] = 1.0
    st.reviewed_now[:] = True
    st.alive[1] = False
    before = {k: getattr(st, k).copy() for k in ("support", "knowledge", "legitimacy")}
    engine.apply(community, st, p, month=1)
    for k, value in before.items():
        assert getattr(st, k)[1] == value[1], k
        assert getattr(st, k)[0] != value[0], k
    assert np.isfinite(st.legitimacy).all()

"""Scale: coordination by governance mode, visibility of contributions, breadth; neutral at 20."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cisim import engine
from cisim.model.mechanisms.scale import (
    COORDINATION_COST,
    K_SEEN,
    N_REF,
    OVERLOAD,
    STRAIN,
    V_REF,
    loafing,
    naming,
    scale,
    scale_terms,
)
from cisim.model.state import EXITED

pytestmark = pytest.mark.xdist_group("mechanisms")

SHARED, LEAD, NAO = 0, 1, 2


def terms(n, mode=SHARED, oc=0.3, open_accountability=0.0):
    return scale_terms.py_func(float(n), mode, oc, open_accountability)


def test_scale__every_term_is_neutral_at_the_reference_size():
    for mode in (SHARED, LEAD, NAO):
        for oc in (0.0, 0.5, 1.0):
            coordination, visibility, breadth = terms(N_REF, mode, oc)
            assert coordination == pytest.approx(1.0)
            assert visibility == pytest.approx(V_REF)
            assert breadth == pytest.approx(0.0)
    assert loafing.py_func(V_REF) == pytest.approx(0.0)


def test_scale__coordination_costs_grow_with_size_most_under_shared_governance():
    for n_small, n_large in ((8, 20), (20, 60), (60, 300)):
        for mode in (SHARED, LEAD, NAO):
            assert terms(n_large, mode)[0] < terms(n_small, mode)[0]
    # at 150 members: shared strains most, an administrative organisation least
    shared, lead, nao = (terms(150, m)[0] for m in (SHARED, LEAD, NAO))
    assert shared < lead < nao < 1.0
    expected = math.exp(-COORDINATION_COST * STRAIN[SHARED] * math.log(149 / 19) * 0.7)
    assert shared == pytest.approx(expected)


def test_scale__operational_capacity_absorbs_the_coordination_cost():
    assert terms(150, SHARED, oc=0.2)[0] < terms(150, SHARED, oc=0.8)[0]
    assert terms(150, SHARED, oc=1.0)[0] == pytest.approx(1.0)


def test_scale__contributions_are_less_visible_in_a_large_group_unless_open():
    assert terms(8)[1] > terms(20)[1] > terms(150)[1] > terms(300)[1]
    assert terms(300)[1] == pytest.approx(K_SEEN / 299)
    for n in (8, 20, 150, 300):
        assert terms(n, open_accountability=1.0)[1] == pytest.approx(1.0)
        assert terms(n, open_accountability=0.5)[1] > terms(n)[1]
    # free-riding: less willingness where one's contribution goes unseen
    assert loafing.py_func(terms(150)[1]) < 0.0 < loafing.py_func(terms(8)[1])


def test_scale__open_naming_teaches_with_trust_and_arms_blame_without():
    assert naming.py_func(0.0, 0.2) == 0.0
    assert naming.py_func(1.0, 0.2) > 0.0  # low trust: more blame
    assert naming.py_func(1.0, 0.8) < 0.0  # high trust: less
    assert naming.py_func(1.0, 0.5) == 0.0


def test_scale__the_mechanism_records_the_terms_and_overload_frustrates_above_20(make_state):
    for n, frustrated in ((8, False), (20, False), (60, True)):
        st, p = make_state(n=n, replicates=3, seed=5, candidate_share=0.0)
        st.frustration[:] = 0.1
        before = st.frustration.copy()
        engine.apply(scale, st, p, month=1)
        c, v, b = terms(n, SHARED, float(st.operational_capacity[0]))
        assert st.coordination == pytest.approx(np.full(3, c))
        assert st.visibility == pytest.approx(np.full(3, v))
        assert st.breadth == pytest.approx(np.full(3, b))
        active = st.status == 2
        if frustrated:
            expected = 0.1 + OVERLOAD * (1 - c) * 0.9
            assert st.frustration[active] == pytest.approx(np.full(active.sum(), expected))
        else:
            assert np.array_equal(st.frustration, before)


def test_scale__a_dissolved_collaboration_is_left_alone(make_state):
    st, p = make_state(n=60, replicates=2, seed=5)
    st.alive[:] = False
    frozen = (st.coordination.copy(), st.frustration.copy())
    engine.apply(scale, st, p, month=1)
    assert np.array_equal(st.coordination, frozen[0])
    assert np.array_equal(st.frustration, frozen[1])


def test_scale__the_size_is_the_number_convened_not_those_still_at_the_table(make_state):
    st, p = make_state(n=60, replicates=2, seed=5, candidate_share=0.0)
    engine.apply(scale, st, p, month=1)
    convened = st.coordination.copy()
    st.status[:, :30] = EXITED  # half the members leave
    engine.apply(scale, st, p, month=2)
    assert np.array_equal(st.coordination, convened)

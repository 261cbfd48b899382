"""The backbone: an executive director found by legitimacy and peace, staff who build capacity."""

from __future__ import annotations

import numpy as np
import pytest

from cisim import engine
from cisim.model.mechanisms.backbone import BUILD, DUES, RECRUIT, backbone, dues

pytestmark = pytest.mark.xdist_group("mechanisms")

MONTHS = 24


def _run(make_state, months=MONTHS, setup=None, replicates=200, **overrides):
    """Apply the backbone alone for ``months`` months to ``replicates`` rows."""
    st, p = make_state(n=6, replicates=replicates, seed=5, **overrides)
    if setup is not None:
        setup(st)
    staffed = np.zeros(st.director.shape)
    for month in range(1, months + 1):
        engine.apply(backbone, st, p, month=month)
        staffed += st.director
    return st, staffed / months


def test_backbone__none_funded_changes_nothing(make_state):
    start, _ = make_state(n=6, replicates=20, seed=5)
    st, staffed = _run(make_state, replicates=20, backbone=0.0)
    assert not staffed.any()
    assert np.array_equal(st.operational_capacity, start.operational_capacity)


def test_backbone__a_director_is_found_at_the_chance_legitimacy_and_peace_give(make_state):
    def calm(st):
        st.legitimacy[:] = 0.8
        st.conflict[:] = 0.0

    def at_war(st):
        st.legitimacy[:] = 0.8
        st.conflict[:] = 0.75

    # the first month: found with chance RECRUIT * legitimacy * (1 - conflict)
    for setup, chance in ((calm, RECRUIT * 0.8), (at_war, RECRUIT * 0.8 * 0.25)):
        st, _ = _run(make_state, 1, setup, replicates=2000, backbone=1.0)
        found = st.director.mean()
        half = 3 * np.sqrt(chance * (1 - chance) / 2000)  # three standard errors
        assert abs(found - chance) < half, (found, chance)


def test_backbone__nobody_takes_the_job_of_a_collaboration_without_legitimacy(make_state):
    def without(st):
        st.legitimacy[:] = 0.0

    _, staffed = _run(make_state, MONTHS, without, backbone=1.0)
    assert not staffed.any()


def test_backbone__a_director_leaves_at_the_members_turnover_and_is_sought_again(make_state):
    def staffed_calm(st):
        st.director[:] = 1.0
        st.legitimacy[:] = 0.0  # nobody new will come: every departure shows

    st, _ = _run(make_state, 1, staffed_calm, replicates=2000, backbone=1.0, turnover=0.3)
    left = 1.0 - st.director.mean()
    assert abs(left - 0.3) < 3 * np.sqrt(0.3 * 0.7 / 2000)
    st, _ = _run(make_state, 1, staffed_calm, replicates=2000, backbone=1.0, turnover=0.0)
    assert st.director.all()


def test_backbone__staff_build_operational_capacity_in_proportion_to_the_backbone(make_state):
    def staffed(st):
        st.director[:] = 1.0
        st.operational_capacity[:] = 0.3

    for size in (0.5, 1.0):
        st, _ = _run(make_state, 1, staffed, replicates=5, backbone=size, turnover=0.0)
        expected = 0.3 + BUILD * size * (1 - 0.3)
        assert st.operational_capacity == pytest.approx(np.full(5, expected))


def test_backbone__the_partners_pay_for_the_staff_with_effort_on_the_task(make_state):
    st, p = make_state(n=6, replicates=1, seed=5, backbone=0.5)
    assert dues.py_func(st, p, 0) == 1.0  # no director in post: nothing paid yet
    st.director[:] = 1.0
    assert dues.py_func(st, p, 0) == pytest.approx(1.0 - DUES * 0.5)

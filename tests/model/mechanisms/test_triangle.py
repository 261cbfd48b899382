"""The strategic triangle: attention to the weakest corner, and work lost to misalignment."""

from __future__ import annotations

import numpy as np
import pytest

from cisim import engine
from cisim.model.compiled import work
from cisim.model.mechanisms.joint_work import task_output
from cisim.model.mechanisms.triangle import (
    ALIGN,
    COST,
    MISALIGNMENT,
    aligned,
    attention,
    triangle,
    weakest,
)

pytestmark = pytest.mark.xdist_group("mechanisms")


def _corners(st):
    """Legitimacy, every member's understanding, operational capacity: copies."""
    return st.legitimacy.copy(), st.understanding.copy(), st.operational_capacity.copy()


def _set(st, legitimacy, understanding, capacity):
    st.legitimacy[:] = legitimacy
    st.understanding[:] = understanding
    st.operational_capacity[:] = capacity


def test_triangle__no_attention_changes_nothing(make_state):
    st, p = make_state(n=6, replicates=10, seed=3)
    before = _corners(st)
    engine.apply(triangle, st, p, month=1)
    for a, b in zip(before, _corners(st), strict=True):
        assert np.array_equal(a, b)
    assert attention.py_func(p, 0) == 1.0


def test_triangle__the_weakest_corner_is_the_least_with_ties_to_legitimacy_then_value():
    assert weakest.py_func(0.2, 0.5, 0.5) == 0
    assert weakest.py_func(0.5, 0.2, 0.5) == 1
    assert weakest.py_func(0.5, 0.5, 0.2) == 2
    assert weakest.py_func(0.3, 0.3, 0.3) == 0
    assert weakest.py_func(0.4, 0.3, 0.3) == 1


@pytest.mark.parametrize(
    ("corners", "moved"),
    [((0.2, 0.6, 0.6), 0), ((0.6, 0.2, 0.6), 1), ((0.6, 0.6, 0.2), 2)],
)
def test_triangle__full_focus_moves_only_the_weakest_corner(make_state, corners, moved):
    st, p = make_state(n=6, replicates=3, seed=3, triangle=1.0, triangle_focus=1.0)
    _set(st, *corners)
    engine.apply(triangle, st, p, month=1)
    after = (st.legitimacy[0], st.understanding[0][st.status[0] > 0].mean(),
             st.operational_capacity[0])  # fmt: skip
    for k, (was, now) in enumerate(zip(corners, after, strict=True)):
        expected = was + ALIGN * (1 - was) if k == moved else was
        assert now == pytest.approx(expected), k


def test_triangle__no_focus_spreads_the_attention_evenly(make_state):
    st, p = make_state(n=6, replicates=3, seed=3, triangle=0.6, triangle_focus=0.0)
    _set(st, 0.2, 0.5, 0.8)
    engine.apply(triangle, st, p, month=1)
    step = ALIGN * 0.6 / 3
    assert st.legitimacy == pytest.approx(np.full(3, 0.2 + step * 0.8))
    assert st.operational_capacity == pytest.approx(np.full(3, 0.8 + step * 0.2))


def test_triangle__attention_costs_effort_on_the_task(make_state):
    _, p = make_state(n=6, replicates=1, seed=3, triangle=0.5)
    assert attention.py_func(p, 0) == pytest.approx(1 - COST * 0.5)


def test_triangle__aligned_corners_lose_nothing_and_a_missing_corner_loses_the_most():
    assert aligned.py_func(0.4, 0.4, 0.4) == pytest.approx(1.0)
    # one corner at nothing: weakest / mean = 0
    assert aligned.py_func(0.0, 0.6, 0.6) == pytest.approx(1 - MISALIGNMENT)
    assert aligned.py_func(0.6, 0.3, 0.3) == pytest.approx(1 - MISALIGNMENT * (1 - 0.3 / 0.4))
    # order does not matter; raising the weakest corner helps, raising the strongest hurts
    assert aligned.py_func(0.3, 0.6, 0.3) == pytest.approx(aligned.py_func(0.6, 0.3, 0.3))
    assert aligned.py_func(0.35, 0.6, 0.6) > aligned.py_func(0.3, 0.6, 0.6)
    assert aligned.py_func(0.3, 0.7, 0.6) < aligned.py_func(0.3, 0.6, 0.6)


def test_triangle__misaligned_corners_waste_the_months_work(make_state):
    """Legitimacy enters the month's work only through the alignment of the corners: lowering it
    alone scales the work by exactly the alignment factor."""
    st, p = make_state(n=6, replicates=1, seed=3)
    st.entry_found[:] = True
    w = work(st.slots, st.src.shape[1])
    w.act[:] = st.status[0] > 0
    s, a = engine.state_arrays(st), engine.param_arrays(p)
    _set(st, 0.5, 0.5, 0.5)
    even = task_output.py_func(s, a, 0, w)
    _set(st, 0.2, 0.5, 0.5)
    apart = task_output.py_func(s, a, 0, w)
    assert even > 0
    assert apart / even == pytest.approx(aligned.py_func(0.2, 0.5, 0.5))
    assert apart / even == pytest.approx(1 - MISALIGNMENT * (1 - 0.2 / 0.4))

"""Adaptation: stuck collaborations may change governance and task; conflict flares or fades."""

from __future__ import annotations

import numpy as np
import pytest

from cisim import engine
from cisim.model.mechanisms.adaptation import HABIT_RESET, adaptation, stuck
from cisim.model.mechanisms.setback_response import HABIT_START

pytestmark = pytest.mark.xdist_group("mechanisms")

MONTH = 5


def _stuck(make_state, replicates=60, **overrides):
    """Collaborations after two setbacks in a row, with an entry point, at peace."""
    settings = {"entry_point": "designed", "adaptability": 1.0, "authority_contest": 0.0}
    st, p = make_state(n=3, replicates=replicates, **{**settings, **overrides})
    st.setbacks_in_row[:] = 2
    st.frustration[:] = 0.5
    st.habit[:] = 0.6
    st.conflict[:] = 0.2
    return st, p


def _adapt(st, p, month=MONTH):
    engine.apply(adaptation, st, p, month=month)


def _stuck_rows(st, month):
    active = st.active
    return [
        stuck(
            bool(st.entry_found[r]),
            month,
            st.frustration[r],
            active[r],
            int(st.setbacks_in_row[r]),
            float(st.conflict[r]),
        )
        for r in range(st.replicates)
    ]


def test_adaptation__stuck_after_setbacks_conflict_or_long_talk(make_state):
    st, _p = make_state(n=3, replicates=5, entry_point="search")
    assert _stuck_rows(st, 13) == [False] * 5
    st.setbacks_in_row[0] = 2
    st.conflict[1] = 0.5
    st.frustration[2] = 0.8  # a year of frustrated talk without an entry point
    st.frustration[3] = 0.8
    st.entry_found[3] = True  # ... frustrated, but working
    assert _stuck_rows(st, 13) == [True, True, True, False, False]
    assert _stuck_rows(st, 6) == [True, True, False, False, False]
    st.status[2, 1:] = 3  # only the members' frustration counts (org 0 is not frustrated)
    st.frustration[2, 0] = 0.0
    assert not _stuck_rows(st, 13)[2]


def test_adaptation__not_stuck_keeps_its_governance(make_state):
    st, p = _stuck(make_state)
    st.setbacks_in_row[:] = 0
    governance = st.governance.copy()
    _adapt(st, p)
    assert np.array_equal(st.governance, governance)
    assert (st.governance_changes == 0).all()


def test_adaptation__without_adaptability_nothing_changes(make_state):
    st, p = _stuck(make_state, adaptability=0.0)
    _adapt(st, p)
    assert (st.governance_changes == 0).all()
    assert (st.setbacks_in_row == 2).all()


def test_adaptation__adapting_changes_mode_and_task_and_cools(make_state):
    st, p = _stuck(make_state)
    before = {
        k: getattr(st, k).copy()
        for k in ("governance", "conflict", "task_scope", "habit", "frustration")
    }
    _adapt(st, p)
    adapted = st.governance_changes == 1
    assert 0 < adapted.sum() < st.replicates  # a chance, not a certainty
    assert (st.governance[adapted] != before["governance"][adapted]).all()
    assert (st.governance[~adapted] == before["governance"][~adapted]).all()
    assert np.isin(st.governance, [0, 1, 2]).all()
    assert len(set(st.governance[adapted])) == 2  # either of the two other modes
    assert (st.setbacks_in_row[adapted] == 0).all()
    assert (st.setbacks_in_row[~adapted] == 2).all()
    for k in ("conflict", "task_scope", "habit"):
        assert (getattr(st, k)[adapted] < before[k][adapted]).all(), k
        assert (getattr(st, k)[adapted] < getattr(st, k)[~adapted].min()).all(), k
    assert (st.frustration[adapted] < 0.5).all()
    assert (st.frustration[~adapted] == 0.5).all()
    assert (st.habit[~adapted] == 0.6).all()


def test_adaptation__without_an_entry_point_there_is_no_task_to_rescope(make_state):
    st, p = _stuck(make_state, entry_point="search")
    scope = st.task_scope.copy()
    _adapt(st, p)
    assert st.governance_changes.any()
    assert np.array_equal(st.task_scope, scope)


def test_adaptation__more_adaptable_adapts_more_often(make_state):
    counts = []
    for adaptability in (0.2, 0.6, 1.0):
        st, p = _stuck(make_state, replicates=200, adaptability=adaptability)
        _adapt(st, p)
        counts.append(st.governance_changes.copy())
    # common random numbers: whoever adapts at a lower adaptability adapts at a higher one
    assert (counts[1] >= counts[0]).all() and (counts[2] >= counts[1]).all()
    assert counts[0].sum() < counts[1].sum() < counts[2].sum()


def test_adaptation__a_fresh_start_moves_habits_most_of_the_way_back_to_where_members_began(
    make_state,
):
    # what a collaboration had learnt to expect of setbacks, good or bad, counts for less
    st, p = _stuck(make_state, replicates=200)
    st.habit[:] = [0.9, HABIT_START, 0.05]
    _adapt(st, p)
    adapted = st.governance_changes == 1
    assert adapted.any() and not adapted.all()
    fresh = HABIT_START + HABIT_RESET * (np.array([0.9, HABIT_START, 0.05]) - HABIT_START)
    assert np.allclose(st.habit[adapted], fresh)
    assert st.habit[adapted, 0].max() < 0.9 and st.habit[adapted, 2].min() > 0.05
    assert (st.habit[~adapted] == [0.9, HABIT_START, 0.05]).all()


def test_adaptation__self_assigned_authority_adapts_more_readily(make_state):
    # an effort constrained only by the limits it sets itself changes its own ways more readily
    counts = []
    for source in ("granted", "self_assigned"):
        st, p = _stuck(make_state, replicates=300, adaptability=0.5, authority_source=source)
        _adapt(st, p)
        counts.append(st.governance_changes.copy())
    assert (counts[1] >= counts[0]).all()  # common random numbers
    assert counts[0].sum() < counts[1].sum()


def test_adaptation__conflict_flares_where_money_meets_contested_authority(make_state):
    st, p = make_state(n=3, authority_contest=1.0, resources=1.0)
    st.conflict[:] = 0.0
    for month in range(1, 13):
        _adapt(st, p, month)
    assert 0.0 < st.conflict[0] <= 1.0


def test_adaptation__conflict_fades_otherwise(make_state):
    st, p = make_state(n=3, authority_contest=0.0, resources=1.0)
    st.conflict[:] = 0.3
    _adapt(st, p, 1)
    assert 0.0 <= st.conflict[0] < 0.3


def test_adaptation__dissolved_collaboration_is_frozen(make_state):
    st, p = _stuck(make_state, replicates=40, authority_contest=1.0, resources=1.0)
    st.alive[20:] = False
    before = {
        k: getattr(st, k).copy()
        for k in ("governance", "conflict", "task_scope", "habit", "frustration")
    }
    _adapt(st, p)
    assert (st.governance_changes[20:] == 0).all()
    assert st.governance_changes[:20].any()
    for k, value in before.items():
        assert np.array_equal(getattr(st, k)[20:], value[20:]), k

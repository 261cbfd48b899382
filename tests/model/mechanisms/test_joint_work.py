"""Joint work on the task and its review: wins, setbacks, progress.

The month's output is what one month adds to ``task_effort`` (before a review, which resets it):
the tests of the output's drivers read it there.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from cisim import engine
from cisim.model.mechanisms.contribution import contribution
from cisim.model.mechanisms.joint_work import (
    AMBITION_BASE,
    AMBITION_WEIGHT,
    AUTHORITY_REACH,
    SCOPE_GROWTH,
    WIN_UNDERSTANDING,
    joint_work,
)
from cisim.model.state import EXITED

pytestmark = pytest.mark.xdist_group("mechanisms")


def _working(make_state, **overrides):
    """A designed entry point, contributions made, a certain outcome (no noise)."""
    settings = {
        "replicates": 2,
        "entry_point": "designed",
        "outcome_noise": 0.0,
        "review_months": 1,
        **overrides,
    }
    st, p = make_state(n=3, **settings)
    engine.apply(contribution, st, p, month=1)
    return st, p


def _output(st, p) -> float:
    """This month's output of row 0 (one month's work on a copy, no review)."""
    st, p = copy.deepcopy(st), copy.deepcopy(p)
    st.task_effort[:] = 0.0
    st.task_months[:] = 0
    p.review_months[:] = 2
    engine.apply(joint_work, st, p, month=1)
    assert not st.reviewed_now.any()
    return float(st.task_effort[0])


def test_joint_work__no_entry_point_no_work(make_state):
    st, p = make_state(n=3, entry_point="search", review_months=1)
    engine.apply(contribution, st, p, month=1)
    for month in range(1, 7):
        engine.apply(joint_work, st, p, month=month)
        assert st.task_effort[0] == 0 and st.task_months[0] == 0
        assert not st.reviewed_now.any()
    assert st.progress[0] == 0 and st.wins[0] == 0


def test_joint_work__reviews_every_review_months(make_state):
    st, p = _working(make_state, review_months=3)
    reviews = []
    for month in range(1, 10):
        engine.apply(joint_work, st, p, month=month)
        reviews.append(bool(st.reviewed_now[0]))
        assert 0 <= st.task_months[0] < 3
    assert reviews == [False, False, True] * 3


def test_joint_work__easy_task_is_a_win(make_state):
    st, p = _working(make_state)
    st.task_scope[:] = 0.01
    st.aspiration_level[:] = 0.0
    st.frustration[:] = 0.5
    st.understanding[:] = 0.4
    live = st.live.copy()
    engine.apply(joint_work, st, p, month=1)
    assert st.won_now.all() and not st.setback_now.any()
    assert (st.wins == 1).all()
    assert (st.progress > 0).all() and (st.progress <= 1).all()
    assert (st.first_win_month == 1).all()
    assert (st.experience[live] > 0).all()  # small wins: a good experience on every live tie
    assert (st.experience[~live] == 0).all()
    assert (st.task_scope > 0.01).all()  # the next task is bigger
    assert (st.frustration < 0.5).all()
    assert (st.setbacks_in_row == 0).all()
    # small wins deepen shared understanding
    assert np.allclose(st.understanding, 0.4 + WIN_UNDERSTANDING * (1 - 0.4))


def test_joint_work__a_win_raises_the_members_understanding_only(make_state):
    st, p = _working(make_state)
    st.task_scope[:] = 0.01
    st.understanding[:] = 0.4
    st.status[:, 2] = EXITED
    engine.apply(joint_work, st, p, month=1)
    assert st.won_now.all()
    assert (st.understanding[:, :2] > 0.4).all()
    assert (st.understanding[:, 2] == 0.4).all()


def test_joint_work__first_win_month_is_kept(make_state):
    st, p = _working(make_state)
    st.task_scope[:] = 0.01
    engine.apply(joint_work, st, p, month=1)
    engine.apply(joint_work, st, p, month=2)
    assert (st.wins == 2).all()
    assert (st.first_win_month == 1).all()


def test_joint_work__hard_task_short_of_aspiration_is_a_setback(make_state):
    st, p = _working(make_state)
    st.task_scope[:] = 1.0
    st.aspiration_level[:] = 1.5
    st.frustration[:] = 0.2
    understanding = st.understanding.copy()
    engine.apply(joint_work, st, p, month=1)
    assert st.setback_now.all() and not st.won_now.any()
    assert (st.setbacks_in_row == 1).all()
    assert (st.shortfall > 0).all()
    assert (st.progress == 0).all()
    assert (st.wins == 0).all()
    assert (st.frustration > 0.2).all()
    assert (st.experience == 0).all()
    assert np.array_equal(st.understanding, understanding)  # a setback teaches nothing here
    engine.apply(joint_work, st, p, month=2)
    assert (st.setbacks_in_row == 2).all()


def test_joint_work__aspiration_follows_performance(make_state):
    st, p = _working(make_state)
    st.aspiration_level[:] = 1.5
    engine.apply(joint_work, st, p, month=1)
    y = st.performance.copy()
    assert (st.aspiration_level < 1.5).all()
    assert (st.aspiration_level > y).all()
    st, p = _working(make_state)
    st.aspiration_level[:] = 0.0
    engine.apply(joint_work, st, p, month=1)
    assert (st.aspiration_level > 0.0).all()
    assert (st.aspiration_level < st.performance).all()


def test_joint_work__progress_never_falls_and_stays_below_one(make_state):
    st, p = _working(make_state, outcome_noise=2.0)
    ambition = AMBITION_BASE + AMBITION_WEIGHT * p.aspiration
    assert (st.task_scope <= ambition).all()
    last = st.progress.copy()
    for month in range(1, 200):
        engine.apply(joint_work, st, p, month=month)
        assert (st.progress >= last).all()
        assert (st.progress <= 1.0).all()
        assert (st.task_scope <= ambition).all() and (st.task_scope > 0).all()
        assert (st.aspiration_level >= 0).all() and (st.aspiration_level <= 1.5).all()
        last = st.progress.copy()
    assert (st.wins > 0).all()


def test_joint_work__outcome_noise_is_the_months_outcome_shock(make_state):
    # the outcome is the mean output plus outcome_noise (less with data) times the month's draw
    results = {}
    for shock in (-1.0, 0.0, 1.0):
        st, p = _working(make_state, outcome_noise=0.5, data_use=0.0)
        engine.apply(joint_work, st, p, month=1, shocks=(shock, 0.0))
        results[shock] = st.performance[0]
    assert results[1.0] - results[0.0] == pytest.approx(0.5)
    assert results[0.0] - results[-1.0] == pytest.approx(0.5)
    with_data = {}
    for shock in (0.0, 1.0):  # shared measurement makes the outcome less noisy: 0.5 (1 - 0.3)
        st, p = _working(make_state, outcome_noise=0.5, data_use=1.0)
        engine.apply(joint_work, st, p, month=1, shocks=(shock, 0.0))
        with_data[shock] = st.performance[0]
    assert with_data[1.0] - with_data[0.0] == pytest.approx(0.5 * (1 - 0.3))


def test_joint_work__neither_win_nor_setback_leaves_things_be(make_state):
    # members with full authority: the task's reach does not depend on its scope below 1
    st, p = _working(make_state, authority=1.0)
    y = _output(st, p)
    st.task_scope[:] = y + 0.1
    st.aspiration_level[:] = y - 0.1
    understanding = st.understanding.copy()
    engine.apply(joint_work, st, p, month=1)
    assert st.reviewed_now.all()
    assert not st.won_now.any() and not st.setback_now.any()
    assert (st.shortfall == 0).all() and (st.progress == 0).all()
    assert np.array_equal(st.understanding, understanding)
    assert st.performance[0] == y


def _win_at(make_state, scope, **overrides):
    """The next task's scope after a win (a certain one: a large outcome shock) at ``scope``."""
    st, p = _working(make_state, outcome_noise=1.0, **overrides)
    st.task_scope[:] = scope
    engine.apply(joint_work, st, p, month=1, shocks=(10.0, 0.0))
    assert st.won_now.all()
    return st.task_scope.copy()


@pytest.mark.parametrize("aspiration", [0.0, 0.5, 1.0])
def test_joint_work__tasks_grow_after_wins_up_to_the_ambition(make_state, aspiration):
    # a project stays a project: the next task is bigger, up to 0.4 + 0.6 aspiration
    ambition = AMBITION_BASE + AMBITION_WEIGHT * aspiration
    assert (AMBITION_BASE, AMBITION_WEIGHT) == (0.4, 0.6)
    assert np.allclose(_win_at(make_state, 0.3, aspiration=aspiration), 0.3 * SCOPE_GROWTH)
    assert (_win_at(make_state, 0.98 * ambition, aspiration=aspiration) == ambition).all()
    assert (_win_at(make_state, ambition, aspiration=aspiration) == ambition).all()


def _plain_output(make_state, setup=None, **overrides):
    st, p = make_state(n=3, **{"entry_point": "designed", **overrides})
    engine.apply(contribution, st, p, month=1)
    if setup is not None:
        setup(st)
    return _output(st, p)


def test_joint_work__output_grows_with_the_five_levers(make_state):
    for lever in ("joint_problem_solving", "data_use"):
        high = _plain_output(make_state, **{lever: 0.9})
        assert high > _plain_output(make_state, **{lever: 0.1}), lever
    assert _plain_output(make_state, resources=0.9) > _plain_output(make_state, resources=0.1)
    assert _plain_output(make_state, authority=0.9) > _plain_output(make_state, authority=0.1)


def _scoped(scope, committed=0.5):
    """A task of ``scope``, on which members commit ``committed`` of their capacity (whatever
    their authority: the output's dependence on authority is then its reach alone)."""

    def setup(st):
        st.task_scope[:] = scope
        st.contribution[:] = committed * st.capacity

    return setup


def test_joint_work__authority_acts_through_the_tasks_reach(make_state):
    # a task within the authority of those doing it loses nothing to it, and more authority
    # than it needs adds nothing; a task beyond it loses AUTHORITY_REACH per unit it exceeds it
    within = _plain_output(make_state, _scoped(0.3), authority=0.6)
    assert within > 0
    assert _plain_output(make_state, _scoped(0.3), authority=0.9) == pytest.approx(within)
    assert _plain_output(make_state, _scoped(0.6), authority=0.6) == pytest.approx(within)
    beyond = _plain_output(make_state, _scoped(0.8), authority=0.6)
    assert beyond == pytest.approx(within * (1 - AUTHORITY_REACH * 0.2))
    assert _plain_output(make_state, _scoped(0.8), authority=0.8) == pytest.approx(within)


def test_joint_work__the_reach_counts_the_authority_of_those_who_contribute(make_state):
    # authority is present as far as its holders commit and are settled in
    def lopsided(committing):
        def setup(st):
            st.task_scope[:] = 0.7
            st.authority[:] = [0.9, 0.1, 0.1]
            st.contribution[:] = 0.0
            st.contribution[:, committing] = 0.5 * st.capacity[:, committing]

        return setup

    powerful = _plain_output(make_state, lopsided([0]))
    powerless = _plain_output(make_state, lopsided([1]))
    assert powerful > powerless > 0

    def newcomer(st):
        lopsided([0])(st)
        st.onboarding[:, 0] = 0.0  # its authority acts with half its weight until onboarded

    assert powerless < _plain_output(make_state, newcomer) < powerful


def test_joint_work__output_is_never_negative(make_state):
    assert _plain_output(make_state, _scoped(1.0), authority=0.0) >= 0.0


def test_joint_work__effort_is_the_share_of_capacity_committed(make_state):
    # capacity scales what members commit, not the output: effort is the share of the members'
    # capacity they commit (the array specification's test that output grows with capacity held
    # only by a last-bit rounding difference)
    assert _plain_output(make_state, capacity=0.9) == pytest.approx(
        _plain_output(make_state, capacity=0.1), rel=1e-12
    )

    def committed(share):
        def setup(st):
            st.contribution[:] = share * st.capacity

        return setup

    assert _plain_output(make_state, committed(0.9)) > _plain_output(make_state, committed(0.3))


def test_joint_work__output_grows_with_understanding_and_capacity(make_state):
    def understanding(st):
        st.understanding[:] = 0.9

    def routines(st):
        st.operational_capacity[:] = 0.9

    plain = _plain_output(make_state)
    assert _plain_output(make_state, understanding) > plain
    assert _plain_output(make_state, routines) > plain


def test_joint_work__output_grows_with_diversity_and_knowledge(make_state):
    def same_sector(st):
        st.sector[:] = 0

    def knowing(st):
        st.knowledge[:] = 0.9

    plain = _plain_output(make_state, joint_problem_solving=0.8, data_use=0.8)
    assert _plain_output(make_state, same_sector, joint_problem_solving=0.8, data_use=0.8) < plain
    assert _plain_output(make_state, knowing, joint_problem_solving=0.8, data_use=0.8) > plain


def test_joint_work__conflict_and_community_time_cost_output(make_state):
    def fight(st):
        st.conflict[:] = 0.8

    assert _plain_output(make_state, fight) < _plain_output(make_state)
    # engagement takes members' time (its benefits come through legitimacy and knowledge)
    assert _plain_output(make_state, community_engagement=0.9) < _plain_output(
        make_state, community_engagement=0.1
    )


def test_joint_work__dissolved_collaboration_is_frozen(make_state):
    st, p = _working(make_state)
    st.task_scope[:] = 0.01
    st.alive[1] = False
    engine.apply(joint_work, st, p, month=1)
    assert st.won_now.tolist() == [True, False]
    assert st.progress[1] == 0 and st.wins[1] == 0 and st.task_months[1] == 0
    assert (st.experience[1] == 0).all()

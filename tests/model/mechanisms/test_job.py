"""The job a collaboration is hired to do (seed 000): think, do, or think and do.

Thinking and doing is the model's course (nothing changes with it); a thinking partnership's wins
add a share of the progress (others implement what it recommends); a doing partnership learns
half as much from what it tries and does not revise the strategy it implements.
"""

from __future__ import annotations

import pytest

from cisim import engine
from cisim.model.mechanisms.adaptation import adaptation
from cisim.model.mechanisms.community import community
from cisim.model.mechanisms.contribution import contribution
from cisim.model.mechanisms.joint_work import (
    DO_LEARNING,
    THINK_UPTAKE,
    WIN_KNOWLEDGE,
    joint_work,
)

pytestmark = pytest.mark.xdist_group("mechanisms")


def _won(make_state, job):
    """Row 0 after a certain win from the same state, hired to do ``job``."""
    st, p = make_state(
        n=3, replicates=1, entry_point="designed", review_months=1, outcome_noise=1.0, job=job
    )
    engine.apply(contribution, st, p, month=1)
    st.task_scope[:] = 0.2
    st.progress[:] = 0.3
    st.knowledge[:] = 0.4
    engine.apply(joint_work, st, p, month=1, shocks=(10.0, 0.0))
    assert st.won_now.all()
    return st


def test_job__a_thinking_partnerships_win_adds_a_share_of_the_progress(make_state):
    both = _won(make_state, "think_and_do").progress[0] - 0.3
    think = _won(make_state, "think").progress[0] - 0.3
    do = _won(make_state, "do").progress[0] - 0.3
    assert both > 0
    assert think == pytest.approx(THINK_UPTAKE * both)
    assert do == pytest.approx(both)  # a doing partnership implements what it won


def test_job__a_doing_partnership_learns_half_as_much_from_a_win(make_state):
    both = _won(make_state, "think_and_do").knowledge[0] - 0.4
    do = _won(make_state, "do").knowledge[0] - 0.4
    assert both == pytest.approx(WIN_KNOWLEDGE * (1 - 0.4))
    assert do == pytest.approx(DO_LEARNING * both)
    assert _won(make_state, "think").knowledge[0] - 0.4 == pytest.approx(both)


def test_job__a_doing_partnership_learns_half_as_much_at_a_review(make_state):
    def learnt(job):
        st, p = make_state(n=3, replicates=1, job=job, community_engagement=0.5, data_use=0.5)
        st.reviewed_now[:] = True
        st.knowledge[:] = 0.4
        engine.apply(community, st, p, month=1)
        return st.knowledge[0] - 0.4

    assert learnt("think_and_do") > 0
    assert learnt("do") == pytest.approx(DO_LEARNING * learnt("think_and_do"))


def test_job__a_doing_partnership_does_not_revise_the_strategy_it_implements(make_state):
    def adapted(job):
        st, p = make_state(
            n=3, replicates=200, seed=3, job=job, entry_point="designed", entry_quality=0.3,
            adaptability=1.0,
        )  # fmt: skip
        st.setbacks_in_row[:] = 2  # stuck
        st.knowledge[:] = 0.9
        engine.apply(adaptation, st, p, month=1)
        return st

    both = adapted("think_and_do")
    assert both.governance_changes.sum() > 0 and (both.entry_fit > 0.3).any()
    do = adapted("do")
    assert do.governance_changes.sum() == both.governance_changes.sum()  # it still adapts
    assert (do.entry_fit == 0.3).all() and (do.entry_revisions == 0).all()

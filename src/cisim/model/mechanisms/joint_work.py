"""Joint work on the current task, and its review.

Once an entry point is found the collaboration works on a joint task. Each month it adds

    S = (base * synergy * targeting * (1 - 0.15 community_engagement) + money)
        * (1 - 0.5 conflict) * mode
    base = 0.35 effort + 0.2 authority_present + 0.25 understanding + 0.2 operational_capacity

where effort is the share of members' capacity committed, authority_present the effective authority
of those who contribute ("the right people at the table"), synergy ``1 + 0.6 joint_problem_solving *
diversity`` (work done jointly, drawing on complementary sectors), targeting ``0.8 + 0.4 data_use
(0.5 + 0.5 knowledge)`` (data-informed targeting), money ``0.6 resources * operational_capacity`` (a
grant is only as useful as the capacity to spend it) and mode a small effect of the governance mode.
Every ``review_months`` the task is reviewed: its outcome ``y`` is the mean of S plus noise (less
with better data). ``y >= task_scope`` is a *win*: progress grows by ``0.1 min(y, 1) (1 -
progress)`` (what the win achieved), partners share a good experience (small wins), and the next
task is a little bigger; ``y < aspiration`` is a *setback*, to which partners respond by learning or
blame (:mod:`cisim.model.mechanisms.setback_response`). Aspirations adapt to performance (Cyert &
March 1963; Greve 2003).

References: Ansell & Gash (2008) and Vangen & Huxham (2003) (small wins); Moore (1995) and the
strategic triangle of seed 003 (public value, legitimacy, operational capacity); Kania & Kramer
(2011) (shared measurement); seed 000 ("right people", "level of intervention").
"""

from __future__ import annotations

import numpy as np

from cisim.model.state import Params, State, diversity, row_mean, row_sum
from cisim.model.streams import Stream, normal

MODE_EFFECT = np.array([1.0, 1.02, 1.01])  # shared, lead organisation, administrative organisation
PROGRESS_RATE = 0.1
ASPIRATION_ADAPTATION = 0.2
SCOPE_GROWTH = 1.1
FRUSTRATION_EASING = 0.97  # monthly, while working on a task


def task_output(st: State, p: Params) -> np.ndarray:
    """This month's contribution to the task, ``(R,)``."""
    act = st.active
    effort = row_mean(st.contribution, act) / np.maximum(row_mean(st.capacity, act), 1e-9)
    weight = np.where(act, st.contribution, 0.0)
    effective = st.authority * (0.5 + 0.5 * st.onboarding)
    present = row_sum(effective * weight) / np.maximum(row_sum(weight), 1e-12)
    base = (
        0.35 * effort
        + 0.2 * present
        + 0.25 * row_mean(st.understanding, act)
        + 0.2 * st.operational_capacity
    )
    synergy = 1.0 + 0.6 * p.joint_problem_solving * diversity(st.sector, act)
    targeting = 0.8 + 0.4 * p.data_use * (0.5 + 0.5 * st.knowledge)
    community_time = 1.0 - 0.15 * p.community_engagement
    money = 0.6 * p.resources * st.operational_capacity
    out = (base * synergy * targeting * community_time + money) * (1.0 - 0.5 * st.conflict)
    return np.asarray(out * MODE_EFFECT[st.governance], dtype=np.float64)


def joint_work(st: State, p: Params) -> None:
    """Work on the task; at its review, record a win, a setback, or neither."""
    working = st.alive & st.entry_found
    st.task_effort = st.task_effort + np.where(working, task_output(st, p), 0.0)
    st.task_months = st.task_months + working
    review = working & (st.task_months >= p.review_months)
    noise = p.outcome_noise * (1.0 - 0.3 * p.data_use) * normal(st.keys, Stream.OUTCOME, st.month)
    y = st.task_effort / np.maximum(st.task_months, 1) + noise
    win = review & (y >= st.task_scope)
    setback = review & (y < st.aspiration_level)
    st.reviewed_now, st.won_now, st.setback_now = review, win, setback
    st.progress = st.progress + np.where(
        win, PROGRESS_RATE * np.minimum(y, 1.0) * (1 - st.progress), 0.0
    )
    st.wins = st.wins + win
    st.first_win_month = np.where(win & (st.first_win_month < 0), st.month, st.first_win_month)
    st.experience = st.experience + np.where(st.live & win[:, None], 1.0, 0.0)
    st.task_scope = np.where(win, np.minimum(1.0, st.task_scope * SCOPE_GROWTH), st.task_scope)
    st.frustration = np.where(working[:, None], FRUSTRATION_EASING * st.frustration, st.frustration)
    st.frustration = np.where(win[:, None], 0.7 * st.frustration, st.frustration)
    st.frustration = np.where(
        setback[:, None] & st.active, st.frustration + 0.1 * (1 - st.frustration), st.frustration
    )
    st.setbacks_in_row = np.where(
        review, np.where(setback, st.setbacks_in_row + 1, 0), st.setbacks_in_row
    )
    st.performance = np.where(review, y, st.performance)
    st.shortfall = np.where(setback, st.aspiration_level - y, 0.0)
    st.aspiration_level = np.where(
        review,
        np.clip(st.aspiration_level + ASPIRATION_ADAPTATION * (y - st.aspiration_level), 0.0, 1.5),
        st.aspiration_level,
    )
    st.task_effort = np.where(review, 0.0, st.task_effort)
    st.task_months = np.where(review, 0, st.task_months)

"""Setback response: learning or blame, and what each does.

The consequences of each response are tested with the attribution made certain through the
setback's salience, the month's shared normal draw (``shocks=(0, +-100)``: every member blames,
or every member learns). The attribution itself is tested by the directions in which its
documented drivers move the chance of blame: each member draws one number (common random
numbers) and blames when it falls below its chance, so a higher chance makes a member blame
wherever a lower one does, and more members blame.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from cisim import engine
from cisim.model.mechanisms.setback_response import HABIT_RATE, HABIT_START, setback_response
from cisim.model.mechanisms.trust import trust
from cisim.model.state import EXITED

pytestmark = pytest.mark.xdist_group("mechanisms")

BLAME = (0.0, 100.0)  # a setback so salient that every member blames a partner
LEARN = (0.0, -100.0)  # ... so little that every member learns
MONTH = 4


def _after_setback(make_state, **overrides):
    settings = {"n": 3, "replicates": 2, "entry_point": "designed", **overrides}
    st, p = make_state(**settings)
    st.setback_now[:] = True
    return st, p


def _respond(st, p, shocks=None, month=MONTH):
    engine.apply(setback_response, st, p, month=month, shocks=shocks)


def test_setback_response__no_setback_no_response(make_state):
    st, p = make_state(n=3)
    st.blamed[:] = 1.0
    st.habit[0] = [0.2, 0.5, 0.9]
    habit, capacity = st.habit.copy(), st.operational_capacity.copy()
    _respond(st, p, BLAME, month=1)
    assert not st.learned_now.any() and not st.blamed_now.any()
    assert st.blame_now[0] == 0 and st.learning_now[0] == 0
    assert (st.experience == 0).all()
    assert np.array_equal(st.habit, habit)  # habits move only with responses
    assert np.array_equal(st.operational_capacity, capacity)
    assert (st.blamed < 1.0).all() and (st.blamed > 0).all()  # blame fades


def test_setback_response__every_active_member_responds_once(make_state):
    st, p = _after_setback(make_state, replicates=20)
    _respond(st, p)
    assert not (st.learned_now & st.blamed_now).any()
    assert ((st.learned_now | st.blamed_now) == st.active).all()
    assert (st.blame_now + st.learning_now == 3).all()
    assert (st.blame_total == st.blame_now).all()
    assert (st.learning_total == st.learning_now).all()
    assert st.blame_now.sum() > 0 and st.learning_now.sum() > 0  # both responses happen


def test_setback_response__blamed_tie_loses_trust_both_ways(make_state, tie):
    st, p = _after_setback(make_state, n=2)
    before = st.trust.copy()
    _respond(st, p, BLAME)
    assert st.blamed_now.all()
    ab, ba = tie(st, 0, 1), tie(st, 1, 0)
    assert (st.experience[:, [ab, ba]] < 0).all()
    assert (st.last_blame[:, [ab, ba]] == MONTH).all()
    engine.apply(trust, st, p, month=MONTH)
    assert (st.trust[:, [ab, ba]] < before[:, [ab, ba]]).all()


def test_setback_response__blame_falls_on_one_partner_and_bystanders_hear(make_state):
    st, p = _after_setback(make_state, replicates=60, blame_severity=10.0, trust_spillover=0.5)
    _respond(st, p)
    one_blamer = np.flatnonzero(st.blamed_now.sum(axis=1) == 1)
    assert len(one_blamer) >= 5
    for r in one_blamer:
        blamer = int(np.flatnonzero(st.blamed_now[r])[0])
        marked = np.flatnonzero(st.last_blame[r] == MONTH)
        assert len(marked) == 2  # the blamer's tie to its target, and back
        k = marked[st.src[r, marked] == blamer][0]
        target = int(st.dst[r, k])
        other = 3 - target - blamer
        assert st.rev[r, k] in marked
        assert st.blamed[r].tolist() == [1.0 if i == target else 0.0 for i in range(3)]
        direct = st.experience[r, marked]
        heard = st.experience[r, (st.src[r] == other) & (st.dst[r] == blamer) & st.exists[r]]
        assert (direct < 0).all() and (heard < 0).all()
        assert (np.abs(heard) < np.abs(direct).min()).all()  # bystanders hear a smaller one


def test_setback_response__blame_frustrates_the_blamed(make_state):
    st, p = _after_setback(make_state, replicates=10)
    st.frustration[:] = 0.2
    _respond(st, p, BLAME)
    hit = st.blamed > 0
    assert hit.any()
    assert (st.frustration[hit] > 0.2).all() and (st.frustration[~hit] == 0.2).all()


def test_setback_response__blame_costs_capacity_habits_peace_and_credibility(make_state):
    st, p = _after_setback(make_state, authority_contest=0.8, navigator=1)
    before = {
        k: getattr(st, k).copy()
        for k in ("operational_capacity", "habit", "conflict", "credibility")
    }
    _respond(st, p, BLAME)
    assert (st.operational_capacity < before["operational_capacity"]).all()
    assert (st.habit > before["habit"]).all()  # every blamer is readier to blame next time
    assert (st.conflict > before["conflict"]).all()
    assert (st.credibility < before["credibility"]).all()
    assert (st.blame_now == 3).all() and (st.learning_now == 0).all()


def test_setback_response__uncontested_authority_no_governance_fight(make_state):
    st, p = _after_setback(make_state, authority_contest=0.0)
    conflict = st.conflict.copy()
    _respond(st, p, BLAME)
    assert st.blamed_now.all()
    assert np.array_equal(st.conflict, conflict)


def test_setback_response__learning_builds(make_state):
    st, p = _after_setback(make_state)
    st.understanding[:] = 0.4
    before = {
        k: getattr(st, k).copy() for k in ("operational_capacity", "habit", "task_scope", "trust")
    }
    _respond(st, p, LEARN)
    assert st.learned_now.all() and not st.blamed_now.any()
    assert (st.learning_now == 3).all() and (st.blame_now == 0).all()
    assert (st.understanding > 0.4).all() and (st.understanding <= 1).all()
    assert (st.operational_capacity > before["operational_capacity"]).all()
    assert (st.habit < before["habit"]).all()  # every learner is readier to learn next time
    assert (st.task_scope < before["task_scope"]).all()  # re-scoped to something achievable
    assert (st.experience[st.live] > 0).all()
    assert (st.last_blame == -1).all()
    engine.apply(trust, st, p, month=MONTH)
    assert (st.trust[st.live] >= before["trust"][st.live]).all()


def _more(higher, lower):
    """``higher`` blames wherever ``lower`` does, and somewhere else too."""
    assert (higher | ~lower).all()
    assert higher.sum() > lower.sum()


def test_setback_response__blame_confirms_itself(make_state):
    fresh, p = _after_setback(make_state, replicates=200)
    burnt = copy.deepcopy(fresh)
    _respond(burnt, p, BLAME)  # a first setback, all blame
    _respond(fresh, p, month=MONTH + 1)
    _respond(burnt, p, month=MONTH + 1)
    _more(burnt.blamed_now, fresh.blamed_now)


def test_setback_response__learning_confirms_itself(make_state):
    fresh, p = _after_setback(make_state, replicates=200)
    taught = copy.deepcopy(fresh)
    _respond(taught, p, LEARN)  # a first setback, all learning
    _respond(fresh, p, month=MONTH + 1)
    _respond(taught, p, month=MONTH + 1)
    _more(fresh.blamed_now, taught.blamed_now)


def test_setback_response__habits_move_towards_each_response(make_state):
    # a member that blamed is readier to blame next time, one that learned less: its habit moves
    # HABIT_RATE of the way to 1 (blame) or to 0 (learning)
    for shocks, response in ((BLAME, 1.0), (LEARN, 0.0)):
        st, p = _after_setback(make_state)
        st.habit[:] = [0.1, 0.5, 0.9]
        before = st.habit.copy()
        _respond(st, p, shocks)
        assert np.allclose(st.habit, before + HABIT_RATE * (response - before))
    assert 0 < HABIT_RATE <= 1


def test_setback_response__only_members_who_respond_learn_a_habit(make_state):
    st, p = _after_setback(make_state)
    st.status[:, 2] = EXITED
    st.habit[:] = HABIT_START
    _respond(st, p, BLAME)
    assert (st.habit[:, 2] == HABIT_START).all()
    assert (st.habit[:, :2] > HABIT_START).all()


def _first_blames(make_state, habits, setup=None):
    """Whether member 0 blames after a setback in month 4, in 300 plain collaborations whose
    members have the given ``habits`` (the month's draws: common random numbers)."""
    st, p = _after_setback(make_state, replicates=300)
    st.habit[:] = habits
    if setup is not None:
        setup(st)
    _respond(st, p)
    return st.blamed_now[:, 0].copy()


def test_setback_response__the_norm_is_the_partners_mean_habit(make_state):
    # member 0 reads its partners' habits through their mean: spreading them around the same
    # mean changes none of its responses, raising the mean makes it blame more
    even = _first_blames(make_state, [0.3, 0.5, 0.5])
    assert np.array_equal(_first_blames(make_state, [0.3, 0.9, 0.1]), even)
    _more(_first_blames(make_state, [0.3, 0.8, 0.8]), even)
    _more(even, _first_blames(make_state, [0.3, 0.2, 0.2]))


def test_setback_response__partners_shape_a_response_more_than_its_own_habit(make_state):
    # the norm weighs more than the member's own habit: partners ready to blame make it blame
    # more than its own readiness to blame by as much does
    own = _first_blames(make_state, [0.6, 0.3, 0.3])
    theirs = _first_blames(make_state, [0.3, 0.6, 0.6])
    _more(own, _first_blames(make_state, [0.3, 0.3, 0.3]))
    _more(theirs, own)


def test_setback_response__only_live_partners_make_the_norm(make_state):
    def gone(st):
        st.status[:, 2] = EXITED

    # with member 2 at the table its habit counts, once it has left it does not
    _more(_first_blames(make_state, [0.3, 0.3, 1.0]), _first_blames(make_state, [0.3, 0.3, 0.0]))
    assert np.array_equal(
        _first_blames(make_state, [0.3, 0.3, 1.0], gone),
        _first_blames(make_state, [0.3, 0.3, 0.0], gone),
    )


def _blamers(make_state, setup=None, **overrides):
    """Who blames after a setback in month 4, in 300 plain collaborations (the month's draws)."""
    st, p = _after_setback(make_state, **{"replicates": 300, **overrides})
    if setup is not None:
        setup(st)
    _respond(st, p)
    return st.blamed_now.copy()


def _set(**values):
    def setup(st):
        for name, value in values.items():
            getattr(st, name)[:] = value

    return setup


@pytest.mark.parametrize(
    ("more_blame", "less_blame"),
    [
        ({"setup": _set(habit=0.8)}, {"setup": _set(habit=0.1)}),
        ({"initial_trust": 0.2}, {"initial_trust": 0.8}),
        ({"setup": _set(understanding=0.1)}, {"setup": _set(understanding=0.9)}),
        ({"data_use": 0.1}, {"data_use": 0.9}),
        ({"setup": _set(knowledge=0.0)}, {"setup": _set(knowledge=0.9)}),
        ({"setup": _set(aspiration_level=1.0)}, {"setup": _set(aspiration_level=0.2)}),
        ({"resources": 0.9}, {"resources": 0.1}),
        ({"setup": _set(shortfall=0.5)}, {"setup": _set(shortfall=0.0)}),
        ({"setup": _set(blamed=1.0)}, {}),
        ({"authority_contest": 0.9}, {"authority_contest": 0.0}),
        ({"joint_problem_solving": 0.0}, {"joint_problem_solving": 0.9}),
        ({"prior_trust_bonus": 0.0}, {"prior_ties": 1.0, "prior_trust_bonus": 0.0}),
        ({"navigator": 1}, {"navigator": 1, "setup": _set(attended=True)}),
        ({"governance_mode": "lead_organisation"}, {"governance_mode": "shared"}),
    ],
    ids=[
        "habits",
        "trust",
        "understanding",
        "data_use",
        "knowledge",
        "aspiration",
        "resources",
        "shortfall",
        "blamed",
        "authority_contest",
        "joint_problem_solving",
        "prior_ties",
        "mediation",
        "governance_mode",
    ],
)
def test_setback_response__drivers_of_blame(make_state, more_blame, less_blame):
    _more(_blamers(make_state, **more_blame), _blamers(make_state, **less_blame))


def test_setback_response__salience_is_shared_by_all_members(make_state):
    # a more salient setback (the month's shared draw) raises every member's chance of blame
    low, high = (_after_setback(make_state, replicates=100) for _ in range(2))
    _respond(low[0], low[1], (0.0, -0.5))
    _respond(high[0], high[1], (0.0, 0.5))
    _more(high[0].blamed_now, low[0].blamed_now)


def test_setback_response__blame_probability_is_a_probability(make_state):
    # extreme drivers give a chance of blame that is a number (a NaN would never blame), near 1
    # where every member's habit is to blame, near 0 where none's is and the setback is
    # learning-prone
    st, p = _after_setback(make_state, replicates=100)
    st.habit[:] = 1.0
    st.blamed[:] = 100.0
    _respond(st, p, (0.0, 0.0))
    assert st.blamed_now.mean() > 0.95
    st, p = _after_setback(make_state, replicates=100)
    st.habit[:] = 0.0
    st.blamed[:] = 100.0
    _respond(st, p, (0.0, -5.0))
    assert st.blamed_now.mean() < 0.05


def test_setback_response__dissolved_collaboration_is_frozen(make_state):
    st, p = _after_setback(make_state, authority_contest=0.5, navigator=1)
    st.alive[1] = False
    names = (
        "trust",
        "understanding",
        "operational_capacity",
        "task_scope",
        "habit",
        "conflict",
        "credibility",
        "frustration",
        "blamed",
        "blame_total",
        "learning_total",
        "last_blame",
    )
    before = {k: getattr(st, k).copy() for k in names}
    _respond(st, p, BLAME)
    assert st.blamed_now[0].all() and not st.blamed_now[1].any()
    for k in names:
        assert np.array_equal(getattr(st, k)[1], before[k][1]), k

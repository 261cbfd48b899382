"""The decision hook: responses, blame targets and effort decided from outside the model.

The mechanisms' own tests make the attribution certain through the setback's salience (the
month's shared normal draw: ``shocks=(0, +-100)``: every member blames, or every member learns);
a decision from outside must override it. The experiment ("what if this member always learns?")
is run on the baseline with fixed seeds, against the same runs with the model deciding.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from cisim import engine
from cisim.engine import preview_setbacks
from cisim.errors import ConfigError
from cisim.model.decisions import clear, decide
from cisim.model.mechanisms.contribution import contribution
from cisim.model.mechanisms.setback_response import setback_response
from cisim.model.mechanisms.turnover import settled
from cisim.model.population import RunSpec, build_state
from cisim.model.scenario import Scenario

pytestmark = pytest.mark.xdist_group("mechanisms")

EVERYONE_BLAMES = (0.0, 100.0)
EVERYONE_LEARNS = (0.0, -100.0)
MONTH = 4


def _after_setback(make_state, n=4, replicates=3):
    st, p = make_state(n=n, replicates=replicates, entry_point="designed")
    st.setback_now[:] = True
    return st, p


def test_decide__a_member_told_to_learn_learns_where_the_model_would_blame(make_state):
    st, p = _after_setback(make_state)
    decide(st, 1, response="learn")
    engine.apply(setback_response, st, p, month=MONTH, shocks=EVERYONE_BLAMES)
    assert st.learned_now[:, 1].all() and not st.blamed_now[:, 1].any()
    assert st.blamed_now[:, [0, 2, 3]].all()  # the others still follow the model


def test_decide__a_member_told_to_blame_blames_where_the_model_would_learn(make_state):
    st, p = _after_setback(make_state)
    decide(st, 2, response="blame")
    engine.apply(setback_response, st, p, month=MONTH, shocks=EVERYONE_LEARNS)
    assert st.blamed_now[:, 2].all() and not st.learned_now[:, 2].any()
    assert st.learned_now[:, [0, 1, 3]].all()


def test_decide__a_blamer_blames_the_partner_named(make_state, tie):
    st, p = _after_setback(make_state, replicates=1)
    decide(st, np.arange(4), response="learn")
    decide(st, 0, response="blame", target=3)
    engine.apply(setback_response, st, p, month=MONTH, shocks=EVERYONE_LEARNS)
    blamed = [j for j in (1, 2, 3) if st.last_blame[0, tie(st, 0, j)] == MONTH]
    assert blamed == [3]
    assert st.blamed[0, 3] > 0 and st.blamed[0, 1] == 0 and st.blamed[0, 2] == 0


def test_decide__a_named_target_without_a_live_tie_leaves_the_model_s_choice(make_state, tie):
    st, p = _after_setback(make_state, replicates=1)
    decide(st, np.arange(4), response="learn")
    decide(st, 0, response="blame", target=0)  # itself: no tie
    engine.apply(setback_response, st, p, month=MONTH, shocks=EVERYONE_LEARNS)
    assert sum(st.last_blame[0, tie(st, 0, j)] == MONTH for j in (1, 2, 3)) == 1


def test_decide__effort_replaces_the_model_s_willingness(make_state):
    st, p = make_state(n=4, replicates=2)
    model = copy.deepcopy(st)
    engine.apply(contribution, model, p, month=MONTH)
    decide(st, 1, effort=0.25)
    decide(st, 2, effort=0.0)
    engine.apply(contribution, st, p, month=MONTH)
    held = np.vectorize(settled)(st.onboarding[:, 1])  # onboarding still holds a newcomer back
    assert np.allclose(st.contribution[:, 1], 0.25 * st.capacity[:, 1] * held)
    assert (st.contribution[:, 2] == 0).all()
    assert np.array_equal(st.contribution[:, [0, 3]], model.contribution[:, [0, 3]])
    assert not np.allclose(st.contribution[:, 1], model.contribution[:, 1])


def test_clear__gives_the_decisions_back_to_the_model(make_state):
    st, _ = make_state(n=3)
    fresh = copy.deepcopy(st)
    decide(st, [0, 2], response="blame", target=1, effort=0.5)
    clear(st)
    for name in ("decide_response", "decide_target", "decide_effort"):
        assert np.array_equal(getattr(st, name), getattr(fresh, name))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"response": "sulk"}, "response"),
        ({"effort": 1.5}, "effort"),
        ({"target": 9}, "target"),
    ],
)
def test_decide__refuses_values_out_of_range(make_state, kwargs, field):
    st, _ = make_state(n=3)
    with pytest.raises(ConfigError, match=field):
        decide(st, 0, **kwargs)
    with pytest.raises(ConfigError, match="org"):
        decide(st, 5, response="learn")


def _baseline(replicates: int = 40, seed: int = 17):
    sc = Scenario.preset("baseline")
    return build_state([RunSpec(sc, seed, k) for k in range(replicates)])


def test_decide__an_always_learning_member_lowers_blame_and_raises_trust():
    # "what if this member always learns?" as an experiment: the same seeds with and without
    months = 60
    st, p = _baseline()
    model = engine.run(st, p, months)
    st, p = _baseline()
    member = 0
    decide(st, member, response="learn")
    learning = engine.run(st, p, months)
    assert st.blamed_now[:, member].sum() == 0
    # its own blame is gone, and its partners, whose norm it is part of, blame less too
    assert learning["blame_climate"][-1].mean() < model["blame_climate"][-1].mean()
    assert learning["blame_responses"].sum() < model["blame_responses"].sum()
    assert learning["mean_trust"][-1].mean() > model["mean_trust"][-1].mean()


def test_decide__everyone_blaming_ends_below_everyone_learning_in_trust():
    months = 36
    trust = {}
    for response in ("learn", "blame"):
        st, p = _baseline(replicates=20)
        decide(st, np.arange(st.slots), response=response)
        trust[response] = engine.run(st, p, months)["mean_trust"][-1].mean()
    assert trust["blame"] < trust["learn"] - 0.1


def test_preview_setbacks__does_not_depend_on_the_month_s_responses():
    # whether a month ends in a setback is settled before the responses: previewing with the
    # model deciding and then running the month with other responses finds the same setbacks
    st, p = _baseline(replicates=24, seed=5)
    rng = np.random.default_rng(0)
    seen = 0
    for _ in range(36):
        expected = preview_setbacks(st, p)
        before = st.month
        choices = rng.integers(0, 3, st.decide_response.shape)
        st.decide_response[...] = choices
        st.decide_target[...] = rng.integers(-1, st.slots, st.decide_target.shape)
        members = st.active.copy()
        engine.run(st, p, 1)
        assert st.month == before + 1
        assert np.array_equal(expected, members & st.setback_now[:, None])
        seen += int(expected.any(axis=1).sum())
    assert seen > 20  # setbacks were met, in many row-months


# ---- the Mesa face ------------------------------------------------------------------------------
def test_mesa_decide__is_the_batch_hook_on_one_replicate():
    from cisim.engine.mesa_model import CollaborationModel

    model = CollaborationModel(rng=11)
    name = model.organisations[2].name
    model.decide(name, response="learn", effort=0.6)
    model.organisations[4].decide(response="blame", target=model.organisations[2])
    model.run_for(24)
    st, p = build_state([RunSpec(Scenario.preset("baseline"), 11, 0)])
    decide(st, 2, response="learn", effort=0.6)
    decide(st, 4, response="blame", target=2)
    engine.run(st, p, 24)
    assert np.array_equal(model.state.trust, st.trust)
    assert np.array_equal(model.state.contribution, st.contribution)
    assert int(model.state.decide_response[0, 2]) == 1 and model.state.decide_target[0, 4] == 2
    model.clear_decisions()
    assert (model.state.decide_response == 0).all() and (model.state.decide_effort == -1).all()


def test_mesa_decide__refuses_an_unknown_organisation():
    from cisim.engine.mesa_model import CollaborationModel

    model = CollaborationModel(rng=1)
    with pytest.raises(ConfigError, match="org = 'nobody'"):
        model.decide("nobody", response="learn")
    with pytest.raises(ConfigError, match="target"):
        model.decide(0, target=999)


def test_mesa_setbacks_ahead__names_those_who_meet_the_coming_setback():
    from cisim.engine.mesa_model import CollaborationModel

    model = CollaborationModel(rng=4, entry_point="designed")
    met = 0
    for _ in range(36):
        ahead = {o.slot for o in model.setbacks_ahead()}
        model.step()
        responded = set(np.flatnonzero(model.state.learned_now[0] | model.state.blamed_now[0]))
        assert ahead == responded
        met += bool(ahead)
    assert met > 0

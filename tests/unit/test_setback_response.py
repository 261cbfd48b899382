"""Setback response: learning or blame, and what each does.

The consequences of each response are tested with the attribution forced (``blame_probability``
patched to 0 or 1 per organisation); the attribution itself is tested by the directions in
which its documented drivers move the chance of blame.
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from cisim.model.mechanisms.setback_response import blame_probability, setback_response
from cisim.model.mechanisms.trust import trust

# the module (``cisim.model.mechanisms.setback_response`` the attribute is the function)
module = importlib.import_module("cisim.model.mechanisms.setback_response")


def _force(monkeypatch, chance):
    """Make organisation i blame with probability ``chance[i]`` (0 or 1: certain)."""

    def forced(st, p):
        return np.broadcast_to(np.asarray(chance, dtype=float), st.status.shape).copy()

    monkeypatch.setattr(module, "blame_probability", forced)


def _after_setback(make_state, **overrides):
    settings = {"n": 3, "replicates": 2, "entry_point": "designed", **overrides}
    st, p = make_state(**settings)
    st.setback_now[:] = True
    st.month = 4
    return st, p


def test_setback_response__no_setback_no_response(make_state):
    st, p = make_state(n=3)
    st.blamed[:] = 1.0
    climate, capacity = st.blame_climate.copy(), st.operational_capacity.copy()
    st.month = 1
    setback_response(st, p)
    assert not st.learned_now.any() and not st.blamed_now.any()
    assert st.blame_now[0] == 0 and st.learning_now[0] == 0
    assert (st.experience == 0).all()
    assert np.array_equal(st.blame_climate, climate)
    assert np.array_equal(st.operational_capacity, capacity)
    assert (st.blamed < 1.0).all() and (st.blamed > 0).all()  # blame fades


def test_setback_response__every_active_member_responds_once(make_state):
    st, p = _after_setback(make_state, replicates=20)
    setback_response(st, p)
    assert not (st.learned_now & st.blamed_now).any()
    assert ((st.learned_now | st.blamed_now) == st.active).all()
    assert (st.blame_now + st.learning_now == 3).all()
    assert (st.blame_total == st.blame_now).all()
    assert (st.learning_total == st.learning_now).all()


def test_setback_response__blamed_tie_loses_trust_both_ways(make_state, tie, monkeypatch):
    _force(monkeypatch, [1.0, 1.0])
    st, p = _after_setback(make_state, n=2)
    before = st.trust.copy()
    setback_response(st, p)
    assert st.blamed_now.all()
    ab, ba = tie(st, 0, 1), tie(st, 1, 0)
    assert (st.experience[:, [ab, ba]] < 0).all()
    assert (st.last_blame[:, [ab, ba]] == st.month).all()
    trust(st, p)
    assert (st.trust[:, [ab, ba]] < before[:, [ab, ba]]).all()


def test_setback_response__blame_falls_on_one_partner_and_bystanders_hear(make_state, monkeypatch):
    _force(monkeypatch, [1.0, 0.0, 0.0])
    st, p = _after_setback(make_state, blame_severity=10.0, trust_spillover=0.5)
    setback_response(st, p)
    for r in range(st.replicates):
        assert st.blamed_now[r].tolist() == [True, False, False]
        marked = np.flatnonzero(st.last_blame[r] == st.month)
        assert len(marked) == 2  # the blamer's tie to its target, and back
        k = marked[0]
        target = int(st.dst[r, k])
        other = 3 - target
        assert int(st.src[r, k]) in (0, target) and st.rev[r, k] in marked
        assert st.blamed[r].tolist() == [0.0 if i != target else 1.0 for i in range(3)]
        direct = st.experience[r, marked]
        heard = st.experience[r, (st.src[r] == other) & (st.dst[r] == 0) & st.exists[r]]
        assert (direct < 0).all() and (heard < 0).all()
        assert (np.abs(heard) < np.abs(direct).min()).all()  # bystanders hear a smaller one


def test_setback_response__blame_frustrates_the_blamed(make_state, monkeypatch):
    _force(monkeypatch, [1.0, 1.0, 1.0])
    st, p = _after_setback(make_state)
    st.frustration[:] = 0.2
    setback_response(st, p)
    hit = st.blamed > 0
    assert hit.any()
    assert (st.frustration[hit] > 0.2).all() and (st.frustration[~hit] == 0.2).all()


def test_setback_response__blame_costs_capacity_climate_peace_and_credibility(
    make_state, monkeypatch
):
    _force(monkeypatch, [1.0, 1.0, 1.0])
    st, p = _after_setback(make_state, authority_contest=0.8, navigator=1)
    before = {
        k: getattr(st, k).copy()
        for k in ("operational_capacity", "blame_climate", "conflict", "credibility")
    }
    setback_response(st, p)
    assert (st.operational_capacity < before["operational_capacity"]).all()
    assert (st.blame_climate > before["blame_climate"]).all()
    assert (st.conflict > before["conflict"]).all()
    assert (st.credibility < before["credibility"]).all()
    assert (st.blame_now == 3).all() and (st.learning_now == 0).all()


def test_setback_response__uncontested_authority_no_governance_fight(make_state, monkeypatch):
    _force(monkeypatch, [1.0, 1.0, 1.0])
    st, p = _after_setback(make_state, authority_contest=0.0)
    conflict = st.conflict.copy()
    setback_response(st, p)
    assert np.array_equal(st.conflict, conflict)


def test_setback_response__learning_builds(make_state, tie, monkeypatch):
    _force(monkeypatch, [0.0, 0.0, 0.0])
    st, p = _after_setback(make_state)
    st.understanding[:] = 0.4
    before = {
        k: getattr(st, k).copy()
        for k in ("operational_capacity", "blame_climate", "task_scope", "trust")
    }
    setback_response(st, p)
    assert st.learned_now.all() and not st.blamed_now.any()
    assert (st.learning_now == 3).all() and (st.blame_now == 0).all()
    assert (st.understanding > 0.4).all() and (st.understanding <= 1).all()
    assert (st.operational_capacity > before["operational_capacity"]).all()
    assert (st.blame_climate < before["blame_climate"]).all()
    assert (st.task_scope < before["task_scope"]).all()  # re-scoped to something achievable
    assert (st.experience[st.live] > 0).all()
    assert (st.last_blame == -1).all()
    trust(st, p)
    assert (st.trust[st.live] >= before["trust"][st.live]).all()


def test_setback_response__blame_confirms_itself(make_state, monkeypatch):
    st, p = _after_setback(make_state, replicates=5)
    first = blame_probability(st, p)
    with monkeypatch.context() as m:
        _force(m, [1.0, 1.0, 1.0])
        setback_response(st, p)
    assert (blame_probability(st, p) > first).all()


def test_setback_response__learning_confirms_itself(make_state, monkeypatch):
    st, p = _after_setback(make_state, replicates=5)
    first = blame_probability(st, p)
    with monkeypatch.context() as m:
        _force(m, [0.0, 0.0, 0.0])
        setback_response(st, p)
    assert (blame_probability(st, p) < first).all()


def _chance(make_state, setup=None, **overrides):
    """Chance that organisation 0 blames, in row 0 at month 4 (same shared salience draw)."""
    st, p = _after_setback(make_state, **overrides)
    if setup is not None:
        setup(st)
    return float(blame_probability(st, p)[0, 0])


def _set(**values):
    def setup(st):
        for name, value in values.items():
            getattr(st, name)[:] = value

    return setup


@pytest.mark.parametrize(
    ("more_blame", "less_blame"),
    [
        ({"setup": _set(blame_climate=0.8)}, {"setup": _set(blame_climate=0.1)}),
        ({"initial_trust": 0.2}, {"initial_trust": 0.8}),
        ({"setup": _set(understanding=0.1)}, {"setup": _set(understanding=0.9)}),
        ({"data_use": 0.1}, {"data_use": 0.9}),
        ({"setup": _set(aspiration_level=1.0)}, {"setup": _set(aspiration_level=0.2)}),
        ({"resources": 0.9}, {"resources": 0.1}),
        ({"setup": _set(shortfall=0.5)}, {"setup": _set(shortfall=0.0)}),
        ({"setup": _set(blamed=1.0)}, {}),
        ({"authority_contest": 0.9}, {"authority_contest": 0.0}),
        ({"joint_problem_solving": 0.0}, {"joint_problem_solving": 0.9}),
        ({}, {"prior_ties": 1.0}),
        ({"navigator": 1}, {"navigator": 1, "setup": _set(attended=True)}),
    ],
    ids=[
        "climate",
        "trust",
        "understanding",
        "data_use",
        "aspiration",
        "resources",
        "shortfall",
        "blamed",
        "authority_contest",
        "joint_problem_solving",
        "prior_ties",
        "mediation",
    ],
)
def test_setback_response__drivers_of_blame(make_state, more_blame, less_blame):
    assert _chance(make_state, **more_blame) > _chance(make_state, **less_blame)


def test_setback_response__blame_probability_is_a_probability(make_state):
    for climate in (0.0, 1.0):
        st, p = _after_setback(make_state, replicates=10)
        st.blame_climate[:] = climate
        st.blamed[:] = 100.0
        chance = blame_probability(st, p)
        assert np.isfinite(chance).all()
        assert ((chance >= 0) & (chance <= 1)).all()


def test_setback_response__dissolved_collaboration_is_frozen(make_state, monkeypatch):
    _force(monkeypatch, [1.0, 1.0, 1.0])
    st, p = _after_setback(make_state, authority_contest=0.5, navigator=1)
    st.alive[1] = False
    names = (
        "trust",
        "understanding",
        "operational_capacity",
        "task_scope",
        "blame_climate",
        "conflict",
        "credibility",
        "frustration",
        "blame_total",
        "learning_total",
        "last_blame",
    )
    before = {k: getattr(st, k).copy() for k in names}
    setback_response(st, p)
    assert st.blamed_now[0].all() and not st.blamed_now[1].any()
    for k in names:
        assert np.array_equal(getattr(st, k)[1], before[k][1]), k

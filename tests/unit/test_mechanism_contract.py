"""The contract every mechanism keeps (Axelrod's ``TestPlayer`` idea, over ``SCHEDULE``).

Each mechanism is run alone on a valid mid-run state (a mixed batch of presets and variants, run
by the engine for a few months first) and must

* keep every array's shape and dtype, and leave no NaN or infinity in any float array;
* keep trust and every 0-1 quantity in [0, 1] (and the other bounded quantities in theirs);
* never bring an absent organisation slot or an empty tie slot to life;
* be deterministic: the same input state gives bit-identical output;
* treat rows independently: a row gives the same result in a batch as alone;
* leave a dissolved collaboration (``alive`` False) frozen;
* not touch the parameters or the month.
"""

from __future__ import annotations

import copy
from dataclasses import fields

import numpy as np
import pytest

from cisim import engine
from cisim.model.mechanisms import SCHEDULE
from cisim.model.population import RunSpec, build_state
from cisim.model.scenario import Scenario
from cisim.model.state import ABSENT, ACTIVE, CANDIDATE, EXITED, Params, State

#: Quantities that must stay within these bounds ((R, N), (R, E) or (R,) arrays).
BOUNDS: dict[str, tuple[float, float]] = {
    "trust": (0.0, 1.0),
    "institutional_trust": (0.0, 1.0),
    "authority": (0.0, 1.0),
    "capacity": (0.0, 1.0),
    "alignment": (0.0, 1.0),
    "turnover": (0.0, 1.0),
    "onboarding": (0.0, 1.0),
    "understanding": (0.0, 1.0),
    "contribution": (0.0, 1.0),
    "frustration": (0.0, 1.0),
    "blamed": (0.0, np.inf),
    "task_scope": (0.0, 1.0),
    "task_effort": (0.0, np.inf),
    "aspiration_level": (0.0, 1.5),
    "progress": (0.0, 1.0),
    "legitimacy": (0.0, 1.0),
    "support": (0.0, 1.0),
    "knowledge": (0.0, 1.0),
    "operational_capacity": (0.0, 1.0),
    "conflict": (0.0, 1.0),
    "blame_climate": (0.0, 1.0),
    "credibility": (0.0, 1.0),
    "governance": (0, 2),
    "tenure": (0, np.inf),
    "task_months": (0, np.inf),
    "setbacks_in_row": (0, np.inf),
}

#: What a mechanism reports about *this* month (flows and flags), not state a dissolved
#: collaboration keeps: everything else must be frozen in a row whose ``alive`` is False.
PER_MONTH = frozenset(
    {
        "keys",
        "month",
        "extra",
        "attended",
        "learned_now",
        "blamed_now",
        "left_now",
        "experience",
        "reviewed_now",
        "won_now",
        "setback_now",
        "learning_now",
        "blame_now",
        "navigator_activity",
        "contribution",  # this month's commitment: nothing, once dissolved
        "shortfall",  # the last review's shortfall: cleared when there is no review
    }
)


def _scenarios() -> list[Scenario]:
    base = Scenario.preset("baseline")
    return [
        base,
        Scenario.preset("hartford"),
        Scenario.preset("louisville"),
        Scenario.preset("strong_start"),
        base.replace(
            n_organisations=7,
            network="clustered",
            navigator=2,
            navigator_capacity=2,
            turnover=0.2,
            candidate_share=1.0,
            join_base_rate=0.5,
            exit_base_rate=0.05,
            review_months=1,
            aspiration=1.0,
            resources=0.9,
            authority_contest=0.9,
            adaptability=1.0,
            entry_point="designed",
            governance_mode="lead_organisation",
            authority_source="self_assigned",
        ),
        base.replace(n_organisations=3, network="complete", entry_point="none", dormant_ties=0),
    ]


def midrun(months: int, seed: int) -> tuple[State, Params]:
    """A mixed batch (different sizes, so padded rows) run ``months`` months by the engine."""
    specs = [RunSpec(sc, seed, k) for k, sc in enumerate(_scenarios())]
    st, p = build_state(specs)
    for _ in range(months):
        engine.step(st, p)
    return st, p


@pytest.fixture(
    scope="module", params=[(2, 11), (9, 3), (30, 7)], ids=["month2", "month9", "month30"]
)
def base_state(request) -> tuple[State, Params]:
    return midrun(*request.param)


def _arrays(st: State) -> dict[str, np.ndarray]:
    return {f.name: getattr(st, f.name) for f in fields(st) if f.name not in ("extra", "month")}


def _run(mechanism, st: State, p: Params) -> tuple[State, Params]:
    st, p = copy.deepcopy(st), copy.deepcopy(p)
    mechanism(st, p)
    return st, p


def _assert_same(a: State, b: State, rows_a=slice(None), rows_b=slice(None)) -> None:
    for name, value in _arrays(a).items():
        other = getattr(b, name)
        assert np.array_equal(value[rows_a], other[rows_b]), name


mechanisms = pytest.mark.parametrize("mechanism", SCHEDULE, ids=[m.__name__ for m in SCHEDULE])


@mechanisms
def test_mechanism__keeps_shapes_and_dtypes(mechanism, base_state):
    st, p = base_state
    after, _ = _run(mechanism, st, p)
    for name, value in _arrays(st).items():
        new = getattr(after, name)
        assert isinstance(new, np.ndarray), name
        assert new.shape == value.shape, name
        assert new.dtype == value.dtype, name


@mechanisms
def test_mechanism__leaves_no_nan_or_infinity(mechanism, base_state):
    after, _ = _run(mechanism, *base_state)
    for name, value in _arrays(after).items():
        if np.issubdtype(value.dtype, np.floating):
            assert np.isfinite(value).all(), name


@mechanisms
def test_mechanism__keeps_quantities_in_bounds(mechanism, base_state):
    after, _ = _run(mechanism, *base_state)
    for name, (lo, hi) in BOUNDS.items():
        value = getattr(after, name)
        assert (value >= lo).all() and (value <= hi).all(), name
    assert (after.contribution <= after.capacity).all()
    assert np.isin(after.status, [ABSENT, CANDIDATE, ACTIVE, EXITED]).all()


@mechanisms
def test_mechanism__absent_slots_stay_absent(mechanism, base_state):
    st, p = base_state
    after, _ = _run(mechanism, st, p)
    absent = st.status == ABSENT
    assert (after.status[absent] == ABSENT).all()
    assert (after.status[~absent] != ABSENT).all()
    assert np.array_equal(after.exists, st.exists)
    assert np.array_equal(after.src, st.src) and np.array_equal(after.dst, st.dst)
    assert not (after.dormant & ~st.dormant).any()  # brokering only wakes dormant ties
    assert (after.trust[~st.exists] == st.trust[~st.exists]).all()
    assert not after.active[absent].any()


@mechanisms
def test_mechanism__status_moves_only_forwards(mechanism, base_state):
    st, p = base_state
    after, _ = _run(mechanism, st, p)
    changed = after.status != st.status
    assert (
        ((st.status == CANDIDATE) & (after.status == ACTIVE))
        | ((st.status == ACTIVE) & (after.status == EXITED))
    )[changed].all()


@mechanisms
def test_mechanism__is_deterministic(mechanism, base_state):
    first, _ = _run(mechanism, *base_state)
    second, _ = _run(mechanism, *base_state)
    _assert_same(first, second)
    assert first.month == second.month


@mechanisms
def test_mechanism__rows_are_independent(mechanism, base_state):
    st, p = base_state
    whole, _ = _run(mechanism, st, p)
    for rows in ([1, 3, 4], [5, 0, 2]):
        idx = np.array(rows)
        part, _ = _run(mechanism, st.take(idx), p.take(idx))
        _assert_same(whole, part, rows_a=idx)
        for i, r in enumerate(rows):
            alone, _ = _run(mechanism, st.take(np.array([r])), p.take(np.array([r])))
            _assert_same(part, alone, rows_a=[i])


@mechanisms
def test_mechanism__dissolved_collaboration_is_frozen(mechanism, base_state):
    st, p = copy.deepcopy(base_state[0]), base_state[1]
    st.alive[:] = [True, False, True, False, False, True]
    after, _ = _run(mechanism, st, p)
    dead = ~st.alive
    assert not after.alive[dead].any()
    for name, value in _arrays(st).items():
        if name in PER_MONTH:
            continue
        assert np.array_equal(getattr(after, name)[dead], value[dead]), name


@mechanisms
def test_mechanism__leaves_parameters_and_month_alone(mechanism, base_state):
    st, p = base_state
    after, p_after = _run(mechanism, st, p)
    assert after.month == st.month
    for f in fields(p):
        assert np.array_equal(getattr(p_after, f.name), getattr(p, f.name)), f.name

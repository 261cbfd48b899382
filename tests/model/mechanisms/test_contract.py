"""The contract every mechanism keeps (Axelrod's ``TestPlayer`` idea, over ``SCHEDULE``).

Each mechanism is run alone (:func:`cisim.engine.apply`) on a valid mid-run state (a mixed batch of
presets and variants, run by the engine for a few months first) and must

* keep every array's shape and dtype, and leave no NaN or infinity in any float array;
* keep trust and every 0-1 quantity in [0, 1] (and the other bounded quantities in theirs);
* never bring an absent organisation slot or an empty tie slot to life;
* be deterministic: the same input state gives bit-identical output;
* treat rows independently: a row gives the same result in a batch as alone;
* leave a dissolved collaboration (``alive`` False) frozen, but for what it reports of the month;
* not touch the parameters or the month;
* keep its module's declarations: change only the state fields of its ``WRITES``, and give a
  result that depends only on the fields of its ``READS``, the row's structure (:data:`STRUCTURE`)
  and the parameters of its ``PARAMETERS``: every other field and parameter is perturbed (within
  valid values) and every field it writes must come out the same. Conversely every name it
  declares must matter on some of these states, so that a name taken out of a declaration makes
  one of these tests fail.
"""

from __future__ import annotations

import copy
import importlib
from dataclasses import fields
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from cisim import engine
from cisim.model.mechanisms import SCHEDULE
from cisim.model.parameters import SPECS
from cisim.model.population import RunSpec, build_state
from cisim.model.scenario import Scenario
from cisim.model.state import ABSENT, ACTIVE, CANDIDATE, EXITED, Params, State
from cisim.model.timeline import (
    ARRIVES,
    CHAMPION,
    FAILURE,
    HANDED,
    LEADER,
    LEADER_SHIFT,
    N_PULSES,
    SHIFT,
)

pytestmark = pytest.mark.xdist_group("mechanisms")

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
    "entry_fit": (0.0, 1.0),
    "entry_acceptance": (0.0, 1.0),
    "operational_capacity": (0.0, 1.0),
    "conflict": (0.0, 1.0),
    "task_conflict": (0.0, 1.0),
    "director": (0.0, 1.0),
    "coordination": (0.0, 3.0),
    "visibility": (0.0, 1.0),
    "breadth": (-3.0, 7.0),
    "habit": (0.0, 1.0),
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

#: What every mechanism may use without declaring it: the row's structure (its stream keys, its
#: organisation slots' status, its tie slots and whether it runs). The month's masks (active
#: members, live ties) are made from these and from ``dormant``: ``dormant`` counts as structure
#: only as far as the masks see it (see :func:`_perturbed`). So a mechanism that reads whether a
#: tie between two members is dormant (the navigator, which brokers such ties) could leave
#: ``dormant`` out of its ``READS`` unnoticed: that use cannot be told from the masks'.
STRUCTURE = frozenset({"keys", "src", "dst", "rev", "exists", "status", "alive"})

#: Valid values of every other field, to perturb it within (``None``: a yes/no field).
#: ``"members"`` stands for the row's organisation slots, ``"month"`` for the month being stepped.
VALUES: dict[str, tuple[Any, Any] | None] = {
    "sector": (0, 4),
    "authority": (0.0, 1.0),
    "capacity": (0.0, 1.0),
    "alignment": (0.0, 1.0),
    "turnover": (0.0, 1.0),
    "tenure": (0, 60),
    "representatives": (1, 6),
    "onboarding": (0.0, 1.0),
    "understanding": (0.0, 1.0),
    "contribution": (0.0, 1.0),
    "frustration": (0.0, 1.0),
    "blamed": (0.0, 3.0),
    "habit": (0.0, 1.0),
    "decide_response": (0, 2),  # the decision hook: the model decides, learn, blame
    "decide_target": (-1, "members"),  # -1 (the model chooses) or a slot
    "decide_effort": (-1.0, 1.0),  # below 0 the model decides
    "attended": None,
    "learned_now": None,
    "blamed_now": None,
    "left_now": None,
    "dormant": None,
    "trust": (0.0, 1.0),
    "institutional_trust": (0.0, 1.0),
    "prior": None,
    "experience": (-3.0, 3.0),
    "last_blame": (-1, "month"),
    "dissolved_month": (-1, "month"),
    "entry_found": None,
    "entry_month": (-1, "month"),
    "entry_fit": (0.0, 1.0),
    "entry_acceptance": (0.0, 1.0),
    "entry_revisions": (0, 5),
    "entry_imposed": None,
    "task_conflict": (0.0, 1.0),
    "director": (0.0, 1.0),
    "coordination": (0.5, 1.5),
    "visibility": (0.0, 1.0),
    "breadth": (-2.0, 2.0),
    "first_win_month": (-1, "month"),
    "task_scope": (0.0, 1.0),
    "task_effort": (0.0, 5.0),
    "task_months": (0, 24),
    "aspiration_level": (0.0, 1.5),
    "performance": (0.0, 1.5),
    "shortfall": (0.0, 1.5),
    "progress": (0.0, 1.0),
    "legitimacy": (0.0, 1.0),
    "support": (0.0, 1.0),
    "knowledge": (0.0, 1.0),
    "operational_capacity": (0.0, 1.0),
    "conflict": (0.0, 1.0),
    "governance": (0, 2),
    "governance_changes": (0, 5),
    "credibility": (0.0, 1.0),
    "setbacks_in_row": (0, 4),
    "reviewed_now": None,
    "won_now": None,
    "setback_now": None,
    "wins": (0, 10),
    "learning_total": (0, 60),
    "blame_total": (0, 60),
    "learning_now": (0, "members"),
    "blame_now": (0, "members"),
    "navigator_activity": (0, "members"),
    "initial_members": (2, "members"),
}

FIELDS = tuple(f.name for f in fields(State) if f.name not in ("month", "extra", "schedule"))
PERTURBATIONS = 2  # random perturbations of each field or parameter, per state


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
            backbone=1.0,
            open_accountability=0.7,
            triangle=0.8,
            triangle_focus=0.6,
        ),
        base.replace(n_organisations=3, network="complete", entry_point="none", dormant_ties=0),
        # sparse ties and low trust: the navigator weighs members with no live tie at all, whose
        # trust in partners is the initial trust
        base.replace(
            n_organisations=8, mean_degree=1.0, initial_trust=0.2, navigator=1, navigator_capacity=1
        ),
    ]


#: Caps on parameters whose full range makes a batch large or slow (random scenarios).
CAPS: dict[str, float] = {
    "n_organisations": 12,
    "mean_degree": 6.0,
    "dormant_ties": 4.0,
    "candidate_share": 1.0,
    "navigator": 3,
    "navigator_capacity": 4,
    "review_months": 6,
    "exit_base_rate": 0.05,  # so that most random collaborations still run after months
    "entry_base_rate": 0.2,  # so that some are still searching for an entry point
}


def random_scenario(rng: np.random.Generator) -> Scenario:
    """A scenario with every scalar parameter at a random value of its range (a few capped)."""
    values: dict[str, Any] = {}
    for name, spec in SPECS.items():
        if spec.kind == "choice":
            choices = [c for c in spec.choices if c != "roster"]
            values[name] = choices[rng.integers(len(choices))]
        elif spec.kind == "int":
            values[name] = int(rng.integers(spec.lo, CAPS.get(name, spec.hi), endpoint=True))
        elif spec.kind == "float":
            values[name] = float(rng.uniform(spec.lo, CAPS.get(name, spec.hi)))
    values["horizon_months"] = 36
    return Scenario(**values)


def midrun(months: int, seed: int, replicates: int = 1) -> tuple[State, Params]:
    """A mixed batch (different sizes, so padded rows) run ``months`` months by the engine."""
    specs = [RunSpec(sc, seed, k) for k, sc in enumerate(_scenarios() * replicates)]
    st, p = build_state(specs)
    for _ in range(months):
        engine.step(st, p)
    return st, p


def random_midrun(months: int, seed: int, runs: int) -> tuple[State, Params]:
    """``runs`` random scenarios (:func:`random_scenario`) run ``months`` months."""
    rng = np.random.default_rng(seed)
    st, p = build_state([RunSpec(random_scenario(rng), seed, k) for k in range(runs)])
    for _ in range(months):
        engine.step(st, p)
    return st, p


#: The states every mechanism is run on: the mixed batch at three months, and random scenarios.
STATES = {
    "month2": lambda: midrun(2, 11),
    "month9": lambda: midrun(9, 3, replicates=3),
    "month30": lambda: midrun(30, 7, replicates=3),
    "random": lambda: random_midrun(6, 5, 48),
}


@pytest.fixture(scope="module")
def base_states() -> dict[str, tuple[State, Params]]:
    return {name: make() for name, make in STATES.items()}


@pytest.fixture(params=list(STATES))
def base_state(request, base_states) -> tuple[State, Params]:
    return base_states[request.param]


def module_of(mechanism: Any) -> ModuleType:
    """The module that defines ``mechanism`` (and holds its declarations)."""
    return importlib.import_module(mechanism.py_func.__module__)


def _arrays(st: State) -> dict[str, np.ndarray]:
    return {name: getattr(st, name) for name in FIELDS}


def _take(st: State, p: Params, rows: np.ndarray) -> tuple[State, Params]:
    return st.take(rows), type(p)(*(a[rows].copy() for a in p))


def pulses_of(st: State) -> np.ndarray:
    """Every timeline change at once (cisim.model.timeline): trait shifts, a public failure, and
    a new leader (odd months) or a champion leaving (even months), the same for every row."""
    pulses = np.zeros(N_PULSES)
    for trait, k in SHIFT.items():
        pulses[k] = 0.05 if trait != "turnover" else 0.01
    pulses[FAILURE] = 0.3
    pulses[LEADER if st.month % 2 else CHAMPION] = 1.0
    pulses[LEADER_SHIFT] = -0.2
    pulses[ARRIVES] = 1.0
    pulses[HANDED] = 1.0
    return pulses


def _run(mechanism, st: State, p: Params) -> tuple[State, Params]:
    st, p = copy.deepcopy(st), copy.deepcopy(p)
    engine.apply(mechanism, st, p, pulses=pulses_of(st))
    return st, p


def _assert_same(a: State, b: State, rows_a=slice(None), rows_b=slice(None)) -> None:
    for name, value in _arrays(a).items():
        other = getattr(b, name)
        assert np.array_equal(value[rows_a], other[rows_b]), name


mechanisms = pytest.mark.parametrize("mechanism", SCHEDULE, ids=[m.__name__ for m in SCHEDULE])


# ---- the state it leaves -------------------------------------------------------------------------
@mechanisms
def test_mechanism__keeps_shapes_and_dtypes(mechanism, base_state):
    st, p = base_state
    after, _ = _run(mechanism, st, p)
    for name, value in _arrays(st).items():
        new = getattr(after, name)
        assert isinstance(new, np.ndarray), name
        assert new.shape == value.shape, name
        assert new.dtype == value.dtype, name
        assert new.flags.c_contiguous, name


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
    assert np.array_equal(after.rev, st.rev)
    assert not (after.dormant & ~st.dormant).any()  # brokering only wakes dormant ties
    assert not (after.live & ~st.exists).any()
    for name in ("trust", "institutional_trust", "experience", "last_blame", "prior"):
        assert np.array_equal(getattr(after, name)[~st.exists], getattr(st, name)[~st.exists])
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
    last = st.replicates - 1
    for rows in ([1, 3, 4], [5, 0, 2], [last, 1]):
        idx = np.array(rows)
        part, _ = _run(mechanism, *_take(st, p, idx))
        _assert_same(whole, part, rows_a=idx)
        for i, r in enumerate(rows):
            alone, _ = _run(mechanism, *_take(st, p, np.array([r])))
            _assert_same(part, alone, rows_a=[i])


@mechanisms
def test_mechanism__dissolved_collaboration_is_frozen(mechanism, base_state):
    st, p = copy.deepcopy(base_state[0]), base_state[1]
    st.alive[:] = np.resize([True, False, True, False, False, True], st.replicates)
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
    for name, before, now in zip(p._fields, p, p_after, strict=True):
        assert np.array_equal(now, before), name
        assert now.dtype == before.dtype, name


# ---- its declarations ----------------------------------------------------------------------------
@mechanisms
def test_mechanism__declares_state_fields_and_parameters_that_exist(mechanism):
    module = module_of(mechanism)
    for name in ("READS", "WRITES", "PARAMETERS"):
        declared = getattr(module, name)
        assert isinstance(declared, tuple), name
        assert len(set(declared)) == len(declared), f"{name} names a field twice"
    assert set(module.READS) <= set(FIELDS) - STRUCTURE, "READS: unknown or structural fields"
    assert set(module.WRITES) <= set(FIELDS) - {"keys", "src", "dst", "rev", "exists"}
    assert set(module.PARAMETERS) <= set(Params._fields)


@mechanisms
def test_mechanism__changes_only_what_it_writes(mechanism, base_state):
    writes = set(module_of(mechanism).WRITES)
    changed = set()
    for st, p in _backgrounds(*base_state, seed=3, n=2):
        after, _ = _run(mechanism, st, p)
        changed |= {
            name
            for name, value in _arrays(st).items()
            if not _same(getattr(after, name), value).all()
        }
    assert not changed - writes, f"changes fields it does not declare in WRITES: {changed - writes}"


def _perturbed(st: State, name: str, rng: np.random.Generator, *, keep_masks: bool = True) -> State:
    """A copy of ``st`` with field ``name`` at other valid values.

    ``dormant`` decides which ties are live; with ``keep_masks`` only ties the masks cannot see
    (those with an end that is not a member) change, both directions of a tie together.
    """
    out = copy.deepcopy(st)
    _perturb(out, name, rng, keep_masks=keep_masks)
    return out


def _perturb(st: State, name: str, rng: np.random.Generator, *, keep_masks: bool) -> None:
    value = getattr(st, name)
    spec = VALUES[name]
    if name == "dormant":
        flip = rng.random(value[:, ::2].shape) < 0.5
        if keep_masks:
            member = st.status == ACTIVE
            ends = np.take_along_axis(member, st.src, 1) & np.take_along_axis(member, st.dst, 1)
            flip &= ~ends[:, ::2]
        value[:, ::2] ^= flip
        value[:, 1::2] ^= flip
    elif spec is None:
        value[...] = rng.random(value.shape) < 0.5
    else:
        lo, hi = spec
        hi = {"month": st.month + 1, "members": st.slots}.get(hi, hi)
        if np.issubdtype(value.dtype, np.floating):
            value[...] = rng.uniform(lo, hi, value.shape)
        else:
            value[...] = rng.integers(lo, hi, value.shape, endpoint=True)


def _perturbed_parameter(p: Params, name: str, rng: np.random.Generator) -> Params:
    """A copy of ``p`` with parameter ``name`` at other values in its range."""
    spec = SPECS[name]
    old = getattr(p, name)
    if spec.kind == "choice":
        new = rng.integers(0, len(spec.choices), old.shape)
    elif spec.kind == "int":
        hi = min(int(spec.hi), int(CAPS.get(name, spec.hi)))
        new = rng.integers(int(spec.lo), hi, old.shape, endpoint=True)
    else:
        new = rng.uniform(spec.lo, spec.hi, old.shape)
    return copy.deepcopy(p)._replace(**{name: new.astype(old.dtype)})


#: Fields the random backgrounds leave as they are: the decision hook. Decisions from outside
#: everywhere would hide the model's own rules, which the backgrounds are there to exercise; each
#: is still perturbed on its own (a mechanism that reads it must show it).
HOOK = frozenset({"decide_response", "decide_target", "decide_effort"})


def _randomized(st: State, p: Params, rng: np.random.Generator) -> tuple[State, Params]:
    """Every field but the structure and the decision hook, and every parameter, at random valid
    values (the masks kept): a background on which rarely met branches of a mechanism run (a
    setback this month, a navigator at work, a review due, ...)."""
    out = copy.deepcopy(st)
    for name in VALUES:
        if name not in HOOK:
            _perturb(out, name, rng, keep_masks=True)
    for name in p._fields:
        p = _perturbed_parameter(p, name, rng)
    return out, p


def _backgrounds(st: State, p: Params, seed: int, n: int) -> list[tuple[State, Params]]:
    """``st`` itself and ``n`` randomized versions of it."""
    rng = np.random.default_rng(seed)
    return [(st, p), *(_randomized(st, p, rng) for _ in range(n))]


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    same = a == b
    if np.issubdtype(a.dtype, np.floating):
        same |= np.isnan(a) & np.isnan(b)
    return same


def _dependent(mechanism, name: str, st: State, p: Params, st2: State, p2: Params) -> list[str]:
    """The fields the mechanism writes whose results differ between (``st``, ``p``) and
    (``st2``, ``p2``), which differ in field or parameter ``name`` only.

    The perturbed field itself may pass through where the mechanism does not write it (a
    mechanism that does not read a field may still write it in some slots only): there each
    result must be its own input.
    """
    a, _ = _run(mechanism, st, p)
    b, _ = _run(mechanism, st2, p2)
    differ = []
    for field in module_of(mechanism).WRITES:
        out_a, out_b = getattr(a, field), getattr(b, field)
        same = _same(out_a, out_b)
        if field == name:
            same |= _same(out_a, getattr(st, field)) & _same(out_b, getattr(st2, field))
        if not same.all():
            differ.append(field)
    return differ


def _undeclared_fields(mechanism) -> list[str]:
    module = module_of(mechanism)
    return [f for f in FIELDS if f not in STRUCTURE and f not in module.READS]


def _undeclared_parameters(mechanism) -> list[str]:
    return [n for n in Params._fields if n not in module_of(mechanism).PARAMETERS]


@mechanisms
def test_mechanism__depends_only_on_the_fields_it_reads(mechanism, base_state):
    rng = np.random.default_rng(2024)
    found: dict[str, list[str]] = {}
    for st, p in _backgrounds(*base_state, seed=1, n=2):
        for name in _undeclared_fields(mechanism):
            for _ in range(PERTURBATIONS):
                other = _perturbed(st, name, rng)
                found.setdefault(name, []).extend(_dependent(mechanism, name, st, p, other, p))
    found = {k: sorted(set(v)) for k, v in found.items() if v}
    assert not found, f"undeclared fields (READS) change what it writes: {found}"


@mechanisms
def test_mechanism__depends_only_on_the_parameters_it_declares(mechanism, base_state):
    rng = np.random.default_rng(2025)
    found: dict[str, list[str]] = {}
    for st, p in _backgrounds(*base_state, seed=2, n=2):
        for name in _undeclared_parameters(mechanism):
            for _ in range(PERTURBATIONS):
                other = _perturbed_parameter(p, name, rng)
                found.setdefault(name, []).extend(_dependent(mechanism, name, st, p, st, other))
    found = {k: sorted(set(v)) for k, v in found.items() if v}
    assert not found, f"undeclared parameters (PARAMETERS) change what it writes: {found}"


@mechanisms
def test_mechanism__every_declaration_matters(mechanism, base_states):
    """Every field it reads, parameter it uses and field it writes makes a difference on some
    state (the base states and random backgrounds of them): a declaration the tests above could
    not tell from an omission would be a test gap, or a name declared for nothing."""
    module = module_of(mechanism)
    rng = np.random.default_rng(7)
    reads, parameters, writes = set(), set(), set()
    for seed, base in enumerate(base_states.values()):
        for st, p in _backgrounds(*base, seed=seed, n=3):
            after, _ = _run(mechanism, st, p)
            writes |= {
                n for n in module.WRITES if not _same(getattr(after, n), getattr(st, n)).all()
            }
            for name in module.READS:
                for _ in range(PERTURBATIONS):
                    other = _perturbed(st, name, rng, keep_masks=False)
                    if _dependent(mechanism, name, st, p, other, p):
                        reads.add(name)
            for name in module.PARAMETERS:
                for _ in range(PERTURBATIONS):
                    if _dependent(mechanism, name, st, p, st, _perturbed_parameter(p, name, rng)):
                        parameters.add(name)
    assert set(module.READS) == reads, f"READS that make no difference: {set(module.READS) - reads}"
    assert set(module.PARAMETERS) == parameters, (
        f"PARAMETERS that make no difference: {set(module.PARAMETERS) - parameters}"
    )
    assert set(module.WRITES) == writes, f"WRITES never written: {set(module.WRITES) - writes}"


def test_contract__every_field_but_the_structure_has_valid_values_to_perturb():
    assert set(VALUES) == set(FIELDS) - STRUCTURE

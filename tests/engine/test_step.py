"""The compiled step (:mod:`cisim.engine.step`): the mechanisms in turn, month after month.

Applying every mechanism of :data:`~cisim.model.mechanisms.SCHEDULE` in turn with
:func:`cisim.engine.apply` (each from the masks of the state as it then is) must give exactly one
:func:`cisim.engine.step`, which composes them in one piece of machine code with the masks of the
month's start; stepping month by month must give exactly a whole :func:`cisim.engine.run`, whose
metrics are :func:`cisim.engine.measure`'s.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cisim import engine
from cisim.model.mechanisms import SCHEDULE
from cisim.model.metrics import REGISTRY
from cisim.model.population import RunSpec, build_state
from cisim.model.scenario import Scenario
from cisim.model.state import ACTIVE, State

pytestmark = pytest.mark.xdist_group("mechanisms")


def _copy(st: State) -> State:
    arrays = {
        f.name: getattr(st, f.name).copy()
        for f in dataclasses.fields(st)
        if isinstance(getattr(st, f.name), np.ndarray)
    }
    return dataclasses.replace(st, **arrays)


def _differences(a: State, b: State) -> list[str]:
    return [
        f.name
        for f in dataclasses.fields(a)
        if isinstance(getattr(a, f.name), np.ndarray)
        and not np.array_equal(getattr(a, f.name), getattr(b, f.name))
    ]


def _batch(sc: Scenario, replicates: int, seed: int = 11) -> tuple[Any, Any]:
    return build_state([RunSpec(sc, seed, k) for k in range(replicates)])


BASE = Scenario.preset("baseline")
#: Scenarios that reach every branch: presets, a navigator at work and brokering, designed and
#: absent entry points, money and contested authority, other networks, self-assigned authority,
#: fast turnover, collaborations that dissolve, and a roster.
SCENARIOS: dict[str, Scenario] = {
    **{name: Scenario.preset(name) for name in ("baseline", "hartford", "louisville")},
    "navigators": BASE.replace(navigator=2, turnover=0.08, n_organisations=15),
    "brokers": BASE.replace(navigator=3, dormant_ties=3.0, n_organisations=20),
    "money": BASE.replace(entry_point="designed", resources=0.9, authority_contest=0.8),
    "no_entry": BASE.replace(entry_point="none", n_organisations=12),
    "clustered": BASE.replace(network="clustered", n_organisations=20),
    "self_assigned": BASE.replace(authority_source="self_assigned", adaptability=1.0),
    "dissolving": BASE.replace(
        n_organisations=6, exit_base_rate=0.3, candidate_share=0.5, join_base_rate=0.2
    ),
    "roster": Scenario.load(Path(__file__).resolve().parents[2] / "notebooks/data/riverton.toml"),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_step__is_the_mechanisms_applied_in_turn(name: str) -> None:
    """Month by month for two years, every state array agrees exactly (6 replicates each)."""
    a, p = _batch(SCENARIOS[name], 6)
    b = _copy(a)
    dissolved = 0
    for _ in range(24):
        engine.step(a, p)
        for mechanism in SCHEDULE:
            engine.apply(mechanism, b, p)
        b.month += 1
        assert not _differences(a, b), (a.month, _differences(a, b))
        dissolved = int((~a.alive).sum())
    assert a.month == b.month == 24
    if name == "dissolving":
        assert dissolved > 0  # collaborations dissolved on the way


def test_step__month_by_month_equals_a_run() -> None:
    """Stepping month by month (the Mesa face) and a whole run give the same states and metrics."""
    a, p = _batch(SCENARIOS["navigators"], 5)
    b = _copy(a)
    metrics = engine.run(a, p, 30)
    stepped = [engine.measure(b)]
    for _ in range(30):
        engine.step(b, p)
        stepped.append(engine.measure(b))
    assert not _differences(a, b)
    assert a.month == b.month == 30
    assert list(metrics) == list(REGISTRY)
    for name in REGISTRY:
        assert metrics[name].shape == (31, 5)
        assert np.array_equal(metrics[name], np.stack([m[name] for m in stepped])), name


def test_step__metrics_of_month_zero_are_measured() -> None:
    st, p = _batch(BASE, 4)
    measured = engine.measure(st)
    before = _copy(st)
    metrics = engine.run(st, p, 0)
    assert not _differences(st, before) and st.month == 0
    assert list(measured) == list(metrics) == list(REGISTRY)
    for name in REGISTRY:
        assert metrics[name].shape == (1, 4)
        assert np.array_equal(metrics[name][0], measured[name]), name


def test_step__a_field_of_another_dtype_is_converted_in_place() -> None:
    """Writes land in the state even when a field arrives as a view or another dtype."""
    st, p = _batch(BASE.replace(entry_point="designed"), 3)
    reference = _copy(st)
    st.trust = np.asfortranarray(st.trust)
    st.tenure = st.tenure.astype(np.int32)
    st.progress = np.repeat(st.progress, 2)[::2]  # a strided view
    engine.step(st, p)
    engine.step(reference, p)
    assert st.tenure.dtype == np.int64 and st.trust.flags.c_contiguous
    assert st.progress.flags.c_contiguous
    assert (st.tenure[st.status == ACTIVE] > 0).any()
    assert not _differences(st, reference)


def test_step__parameters_of_another_dtype_give_the_same_month() -> None:
    st, p = _batch(BASE, 3)
    other = _copy(st)
    engine.step(st, p)
    engine.step(other, p._replace(data_use=p.data_use.astype(np.float32).astype(object)))
    assert not _differences(st, other)


def test_step__a_tie_is_live_both_ways_or_neither() -> None:
    """What the compiled step assumes when passes over live ties stop at the last live one: a
    tie's two slots (e and e ^ 1) exist, lie dormant and are brokered together."""
    st, p = _batch(SCENARIOS["brokers"], 8)
    dormant_at_start = st.dormant.copy()
    for months in (0, 60):
        engine.run(st, p, months)
        assert (st.rev == np.arange(st.rev.shape[1]) ^ 1).all()
        for flags in (st.exists, st.dormant):
            assert np.array_equal(flags[:, ::2], flags[:, 1::2])
        assert np.array_equal(st.live[:, ::2], st.live[:, 1::2])
    assert (dormant_at_start & ~st.dormant).sum() >= 20  # the navigators brokered ties


def test_step__the_schedule_is_the_odds_order() -> None:
    assert [m.__name__ for m in SCHEDULE] == [
        "context",
        "turnover",
        "backbone",
        "scale",
        "entry_point",
        "contribution",
        "deliberation",
        "joint_work",
        "setback_response",
        "trust",
        "navigator",
        "community",
        "triangle",
        "adaptation",
        "membership",
    ]

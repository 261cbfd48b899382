"""The compiled step (:mod:`cisim.engine.kernel`) against the array mechanisms, bit for bit.

The array mechanisms (:data:`cisim.model.mechanisms.SCHEDULE`) are the readable specification; the
compiled step must do exactly what they do. numpy's ``exp``, ``tanh`` and ``log`` are SIMD
approximations chosen by the processor, the compiled code calls the C library's, so the array
code runs here with the C library's functions (the ``libm`` fixture); everything else, every
addition in its order, every draw and every comparison, must then agree exactly: states after each
mechanism, the metrics of every month and the final states of whole runs.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cisim import engine
from cisim.engine import kernel
from cisim.model.mechanisms import SCHEDULE
from cisim.model.metrics import REGISTRY
from cisim.model.population import RunSpec, build_state
from cisim.model.scenario import Scenario
from cisim.model.state import State


def _elementwise(f: Callable[[float], float]) -> Callable[..., Any]:
    vf = np.vectorize(f, otypes=[np.float64])

    def g(x: Any) -> Any:
        out = vf(np.asarray(x, dtype=np.float64))
        return out if np.ndim(x) else np.float64(out)

    return g


@pytest.fixture
def libm(monkeypatch: pytest.MonkeyPatch) -> None:
    """numpy's exp, tanh and log replaced by the C library's (what compiled code calls).

    The compiled functions are compiled (or loaded from the cache) first: numba reads ``np.exp``
    when it compiles, and must see numpy's.
    """
    kernel.warm()
    monkeypatch.setattr(np, "exp", _elementwise(lambda v: math.exp(v) if v < 709 else math.inf))
    monkeypatch.setattr(np, "tanh", _elementwise(math.tanh))
    monkeypatch.setattr(
        np,
        "log",
        _elementwise(lambda v: math.log(v) if v > 0 else (-math.inf if v == 0 else math.nan)),
    )


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
#: Scenarios that reach every branch: presets, a navigator at work, designed and absent entry
#: points, money and contested authority, other networks, self-assigned authority, fast turnover.
SCENARIOS: dict[str, Scenario] = {
    **{name: Scenario.preset(name) for name in ("baseline", "hartford", "louisville")},
    "south_yorkshire": Scenario.preset("south_yorkshire").replace(n_organisations=14),
    "strong_start": Scenario.preset("strong_start"),
    "navigators": BASE.replace(navigator=2, turnover=0.08, n_organisations=15),
    "money": BASE.replace(entry_point="designed", resources=0.9, authority_contest=0.8),
    "no_entry": BASE.replace(entry_point="none", n_organisations=12),
    "random": BASE.replace(network="random", n_organisations=18),
    "clustered": BASE.replace(network="clustered", n_organisations=20),
    "self_assigned": BASE.replace(authority_source="self_assigned", adaptability=1.0),
    "two": BASE.replace(n_organisations=2, turnover=1.0),
    "brokers": BASE.replace(navigator=3, dormant_ties=3.0, n_organisations=20),
    "roster": Scenario.load(Path(__file__).resolve().parents[1] / "notebooks/data/riverton.toml"),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_kernel__whole_runs_match_the_array_engine(name: str, libm: None) -> None:
    """Every metric of every month and the final state agree exactly (8 replicates each)."""
    sc = SCENARIOS[name]
    months = min(sc.horizon_months, 120)
    a_state, a_params = _batch(sc, 8)
    b_state, b_params = _copy(a_state), a_params
    expected = engine.run_arrays(a_state, a_params, months)
    got = engine.run(b_state, b_params, months)
    assert list(got) == list(REGISTRY)
    for metric in REGISTRY:
        assert np.array_equal(expected[metric], got[metric]), f"{name}: {metric} differs"
    assert not _differences(a_state, b_state)
    assert a_state.month == b_state.month == months


def test_kernel__a_tie_is_live_both_ways_or_neither() -> None:
    """What the compiled step assumes when passes over live ties stop at the last live one: a
    tie's two slots (e and e ^ 1) exist, lie dormant and are brokered together."""
    st, p = _batch(SCENARIOS["brokers"], 8)
    dormant_at_start = st.dormant.copy()
    for months in (0, 60):
        engine.run(st, p, months)
        assert (st.rev == np.arange(st.rev.shape[1]) ^ 1).all()
        for flags in (st.exists, st.dormant):
            assert np.array_equal(flags[:, ::2], flags[:, 1::2])
    assert (dormant_at_start & ~st.dormant).sum() >= 20  # the navigators brokered ties


def test_kernel__step_equals_run(libm: None) -> None:
    """Stepping month by month (the Mesa face) and a whole run give the same states."""
    a, p = _batch(BASE, 5)
    b = _copy(a)
    engine.run(a, p, 30)
    for _ in range(30):
        engine.step(b, p)
    assert not _differences(a, b)


def test_kernel__measured_metrics_are_the_registry() -> None:
    assert tuple(REGISTRY) == kernel.MEASURED
    st, _ = _batch(BASE, 4)
    got = kernel.measure(st)
    for k, metric in enumerate(REGISTRY.values()):
        assert np.array_equal(got[k], metric.fn(st)), metric.name


def test_kernel__a_field_of_another_dtype_is_converted_in_place() -> None:
    """Writes land in the state even when a field arrives as a view or another dtype."""
    st, p = _batch(BASE.replace(entry_point="designed"), 3)
    st.trust = np.asfortranarray(st.trust)
    st.tenure = st.tenure.astype(np.int32)
    engine.step(st, p)
    assert st.tenure.dtype == np.int64 and st.trust.flags.c_contiguous
    assert (st.tenure[st.status == 2] > 0).any()


def test_kernel__mechanisms_in_the_order_of_the_schedule() -> None:
    assert tuple(m.__name__ for m in SCHEDULE) == kernel.MECHANISMS

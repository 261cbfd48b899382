"""The metric registry and :func:`cisim.model.metrics.measure_row`: every monthly measure on
hand-made states, every metric written and in its range, and the masks measuring leaves behind."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cisim import engine
from cisim.engine.step import measure_rows
from cisim.model.compiled import work
from cisim.model.metrics import REGISTRY
from cisim.model.population import RunSpec, build_state
from cisim.model.scenario import Scenario
from cisim.model.state import ACTIVE, CANDIDATE, EXITED


def _measure(st) -> dict[str, float]:
    """Row 0's metrics."""
    return {name: float(values[0]) for name, values in engine.measure(st).items()}


def _three(make_state, n=3, **overrides):
    """Members (three) of a plain collaboration, whose fields a test sets by hand."""
    st, _ = make_state(n=n, **overrides)
    return st


def test_metrics__registry_names_units_and_ranges():
    assert len(REGISTRY) == len(set(REGISTRY))
    for name, metric in REGISTRY.items():
        assert metric.name == name
        assert metric.lo <= (metric.hi if metric.hi is not None else math.inf)
        if metric.hi is None:
            assert metric.unit in ("organisations", "count", "ties"), name


def test_metrics__mean_trust_and_its_spread_are_over_member_ties_only(make_state, tie):
    st = _three(make_state)
    st.trust[0, [tie(st, 0, 1), tie(st, 1, 0)]] = [0.2, 0.6]
    st.trust[0, [tie(st, 0, 2), tie(st, 2, 0), tie(st, 1, 2), tie(st, 2, 1)]] = 0.9
    st.status[0, 2] = EXITED  # its ties are no member ties
    got = _measure(st)
    assert got["mean_trust"] == pytest.approx(0.4)
    assert got["trust_sd"] == pytest.approx(0.2)  # population sd of (0.2, 0.6)
    assert got["live_ties"] == 2


def test_metrics__dormant_and_empty_ties_are_not_member_ties(make_state, tie):
    st = _three(make_state)
    k = [tie(st, 0, 1), tie(st, 1, 0)]
    st.trust[0, k] = 0.0
    st.dormant[0, k] = True
    got = _measure(st)
    assert got["live_ties"] == 4
    assert got["mean_trust"] == pytest.approx(0.5) and got["trust_sd"] == 0.0
    st.exists[0, k] = False
    st.dormant[0, k] = False
    assert _measure(st)["live_ties"] == 4


def test_metrics__no_member_ties_measure_zero(make_state):
    st = _three(make_state)
    st.status[0, 1:] = CANDIDATE
    got = _measure(st)
    assert got["live_ties"] == 0 and got["mean_trust"] == 0.0 and got["trust_sd"] == 0.0
    assert got["active_members"] == 1


def test_metrics__understanding_over_members(make_state):
    st = _three(make_state)
    st.understanding[0] = [0.2, 0.4, 1.0]
    st.status[0, 2] = EXITED
    got = _measure(st)
    assert got["shared_understanding"] == pytest.approx(0.3)
    assert got["understanding_sd"] == pytest.approx(0.1)


def test_metrics__blame_climate_is_the_members_mean_habit(make_state):
    # the collaboration's readiness to blame is its members' (not outsiders' or leavers')
    st = _three(make_state, n=5)
    st.habit[0] = [0.2, 0.4, 0.9, 1.0, 1.0]
    st.status[0, 3], st.status[0, 4] = CANDIDATE, EXITED
    assert _measure(st)["blame_climate"] == pytest.approx(0.5)
    st.status[0, 2] = EXITED
    assert _measure(st)["blame_climate"] == pytest.approx(0.3)


def test_metrics__contribution_is_the_share_of_capacity(make_state):
    st = _three(make_state)
    st.capacity[0] = [0.5, 1.0, 0.0]
    st.contribution[0] = [0.5, 0.5, 0.0]  # all of a half capacity, half of a whole one, none
    got = _measure(st)
    assert got["mean_contribution"] == pytest.approx(0.5)
    assert got["contribution_sd"] == pytest.approx(np.std([1.0, 0.5, 0.0]))
    st.status[0, 2] = CANDIDATE
    assert _measure(st)["mean_contribution"] == pytest.approx(0.75)


def test_metrics__counts(make_state):
    st = _three(make_state, n=5)
    st.status[0, 3], st.status[0, 4] = CANDIDATE, EXITED
    st.left_now[0] = [True, False, True, True, True]  # only members' departures count
    st.learning_now[0], st.blame_now[0], st.navigator_activity[0] = 2, 1, 3
    st.wins[0] = 4
    got = _measure(st)
    assert got["active_members"] == 3
    assert got["turnover_events"] == 2
    assert got["learning_responses"] == 2
    assert got["blame_responses"] == 1
    assert got["navigator_activity"] == 3
    assert got["wins"] == 4
    assert got["live_ties"] == 6  # complete network of three members


def test_metrics__collaboration_quantities_are_copied(make_state):
    st = _three(make_state)
    values = {
        "progress": ("progress", 0.31),
        "legitimacy": ("legitimacy", 0.42),
        "community_support": ("support", 0.53),
        "knowledge": ("knowledge", 0.64),
        "operational_capacity": ("operational_capacity", 0.75),
        "conflict": ("conflict", 0.16),
    }
    for field, value in values.values():
        getattr(st, field)[0] = value
    st.governance[0] = 2
    st.entry_found[0] = True
    got = _measure(st)
    for metric, (_, value) in values.items():
        assert got[metric] == value, metric
    assert got["governance_mode"] == 2.0
    assert got["entry_found"] == 1.0 and got["running"] == 1.0
    st.entry_found[0] = False
    st.alive[0] = False
    got = _measure(st)
    assert got["entry_found"] == 0.0 and got["running"] == 0.0


def test_metrics__a_dissolved_collaboration_is_measured_as_it_was(make_state):
    # metrics describe the members: a dissolved collaboration's last state, frozen
    st = _three(make_state)
    running = _measure(st)
    st.alive[0] = False
    dissolved = _measure(st)
    assert dissolved["running"] == 0.0
    assert {k: v for k, v in dissolved.items() if k != "running"} == {
        k: v for k, v in running.items() if k != "running"
    }


def _measured(st):
    """Every row's metrics through the compiled measure (pre-filled with NaN), and the scratch
    measuring the last row leaves behind."""
    out = np.full((st.replicates, len(REGISTRY)), np.nan)
    w = work(st.slots, st.src.shape[1])
    measure_rows(engine.state_arrays(st), out, w)
    return out, w


def test_metrics__a_running_rows_masks_are_its_members_and_live_ties(make_state, tie):
    st = _three(make_state, n=4)
    st.status[0, 3] = EXITED
    st.dormant[0, [tie(st, 0, 1), tie(st, 1, 0)]] = True
    _, w = _measured(st)
    assert np.array_equal(w.act, st.status[0] == ACTIVE)
    assert np.array_equal(w.live, st.live[0])
    assert w.end[0] == np.flatnonzero(st.live[0]).max() + 1


def test_metrics__a_dissolved_rows_masks_are_empty(make_state):
    st = _three(make_state)
    st.alive[0] = False
    _, w = _measured(st)
    assert not w.act.any() and not w.live.any()
    assert w.end[0] == 0


def _midrun() -> tuple:
    presets = ("baseline", "hartford", "louisville", "strong_start", "south_yorkshire")
    scenarios = [Scenario.preset(name) for name in presets]
    scenarios.append(scenarios[0].replace(exit_base_rate=0.2, candidate_share=0.5, navigator=1))
    specs = [RunSpec(sc, 3, k) for sc in scenarios for k in range(3)]
    st, p = build_state(specs)
    engine.run(st, p, 36)
    return st, p


def _upper(name: str, slots: int, months: int) -> float:
    metric = REGISTRY[name]
    if metric.hi is not None:
        return metric.hi
    return {"organisations": slots, "ties": slots * (slots - 1)}.get(metric.unit, months)


def test_metrics__every_metric_is_written_and_in_its_range_mid_run():
    st, _ = _midrun()
    out, _ = _measured(st)
    assert not np.isnan(out).any(), [n for k, n in enumerate(REGISTRY) if np.isnan(out[:, k]).any()]
    assert np.isfinite(out).all()
    for k, name in enumerate(REGISTRY):
        values = out[:, k]
        assert (values >= REGISTRY[name].lo).all(), name
        assert (values <= _upper(name, st.slots, st.month)).all(), name
    measured = engine.measure(st)
    for k, name in enumerate(REGISTRY):
        assert np.array_equal(measured[name], out[:, k]), name
    assert (out[:, list(REGISTRY).index("running")] == 0).any()  # some have dissolved

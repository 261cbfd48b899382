"""The Mesa reference model (``benchmarks/reference_mesa.py``) runs every docked preset and reports
the engine's per-run summary columns. Cheap: one short run per preset."""

from __future__ import annotations

import math

import pytest

import cisim
from cisim import Scenario
from cisim.model.metrics import REGISTRY
from cisim.model.regimes import REGIMES
from cisim.model.roster import Organisation, Relationship, Roster

from .loader import DOCK, REFERENCE


@pytest.mark.parametrize("preset", DOCK.PRESETS)
def test_reference__short_run_of_each_preset_has_the_engine_summary_columns(preset):
    preset_scenario = Scenario.preset(preset)
    early = tuple(e for e in preset_scenario.timeline if e.month <= 12)  # events within the run
    scenario = preset_scenario.replace(horizon_months=12, timeline=early)
    out = REFERENCE.run(scenario, 3, trajectories=True)
    engine = cisim.simulate(scenario, replicates=1, seed=3).summary
    expected = [c for c in engine.columns if c not in ("replicate", "seed")]
    assert list(REFERENCE.SUMMARY_COLUMNS) == expected
    assert [k for k in out if k != "trajectories"] == expected
    assert out["regime"] in REGIMES
    assert 0.0 <= out["progress"] <= 1.0
    assert 0.0 <= out["final_trust"] <= 1.0
    assert out["final_members"] >= 2
    responses = out["learning_responses"] + out["blame_responses"]
    assert math.isnan(out["blame_share"]) if responses == 0 else 0 <= out["blame_share"] <= 1
    frame = out["trajectories"]
    assert list(frame.columns) == list(REGISTRY)  # the same metrics, in the registry's order
    assert len(frame) == 13  # months 0 to 12
    assert frame["active_members"].iloc[0] == scenario.n_organisations


def test_reference__is_deterministic_under_a_seed():
    scenario = Scenario.preset("baseline").replace(horizon_months=24)
    first, second = REFERENCE.run(scenario, 11), REFERENCE.run(scenario, 11)
    assert first == pytest.approx(second, nan_ok=True)


def test_reference__rejects_a_roster():
    roster = Roster(
        organisations=(Organisation("City Hall", "public"), Organisation("Acme", "private")),
        relationships=(Relationship("City Hall", "Acme", 0.6),),
    )
    with pytest.raises(NotImplementedError, match="roster"):
        REFERENCE.CollaborationReference(Scenario(roster=roster), 1)


def test_reference__refuses_decisions_it_would_ignore():
    """The reference has no decision hook: deciding for an organisation there is an error, not a
    silently ignored call."""
    model = REFERENCE.CollaborationReference(Scenario.preset("baseline"), seed=1)
    with pytest.raises(NotImplementedError, match="no decision hook"):
        model.decide(0, response="learn")

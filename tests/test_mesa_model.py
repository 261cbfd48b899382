"""The Mesa face: ``cisim.CollaborationModel`` is one replicate of the engine, as a Mesa model."""

from __future__ import annotations

import inspect
import json
import math
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from mesa.experimental.scenarios import Scenario as MesaScenario

from cisim import engine
from cisim.engine import mesa_model
from cisim.engine.mesa_model import (
    AGENT_REPORTERS,
    OVERRIDABLE,
    CollaborationModel,
    Organisation,
)
from cisim.errors import ConfigError
from cisim.model.metrics import REGISTRY
from cisim.model.parameters import SECTORS
from cisim.model.population import RunSpec, build_state
from cisim.model.roster import Organisation as RosterOrganisation
from cisim.model.roster import Relationship, Roster
from cisim.model.scenario import Scenario
from cisim.model.state import ABSENT, State
from cisim.study.simulate import simulate

METRICS = list(REGISTRY)


def _model_frame(model: CollaborationModel) -> np.ndarray:
    frame = model.datacollector.get_model_vars_dataframe()
    assert list(frame.columns) == METRICS
    return frame.to_numpy()


def _engine_frame(scenario: Scenario, seed: int) -> np.ndarray:
    return simulate(scenario, replicates=1, seed=seed).trajectories[METRICS].to_numpy()


def _navigator_scenario() -> Scenario:
    return Scenario.preset("baseline").replace(navigator=1, turnover=0.05)


def _live_partners(st: State, slot: int) -> dict[int, float]:
    """Trust of ``slot`` in each partner over its existing, non-dormant ties, from the arrays."""
    own = st.exists[0] & ~st.dormant[0] & (st.src[0] == slot)
    return dict(zip(st.dst[0, own].tolist(), st.trust[0, own].tolist(), strict=True))


# ---- reproduction of the engine ------------------------------------------------------------
@pytest.mark.parametrize(
    ("scenario", "seed"),
    [(Scenario.preset("baseline"), 11), (_navigator_scenario(), 12)],
    ids=["baseline", "navigator_turnover"],
)
def test_collaboration_model__reproduces_engine_trajectory(scenario: Scenario, seed: int) -> None:
    model = CollaborationModel(scenario=scenario, rng=seed)
    model.run_for(scenario.horizon_months)
    assert model.time == scenario.horizon_months == model.month
    np.testing.assert_array_equal(_model_frame(model), _engine_frame(scenario, seed))


def test_collaboration_model__fresh_seed_is_exposed_and_reproducible() -> None:
    model = CollaborationModel(horizon_months=12)
    assert isinstance(model.seed_used, int) and 0 <= model.seed_used < 2**63
    model.run_for(12)
    expected = _engine_frame(model.cisim_scenario, model.seed_used)
    np.testing.assert_array_equal(_model_frame(model), expected)


def test_collaboration_model__keyword_overrides_reproduce_replaced_scenario() -> None:
    model = CollaborationModel(navigator=2, data_use=0.7, horizon_months=24, rng=5)
    expected = Scenario.preset("baseline").replace(navigator=2, data_use=0.7, horizon_months=24)
    assert model.cisim_scenario == expected
    model.run_for(24)
    np.testing.assert_array_equal(_model_frame(model), _engine_frame(expected, 5))


def test_collaboration_model__numpy_int_rng_equals_int_rng() -> None:
    frames = []
    for rng in (9, np.int64(9)):
        model = CollaborationModel(horizon_months=6, rng=rng)
        assert model.seed_used == 9 and type(model.seed_used) is int
        model.run_for(6)
        frames.append(_model_frame(model))
    for frame in frames[1:]:
        np.testing.assert_array_equal(frame, frames[0])


# ---- agents --------------------------------------------------------------------------------
def test_collaboration_model__one_agent_per_existing_slot() -> None:
    model = CollaborationModel(rng=1)
    slots = np.flatnonzero(model.state.status[0] != ABSENT).tolist()
    assert sorted(model.organisations) == slots
    assert set(model.agents) == set(model.organisations.values())
    assert len({a.name for a in model.agents}) == len(slots)
    assert {a.status for a in model.agents} == {"active", "candidate"}
    for slot, agent in model.organisations.items():
        assert isinstance(agent, Organisation) and agent.slot == slot
        assert agent.cell is model.grid[slot] and agent.name.startswith(agent.sector)


def test_organisation__attributes_read_engine_arrays_after_steps() -> None:
    scenario = _navigator_scenario().replace(horizon_months=30)
    model = CollaborationModel(scenario=scenario, rng=4)
    agents = dict(model.organisations)  # references taken before stepping: must not go stale
    model.run_for(30)
    twin, params = build_state([RunSpec(scenario, 4, 0)])
    for _ in range(30):
        engine.step(twin, params)
    st = model.state
    for name in ("status", "contribution", "understanding", "onboarding", "trust", "dormant"):
        np.testing.assert_array_equal(getattr(st, name), getattr(twin, name))
    for slot, agent in agents.items():
        assert agent.sector == SECTORS[st.sector[0, slot]]
        for trait in ("authority", "capacity", "alignment", "turnover", "contribution"):
            assert getattr(agent, trait) == getattr(st, trait)[0, slot]
        assert agent.understanding == st.understanding[0, slot]
        assert agent.onboarding == st.onboarding[0, slot]
        assert agent.active == bool(st.active[0, slot])
        assert agent.status == {1: "candidate", 2: "active", 3: "exited"}[st.status[0, slot]]
        expected = _live_partners(st, slot)
        assert {a.slot: t for a, t in agent.trust.items()} == expected
        assert agent.mean_trust == pytest.approx(np.mean(list(expected.values())), abs=0)


def test_organisation__roster_names_and_no_ties_mean_nan() -> None:
    roster = Roster(
        organisations=(
            RosterOrganisation("City Hall", "public"),
            RosterOrganisation("Food Bank", "nonprofit"),
            RosterOrganisation("Loners Ltd", "private"),
        ),
        relationships=(Relationship("City Hall", "Food Bank", 0.8),),
    )
    scenario = Scenario(roster=roster, candidate_share=0.0, dormant_ties=0.0)
    model = CollaborationModel(scenario=scenario, rng=2)
    hall, bank, loner = (model.organisations[i] for i in range(3))
    assert (hall.name, bank.name, loner.name) == ("City Hall", "Food Bank", "Loners Ltd")
    assert hall.trust == {bank: 0.8} and bank.trust == {hall: 0.8}
    assert loner.trust == {} and math.isnan(loner.mean_trust)


def test_collaboration_model__network_neighbourhoods_match_live_ties() -> None:
    model = CollaborationModel(navigator=1, horizon_months=36, rng=1)
    edges_at_start = model.grid.G.number_of_edges()
    model.run_for(36)
    assert model.grid.G.number_of_edges() > edges_at_start  # the navigator brokered ties
    for slot, agent in model.organisations.items():
        neighbours = {a.slot for a in agent.cell.neighborhood.agents}
        assert neighbours == set(_live_partners(model.state, slot))
        assert neighbours == set(model.grid.G.neighbors(slot))


# ---- parameters and running ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"turnover": 2.0}, "turnover"),
        ({"governance_mode": "dictatorship"}, "governance_mode"),
        ({"n_organisations": 1}, "n_organisations"),
        ({"preset": "utopia"}, "preset"),
        ({"scenario": "baseline"}, "scenario"),
        ({"rng": -1}, "rng"),
        ({"rng": 1.5}, "rng"),
        ({"rng": "42"}, "rng"),
    ],
)
def test_collaboration_model__invalid_keyword_raises_config_error(
    kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(ConfigError) as info:
        CollaborationModel(**kwargs)  # type: ignore[arg-type]
    assert info.value.field == field


@pytest.mark.parametrize("kwargs", [{"seed": 9}, {"rng": 9, "seed": 9}])
def test_collaboration_model__seed_raises_type_error_naming_rng(kwargs: dict[str, int]) -> None:
    # Mesa 3.5 deprecates seed: rng is the one way to seed the model
    with pytest.raises(TypeError) as info:
        CollaborationModel(**kwargs)  # type: ignore[arg-type]
    message = str(info.value)
    assert message.startswith("CollaborationModel() got an unexpected keyword argument 'seed'")
    assert "use rng=" in message and "\n" not in message


def test_collaboration_model__unknown_keyword_raises_type_error_with_suggestion() -> None:
    with pytest.raises(TypeError, match=r"'navigatr'; did you mean 'navigator'\?$"):
        CollaborationModel(navigatr=1)  # type: ignore[arg-type]


def test_collaboration_model__parameters_are_keyword_only_with_defaults() -> None:
    params = inspect.signature(CollaborationModel).parameters
    named = {name: p for name, p in params.items() if p.kind is not inspect.Parameter.VAR_KEYWORD}
    assert list(named) == list(params)[:-1]  # the last catches unknown keywords, to explain them
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in named.values())
    assert all(p.default is not inspect.Parameter.empty for p in named.values())
    assert "seed" not in params  # so mesa.batch_run passes rng=
    assert all(params[name].default is None for name in OVERRIDABLE)
    assert params["preset"].default == "baseline" and params["rng"].default is None


def test_collaboration_model__scenario_takes_precedence_over_preset() -> None:
    scenario = Scenario.preset("south_yorkshire")
    model = CollaborationModel(preset="baseline", scenario=scenario, aspiration=0.9, rng=0)
    assert model.cisim_scenario == scenario.replace(aspiration=0.9)


def test_collaboration_model__accepts_mesa_scenario_as_solaraviz_passes_it() -> None:
    model = CollaborationModel(scenario=MesaScenario(rng=4), navigator=1)
    assert model.seed_used == 4
    assert model.cisim_scenario == Scenario.preset("baseline").replace(navigator=1)


def test_collaboration_model__mesa_scenario_recognised_if_mesa_moves_its_class(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Mesa 3.5.1 has the class only under mesa.experimental; without it, an object with an rng
    # that is not a cisim Scenario is taken for one
    monkeypatch.setattr(mesa_model, "_mesa_scenario_class", lambda: None)
    model = CollaborationModel(scenario=MesaScenario(rng=4), navigator=1)
    assert model.seed_used == 4
    assert model.cisim_scenario == Scenario.preset("baseline").replace(navigator=1)
    with pytest.raises(ConfigError):
        CollaborationModel(scenario="baseline")


def test_collaboration_model__stops_running_at_horizon() -> None:
    model = CollaborationModel(horizon_months=12, rng=3)
    while model.running:
        model.step()
    assert model.time == 12 and model.month == 12 and bool(model.state.alive[0])
    assert len(model.datacollector.get_model_vars_dataframe()) == 13


def test_collaboration_model__stops_running_when_dissolved() -> None:
    scenario = Scenario.preset("baseline").replace(exit_base_rate=0.5)
    model = CollaborationModel(scenario=scenario, rng=0)
    while model.running:
        model.step()
    assert not model.state.alive[0] and model.month < scenario.horizon_months
    assert model.state.dissolved_month[0] == model.month


def test_collaboration_model__agent_reporters_do_not_shadow_metrics() -> None:
    model = CollaborationModel(horizon_months=3, rng=1)
    model.run_for(3)
    agents = model.datacollector.get_agent_vars_dataframe()
    assert list(agents.columns) == list(AGENT_REPORTERS)
    assert not set(AGENT_REPORTERS) & set(REGISTRY)
    last = agents.xs(3.0, level="Step")
    assert len(last) == len(model.organisations)
    assert last["active"].sum() == model.state.active[0].sum()


def test_collaboration_model__pickles_and_resumes_identically() -> None:
    model = CollaborationModel(navigator=1, horizon_months=20, rng=8)
    model.run_for(10)
    copy = pickle.loads(pickle.dumps(model))
    assert copy.cisim_scenario == model.cisim_scenario
    assert copy.organisations[0].model is copy
    model.run_for(10)
    copy.run_for(10)
    np.testing.assert_array_equal(_model_frame(copy), _model_frame(model))


# ---- integration with Mesa and with `import cisim` -----------------------------------------
def _run_python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_collaboration_model__runs_under_batch_run() -> None:
    # in a subprocess: importing mesa.batchrunner forces the "spawn" start method globally
    out = _run_python(
        """
        import json
        import mesa
        from cisim.engine.mesa_model import CollaborationModel

        rows = mesa.batch_run(
            CollaborationModel,
            parameters={"navigator": [0, 1], "horizon_months": 24},
            rng=[1, 2],
            max_steps=24,
            number_processes=1,
            display_progress=False,
        )
        keys = sorted(set().union(*rows))
        runs = sorted({(r["navigator"], r["rng"], r["Step"], r["mean_trust"]) for r in rows})
        print(json.dumps({"n": len(rows), "keys": keys, "runs": runs}))
        """
    )
    result = json.loads(out)
    assert set(METRICS) <= set(result["keys"])
    assert {"RunId", "navigator", "rng", "AgentID", *AGENT_REPORTERS} <= set(result["keys"])
    assert "seed" not in result["keys"]  # the model takes no seed, so batch_run passes rng=
    runs = result["runs"]
    assert [(nav, seed, step) for nav, seed, step, _ in runs] == [
        (0, 1, 24.0),
        (0, 2, 24.0),
        (1, 1, 24.0),
        (1, 2, 24.0),
    ]
    scenario = Scenario.preset("baseline").replace(horizon_months=24)
    for navigator, seed, _, mean_trust in runs:
        engine_run = simulate(scenario.replace(navigator=navigator), replicates=1, seed=seed)
        assert mean_trust == engine_run.trajectories["mean_trust"].iloc[-1]
    assert result["n"] > 4  # one row per organisation and run


def test_cisim__import_does_not_import_mesa_until_asked() -> None:
    out = _run_python(
        """
        import sys
        import cisim
        before = "mesa" in sys.modules
        model_class = cisim.CollaborationModel
        print(before, "mesa" in sys.modules, model_class.__module__)
        """
    )
    assert out.split() == ["False", "True", "cisim.engine.mesa_model"]

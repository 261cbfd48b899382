"""cisim as an EMA Workbench ReplicatorModel (skipped when ema-workbench is not installed)."""

from __future__ import annotations

import json
import math
import pickle
import re
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest

from cisim import REGIMES, Scenario, simulate
from cisim.errors import ConfigError
from cisim.field.cli import is_field_file
from cisim.interop import ema
from cisim.model.parameters import SPECS

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="ipyparallel not installed")
    ema_workbench = pytest.importorskip("ema_workbench")

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "interop.md"
EXPERIMENTS = sorted(  # field files (cisim field's) are not experiments
    p for p in (ROOT / "experiments").glob("*.toml") if not is_field_file(p)
)

HORIZON = 24
SHORT = {"horizon_months": HORIZON}
REPLICATIONS = 3
UNCERTAINTIES = {
    "initial_trust": {"low": 0.2, "high": 0.8},
    "turnover": {"low": 0.0, "high": 0.08},
    "entry_point": ["search", "designed"],
    "n_organisations": {"low": 10, "high": 30},
}


def _model(seed: int = 5, **kwargs):
    settings = {
        "uncertainties": UNCERTAINTIES,
        "replications": REPLICATIONS,
        "seed": seed,
        "constants": SHORT,
    }
    settings.update(kwargs)
    return ema.ema_model(**settings)


def _perform(model, scenarios=4, **kwargs):
    return ema_workbench.perform_experiments(
        model, scenarios=scenarios, uncertainty_sampling_kwargs={"rng": 1}, **kwargs
    )


def _params(row, names):
    """A row of EMA's experiments as scenario parameters (NumPy scalars made plain)."""
    return {n: row[n].item() if isinstance(row[n], np.generic) else row[n] for n in names}


def _equal(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


# ---- perform_experiments ---------------------------------------------------------------------
def test_ema_model__perform_experiments_shapes_and_ranges() -> None:
    model = _model()
    experiments, outcomes = _perform(model)
    assert len(experiments) == 4
    assert set(UNCERTAINTIES) | {"scenario", "policy", "model"} == set(experiments.columns)
    assert experiments["initial_trust"].between(0.2, 0.8).all()
    assert experiments["n_organisations"].between(10, 30).all()
    assert set(experiments["entry_point"]) <= {"search", "designed"}
    assert list(outcomes) == list(ema.DEFAULT_OUTCOMES)
    shares = {k / REPLICATIONS for k in range(REPLICATIONS + 1)}
    for name, values in outcomes.items():
        assert values.shape == (4,) and values.dtype == np.float64, name
        assert np.isfinite(values).all(), name
    for regime in ("learning_journey", "blame_game"):
        assert all(any(math.isclose(v, s) for s in shares) for v in outcomes[regime])
    assert ((outcomes["progress"] >= 0) & (outcomes["progress"] <= 1)).all()
    assert ((outcomes["final_trust"] >= 0) & (outcomes["final_trust"] <= 1)).all()
    assert ((outcomes["months_to_first_win"] >= 0) & (outcomes["months_to_first_win"] <= 25)).all()


def test_ema_model__outcomes_equal_simulate_under_the_replication_seeds() -> None:
    model = _model(outcomes=("learning_journey", "progress", "months_to_first_win"))
    experiments, outcomes = _perform(model, scenarios=3)
    seeds = ema.replication_seeds(5, REPLICATIONS)
    assert [r["rng"] for r in model.replications] == seeds
    base = Scenario.preset("baseline").replace(**SHORT)
    for i, row in experiments.iterrows():
        scenario = base.replace(**_params(row, UNCERTAINTIES))
        rows = [simulate(scenario, replicates=1, seed=s).summary.iloc[0] for s in seeds]
        learning = np.mean([r["regime"] == "learning_journey" for r in rows])
        first_win = np.mean(
            [
                HORIZON + 1 if r.isna()["months_to_first_win"] else r["months_to_first_win"]
                for r in rows
            ]
        )
        assert outcomes["learning_journey"][i] == learning
        assert outcomes["progress"][i] == np.mean([r["progress"] for r in rows])
        assert outcomes["months_to_first_win"][i] == first_win


def test_ema_model__same_seed_same_outcomes() -> None:
    first = _perform(_model(seed=9))
    again = _perform(_model(seed=9))
    # EMA numbers its scenarios with a counter for the whole process
    assert first[0].drop(columns="scenario").equals(again[0].drop(columns="scenario"))
    assert _equal(first[1], again[1])
    other = _model(seed=10)
    assert [r["rng"] for r in other.replications] != ema.replication_seeds(9, REPLICATIONS)


def test_ema_model__replication_k_shares_random_numbers_across_scenarios_and_policies() -> None:
    # two scenarios with the same values run the same simulations: common random numbers
    Sample = ema_workbench.Sample
    array = ema_workbench.ArrayOutcome
    model = _model(outcomes=[array(f"{n}_runs", variable_name=n) for n in ("progress", "wins")])
    scenarios = [Sample("a", initial_trust=0.5), Sample("b", initial_trust=0.5)]
    policies = [Sample("p", navigator=0), Sample("q", navigator=0)]
    _, outcomes = ema_workbench.perform_experiments(model, scenarios=scenarios, policies=policies)
    for name, values in outcomes.items():
        assert values.shape == (4, REPLICATIONS), name
        assert all(np.array_equal(values[0], row) for row in values), name
        assert len(set(values[0])) > 1, name  # but replications differ from each other


# ---- evaluators ------------------------------------------------------------------------------
def test_sequential_evaluator__levers_and_uncertainties() -> None:
    model = _model(levers={"navigator": [0, 1]})
    with ema_workbench.SequentialEvaluator(model) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(
            scenarios=2, policies=2, uncertainty_sampling_kwargs={"rng": 1},
            lever_sampling_kwargs={"rng": 2},
        )  # fmt: skip
    assert len(experiments) == 4 and "navigator" in experiments.columns
    assert all(v.shape == (4,) for v in outcomes.values())
    plain = _perform(
        model, scenarios=2, policies=2, lever_sampling_kwargs={"rng": 2}
    )  # perform_experiments defaults to the SequentialEvaluator
    assert _equal(outcomes, plain[1])


def test_multiprocessing_evaluator__pickles_and_matches_sequential() -> None:
    model = _model()
    assert pickle.loads(pickle.dumps(model.function))(rng=3, **SHORT) == ema.run(
        base="baseline", rng=3, **SHORT
    )
    # in a fresh process, as a user script would: forking this (threaded) test process could hang
    script = textwrap.dedent(
        f"""
        import json, warnings
        warnings.filterwarnings("ignore", message="ipyparallel not installed")
        from ema_workbench import MultiprocessingEvaluator
        from cisim.interop.ema import ema_model

        if __name__ == "__main__":
            model = ema_model(
                uncertainties={UNCERTAINTIES!r}, replications={REPLICATIONS},
                seed=5, constants={SHORT!r},
            )
            with MultiprocessingEvaluator(model, n_processes=2) as evaluator:
                _, outcomes = evaluator.perform_experiments(
                    scenarios=4, uncertainty_sampling_kwargs={{"rng": 1}}
                )
            print(json.dumps({{k: v.tolist() for k, v in outcomes.items()}}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    parallel = json.loads(done.stdout.strip().splitlines()[-1])
    sequential = _perform(model)[1]
    assert parallel == {k: v.tolist() for k, v in sequential.items()}


# ---- parameters ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["turnover", "initial_trust", "navigator", "n_organisations"])
def test_ema_parameter__defaults_to_the_spec_range(name) -> None:
    param = ema.ema_parameter(name)
    spec = SPECS[name]
    kind = ema_workbench.IntegerParameter if spec.kind == "int" else ema_workbench.RealParameter
    assert type(param) is kind and param.name == name
    assert (param.lower_bound, param.upper_bound) == (spec.lo, spec.hi)


def test_ema_parameter__ranges_levels_and_choices() -> None:
    real = ema.ema_parameter("turnover", high=0.08)
    assert (real.lower_bound, real.upper_bound) == (0.0, 0.08)
    navigator = ema.ema_parameter("navigator", 0, 2)
    assert isinstance(navigator, ema_workbench.IntegerParameter) and navigator.upper_bound == 2
    levels = ema.ema_parameter("turnover", levels=[0.01, 0.06])
    assert [c.value for c in levels.categories] == [0.01, 0.06]
    network = ema.ema_parameter("network")
    assert "roster" not in [c.value for c in network.categories]
    entry = ema.ema_parameter("entry_point")
    assert [c.value for c in entry.categories] == list(SPECS["entry_point"].choices)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "turnuver"}, "did you mean 'turnover'"),
        ({"name": "sector_mix"}, "table"),
        ({"name": "roster"}, "scenario parameter"),
        ({"name": "turnover", "high": 1.5}, "turnover.high"),
        ({"name": "turnover", "low": 0.5, "high": 0.1}, "low < high"),
        ({"name": "navigator", "low": 0.5}, "navigator.low"),
        ({"name": "entry_point", "low": 0.0}, "a choice has no range"),
        ({"name": "turnover", "low": 0.0, "levels": [0.1, 0.2]}, "not both"),
        ({"name": "turnover", "levels": [0.1]}, "two distinct"),
        ({"name": "entry_point", "levels": ["search", "found"]}, "one of"),
    ],
)
def test_ema_parameter__bad_input_names_the_problem(kwargs, message) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        ema.ema_parameter(**kwargs)


def test_ema_parameters__names_specs_and_ready_made_parameters() -> None:
    ready = ema_workbench.RealParameter("aspiration", 0.2, 0.9)
    params = ema.ema_parameters(["turnover", ready])
    assert [p.name for p in params] == ["turnover", "aspiration"] and params[1] is ready
    with pytest.raises(ConfigError, match="nonsense"):
        ema.ema_parameters([ema_workbench.RealParameter("nonsense", 0, 1)])
    with pytest.raises(ConfigError, match="low, high"):
        ema.ema_parameters({"turnover": {"low": 0.0}})


# ---- the model -------------------------------------------------------------------------------
def test_ema_model__defaults() -> None:
    model = ema.ema_model()
    assert model.name == "cisim"
    assert [p.name for p in model.uncertainties] == list(ema.DEFAULT_UNCERTAINTIES)
    assert [p.name for p in model.levers] == list(ema.DEFAULT_LEVERS)
    assert [o.name for o in model.outcomes] == list(ema.DEFAULT_OUTCOMES)
    assert len(model.replications) == 10
    assert [r["rng"] for r in model.replications] == ema.replication_seeds(0, 10)


def test_ema_model__defaults_yield_to_parameters_named_elsewhere() -> None:
    model = ema.ema_model(uncertainties={"navigator": [0, 1]}, constants={"resources": 0.9})
    assert "navigator" not in [p.name for p in model.levers]
    assert [c.name for c in model.constants] == ["resources"]
    model = ema.ema_model(constants={"navigator": 1, "initial_trust": 0.4})
    assert "navigator" not in [p.name for p in model.levers]
    assert "initial_trust" not in [p.name for p in model.uncertainties]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "cisim model"}, "identifier"),
        ({"base": "nowhere"}, "preset"),
        ({"constants": {"turnover": 2.0}}, "turnover"),
        ({"uncertainties": ["turnover"], "levers": ["turnover"]}, "levers.turnover"),
        ({"uncertainties": ["turnover"], "constants": {"turnover": 0.1}}, "constants.turnover"),
        ({"outcomes": ("learning_journy",)}, "did you mean 'learning_journey'"),
        ({"outcomes": ()}, "at least one"),
        ({"replications": 0}, "replications"),
        ({"seed": -1}, "seed"),
    ],
)
def test_ema_model__bad_input_names_the_problem(kwargs, message) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        ema.ema_model(**kwargs)


def test_ema_model__regime_outcomes_cover_every_regime() -> None:
    model = ema.ema_model(outcomes=REGIMES, constants=SHORT, replications=4)
    _, outcomes = ema_workbench.perform_experiments(
        model, scenarios=[ema_workbench.Sample("base", initial_trust=0.5)]
    )
    assert math.isclose(sum(float(outcomes[r][0]) for r in REGIMES), 1.0)


# ---- docs and experiment files ---------------------------------------------------------------
def _snippet(marker: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(marker)
    match = re.compile(r"```python\n(.*?)```", re.DOTALL).search(text, start)
    assert match is not None
    return match.group(1)


def test_docs__ema_snippet_runs_and_gives_what_the_text_says(capsys) -> None:
    namespace: dict[str, object] = {"__name__": "interop_doc"}
    exec(compile(_snippet("<!-- snippet: ema"), str(DOC), "exec"), namespace)
    experiments, outcomes = namespace["experiments"], namespace["outcomes"]
    assert len(experiments) == 8  # 4 scenarios x 2 policies
    assert outcomes["trust_by_replication"].shape == (8, 3)  # ArrayOutcome: every replication
    assert outcomes["learning_journey"].shape == (8,)
    assert math.isfinite(namespace["navigator_effect"])
    assert "navigator effect on progress at month 24" in capsys.readouterr().out


@pytest.mark.parametrize("path", EXPERIMENTS, ids=[p.stem for p in EXPERIMENTS])
def test_docs__experiment_file_snippet_converts_every_shipped_file(path, monkeypatch) -> None:
    code = _snippet("<!-- snippet: experiment-file")
    assert '"experiments/sensitivity.toml"' in code
    code = code.replace('"experiments/sensitivity.toml"', repr(f"experiments/{path.name}"))
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {"__name__": "interop_doc"}
    exec(compile(code, str(DOC), "exec"), namespace)
    model, study = namespace["model"], namespace["study"]
    names = [p.name for p in model.uncertainties] + [p.name for p in model.levers]
    assert names == [*study.get("uncertainties", {}), *study.get("levers", {})]
    assert [c.name for c in model.constants] == list(study["constants"])
    runs = study.get("replicates") or study["populations"] * study["histories"]
    assert len(model.replications) == runs

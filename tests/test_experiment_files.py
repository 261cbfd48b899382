"""The shipped experiment files (experiments/*.toml) name real parameters with valid levels.

Independently of the sweep runner, each file is parsed with :mod:`tomllib`; every key of
``[levers]``, ``[uncertainties]`` and ``[constants]`` must be a scenario field, and every level
(or both ends of every range) must build a valid scenario on the file's base. When the sweep
package is there, each file must also load as a :class:`cisim.study.sweeps.experiment.Experiment`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from cisim.field.cli import is_field_file
from cisim.model.parameters import SPECS
from cisim.model.scenario import Scenario
from cisim.model.timeline import field_kind

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENTS = ROOT / "experiments"
FILES = sorted(  # field files (cisim field's, experiments/platforms.toml) are not experiments
    p for p in EXPERIMENTS.glob("*.toml") if not is_field_file(p)
)
IDS = [p.stem for p in FILES]

#: The studies the README describes; each must ship.
STUDIES = (
    "backbone",
    "five_actions",
    "learning_vs_blame",
    "phase_trust_turnover",
    "resources",
    "sensitivity",
    "sensitivity_screening",
    "timing",
    "who_is_at_the_table",
)
#: The five key actions of Pulido-Gómez, de Jong & Rivkin (2025).
KEY_ACTIONS = (
    "prior_ties",
    "navigator",
    "community_engagement",
    "data_use",
    "joint_problem_solving",
)
FIELDS = frozenset(f.name for f in fields(Scenario))
#: Studies whose horizon is not the usual ten years, and why.
HORIZONS = {"timing": 168}  # so that the latest arrival (month 96) still has six years to act


def _is_field(name: str) -> bool:
    """A scenario field, or a field of an event of its timeline (``timeline.K.FIELD``)."""
    return name in FIELDS or field_kind(name) is not None


def _value(scenario: Scenario, name: str) -> Any:
    if name.startswith("timeline."):
        _, k, key = name.split(".")
        event = scenario.timeline[int(k) - 1].to_dict()
        return event[key]
    return getattr(scenario, name)


def _load(path: Path) -> dict[str, Any]:
    with path.open("rb") as file:
        return tomllib.load(file)


def _base(data: dict[str, Any], path: Path) -> Scenario:
    ref = data["base"]
    if ref.endswith(".toml"):
        return Scenario.from_toml(path.parent / ref)
    return Scenario.preset(ref)


def _values(spec: Any) -> list[Any]:
    """The values a factor takes: its levels, or both ends of its range."""
    if isinstance(spec, list):
        return spec
    keys = set(spec) - {"why"}
    if keys == {"levels"}:
        return list(spec["levels"])
    assert keys == {"low", "high"}, spec
    assert spec["low"] < spec["high"], spec
    return [spec["low"], spec["high"]]


def _runs_per_point(data: dict[str, Any]) -> int:
    """Replicates, or a nested study's populations x histories."""
    if "replicates" in data:
        return int(data["replicates"])
    return int(data["populations"]) * int(data["histories"])


def _factors(data: dict[str, Any]) -> dict[str, Any]:
    return {**data.get("levers", {}), **data.get("uncertainties", {})}


def test_experiments__every_study_ships() -> None:
    assert sorted(IDS) == sorted(STUDIES)
    assert (EXPERIMENTS / "README.md").is_file()


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_experiment_file__keys_are_scenario_fields(path: Path) -> None:
    data = _load(path)
    assert data["name"] == path.stem
    for table in ("levers", "uncertainties", "constants"):
        unknown = sorted(n for n in data.get(table, {}) if not _is_field(n))
        assert not unknown, f"{path.name} [{table}]: not scenario fields: {unknown}"
    names = [*data.get("levers", {}), *data.get("uncertainties", {}), *data.get("constants", {})]
    assert len(names) == len(set(names)), f"{path.name}: a parameter in two tables"


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_experiment_file__every_level_builds_a_valid_scenario(path: Path) -> None:
    data = _load(path)
    base = _base(data, path).replace(**data.get("constants", {}))
    for name, spec in _factors(data).items():
        values = _values(spec)
        assert len(values) == len(set(values)) >= 2, f"{name}: {values}"
        for value in values:
            scenario = base.replace(**{name: value})  # raises ConfigError if invalid
            assert _value(scenario, name) == value


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_experiment_file__header_and_documented_settings(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    data = _load(path)
    assert text.startswith("# "), f"{path.name}: starts with a header comment"
    header = text.split("\nname = ", 1)[0]
    assert "Question." in header and "Design." in header
    assert data["question"].endswith("?") and data["description"]
    assert data["constants"]["horizon_months"] == HORIZONS.get(path.stem, 120)
    if data["design"] == "factorial":
        assert "samples" not in data and _runs_per_point(data) >= 200
    else:
        assert all(
            isinstance(s, dict) and set(s) - {"why"} == {"low", "high"}
            for s in _factors(data).values()
        )


def test_learning_vs_blame__the_flagship_design() -> None:
    data = _load(EXPERIMENTS / "learning_vs_blame.toml")
    assert (data["base"], data["design"], data["seed"]) == ("baseline", "factorial", 2026)
    assert data["replicates"] >= 200
    assert _factors(data) == {
        "entry_point": ["search", "designed", "imposed"],
        "navigator": [0, 1],
        "turnover": [0.01, 0.02, 0.04, 0.06],
    }


def test_five_actions__full_two_level_factorial_of_the_key_actions() -> None:
    data = _load(EXPERIMENTS / "five_actions.toml")
    factors = _factors(data)
    assert sorted(factors) == sorted(KEY_ACTIONS)
    assert factors["navigator"] == [0, 1]
    assert all(factors[a] == [0.0, 0.6] for a in KEY_ACTIONS if a != "navigator")
    assert data["design"] == "factorial" and data["replicates"] == 200


def test_sensitivity__sobol_and_morris_share_their_parameters() -> None:
    sobol = _load(EXPERIMENTS / "sensitivity.toml")
    morris = _load(EXPERIMENTS / "sensitivity_screening.toml")
    assert (sobol["design"], sobol["samples"], sobol["replicates"]) == ("sobol", 1024, 5)
    assert (morris["design"], morris["samples"], morris["replicates"]) == ("morris", 50, 10)
    assert sobol["samples"] & (sobol["samples"] - 1) == 0  # a power of two
    assert _factors(sobol) == _factors(morris)
    assert sobol["levers"] == morris["levers"] and sobol["uncertainties"] == morris["uncertainties"]
    numeric = [n for n in _factors(sobol) if SPECS[n].kind in ("int", "float")]
    assert len(numeric) == len(_factors(sobol)) >= 10


#: What a range's justification must point to: a dated source, a case or preset, a seed
#: document, or an avowed assumption.
_GROUNDS = re.compile(
    r"\(\w[^()]*\d{4}\)|\d{4}\)|assumption|Hartford|Louisville|South Yorkshire|strong_start|"
    r"seed \d{3}|baseline",
    re.IGNORECASE,
)


@pytest.mark.parametrize("stem", ["sensitivity", "sensitivity_screening"])
def test_sensitivity__every_range_says_why(stem: str) -> None:
    data = _load(EXPERIMENTS / f"{stem}.toml")
    for name, spec in _factors(data).items():
        why = spec.get("why", "")
        assert len(why.split()) >= 10, f"{name}: no justification of its range"
        assert "Low:" in why and "High:" in why, f"{name}: say what each end stands for"
        assert _GROUNDS.search(why), f"{name}: name a source, a case or 'assumption'"
        spec_range = SPECS[name]
        assert spec_range.lo <= spec["low"] < spec["high"] <= spec_range.hi, name
    # ranges narrowed to what the sources give say so, with the former range
    narrowed = [n for n, s in _factors(data).items() if "Narrowed" in s["why"]]
    assert {"prior_ties", "data_use", "turnover", "initial_trust"} <= set(narrowed)


def test_phase_and_resources__grids() -> None:
    phase = _factors(_load(EXPERIMENTS / "phase_trust_turnover.toml"))
    assert phase["initial_trust"] == pytest.approx([0.2 + 0.1 * i for i in range(7)])
    assert phase["turnover"] == pytest.approx([0.02 * i for i in range(5)])
    assert phase["navigator"] == [0, 1]
    grant = _factors(_load(EXPERIMENTS / "resources.toml"))
    assert grant == {
        "resources": [0.0, 0.3, 0.6, 0.9],
        "initial_trust": [0.35, 0.5, 0.65],
        "authority_contest": [0.0, 0.4, 0.8],
    }


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_experiment_file__loads_as_an_experiment(path: Path) -> None:
    try:
        from cisim.study.sweeps.experiment import Experiment
    except ImportError:
        pytest.skip("cisim.study.sweeps.experiment is not available")
    experiment = Experiment.from_toml(path)
    data = _load(path)
    assert experiment.name == path.stem
    assert (experiment.design, experiment.replicates, experiment.seed) == (
        data["design"],
        _runs_per_point(data),
        data["seed"],
    )
    assert [f.name for f in experiment.factors] == list(_factors(data))


def test_readme__describes_every_study_with_measured_findings() -> None:
    text = (EXPERIMENTS / "README.md").read_text(encoding="utf-8")
    for stem in STUDIES:
        assert f"`{stem}.toml`" in text, stem
    findings = [p for p in text.split("\n\n") if p.startswith("**Findings")]
    assert len(findings) == len(STUDIES)
    for paragraph in findings:
        # measured: names its runs and seed, and gives 95 % intervals, not a placeholder
        assert "to be filled" not in paragraph
        assert "runs, seed" in paragraph, paragraph[:80]
    assert text.count("**Question:**") == text.count("**Design:**") == len(STUDIES) - 1


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_experiment_file__runs_shrunk_through_the_sweep_runner(path: Path, tmp_path: Path) -> None:
    # the shipped design with 2 replicates, 12 months and (sampling designs) a small sample
    try:
        from cisim.study.sweeps.designs import n_points
        from cisim.study.sweeps.experiment import Experiment
        from cisim.study.sweeps.runner import SerialExecutor, run_sweep
    except ImportError:
        pytest.skip("the sweep runner is not available")
    data = _load(path)
    nested = "populations" in data
    if nested:  # a nested study: 2 populations x 2 histories
        data.update(populations=2, histories=2)
    else:
        data.update(replicates=2)
    # 12 months, or as many as the latest event a factor moves needs
    months = [v for n, s in _factors(data).items() if n.endswith(".month") for v in _values(s)]
    data.update(constants={**data["constants"], "horizon_months": max([12, *months])})
    if data["design"] != "factorial":
        data["samples"] = 4
    experiment = Experiment.from_dict(data, base_dir=path.parent)
    summary = run_sweep(
        experiment, tmp_path / "sweep", executor=SerialExecutor(), workers=1, progress=False
    )
    assert summary.runs == n_points(experiment) * (4 if nested else 2)


def test_who_is_at_the_table__a_nested_design_on_the_baseline() -> None:
    data = _load(EXPERIMENTS / "who_is_at_the_table.toml")
    assert (data["base"], data["design"], data["seed"]) == ("baseline", "factorial", 2026)
    assert "replicates" not in data and data["populations"] == data["histories"] == 30
    assert _factors(data) == {"navigator": [0, 1], "turnover": [0.01, 0.06]}

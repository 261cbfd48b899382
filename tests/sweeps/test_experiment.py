"""Experiment files: parsing, validation with located errors, round trips and fingerprints."""

from __future__ import annotations

from pathlib import Path

import pytest

from cisim.errors import ConfigError, FileFormatError
from cisim.model.scenario import Scenario
from cisim.study.sweeps import Experiment
from cisim.study.sweeps.models import DEFAULT_TRAJECTORIES

from .conftest import DESIGNS, ISHIGAMI, WriteExperiment

GOOD = """\
name = "ok"
base = "baseline"
design = "factorial"
replicates = 2
seed = 1
[constants]
horizon_months = 12
[levers]
navigator = [0, 1]
[uncertainties]
turnover = [0.01, 0.03]
"""

LHS = """\
name = "ok"
base = "baseline"
design = "lhs"
samples = 4
replicates = 2
seed = 1
[uncertainties]
initial_trust = { low = 0.2, high = 0.8 }
"""


# ---- valid files -------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", sorted(DESIGNS))
def test_experiment__every_design_kind_parses(kind: str, write_experiment: WriteExperiment) -> None:
    ex = Experiment.from_toml(write_experiment(DESIGNS[kind]))
    assert ex.design == kind
    assert ex.name == f"tiny_{kind}"
    assert ex.base == Scenario.preset("baseline")
    assert ex.settings["horizon_months"] == 12
    assert ex.trajectories == DEFAULT_TRAJECTORIES
    assert ex.outcomes is None
    assert ex.factors == ex.levers + ex.uncertainties


def test_experiment__factors_hold_canonical_levels_and_ranges(
    write_experiment: WriteExperiment,
) -> None:
    lhs = Experiment.from_toml(write_experiment(DESIGNS["lhs"]))
    navigator, trust, entry = lhs.factors
    assert (navigator.role, navigator.kind, navigator.low, navigator.high) == (
        "levers",
        "int",
        0,
        3,
    )
    assert (trust.role, trust.low, trust.high, trust.is_range) == ("uncertainties", 0.2, 0.8, True)
    assert entry.levels == ("search", "designed") and not entry.is_range
    factorial = Experiment.from_toml(write_experiment(GOOD))
    assert factorial.levers[0].levels == (0, 1)
    assert all(isinstance(v, float) for v in factorial.uncertainties[0].levels)


def test_experiment__base_path_is_relative_to_the_experiment_file(tmp_path: Path) -> None:
    (tmp_path / "configs").mkdir()
    scenario = Scenario.preset("baseline").replace(name="mine", initial_trust=0.7)
    scenario.to_toml(tmp_path / "configs" / "mine.toml")
    (tmp_path / "experiments").mkdir()
    path = tmp_path / "experiments" / "e.toml"
    path.write_text(GOOD.replace('"baseline"', '"../configs/mine.toml"'), encoding="utf-8")
    ex = Experiment.from_toml(path)
    assert ex.base == scenario
    assert ex.settings["initial_trust"] == 0.7


def test_experiment__trajectories_all_none_and_a_list(write_experiment: WriteExperiment) -> None:
    for value, expected in (('"none"', ()), ('["progress", "wins"]', ("progress", "wins"))):
        text = GOOD.replace("seed = 1", f"seed = 1\ntrajectories = {value}")
        assert Experiment.from_toml(write_experiment(text)).trajectories == expected
    text = GOOD.replace("seed = 1", 'seed = 1\ntrajectories = "all"')
    assert "governance_mode" in Experiment.from_toml(write_experiment(text)).trajectories


def test_experiment__ishigami_needs_no_base(write_experiment: WriteExperiment) -> None:
    ex = Experiment.from_toml(write_experiment(ISHIGAMI))
    assert ex.base is None and ex.model == "ishigami"
    assert ex.settings == {"x1": 0.0, "x2": 0.0, "x3": 0.0, "a": 7.0, "b": 0.1, "noise": 0.5}
    assert ex.trajectories == ()


def test_experiment__to_dict_round_trips(write_experiment: WriteExperiment) -> None:
    for text in (*DESIGNS.values(), ISHIGAMI):
        ex = Experiment.from_toml(write_experiment(text))
        again = Experiment.from_dict(ex.to_dict(), base=ex.base)
        assert again == ex
        assert Experiment.from_text(ex.toml, base=ex.base) == ex


def test_experiment__fingerprint_ignores_words_but_not_settings(
    write_experiment: WriteExperiment,
) -> None:
    ex = Experiment.from_toml(write_experiment(GOOD))
    reworded = GOOD.replace('name = "ok"', 'name = "other"\ndescription = "x"  # a comment')
    assert Experiment.from_toml(write_experiment(reworded)).fingerprint == ex.fingerprint
    for old, new in (
        ("seed = 1", "seed = 2"),
        ("replicates = 2", "replicates = 3"),
        ("0.03]", "0.04]"),
        ("= 12", "= 13"),
    ):
        changed = Experiment.from_toml(write_experiment(GOOD.replace(old, new)))
        assert changed.fingerprint != ex.fingerprint, (old, new)


def test_experiment__a_factor_may_say_why_its_range_or_levels(
    write_experiment: WriteExperiment,
) -> None:
    why = "Low: Hartford (0.35). High: assumption, as far above neutral."
    text = LHS.replace(
        "initial_trust = { low = 0.2, high = 0.8 }",
        f'initial_trust = {{ low = 0.35, high = 0.65, why = "{why}" }}\n'
        '[levers.navigator]\nlevels = [0, 1]\nwhy = "none or one"',
    )
    ex = Experiment.from_toml(write_experiment(text))
    assert [(f.name, f.why) for f in ex.factors] == [
        ("navigator", "none or one"),
        ("initial_trust", why),
    ]
    assert ex.uncertainties[0].low == 0.35 and ex.levers[0].levels == (0, 1)
    again = Experiment.from_text(ex.toml, base=ex.base)
    assert [f.why for f in again.factors] == [f.why for f in ex.factors]
    assert Experiment.from_dict(ex.to_dict(), base=ex.base).levers[0].why == "none or one"
    # words only: a justification changes no run, so neither the fingerprint
    plain = Experiment.from_toml(write_experiment(text.replace(why, "other words")))
    assert plain.fingerprint == ex.fingerprint
    factorial = GOOD.replace("navigator = [0, 1]", 'navigator = { levels = [0, 1], why = "x" }')
    assert Experiment.from_toml(write_experiment(factorial)).levers[0].why == "x"


def test_experiment__default_task_size_follows_the_horizon(
    write_experiment: WriteExperiment,
) -> None:
    short = Experiment.from_toml(write_experiment(GOOD))
    long = Experiment.from_toml(write_experiment(GOOD.replace("= 12", "= 120")))
    assert short.task_size > long.task_size >= 100
    assert Experiment.from_toml(write_experiment(GOOD + "\n")).task_size == short.task_size
    sized = GOOD.replace("seed = 1", "seed = 1\nbatch_size = 7")
    assert Experiment.from_toml(write_experiment(sized)).task_size == 7


# ---- malformed files ---------------------------------------------------------------------------
def _edit(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new)


BAD: list[tuple[str, str, str, int | None, str]] = [
    # id, text, field, line (None: not located), a word the message must hold
    ("unknown key", _edit(GOOD, "replicates", "replicate"), "replicate", 4, "replicates"),
    (
        "unknown parameter",
        _edit(GOOD, "navigator =", "navigater ="),
        "levers.navigater",
        9,
        "'navigator'",
    ),
    ("level out of range", _edit(GOOD, "0.03]", "1.5]"), "uncertainties.turnover", 11, "0 to 1"),
    ("level of wrong type", _edit(GOOD, "[0, 1]", '["yes"]'), "levers.navigator", 9, "integer"),
    ("empty levels", _edit(GOOD, "[0, 1]", "[]"), "levers.navigator", 9, "non-empty"),
    ("repeated level", _edit(GOOD, "[0, 1]", "[1, 1]"), "levers.navigator", 9, "distinct"),
    (
        "low above high",
        _edit(LHS, "low = 0.2, high = 0.8", "low = 0.8, high = 0.2"),
        "uncertainties.initial_trust",
        8,
        "low < high",
    ),
    (
        "range out of bounds",
        _edit(LHS, "high = 0.8", "high = 1.8"),
        "uncertainties.initial_trust.high",
        8,
        "0 to 1",
    ),
    (
        "int range of floats",
        _edit(_edit(LHS, "initial_trust", "navigator"), "low = 0.2", "low = 0.5"),
        "uncertainties.navigator.low",
        8,
        "integer",
    ),
    (
        "no factors",
        _edit(LHS, "initial_trust = { low = 0.2, high = 0.8 }", ""),
        "uncertainties",
        None,
        "at least one",
    ),
    (
        "bound not a number",
        _edit(LHS, "low = 0.2", 'low = "a"'),
        "uncertainties.initial_trust.low",
        8,
        "a number",
    ),
    ("two tables", GOOD + "navigator = [2]\n", "levers.navigator", 9, "[uncertainties]"),
    (
        "constant and factor",
        _edit(GOOD, "horizon_months = 12", "horizon_months = 12\nnavigator = 1"),
        "levers.navigator",
        10,
        "[constants]",
    ),
    (
        "samples in factorial",
        _edit(GOOD, "seed = 1", "seed = 1\nsamples = 4"),
        "samples",
        6,
        "factorial",
    ),
    ("samples missing", _edit(LHS, "samples = 4\n", ""), "samples", None, "lhs"),
    (
        "sobol not power of two",
        _edit(_edit(LHS, '"lhs"', '"sobol"'), "= 4", "= 6"),
        "samples",
        4,
        "power of two",
    ),
    ("no replicates", _edit(GOOD, "replicates = 2", "replicates = 0"), "replicates", 4, ">= 1"),
    ("negative seed", _edit(GOOD, "seed = 1", "seed = -1"), "seed", 5, "2**63"),
    ("unknown design", _edit(GOOD, '"factorial"', '"latin"'), "design", 3, "lhs"),
    (
        "categorical in sobol",
        _edit(
            _edit(LHS, '"lhs"', '"sobol"'),
            "[uncertainties]",
            '[uncertainties]\nentry_point = { levels = ["search", "designed"] }',
        ),
        "uncertainties.entry_point",
        8,
        "categorical",
    ),
    (
        "range in factorial",
        _edit(GOOD, "[0, 1]", "{ low = 0, high = 1 }"),
        "levers.navigator",
        9,
        "levels",
    ),
    (
        "bare list in lhs",
        _edit(LHS, "{ low = 0.2, high = 0.8 }", "[0.2, 0.8]"),
        "uncertainties.initial_trust",
        8,
        "range",
    ),
    (
        "range of a choice",
        _edit(LHS, "initial_trust", "entry_point"),
        "uncertainties.entry_point",
        8,
        "choice",
    ),
    (
        "unknown trajectory",
        _edit(GOOD, "seed = 1", 'seed = 1\ntrajectories = ["mean_trusts"]'),
        "trajectories",
        6,
        "'mean_trust'",
    ),
    (
        "unknown outcome",
        _edit(GOOD, "seed = 1", 'seed = 1\noutcomes = ["regim"]'),
        "outcomes",
        6,
        "'regime'",
    ),
    (
        "bad constant",
        _edit(GOOD, "horizon_months = 12", "horizon_months = 0"),
        "constants.horizon_months",
        7,
        "1 to 1200",
    ),
    (
        "unknown constant",
        _edit(GOOD, "horizon_months = 12", "horizon = 12"),
        "constants.horizon",
        7,
        "horizon_months",
    ),
    (
        "a table varied",
        _edit(GOOD, "navigator = [0, 1]", "sector_mix = [1]"),
        "levers.sector_mix",
        9,
        "[constants]",
    ),
    ("base missing", _edit(GOOD, 'base = "baseline"\n', ""), "base", None, "preset"),
    ("base file missing", _edit(GOOD, '"baseline"', '"nope.toml"'), "base", 2, "no such file"),
    (
        "ishigami with a base",
        _edit(ISHIGAMI.lstrip(), 'model = "ishigami"', 'model = "ishigami"\nbase = "baseline"'),
        "base",
        3,
        "no scenario",
    ),
    (
        "why not a string",
        _edit(LHS, "high = 0.8 }", "high = 0.8, why = 3 }"),
        "uncertainties.initial_trust.why",
        8,
        "a string",
    ),
    (
        "unknown key beside why",
        _edit(LHS, "high = 0.8 }", 'high = 0.8, why = "x", mid = 0.5 }'),
        "uncertainties.initial_trust",
        8,
        "optional why",
    ),
    (
        "ishigami negative noise",
        _edit(ISHIGAMI.lstrip(), "noise = 0.5", "noise = -1"),
        "constants.noise",
        9,
        ">= 0",
    ),
]


@pytest.mark.parametrize(
    ("text", "field", "line", "word"), [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_experiment__malformed_file_names_the_key(
    text: str, field: str, line: int | None, word: str, write_experiment: WriteExperiment
) -> None:
    path = write_experiment(text, "bad.toml")
    with pytest.raises(ConfigError) as info:
        Experiment.from_toml(path)
    message = str(info.value)
    assert info.value.field == field
    assert "\n" not in message
    assert message.startswith(str(path))
    assert word in message
    if line is not None:
        assert f"{path}, line {line}:" in message


def test_experiment__malformed_toml_is_a_file_format_error(
    write_experiment: WriteExperiment,
) -> None:
    path = write_experiment(GOOD + "[levers\n", "bad.toml")
    with pytest.raises(FileFormatError, match="malformed TOML"):
        Experiment.from_toml(path)


def test_experiment__missing_file_is_a_file_format_error(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match="no such file"):
        Experiment.from_toml(tmp_path / "nope.toml")


def test_experiment__direct_construction_is_validated() -> None:
    with pytest.raises(ConfigError, match="samples"):
        Experiment(name="x", base=Scenario(), design="lhs")
    with pytest.raises(ConfigError, match="replicates"):
        Experiment(name="x", base=Scenario(), replicates=0)

"""Field files (TOML) and ``cisim field``: validated, one-line errors, exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from cisim.cli import main
from cisim.errors import ConfigError
from cisim.field.config import load

GOOD = """
[field]
scenario = "baseline"
cities = 6
seed = 4

[platforms.scale]
strategy = "replicate"

[platforms.mixed]
strategy = "platform"
budget = 2.0
fidelity = 0.25
"""


def _write(tmp_path: Path, text: str, name: str = "field.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_load__platforms_start_from_their_strategy(tmp_path: Path) -> None:
    spec = load(_write(tmp_path, GOOD))
    assert spec.field.cities == 6 and spec.field.seed == 4
    assert list(spec.platforms) == ["scale", "mixed"]
    assert spec.platforms["scale"].fidelity == 1.0
    assert spec.platforms["mixed"].budget == 2.0
    assert spec.platforms["mixed"].fidelity == 0.25


def test_load__roster_of_cities_relative_to_the_file(tmp_path: Path) -> None:
    _write(tmp_path, 'name = "springfield"\nhorizon_months = 120\n', "springfield.toml")
    text = '[field]\nroster = ["baseline", "springfield.toml"]\n[platform]\nbudget = 1\n'
    spec = load(_write(tmp_path, text))
    assert [s.name for s in spec.field.roster] == ["baseline", "springfield"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[field]\ncities = 0\n[platform]\n", "line 2: field.cities = 0 is not allowed"),
        ("[field]\nspred = 0.2\n[platform]\n", "did you mean 'spread'"),
        ("[field]\n[platform]\nbudget = -1\n", "line 3: platform.budget = -1"),
        ("[field]\n[platforms.a]\nfidelty = 1\n", "platforms.a.fidelty = 1"),
        ("[field]\n[platform]\nstrategy = 'both'\n", "platform.strategy = 'both'"),
        ("[field]\n", "either a [platform] table or [platforms.NAME] tables"),
        ("[platform]\n", "a [field] table"),
        ("[field]\n[platform]\n[extra]\n", "extra"),
        ("[field]\nroster = []\n[platform]\n", "field.roster"),
        ("[field]\nroster = ['baseline']\nscenario = 'baseline'\n[platform]\n", "not both"),
    ],
)
def test_load__bad_input_is_one_line_naming_the_field(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(ConfigError) as err:
        load(_write(tmp_path, text))
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_cli_field__runs_and_writes_the_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "table.csv"
    assert main(["field", str(_write(tmp_path, GOOD)), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "learning_journey_share" in printed and "cost_per_journey" in printed
    assert out.read_text().startswith("platform,")


def test_cli_field__bad_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "[field]\n[platform]\nbudget = 'lots'\n")
    assert main(["field", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "platform.budget" in err and "Traceback" not in err
    assert main(["field", str(tmp_path / "missing.toml")]) == 2


def test_shipped_field_file__loads_and_runs_small() -> None:
    from cisim.field import compare

    path = Path(__file__).resolve().parents[2] / "experiments" / "platforms.toml"
    spec = load(path)
    assert spec.field.cities == 1000
    assert {"replicate", "platform", "inconsistent", "steady_half"} <= set(spec.platforms)
    small = spec.field.replace(cities=8, scenario=spec.field.scenario.replace(horizon_months=24))
    table = compare(small, spec.platforms)
    assert list(table.index) == list(spec.platforms)
    assert (table["spent"] > 0).all()


SWEPT = """
[field]
cities = 6

[platforms.steady]
strategy = "platform"
budget = [0.25, 1]
target = ["random", "weakest"]

[platforms.scale]
strategy = "replicate"
"""


def test_load__a_list_of_values_sweeps_a_lever_into_named_platforms(tmp_path: Path) -> None:
    spec = load(_write(tmp_path, SWEPT))
    assert list(spec.platforms) == [
        "steady@budget=0.25+target=random",
        "steady@budget=0.25+target=weakest",
        "steady@budget=1+target=random",
        "steady@budget=1+target=weakest",
        "scale",
    ]
    p = spec.platforms["steady@budget=1+target=weakest"]
    assert (p.budget, p.target, p.programme) == (1.0, "weakest", "learned")
    assert spec.variants["steady@budget=0.25+target=random"].base == "steady"
    assert spec.variants["steady@budget=0.25+target=random"].levers == {
        "budget": 0.25,
        "target": "random",
    }
    assert "scale" not in spec.variants


def test_load__a_sweep_table_sweeps_every_platform(tmp_path: Path) -> None:
    text = "[field]\ncities = 4\n[sweep]\nfidelity = [0, 1]\n"
    text += (
        "[platforms.a]\nstrategy = 'replicate'\n[platforms.b]\nstrategy = 'platform'\nbudget = 2\n"
    )
    spec = load(_write(tmp_path, text))
    assert list(spec.platforms) == ["a@fidelity=0", "a@fidelity=1", "b@fidelity=0",
                                    "b@fidelity=1"]  # fmt: skip
    assert spec.platforms["b@fidelity=0"].budget == 2.0
    assert spec.platforms["a@fidelity=0"].fidelity == 0.0
    one = load(_write(tmp_path, "[field]\n[sweep]\nbudget = [1, 2]\n[platform]\n", "one.toml"))
    assert list(one.platforms) == ["platform@budget=1", "platform@budget=2"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[sweep]\nbudget = 1\n[platform]\n",
            "line 3: sweep.budget = 1 is not allowed: a list of two or more values",
        ),
        ("[sweep]\nbudget = [1]\n[platform]\n", "sweep.budget = [1] is not allowed: a list of two"),
        ("[sweep]\nbudget = [1, -1]\n[platform]\n", "sweep.budget = -1 is not allowed: a number"),
        ("[sweep]\nbudget = [1, 1.0]\n[platform]\n", "one is repeated"),
        ("[sweep]\nbudgte = [1, 2]\n[platform]\n", "did you mean 'budget'"),
        ("[sweep]\nstrategy = ['a', 'b']\n[platform]\n", "sweep.strategy"),
        ("sweep = 3\n[platform]\n", "sweep = 3 is not allowed: a table of platform levers"),
        (
            "[sweep]\nbudget = [1, 2]\n[platform]\nbudget = 3\n",
            "platform.budget = 3 is not allowed: a lever not also swept by [sweep]",
        ),
        (
            "[platforms.a]\ntarget = ['random', 'middle']\n",
            "platforms.a.target = 'middle' is not allowed: one of",
        ),
        ("[platforms.a]\nstrategy = ['replicate', 'platform']\n", "platforms.a.strategy"),
        ("[platforms.a]\nfidelty = [0, 1]\n", "did you mean 'fidelity'"),
        (
            "[platforms.alone]\nbudget = 1\n",
            "platforms.alone = 'alone' is not allowed: a name other than 'alone'",
        ),
        ("[platforms.'a/b']\nbudget = 1\n", "a name of letters, digits, _ and -"),
        ("question = 3\n[platform]\n", "question = 3 is not allowed: text"),
    ],
)
def test_load__bad_sweeps_and_names_are_one_line_naming_the_field(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(ConfigError) as err:
        load(_write(tmp_path, "[field]\n" + text if not text.startswith(("sweep =", "question"))
                    else text.replace("\n[platform]", "\n[field]\n[platform]", 1)))  # fmt: skip
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_cli_sweep__a_field_file_is_pointed_to_cisim_field(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = Path(__file__).resolve().parents[2] / "experiments" / "platforms.toml"
    assert main(["sweep", str(path), "--out", "unused"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is a field file" in err and "cisim field" in err
    from cisim.study.sweeps import shipped

    assert "platforms" not in shipped.names()  # a field file is not a shipped sweep

"""Nested experiments: populations x histories per design point, run, resumed, analysed, reported.

A nested experiment gives ``populations`` and ``histories`` instead of ``replicates``; every point
runs ``RunSpec(scenario, seed, p, h)`` for each population ``p`` and history ``h``. Its sweep must
equal :func:`cisim.study.nested.nested` run point by point, resume like any sweep, and its
analysis and report must give the variance decomposition.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cisim import cli
from cisim.analysis import SweepMeta, analyze, conditions_decomposition, regime_decomposition
from cisim.analysis.decomposition import grids, point_decompositions
from cisim.errors import ConfigError
from cisim.model.scenario import Scenario
from cisim.study.nested import decompose, decompose_conditions, nested
from cisim.study.sweeps import Experiment, SerialExecutor, load, run_sweep

from .conftest import DESIGNS, ISHIGAMI, WriteExperiment
from .helpers import CountingExecutor, assert_same_sweep

#: 2 points x 4 populations x 3 histories = 24 runs of 36 months in 5 tasks of 5.
NESTED = """
name = "tiny_nested"
design = "factorial"
populations = 4
histories = 3
batch_size = 5
base = "baseline"
seed = 11
[constants]
horizon_months = 36
[levers]
navigator = [0, 1]
"""


def _sweep(text: str, out: Path, write: WriteExperiment) -> Experiment:
    experiment = Experiment.from_toml(write(text))
    run_sweep(experiment, out, executor=SerialExecutor(), progress=False)
    return experiment


def _point_scenario(navigator: int) -> Scenario:
    return Scenario.preset("baseline").replace(horizon_months=36, navigator=navigator)


# ---- parsing -------------------------------------------------------------------------------------
def test_nested__parses_with_replicates_as_populations_times_histories(
    write_experiment: WriteExperiment,
) -> None:
    ex = Experiment.from_toml(write_experiment(NESTED))
    assert (ex.nested, ex.populations, ex.histories, ex.replicates) == (True, 4, 3, 12)
    data = ex.to_dict()
    assert (data["populations"], data["histories"]) == (4, 3) and "replicates" not in data
    assert Experiment.from_dict(data) == ex


def test_nested__plain_experiments_keep_replicates_and_no_nested_identity(
    write_experiment: WriteExperiment,
) -> None:
    plain = Experiment.from_toml(write_experiment(DESIGNS["factorial"]))
    assert (plain.nested, plain.populations, plain.histories) == (False, None, None)
    assert "populations" not in plain.to_dict() and plain.to_dict()["replicates"] == 3
    assert "nested" not in plain._identity()
    # the same runs per point, nested or not, are different experiments
    crossed = NESTED.replace("populations = 4\nhistories = 3", "replicates = 12")
    assert Experiment.from_toml(write_experiment(crossed)).replicates == 12
    assert (
        Experiment.from_toml(write_experiment(crossed)).fingerprint
        != Experiment.from_toml(write_experiment(NESTED)).fingerprint
    )


@pytest.mark.parametrize(
    ("old", "new", "field", "value", "allowed"),
    [
        ("histories = 3", "histories = 3\nreplicates = 5", "populations", 4, "absent when"),
        ("populations = 4", "populations = 1", "populations", 1, "a whole number >= 2"),
        ("histories = 3", "histories = 0", "histories", 0, "a whole number >= 2"),
        ("populations = 4", 'populations = "4"', "populations", "4", "a whole number >= 2"),
        ("histories = 3", "histories = 2.5", "histories", 2.5, "a whole number >= 2"),
        ("histories = 3\n", "", "histories", None, "beside populations"),
        ("populations = 4\n", "", "populations", None, "beside histories"),
    ],
    ids=["with-replicates", "one", "zero", "text", "fraction", "no-histories", "no-populations"],
)
def test_nested__bad_counts_are_one_line_errors(
    write_experiment: WriteExperiment,
    old: str,
    new: str,
    field: str,
    value: object,
    allowed: str,
) -> None:
    assert old in NESTED
    with pytest.raises(ConfigError) as caught:
        Experiment.from_toml(write_experiment(NESTED.replace(old, new, 1)))
    error = caught.value
    assert (error.field, error.value) == (field, value)
    assert allowed in error.allowed and "\n" not in str(error)
    assert (error.where or "").endswith(".toml" if value is None else f", line {_line(field)}")


def _line(field: str) -> int:
    """The line of ``field`` in NESTED as written (the errors locate it)."""
    lines = NESTED.lstrip().splitlines()
    return next(i for i, line in enumerate(lines, start=1) if line.startswith(field))


def test_nested__a_model_without_populations_refuses_it(write_experiment: WriteExperiment) -> None:
    text = ISHIGAMI.replace("replicates = 2", "populations = 2\nhistories = 2")
    with pytest.raises(ConfigError, match="'ishigami' model has no populations") as caught:
        Experiment.from_toml(write_experiment(text))
    assert caught.value.field == "populations"


def test_nested__cli_error_is_one_line_and_exit_2(
    write_experiment: WriteExperiment, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_experiment(NESTED.replace("populations = 4", "populations = 1"))
    out = tmp_path / "out"
    assert cli.main(["sweep", str(path), "--out", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "populations = 1 is not allowed: a whole number >= 2" in err
    assert not out.exists()


# ---- running -------------------------------------------------------------------------------------
@pytest.fixture
def nested_sweep(write_experiment: WriteExperiment, tmp_path: Path) -> Path:
    out = tmp_path / "nested"
    _sweep(NESTED, out, write_experiment)
    return out


def test_nested_sweep__each_point_equals_nested_run_directly(nested_sweep: Path) -> None:
    results = load(nested_sweep)
    runs = results.runs
    assert list(runs.columns[:5]) == ["point", "replicate", "population", "history", "seed"]
    assert results.manifest["populations"] == 4 and results.manifest["histories"] == 3
    for point, navigator in enumerate((0, 1)):
        direct = nested(_point_scenario(navigator), populations=4, histories=3, seed=11)
        mine = runs[runs["point"] == point].reset_index(drop=True)
        assert mine["replicate"].tolist() == list(range(12))
        for column in ("population", "history", "progress", "final_trust"):
            np.testing.assert_array_equal(mine[column], direct.runs[column], err_msg=column)
        assert (mine["regime"].astype(str) == direct.runs["regime"].astype(str)).all()
        # the same shares, intervals and all
        y = grids(results.design, runs, horizon=36)[point]
        pd.testing.assert_frame_equal(decompose(y), direct.decomposition())


def test_nested_sweep__population_and_history_are_the_same_draws_at_every_point(
    nested_sweep: Path, write_experiment: WriteExperiment, tmp_path: Path
) -> None:
    # the diagonal (population k under its own history k) is plain replicate k of every point
    plain = tmp_path / "plain"
    replicates = NESTED.replace("populations = 4\nhistories = 3", "replicates = 3")
    _sweep(replicates, plain, write_experiment)
    crossed, reps = load(nested_sweep).runs, load(plain).runs
    diagonal = crossed[crossed["population"] == crossed["history"]].reset_index(drop=True)
    assert len(diagonal) == len(reps) == 6
    np.testing.assert_array_equal(diagonal["point"], reps["point"])
    np.testing.assert_array_equal(diagonal["population"], reps["replicate"])
    for column in ("progress", "final_trust", "months_to_entry_point"):
        pd.testing.assert_series_equal(diagonal[column], reps[column], check_names=False)
    # and the other histories of a population change what happens to it
    off = crossed[(crossed["point"] == 0) & (crossed["population"] == 0)]
    assert off["final_trust"].nunique() == 3


def test_nested_sweep__interrupted_then_resumed_equals_uninterrupted(
    nested_sweep: Path, write_experiment: WriteExperiment, tmp_path: Path
) -> None:
    experiment = Experiment.from_toml(write_experiment(NESTED))
    out = tmp_path / "resumed"
    with pytest.raises(KeyboardInterrupt):
        run_sweep(experiment, out, executor=CountingExecutor(stop_at=2), progress=False)
    assert not load(out, allow_incomplete=True).complete
    counter = CountingExecutor()
    summary = run_sweep(experiment, out, executor=counter, progress=False)
    assert (summary.runs_before, summary.runs_now, counter.submitted) == (10, 14, 3)
    assert_same_sweep(out, nested_sweep)


def test_nested_sweep__plain_runs_table_is_unchanged(
    write_experiment: WriteExperiment, tmp_path: Path
) -> None:
    out = tmp_path / "plain"
    _sweep(DESIGNS["factorial"], out, write_experiment)
    runs = load(out).runs
    assert list(runs.columns[:3]) == ["point", "replicate", "seed"]
    assert "population" not in runs.columns and "history" not in runs.columns


# ---- analysis and report -------------------------------------------------------------------------
def test_analyze__nested_sweep_writes_the_decomposition(nested_sweep: Path, tmp_path: Path) -> None:
    sweep = load(nested_sweep)
    out = tmp_path / "analysis"
    summary = analyze(sweep.design, sweep.runs, None, SweepMeta.from_sweep(sweep), out)
    points = pd.read_csv(out / "nested_decomposition.csv")
    sources = ["structure", "history", "interaction"]
    intervals = [f"{s}_{end}" for s in sources for end in ("low", "high")]
    assert {"point", "navigator", "mean", "variance", *sources, *intervals} <= set(points.columns)
    assert points["point"].tolist() == [0, 1]
    np.testing.assert_allclose(points[sources].sum(axis=1), 1.0)
    across = pd.read_csv(out / "nested_conditions.csv")
    assert across["source"].tolist() == ["parameters", *sources]
    assert across["share"].sum() == pytest.approx(1.0)
    assert (across["low"] <= across["high"]).all()
    y = grids(sweep.design, sweep.runs, horizon=36)
    expected = decompose_conditions(list(y.values()))
    np.testing.assert_allclose(across["share"], expected.to_numpy())
    record = json.loads((out / "analysis.json").read_text())
    assert record["nested"]["populations"] == 4 and record["nested"]["histories"] == 3
    assert (summary["populations"], summary["histories"]) == (4, 3)
    assert "nested_decomposition" in summary["figures"]


def test_analyze__plain_sweep_has_no_decomposition(
    write_experiment: WriteExperiment, tmp_path: Path
) -> None:
    out = tmp_path / "plain"
    _sweep(DESIGNS["factorial"], out, write_experiment)
    sweep = load(out)
    summary = analyze(
        sweep.design, sweep.runs, None, SweepMeta.from_sweep(sweep), tmp_path / "analysis"
    )
    assert "nested" not in summary and "nested_decomposition" not in summary["tables"]
    assert "populations" not in summary


def test_cli__analyze_prints_and_report_shows_who_is_at_the_table(
    nested_sweep: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["analyze", str(nested_sweep)]) == 0
    printed = capsys.readouterr().out
    assert "(4 populations x 3 histories)" in printed
    assert "who is at the table: shares of the variance" in printed
    assert "  navigator 0: structure " in printed and "across the 2 points: parameters" in printed
    assert cli.main(["report", str(nested_sweep)]) == 0
    assert "Who is at the table." in capsys.readouterr().out  # the headline
    html = (nested_sweep / "report.html").read_text()
    assert '<section id="nested"><h2>Who is at the table, or what happens to them</h2>' in html
    assert "Across the 2 conditions, on the same populations and histories" in html
    assert "4 populations × 3 histories" in html and "McCullagh" in html


def test_report__plain_sweep_has_no_nested_section(
    write_experiment: WriteExperiment, tmp_path: Path
) -> None:
    out = tmp_path / "plain"
    _sweep(DESIGNS["factorial"], out, write_experiment)
    assert cli.main(["report", str(out)]) == 0
    assert 'id="nested"' not in (out / "report.html").read_text()


# ---- the decompositions themselves ---------------------------------------------------------------
def _crossed(
    rng: np.random.Generator, rows: float, cols: float, noise: float, shape: tuple[int, int]
) -> np.ndarray:
    p, h = shape
    return (
        rows * rng.standard_normal((p, 1))
        + cols * rng.standard_normal((1, h))
        + noise * rng.standard_normal((p, h))
    )


def test_conditions_decomposition__finds_the_source_that_was_put_in() -> None:
    rng = np.random.default_rng(3)
    shape = (20, 20)
    # the same populations at every condition (common random numbers), shifted means
    base = _crossed(rng, 1.0, 0.0, 0.3, shape)
    by_parameters = [base + shift for shift in (0.0, 4.0, 8.0)]
    table = conditions_decomposition(by_parameters, seed=1, bootstrap=100).set_index("source")
    assert table.loc["parameters", "share"] > 0.8
    assert (table["low"] <= table["share"] + 1e-12).all()
    assert (table["share"] <= table["high"] + 1e-12).all()
    same = [base, base + rng.normal(0, 0.01, shape)]
    table = conditions_decomposition(same, seed=1, bootstrap=100).set_index("source")
    assert table.loc["parameters", "share"] < 0.05 and table.loc["structure", "share"] > 0.7


def test_regime_decomposition__two_regimes_split_as_the_indicator() -> None:
    # with two regimes only, each indicator is one minus the other: the same shares as one
    rng = np.random.default_rng(5)
    p, h = 12, 10
    lj = rng.random((p, h)) < rng.random((p, 1))
    runs = pd.DataFrame(
        {
            "population": np.repeat(np.arange(p), h),
            "history": np.tile(np.arange(h), p),
            "regime": np.where(lj.ravel(), "learning_journey", "blame_game"),
        }
    )
    table = regime_decomposition(runs, bootstrap=50)
    np.testing.assert_allclose(table["share"], decompose(lj.astype(float))["share"])
    np.testing.assert_allclose(table["variance"], 2 * decompose(lj.astype(float))["variance"])
    # a third regime in some runs changes it
    runs.loc[runs.index[:15], "regime"] = "stalled"
    assert not np.allclose(regime_decomposition(runs, bootstrap=50)["share"], table["share"])


def test_point_decompositions__a_constant_point_has_nothing_to_split() -> None:
    runs = pd.DataFrame(
        {
            "point": 0,
            "replicate": np.arange(6),
            "population": np.repeat(np.arange(3), 2),
            "history": np.tile(np.arange(2), 3),
            "regime": "learning_journey",
        }
    )
    table = point_decompositions(pd.DataFrame({"point": [0]}), runs, horizon=12, bootstrap=20)
    row = table.iloc[0]
    assert (row["mean"], row["variance"]) == (1.0, 0.0)
    assert (row["structure"], row["history"], row["interaction"]) == (0.0, 0.0, 0.0)


# ---- cisim study ---------------------------------------------------------------------------------
def test_study__who_is_at_the_table_per_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = []
    for name, changes in (("plain", {}), ("navigated", {"navigator": 1})):
        path = tmp_path / f"{name}.toml"
        Scenario.preset("baseline").replace(name=name, horizon_months=36, **changes).to_toml(path)
        paths.append(str(path))
    out = tmp_path / "study"
    argv = ["study", "-n", "4", "--seed", "11", "--nested", "4", "--out", str(out)]
    assert cli.main([*argv, "--scenarios", *paths]) == 0
    table = pd.read_csv(out / "who_is_at_the_table.csv", index_col="scenario")
    assert list(table.index) == ["plain", "navigated"]
    direct = nested(_point_scenario(1).replace(name="navigated"), 4, 4, 11)
    assert table.loc["navigated", "structure"] == pytest.approx(
        direct.decomposition()["share"]["structure"]
    )
    assert table.loc["navigated", "learning_journey"] == pytest.approx(
        (direct.runs["regime"].astype(str) == "learning_journey").mean()
    )
    report = (out / "report.md").read_text()
    assert "## Who is at the table" in report and "| **navigated** |" in report
    assert "4 populations" in report and "root seed 11" in report
    progress = capsys.readouterr().err
    assert "who is at the table: 2 scenarios x 4 populations x 4 histories" in progress


def test_study__nested_zero_leaves_it_out_and_one_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tiny.toml"
    Scenario.preset("baseline").replace(name="tiny", horizon_months=12).to_toml(path)
    out = tmp_path / "study"
    argv = ["study", "-n", "2", "--out", str(out), "--scenarios", str(path)]
    assert cli.main([*argv, "--nested", "0"]) == 0
    assert not (out / "who_is_at_the_table.csv").exists()
    assert "Who is at the table" not in (out / "report.md").read_text()
    capsys.readouterr()
    assert cli.main([*argv, "--nested", "1"]) == 2
    assert "0 (none) or a whole number >= 2" in capsys.readouterr().err

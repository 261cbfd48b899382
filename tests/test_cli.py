"""The ``cisim`` command line: outputs, error handling and atomic output directories."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from cisim import cli, io
from cisim.model.metrics import REGISTRY
from cisim.model.regimes import REGIMES
from cisim.model.scenario import PRESET_DIR, PRESET_NAMES, Scenario

REPLICATES = "12"


# ---- fixtures and helpers ----------------------------------------------------------------------
@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A short-horizon baseline scenario as a TOML file."""
    path = tmp_path / "tiny.toml"
    Scenario.preset("baseline").replace(horizon_months=24, name="tiny").to_toml(path)
    return path


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One small ``cisim run`` shared by the tests that only read its outputs."""
    root = tmp_path_factory.mktemp("run")
    config = root / "tiny.toml"
    Scenario.preset("baseline").replace(horizon_months=24, name="tiny").to_toml(config)
    out = root / "out"
    stdout, _ = _call_ok(["run", str(config), "-n", REPLICATES, "--seed", "3", "--out", str(out)])
    return out, stdout


def _call_ok(argv: list[str]) -> tuple[str, str]:
    """Run ``cisim`` in-process, capturing its output by redirecting the standard streams."""
    import contextlib
    import io as stdio

    out, err = stdio.StringIO(), stdio.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    assert code == 0, err.getvalue()
    return out.getvalue(), err.getvalue()


def _assert_one_line_error(capsys: pytest.CaptureFixture[str], code: int, *needles: str) -> str:
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert code == 2
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("cisim: error: ")
    assert "Traceback" not in captured.err + captured.out
    for needle in needles:
        assert needle in lines[0]
    return lines[0]


def _presets_available() -> bool:
    return all((PRESET_DIR / f"{name}.toml").exists() for name in PRESET_NAMES)


# ---- cisim run ---------------------------------------------------------------------------------
def test_run__writes_tables_scenario_figures_and_manifest(tiny_run: tuple[Path, str]) -> None:
    out, _ = tiny_run
    expected = {
        "summary.parquet",
        "summary.csv",
        "trajectories.parquet",
        "trajectories.csv",
        "scenario.toml",
        "manifest.json",
        "figures",
    }
    assert expected <= {p.name for p in out.iterdir()}
    figures = {p.name for p in (out / "figures").glob("*.png")}
    assert figures == {"trust.png", "shared_understanding.png", "progress.png", "responses.png"}
    assert all((out / "figures" / f).stat().st_size > 10_000 for f in figures)


def test_run__tables_reload_with_expected_columns(tiny_run: tuple[Path, str]) -> None:
    out, _ = tiny_run
    summary = pd.read_parquet(out / "summary.parquet")
    trajectories = pd.read_parquet(out / "trajectories.parquet")
    assert len(summary) == int(REPLICATES)
    assert {"replicate", "seed", "regime", "progress", "final_trust"} <= set(summary.columns)
    assert set(summary["regime"].astype(str)) <= set(REGIMES)
    assert (summary["seed"] == 3).all()
    assert list(trajectories.columns) == ["replicate", "month", *REGISTRY]
    assert len(trajectories) == int(REPLICATES) * 25
    csv = pd.read_csv(out / "summary.csv")
    assert list(csv.columns) == list(summary.columns)


def test_run__scenario_toml_reloads_to_the_same_scenario(tiny_run: tuple[Path, str]) -> None:
    out, _ = tiny_run
    reloaded = Scenario.from_toml(out / "scenario.toml")
    assert reloaded.name == "tiny"
    assert reloaded.horizon_months == 24
    assert reloaded.digest == json.loads((out / "manifest.json").read_text())["scenario"]["digest"]


def test_run__manifest_records_what_was_run(tiny_run: tuple[Path, str]) -> None:
    out, _ = tiny_run
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["cisim_version"] == cli.__version__
    assert manifest["seed"] == 3
    assert manifest["replicates"] == int(REPLICATES)
    assert manifest["command"].startswith("cisim run ")
    assert manifest["started_utc"] <= manifest["finished_utc"]
    assert manifest["wall_time_seconds"] > 0
    commit = manifest["git_commit"]
    assert commit is None or (len(commit) == 40 and int(commit, 16) >= 0)


def test_run__prints_regime_shares_with_intervals(tiny_run: tuple[Path, str]) -> None:
    _, stdout = tiny_run
    for regime in REGIMES:
        assert regime.replace("_", " ") in stdout
    assert "95% interval" in stdout
    assert "wrote " in stdout and " s" in stdout


def test_run__default_out_is_results_slash_scenario_name(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _call_ok(["run", str(tiny), "-n", "3"])
    assert (tmp_path / "results" / "tiny" / "manifest.json").is_file()


def test_run__same_seed_gives_identical_summaries(tiny: Path, tmp_path: Path) -> None:
    for out in ("a", "b"):
        _call_ok(["run", str(tiny), "-n", "5", "--seed", "9", "--out", str(tmp_path / out)])
    first = pd.read_parquet(tmp_path / "a" / "summary.parquet")
    second = pd.read_parquet(tmp_path / "b" / "summary.parquet")
    pd.testing.assert_frame_equal(first, second)


# ---- atomic output ---------------------------------------------------------------------------
def test_run__replaces_an_existing_output_directory(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _call_ok(["run", str(tiny), "-n", "3", "--seed", "1", "--out", str(out)])
    _call_ok(["run", str(tiny), "-n", "4", "--seed", "2", "--out", str(out)])
    assert json.loads((out / "manifest.json").read_text())["seed"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "tiny.toml"]
    # a file someone added to the output is not cisim's: the run is refused, the file kept
    (out / "notes.txt").write_text("mine")
    assert cli.main(["run", str(tiny), "-n", "3", "--out", str(out)]) == 2
    assert (out / "notes.txt").read_text() == "mine"


def test_run__failed_run_leaves_existing_output_intact(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    _call_ok(["run", str(tiny), "-n", "3", "--seed", "1", "--out", str(out)])
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(cli, "write_table", broken)
    code = cli.main(["run", str(tiny), "-n", "3", "--seed", "2", "--out", str(out)])
    assert code == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "disk full" in err and "Traceback" not in err
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "tiny.toml"]


def test_run__failed_run_leaves_no_output_directory(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "write_json", broken)
    code = cli.main(["run", str(tiny), "-n", "3", "--out", str(tmp_path / "new" / "out")])
    assert code == 130
    assert len(capsys.readouterr().err.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.toml"]


def test_run__refuses_to_replace_a_directory_cisim_did_not_write(
    tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    precious = tmp_path / "thesis"
    precious.mkdir()
    (precious / "chapter1.tex").write_text("years of work")
    code = cli.main(["run", str(tiny), "-n", "3", "--out", str(precious)])
    _assert_one_line_error(capsys, code, "thesis", "not written by cisim")
    assert (precious / "chapter1.tex").read_text() == "years of work"


@pytest.mark.parametrize("out", [".", "..", "tiny.toml", "tiny.toml/sub"])
def test_run__refuses_unsafe_or_impossible_output_paths(
    out: str,
    tiny: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    (work / "tiny.toml").write_text(tiny.read_text())
    before = sorted(p.name for p in tmp_path.rglob("*"))
    code = cli.main(["run", "tiny.toml", "-n", "2", "--out", out])
    _assert_one_line_error(capsys, code)
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_atomic_directory__carry_over_keeps_foreign_entries(tmp_path: Path) -> None:
    target = tmp_path / "results"
    target.mkdir()
    (target / "README.md").write_text("keep me")
    with io.atomic_directory(target, kind="study", carry_over=True) as temp:
        (temp / "report.md").write_text("new")
        (temp / "manifest.json").write_text("{}")
    assert (target / "README.md").read_text() == "keep me"
    assert (target / "report.md").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["results"]


def test_atomic_directory__carry_over_refuses_to_overwrite_foreign_files(tmp_path: Path) -> None:
    target = tmp_path / "results"
    target.mkdir()
    (target / "report.md").write_text("someone else's")
    with (
        pytest.raises(io.OutputError, match="not written by cisim"),
        io.atomic_directory(target, kind="study", carry_over=True) as temp,
    ):
        (temp / "report.md").write_text("new")
        (temp / "manifest.json").write_text("{}")
    assert (target / "report.md").read_text() == "someone else's"
    assert [p.name for p in tmp_path.iterdir()] == ["results"]


def test_atomic_directory__refuses_a_file_target(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with (
        pytest.raises(io.OutputError, match="not a directory"),
        io.atomic_directory(target, kind="run"),
    ):
        pass


# ---- bad input ---------------------------------------------------------------------------------
def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("argv", "needles"),
    [
        (["run", "no_such_preset"], ["no_such_preset", "baseline"]),
        (["run", "{dir}/missing.toml"], ["missing.toml", "no such file"]),
        (["run", "{typo}"], ["line 2", "turnovr", "did you mean 'turnover'"]),
        (["run", "{range}"], ["line 2", "turnover", "1.5", "from 0 to 1"]),
        (["run", "{malformed}"], ["malformed TOML"]),
        (["run", "baseline", "--replicates", "0"], ["--replicates", "'0'", "from 1 to 1,000,000"]),
        (["run", "baseline", "--replicates", "-5"], ["--replicates", "'-5'"]),
        (["run", "baseline", "--replicates", "abc"], ["--replicates", "'abc'"]),
        (["run", "baseline", "--seed", "-1"], ["--seed", "from 0 to"]),
        (["run", "baseline", "--frobnicate"], ["unrecognized arguments", "--frobnicate"]),
        (["study", "--scenarios", "{typo}"], ["turnovr"]),
        (["study", "--replicates", "0"], ["--replicates"]),
        (["validate", "{range}"], ["turnover", "1.5"]),
        ([], ["required"]),
        (["frobnicate"], ["invalid choice"]),
    ],
    ids=[
        "unknown-preset",
        "missing-file",
        "typo-key",
        "out-of-range",
        "malformed-toml",
        "replicates-0",
        "replicates-negative",
        "replicates-not-a-number",
        "seed-negative",
        "unknown-option",
        "study-typo-key",
        "study-replicates-0",
        "validate-out-of-range",
        "no-command",
        "unknown-command",
    ],
)
def test_main__bad_input_is_one_line_exit_2_and_no_output(
    argv: list[str], needles: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {
        "dir": str(tmp_path),
        "typo": str(_write(tmp_path, 'name = "t"\nturnovr = 0.1\n')),
        "range": str(tmp_path / "range.toml"),
        "malformed": str(tmp_path / "malformed.toml"),
    }
    Path(files["range"]).write_text('name = "r"\nturnover = 1.5\n')
    Path(files["malformed"]).write_text('name = "m\nturnover = \n')
    out = tmp_path / "out"
    full = [arg.format(**files) for arg in argv]
    if full and full[0] in ("run", "study"):
        full += ["--out", str(out)]
    code = cli.main(full)
    _assert_one_line_error(capsys, code, *needles)
    assert not out.exists()


def test_main__unexpected_error_is_one_line_exit_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(args: object) -> int:
        raise RuntimeError("something broke")

    monkeypatch.setattr(cli, "validate_command", boom)
    code = cli.main(["validate", "baseline"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.splitlines() == [
        "cisim: internal error: RuntimeError: something broke "
        "(please report this; set CISIM_DEBUG=1 for the traceback)"
    ]


def test_main__version_and_help_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"cisim {cli.__version__}"
    assert cli.main(["run", "--help"]) == 0
    assert "--replicates" in capsys.readouterr().out


# ---- cisim presets / validate ------------------------------------------------------------------
@pytest.mark.skipif(not _presets_available(), reason="not every preset file is written yet")
def test_presets__one_line_per_preset(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["presets"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == list(PRESET_NAMES)
    assert all(len(line.split()) > 2 for line in lines)


def test_validate__prints_one_line_summary(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate", str(tiny)]) == 0
    assert capsys.readouterr().out == (
        f"{tiny}: valid (20 organisations, 24 months, entry point: search)\n"
    )


def test_validate__counts_the_timeline_and_names_a_misspelt_lever(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "nav.toml"
    good.write_text(
        "horizon_months = 60\n\n[[timeline]]\nmonth = 24\nnavigator = 1\n\n"
        '[[timeline]]\nmonth = 40\nshock = "public_failure"\nsize = 0.4\n'
    )
    assert cli.main(["validate", str(good)]) == 0
    assert "2 events on its timeline" in capsys.readouterr().out
    bad = tmp_path / "bad.toml"
    bad.write_text("[[timeline]]\nmonth = 24\nnavigatr = 1\n")
    assert cli.main(["validate", str(bad)]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert f"{bad}, line 3: timeline.1.navigatr = 1 is not allowed" in line
    assert "did you mean 'navigator'?" in line


# ---- cisim study -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A small study of three short scenarios, written into a directory with a README."""
    root = tmp_path_factory.mktemp("study")
    base = Scenario.preset("baseline").replace(horizon_months=36)
    configs = []
    variants: list[tuple[str, dict[str, float]]] = [
        ("plain", {}),
        ("navigated", {"navigator": 2}),
        ("wary", {"initial_trust": 0.3}),
    ]
    for name, changes in variants:
        path = root / f"{name}.toml"
        base.replace(name=name, description=f"The {name} one.", **changes).to_toml(path)
        configs.append(str(path))
    out = root / "results"
    out.mkdir()
    (out / "README.md").write_text("keep me")
    argv = ["study", "-n", "10", "--seed", "5", "--out", str(out), "--scenarios", *configs]
    stdout, stderr = _call_ok(argv)
    return out, stdout, stderr


def test_study__writes_comparison_figures_report_and_per_scenario_tables(
    study: tuple[Path, str, str],
) -> None:
    out, _, _ = study
    for name in ("plain", "navigated", "wary"):
        assert len(pd.read_parquet(out / "presets" / name / "summary.parquet")) == 10
        assert (out / "presets" / name / "trajectories.parquet").is_file()
        assert (out / "presets" / name / "figures" / "responses.png").is_file()
    for name in ("comparison.csv", "comparison.md", "report.md", "manifest.json"):
        assert (out / name).is_file()
    assert {p.name for p in (out / "figures").iterdir()} == {
        "regime_shares.png",
        "trajectories.png",
    }
    assert (out / "README.md").read_text() == "keep me"


def test_study__comparison_table_has_shares_intervals_and_outcomes(
    study: tuple[Path, str, str],
) -> None:
    out, _, _ = study
    table = pd.read_csv(out / "comparison.csv", index_col="scenario")
    assert list(table.index) == ["plain", "navigated", "wary"]
    shares = table[[f"{r}_share" for r in REGIMES]].sum(axis=1)
    assert shares.round(9).eq(1).all()
    for regime in REGIMES:
        assert (table[f"{regime}_lo"] <= table[f"{regime}_share"]).all()
        assert (table[f"{regime}_share"] <= table[f"{regime}_hi"]).all()
    for column in (
        "mean_progress",
        "mean_final_trust",
        "median_months_to_entry_point",
        "median_months_to_first_win",
        "mean_learning_responses",
        "mean_blame_responses",
    ):
        assert column in table.columns


def test_study__report_names_the_leader_from_the_numbers(study: tuple[Path, str, str]) -> None:
    out, stdout, _ = study
    table = pd.read_csv(out / "comparison.csv", index_col="scenario")
    leader = table["learning_journey_share"].idxmax()
    report = (out / "report.md").read_text()
    assert f"{leader} has the most learning journeys" in report
    assert "figures/regime_shares.png" in report and "| **wary** |" in report
    assert f"{leader} has the most learning journeys" in stdout


def test_study__progress_line_per_scenario_and_same_seed_for_all(
    study: tuple[Path, str, str],
) -> None:
    out, _, stderr = study
    assert [line for line in stderr.splitlines() if "] " in line] == [
        line for line in stderr.splitlines() if line.startswith("cisim study: [")
    ]
    assert len([line for line in stderr.splitlines() if line.startswith("cisim study: [")]) == 3
    seeds = {pd.read_parquet(p)["seed"].unique()[0] for p in out.glob("presets/*/summary.parquet")}
    manifest = json.loads((out / "manifest.json").read_text())
    assert seeds == {5} and manifest["seed"] == 5
    assert [s["name"] for s in manifest["scenarios"]] == ["plain", "navigated", "wary"]


def test_study__rejects_duplicate_scenario_names(
    tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = cli.main(["study", "-n", "2", "--out", str(out), "--scenarios", str(tiny), str(tiny)])
    _assert_one_line_error(capsys, code, "tiny")
    assert not out.exists()


# ---- the real entry point ----------------------------------------------------------------------
def test_python_m_cisim__lists_presets(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cisim", "presets"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    if not _presets_available():
        pytest.skip("not every preset file is written yet")
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == len(PRESET_NAMES)


def test_python_m_cisim__bad_input_is_one_line_exit_2(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cisim", "run", "nowhere", "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "cisim: error: config = 'nowhere' is not allowed: a preset "
        f"({', '.join(PRESET_NAMES)}) or a .toml file"
    ]
    assert done.stdout == "" and not (tmp_path / "out").exists()


def test_atomic_directory__result_follows_the_umask_not_private(tmp_path: Path) -> None:
    import os
    import stat

    from cisim.io import atomic_directory

    old = os.umask(0o022)
    try:
        with atomic_directory(tmp_path / "out", kind="run") as temp:
            (temp / "manifest.json").write_text("{}", encoding="utf-8")
    finally:
        os.umask(old)
    mode = stat.S_IMODE((tmp_path / "out").stat().st_mode)
    assert mode == 0o755


def test_validate__an_empty_file_says_every_parameter_is_the_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.toml"
    empty.write_text("# nothing set yet\n", encoding="utf-8")
    assert cli.main(["validate", str(empty)]) == 0
    line = capsys.readouterr().out
    assert line.count("\n") == 1 and f"{empty}: valid (" in line
    assert "note: the file sets nothing, so every parameter takes its default" in line
    named = tmp_path / "named.toml"
    named.write_text('name = "mine"\n', encoding="utf-8")
    assert cli.main(["validate", str(named)]) == 0
    assert "note" not in capsys.readouterr().out

"""``cisim analyze DIR`` on a field's results: the field's tables and figures in ``DIR/analysis``
(or ``--out``), the report's answer in brief printed, and no report written."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cisim.cli import main

FIELD = """\
name = "small_analyze"

[field]
scenario = "small.toml"
cities = 30
seed = 7

[platforms.replicate]
strategy = "replicate"
budget = 2.0

[platforms.platform]
strategy = "platform"
budget = 2.0
"""


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    here = tmp_path_factory.mktemp("analyze")
    (here / "small.toml").write_text('name = "small"\nn_organisations = 10\nhorizon_months = 36\n')
    (here / "field.toml").write_text(FIELD)
    out = here / "out"
    assert main(["field", str(here / "field.toml"), "--out", str(out), "--workers", "2"]) == 0
    return out


def _headline(printed: str) -> list[str]:
    """The printed lines before the closing 'wrote ...' line."""
    lines = printed.strip().splitlines()
    assert lines[-1].startswith("wrote "), lines[-1]
    return lines[:-1]


def test_analyze__writes_the_fields_analysis_and_prints_the_reports_headline(
    results: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["analyze", str(results)]) == 0
    printed = capsys.readouterr().out
    analysis = results / "analysis"
    summary = json.loads((analysis / "analysis.json").read_text())
    assert summary["cities"] == 30 and summary["platforms"] == ["replicate", "platform"]
    for file in [*summary["tables"].values(), *summary["figures"].values()]:
        assert (analysis / file).is_file(), file
    assert {"effects", "by_strength", "equity", "speed"} <= set(summary["figures"])
    manifest = json.loads((analysis / "manifest.json").read_text())
    assert manifest["output"] == "analysis"
    assert not list(results.rglob("report.*")), "analyze wrote a report"
    # the key numbers: the answer in brief, from the analysis it wrote
    effects = pd.read_csv(analysis / "effects.csv").set_index("platform")
    best = str(effects.loc[["replicate", "platform"], "difference"].idxmax())
    answer = _headline(printed)
    assert answer[0].startswith(best) and "of 30 cities" in answer[0], answer[0]
    assert "**" not in printed
    assert f"wrote {analysis}/ ({len(summary['tables'])} tables, " in printed
    # ... the same headline the report prints (the report writes elsewhere)
    report = tmp_path / "report.html"
    assert main(["report", str(results), "--out", str(report)]) == 0
    assert _headline(capsys.readouterr().out) == answer


def test_analyze__out_elsewhere_and_refuses_a_foreign_directory(
    results: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sorted(p.name for p in results.iterdir())
    out = tmp_path / "mine"
    assert main(["analyze", str(results), "--out", str(out)]) == 0
    assert (out / "effects.csv").is_file() and (out / "analysis.json").is_file()
    assert sorted(p.name for p in results.iterdir()) == before  # the results only read
    foreign = tmp_path / "notes"
    foreign.mkdir()
    (foreign / "todo.txt").write_text("mine")
    capsys.readouterr()
    assert main(["analyze", str(results), "--out", str(foreign)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert str(foreign) in captured.err and "Traceback" not in captured.err
    assert [p.name for p in foreign.iterdir()] == ["todo.txt"]
    assert (foreign / "todo.txt").read_text() == "mine"


def test_analyze__an_unfinished_field_is_one_line(
    results: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(results, copy, ignore=shutil.ignore_patterns("analysis"))
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["status"] = "running"
    (copy / "manifest.json").write_text(json.dumps(manifest))
    capsys.readouterr()
    assert main(["analyze", str(copy)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert not (copy / "analysis").exists()

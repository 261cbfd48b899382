"""``cisim sweep``, ``analyze`` and ``report`` end to end through :func:`cisim.cli.main`.

A tiny factorial (navigator x turnover, 30 replicates of 24 months) is swept serially once per
module; the tests read its analysis and report. The report must be one self-contained HTML file:
figures embedded as PNG data URIs, no script, no external address, every text escaped.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from cisim import cli
from cisim.analysis.key_numbers import READING
from cisim.present.report import ReportSource, headline, plain, warning_phrase

QUESTION = "Does a navigator <b>help</b> & how much does turnover hurt?"
TINY = f"""
name = "tiny"
question = "{QUESTION}"
description = "A tiny factorial for the tests"
base = "baseline"
design = "factorial"
replicates = 30
seed = 1

[constants]
horizon_months = 24

[levers]
navigator = [0, 1]

[uncertainties]
turnover = [0.01, 0.05]
"""
ISHIGAMI = """
name = "ishigami"
question = "Which input of the Ishigami function matters most?"
model = "ishigami"
design = "sobol"
samples = 16
replicates = 2
seed = 3

[constants]
noise = 0.5

[uncertainties]
x1 = { low = -3.141592653589793, high = 3.141592653589793 }
x2 = { low = -3.141592653589793, high = 3.141592653589793 }
x3 = { low = -3.141592653589793, high = 3.141592653589793 }
"""
TINY_SOBOL = """
name = "tiny_sobol"
question = "Which of three parameters matters, and by how much?"
base = "baseline"
design = "sobol"
samples = 16
replicates = 6
seed = 5
trajectories = "none"

[constants]
horizon_months = 36

[levers.data_use]
low = 0.1
high = 0.6
why = "Low: Hartford's weak data. High: strong_start's <level> & more."

[levers.navigator]
low = 0
high = 1
why = "Low: none. High: one navigator."

[uncertainties]
turnover = { low = 0.01, high = 0.06, why = "Low: eight years. High: Louisville." }
"""
#: Figure of the analysis -> the report section that shows it.
SECTION_OF = {
    "regime_shares": "shares",
    "paired_effects": "effects",
    "condition_effects": "conditions",
    "phase": "phase",
    "regime_trajectories": "trajectories",
    "event_timing": "timing",
    "survival": "survival",
    "early_signs": "early",
    "prim": "discovery",
    "sobol_learning_journey": "sobol",
    "sobol_convergence_learning_journey": "sobol",
    "sobol_progress": "sobol",
    "sobol_convergence_progress": "sobol",
    "regional_learning_journey": "regional",
}


@dataclass(frozen=True)
class Call:
    """What one ``cisim`` call returned and printed."""

    code: int
    out: str
    err: str


def cisim(*argv: str | Path) -> Call:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main([str(a) for a in argv])
    return Call(code, out.getvalue(), err.getvalue())


def sweep(text: str, root: Path, name: str) -> Path:
    experiment = root / f"{name}.toml"
    experiment.write_text(text, encoding="utf-8")
    out = root / name
    done = cisim("sweep", experiment, "--out", out, "--workers", "1", "--no-progress")
    assert done.code == 0, done.err
    return out


def assert_one_line_error(call: Call, *needles: str) -> str:
    lines = call.err.splitlines()
    assert call.code == 2, call.err
    assert len(lines) == 1, call.err
    assert lines[0].startswith("cisim: error: ")
    assert "Traceback" not in call.err + call.out
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def assert_self_contained(text: str) -> None:
    assert text.startswith("<!DOCTYPE html>")
    assert 'src="http' not in text and "src='http" not in text
    assert "<script" not in text.lower() and "<link" not in text.lower()
    assert "url(" not in text  # no fonts or images fetched from the style sheet
    images = re.findall(r"<img [^>]*>", text)
    assert images
    assert all('src="data:image/png;base64,' in img for img in images)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Call, Call]:
    """The tiny sweep, then ``cisim analyze`` and ``cisim report`` on it."""
    directory = sweep(TINY, tmp_path_factory.mktemp("tiny"), "sweep")
    analyzed = cisim("analyze", directory)
    reported = cisim("report", directory)
    return directory, analyzed, reported


# ---- cisim analyze -----------------------------------------------------------------------------
def test_analyze__prints_the_key_numbers_and_writes_the_analysis(
    tiny: tuple[Path, Call, Call],
) -> None:
    directory, analyzed, _ = tiny
    assert analyzed.code == 0, analyzed.err
    assert analyzed.out.startswith("factorial design: 4 points, 120 runs (30 replicates)")
    assert "paired effects" in analyzed.out and f"wrote {directory / 'analysis'}/" in analyzed.out
    summary = json.loads((directory / "analysis" / "analysis.json").read_text())
    assert summary["runs"] == 120 and summary["kind"] == "factorial"
    for name in summary["figures"].values():
        assert (directory / "analysis" / name).read_bytes()[:4] == b"\x89PNG"
    for name in summary["tables"].values():
        assert (directory / "analysis" / name).stat().st_size > 0
    record = json.loads((directory / "analysis" / "manifest.json").read_text())
    assert record["sweep"]["runs"] == 120 and record["command"].startswith("cisim analyze ")


def test_analyze__out_elsewhere_and_again_replaces_it(
    tiny: tuple[Path, Call, Call], tmp_path: Path
) -> None:
    directory, _, _ = tiny
    out = tmp_path / "elsewhere"
    for _ in range(2):
        done = cisim("analyze", directory, "--out", out)
        assert done.code == 0, done.err
    assert json.loads((out / "analysis.json").read_text())["runs"] == 120
    assert [p.name for p in tmp_path.iterdir()] == ["elsewhere"]  # no temporary left behind


def test_analyze__a_directory_without_a_sweep_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a sweep")
    line = assert_one_line_error(cisim("analyze", tmp_path), "holds no sweep", "cisim sweep")
    assert str(tmp_path) in line
    assert_one_line_error(cisim("analyze", tmp_path / "missing"), "not a directory")
    assert_one_line_error(cisim("report", tmp_path), "holds no sweep")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_analyze__an_incomplete_sweep_says_how_to_finish_it(
    tiny: tuple[Path, Call, Call], tmp_path: Path
) -> None:
    directory, _, _ = tiny
    copy = tmp_path / "partial"
    shutil.copytree(directory, copy, ignore=shutil.ignore_patterns("analysis", "report.html"))
    shard = sorted((copy / "runs").glob("task-*.parquet"))[-1]
    shard.unlink()  # the last task never finished: no shard, no checksum (its commit mark)
    (copy / "checksums" / shard.name.replace(".parquet", ".sha256")).unlink()
    line = assert_one_line_error(cisim("analyze", copy), "incomplete", "of 120 runs")
    assert f"finish it with: cisim sweep {tiny[0].parent / 'sweep.toml'} --out {copy}" in line
    assert_one_line_error(cisim("report", copy), "incomplete")
    assert not (copy / "analysis").exists() and not (copy / "report.html").exists()


# ---- cisim report ------------------------------------------------------------------------------
def test_report__is_one_self_contained_html_file(tiny: tuple[Path, Call, Call]) -> None:
    directory, _, reported = tiny
    assert reported.code == 0, reported.err
    text = (directory / "report.html").read_text(encoding="utf-8")
    assert_self_contained(text)
    summary = json.loads((directory / "analysis" / "analysis.json").read_text())
    assert len(re.findall(r"<img ", text)) == len(summary["figures"])
    assert f"wrote {directory / 'report.html'} ({len(summary['figures'])} figures" in reported.out


def test_report__opens_with_the_escaped_question_and_the_headline(
    tiny: tuple[Path, Call, Call],
) -> None:
    directory, _, reported = tiny
    text = (directory / "report.html").read_text(encoding="utf-8")
    escaped = "Does a navigator &lt;b&gt;help&lt;/b&gt; &amp; how much does turnover hurt?"
    assert f"<title>{escaped}</title>" in text and f"<h1>{escaped}</h1>" in text
    assert "<b>help</b>" not in text
    assert text.index('id="headline"') < text.index('id="shares"') < text.index('id="methods"')
    assert "Overall." in reported.out and "What moves the odds most." in reported.out


def test_report__has_a_section_for_every_figure_then_methods_and_the_file(
    tiny: tuple[Path, Call, Call],
) -> None:
    directory, _, _ = tiny
    text = (directory / "report.html").read_text(encoding="utf-8")
    summary = json.loads((directory / "analysis" / "analysis.json").read_text())
    assert {"regime_shares", "paired_effects", "early_signs"} <= set(summary["figures"])
    for figure in summary["figures"]:
        assert f'<section id="{SECTION_OF[figure]}">' in text, figure
    for anchor in ("methods", "experiment"):
        assert f'<section id="{anchor}">' in text
    figures = re.findall(r'<figure id="figure-(\d+)"', text)
    assert figures == [str(i) for i in range(1, len(figures) + 1)]  # numbered in order
    assert "turnover = [0.01, 0.05]" in text  # the experiment file, verbatim
    assert "common random numbers" in text and "Wilson" in text
    assert 'class="num"' in text or "class=num" in text


def test_report__headline_names_the_factor_with_the_largest_effect(
    tiny: tuple[Path, Call, Call],
) -> None:
    directory, _, reported = tiny
    effects = pd.read_csv(directory / "analysis" / "paired_effects.csv")
    lj = effects[effects["outcome"] == "learning_journey"]
    top = lj.loc[lj["effect"].abs().idxmax()]
    line = next(s for s in reported.out.splitlines() if s.startswith("What moves the odds"))
    low, high = (f"{float(top[k]):g}" for k in ("low_level", "high_level"))
    first = line.split(";")[0].lower()
    assert f"moving {top['parameter']} from {low} to {high}" in first
    assert f"{abs(100 * top['effect']):.1f} points" in first


def test_report__reuses_a_current_analysis_and_redoes_a_stale_one(
    tiny: tuple[Path, Call, Call], tmp_path: Path
) -> None:
    directory, _, _ = tiny
    again = cisim("report", directory, "--out", tmp_path / "again.html")
    assert again.code == 0 and "analysing" not in again.err
    assert (tmp_path / "again.html").is_file()
    copy = tmp_path / "copy"
    shutil.copytree(directory, copy)
    future = (copy / "analysis" / "analysis.json").stat().st_mtime + 60
    shard = sorted((copy / "runs").glob("task-*.parquet"))[0]
    os.utime(shard, (future, future))  # results newer than their analysis
    stale = cisim("report", copy)
    assert stale.code == 0, stale.err
    assert "analysing 120 runs first" in stale.err


def test_report__again_with_nothing_new_says_so_and_writes_nothing(
    tiny: tuple[Path, Call, Call], tmp_path: Path
) -> None:
    """A re-run (``./dev main``'s second time) prints the same headline and leaves the report
    as it is; a changed report file, results newer than the analysis, or another output path
    write it again."""
    directory, _, _ = tiny
    copy = tmp_path / "copy"
    shutil.copytree(directory, copy)
    report = copy / "report.html"
    written = cisim("report", copy)  # in the copy, so that its record names the copy's report
    assert written.code == 0 and "wrote" in written.out, written.err
    before = report.stat().st_mtime_ns
    same = cisim("report", copy)
    assert same.code == 0, same.err
    assert "is up to date" in same.out and "wrote" not in same.out
    assert same.out.splitlines()[:-1] == written.out.splitlines()[:-1]  # the same headline
    assert report.stat().st_mtime_ns == before
    report.write_text(report.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # edited
    assert "wrote" in cisim("report", copy).out
    assert "is up to date" in cisim("report", copy).out
    elsewhere = cisim("report", copy, "--out", tmp_path / "other.html")
    assert "wrote" in elsewhere.out
    future = (copy / "analysis" / "analysis.json").stat().st_mtime + 60
    shard = sorted((copy / "runs").glob("task-*.parquet"))[0]
    os.utime(shard, (future, future))  # results newer than their analysis
    redone = cisim("report", copy)
    assert "analysing 120 runs first" in redone.err and "wrote" in redone.out


def test_report__refuses_a_directory_as_its_output(tiny: tuple[Path, Call, Call]) -> None:
    directory, _, _ = tiny
    assert_one_line_error(cisim("report", directory, "--out", directory), "is a directory")


def test_report__warning_phrase_names_the_side_that_warns() -> None:
    row = {"sign": "blame share", "feature": "blame_share_so_far", "threshold": 0.5}
    falls = warning_phrase(row | {"share_below": 0.6, "share_above": 0.1})
    assert falls.startswith("blame share above 0.5: 10% of such runs")
    assert "60% of the rest" in falls
    rises = warning_phrase(row | {"share_below": 0.2, "share_above": 0.5})
    assert rises.startswith("blame share at or below 0.5: 20%")
    binary = {"sign": "entry found", "feature": "entry_found", "threshold": 0.0}
    no_entry = warning_phrase(binary | {"share_below": 0.05, "share_above": 0.4})
    assert no_entry.startswith("entry found: no: 5% became learning journeys, against 40%")


def test_report__without_any_analysis_still_says_what_was_run(tmp_path: Path) -> None:
    source = ReportSource(name="empty", question="Anything?")
    summary = {"runs": 10, "points": 2, "replicates": 5, "overall": {}}
    lines = headline(source, summary, tmp_path)
    assert lines == ["What was run. 10 runs (2 design points × 5 replicates)."]
    assert plain("**a** b") == "a b"


# ---- cisim sweep through cisim.cli ---------------------------------------------------------------
def test_sweep__is_a_cisim_command_with_uniform_usage_errors(tmp_path: Path) -> None:
    assert cisim("sweep", "--help").code == 0
    assert_one_line_error(cisim("sweep", tmp_path / "x.toml"), "--out")
    assert_one_line_error(cisim("sweep", tmp_path / "x.toml", "--out", tmp_path / "o"), "x.toml")


# ---- a Sobol sweep -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("design", "samples", "section", "words"),
    [
        (
            "sobol",
            16,
            "sobol",
            [
                "first-order S1",
                "What drives the variance.",
                "effect over the range",
                "does not mean that a parameter does not matter",
            ],
        ),
        ("morris", 10, "morris", ["μ*", "Screening.", "effect over the range", "signed mean"]),
    ],
)
def test_report__sensitivity_sweep_has_the_sensitivity_section(
    design: str, samples: int, section: str, words: list[str], tmp_path: Path
) -> None:
    text = ISHIGAMI.replace('"sobol"', f'"{design}"').replace("= 16", f"= {samples}")
    directory = sweep(text, tmp_path, "ishigami")
    reported = cisim("report", directory)
    assert reported.code == 0, reported.err
    html = (directory / "report.html").read_text(encoding="utf-8")
    assert_self_contained(html)
    assert f'<section id="{section}">' in html
    assert '<section id="shares">' not in html  # the test function has no regimes
    assert "Which input of the Ishigami function matters most?" in html
    for word in words:
        assert word in html + reported.out, word


@pytest.fixture(scope="module")
def tiny_sobol(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Call, Call]:
    """A tiny Sobol sweep of cisim whose factors say why, analysed and reported."""
    directory = sweep(TINY_SOBOL, tmp_path_factory.mktemp("tiny_sobol"), "sweep")
    return directory, cisim("analyze", directory), cisim("report", directory)


def test_analyze__sobol_of_the_regime_prints_effects_and_regional_sensitivity(
    tiny_sobol: tuple[Path, Call, Call],
) -> None:
    directory, analyzed, _ = tiny_sobol
    assert analyzed.code == 0, analyzed.err
    out = analyzed.out
    assert "sobol indices of learning_journey" in out and READING in out
    line = next(s for s in out.splitlines() if s.startswith("  data_use: S1"))
    assert " ST " in line and " effect " in line and " contested " in line and " pp " in line
    assert "regional sensitivity of learning_journey" in out
    assert "logistic effect" in out and "inert below" in out
    table = pd.read_csv(directory / "analysis" / "sobol_learning_journey.csv")
    assert {"ST", "effect", "contested", "contested_pairs"} <= set(table.columns)


def test_report__sobol_of_the_regime_reads_indices_beside_effects(
    tiny_sobol: tuple[Path, Call, Call],
) -> None:
    directory, _, reported = tiny_sobol
    assert reported.code == 0, reported.err
    html = (directory / "report.html").read_text(encoding="utf-8")
    assert_self_contained(html)
    summary = json.loads((directory / "analysis" / "analysis.json").read_text())
    for figure in summary["figures"]:
        assert f'<section id="{SECTION_OF[figure]}">' in html, figure
    sobol = html[html.index('<section id="sobol">') : html.index('<section id="regional">')]
    for words in ("effect over the range", "where contested", "total ST"):
        assert f">{words}</th>" in sobol, words
    assert "does not mean that a parameter does not matter" in sobol
    regional = html[html.index('<section id="regional">') :]
    assert "Kolmogorov–Smirnov" in regional and "logistic effect (points)" in regional
    assert "What separates the regimes." in html or "What drives the variance." in html
    # the ranges' justifications, escaped, in the methods' table of factors
    methods = html[html.index('<section id="methods">') :]
    assert ">why this range</th>" in methods
    assert "strong_start&#x27;s &lt;level&gt; &amp; more." in methods
    assert "Spear, R. C., &amp; Hornberger" in methods


def test_sweep__resumes_past_a_leftover_analysis_directory(
    tiny: tuple[Path, Call, Call], tmp_path: Path
) -> None:
    """A killed ``cisim analyze`` leaves DIR/.analysis.tmp-*; ``cisim sweep`` again must work."""
    directory, _, _ = tiny
    copy = tmp_path / "copy"
    shutil.copytree(directory, copy)
    (copy / ".analysis.tmp-killed").mkdir()
    again = cisim("sweep", tiny[0].parent / "sweep.toml", "--out", copy, "-w", "1", "--no-progress")
    assert again.code == 0, again.err
    assert "120 kept from before" in again.out


TIMING = """
name = "timing_tiny"
question = "When does a navigator help?"
description = "An event's month and what it sets"
base = "baseline"
design = "factorial"
replicates = 40
seed = 2
trajectories = ["blame_responses", "learning_responses", "mean_trust", "progress"]

[constants]
horizon_months = 36
timeline = [{ month = 3, navigator = 0, label = "a navigator may arrive" }]

[levers]
"timeline.1.month" = [3, 18]
"timeline.1.navigator" = [0, 1]
"""


def test_report__a_timeline_sweep_says_when_the_intervention_helps(tmp_path: Path) -> None:
    directory = sweep(TIMING, tmp_path, "timing")
    assert cisim("analyze", directory).code == 0
    reported = cisim("report", directory)
    assert reported.code == 0, reported.err
    arrival = pd.read_csv(directory / "analysis" / "arrival.csv")
    assert set(arrival["month"]) == {3, 18}
    assert set(pd.read_csv(directory / "analysis" / "rescue.csv")["standing"]) <= {
        "blaming",
        "learning",
        "no setback met yet",
    }
    text = (directory / "report.html").read_text(encoding="utf-8")
    assert "When the intervention arrives" in text
    assert "navigator at event 1: 0 → 1" in text.lower()
    assert "When it arrives." in reported.out


def test_report__ranks_factors_by_variance_share_and_links_each_to_its_mechanism(
    tiny: tuple[Path, Call, Call],
) -> None:
    directory, _, reported = tiny
    summary = json.loads((directory / "analysis" / "analysis.json").read_text(encoding="utf-8"))
    shares = summary["variance_shares"]
    assert [r["parameter"] for r in shares] == sorted(
        (r["parameter"] for r in shares),
        key=lambda p: -next(r["eta_squared"] for r in shares if r["parameter"] == p),
    )
    line = next(s for s in reported.out.splitlines() if s.startswith("What moves the odds"))
    assert "η²" in line and "not comparable" in line
    lower = line.lower()
    assert lower.index(f"moving {shares[0]['parameter']}") < lower.index(
        f"moving {shares[1]['parameter']}"
    )
    assert "(mechanism: ODD §7.7 Navigator" in line and "ODD §7.1 Turnover" in line
    assert "](" not in line  # the printed headline carries no link markup
    html = (directory / "report.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="[^"]*docs/ODD\.md#77-navigator">ODD §7\.7 Navigator</a>', html)

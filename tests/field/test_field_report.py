"""``cisim report DIR`` on a field's results: its sections, and numbers that are the in-memory
results' (the table of :func:`cisim.field.compare`, the effects of :class:`Effect`)."""

from __future__ import annotations

import math
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from cisim.cli import main
from cisim.field import compare, field
from cisim.field.analysis import THIRDS, gini_rows, thirds
from cisim.field.config import load as load_file
from cisim.field.coupling import funded
from cisim.field.outcomes import Effect, gini, paired
from cisim.field.platform import Platform
from cisim.field.store import load
from cisim.present.report import field as report_field
from cisim.present.report.field import points, points_ci

FIELD = """\
name = "small_platforms"
question = "Which platform raises learning journeys most in a small field?"

[field]
scenario = "small.toml"
cities = 60
seed = 16

[platforms.replicate]
strategy = "replicate"
budget = 2.0

[platforms.platform]
strategy = "platform"
budget = 2.0

[platforms.scaled]
strategy = "platform"
budget = [0.5, 2.0]
"""
SECTIONS = ("effects", "cost", "whom", "equity", "speed", "levers", "sources", "methods", "file")


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    here = tmp_path_factory.mktemp("report")
    (here / "small.toml").write_text('name = "small"\nn_organisations = 12\nhorizon_months = 60\n')
    (here / "field.toml").write_text(FIELD)
    out = here / "out"
    assert main(["field", str(here / "field.toml"), "--out", str(out), "--workers", "2"]) == 0
    assert main(["report", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def in_memory(reported: Path) -> pd.DataFrame:
    spec = load_file(reported.parent / "field.toml")
    return compare(spec.field, spec.platforms, shards=3)


def test_report__sections_and_files(reported: Path) -> None:
    html = (reported / "report.html").read_text()
    md = (reported / "report.md").read_text()
    assert '<meta name="generator" content="cisim ' in html
    assert "cisim field report" in html and "cisim sweep report" not in html
    assert md.startswith("<!-- generator: cisim ")
    for anchor in SECTIONS:
        assert f'<section id="{anchor}">' in html, anchor
    for title in ("The answer in brief", "At what cost", "For which cities", "Equity", "Speed",
                  "Sweeps over platform levers", "The field file"):  # fmt: skip
        assert title in html and f"## {title}" in md, title
    assert "Which platform raises learning journeys most in a small field?" in html
    # each section says where its findings come from, and what is the model's own
    assert html.count("<strong>Where this comes from.</strong>") == 6
    assert html.count("<strong>The model&#x27;s own</strong>") >= 6
    assert "seed 004" in html and "seed 001" in html and "Rogers (2003)" in html
    figures = re.findall(r'<img src="data:image/png;base64,', html)
    assert len(figures) == 5  # effects, thirds, equity, speed, the budget sweep
    for png in re.findall(r"\]\((analysis/[^)]+\.png)\)", md):
        assert (reported / png).is_file()
    for table in ("effects", "by_strength", "equity", "speed", "levers", "trajectories"):
        assert (reported / "analysis" / f"{table}.csv").is_file()


def test_report__numbers_are_the_in_memory_results(reported: Path, in_memory: pd.DataFrame) -> None:
    effects = pd.read_csv(reported / "analysis" / "effects.csv").set_index("platform")
    assert list(effects.index) == list(in_memory.index)
    for column, mine in (("difference", "difference"), ("difference_low", "low"),
                         ("difference_high", "high"), ("cost_per_journey", "cost_per_journey"),
                         ("learning_journey_share", "share"), ("spent", "spent"),
                         ("difference_weaker_half", "weaker_half")):  # fmt: skip
        np.testing.assert_allclose(effects[mine], in_memory[column], rtol=0, atol=1e-12)
    html = (reported / "report.html").read_text()
    md = (reported / "report.md").read_text()
    strategies = in_memory.loc[["replicate", "platform"]]
    best = strategies["difference"].idxmax()
    row = in_memory.loc[best]
    sentence = points_ci(row["difference"], row["difference_low"], row["difference_high"])
    assert sentence in md and sentence.replace("'", "&#x27;") in html
    assert f"**{best}** raises the field's share of learning journeys most" in md
    for name in in_memory.index:  # every platform's effect is in the tables
        assert f"| {name} |" in md or "| scaled | budget |" in md
        assert points(in_memory.loc[name, "difference"]) in md


def test_report__thirds_and_equity_are_the_cities_own(reported: Path) -> None:
    loaded = load(reported)
    alone = loaded.results["alone"]
    platform = loaded.results["platform"]
    d = platform.learning_journeys.astype(float) - alone.learning_journeys.astype(float)
    groups = thirds(alone.cities["final_progress"].to_numpy())
    assert sorted(np.concatenate(groups).tolist()) == list(range(60))
    assert [len(g) for g in groups] == [20, 20, 20]
    weakest = alone.cities["final_progress"].to_numpy()[groups[0]]
    strongest = alone.cities["final_progress"].to_numpy()[groups[2]]
    assert weakest.max() <= strongest.min()
    table = pd.read_csv(reported / "analysis" / "by_strength.csv")
    for third, idx in zip(THIRDS, groups, strict=True):
        row = table[(table["split"] == "baseline") & (table["platform"] == "platform")
                    & (table["third"] == third)].iloc[0]  # fmt: skip
        assert row["difference"] == pytest.approx(paired(d[idx])[0])
    equity = pd.read_csv(reported / "analysis" / "equity.csv").set_index("platform")
    want = gini(platform.cities["final_progress"].to_numpy())
    assert equity.loc["platform", "gini"] == pytest.approx(want)
    low, high = equity.loc["platform", ["gini_low", "gini_high"]]
    assert low <= equity.loc["platform", "gini_difference"] <= high
    e = Effect.of(platform, alone)
    effects = pd.read_csv(reported / "analysis" / "effects.csv").set_index("platform")
    assert effects.loc["platform", "difference"] == e.difference


def test_gini_rows__is_gini_row_by_row() -> None:
    rng = np.random.default_rng(3)
    x = rng.random((5, 40))
    x[2] = 0.0
    got = gini_rows(x)
    for k in (0, 1, 3, 4):
        assert got[k] == pytest.approx(gini(x[k]))
    assert math.isnan(got[2]) and math.isnan(gini(x[2]))


def test_report__again_replaces_its_own_and_refuses_a_foreign_file(
    reported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(reported)]) == 0
    foreign = tmp_path / "notes.html"
    foreign.write_text("<p>mine</p>")
    assert main(["report", str(reported), "--out", str(foreign)]) == 2
    assert "not a cisim report" in capsys.readouterr().err
    assert foreign.read_text() == "<p>mine</p>"


def test_report__the_flagships_question_is_the_field_files(reported: Path) -> None:
    loaded = load(reported)
    assert loaded.manifest["about"]["name"] == "small_platforms"
    first = field(load_file(reported.parent / "field.toml").field, "alone")
    assert loaded.results["alone"].cities.equals(first.cities)


def test_findings_markdown__the_documents_block_is_the_reports_numbers(reported: Path) -> None:
    from cisim.present.report.field import findings_markdown

    loaded = load(reported)
    block = findings_markdown(loaded, "cisim field FILE --out DIR")
    effects = pd.read_csv(reported / "analysis" / "effects.csv").set_index("platform")
    for name in ("replicate", "platform"):
        r = effects.loc[name]
        assert f"| {name} | " in block
        assert f"{points(r['difference'])} [{points(r['low'])}, {points(r['high'])}]" in block
    assert "| scaled | budget = 0.5 |" in block and "| scaled | budget = 2.0 |" in block
    md = (reported / "report.md").read_text()
    answer = md.split("## The answer in brief")[1].split("\n## ")[0].strip()
    assert answer in block  # the same answer in brief as the report


# ---- the headline's sentences on made-up tables ----------------------------------------------
def _effects(**cols: list[float]) -> pd.DataFrame:
    frame = pd.DataFrame(cols)
    frame["cost_low"], frame["cost_high"] = frame["cost_per_journey"], frame["cost_per_journey"]
    return frame


def test_cost_sentence__names_a_cheaper_platform_with_its_spending_and_effect() -> None:
    e = _effects(
        platform=["big", "small"], difference=[0.30, 0.10], low=[0.25, 0.05],
        high=[0.35, 0.15], spent=[9000.0, 1000.0], cost_per_journey=[30.0, 10.0],
    )  # fmt: skip
    text = report_field._cost_sentence(e, e.iloc[0])
    assert text.startswith("Cost: big spent 9,000 service-years")
    assert "small costs less per journey" in text and "having spent 1,000 for +10.0 points" in text
    alone_cheapest = report_field._cost_sentence(e.iloc[:1], e.iloc[0])
    assert "costs less" not in alone_cheapest and alone_cheapest.endswith(".")


@pytest.mark.parametrize("low", [0.0, -0.1, math.nan])
def test_cost_sentence__silent_when_the_best_effect_is_not_clear(low: float) -> None:
    e = _effects(
        platform=["a", "b"], difference=[0.02, 0.01], low=[low, 0.005], high=[0.05, 0.02],
        spent=[100.0, 50.0], cost_per_journey=[50.0, 5.0],
    )  # fmt: skip
    assert report_field._cost_sentence(e, e.iloc[0]) == ""


def _by_strength(gaps: dict[str, tuple[float, float, float]], width: float) -> pd.DataFrame:
    rows = []
    for split in ("start", "baseline"):
        for name, diffs in gaps.items():
            for third, d in zip(THIRDS, diffs, strict=True):
                d = d if split == "start" else 3 * d
                rows.append({"split": split, "platform": name, "third": third, "difference": d,
                             "low": d - width, "high": d + width})  # fmt: skip
    return pd.DataFrame(rows)


def test_whom_sentence__counts_only_clear_gaps_and_says_which_way() -> None:
    table = _by_strength(
        {"weak_first": (0.40, 0.30, 0.10), "flat": (0.20, 0.25, 0.19),
         "strong_first": (0.05, 0.10, 0.30)},
        width=0.05,
    )  # fmt: skip
    view = SimpleNamespace(
        tables={"by_strength": table}, names=["weak_first", "flat", "strong_first"]
    )
    text = report_field._whom_sentence(view, {"platform": "weak_first"})  # type: ignore[arg-type]
    assert "started with the **weakest** practices more than the strongest" in text
    assert "1 help the weakest third clearly more than the strongest and 1 the strongest" in text
    assert "the same gap is +90.0" in text  # by progress alone (three times, in this table)
    other = report_field._whom_sentence(view, {"platform": "strong_first"})  # type: ignore[arg-type]
    assert "**strongest** practices more than the weakest" in other


def test_funded_years__the_years_of_the_steps_that_ran_funded() -> None:
    levers = {"budget": 1.0, "funding_reliability": 0.5, "step_months": 12}
    manifest = {"seeds": {"seed": 2026}, "field": {"horizon_months": 120},
                "platforms": {"p": {"levers": levers}}}  # fmt: skip
    view = report_field.View(tables={}, manifest=manifest, inputs=None, numbers=None)  # type: ignore[arg-type]
    platform = Platform(**levers)  # type: ignore[arg-type]
    steps = range(12, 120, 12)  # no step in year 10: the last period ends the run
    expected = [m // 12 for m in steps if funded(2026, platform, m)]
    shown = report_field._funded_years(view, "p")
    assert shown == (", ".join(map(str, expected)) or "none")
    assert "10" not in shown.split(", ")

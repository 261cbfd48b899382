"""Reports of runs and comparisons, on hand-made summaries whose numbers are known."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pandas as pd
import pytest

from cisim.io import safe_name
from cisim.model.regimes import REGIMES
from cisim.model.scenario import Scenario
from cisim.present import runs as report
from cisim.stats import wilson
from cisim.study import provenance
from cisim.study.simulate import Results


def _summary(regimes: dict[str, int], **columns: list[float | None]) -> pd.DataFrame:
    """A summary with the given number of runs per regime (and optional outcome columns)."""
    labels = [regime for regime, count in regimes.items() for _ in range(count)]
    runs = len(labels)
    frame = pd.DataFrame(
        {
            "regime": pd.Categorical(labels, categories=list(REGIMES)),
            "progress": [0.5] * runs,
            "final_trust": [0.4] * runs,
            "months_to_entry_point": pd.array([3] * runs, dtype="Int64"),
            "months_to_first_win": pd.array([None] * runs, dtype="Int64"),
            "learning_responses": [10] * runs,
            "blame_responses": [2] * runs,
        }
    )
    for name, values in columns.items():
        frame[name] = pd.array(values, dtype="Int64") if name.startswith("months") else values
    return frame


def _results(name: str, regimes: dict[str, int], **columns: list[float | None]) -> Results:
    scenario = Scenario(name=name, description=f"The {name}  one.")
    return Results(scenario, 7, _summary(regimes, **columns), pd.DataFrame())


# ---- one scenario ------------------------------------------------------------------------------
def test_regime_table__every_regime_with_runs_share_and_wilson_interval() -> None:
    table = report.regime_table(_summary({"blame_game": 3, "learning_journey": 1}))
    assert list(table.index) == list(REGIMES)
    assert table["runs"].tolist() == [1, 3, 0, 0]
    assert table["share"].tolist() == [0.25, 0.75, 0.0, 0.0]
    for regime, runs in zip(REGIMES, (1, 3, 0, 0), strict=True):
        expected = wilson(runs, 4)
        assert (table.loc[regime, "lo"], table.loc[regime, "hi"]) == (expected.low, expected.high)
    assert table.loc["stalled", "lo"] == 0.0


def test_format_run__titles_the_table_with_what_was_run() -> None:
    results = _results("tiny", {"learning_journey": 2})
    lines = report.format_run(results).splitlines()
    assert lines[0] == f"tiny: 2 replicates, seed 7 (scenario digest {results.scenario.digest})"
    assert lines[1].split() == ["regime", "runs", "share", "95%", "interval"]
    assert lines[2].split()[:4] == ["learning", "journey", "2", "100.0%"]
    assert lines[5].split()[:3] == ["dissolved", "0", "0.0%"]
    assert lines[5].endswith("0.0% – 65.8%")


# ---- percentages -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("share", "text"),
    [
        (0.0, "0%"),
        (0.0004, "<0.1%"),
        (0.004, "0.4%"),
        (0.2, "20%"),
        (0.996, "99.6%"),
        (0.9996, ">99.9%"),
        (1.0, "100%"),
    ],
)
def test_percent__whole_percent_with_a_decimal_near_the_edges(share: float, text: str) -> None:
    assert report.percent(share) == text


# ---- comparing scenarios -----------------------------------------------------------------------
@pytest.fixture
def table() -> pd.DataFrame:
    return report.comparison_table(
        [
            _results("ahead", {"learning_journey": 9, "blame_game": 1}),
            _results("behind", {"learning_journey": 1, "blame_game": 9}),
            _results(
                "some_wins",
                {"learning_journey": 2, "blame_game": 8},
                months_to_first_win=[4, 6, None, None, None, None, None, None, None, None],
            ),
        ]
    )


def test_comparison_table__one_row_per_scenario_with_shares_and_outcomes(
    table: pd.DataFrame,
) -> None:
    assert list(table.index) == ["ahead", "behind", "some_wins"]
    assert table.loc["ahead", "learning_journey_share"] == 0.9
    assert table.loc["ahead", "learning_journey_lo"] == wilson(9, 10).low
    assert table.loc["behind", "blame_game_hi"] == wilson(9, 10).high
    assert table.loc["ahead", "replicates"] == 10
    assert table.loc["ahead", "mean_progress"] == 0.5
    assert table.loc["ahead", "median_months_to_entry_point"] == 3
    assert math.isnan(table.loc["ahead", "median_months_to_first_win"])
    assert table.loc["some_wins", "median_months_to_first_win"] == 5
    assert table.loc["some_wins", "share_first_win"] == 0.2


def test_comparison_markdown__a_row_per_scenario_with_intervals_and_months(
    table: pd.DataFrame,
) -> None:
    lines = report.comparison_markdown(table).splitlines()
    assert lines[0].startswith("| scenario | learning journey | blame game | stalled | dissolved |")
    assert len(lines) == 2 + len(table)
    ahead = lines[2].split(" | ")
    assert ahead[0] == "| **ahead**"
    assert ahead[1] == "90% (60%–98%)"
    assert ahead[3] == "0% (0%–28%)"
    assert ahead[7] == "3"
    assert ahead[8] == "never"
    assert lines[4].split(" | ")[8] == "5 (20% of runs)"


def test_format_comparison__aligned_shares_per_scenario(table: pd.DataFrame) -> None:
    lines = report.format_comparison(table).splitlines()
    assert lines[0].startswith("scenario ")
    assert [line.split()[0] for line in lines[1:]] == ["ahead", "behind", "some_wins"]
    assert len({len(line) for line in lines}) == 1


def test_headline__names_a_clear_leader_and_an_overlapping_one(table: pd.DataFrame) -> None:
    text = report.headline(table)
    assert text == (
        "ahead has the most learning journeys: 90% (60%–98%) of runs, clearly ahead of "
        "some_wins (20%). behind has the most blame games: 90% (60%–98%) of runs, though its "
        "95% interval overlaps that of some_wins (80%)."
    )


def test_headline__one_scenario_and_a_regime_nobody_reached() -> None:
    single = report.comparison_table([_results("solo", {"stalled": 4})])
    assert report.headline(single) == (
        "solo ends in learning journeys in 0% (0%–49%) of runs. "
        "solo ends in blame games in 0% (0%–49%) of runs."
    )
    pair = report.comparison_table(
        [_results("a", {"stalled": 4}), _results("b", {"blame_game": 4})]
    )
    assert report.headline(pair).startswith("No scenario produced learning journeys.")


# ---- the study's report ------------------------------------------------------------------------
def test_render_report__says_what_was_run_and_links_every_figure(table: pd.DataFrame) -> None:
    results = [_results(name, {"stalled": 1}) for name in ("ahead", "behind", "some wins")]
    manifest = {
        "git_commit": None,
        "replicates": 10,
        "seed": 7,
        "cisim_version": "9.9",
        "finished_utc": "2026-01-01T00:00:00Z",
        "wall_time_seconds": 12.4,
        "command": "cisim study -n 10",
    }
    text = report.render_report(table, results, manifest)
    assert text.startswith("# cisim study: comparing 3 scenarios\n\n**ahead has the most")
    assert "3 scenarios, 10 replicates each, root seed 7." in text
    assert "cisim 9.9 (commit unknown), run on 2026-01-01T00:00:00Z in 12 s" in text
    assert "- **ahead** (digest `" in text and "The ahead one." in text
    assert report.comparison_markdown(table) in text
    folder = f"presets/{safe_name('some wins')}/figures"  # not some_wins: another name's
    assert f"[shared understanding]({folder}/shared_understanding.png)" in text
    assert text.endswith(".\n")


# ---- the manifest ------------------------------------------------------------------------------
def test_manifest__records_command_what_seed_versions_and_times() -> None:
    clock = provenance.Clock(
        datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), provenance.Clock.start().monotonic
    )
    record = provenance.scenario_record(Scenario(name="x"))
    made = provenance.manifest(clock, command="cisim run x", seed=3, replicates=5, scenario=record)
    assert list(made)[:5] == ["cisim_version", "command", "scenario", "seed", "replicates"]
    assert made["scenario"] == {"name": "x", "digest": Scenario(name="x").digest}
    assert made["started_utc"] == "2026-01-02T03:04:05Z"
    assert made["finished_utc"].endswith("Z") and made["wall_time_seconds"] >= 0
    assert {"python", "numpy", "pandas", "git_commit"} <= set(made)


def test_git_commit__none_when_git_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_git(*args: object, **kwargs: object) -> None:
        raise FileNotFoundError("git")

    monkeypatch.setattr(provenance.subprocess, "run", no_git)
    assert provenance.git_commit() is None

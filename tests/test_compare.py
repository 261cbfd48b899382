"""cisim.compare and cisim.options: paired effects under common random numbers."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import cisim
from cisim.errors import CisimWarning, ConfigError
from cisim.study.compare import (
    CHUNK,
    OUTCOME_NAMES,
    Comparison,
    describe_change,
    population_difference,
    run_scenarios,
)
from cisim.study.options import OptionRanking
from cisim.study.simulate import simulate

#: A short horizon keeps the tests quick; the effects below hold at it.
SHORT = 60


@pytest.fixture(scope="module")
def base() -> cisim.Scenario:
    return cisim.Scenario.preset("baseline").replace(horizon_months=SHORT)


@pytest.fixture(scope="module")
def navigator(base: cisim.Scenario) -> Comparison:
    return cisim.compare(base, base.replace(navigator=1), replicates=200, seed=3)


@pytest.fixture(scope="module")
def ranking(base: cisim.Scenario) -> OptionRanking:
    changes = {"navigator": [0, 1], "entry_point": ["none"], "turnover": [0.08]}
    return cisim.options(base, changes, replicates=120, seed=5)


# ---- effects ---------------------------------------------------------------------------------
def test_compare__navigator_raises_learning_journeys_and_trust(navigator):
    assert navigator.effect("learning_journey").low > 0
    assert navigator.effect("final_trust").low > 0
    assert navigator.effect("blame_game").value < 0


def test_compare__no_entry_point_makes_collaborations_stall(base):
    result = cisim.compare(base, base.replace(entry_point="none"), replicates=60, seed=1)
    assert result.effect("learning_journey").high < 0
    assert result.effect("stalled").low > 0
    assert result.table.loc["learning_journey", "b"] == 0


def test_compare__identical_scenarios_give_exactly_zero_effect(base):
    result = cisim.compare(base, base.replace(name="the same"), replicates=40, seed=9)
    assert (result.table[["effect", "low", "high"]].to_numpy() == 0).all()
    assert (result.table["a"] == result.table["b"]).all()


def test_compare__regime_share_effects_sum_to_zero(navigator):
    shares = navigator.table.loc[list(cisim.REGIMES)]
    assert shares["effect"].sum() == pytest.approx(0, abs=1e-12)
    assert shares["a"].sum() == pytest.approx(1) and shares["b"].sum() == pytest.approx(1)


def test_compare__intervals_contain_their_estimates(navigator):
    table = navigator.table
    assert list(table.index) == list(OUTCOME_NAMES)
    assert (table["low"] <= table["effect"]).all() and (table["effect"] <= table["high"]).all()


def test_compare__effect_is_the_mean_paired_difference(navigator):
    a = navigator.runs_a["progress"].to_numpy()
    b = navigator.runs_b["progress"].to_numpy()
    assert navigator.effect("progress").value == pytest.approx(float(np.mean(b - a)))


def test_compare__never_reached_events_count_at_horizon_plus_one(base):
    result = cisim.compare(base, base.replace(entry_point="none"), replicates=30, seed=2)
    assert result.table.loc["months_to_entry_point", "b"] == SHORT + 1


# ---- common random numbers -------------------------------------------------------------------
def test_compare__runs_are_replicates_of_simulate_under_the_seed(base, navigator):
    alone = simulate(base.replace(navigator=1), replicates=200, seed=3).summary
    columns = ["replicate", "regime", "progress", "final_trust", "months_to_first_win"]
    pd.testing.assert_frame_equal(navigator.runs_b[columns], alone[columns])


def test_compare__pairing_narrows_the_interval(navigator):
    a = navigator.runs_a["final_trust"].to_numpy()
    b = navigator.runs_b["final_trust"].to_numpy()
    unpaired = 1.96 * np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    paired = navigator.effect("final_trust")
    assert (paired.high - paired.low) / 2 < unpaired


def test_compare__workers_two_equals_workers_one(base):
    b = base.replace(navigator=1)
    one = cisim.compare(base, b, replicates=CHUNK + 20, seed=4, workers=1)
    two = cisim.compare(base, b, replicates=CHUNK + 20, seed=4, workers=2)
    pd.testing.assert_frame_equal(one.table, two.table)
    pd.testing.assert_frame_equal(one.runs_b, two.runs_b)


def test_options__workers_two_equals_workers_one(base, ranking):
    changes = {"navigator": [0, 1], "entry_point": ["none"], "turnover": [0.08]}
    two = cisim.options(base, changes, replicates=120, seed=5, workers=2)
    pd.testing.assert_frame_equal(ranking.table, two.table)


def test_run_scenarios__chunks_are_put_back_in_replicate_order(base):
    (runs,) = run_scenarios([base], CHUNK + 3, 0, 1)
    assert runs["replicate"].tolist() == list(range(CHUNK + 3))


# ---- options ---------------------------------------------------------------------------------
def test_options__ranked_best_first_with_the_base_left_out(ranking):
    table = ranking.table
    assert list(table.index) == ["navigator = 1", "turnover = 0.08", "entry_point = none"]
    assert table["effect"].is_monotonic_decreasing
    assert table["rank"].tolist() == [1, 2, 3]
    assert ranking.skipped == ("navigator = 0",)
    assert ranking.best == "navigator = 1"


def test_options__every_option_shares_the_base_runs(ranking):
    base_levels = {c.table.loc["learning_journey", "a"] for c in ranking.comparisons.values()}
    assert len(base_levels) == 1
    assert ranking.table.loc["navigator = 1", "changes"] == "navigator 0 → 1"


def test_options__a_named_option_changes_several_parameters(base):
    both = {"navigator and data": {"navigator": 1, "data_use": 0.6}}
    result = cisim.options(base, both, replicates=20, seed=0)
    assert result.table.loc["navigator and data", "changes"] == (
        "navigator 0 → 1, data_use 0.3 → 0.6"
    )


def test_compare__any_registered_outcome_can_be_compared(base):
    wanted = ("learning_journey", "peak_conflict", "turnover_events")
    result = cisim.compare(base, base.replace(turnover=0.08), 40, 2, outcomes=wanted)
    assert tuple(result.table.index) == wanted
    assert result.effect("turnover_events").low > 0  # more turnover, more representatives left
    diff = result.runs_b["peak_conflict"] - result.runs_a["peak_conflict"]
    assert result.effect("peak_conflict").value == pytest.approx(diff.mean())


def test_options__ranks_on_an_outcome_compare_leaves_out_by_default(base):
    result = cisim.options(base, {"turnover": [0.08]}, 20, 0, outcome="turnover_events")
    assert result.table.loc["turnover = 0.08", "effect"] > 0
    assert "turnover_events" in result.comparisons["turnover = 0.08"].table.index


def test_options__ranks_on_another_outcome(base):
    result = cisim.options(base, {"navigator": [1]}, replicates=20, seed=0, outcome="final_trust")
    comparison = result.comparisons["navigator = 1"]
    assert result.table.loc["navigator = 1", "effect"] == comparison.effect("final_trust").value


# ---- bad arguments ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"a": "nowhere"}, "a"),
        ({"b": 3}, "b"),
        ({"replicates": 1}, "replicates"),
        ({"replicates": 2.5}, "replicates"),
        ({"replicates": True}, "replicates"),
        ({"seed": -1}, "seed"),
        ({"seed": 2**63}, "seed"),
        ({"workers": 0}, "workers"),
        ({"outcomes": ("learning_journey", "happiness")}, "outcomes"),
        ({"outcomes": "progress"}, "outcomes"),
        ({"outcomes": ()}, "outcomes"),
    ],
)
def test_compare__bad_arguments_raise_config_error(kwargs, field):
    args = {"a": "baseline", "b": "strong_start", "replicates": 10, "seed": 0, **kwargs}
    with pytest.raises(ConfigError) as caught:
        cisim.compare(**args)
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("changes", "field", "where"),
    [
        ({}, "changes", None),
        ([("navigator", [1])], "changes", None),
        ({"navigator": []}, "changes.navigator", None),
        ({"navigator": 1}, "changes.navigator", None),
        ({"navigator": [-1]}, "navigator", "option 'navigator = -1'"),
        ({"navigatr": [1]}, "navigatr", "option 'navigatr = 1'"),
        ({"navigator": [0]}, "changes", None),
    ],
)
def test_options__bad_options_raise_config_error(changes, field, where):
    with pytest.raises(ConfigError) as caught:
        cisim.options("baseline", changes, replicates=10)
    assert caught.value.field == field
    assert caught.value.where == where


def test_options__bad_outcome_raises_config_error():
    with pytest.raises(ConfigError, match="outcome"):
        cisim.options("baseline", {"navigator": [1]}, outcome="happiness")


def test_compare__unknown_outcome_raises_config_error(navigator):
    with pytest.raises(ConfigError, match="outcome"):
        navigator.effect("happiness")


def test_compare__accepts_preset_names_and_toml_paths(tmp_path):
    path = tmp_path / "mine.toml"
    cisim.Scenario.preset("baseline").replace(horizon_months=12, name="mine").to_toml(path)
    result = cisim.compare("baseline", path, replicates=2)
    assert result.a.name == "baseline" and result.b.name == "mine"


# ---- display ---------------------------------------------------------------------------------
def test_compare__repr_names_the_change_and_every_outcome(navigator):
    text = repr(navigator)
    assert "navigator 0 → 1" in text and "200 paired replicates" in text
    for label in navigator.table["label"]:
        assert label in text


def test_compare__html_is_a_table_with_every_outcome(navigator):
    page = navigator._repr_html_()
    assert page.count("<tr>") == len(OUTCOME_NAMES) + 1
    assert "learning journeys" in page and "pts" in page


def test_compare__plot_is_a_figure_with_three_panels(navigator, tmp_path):
    fig = navigator.plot()
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    fig.savefig(tmp_path / "effects.png")
    assert (tmp_path / "effects.png").stat().st_size > 0


def test_options__repr_html_and_plot(ranking, tmp_path):
    assert "navigator = 1" in repr(ranking) and "Left out" in repr(ranking)
    assert ranking._repr_html_().count("<tr>") == len(ranking.table) + 1
    fig = ranking.plot()
    assert isinstance(fig, Figure)
    fig.savefig(tmp_path / "options.png")


def test_describe_change__says_what_differs(base):
    assert describe_change(base, base) == "no change"
    many = base.replace(navigator=1, data_use=0.5, aspiration=0.2, turnover=0.1, resources=0.5)
    assert describe_change(base, many).endswith("and 1 more")


def test_cisim__exports_compare_and_options():
    assert "compare" in cisim.__all__ and "options" in cisim.__all__
    assert callable(cisim.compare) and callable(cisim.options)


# ---- populations -----------------------------------------------------------------------------
def test_compare__warns_when_the_two_populations_differ(base):
    eight = cisim.Scenario.preset("south_yorkshire").replace(horizon_months=12)
    with pytest.warns(CisimWarning, match=r"different organisations \(generated 20 .* 8\)"):
        cisim.compare(base.replace(horizon_months=12), eight, replicates=2, workers=1)
    with pytest.warns(CisimWarning, match="different organisations"):
        cisim.options(base.replace(horizon_months=12), {"n_organisations": [8]}, replicates=2)


def test_compare__a_change_to_one_population_does_not_warn(base):
    with warnings.catch_warnings():
        warnings.simplefilter("error", CisimWarning)
        cisim.compare(base, base.replace(turnover=0.05), replicates=2, workers=1)
    assert population_difference(base, base.replace(navigator=1)) is None

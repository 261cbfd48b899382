"""Paired effects with common random numbers: planted effects are recovered and covered."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from cisim.analysis.effects import (
    condition_effects,
    effects_figure,
    paired_effects,
    range_effects,
)
from cisim.errors import ConfigError

from .conftest import crn_runs, factorial_design

R = 400


def _probability(row) -> float:
    # a: +0.30; b: +0.10 per step; g: no effect
    return 0.15 + 0.30 * row.a + 0.10 * [0.2, 0.5, 0.8].index(row.b)


@pytest.fixture(scope="module")
def sweep() -> tuple[pd.DataFrame, pd.DataFrame]:
    design = factorial_design({"a": [0, 1], "b": [0.2, 0.5, 0.8], "g": ["x", "y"]})
    return design, crn_runs(design, _probability, R, seed=3)


def _row(table: pd.DataFrame, param: str, low: str, high: str, outcome: str) -> pd.Series:
    hit = table[
        (table["parameter"] == param)
        & (table["low_level"] == low)
        & (table["high_level"] == high)
        & (table["outcome"] == outcome)
    ]
    assert len(hit) == 1
    return hit.iloc[0]


def test_effects__planted_effects_are_recovered_and_covered(sweep) -> None:
    design, runs = sweep
    table = paired_effects(design, runs, horizon=60)
    for param, low, high, truth in (("a", "0", "1", 0.30), ("b", "0.2", "0.5", 0.10)):
        row = _row(table, param, low, high, "learning_journey")
        assert row["low"] <= truth <= row["high"]
        assert row["effect"] == pytest.approx(truth, abs=0.05)
        assert row["cells"] == (6 if param == "a" else 4) and row["replicates"] == R


def test_effects__no_effect_is_exactly_zero_under_crn(sweep) -> None:
    design, runs = sweep
    row = _row(paired_effects(design, runs, horizon=60), "g", "x", "y", "learning_journey")
    assert row["effect"] == 0.0 and row["low"] == 0.0 and row["high"] == 0.0


def test_effects__pairing_narrows_the_interval(sweep) -> None:
    design, runs = sweep
    row = _row(paired_effects(design, runs, horizon=60), "a", "0", "1", "progress")
    # progress = probability + replicate noise shared by every point: pairing removes the noise
    assert row["effect"] == pytest.approx(0.30, abs=1e-9)
    assert row["high"] - row["low"] < 1e-6


def test_effects__first_contrast_compares_each_level_with_the_lowest(sweep) -> None:
    design, runs = sweep
    table = paired_effects(design, runs, horizon=60, contrast="first", parameters=["b"])
    pairs = set(zip(table["low_level"], table["high_level"], strict=True))
    assert pairs == {("0.2", "0.5"), ("0.2", "0.8")}
    row = _row(table, "b", "0.2", "0.8", "learning_journey")
    assert row["low"] <= 0.20 <= row["high"]


def test_effects__months_to_first_win_are_censored_at_horizon_plus_one(sweep) -> None:
    design, runs = sweep
    row = _row(paired_effects(design, runs, horizon=60), "a", "0", "1", "months_to_first_win")
    assert row["mean_low"] > row["mean_high"]  # more wins, sooner
    assert row["mean_low"] <= 61


def test_effects__unknown_contrast_is_a_config_error(sweep) -> None:
    design, runs = sweep
    with pytest.raises(ConfigError, match="contrast"):
        paired_effects(design, runs, horizon=60, contrast="all")


def _conditions(synergy: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    names = ["baseline", "navigator", "data_use", "all"]
    design = pd.DataFrame({"point": range(4), "condition": names})
    lift = {"baseline": 0.0, "navigator": 0.1, "data_use": 0.2, "all": 0.3 + synergy}
    return design, crn_runs(design, lambda row: 0.2 + lift[row.condition], R, seed=5)


def test_condition_effects__one_at_a_time_and_all_together_additive() -> None:
    design, runs = _conditions(synergy=0.0)
    table = condition_effects(design, runs, horizon=60, outcomes=["learning_journey"])
    by = table.set_index("comparison")
    assert set(by.index) == {
        "navigator vs baseline",
        "data_use vs baseline",
        "all vs baseline",
        "sum of one at a time",
        "together minus sum",
    }
    nav = by.loc["navigator vs baseline"]
    assert nav["low"] <= 0.1 <= nav["high"]
    inter = by.loc["together minus sum"]
    assert inter["low"] <= 0.0 <= inter["high"]


def test_condition_effects__synergy_is_detected() -> None:
    design, runs = _conditions(synergy=0.25)
    table = condition_effects(design, runs, horizon=60, outcomes=["learning_journey"])
    inter = table.set_index("comparison").loc["together minus sum"]
    assert inter["low"] > 0.1


def test_condition_effects__reference_must_be_a_condition() -> None:
    design, runs = _conditions(synergy=0.0)
    with pytest.raises(ConfigError, match="reference"):
        condition_effects(design, runs, horizon=60, reference="nothing")


def test_effects__figure_draws_one_panel_per_outcome(sweep) -> None:
    design, runs = sweep
    fig = effects_figure(paired_effects(design, runs, horizon=60))
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 3
    assert np.all([ax.get_xlabel() for ax in fig.axes])


def test_effects__figure_in_points_on_one_scale_with_the_whole_range(sweep) -> None:
    design, runs = sweep
    table = paired_effects(design, runs, horizon=60)
    ranges = range_effects(design, runs, horizon=60, outcomes=["learning_journey", "progress"])
    assert set(ranges["parameter"]) == {"b"}  # only b has more than two levels
    assert (ranges["low_level"] == "0.2").all() and (ranges["high_level"] == "0.8").all()
    whole = ranges[ranges["outcome"] == "learning_journey"].iloc[0]
    assert whole["effect"] == pytest.approx(0.20, abs=0.05)  # two planted steps of 0.10
    fig = effects_figure(table, ("learning_journey", "blame_game"), ranges)
    lj, bg = fig.axes[:2]
    assert lj.get_xlim() == bg.get_xlim()  # one scale for the share panels
    labels = [t.get_text() for t in lj.get_yticklabels()]
    assert labels == [
        "a: 0 → 1",
        "b: 0.2 → 0.5",
        "b: 0.5 → 0.8",
        "b: 0.2 → 0.8 (whole range)",  # right after b's steps
        "g: x → y",
    ]
    dots = np.concatenate([line.get_xdata() for line in lj.lines if len(line.get_xdata())])
    assert np.nanmax(np.abs(dots)) > 10  # points (the a effect is 30 points), not a fraction
    assert fig.get_size_inches()[0] <= 9.5  # no wider than the report's text column

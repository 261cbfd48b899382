"""Regime shares per condition: Wilson intervals, one row per condition and regime."""

from __future__ import annotations

import pandas as pd
import pytest

import cisim
from cisim.analysis.shares import regime_shares, shares_figure, wide_shares
from cisim.stats import wilson

from .conftest import crn_runs, factorial_design


@pytest.fixture
def sweep() -> tuple[pd.DataFrame, pd.DataFrame]:
    design = factorial_design({"a": [0, 1], "g": ["shared", "lead"]})
    runs = crn_runs(design, lambda row: 0.2 + 0.5 * row.a, replicates=200, seed=1)
    return design, runs


def test_shares__one_row_per_condition_and_regime_with_wilson_intervals(sweep) -> None:
    design, runs = sweep
    table = regime_shares(design, runs)
    assert len(table) == 4 * len(cisim.REGIMES)
    assert list(table.columns[:2]) == ["a", "g"]
    for row in table.itertuples():
        expected = wilson(row.count, row.runs)
        assert (row.share, row.low, row.high) == (expected.value, expected.low, expected.high)
    sums = table.groupby(["a", "g"])["share"].sum()
    assert sums.to_numpy() == pytest.approx(1.0)


def test_shares__recover_the_planted_probability(sweep) -> None:
    design, runs = sweep
    lj = regime_shares(design, runs).query("regime == 'learning_journey'").set_index(["a", "g"])
    for a, truth in ((0, 0.2), (1, 0.7)):
        assert lj.loc[(a, "lead"), "low"] <= truth <= lj.loc[(a, "lead"), "high"]


def test_shares__pooled_points_under_crn_count_replicates_not_runs(sweep) -> None:
    # g has no effect and the runs share their random numbers: pooling over g duplicates runs,
    # which must not narrow the interval
    design, runs = sweep
    pooled = regime_shares(design, runs, by=["a"]).set_index(["a", "regime"])
    single = regime_shares(design, runs).query("g == 'lead'").set_index(["a", "regime"])
    assert (pooled["runs"] == 400).all()
    for key in pooled.index:
        assert pooled.loc[key, "share"] == single.loc[key, "share"]
        assert pooled.loc[key, "low"] == pytest.approx(single.loc[key, "low"], abs=1e-12)
        assert pooled.loc[key, "high"] == pytest.approx(single.loc[key, "high"], abs=1e-12)


def test_shares__named_conditions_group_by_condition() -> None:
    design = pd.DataFrame({"point": [0, 1], "condition": ["baseline", "navigator"]})
    runs = crn_runs(design, lambda row: 0.3 if row.condition == "baseline" else 0.6, 50)
    table = regime_shares(design, runs)
    assert set(table["condition"]) == {"baseline", "navigator"}


def test_shares__figure_has_one_bar_per_condition(sweep) -> None:
    design, runs = sweep
    table = regime_shares(design, runs)
    wide = wide_shares(table, ["a", "g"])
    assert list(wide.index) == ["a=0, g=shared", "a=0, g=lead", "a=1, g=shared", "a=1, g=lead"]
    assert (wide["replicates"] == 200).all()
    fig = shares_figure(table, ["a", "g"])
    assert "regime" in fig.get_suptitle()

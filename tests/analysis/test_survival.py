"""Kaplan-Meier survival of collaborations, and the month each dissolved."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import cisim
from cisim.analysis.survival import (
    dissolution_months,
    dissolved_axis_top,
    kaplan_meier,
    survival_curves,
    survival_figure,
)


def test_kaplan_meier__hand_computed_example() -> None:
    # four runs: dissolve in months 2 and 3, one censored at 3, one dissolves in month 5
    curve = kaplan_meier(np.array([2, 3, 3, 5]), np.array([1, 1, 0, 1], bool), horizon=6)
    s = curve.set_index("month")["survival"]
    assert s[0] == s[1] == 1.0
    assert s[2] == pytest.approx(3 / 4)
    assert s[3] == pytest.approx(3 / 4 * 2 / 3)
    assert s[4] == pytest.approx(0.5)
    assert s[5] == 0.0 and s[6] == 0.0
    assert curve.set_index("month")["at_risk"].tolist() == [4, 4, 4, 3, 1, 1, 0]


def test_kaplan_meier__interval_brackets_the_estimate() -> None:
    rng = np.random.default_rng(0)
    t = rng.integers(1, 60, 200)
    events = rng.random(200) < 0.6
    curve = kaplan_meier(np.where(events, t, 60), events, horizon=60)
    assert (curve["low"] <= curve["survival"] + 1e-12).all()
    assert (curve["high"] >= curve["survival"] - 1e-12).all()
    assert ((curve["low"] >= 0) & (curve["high"] <= 1)).all()
    assert (np.diff(curve["survival"]) <= 0).all()


def test_dissolution__read_from_a_column_when_recorded() -> None:
    runs = pd.DataFrame(
        {"point": [0, 0], "replicate": [0, 1], "regime": ["dissolved", "stalled"]}
        | {"dissolved_month": pd.array([7, pd.NA], dtype="Int64")}
    )
    months = dissolution_months(runs)
    assert months[0] == 7 and np.isnan(months[1])


def test_dissolution__from_the_trajectories_below_two_members() -> None:
    # a collaboration comes apart in the first month it has fewer than two members: losing
    # most of them (10 -> 2) is not coming apart
    members = [10, 10, 7, 4, 2, 1, 1]
    traj = pd.DataFrame({"point": 0, "replicate": 0, "month": range(7), "active_members": members})
    runs = pd.DataFrame({"point": [0], "replicate": [0], "regime": ["dissolved"]})
    assert dissolution_months(runs, traj)[0] == 5
    # a design no longer carries a dissolution threshold to read
    design = pd.DataFrame({"point": [0], "navigator": [1]})
    assert dissolution_months(runs, traj, design=design)[0] == 5


def test_dissolution__otherwise_the_last_month_membership_changed() -> None:
    # a dissolved run whose trajectory never shows fewer than two members (its last recorded
    # month came before the membership was measured below two) is placed at its last change
    members = [6, 6, 5, 3, 3, 3]
    traj = pd.DataFrame({"point": 0, "replicate": 0, "month": range(6), "active_members": members})
    runs = pd.DataFrame({"point": [0], "replicate": [0], "regime": ["dissolved"]})
    assert dissolution_months(runs, traj)[0] == 3


def test_survival__real_runs_match_the_dissolved_regime() -> None:
    scenario = cisim.Scenario.preset("baseline").replace(
        horizon_months=36, exit_base_rate=0.03, join_base_rate=0.0
    )
    result = cisim.simulate(scenario, replicates=60, seed=4)
    runs, traj = result.summary.assign(point=0), result.trajectories.assign(point=0)
    months = dissolution_months(runs, traj)
    dissolved = np.asarray(runs["regime"] == "dissolved")
    assert dissolved.any()
    assert np.isfinite(months[dissolved]).all() and np.isnan(months[~dissolved]).all()
    curve = survival_curves(runs, traj, horizon=36)
    assert curve["survival"].iloc[-1] == pytest.approx(1 - dissolved.mean())
    assert isinstance(survival_figure(curve), Figure)


def test_survival__one_curve_per_condition() -> None:
    runs = pd.DataFrame(
        {"point": [0, 0, 1, 1], "replicate": [0, 1, 0, 1], "regime": ["dissolved", "stalled"] * 2}
        | {"dissolved_month": pd.array([3, pd.NA, 5, pd.NA], dtype="Int64")}
    )
    design = pd.DataFrame({"point": [0, 1], "navigator": [0, 1]})
    curves = survival_curves(runs, None, horizon=10, design=design, by=["navigator"])
    assert list(curves.columns[:2]) == ["navigator", "month"]
    final = curves[curves["month"] == 10].set_index("navigator")["survival"]
    assert final.tolist() == [0.5, 0.5]
    at4 = curves[curves["month"] == 4].set_index("navigator")["survival"]
    assert at4.tolist() == [0.5, 1.0]
    assert isinstance(survival_figure(curves, ["navigator"]), Figure)


def _hand_written_kaplan_meier(t: np.ndarray, e: np.ndarray, horizon: int) -> pd.DataFrame:
    """The product-limit and Greenwood log-log code cisim carried before it used scipy."""
    ends = np.bincount(np.clip(t, 0, horizon).astype(np.int64), minlength=horizon + 1)
    at_risk = len(t) - np.concatenate([[0], np.cumsum(ends)[:-1]])
    died = np.bincount(np.clip(t[e], 0, horizon).astype(np.int64), minlength=horizon + 1)
    died[0] = 0
    survival = np.cumprod(np.where(at_risk > 0, 1.0 - died / np.maximum(at_risk, 1), 1.0))
    safe = (at_risk > died) & (at_risk > 0)
    var_log = np.cumsum(np.where(safe, died / np.maximum(at_risk * (at_risk - died), 1), 0.0))
    inside = (survival > 0) & (survival < 1)
    se = np.sqrt(var_log) / np.abs(np.log(np.where(inside, survival, 0.5)))
    low = np.where(inside, survival ** np.exp(1.959963984540054 * se), survival)
    high = np.where(inside, survival ** np.exp(-1.959963984540054 * se), survival)
    return pd.DataFrame(
        {"at_risk": at_risk, "events": died, "survival": survival} | {"low": low, "high": high}
    )


@pytest.mark.parametrize("seed", range(40))
def test_kaplan_meier__scipy_equals_the_hand_written_estimator(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, horizon = int(rng.integers(1, 300)), int(rng.integers(1, 100))
    events = rng.random(n) < rng.random()
    durations = np.where(events, rng.integers(0, horizon + 1, n), horizon)
    new = kaplan_meier(durations, events, horizon)
    old = _hand_written_kaplan_meier(durations, events, horizon)
    for column in old.columns:
        np.testing.assert_allclose(new[column], old[column], rtol=0, atol=1e-12, err_msg=column)


def test_kaplan_meier__nothing_dissolves_means_certain_survival() -> None:
    curve = kaplan_meier(np.full(5, 12), np.zeros(5, bool), horizon=12)
    assert (curve[["survival", "low", "high"]] == 1.0).all().all()
    assert curve["at_risk"].iloc[-1] == 5


def test_survival_figure__few_dissolutions_are_shown_on_a_scale_that_shows_them() -> None:
    rng = np.random.default_rng(0)
    events = rng.random(2000) < 0.003  # a handful dissolve: survival stays above 99 %
    durations = np.where(events, rng.integers(1, 120, 2000), 120)
    curve = kaplan_meier(durations, events, horizon=120)
    fig = survival_figure(curve)
    low, top = fig.axes[0].get_ylim()
    assert low == 0 and top == dissolved_axis_top(curve)
    assert 1 - curve["low"].min() <= top < 0.05  # the upper bound fits, far below 100 %
    assert fig.get_size_inches()[0] <= 9.5

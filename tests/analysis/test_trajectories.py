"""Trajectories by regime and months to the entry point and first win."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from cisim.analysis.trajectories import (
    event_timing,
    regime_trajectories,
    timing_figure,
    trajectories_figure,
)

from .conftest import crn_runs, factorial_design


def _runs_and_trajectories() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two regimes whose trust is constant per regime: 0.7 for learning, 0.3 for the others."""
    design = factorial_design({"a": [0, 1]})
    runs = crn_runs(design, lambda row: 0.5, replicates=40, seed=2)
    months = 13
    lj = (runs["regime"].astype(str) == "learning_journey").to_numpy()
    trust = np.where(lj, 0.7, 0.3)
    traj = pd.DataFrame(
        {
            "point": np.repeat(runs["point"], months),
            "replicate": np.repeat(runs["replicate"], months),
            "month": np.tile(np.arange(months), len(runs)),
            "mean_trust": np.repeat(trust, months).astype(np.float32),
        }
    )
    return runs, traj.sample(frac=1.0, random_state=0)  # row order must not matter


def test_trajectories__mean_and_band_per_regime_and_month() -> None:
    runs, traj = _runs_and_trajectories()
    table = regime_trajectories(runs, traj, metrics=["mean_trust", "absent_metric"])
    assert set(table["metric"]) == {"mean_trust"}
    lj = table[table["regime"] == "learning_journey"]
    assert len(lj) == 13 and lj["mean"].to_numpy() == pytest.approx(0.7)
    assert lj["q25"].to_numpy() == pytest.approx(0.7) and lj["q75"].to_numpy() == pytest.approx(0.7)
    others = table[table["regime"] != "learning_journey"]
    assert others["mean"].to_numpy() == pytest.approx(0.3)
    counts = table.groupby("regime", observed=True)["runs"].first()
    regime_counts = runs["regime"].astype(str).value_counts()
    for regime, n in counts.items():
        assert n == regime_counts[regime]


def test_trajectories__event_timing_median_iqr_and_share_never() -> None:
    runs, _ = _runs_and_trajectories()
    table = event_timing(runs).set_index(["regime", "event"])
    lj = table.loc[("learning_journey", "months_to_first_win")]
    expected = runs.loc[runs["regime"] == "learning_journey", "months_to_first_win"].astype(float)
    assert lj["median"] == pytest.approx(float(np.median(expected)))
    assert lj["share_never"] == 0.0
    stalled = table.loc[("stalled", "months_to_first_win")]
    assert stalled["share_never"] == 1.0 and np.isnan(stalled["median"])
    assert table.loc[("all", "months_to_entry_point"), "runs"] == len(runs)


def test_trajectories__figures() -> None:
    runs, traj = _runs_and_trajectories()
    fig = trajectories_figure(regime_trajectories(runs, traj, metrics=["mean_trust"]))
    assert isinstance(fig, Figure) and fig.axes[0].get_xlabel() == "month"
    assert isinstance(timing_figure(event_timing(runs)), Figure)


def test_trajectories__real_runs_learning_journeys_end_with_more_trust(real_factorial) -> None:
    s = real_factorial
    table = regime_trajectories(s.runs, s.trajectories)
    last = table[(table["month"] == 36) & (table["metric"] == "mean_trust")].set_index("regime")
    assert last.loc["learning_journey", "mean"] > last.loc["blame_game", "mean"]


def test_trajectories__activity_is_recorded_as_zero_before_the_first_month() -> None:
    # why the figure starts these metrics at month 1: the model records month 0 before any month
    # is simulated, so what members do in a month is 0 there by construction
    import cisim
    from cisim.analysis.trajectories import ACTIVITY_METRICS

    scenario = cisim.Scenario.preset("baseline").replace(horizon_months=3)
    traj = cisim.simulate(scenario, replicates=4, seed=2).trajectories
    first = traj[traj["month"] == 0]
    assert (first[sorted(ACTIVITY_METRICS)] == 0).all().all()
    assert (traj.loc[traj["month"] == 1, "mean_contribution"] > 0).all()


def test_trajectories__figure_starts_activity_at_month_one() -> None:
    runs, traj = _runs_and_trajectories()
    traj = traj.assign(mean_contribution=np.where(traj["month"] == 0, 0.0, 0.5))
    table = regime_trajectories(runs, traj, metrics=["mean_trust", "mean_contribution"])
    fig = trajectories_figure(table)
    trust, contribution = fig.axes[:2]
    assert min(min(line.get_xdata()) for line in trust.lines) == 0
    assert min(min(line.get_xdata()) for line in contribution.lines) == 1
    assert fig.get_size_inches()[0] <= 9.5


def test_timing_figure__dots_at_the_edges_are_not_clipped() -> None:
    runs, _ = _runs_and_trajectories()
    fig = timing_figure(event_timing(runs))
    table = event_timing(runs)
    low, high = fig.axes[0].get_xlim()
    assert low < np.nanmin(table["q25"]) and high > np.nanmax(table[["q75", "median"]].to_numpy())

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

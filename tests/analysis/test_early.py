"""How early the regime can be told, and the warning list."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from cisim.analysis.early import early_features, early_figure, early_prediction, warning_list
from cisim.analysis.tables import trajectory_arrays

from .conftest import crn_runs, factorial_design, planted_trajectories


def _sweep(signal: bool):
    design = factorial_design({"a": [0, 1, 2]})
    runs = crn_runs(design, lambda row: 0.2 + 0.2 * row.a, replicates=150, seed=7)
    return runs, planted_trajectories(runs, horizon=30, signal=signal, seed=8)


def test_early__features_at_month_k() -> None:
    _, traj = _sweep(signal=True)
    arrays = trajectory_arrays(traj)
    features = early_features(arrays, 12)
    blame = arrays["blame_responses"][:, :13].sum(axis=1)
    assert features["blame_so_far"].to_numpy() == pytest.approx(blame)
    found = arrays["entry_found"][:, 12]
    assert features["entry_found"].to_numpy() == pytest.approx(found)
    searching = (arrays["entry_found"][:, 1:13] <= 0).sum(axis=1)
    assert features["months_searching"].to_numpy() == pytest.approx(searching)
    assert "wins_so_far" not in features  # all zero here: a copy of active_members_change
    share = features["blame_share_so_far"].to_numpy()
    assert np.nanmin(share) >= 0 and np.nanmax(share) <= 1


def test_early__pure_noise_predicts_no_better_than_chance() -> None:
    runs, traj = _sweep(signal=False)
    table = early_prediction(runs, traj, months=(6, 12))
    for row in table.itertuples():
        assert row.low < 0.5 < row.high
        assert abs(row.auc - 0.5) < 0.1
    assert table["grouped_folds"].all()


def test_early__a_planted_early_sign_is_found_and_ranked_first() -> None:
    runs, traj = _sweep(signal=True)
    table = early_prediction(runs, traj, months=(3, 12, 24))
    aucs = table.set_index("months")["auc"]
    assert aucs[12] > 0.9 and aucs[3] < aucs[12]
    signs = warning_list(runs, traj)
    top = signs.iloc[0]
    assert top["feature"] in ("blame_so_far", "blame_share_so_far")
    assert top["direction"] == -1 and top["share_above"] < top["share_below"]
    blame = signs.set_index("feature").loc["blame_so_far"]
    assert 2 < blame["threshold"] < 6  # 1.2 expected for learning journeys, 6 for the others
    assert "blame responses in the first 12 months: more than" in blame["advice"]
    assert "falls from" in blame["advice"]


def test_early__figure() -> None:
    runs, traj = _sweep(signal=True)
    fig = early_figure(early_prediction(runs, traj, months=(6, 12)), warning_list(runs, traj))
    assert isinstance(fig, Figure) and len(fig.axes) == 2


def test_early__real_runs_predict_better_later(real_factorial) -> None:
    s = real_factorial
    table = early_prediction(s.runs, s.trajectories, months=(3, 24)).set_index("months")
    assert table.loc[24, "auc"] > 0.75
    assert table.loc[24, "auc"] > table.loc[3, "auc"]

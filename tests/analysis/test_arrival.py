"""When an intervention arrives (cisim.analysis.arrival): planted effects by month of arrival,
the point of no return, and the standing at arrival."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cisim.analysis.arrival import (
    STANDINGS,
    arrival_factors,
    effects_by_arrival,
    rescue_effects,
    standing_at,
    turning_points,
)
from cisim.analysis.tables import LJ, TrajectoryArrays

from .conftest import crn_runs, factorial_design

R = 400
MONTH, NAV = "timeline.1.month", "timeline.1.navigator"
TRUTH = {6: 0.30, 24: 0.15, 48: 0.0}  # the navigator's planted effect by month of arrival


def _probability(row) -> float:
    _, month, navigator, _ = row  # point, month, navigator, the unrelated factor
    return 0.3 + TRUTH[month] * navigator


@pytest.fixture(scope="module")
def sweep() -> tuple[pd.DataFrame, pd.DataFrame]:
    design = factorial_design({MONTH: [6, 24, 48], NAV: [0, 1], "turnover": [0.01, 0.05]})
    return design, crn_runs(design, _probability, R, seed=4)


def test_arrival_factors__pair_an_event_month_with_what_the_event_sets(sweep):
    design, _ = sweep
    assert arrival_factors(design) == [(MONTH, [NAV])]
    assert arrival_factors(design.drop(columns=[NAV])) == []


def test_effects_by_arrival__recover_the_planted_effect_at_each_month(sweep):
    design, runs = sweep
    table = effects_by_arrival(design, runs, MONTH, [NAV], horizon=60, outcomes=[LJ])
    assert list(table["month"]) == [6, 24, 48]
    for row in table.itertuples():
        truth = TRUTH[row.month]
        assert row.low <= truth <= row.high
        assert row.effect == pytest.approx(truth, abs=0.05)
        assert row.cells == 2 and row.replicates == R  # paired within the turnover levels


def test_turning_points__best_month_and_point_of_no_return(sweep):
    design, runs = sweep
    table = effects_by_arrival(design, runs, MONTH, [NAV], horizon=60, outcomes=[LJ])
    (found,) = turning_points(table)
    assert found["best_month"] == 6 and found["first_month"] == 6 and found["last_month"] == 48
    assert found["no_return_month"] == 48  # no effect planted at 48: exactly zero under CRN


def _table(low: list[float], high: list[float]) -> pd.DataFrame:
    effect = [(a + b) / 2 for a, b in zip(low, high, strict=True)]
    return pd.DataFrame(
        {
            "month": [1, 12, 24][: len(low)],
            "parameter": NAV,
            "low_level": "0",
            "high_level": "1",
            "outcome": LJ,
            "effect": effect,
            "low": low,
            "high": high,
        }
    )


def test_turning_points__a_point_of_no_return_needs_the_effect_shown_negligible():
    # month 12's interval reaches zero but also far beyond the margin: absence of evidence
    lasting = _table([0.1, -0.01, 0.01], [0.3, 0.2, 0.09])
    assert turning_points(lasting)[0]["no_return_month"] is None
    undecided = _table([0.1, -0.01, -0.03], [0.3, 0.2, 0.1])  # reaches zero, not negligible
    assert turning_points(undecided)[0]["no_return_month"] is None
    negligible = _table([0.1, -0.01, -0.015], [0.3, 0.015, 0.01])  # within ±2 points from 12
    assert turning_points(negligible)[0]["no_return_month"] == 12
    back = _table([0.1, -0.01, 0.03], [0.3, 0.015, 0.08])  # negligible at 12, not at 24
    assert turning_points(back)[0]["no_return_month"] is None


def test_turning_points__a_small_real_effect_is_no_point_of_no_return():
    truth = {6: 0.30, 24: 0.03, 48: 0.03}
    design = factorial_design({MONTH: [6, 24, 48], NAV: [0, 1]})
    runs = crn_runs(design, lambda row: 0.3 + truth[row[1]] * row[2], R, seed=5)
    table = effects_by_arrival(design, runs, MONTH, [NAV], horizon=60, outcomes=[LJ])
    (found,) = turning_points(table)
    assert found["no_return_month"] is None


def _arrays(blame: np.ndarray, learn: np.ndarray, points: int) -> TrajectoryArrays:
    """Trajectories of ``points`` points whose replicates share ``blame`` and ``learn``
    (replicates x months), month 0 first."""
    reps, months = blame.shape
    keys = pd.DataFrame(
        {"point": np.repeat(np.arange(points), reps), "replicate": np.tile(np.arange(reps), points)}
    )
    return TrajectoryArrays(
        keys,
        np.arange(months),
        {
            "blame_responses": np.tile(blame, (points, 1)),
            "learning_responses": np.tile(learn, (points, 1)),
        },
    )


def test_standing_at__counts_only_the_months_before_arrival():
    blame = np.array([[0, 2, 0, 0, 9], [0, 0, 1, 0, 0], [0, 0, 0, 0, 0], [0, 1, 1, 0, 0]], float)
    learn = np.array([[0, 1, 0, 0, 0], [0, 1, 1, 0, 0], [0, 0, 0, 0, 9], [0, 1, 1, 0, 0]], float)
    standing = standing_at(_arrays(blame, learn, 2), [1], 4)  # months 1-3 count
    assert list(standing) == ["blaming", "learning", "no setback met yet", "learning"]
    assert set(standing) <= set(STANDINGS)


def test_rescue_effects__within_each_standing(sweep):
    design, runs = sweep
    rng = np.random.default_rng(0)
    blame = (rng.random((R, 61)) < 0.1).astype(float)
    learn = (rng.random((R, 61)) < 0.1).astype(float)
    table = rescue_effects(
        design, runs, _arrays(blame, learn, len(design)), MONTH, [NAV], horizon=60, outcomes=[LJ]
    )
    assert set(table["standing"]) <= set(STANDINGS) and set(table["month"]) == {6, 24, 48}
    for (month, standing), part in table.groupby(["month", "standing"]):
        want = standing_at(_arrays(blame, learn, len(design)), [0], month)
        assert part["replicates"].iloc[0] == (want == standing).sum()
    # the planted effect holds in every standing (it does not depend on the history)
    at6 = table[table["month"] == 6]
    assert ((at6["low"] <= 0.30) & (at6["high"] >= 0.30)).all()

"""The outcome registry: one definition of each per-run outcome, read by every user.

The first tests guard the registry's reach: an outcome added in one place only (the registry,
simulate's summary, a sweep's runs, the EMA adapter, the analyses, the comparison) fails them.
The others check each outcome's rule on small hand-made trajectories, censoring included.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cisim import Scenario, simulate
from cisim.analysis import tables
from cisim.interop import ema
from cisim.model import outcomes
from cisim.model.metrics import REGISTRY as METRICS
from cisim.model.outcomes import INDICATORS, NEVER, NUMBERS, REGISTRY, Outcome
from cisim.model.regimes import REGIMES, Thresholds
from cisim.study import compare
from cisim.study.sweeps.models import MODELS

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.fixture(scope="module")
def summary() -> pd.DataFrame:
    return simulate(Scenario.preset("baseline").replace(horizon_months=24), 20, seed=4).summary


# ---- one registry, every user -------------------------------------------------------------------
def test_registry__is_the_summary_columns_with_their_dtypes(summary: pd.DataFrame) -> None:
    assert list(summary.columns) == ["replicate", "seed", *REGISTRY]
    for name, outcome in REGISTRY.items():
        assert str(summary[name].dtype) == outcome.dtype, name


def test_registry__is_the_runs_table_of_a_sweep() -> None:
    assert MODELS["cisim"].outcomes({}) == tuple(REGISTRY)


def test_registry__numbers_are_the_indicators_then_every_numeric_outcome() -> None:
    assert list(INDICATORS) == list(REGIMES)
    numeric = [name for name, o in REGISTRY.items() if o.kind != "regime"]
    assert list(NUMBERS) == [*REGIMES, *numeric]


def test_registry__the_analyses_and_the_comparison_read_it() -> None:
    assert tables.OUTCOMES is NUMBERS
    assert all(tables.outcome(name) is NUMBERS[name] for name in NUMBERS)
    assert set(tables.EFFECT_OUTCOMES) <= set(NUMBERS)
    assert tuple(NUMBERS[name] for name in compare.OUTCOME_NAMES) == compare.OUTCOMES


def test_registry__ema_offers_every_outcome_each_run_has() -> None:
    expected = [name for name, o in NUMBERS.items() if o.missing is None]
    assert list(ema.OUTCOMES) == expected
    assert all(ema.OUTCOMES[name] == NUMBERS[name].description for name in expected)
    assert set(ema.DEFAULT_OUTCOMES) <= set(ema.OUTCOMES)


def test_registry__the_interop_guide_lists_every_ema_outcome() -> None:
    table = (DOCS / "interop.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"`([a-z_]+)`", table.split("**Outcomes.**")[1].split("\n\n")[1]))
    assert listed == set(ema.OUTCOMES)


def test_registry__every_outcome_is_described_and_consistent() -> None:
    for name, o in {**REGISTRY, **INDICATORS}.items():
        assert o.name == name and o.label and o.definition and o.rule is not None
        assert o.kind in ("regime", "share", "level", "count", "months")
        assert (o.kind == "months") == (o.censoring == NEVER) == (o.event is not None)
        assert (o.kind == "months") == (o.dtype == "Int64")
        assert o.description.startswith(o.definition)


def test_registry__rules_read_only_registered_metrics() -> None:
    read: set[str] = set()

    class Spy(dict[str, np.ndarray]):
        def __getitem__(self, key: str) -> np.ndarray:
            read.add(key)
            return super().__getitem__(key)

    outcomes.summary_table(Spy(_trajectories()), Thresholds(0.5, 0.5, 48))
    assert read <= set(METRICS)


# ---- the rules on hand-made trajectories ----------------------------------------------------
def _trajectories() -> dict[str, np.ndarray]:
    """Three runs over months 0..3 (rows are months, columns runs)."""

    def m(*rows: tuple[float, float, float]) -> np.ndarray:
        return np.array(rows, dtype=float)

    return {
        # run 0 finds an entry point in month 1, wins in month 2, learns; run 1 blames;
        # run 2 never finds one and dissolves in month 3 (4 members -> 1).
        "active_members": m((4, 4, 4), (4, 4, 4), (4, 3, 3), (4, 3, 1)),
        "running": m((1, 1, 1), (1, 1, 1), (1, 1, 1), (1, 1, 0)),
        "entry_found": m((0, 0, 0), (1, 0, 0), (1, 1, 0), (1, 1, 0)),
        "wins": m((0, 0, 0), (0, 0, 0), (1, 0, 0), (2, 0, 0)),
        "progress": m((0, 0, 0), (0.1, 0, 0), (0.3, 0.1, 0), (0.6, 0.2, 0)),
        "mean_trust": m((0.5, 0.4, 0.3), (0.5, 0.3, 0.3), (0.6, 0.2, 0.2), (0.7, 0.1, 0.2)),
        "shared_understanding": m((0.2, 0.2, 0.2), (0.3, 0.2, 0.2), (0.4, 0.2, 0.1), (0.5, 0.3, 0)),
        "legitimacy": m((0.5, 0.5, 0.5), (0.5, 0.4, 0.5), (0.6, 0.3, 0.4), (0.8, 0.2, 0.3)),
        "learning_responses": m((0, 0, 0), (1, 0, 0), (2, 1, 0), (0, 0, 0)),
        "blame_responses": m((0, 0, 0), (0, 1, 0), (1, 2, 0), (0, 1, 0)),
        "turnover_events": m((0, 0, 0), (0, 1, 0), (1, 0, 1), (0, 0, 2)),
        "conflict": m((0, 0, 0), (0.1, 0.4, 0), (0.2, 0.9, 0.3), (0.1, 0.5, 0.2)),
    }


# a closing period longer than the runs: every setback response counts
THRESHOLDS = Thresholds(regime_blame_share=0.5, regime_min_progress=0.5, regime_window_months=48)
EXPECTED: dict[str, list[object]] = {
    "regime": ["learning_journey", "blame_game", "dissolved"],
    "progress": [0.6, 0.2, 0.0],
    "final_trust": [0.7, 0.1, 0.2],
    "start_trust": [0.5, 0.4, 0.3],
    "final_understanding": [0.5, 0.3, 0.0],
    "final_legitimacy": [0.8, 0.2, 0.3],
    "final_members": [4, 3, 1],
    "months_to_entry_point": [1, 2, None],
    "months_to_first_win": [2, None, None],
    "learning_responses": [3, 1, 0],
    "blame_responses": [1, 4, 0],
    "blame_share": [0.25, 0.8, np.nan],
    "closing_blame_share": [0.0, 1.0, np.nan],  # setbacks met by blame, not responses
    "wins": [2, 0, 0],
    "turnover_events": [1, 1, 3],
    "peak_conflict": [0.2, 0.9, 0.3],
    "dissolved_month": [None, None, 3],
}


def test_rules__registered_outcomes_of_hand_made_runs() -> None:
    assert set(EXPECTED) == set(REGISTRY)
    table = outcomes.summary_table(_trajectories(), THRESHOLDS)
    for name, expected in EXPECTED.items():
        got = table[name].astype(object).where(table[name].notna(), None).tolist()
        want = [
            None if v is None or (isinstance(v, float) and np.isnan(v)) else v for v in expected
        ]
        assert got == pytest.approx(want) if name != "regime" else got == want, name


def test_rules__indicators_follow_the_regime() -> None:
    traj = _trajectories()
    for regime, outcome in INDICATORS.items():
        want = [1.0 if r == regime else 0.0 for r in EXPECTED["regime"]]
        assert outcome.of(traj, THRESHOLDS).tolist() == want


def test_rules__thresholds_per_run_change_the_regime() -> None:
    # run 0 met every setback by learning, run 1 every one by blame: a threshold of 0 makes even
    # run 0 a blame game, one above 1 keeps run 1 from being one
    per_run = Thresholds(np.array([0.0, 1.01, 0.5]), np.full(3, 0.5), np.full(3, 48.0))
    regimes = REGISTRY["regime"].of(_trajectories(), per_run)
    assert regimes.tolist() == ["blame_game", "stalled", "dissolved"]
    per_run = Thresholds(np.full(3, 0.5), np.array([0.7, 0.5, 0.5]), np.full(3, 48.0))
    assert REGISTRY["regime"].of(_trajectories(), per_run)[0] == "stalled"  # progress 0.6


def test_rules__each_setback_counts_once_and_an_even_split_counts_half() -> None:
    traj = _trajectories()
    traj["blame_responses"] = traj["blame_responses"].copy()
    traj["learning_responses"] = traj["learning_responses"].copy()
    # run 0: five members blame at the first setback, one learns at each of the next two
    traj["blame_responses"][:, 0] = [0, 5, 0, 0]
    traj["learning_responses"][:, 0] = [0, 0, 1, 1]
    # run 1: an even split, then learning
    traj["blame_responses"][:, 1] = [0, 2, 0, 0]
    traj["learning_responses"][:, 1] = [0, 2, 3, 0]
    th = Thresholds(0.5, 0.5, 48)
    shares = REGISTRY["closing_blame_share"].of(traj, th)
    np.testing.assert_allclose(shares[:2], [1 / 3, 0.25])
    assert REGISTRY["blame_share"].of(traj, th)[0] == pytest.approx(5 / 7)  # by responses
    assert REGISTRY["regime"].of(traj, th)[0] == "learning_journey"


def _turnaround() -> dict[str, np.ndarray]:
    """The hand-made runs, but run 0 blames at first and then learns (a coalition that worked
    out why it had failed), and run 1 learns at first and then blames (one that succumbed to
    infighting): half of either's responses are blame."""
    traj = _trajectories()
    traj["blame_responses"] = traj["blame_responses"].copy()
    traj["learning_responses"] = traj["learning_responses"].copy()
    traj["blame_responses"][:, 0] = [0, 3, 0, 0]
    traj["learning_responses"][:, 0] = [0, 0, 1, 2]
    traj["learning_responses"][:, 1] = [0, 3, 0, 0]
    traj["blame_responses"][:, 1] = [0, 0, 1, 2]
    return traj


def test_rules__a_run_is_judged_by_its_closing_period() -> None:
    traj = _turnaround()
    # all four months: half the responses were blame in either run; one setback in three was
    # met by blame in run 0 and two in three in run 1, short of 0.7 in either
    overall = Thresholds(0.7, 0.5, 48)
    assert REGISTRY["blame_share"].of(traj, overall).tolist()[:2] == [0.5, 0.5]
    np.testing.assert_allclose(
        REGISTRY["closing_blame_share"].of(traj, overall)[:2], [1 / 3, 2 / 3]
    )
    assert REGISTRY["regime"].of(traj, overall).tolist()[:2] == ["learning_journey", "stalled"]
    closing = Thresholds(0.6, 0.5, 2)  # months 2 and 3 only
    np.testing.assert_array_equal(
        REGISTRY["closing_blame_share"].of(traj, closing), [0.0, 1.0, np.nan]
    )
    assert REGISTRY["regime"].of(traj, closing).tolist()[:2] == ["learning_journey", "blame_game"]
    # the whole-run share does not depend on the window
    assert REGISTRY["blame_share"].of(traj, closing).tolist()[:2] == [0.5, 0.5]


def test_rules__a_closing_period_without_setbacks_is_no_blame_game() -> None:
    traj = _turnaround()
    last = Thresholds(0.5, 0.5, 1)  # month 3 alone: run 0 learns, run 1 blames, run 2 is quiet
    shares = REGISTRY["closing_blame_share"].of(traj, last)
    np.testing.assert_array_equal(shares, [0.0, 1.0, np.nan])
    traj["blame_responses"][3, 1] = 0
    traj["learning_responses"][3, 1] = 0
    assert np.isnan(REGISTRY["closing_blame_share"].of(traj, last)[1])
    assert REGISTRY["regime"].of(traj, last)[1] == "stalled"  # progress 0.2 < 0.5


def test_rules__dissolved_means_the_collaboration_came_apart() -> None:
    # losing most members is not dissolving: run 0 falls from 6 members to 2 and still runs
    traj = _trajectories()
    traj["active_members"] = traj["active_members"].copy()
    traj["active_members"][:, 0] = [6, 5, 3, 2]
    assert REGISTRY["regime"].of(traj, THRESHOLDS)[0] == "learning_journey"
    assert np.isnan(REGISTRY["dissolved_month"].of(traj, THRESHOLDS)[0])
    # ... and one that stopped running has dissolved, whatever it did before
    traj["running"] = traj["running"].copy()
    traj["running"][3, 0] = 0
    assert REGISTRY["regime"].of(traj, THRESHOLDS)[0] == "dissolved"


def test_thresholds__of_a_scenario_and_of_runs() -> None:
    sc = Scenario(regime_blame_share=0.4, regime_min_progress=0.3, regime_window_months=24)
    th = Thresholds.of(sc)
    assert (th.regime_blame_share, th.regime_min_progress, th.regime_window_months) == (
        0.4,
        0.3,
        24,
    )
    per_run = Thresholds.of_runs([sc, Scenario()])
    np.testing.assert_array_equal(per_run.regime_window_months, [24, 48])
    np.testing.assert_array_equal(per_run.regime_blame_share, [0.4, 0.5])


def test_rules__a_time_to_an_event_is_missing_when_it_never_happened() -> None:
    months = REGISTRY["months_to_first_win"].of(_trajectories(), THRESHOLDS)
    np.testing.assert_array_equal(months, [2.0, np.nan, np.nan])


# ---- censoring ------------------------------------------------------------------------------
def test_censor__never_counts_as_the_horizon_plus_one() -> None:
    assert outcomes.never(120) == 121
    np.testing.assert_array_equal(outcomes.censor(np.array([3.0, np.nan, 0.0]), 36), [3, 37, 0])


def test_values__read_a_summary_table_by_the_registry() -> None:
    table = outcomes.summary_table(_trajectories(), THRESHOLDS)
    horizon = 3
    assert outcomes.values(table, "months_to_entry_point", horizon).tolist() == [1, 2, 4]
    assert outcomes.values(table, "dissolved_month", horizon).tolist() == [4, 4, 3]
    assert outcomes.values(table, "blame_game", horizon).tolist() == [0, 1, 0]
    shares = outcomes.values(table, "blame_share", horizon)
    assert shares[:2].tolist() == [0.25, 0.8] and np.isnan(shares[2])


def test_values__agree_with_the_users(summary: pd.DataFrame) -> None:
    horizon = 24
    for name in NUMBERS:
        mine = outcomes.values(summary, name, horizon)
        np.testing.assert_array_equal(tables.outcome_values(summary, name, horizon), mine)
    row = ema.outcomes_of(summary.iloc[:1], horizon)
    assert row == {n: float(outcomes.values(summary, n, horizon)[0]) for n in ema.OUTCOMES}


def test_column_outcome__has_no_rule() -> None:
    y = outcomes.column_outcome("y_value")
    assert isinstance(y, Outcome) and y.label == "y value" and y.rule is None
    with pytest.raises(ValueError, match="no rule"):
        y.of(_trajectories(), THRESHOLDS)

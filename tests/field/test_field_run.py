"""The field's run: uncoupled when unfunded, the same however split, reproducible, effective."""

from __future__ import annotations

import numpy as np
import pytest

from cisim import engine
from cisim.field import Field, Platform, compare, field, strategy
from cisim.field.cities import SPREAD, build_cities
from cisim.field.outcomes import Effect
from cisim.field.run import KEPT, run_field
from cisim.model.population import RunSpec, build_state
from cisim.model.regimes import Thresholds, classify
from cisim.model.scenario import Scenario
from cisim.study.simulate import simulate

SEED = 1616
SMALL = Scenario.preset("baseline").replace(n_organisations=12, horizon_months=48)


def _uncoupled(fld: Field) -> dict[str, np.ndarray]:
    """Each city as an ordinary run of its own scenario (its drawn practices set on it), all
    months in one call of the engine."""
    practices = fld.practices()
    specs = []
    for city, sc in enumerate(fld.scenarios()):
        if practices is not None:
            sc = sc.replace(**{name: float(practices[name][city]) for name in SPREAD})
        specs.append(RunSpec(sc, fld.seed, city))
    st, p = build_state(specs)
    return engine.run(st, p, fld.horizon)


@pytest.mark.parametrize(
    "platform",
    [Platform(), strategy("alone"), Platform(budget=0.0, step_months=5, fidelity=0.0)],
)
def test_run_field__no_budget_equals_uncoupled_cities(platform: Platform) -> None:
    fld = Field(scenario=SMALL, cities=23, spread=0.15, seed=SEED)
    got = run_field(fld, platform, shards=2).trajectories
    want = _uncoupled(fld)
    for name in KEPT:
        np.testing.assert_array_equal(got[name], want[name], err_msg=name)


def test_field__no_budget_regimes_equal_simulate() -> None:
    fld = Field(scenario=SMALL, cities=30, spread=0.0, seed=SEED)
    result = field(fld, "alone")
    runs = simulate(SMALL, replicates=30, seed=SEED)
    np.testing.assert_array_equal(result.cities["regime"], runs.summary["regime"].astype(str))
    np.testing.assert_array_equal(
        result.cities["final_progress"], runs.summary["progress"].to_numpy()
    )


def test_build_cities__drawn_practices_are_the_scenario_replaced() -> None:
    fld = Field(scenario=SMALL, cities=5, spread=0.2, seed=3)
    _, p = build_cities(fld, np.arange(5))
    practices = fld.practices()
    assert practices is not None
    for name in SPREAD:
        np.testing.assert_array_equal(getattr(p, name), practices[name])
        assert np.ptp(practices[name]) > 0  # the cities do differ


def _funded() -> Platform:
    return Platform(budget=2.0, step_months=3, evidence_delay=1, peer_links=3)


@pytest.mark.parametrize(("shards", "workers"), [(3, 1), (3, 2), (7, 2)])
def test_field__same_result_whatever_the_split(shards: int, workers: int) -> None:
    fld = Field(scenario=SMALL, cities=21, spread=0.1, seed=SEED)
    one = run_field(fld, _funded(), shards=1)
    split = run_field(fld, _funded(), shards=shards, workers=workers)
    for name in KEPT:
        np.testing.assert_array_equal(one.trajectories[name], split.trajectories[name], name)
    assert one.record == split.record
    np.testing.assert_array_equal(one.platform.trust, split.platform.trust)
    assert one.platform.adopted.sum() > 0  # the platform did act on the cities


def test_field__same_seed_same_result_other_seed_other() -> None:
    fld = Field(scenario=SMALL, cities=15, seed=SEED)
    a, b = field(fld, _funded()), field(fld, _funded())
    assert a.cities.equals(b.cities)
    assert a.record.equals(b.record)
    c = field(fld.replace(seed=SEED + 1), _funded())
    assert not a.cities["final_progress"].equals(c.cities["final_progress"])


def test_field__funded_platform_changes_the_cities() -> None:
    fld = Field(scenario=SMALL, cities=15, seed=SEED)
    alone, funded = run_field(fld, strategy("alone")), run_field(fld, _funded())
    assert not np.array_equal(alone.trajectories["progress"], funded.trajectories["progress"])
    assert (funded.final.data_use > alone.final.data_use).any()


@pytest.mark.slow
def test_field__funded_platform_raises_the_share_of_learning_journeys() -> None:
    # 400 baseline cities, ten years, the platform strategy against every city alone, paired by
    # city (the same cities with the same luck)
    fld = Field(scenario=Scenario.preset("baseline"), cities=400, seed=2026)
    alone = field(fld, "alone", shards=2, workers=2)
    funded = field(fld, "platform", shards=2, workers=2)
    effect = Effect.of(funded, alone)
    assert effect.low > 0.0, effect
    assert 0.0 < effect.cost_per_journey < np.inf


def test_compare__rows_per_platform_against_alone() -> None:
    fld = Field(scenario=SMALL, cities=12, seed=SEED)
    table = compare(fld, {"none": "alone", "funded": _funded()})
    assert list(table.index) == ["none", "funded"]
    assert table.loc["none", "difference"] == 0.0
    assert np.isnan(table.loc["none", "cost_per_journey"])
    assert table.loc["funded", "spent"] > 0


def test_field__spending_a_year_does_not_depend_on_the_step() -> None:
    # the same budget stepped every month, quarter or half year spends the same money a month
    # (a contact is a quarter of a service whatever the step): the budget times the cities for
    # the months from the first step (month ``step``) to the horizon (SMALL runs 48 months)
    fld = Field(scenario=SMALL, cities=12, seed=SEED)
    for months in (1, 3, 6):
        platform = _funded().replace(step_months=months)
        spent = field(fld, platform).summary["spent"]
        assert spent == pytest.approx(platform.budget * 12 * (48 - months) / 12, rel=1e-9)


def test_classify__field_regimes_are_the_runs_rule() -> None:
    fld = Field(scenario=SMALL, cities=10, seed=SEED)
    fr = run_field(fld, _funded())
    want = classify(fr.trajectories, Thresholds.of_runs(fld.scenarios()))
    got = field(fld, _funded()).cities["regime"].to_numpy()
    np.testing.assert_array_equal(got, want.astype(str))


def test_run_field__roster_with_timelines_uncoupled_when_unfunded() -> None:
    # presets whose timelines set levers and shocks in the middle of a platform period
    roster = tuple(Scenario.preset(n) for n in ("hartford", "louisville", "baseline", "hartford"))
    fld = Field(roster=roster, seed=SEED)
    got = run_field(fld, Platform(step_months=7), shards=3).trajectories
    want = _uncoupled(fld)
    for name in KEPT:
        np.testing.assert_array_equal(got[name], want[name], err_msg=name)


def test_field__common_random_numbers_same_cities_until_the_first_step() -> None:
    fld = Field(scenario=SMALL, cities=12, seed=SEED)
    alone = run_field(fld, strategy("alone")).trajectories
    funded = run_field(fld, _funded()).trajectories  # its first step after month 3
    for name in KEPT:
        np.testing.assert_array_equal(alone[name][:4], funded[name][:4], err_msg=name)
    assert not np.array_equal(alone["progress"], funded["progress"])

"""The platform's levers and the platform step's mechanisms, one at a time."""

from __future__ import annotations

import numpy as np
import pytest

from cisim.errors import ConfigError
from cisim.field import STRATEGIES, Platform, strategy
from cisim.field.coupling import (
    Cities,
    PlatformState,
    Summary,
    draw_cities,
    fit,
    funded,
    funded_years,
    platform_step,
)
from cisim.field.outcomes import gini, months_to_half


def test_platform__defaults_are_no_platform() -> None:
    assert Platform().budget == 0.0
    assert strategy("alone") == Platform()


@pytest.mark.parametrize(
    ("changes", "field", "allowed"),
    [
        ({"budget": -1}, "budget", "a number from 0 to 100"),
        ({"fidelity": 1.5}, "fidelity", "a number from 0 to 1"),
        ({"step_months": 2.5}, "step_months", "an integer from 1 to 120"),
        ({"programme": "magic"}, "programme", "one of 'learned', 'given'"),
    ],
)
def test_platform__bad_value_names_field_value_and_range(
    changes: dict[str, object], field: str, allowed: str
) -> None:
    with pytest.raises(ConfigError) as err:
        Platform(**changes)  # type: ignore[arg-type]
    assert err.value.field == field
    assert allowed in str(err.value)


def test_platform__unknown_lever_is_an_error_with_a_hint() -> None:
    with pytest.raises(ConfigError, match="did you mean 'budget'"):
        Platform.from_dict({"budgit": 1.0})


def test_platform__budget_without_any_service_is_refused() -> None:
    with pytest.raises(ConfigError, match="share > 0"):
        Platform(budget=1.0, evidence=0, programmes=0, capabilities=0, peers=0)


def test_platform_coverage__what_the_budget_buys_capped_at_every_city() -> None:
    p = Platform(budget=2.0, evidence=0.1, programmes=0.4, capabilities=0.5, peers=0.0)
    cover = p.coverage(1.0)
    assert cover == pytest.approx(
        {"evidence": 0.2, "programmes": 0.8, "capabilities": 1.0, "peers": 0.0}
    )
    assert set(p.coverage(0.0).values()) == {0.0}


@pytest.mark.parametrize("months", [1, 2, 3, 4, 6, 12])
def test_platform_coverage__the_same_contacts_a_year_at_any_step(months: int) -> None:
    # a contact is a quarter of a service: steps every month reach a third of the cities a
    # quarterly step reaches, so the budget buys the same contacts a year (below the cap)
    quarterly = Platform(budget=0.5).coverage(1.0)
    cover = Platform(budget=0.5, step_months=months).coverage(1.0)
    for service, share in cover.items():
        assert share * 12 / months == pytest.approx(quarterly[service] * 4)


def test_strategies__each_is_a_valid_platform() -> None:
    for name in STRATEGIES:
        assert isinstance(strategy(name), Platform)
    assert strategy("replicate").fidelity == 1.0
    assert strategy("programmes_only").shares == (0.0, 1.0, 0.0, 0.0)
    with pytest.raises(ConfigError, match="one of alone"):
        strategy("everything")


def test_fit__fidelity_fails_far_from_origin_adaptation_fits_everywhere_with_drift() -> None:
    context = np.array([0.5, 0.7, 1.0])
    faithful = fit(context, 0.5, fidelity=1.0, tolerance=0.4, drift=0.5)
    np.testing.assert_allclose(faithful, [1.0, 0.5, -0.25])
    adapted = fit(context, 0.5, fidelity=0.0, tolerance=0.4, drift=0.3)
    np.testing.assert_allclose(adapted, 0.7)
    assert (fit(context, 0.5, 0.5, 0.4, 0.5) > faithful)[2]  # adapting rescues the far city
    np.testing.assert_allclose(fit(context, 0.5, 0.0, 0.4, 1.0), 0.0)  # all core lost


def test_funded__reliable_always_inconsistent_by_year() -> None:
    steady = Platform(budget=1.0)
    assert all(funded(1, steady, m) == 1.0 for m in range(1, 121))
    shaky = Platform(budget=1.0, funding_reliability=0.5)
    years = [funded(1, shaky, 12 * y + 1) for y in range(40)]
    assert 0 < sum(years) < 40
    assert all(funded(1, shaky, 12 * y + 1) == funded(1, shaky, 12 * y + 12) for y in range(5))


def _summary(m: int, **changes: object) -> Summary:
    base: dict[str, object] = {
        "wins": np.zeros(m, np.int64),
        "reviews": np.ones(m),
        "alive": np.ones(m, bool),
        "entry_found": np.ones(m, bool),
        "entry_month": np.zeros(m, np.int64),
        "entry_fit": np.full(m, 0.8),
        "entry_acceptance": np.full(m, 0.8),
        "entry_imposed": np.zeros(m, bool),
        "knowledge": np.full(m, 0.2),
        "operational_capacity": np.full(m, 0.3),
        "task_scope": np.full(m, 0.4),
        "progress": np.linspace(0.0, 0.5, m),
        "data_use": np.full(m, 0.3),
        "joint_problem_solving": np.full(m, 0.3),
        "navigator": np.zeros(m, np.int64),
        "navigator_capacity": np.full(m, 4, np.int64),
    }
    base.update(changes)
    return Summary(**base)  # type: ignore[arg-type]


def _cities(m: int, context: float = 0.5) -> Cities:
    return Cities(np.full(m, context), np.zeros(m), np.zeros((m, 0), np.int64))


def test_gather__evidence_is_weighted_by_data_use_and_delayed() -> None:
    m = 200
    platform = Platform(budget=4.0, evidence_delay=1, evidence_noise=0.0)
    ps = PlatformState.start(platform, m)
    wins = np.ones(m, np.int64)
    sm = _summary(m, wins=wins, data_use=np.where(np.arange(m) < 100, 1.0, 0.0))
    context = np.where(np.arange(m) < 100, 0.9, 0.1)  # only the measuring cities are heard
    cities = Cities(context, np.zeros(m), np.zeros((m, 0), np.int64))
    platform_step(ps, sm, cities, platform, 0, 1, 3)
    assert ps.knowledge == 0.0  # a step late
    platform_step(ps, _summary(m, wins=wins, data_use=sm.data_use), cities, platform, 0, 2, 6)
    assert ps.knowledge > 0.0
    assert ps.context > 0.5  # moved towards where the evidence came from (0.9)


def test_programmes__misfit_raises_difficulty_and_erodes_trust() -> None:
    m = 50
    given = Platform(
        budget=4.0, programme="given", programme_strength=1.0, programme_context=0.0,
        fidelity=1.0, initial_trust=1.0, evidence=0, capabilities=0, peers=0,
    )  # fmt: skip
    sm = _summary(m, knowledge=np.full(m, 1.0), operational_capacity=np.full(m, 1.0))
    far = platform_step(PlatformState.start(given, m), sm, _cities(m, 1.0), given, 0, 1, 3)
    near_ps = PlatformState.start(given, m)
    near = platform_step(near_ps, sm, _cities(m, 0.0), given, 0, 1, 3)
    assert far.changed.all() and near.changed.all()
    assert (far.state["task_scope"] > 0.4).all()  # fails where it does not fit
    assert (near.state["task_scope"] < 0.4).all()  # eases where it does
    assert (near_ps.trust == 1.0).all()


def test_programmes__not_invented_here_blocks_what_must_be_taken_as_is() -> None:
    m = 100
    common = {"budget": 4.0, "programme": "given", "initial_trust": 1.0, "evidence": 0.0}
    sm = _summary(m)
    resistant = Cities(np.full(m, 0.5), np.ones(m), np.zeros((m, 0), np.int64))
    faithful = Platform(**common, fidelity=1.0)  # type: ignore[arg-type]
    adapted = Platform(**common, fidelity=0.0)  # type: ignore[arg-type]
    ps1, ps2 = PlatformState.start(faithful, m), PlatformState.start(adapted, m)
    platform_step(ps1, sm, resistant, faithful, 0, 1, 3)
    platform_step(ps2, sm, resistant, adapted, 0, 1, 3)
    assert ps1.adopted.sum() == 0
    assert ps2.adopted.sum() > 0.5 * m


def test_programmes__a_city_still_searching_gets_an_entry_point() -> None:
    m = 30
    given = Platform(budget=4.0, programme="given", initial_trust=1.0, fidelity=1.0)
    sm = _summary(m, entry_found=np.zeros(m, bool))
    out = platform_step(PlatformState.start(given, m), sm, _cities(m), given, 0, 1, 9)
    took = out.changed & out.state["entry_found"]
    assert took.any()
    assert (out.state["entry_month"][took] == 9).all()
    assert out.state["entry_imposed"][took].all()  # taken with fidelity: imposed


def test_programmes__a_misfit_opens_nothing_and_the_opening_is_as_good_as_the_fit() -> None:
    m = 60
    given = Platform(
        budget=4.0, programme="given", programme_strength=0.6, programme_context=0.0,
        fidelity=1.0, context_tolerance=0.4, initial_trust=1.0, evidence=0, capabilities=0,
        peers=0,
    )  # fmt: skip
    context = np.linspace(0.0, 1.0, m)  # fit 1 at 0, 0 at 0.4, a misfit beyond
    cities = Cities(context, np.zeros(m), np.zeros((m, 0), np.int64))
    sm = _summary(m, entry_found=np.zeros(m, bool))
    ps = PlatformState.start(given, m)
    out = platform_step(ps, sm, cities, given, 0, 1, 9)
    f = fit(context, 0.0, 1.0, 0.4, given.drift)
    opened = out.state["entry_found"]
    assert ps.adopted.sum() == m  # every city took it
    assert opened[f > 0].all() and not opened[f <= 0].any()  # a misfit opens no entry point
    quality = out.state["entry_fit"][opened]
    assert quality == pytest.approx(f[opened] * (given.entry_fit + 0.4 * 0.6))
    assert np.all(np.diff(quality) <= 0)  # farther from where it was proven, a worse opening


@pytest.mark.parametrize("months", [1, 3, 6, 12])
def test_unfunded_year__the_knowledge_base_and_trust_lose_the_same_at_any_step(months: int) -> None:
    m = 10
    platform = Platform(budget=1.0, step_months=months, funding_reliability=0.5)
    seed = next(s for s in range(100) if not funded(s, platform, 1))  # a first year unfunded
    ps = PlatformState.start(platform, m)
    ps.knowledge = 0.5
    for k in range(12 // months):
        platform_step(ps, _summary(m), _cities(m), platform, seed, k + 1, months * (k + 1))
    assert ps.knowledge == pytest.approx(0.5 * 0.95**4)  # 0.05 a quarter
    assert ps.trust == pytest.approx(np.full(m, 0.5 * 0.95**4))


def test_funded_evidence__keeps_the_knowledge_base() -> None:
    m = 10
    funded_platform = Platform(budget=1.0)
    ps = PlatformState.start(funded_platform, m)
    ps.knowledge = 0.5
    platform_step(ps, _summary(m, reviews=np.ones(m)), _cities(m), funded_platform, 0, 1, 3)
    assert ps.knowledge == 0.5  # nothing gathered yet (a step late), nothing lost
    no_evidence = Platform(budget=1.0, evidence=0.0)
    ps = PlatformState.start(no_evidence, m)
    ps.knowledge = 0.5
    platform_step(ps, _summary(m), _cities(m), no_evidence, 0, 1, 3)
    assert ps.knowledge == pytest.approx(0.5 * 0.95)  # no upkeep


def test_programmes__without_the_hand_over_only_cities_with_an_entry_point_take_one() -> None:
    m = 60
    given = Platform(
        budget=4.0, programme="given", initial_trust=1.0, fidelity=1.0, programme_entry="none",
        evidence=0, capabilities=0, peers=0,
    )  # fmt: skip
    has_one = np.arange(m) < m // 2
    ps = PlatformState.start(given, m)
    out = platform_step(ps, _summary(m, entry_found=has_one), _cities(m), given, 0, 1, 9)
    assert not out.state["entry_found"][~has_one].any()  # no entry point handed over
    assert ps.adopted[has_one].sum() > 0 and ps.adopted[~has_one].sum() == 0
    assert not out.changed[~has_one].any()


def test_capabilities__training_raises_practice_with_trust() -> None:
    m = 20
    ta = Platform(budget=4.0, capabilities=1.0, evidence=0, programmes=0, peers=0)
    ps = PlatformState.start(ta, m)
    out = platform_step(ps, _summary(m), _cities(m), ta, 0, 1, 3)
    assert (out.params["data_use"] > 0.3).all()
    assert (out.params["joint_problem_solving"] > 0.3).all()
    distrust = PlatformState.start(ta.replace(initial_trust=0.0), m)
    out = platform_step(distrust, _summary(m), _cities(m), ta, 0, 1, 3)
    assert (out.params["data_use"] == 0.3).all()


def test_peers__cities_learn_from_a_better_peer_only() -> None:
    m = 2
    peer = Platform(budget=4.0, peers=1.0, evidence=0, programmes=0, capabilities=0)
    ps = PlatformState.start(peer, m)
    cities = Cities(np.full(m, 0.5), np.zeros(m), np.array([[1], [0]]))
    sm = _summary(m, wins=np.array([0, 3]), data_use=np.array([0.1, 0.9]))
    out = platform_step(ps, sm, cities, peer, 0, 1, 3)
    assert out.params["data_use"][0] > 0.1  # learnt from the winning peer
    assert out.params["data_use"][1] == 0.9  # nothing to learn from a worse one


def test_draw_cities__the_same_cities_for_every_strategy() -> None:
    a = draw_cities(7, 100, strategy("platform"))
    b = draw_cities(7, 100, strategy("replicate"))
    np.testing.assert_array_equal(a.context, b.context)
    assert (a.peers != np.arange(100)[:, None]).all()


def test_gini__equal_is_zero_concentrated_is_near_one() -> None:
    assert gini(np.ones(10)) == pytest.approx(0.0)
    assert gini(np.r_[np.zeros(99), 1.0]) == pytest.approx(0.99)


def test_months_to_half__first_month_at_half_or_nan() -> None:
    assert months_to_half([3, 6, 9], [0.1, 0.5, 0.9]) == 6
    assert np.isnan(months_to_half([3, 6], [0.1, 0.2]))


def test_reach__targets_the_weakest_or_strongest_first() -> None:
    from cisim.field.coupling import reach

    m = 10
    sm = _summary(m)  # progress rises with the city's number
    draw = np.linspace(0.95, 0.05, m)
    assert np.flatnonzero(reach(draw, 0.3, sm, "weakest")).tolist() == [0, 1, 2]
    assert np.flatnonzero(reach(draw, 0.3, sm, "strongest")).tolist() == [7, 8, 9]
    assert reach(draw, 0.3, sm, "random").sum() == 3  # the three lowest draws
    dead = _summary(m, alive=np.arange(m) != 0)
    assert np.flatnonzero(reach(draw, 0.3, dead, "weakest")).tolist() == [1, 2, 3]


def test_programmes__a_city_keeps_what_it_adopted_and_takes_only_news() -> None:
    m = 40
    given = Platform(
        budget=4.0, programme="given", initial_trust=1.0, fidelity=0.0,
        evidence=0, capabilities=0, peers=0,
    )  # fmt: skip
    ps = PlatformState.start(given, m)
    first = platform_step(ps, _summary(m), _cities(m), given, 0, 1, 3)
    assert first.changed.all()  # full trust, no NIH when adapted: every city adopts
    again = platform_step(ps, _summary(m), _cities(m), given, 0, 2, 6)
    assert not again.changed.any()  # the same programme again brings nothing new
    assert (ps.adopted == 1).all()
    better = given.replace(programme_strength=0.9)
    more = platform_step(ps, _summary(m), _cities(m), better, 0, 3, 9)
    assert more.changed.all()
    relief = 1.0 - more.state["task_scope"] / 0.4
    first_relief = 1.0 - first.state["task_scope"] / 0.4
    np.testing.assert_allclose(relief, first_relief * (0.9 - 0.6) / 0.6)  # only the news


def test_funded_years__the_years_of_the_steps_that_run() -> None:
    steady = Platform(budget=1.0)
    assert funded_years(0, steady, 120) == list(range(1, 11))  # steps at 3, 6, ..., 117
    yearly = Platform(budget=1.0, step_months=12)
    assert funded_years(0, yearly, 120) == list(range(1, 10))  # no step in year 10
    unsteady = Platform(budget=1.0, funding_reliability=0.5)
    years = funded_years(2026, unsteady, 120)
    assert years == [y for y in range(1, 11) if funded(2026, unsteady, 12 * y)]
    assert 0 < len(years) < 10

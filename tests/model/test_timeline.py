"""A scenario's timeline of events (cisim.model.timeline): levers, traits and shocks at month t."""

from __future__ import annotations

import numpy as np
import pytest

from cisim import engine
from cisim.errors import ConfigError
from cisim.model.mechanisms import SCHEDULE
from cisim.model.population import RunSpec, build_state
from cisim.model.scenario import Scenario
from cisim.model.timeline import LEVERS, STARTING, TRAITS
from cisim.study.simulate import simulate

BASE = Scenario.preset("baseline").replace(horizon_months=60)


def _run(scenarios: list[Scenario], seed: int = 5) -> tuple[dict[str, np.ndarray], object]:
    specs = [RunSpec(sc, seed, k) for k, sc in enumerate(scenarios)]
    st, p = build_state(specs)
    return engine.run(st, p, max(sc.horizon_months for sc in scenarios)), st


def _same(a: dict[str, np.ndarray], b: dict[str, np.ndarray], months: slice = slice(None)) -> bool:
    return all(np.array_equal(a[k][months], b[k][months]) for k in a)


# ---- what may change ----------------------------------------------------------------------------
def test_levers__are_the_parameters_the_monthly_step_reads():
    read = {
        name
        for m in SCHEDULE
        for name in __import__(m.py_func.__module__, fromlist=["x"]).PARAMETERS
    }
    assert set(LEVERS) == read - {"initial_trust"}


# ---- the engine ---------------------------------------------------------------------------------
def test_timeline__an_event_that_changes_nothing_leaves_the_run_bit_identical():
    plain, _ = _run([BASE] * 6)
    same, _ = _run([BASE.at(20, data_use=BASE.data_use).at(35, navigator=0)] * 6)
    assert _same(plain, same)


def test_timeline__stepping_month_by_month_equals_one_run():
    sc = BASE.at(12, navigator=1).at(13, data_use=0.8).at(30, shock="public_failure", size=0.4)
    whole, _ = _run([sc] * 4)
    st, p = build_state([RunSpec(sc, 5, k) for k in range(4)])
    months = [engine.run(st, p, 1) for _ in range(sc.horizon_months)]
    for name, table in whole.items():
        stepped = np.vstack([months[0][name][:1]] + [m[name][1:] for m in months])
        assert np.array_equal(table, stepped), name


def test_timeline__a_lever_acts_from_its_month_and_the_months_before_are_paired():
    plain, _ = _run([BASE] * 8)
    later, _ = _run([BASE.at(24, navigator=1)] * 8)
    assert _same(plain, later, slice(0, 24))  # months 0-23: the same runs, the same luck
    assert not np.array_equal(plain["navigator_activity"][24:], later["navigator_activity"][24:])
    assert (
        later["navigator_activity"][24:].sum() > 0 and later["navigator_activity"][:24].sum() == 0
    )


def test_timeline__rows_with_different_timelines_run_as_if_alone():
    scenarios = [
        BASE,
        BASE.at(10, navigator=1),
        BASE.at(40, shock="champion_leaves"),
        BASE.at(5, resources=0.5),
    ]
    mixed, _ = _run(scenarios)
    for k, sc in enumerate(scenarios):
        st, p = build_state([RunSpec(sc, 5, k)])
        alone = engine.run(st, p, sc.horizon_months)
        for name in mixed:
            assert np.array_equal(mixed[name][:, k], alone[name][:, 0]), (k, name)


def test_timeline__levers_persist_in_the_parameters():
    st, p = build_state([RunSpec(BASE.at(3, data_use=0.9, entry_point="designed"), 1, 0)])
    engine.run(st, p, 2)
    assert p.data_use[0] == pytest.approx(0.3)
    engine.run(st, p, 1)
    assert p.data_use[0] == pytest.approx(0.9) and p.entry_point[0] == 1


# ---- traits and shocks --------------------------------------------------------------------------
def _state_before_and_after(sc: Scenario, month: int, seed: int = 3):
    st, p = build_state([RunSpec(sc, seed, k) for k in range(5)])
    engine.run(st, p, month - 1)
    before = {
        f: getattr(st, f).copy()
        for f in (
            "turnover",
            "capacity",
            "alignment",
            "authority",
            "legitimacy",
            "support",
            "representatives",
            "sector",
            "status",
        )
    }
    out = engine.run(st, p, 1)
    return before, st, out


@pytest.mark.parametrize("trait", TRAITS)
def test_trait_event__moves_every_organisation_by_the_change_in_the_mean(trait):
    new = 0.05 if trait == "turnover" else 0.2
    before, st, _ = _state_before_and_after(BASE.at(10, **{trait: new}), 10)
    present = before["status"] != 0
    shift = new - getattr(BASE, trait)
    expected = np.clip(before[trait] + shift, 0.0, 1.0)
    # the context mechanism is first in the month; later mechanisms do not change these traits
    assert np.allclose(getattr(st, trait)[present], expected[present])


def test_public_failure__costs_legitimacy_and_support_and_is_a_setback():
    sc = BASE.at(15, shock="public_failure", size=0.6)
    before, st, out = _state_before_and_after(sc, 15)
    _, _, plain = _state_before_and_after(BASE, 15)
    assert (st.legitimacy < 0.6 * before["legitimacy"]).all()
    assert (st.support < 0.6 * before["support"] + 0.05).all()
    assert st.setback_now.all()
    responses = out["learning_responses"][-1] + out["blame_responses"][-1]
    plain_responses = plain["learning_responses"][-1] + plain["blame_responses"][-1]
    assert (responses > plain_responses).all()


def test_champion_leaves__replaces_the_most_trusted_representative_only():
    sc = BASE.replace(turnover=0.0, sectors={}).at(20, shock="champion_leaves")
    st, p = build_state([RunSpec(sc, 3, k) for k in range(5)])
    engine.run(st, p, 19)
    live = st.live  # the ties live at the start of month 20 (the champion is chosen from them)
    trust_in = np.zeros((st.replicates, st.slots))
    count = np.zeros((st.replicates, st.slots))
    for r in range(st.replicates):
        np.add.at(trust_in[r], st.dst[r][live[r]], st.trust[r][live[r]])
        np.add.at(count[r], st.dst[r][live[r]], 1.0)
    mean_in = np.where(count > 0, trust_in / np.maximum(count, 1), -1.0)
    mean_in[~st.active] = -1.0
    before = st.representatives.copy()
    engine.run(st, p, 1)
    left = st.representatives - before
    assert (left.sum(axis=1) == 1).all()
    assert (np.argmax(left, axis=1) == np.argmax(mean_in, axis=1)).all()


def test_new_leader__replaces_a_public_seat_and_moves_public_alignment():
    sc = BASE.replace(turnover=0.0, sectors={}).at(20, shock="new_leader", size=-0.3)
    before, st, _ = _state_before_and_after(sc, 20)
    left = st.representatives - before["representatives"]
    public = before["sector"] == 0
    assert (left.sum(axis=1) == 1).all()
    assert (public[left == 1]).all()
    present = before["status"] != 0
    moved = st.alignment - before["alignment"]
    assert np.allclose(
        moved[public & present],
        np.clip(before["alignment"] - 0.3, 0, 1)[public & present]
        - before["alignment"][public & present],
    )
    assert np.allclose(moved[~public & present], 0.0)


def test_paired_comparison__a_navigator_in_year_two_is_paired_with_none():
    plain = simulate(BASE, 60, seed=9)
    later = simulate(BASE.at(24, navigator=1), 60, seed=9)
    for name in ("mean_trust", "progress", "blame_responses"):
        assert np.array_equal(plain.arrays[name][:24], later.arrays[name][:24])


# ---- data: TOML, API, validation ----------------------------------------------------------------
def test_at__adds_events_in_month_order_and_changes_the_digest():
    sc = BASE.at(30, navigator=1).at(12, shock="public_failure", size=0.2, label="a scandal")
    assert [e.month for e in sc.timeline] == [12, 30]
    assert sc.timeline[0].words() == "a scandal"
    assert sc.timeline[1].words() == "a navigator joined"
    assert sc.digest != BASE.digest
    assert BASE.replace(timeline=()).digest == BASE.digest


def test_timeline__round_trips_through_toml(tmp_path):
    sc = BASE.at(24, navigator=1, label="a navigator joins").at(36, shock="new_leader", size=0.2)
    sc = sc.at(48, resources=0.0, capacity=0.4)
    path = tmp_path / "s.toml"
    sc.to_toml(path)
    assert Scenario.from_toml(path) == sc
    assert "[[timeline]]" in path.read_text()


def test_replace__sets_a_field_of_an_event_by_its_number():
    sc = BASE.at(24, navigator=1).at(36, shock="public_failure", size=0.2)
    moved = sc.replace(**{"timeline.1.month": 6, "timeline.2.size": 0.7})
    assert [(e.month, e.size) for e in moved.timeline] == [(6, 0.0), (36, 0.7)]
    with pytest.raises(ConfigError, match=r"timeline\.3\.month"):
        sc.replace(**{"timeline.3.month": 6})


@pytest.mark.parametrize(
    ("event", "field", "allowed"),
    [
        ({"month": 0, "navigator": 1}, "timeline.1.month", "a month from 1 to horizon_months (60)"),
        ({"month": 61, "navigator": 1}, "timeline.1.month", "from 1 to"),
        ({"month": 2.5, "navigator": 1}, "timeline.1.month", "a month"),
        ({"navigator": 1}, "timeline.1.month", "a month"),
        ({"month": 5, "navigator": 51}, "timeline.1.navigator", "an integer from 0 to 50"),
        (
            {"month": 5, "n_organisations": 30},
            "timeline.1.n_organisations",
            "shapes only the start",
        ),
        ({"month": 5, "initial_trust": 0.3}, "timeline.1.initial_trust", "shapes only the start"),
        ({"month": 5, "navigatr": 1}, "timeline.1.navigatr", "a lever the monthly step reads"),
        ({"month": 5, "shock": "earthquake"}, "timeline.1.shock", "'public_failure'"),
        ({"month": 5, "shock": "public_failure", "size": 2}, "timeline.1.size", "from 0 to 1"),
        ({"month": 5, "navigator": 1, "size": 0.5}, "timeline.1.size", "only with a shock"),
        ({"month": 5}, "timeline.1", "an event that sets a lever or applies a shock"),
        ({"month": 5, "label": 3, "navigator": 1}, "timeline.1.label", "a string"),
        ("navigator", "timeline.1", "a table"),
    ],
)
def test_timeline__bad_events_name_the_field_and_what_is_allowed(event, field, allowed):
    with pytest.raises(ConfigError) as err:
        BASE.replace(timeline=(event,))
    assert err.value.field == field
    assert allowed in str(err.value)


def test_timeline__must_be_a_list():
    with pytest.raises(ConfigError, match="a list of events"):
        BASE.replace(timeline={"month": 3})


def test_timeline__errors_in_a_toml_file_give_the_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(
        "horizon_months = 60\n\n[[timeline]]\nmonth = 12\nnavigator = 1\n\n"
        '[[timeline]]\nmonth = 20\nshock = "public_failure"\nsize = 1.5\n'
    )
    with pytest.raises(ConfigError) as err:
        Scenario.from_toml(path)
    assert str(err.value).startswith(f"{path}, line 10: timeline.2.size = 1.5 is not allowed")


def _other_value(name: str):
    from cisim.model.parameters import SPECS

    spec = SPECS[name]
    value = getattr(BASE, name)
    if spec.kind == "choice":
        return next(c for c in spec.choices if c != value)
    if spec.kind == "int":
        return int(spec.lo if value != spec.lo else min(spec.hi, value + 1))
    return (
        float(spec.lo + 0.8 * (spec.hi - spec.lo))
        if value < spec.lo + 0.5 * (spec.hi - spec.lo)
        else float(spec.lo + 0.2 * (spec.hi - spec.lo))
    )


@pytest.mark.parametrize("name", [n for n in LEVERS if n not in STARTING])
def test_lever__pulled_in_month_1_is_the_same_as_from_the_start(name):
    """A lever means the same thing whenever it is pulled: set in month 1, before the first step,
    it gives bit-identical runs to the scenario that had it from the start (the levers that also
    set the starting state, STARTING, are the documented exceptions)."""
    value = _other_value(name)
    start, _ = _run([BASE.replace(**{name: value})] * 4)
    first, _ = _run([BASE.at(1, **{name: value})] * 4)
    assert _same(start, first), name


def test_starting__names_levers_only():
    assert set(STARTING) <= set(LEVERS)


def test_designed_entry_point__is_handed_over_in_its_month():
    sc = BASE.replace(entry_base_rate=0.0).at(18, entry_point="designed")
    out, st = _run([sc] * 3)
    assert (out["entry_found"][:18] == 0).all() and (out["entry_found"][18:] == 1).all()
    assert (st.entry_month == 18).all()


def test_state_take__keeps_each_rows_timeline():
    scenarios = [
        BASE,
        BASE.at(10, navigator=1),
        BASE.at(20, shock="champion_leaves"),
        BASE.at(5, data_use=0.9),
    ]
    st, p = build_state([RunSpec(sc, 3, k) for k, sc in enumerate(scenarios)])
    rows = np.array([3, 1])
    taken = engine.run(st.take(rows), type(p)(*(a[rows].copy() for a in p)), 60)
    alone_st, alone_p = build_state([RunSpec(scenarios[3], 3, 3), RunSpec(scenarios[1], 3, 1)])
    alone = engine.run(alone_st, alone_p, 60)
    assert _same(taken, alone)
    assert st.take(np.array([0])).schedule is None  # a row without events has no schedule


def test_public_failures_in_one_month__combine_as_what_survives_both():
    sc = BASE.at(30, shock="public_failure", size=0.7).at(30, shock="public_failure", size=0.7)
    _, st, _ = _state_before_and_after(sc, 30)
    assert (st.legitimacy >= 0).all() and (st.support >= 0).all()
    assert np.allclose(st.shortfall, 1 - 0.3 * 0.3)


def test_entry_point_set_later__does_not_rewrite_whether_the_found_one_was_imposed():
    searched, _ = _run([BASE] * 6)
    _, st = _run([BASE.at(55, entry_point="imposed")] * 6)
    found_before = searched["entry_found"][54] == 1
    assert found_before.any()
    assert not st.entry_imposed[found_before].any()  # found by a search: still revisable
    plain_st, plain_p = build_state([RunSpec(BASE, 5, k) for k in range(6)])
    engine.run(plain_st, plain_p, 60)
    assert np.array_equal(st.entry_revisions[found_before], plain_st.entry_revisions[found_before])

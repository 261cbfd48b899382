"""Levers act at once: a lever moved mid-run changes the world from the next month, exactly as a
scenario whose timeline sets it in that month (common random numbers hold), and the story says so;
with two worlds, one world can change while the other goes on."""

from __future__ import annotations

import numpy as np
import pytest

from cisim.app.classroom import Classroom, ClassroomModel, Twin
from cisim.app.levers import LEVERS, START_ONLY
from cisim.app.world import Settings, World
from cisim.engine.mesa_model import CollaborationModel
from cisim.errors import ConfigError
from cisim.model.timeline import LEVERS as TIMELINE_LEVERS
from cisim.model.timeline import TRAITS


def _same(a, b) -> list[str]:
    """Metrics whose series differ."""
    return [k for k in a if not np.array_equal(np.asarray(a[k]), np.asarray(b[k]), equal_nan=True)]


@pytest.mark.parametrize(
    ("preset", "seed", "lever", "value"),
    [
        ("baseline", 4, "navigator", 1),
        ("hartford", 1, "resources", 0.1),
        ("louisville", 3, "turnover", 0.0),  # a trait: every organisation's value moves
        ("baseline", 3, "entry_point", "designed"),
    ],
)
def test_set_lever__gives_the_timeline_scenarios_trajectory(preset, seed, lever, value):
    world = World(Settings(preset, seed))
    world.step(12)
    said = world.set_lever(lever, value)
    world.step(24)
    shown = LEVERS[lever].acts_words(LEVERS[lever].check(value))
    engine_value = int(value) if LEVERS[lever].kind == "switch" else value
    scenario = Settings(preset, seed).scenario().at(13, label=shown, **{lever: engine_value})
    expected = CollaborationModel(scenario=scenario, rng=seed)
    expected.run_for(36)
    assert _same(world.series, expected.datacollector.model_vars) == []
    untouched = World(Settings(preset, seed))
    untouched.step(36)
    assert _same(world.series, untouched.series)  # the lever did change the world
    before = {k: v[:13] for k, v in world.series.items()}
    assert _same(before, {k: v[:13] for k, v in untouched.series.items()}) == []  # months 0-12
    assert said is not None and str(said).startswith("Month 12: you ")
    assert any(
        e.kind == "timeline" and e.month == 13 and "your change" in e.text for e in world.events
    )


def test_set_lever__the_log_says_month_12_you_added_a_navigator():
    world = World(Settings(seed=1))
    world.step(12)
    event = world.set_lever("navigator", 1)
    assert str(event) == "Month 12: you added a navigator (it acts from month 13)."
    assert world.events[-1] is event
    assert world.levers["navigator"] == 1 and world.settings.levers["navigator"] == 0
    assert world.set_lever("navigator", 1) is None  # already so: nothing happens


def test_set_lever__refuses_what_cannot_act_mid_run():
    world = World(Settings(seed=1))
    world.step(3)
    with pytest.raises(ConfigError, match=r"initial_trust.*a lever that acts mid-run"):
        world.set_lever("initial_trust", 0.8)
    with pytest.raises(ConfigError, match="data_use"):
        world.set_lever("data_use", 7)
    world.step(1000)
    with pytest.raises(ConfigError, match="before the run is over"):
        world.set_lever("data_use", 0.8)


def test_start_only__are_the_levers_the_timeline_cannot_set():
    settable = set(TIMELINE_LEVERS) | set(TRAITS)
    assert {name for name in LEVERS if name not in settable} == START_ONLY


def test_classroom__a_lever_mid_run_acts_in_both_worlds_but_the_one_that_differs():
    classroom = Classroom(Settings(seed=4), Twin("navigator"))
    classroom.step(12)
    classroom.set_lever("data_use", 0.9)
    assert [w.levers["data_use"] for w in classroom.worlds] == [0.9, 0.9]
    classroom.set_lever("navigator", 1)  # this world's value of the lever that differs
    assert classroom.world.levers["navigator"] == 1
    assert [len(w.changes) for w in classroom.worlds] == [2, 1]
    assert classroom.month == 12 and classroom.twin.month == 12  # nobody restarted


def test_classroom__the_other_world_changes_while_this_one_goes_on():
    classroom = Classroom(Settings(seed=4), Twin("resources", 0.6))
    classroom.step(12)
    first_events = list(classroom.world.events)
    said = classroom.set_other(0.1)
    assert [str(e) for e in said] == [
        "Month 12: you set 'Resources (a grant)' to 0.1 (it acts from month 13)."
    ]
    assert classroom.month == classroom.twin.month == 12
    assert classroom.world.events == first_events and not classroom.world.changes
    assert classroom.comparison.value == 0.1
    classroom.step(12)
    assert classroom.world.month == classroom.twin.month == 24


def test_classroom__a_second_world_shown_mid_run_parts_from_the_first_now():
    classroom = Classroom(Settings(seed=4))
    classroom.step(12)
    classroom.set_lever("data_use", 0.8)
    classroom.step(6)
    classroom.compare(Twin("navigator"))
    first, other = classroom.worlds
    assert other.month == first.month == 18 and classroom.comparison.since == 18
    months = {k: v[:19] for k, v in first.series.items()}
    assert _same(months, {k: v[:19] for k, v in other.series.items()}) == []  # one past
    assert [(c.month, c.lever) for c in other.changes] == [(12, "data_use"), (18, "navigator")]
    classroom.step(24)
    assert _same(first.series, other.series)  # the histories part
    classroom.compare(None)
    assert classroom.twin is None and classroom.month == 42  # this world goes on


def test_classroom__start_only_levers_and_month_0_start_again():
    classroom = Classroom(Settings(seed=4), Twin("navigator"))
    classroom.set_lever("data_use", 0.8)  # month 0: simply the start
    assert not classroom.world.changes and classroom.world.scenario.data_use == 0.8
    classroom.step(5)
    classroom.set_lever("initial_trust", 0.7)
    assert classroom.month == 0 and classroom.settings.levers["initial_trust"] == 0.7
    assert classroom.twin is not None and classroom.twin.levers["navigator"] == 1


def test_classroom__reset_starts_again_with_the_levers_as_they_are_now():
    classroom = Classroom(Settings(seed=4), Twin("resources", 0.6))
    classroom.step(12)
    classroom.set_lever("navigator", 1)
    classroom.set_other(0.2)
    classroom.reset()
    assert classroom.month == 0 and not classroom.world.changes and not classroom.twin.changes
    assert classroom.world.scenario.navigator == 1 and classroom.twin.scenario.navigator == 1
    assert classroom.twin.scenario.resources == 0.2 and classroom.comparison.value == 0.2


def test_classroom_model__takes_rng_only():
    model = ClassroomModel(preset="hartford", rng=4)
    assert model.classroom.settings.seed == 4 and model.parameters["rng"] == 4
    with pytest.raises(TypeError, match="use rng="):
        ClassroomModel(seed=4)
    with pytest.raises(ConfigError, match="rng"):
        ClassroomModel(rng=-1)

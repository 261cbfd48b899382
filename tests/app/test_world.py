"""The worlds a class watches: settings, stepping, the story, the two linked worlds."""

from __future__ import annotations

import numpy as np
import pytest

from cisim.app.classroom import Classroom, Twin
from cisim.app.levers import LEVERS, preset_values
from cisim.app.world import Settings, World
from cisim.errors import ConfigError
from cisim.model.scenario import PRESET_NAMES


def test_settings__take_the_preset_values_and_check_overrides():
    settings = Settings(preset="hartford", seed=3, levers={"aspiration": 0.4})
    assert settings.levers["resources"] == 0.9  # hartford's
    assert settings.levers["aspiration"] == 0.4
    assert settings.scenario().aspiration == 0.4
    with pytest.raises(ConfigError, match="aspiration"):
        Settings(levers={"aspiration": 2.0})
    with pytest.raises(ConfigError, match="preset"):
        Settings(preset="nowhere")
    with pytest.raises(ConfigError, match="seed"):
        Settings(seed=-1)


@pytest.mark.parametrize("preset", PRESET_NAMES)
def test_preset_values__cover_every_lever(preset):
    assert set(preset_values(preset)) == set(LEVERS)


def test_world__steps_month_by_month_and_stops_at_the_end():
    world = World(Settings(seed=5, levers={"n_organisations": 8}))
    assert world.month == 0 and not world.events
    world.step(3)
    assert world.month == 3
    assert len(world.series["mean_trust"]) == 4  # months 0..3
    world.step(1000)
    assert world.over and world.month <= world.scenario.horizon_months
    assert world.verdict.final and world.events[-1].kind == "end"
    assert world.step(5) == []


def test_world__is_the_engine_run_of_the_same_seed():
    from cisim import simulate

    settings = Settings(preset="strong_start", seed=11)
    world = World(settings)
    world.step(24)
    run = simulate(settings.scenario(), replicates=1, seed=11).trajectories
    expected = run[run["month"] <= 24]["mean_trust"].to_numpy()
    np.testing.assert_allclose(world.series["mean_trust"], expected, rtol=0, atol=1e-12)


def test_world__the_same_seed_tells_the_same_story():
    one, two = (
        World(Settings(preset="hartford", seed=2)),
        World(Settings(preset="hartford", seed=2)),
    )
    one.step(30)
    two.step(30)
    assert [str(e) for e in one.events] == [str(e) for e in two.events]


def test_world__events_are_in_month_order_and_match_the_metrics():
    world = World(Settings(preset="louisville", seed=4))
    world.step(60)
    months = [e.month for e in world.events]
    assert months == sorted(months)
    turnover = sum(e.kind == "turnover" for e in world.events)
    assert turnover == sum(world.series["turnover_events"])
    setbacks = {e.month for e in world.events if e.kind == "setback"}
    responded = {
        m
        for m, (a, b) in enumerate(
            zip(world.series["learning_responses"], world.series["blame_responses"], strict=True)
        )
        if a + b
    }
    assert responded <= setbacks


def test_classroom__second_world_has_the_same_seed_and_one_lever_changed():
    classroom = Classroom(Settings(seed=9), Twin("navigator"))
    first, other = classroom.world, classroom.twin
    assert other is not None
    assert other.settings.seed == first.settings.seed
    changed = {k for k in LEVERS if first.settings.levers[k] != other.settings.levers[k]}
    assert changed == {"navigator"}
    assert other.settings.levers["navigator"] == 1
    # the same organisations, drawn alike, and the same luck: who leaves in month 1
    np.testing.assert_array_equal(first.layout.x, other.layout.x)
    classroom.step(1)
    np.testing.assert_array_equal(first.model.state.left_now, other.model.state.left_now)
    assert other.month == first.month == 1


def test_classroom__changing_settings_starts_again_and_refreshes_the_contrast():
    classroom = Classroom(Settings(), Twin("initial_trust"))
    assert classroom.comparison is not None
    assert classroom.comparison.value == 0.85  # 0.5 moved up a third of the range, on the grid
    classroom.step(5)
    classroom.configure(classroom.settings.with_lever("initial_trust", 0.8))
    assert classroom.month == 0
    assert classroom.comparison.value == 0.45
    classroom.compare(None)
    assert classroom.twin is None

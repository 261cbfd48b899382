"""The classroom as a Mesa model (what the page runs): keyword parameters (seeded with ``rng=``
only), step, running."""

from __future__ import annotations

import pytest

from cisim.app.classroom import Classroom, ClassroomModel, Twin
from cisim.app.levers import LEVERS
from cisim.app.world import Settings
from cisim.errors import ConfigError


def test_model__keyword_parameters_make_the_classroom():
    model = ClassroomModel(preset="hartford", rng=4, initial_trust=0.6, navigator=True)
    settings = model.classroom.settings
    assert (settings.preset, settings.seed) == ("hartford", 4)
    assert settings.levers["initial_trust"] == 0.6 and settings.levers["navigator"] == 1
    assert settings.levers["resources"] == 0.9  # the preset's, not given
    assert model.classroom.twin is None and model.running


def test_model__step_advances_every_world_and_mesa_time():
    model = ClassroomModel(rng=2, compare="navigator")
    for _ in range(5):
        model.step()
    assert model.classroom.world.month == model.classroom.twin.month == 5
    assert model.time == 5


def test_model__the_same_parameters_the_same_history():
    a, b = ClassroomModel(rng=9), ClassroomModel(**ClassroomModel(rng=9).parameters)
    for _ in range(24):
        a.step()
        b.step()
    assert [str(e) for e in a.classroom.world.events] == [str(e) for e in b.classroom.world.events]


def test_model__runs_until_the_classroom_is_over():
    model = ClassroomModel(rng=1)
    horizon = model.classroom.world.scenario.horizon_months
    steps = 0
    while model.running and steps <= horizon:
        model.step()
        steps += 1
    assert not model.running and model.classroom.over and steps <= horizon


def test_model__second_world_value_and_its_contrast():
    model = ClassroomModel(compare="initial_trust", compare_value=0.9)
    assert model.classroom.twin.settings.levers["initial_trust"] == 0.9
    same = ClassroomModel(compare="initial_trust", compare_value=0.5)  # as the first world
    assert same.classroom.comparison == Twin("initial_trust", LEVERS["initial_trust"].contrast(0.5))
    assert ClassroomModel(compare=None, compare_value=0.9).classroom.twin is None


def test_model__rng_is_the_seed_and_seed_is_refused():
    assert ClassroomModel(rng=3).classroom.settings.seed == 3
    assert ClassroomModel(rng="12").classroom.settings.seed == 12  # a text box's value
    with pytest.raises(TypeError, match="use rng= instead"):
        ClassroomModel(seed=3)


def test_model__a_given_classroom_is_run_as_it_is():
    classroom = Classroom(Settings(preset="louisville"), Twin("turnover"))
    model = ClassroomModel(classroom=classroom, preset="hartford")
    assert model.classroom is classroom


@pytest.mark.parametrize(
    ("kwargs", "said"),
    [
        ({"preset": "nowhere"}, "preset"),
        ({"rng": -1}, "rng"),
        ({"rng": "x"}, "rng"),
        ({"compare": "colour"}, "compare"),
        ({"sunshine": 0.3}, "lever"),
        ({"initial_trust": 2.0}, "initial_trust"),
    ],
)
def test_model__bad_parameters_are_config_errors(kwargs, said):
    with pytest.raises(ConfigError, match=said):
        ClassroomModel(**kwargs)

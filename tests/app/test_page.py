"""Component tests: render the page (Mesa's SolaraViz around the classroom model) with Solara's
test renderer, press its controls, and check that the worlds changed (no browser)."""

from __future__ import annotations

import time

import ipyvuetify as v
import ipywidgets
import pytest
import solara
from mesa.visualization import solara_viz

from cisim.app.classroom import Classroom, ClassroomModel
from cisim.app.levers import LEVERS
from cisim.app.page import COMPONENTS, GRID_LAYOUT, Page, model_params
from cisim.app.world import Settings


@pytest.fixture
def page():
    model = solara.reactive(ClassroomModel(classroom=Classroom(Settings(seed=7))))
    box, rc = solara.render(Page(model=model), handle_error=False)
    yield model, rc, box
    rc.close()


def click(rc, label, timeout=20.0):
    """Click the button (waiting for it: a render from the play loop's thread may be under way)."""
    deadline = time.monotonic() + timeout
    while not (found := rc.find(v.Btn, children=[label]).widgets):
        assert time.monotonic() < deadline, f"no {label!r} button"
        time.sleep(0.05)
    found[0].click()


def widgets(root):
    """Every widget under ``root`` (children, and the items of SolaraViz's grid)."""
    yield root
    for name in ("children", "items"):
        for child in getattr(root, name, None) or []:
            if isinstance(child, ipywidgets.Widget):
                yield from widgets(child)


def events_shown(box):
    return [
        w.children[0]
        for w in widgets(box)
        if "cisim-event " in f"{getattr(w, 'class_', '') or ''} " and w.children
    ]


def shown_html(rc):
    return [w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets if w.unsafe_innerHTML]


def test_page__solaraviz_frame_with_the_components(page):
    _model, rc, _box = page
    rc.find(solara.widgets.GridLayout).assert_single()  # SolaraViz's grid of components
    grid = rc.find(solara.widgets.GridLayout).widget
    assert grid.grid_layout == [dict(item) for item in GRID_LAYOUT]
    assert len(grid.items) == len(COMPONENTS)
    for name in ("Reset", "Step", "▶", "Year"):
        rc.find(v.Btn, children=[name]).assert_single()
    for lever in LEVERS.values():  # one SolaraViz model parameter per lever
        kind = {"switch": v.Checkbox, "choice": v.Select}.get(lever.kind, v.Slider)
        rc.find(kind, label=lever.label).assert_single()
    assert any("<b>Month 0</b>" in html for html in shown_html(rc))


def test_page__step_and_year_advance_the_world_and_the_log(page):
    model, rc, box = page
    click(rc, "Step")
    assert model.value.classroom.month == 1
    click(rc, "Year")
    assert model.value.classroom.month == 13
    assert model.value.time == 13  # Mesa's clock follows
    assert any("<b>Month 13</b>" in html for html in shown_html(rc))
    log = events_shown(box)
    assert log and all(line.startswith("Month ") for line in log)
    assert log[0].startswith("Month 1")  # newest first
    assert len(log) == len(model.value.classroom.world.events)


def test_page__a_lever_takes_effect_on_reset(page):
    model, rc, _box = page
    click(rc, "Year")
    rc.find(v.Slider, label="Trust at the start").widget.v_model = 0.8
    assert model.value.classroom.settings.levers["initial_trust"] == 0.5  # not yet
    click(rc, "Reset")
    classroom = model.value.classroom
    assert classroom.settings.levers["initial_trust"] == 0.8
    assert classroom.world.scenario.initial_trust == 0.8
    assert classroom.settings.seed == 7 and classroom.month == 0
    rc.find(v.Checkbox, label="A navigator").widget.v_model = True
    click(rc, "Reset")
    assert model.value.classroom.world.scenario.navigator == 1
    assert model.value.classroom.settings.levers["initial_trust"] == 0.8  # kept


def test_page__preset_and_seed_start_a_new_run(page):
    model, rc, _box = page
    click(rc, "Year")
    rc.find(v.Select, label="Preset").widget.v_model = "hartford"
    classroom = model.value.classroom
    assert classroom.settings.preset == "hartford" and classroom.month == 0
    assert classroom.world.scenario.resources == 0.9
    # SolaraViz is drawn afresh: its controls show Hartford's levers, its Reset makes Hartford
    assert rc.find(v.Slider, label="Resources (a grant)").widget.v_model == 0.9
    click(rc, "Reset")
    assert model.value.classroom.settings == Settings.of_preset("hartford", 7)
    seed = rc.find(v.TextField, label="Seed (the same seed, the same luck)").widget
    seed.v_model = "42"
    seed.fire_event("keyup.enter", "42")  # the seed box takes its value on Enter
    assert model.value.classroom.settings.seed == 42
    assert model.value.classroom.settings.preset == "hartford"


def test_page__a_bad_seed_is_shown_and_the_run_kept(page):
    model, rc, _box = page
    before = model.value
    seed = rc.find(v.TextField, label="Seed (the same seed, the same luck)").widget
    seed.v_model = "-3"
    seed.fire_event("keyup.enter", "-3")
    assert model.value is before
    rc.find(v.Alert).assert_single()


def test_page__second_world_side_by_side_and_kept_by_reset(page):
    model, rc, _box = page
    rc.find(v.Switch, label="Show a second world").widget.v_model = True
    classroom = model.value.classroom
    assert classroom.twin is not None
    assert classroom.twin.settings.levers["navigator"] == 1
    click(rc, "Year")
    assert classroom.twin.month == classroom.world.month == 12
    rc.find(v.Select, label="The lever that differs").widget.v_model = "Entry point"
    classroom = model.value.classroom
    assert classroom.comparison.lever == "entry_point"
    assert classroom.twin.scenario.entry_point == "designed"
    assert classroom.month == 0
    click(rc, "Reset")
    assert model.value.classroom.comparison == classroom.comparison


def test_page__play_then_pause(page):
    model, rc, _box = page
    rc.find(v.Slider, label="Play Interval (ms)").widget.v_model = 20
    click(rc, "▶")
    deadline = time.monotonic() + 20
    while model.value.classroom.month < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert model.value.classroom.month >= 3
    click(rc, "❚❚")
    time.sleep(0.5)
    paused = model.value.classroom.month
    time.sleep(0.5)
    assert model.value.classroom.month == paused


def test_page__the_page_runs_a_classroom_it_is_given():
    classroom = Classroom(Settings(preset="louisville", seed=3))
    _box, rc = solara.render(Page(classroom=classroom))
    click(rc, "Step")
    assert classroom.month == 1
    rc.close()


def test_model_params__mesa_accepts_them_and_they_make_the_same_classroom():
    model = ClassroomModel(preset="south_yorkshire", seed=5, compare="turnover")
    params = model_params(model)
    solara_viz._check_model_params(model, params)  # what SolaraViz checks
    user, fixed = solara_viz.split_model_params(params)
    assert list(user) == list(LEVERS)
    assert fixed == {
        "preset": "south_yorkshire",
        "seed": 5,
        "compare": "turnover",
        "compare_value": model.classroom.comparison.value,
    }
    again = ClassroomModel(**fixed, **{name: spec["value"] for name, spec in user.items()})
    assert again.classroom.settings == model.classroom.settings
    assert again.classroom.comparison == model.classroom.comparison


def test_grid_layout__mesa_takes_the_pages_layout():
    assert solara_viz.make_initial_grid_layout(len(GRID_LAYOUT)) == [dict(i) for i in GRID_LAYOUT]
    assert len(solara_viz.make_initial_grid_layout(2)) == 2  # other apps: Mesa's own

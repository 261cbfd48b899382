"""Component tests: render the page with Solara's test renderer, press its controls, and check
that the worlds changed (no browser)."""

from __future__ import annotations

import time

import ipyvuetify as v
import ipywidgets
import pytest
import solara

from cisim.app.classroom import Classroom
from cisim.app.page import Page
from cisim.app.world import Settings


@pytest.fixture
def page():
    classroom = Classroom(Settings(seed=7))
    box, rc = solara.render(
        solara.AppLayout(children=[Page(classroom=classroom)]), handle_error=False
    )
    yield classroom, rc, box
    rc.close()


def click(rc, label, timeout=20.0):
    """Click the button (waiting for it: a render from the play loop's thread may be under way)."""
    deadline = time.monotonic() + timeout
    while not (found := rc.find(v.Btn, children=[label]).widgets):
        assert time.monotonic() < deadline, f"no {label!r} button"
        time.sleep(0.05)
    found[0].click()


def widgets(root):
    """Every widget under ``root`` (children and slots)."""
    yield root
    for child in getattr(root, "children", None) or []:
        if isinstance(child, ipywidgets.Widget):
            yield from widgets(child)


def events_shown(root):
    return [
        w.children[0]
        for w in widgets(root)
        if "cisim-event " in f"{getattr(w, 'class_', '') or ''} " and w.children
    ]


def shown_html(rc):
    return [w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets if w.unsafe_innerHTML]


def test_page__step_and_year_advance_the_world_and_the_log(page):
    classroom, rc, box = page
    click(rc, "Step")
    assert classroom.month == 1
    click(rc, "Year")
    assert classroom.month == 13
    assert any("<b>Month 13</b>" in html for html in shown_html(rc))
    log = events_shown(box)
    assert log and all(line.startswith("Month ") for line in log)
    assert log[0].startswith("Month 1")  # newest first
    assert len(log) == len(classroom.world.events)


def test_page__a_slider_changes_the_lever_and_starts_again(page):
    classroom, rc, _box = page
    click(rc, "Year")
    rc.find(v.Slider, label="Trust at the start: 0.5").widget.v_model = 0.8
    assert classroom.settings.levers["initial_trust"] == 0.8
    assert classroom.world.scenario.initial_trust == 0.8
    assert classroom.month == 0
    rc.find(v.Slider, label="Trust at the start: 0.8").assert_single()  # the label follows


def test_page__preset_seed_and_switch(page):
    classroom, rc, _box = page
    rc.find(v.Select, label="Preset").widget.v_model = "hartford"
    assert classroom.settings.preset == "hartford"
    assert classroom.world.scenario.resources == 0.9
    seed = rc.find(v.TextField, label="Seed (the same seed, the same luck)").widget
    seed.v_model = "42"
    seed.fire_event("keyup.enter", "42")  # the seed box takes its value on Enter
    assert classroom.settings.seed == 42
    rc.find(v.Switch, label="A navigator").widget.v_model = True
    assert classroom.world.scenario.navigator == 1


def test_page__second_world_side_by_side(page):
    classroom, rc, _box = page
    rc.find(v.Switch, label="Show a second world").widget.v_model = True
    assert classroom.twin is not None
    assert classroom.twin.settings.levers["navigator"] == 1
    click(rc, "Year")
    assert classroom.twin.month == classroom.world.month == 12
    rc.find(v.Select, label="The lever that differs").widget.v_model = "Entry point"
    assert classroom.comparison.lever == "entry_point"
    assert classroom.twin.scenario.entry_point == "designed"
    assert classroom.month == 0


def test_page__play_then_pause(page):
    classroom, rc, _box = page
    rc.find(v.Slider, label="Speed: 4 months a second").widget.v_model = 12
    click(rc, "Play")
    deadline = time.monotonic() + 20
    while classroom.month < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert classroom.month >= 3
    click(rc, "Pause")
    time.sleep(0.3)
    paused = classroom.month
    time.sleep(0.4)
    assert classroom.month == paused

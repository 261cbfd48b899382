"""Component tests: render the page with Solara's test renderer, use its controls, and check
the worlds and what the page shows (no browser)."""

from __future__ import annotations

import re
import time

import ipyvuetify as v
import pytest
import solara

from cisim.app.classroom import Classroom, ClassroomModel
from cisim.app.levers import LEVERS, START_ONLY
from cisim.app.page import Page
from cisim.app.views import Guide, plain
from cisim.app.world import Settings
from cisim.model.scenario import PRESET_NAMES


@pytest.fixture
def page():
    model = solara.reactive(ClassroomModel(classroom=Classroom(Settings(seed=7))))
    _box, rc = solara.render(Page(model=model), handle_error=False)
    yield model, rc
    rc.close()


def button(rc, css, timeout=20.0):
    """The button with class ``css`` (waiting: a render from the play loop may be under way)."""
    deadline = time.monotonic() + timeout
    while not (found := rc.find(v.Btn, class_=css).widgets):
        assert time.monotonic() < deadline, f"no {css!r} button"
        time.sleep(0.05)
    return found[0]


def shown(rc, css):
    """The markup of the HTML blocks with class ``css``."""
    found = rc.find(solara.widgets.HTML).widgets
    return [
        w.unsafe_innerHTML for w in found if css in (w.attributes or {}).get("class", "").split()
    ]


def slide(rc, name, value, prefix=""):
    """Let go of lever ``name``'s slider at ``value`` (Vuetify's ``change``)."""
    rc.find(v.Slider, class_=f"cisim-slider-{prefix}{name}").widget.fire_event("change", value)


def test_page__one_screen_of_controls_and_no_framework_clutter(page):
    _model, rc = page
    for css in ("cisim-reset", "cisim-play", "cisim-step", "cisim-year", "cisim-guide"):
        button(rc, css)
    for name, lever in LEVERS.items():
        kind = {"switch": v.Switch, "choice": v.Select}.get(lever.kind)
        if kind is None:
            rc.find(v.Slider, class_=f"cisim-slider-{name}").assert_single()
    assert any("<b>Month 0</b>" in html for html in shown(rc, "cisim-status"))
    assert "Nothing yet" in shown(rc, "cisim-log")[0]
    labels = " ".join(str(getattr(w, "label", "")) for w in rc.find(v.Slider).widgets)
    assert "Render Interval" not in labels and "Play Interval" not in labels


def test_page__step_and_year_advance_the_world_and_the_story(page):
    model, rc = page
    button(rc, "cisim-step").click()
    assert model.value.classroom.month == 1
    button(rc, "cisim-year").click()
    assert model.value.classroom.month == 13 and model.value.time == 13  # Mesa's clock too
    assert any("<b>Month 13</b>" in html for html in shown(rc, "cisim-status"))
    log = shown(rc, "cisim-log")[0]
    assert log.count('class="cisim-event ') == len(model.value.classroom.world.events)
    first = log.split('">', 1)[1]
    assert first.startswith(f"Month {model.value.classroom.world.events[-1].month}:")  # newest


def test_page__a_lever_mid_run_acts_at_once_and_the_story_says_so(page):
    model, rc = page
    button(rc, "cisim-year").click()
    slide(rc, "data_use", 0.9)
    classroom = model.value.classroom
    assert classroom.month == 12 and classroom.levers["data_use"] == 0.9
    assert (
        "Month 12: you set &#x27;Data use&#x27; to 0.9 (it acts from month 13)."
        in (shown(rc, "cisim-log")[0])
    )
    rc.find(v.Switch, class_="cisim-lever cisim-lever-navigator").widget.v_model = True
    assert model.value.classroom.world.levers["navigator"] == 1
    assert model.value.classroom.month == 12  # no restart
    button(rc, "cisim-step").click()
    assert "a navigator joined (your change)" in shown(rc, "cisim-log")[0]


@pytest.mark.parametrize("name", sorted(START_ONLY))
def test_page__a_start_lever_starts_again_from_month_0(page, name):
    model, rc = page
    button(rc, "cisim-year").click()
    value = LEVERS[name].contrast(model.value.classroom.levers[name])
    slide(rc, name, value)
    assert model.value.classroom.month == 0
    assert model.value.classroom.settings.levers[name] == value


def test_page__reset_starts_again_with_the_levers_as_they_are(page):
    model, rc = page
    button(rc, "cisim-year").click()
    slide(rc, "resources", 0.6)
    button(rc, "cisim-reset").click()
    classroom = model.value.classroom
    assert classroom.month == 0 and classroom.world.scenario.resources == 0.6
    assert not classroom.world.changes and classroom.settings.seed == 7


def test_page__preset_and_seed_start_a_new_run_and_a_bad_seed_is_one_line(page):
    model, rc = page
    button(rc, "cisim-year").click()
    rc.find(v.Select, class_="cisim-preset").widget.v_model = "hartford"
    classroom = model.value.classroom
    assert classroom.settings.preset == "hartford" and classroom.month == 0
    assert rc.find(v.Slider, class_="cisim-slider-resources").widget.v_model == 0.9
    seed = rc.find(v.TextField, class_="cisim-seed").widget
    seed.fire_event("change", "42")
    assert model.value.classroom.settings == Settings.of_preset("hartford", 42)
    before = model.value
    seed.fire_event("change", "-3")
    assert model.value is before
    (error,) = shown(rc, "cisim-error")
    assert "seed" in error and "whole number" in error


def test_page__two_worlds_one_changes_while_the_other_goes_on(page):
    model, rc = page
    rc.find(v.Switch, class_="cisim-lever cisim-second-world").widget.v_model = True
    classroom = model.value.classroom
    assert classroom.twin is not None and classroom.twin.levers["navigator"] == 1
    button(rc, "cisim-year").click()
    switch = rc.find(v.Switch, class_="cisim-lever cisim-lever-other-navigator").widget
    switch.v_model = False
    classroom = model.value.classroom
    assert classroom.month == classroom.twin.month == 12
    assert classroom.twin.levers["navigator"] == 0 and not classroom.world.changes
    logs = shown(rc, "cisim-log")
    assert len(logs) == 2 and "you took away a navigator" in logs[1]
    assert "you took away" not in logs[0]


def test_page__a_second_world_shown_mid_run_parts_from_this_one(page):
    model, rc = page
    button(rc, "cisim-year").click()
    rc.find(v.Switch, class_="cisim-lever cisim-second-world").widget.v_model = True
    classroom = model.value.classroom
    assert classroom.month == classroom.twin.month == 12 and classroom.comparison.since == 12
    assert any("with a navigator (since month 12)" in html for html in _all_html(rc))


def _all_html(rc):
    return [w.unsafe_innerHTML or "" for w in rc.find(solara.widgets.HTML).widgets]


def test_page__play_then_pause(page):
    model, rc = page
    rc.find(v.Select, class_="cisim-speed").widget.v_model = "fastest"
    button(rc, "cisim-play").click()
    deadline = time.monotonic() + 20
    while model.value.classroom.month < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert model.value.classroom.month >= 3
    button(rc, "cisim-pause").click()
    time.sleep(0.5)
    paused = model.value.classroom.month
    time.sleep(0.5)
    assert model.value.classroom.month == paused


def test_page__the_page_runs_a_classroom_it_is_given():
    classroom = Classroom(Settings(preset="louisville", seed=3))
    _box, rc = solara.render(Page(classroom=classroom))
    button(rc, "cisim-step").click()
    assert classroom.month == 1
    rc.close()


def test_page__the_guide_and_the_key_open_over_the_worlds(page):
    _model, rc = page
    button(rc, "cisim-guide").click()
    (guide,) = shown(rc, "cisim-guide-text")
    assert "Guide: Baseline" in guide and "Things to try" in guide
    button(rc, "cisim-key").click()
    assert not shown(rc, "cisim-guide-text") and shown(rc, "cisim-key")


@pytest.mark.parametrize("preset", sorted(PRESET_NAMES))
def test_guide__speaks_the_sliders_language_not_code_names(preset):
    _box, rc = solara.render(Guide(preset))
    (text,) = [w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets]
    rc.close()
    assert not re.search(r"\b[a-z]+(_[a-z]+)+\b", text), re.findall(r"\b\w+_\w+\b", text)
    assert not re.search(r"\w = ", text)
    assert "Model Parameters" not in text
    labels = [lever.label for lever in LEVERS.values()]
    assert any(f"&#x27;{label}&#x27;" in text for label in labels)  # the sliders' own labels


def test_plain__a_code_name_becomes_the_sliders_label_or_words():
    said = plain("a fight over decision rights: authority_contest = 0.8; resources = 0.9")
    assert said == "a fight over decision rights: contest over decision rights 0.8; " + (
        "'Resources (a grant)' 0.9"
    )
    assert plain("a trusted navigator (navigator = 1)") == "a trusted navigator ('A navigator' on)"

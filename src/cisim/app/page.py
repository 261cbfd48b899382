"""The classroom page, made for a projector: a :class:`~cisim.app.classroom.ClassroomModel` shown
with Solara directly.

One screen holds the lesson (designed at 1280 × 720, the network whole at 1024 × 768): the top bar
(preset, seed, Reset, Play, Step, Year, speed, guide, key), the levers on the left, and the
world(s) with their network, their story and the panels over time. Text a class reads is at least
14 px. With two worlds, each world has its colour, its network and its story side by side, and the
panels draw both in those colours.

Levers act at once (:mod:`cisim.app.classroom`): mid-run from the next month on, marked in the
story and on the panels; Reset starts again from month 0 with the levers as they are. Each open
page (browser tab) has its own model; every change bumps the page's ``version``, which the views
take as a prop, so they are redrawn (Solara skips a component whose props compare equal).
"""

from __future__ import annotations

import threading
import time
from typing import Any

import solara

from cisim.app.classroom import Classroom, ClassroomModel, Twin
from cisim.app.controls import SPEEDS, Actions, Sidebar, TopBar
from cisim.app.levers import LEVERS
from cisim.app.styles import CSS
from cisim.app.views import Guide, Key, OverTime, Story, WorldPanel
from cisim.app.world import Settings
from cisim.errors import CisimError

__all__ = ["TITLE", "YEAR", "Layout", "Page"]

TITLE = "cisim classroom: learning journey or blame game?"
#: Months a click on "Year" advances.
YEAR = 12
#: The first play speed (a key of :data:`cisim.app.controls.SPEEDS`): four months a second.
FIRST_SPEED = "4 a second"


@solara.component
def Layout(children: list[Any] | None = None) -> Any:
    """Solara's layout around :func:`Page`: none (the page is the whole screen)."""
    return solara.Div(children=children or [])


@solara.component
def Page(
    classroom: Classroom | None = None, model: solara.Reactive[ClassroomModel] | None = None
) -> None:
    """The whole page (Solara's app entry point). Each page gets its own model, running
    ``classroom`` if one is given; tests may give the page's ``model`` to look inside."""
    first = solara.use_memo(
        lambda: (
            model.value if model is not None else ClassroomModel(classroom=classroom or Classroom())
        ),
        [],
    )
    own: solara.Reactive[ClassroomModel] = solara.use_reactive(first)
    model = model if model is not None else own
    version = solara.use_reactive(0)  # every change: a month, a lever (the views read it)
    changed = solara.use_reactive(0)  # a change the controls show (the sidebar reads it)
    ended = solara.use_reactive(not first.running)  # the run is over (the top bar's buttons)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(FIRST_SPEED)
    panel = solara.use_reactive("")
    error = solara.use_reactive("")
    lock = solara.use_memo(threading.Lock, [])
    drawn = solara.use_memo(threading.Event, [])  # set once the views have drawn a change
    actions = solara.use_memo(
        lambda: _actions(model, (version, changed, ended), playing, speed, panel, error, lock),
        [],
    )
    solara.lab.use_task(
        lambda: _play(model, (version, ended), playing, speed, (lock, drawn)),
        dependencies=[playing.value],
        prefer_threaded=True,
    )
    classroom_now = model.value.classroom
    solara.Title("cisim classroom")
    solara.Style(CSS)
    two = "cisim-two" if classroom_now.twin is not None else "cisim-one"
    with solara.Div(classes=["cisim-app", two]):
        TopBar(
            classroom_now.settings, actions, playing.value, speed.value, panel.value, ended.value
        )
        Sidebar(classroom_now, actions, error.value, changed)
        Main(classroom_now, panel.value, version, drawn)


@solara.component
def Main(
    classroom: Classroom,
    panel: str,
    versions: solara.Reactive[int],
    drawn: threading.Event | None = None,
) -> None:
    """The world(s), the stories and the panels; the guide or the key over them when open.
    Only this part of the page (and the top bar) is redrawn every month; ``drawn`` is set once a
    change has been drawn (the play loop waits for it)."""
    version = versions.value
    solara.use_effect(lambda: drawn.set() if drawn is not None else None, [version])
    with solara.Div(classes=["cisim-main"]):
        for index in range(len(classroom.worlds)):
            WorldPanel(classroom, index, version)
            Story(classroom, index, version)
        OverTime(classroom, version)
        if panel:
            with solara.Div(classes=["cisim-overlay", f"cisim-overlay-{panel}"]):
                if panel == "guide":
                    Guide(classroom.settings.preset)
                else:
                    Key()


def _actions(
    model: solara.Reactive[ClassroomModel],
    versions: tuple[solara.Reactive[int], solara.Reactive[int], solara.Reactive[bool]],
    playing: solara.Reactive[bool],
    speed: solara.Reactive[str],
    panel: solara.Reactive[str],
    error: solara.Reactive[str],
    lock: Any,
) -> Actions:
    """The controls' actions on the page's model; a bad value shows as one line, the run kept.

    ``versions``: the views' version (every change), the controls' (a change they show) and
    whether the run is over."""
    views, controls_version, ended = versions

    def redraw(controls: bool) -> None:
        ended.value = not model.value.running  # (no redraw unless it changes)
        views.value += 1
        if controls:
            controls_version.value += 1

    def guarded(change: Any, controls: bool = True) -> Any:
        def act(*args: Any) -> None:
            try:
                with lock:
                    change(*args)
            except CisimError as exc:
                error.value = str(exc)
                redraw(True)
                return
            if error.value:
                error.value = ""
            redraw(controls)

        return act

    def restart(classroom: Classroom) -> None:
        playing.value = False
        model.value = ClassroomModel(classroom=classroom)
        ended.value = not model.value.running

    def step(months: int) -> None:
        for _ in range(months):
            if not model.value.running:
                break
            model.value.step()

    def preset(name: str) -> None:
        old = model.value.classroom
        classroom = Classroom(old.settings, old.comparison)
        classroom.configure(Settings.of_preset(name, old.settings.seed))
        restart(classroom)

    def seed(value: Any) -> None:
        old = model.value.classroom
        number = int(value) if isinstance(value, str) and value.strip().isdigit() else value
        restart(Classroom(old.settings.with_seed(number), old.comparison))

    def reset() -> None:
        classroom = model.value.classroom
        classroom.reset()
        restart(classroom)

    def lever(name: str, value: Any) -> None:
        classroom = model.value.classroom
        restarts = classroom.month == 0 or name not in _MID_RUN
        classroom.set_lever(name, value)
        if restarts:
            restart(classroom)

    def other(value: Any) -> None:
        classroom = model.value.classroom
        classroom.set_other(value)
        if classroom.month == 0:
            restart(classroom)

    def compare(on: bool, name: str | None) -> None:
        classroom = model.value.classroom
        if not on:
            classroom.compare(None)
            return
        current = classroom.comparison
        classroom.compare(Twin(name or (current.lever if current else "navigator")))
        if classroom.month == 0:
            restart(classroom)

    return Actions(
        step=guarded(step, controls=False),
        play=lambda on: setattr(playing, "value", bool(on) and model.value.running),
        reset=guarded(reset),
        preset=guarded(preset),
        seed=guarded(seed),
        lever=guarded(lever),
        other=guarded(other),
        compare=guarded(compare),
        speed=lambda words: setattr(speed, "value", words),
        panel=lambda name: setattr(panel, "value", name),
    )


_MID_RUN = frozenset(name for name, lever in LEVERS.items() if lever.mid_run)


def _play(
    model: solara.Reactive[ClassroomModel],
    versions: tuple[solara.Reactive[int], solara.Reactive[bool]],
    playing: solara.Reactive[bool],
    speed: solara.Reactive[str],
    sync: tuple[Any, threading.Event],
) -> None:
    """While playing: a month, a redraw, a pause for the speed; stop at the end.

    The next month waits until the views have drawn this one (at most :data:`DRAW_WAIT`), so
    that "fastest" on a slow machine changes nothing while the page is still drawing (Solara
    stops a page whose state changes during every render pass)."""
    version, ended = versions
    lock, drawn = sync
    while playing.value:
        started = time.perf_counter()
        with lock:
            current = model.value
            if not current.running:
                playing.value = False
                break
            current.step()
        ended.value = not current.running
        drawn.clear()
        version.value += 1
        drawn.wait(DRAW_WAIT)
        wait = SPEEDS[speed.value] / 1000 - (time.perf_counter() - started)
        time.sleep(max(wait, 0.02))


#: The longest the play loop waits for the page to draw a month before going on (seconds).
DRAW_WAIT = 2.0

"""The classroom page, built with Solara: controls on the left, the world(s) on the right.

Mesa's ``SolaraViz`` conventions are kept (a Mesa model, reset/step/play with a play interval,
model parameters as sliders), but the page is laid out with Solara's own components rather than
``SolaraViz``'s draggable grid, which renders nothing under ipyvuetify 3 (the Vue 3 build that
solara 1.64 uses): ``GlobalVue.use is not a function`` in the browser. Its own layout also lets
the page show two linked worlds, the story and the guide.

Each open page (browser tab) has its own :class:`~cisim.app.classroom.Classroom`; a change of
any control starts the run again from month 0; a counter (``version``) re-draws what depends on
the worlds after every month. Every component that reads the classroom takes ``version`` as a
prop: Solara skips re-rendering a component whose props compare equal, and it compares callbacks
by their code and captured values, so the classroom object alone would not trigger a re-draw.
"""

from __future__ import annotations

import html
import threading
import time
from collections.abc import Callable
from typing import Any

import solara
import solara.lab

from cisim.app import charts
from cisim.app.classroom import Classroom, Comparison
from cisim.app.guide import guide
from cisim.app.levers import LEVERS, Lever
from cisim.app.world import MAX_SEED, Settings, World
from cisim.errors import CisimError, ConfigError
from cisim.scenario import PRESET_NAMES

__all__ = ["TITLE", "Page"]

TITLE = "cisim classroom: learning journey or blame game?"
#: Months a click on "Year" advances.
YEAR = 12
#: Seconds the play loop rests after a month is drawn, however slow the drawing: a loop that
#: changed the page while it is still being drawn would never let the drawing finish.
MIN_GAP = 0.05
#: Events shown per world (newest first).
LOG_LENGTH = 200
CSS = """
.cisim-log { max-height: 340px; overflow-y: auto; font-size: 0.9rem; }
.cisim-log .cisim-event { margin: 0 0 4px 0; }
.cisim-event-setback, .cisim-event-dissolved, .cisim-event-exit { color: #9b1c1c; }
.cisim-event-win, .cisim-event-entry, .cisim-event-broker, .cisim-event-join { color: #14632b; }
.cisim-event-regime, .cisim-event-end { font-weight: bold; }
.cisim-status { font-size: 1.05rem; }
.cisim-guide li { margin-bottom: 4px; }
.cisim-key { font-size: 0.8rem; color: #444; line-height: 1.4; }
"""


@solara.component
def Page(classroom: Classroom | None = None) -> None:
    """The whole page (Solara's app entry point); each page gets its own classroom unless one
    is given (as tests do)."""
    classroom = solara.use_memo(lambda: classroom or Classroom(), [])
    version = solara.use_reactive(0)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(4)
    error = solara.use_reactive("")

    def changed() -> None:
        version.value += 1

    def act(change: Callable[[], None]) -> None:
        """Pause, change the classroom (a bad value shows as an error), re-draw."""
        playing.value = False
        try:
            change()
            error.value = ""
        except CisimError as exc:
            error.value = str(exc)
        changed()

    solara.Title("cisim classroom")
    solara.Style(CSS)
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    with solara.Sidebar():
        Controls(classroom, version.value, playing, speed, changed, act, error.value)
    PlayLoop(classroom, playing, speed, changed)
    Worlds(classroom, version.value)


# ---- controls --------------------------------------------------------------------------------
@solara.component
def Controls(
    classroom: Classroom,
    version: int,
    playing: solara.Reactive[bool],
    speed: solara.Reactive[int],
    changed: Callable[[], None],
    act: Callable[[Callable[[], None]], None],
    error: str,
) -> None:
    """Preset, seed, run buttons, speed, levers and the second world."""
    settings = classroom.settings
    with solara.Card("Run", margin=0):
        solara.Select(
            label="Preset",
            values=list(PRESET_NAMES),
            value=settings.preset,
            on_value=lambda name: act(
                lambda: classroom.configure(Settings.of_preset(name, settings.seed))
            ),
        )
        solara.InputInt(
            "Seed (the same seed, the same luck)",
            value=settings.seed,
            on_value=lambda seed: act(lambda: _set_seed(classroom, seed)),
        )
        RunButtons(classroom, playing, changed, version)
        solara.SliderInt(
            f"Speed: {speed.value} months a second", value=speed, min=1, max=12, on_value=speed.set
        )
        if error:
            solara.Error(error)
    with solara.Card("Levers", subtitle="Changing a lever starts the run again", margin=0):
        for lever in LEVERS.values():
            LeverControl(lever, settings.levers[lever.name], _setter(classroom, act, lever.name))
    SecondWorldControls(classroom, act, version)


def _setter(
    classroom: Classroom, act: Callable[[Callable[[], None]], None], name: str
) -> Callable[[Any], None]:
    """What a lever's control does: run the first world with the lever's new value."""

    def set_value(value: Any) -> None:
        act(lambda: classroom.configure(classroom.settings.with_lever(name, value)))

    return set_value


def _set_seed(classroom: Classroom, seed: int | None) -> None:
    if seed is None or not 0 <= seed <= MAX_SEED:
        raise ConfigError("seed", seed, f"a whole number from 0 to {MAX_SEED}")
    classroom.configure(classroom.settings.with_seed(int(seed)))


@solara.component
def RunButtons(
    classroom: Classroom, playing: solara.Reactive[bool], changed: Callable[[], None], version: int
) -> None:
    """Reset, step, a year, play and pause (``version``: re-draw when it changes)."""

    def advance(months: int) -> None:
        classroom.step(months)
        changed()

    def reset() -> None:
        playing.value = False
        classroom.reset()
        changed()

    over = classroom.over
    with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
        solara.Button("Reset", on_click=reset, color="primary", outlined=True)
        solara.Button(
            "Step", on_click=lambda: advance(1), color="primary", disabled=playing.value or over
        )
        solara.Button(
            "Year", on_click=lambda: advance(YEAR), color="primary", disabled=playing.value or over
        )
        if playing.value:
            solara.Button("Pause", on_click=lambda: playing.set(False), color="warning")
        else:
            solara.Button(
                "Play", on_click=lambda: playing.set(True), color="success", disabled=over
            )


@solara.component
def LeverControl(lever: Lever, value: Any, on_value: Callable[[Any], None]) -> None:
    """The control of one lever: a slider, a switch or a choice."""
    if lever.kind == "switch":
        solara.Switch(label=lever.label, value=bool(value), on_value=lambda v: on_value(int(v)))
    elif lever.kind == "choice":
        solara.Select(label=lever.label, values=list(lever.choices), value=value, on_value=on_value)
    elif lever.kind == "int":
        solara.SliderInt(
            f"{lever.label}: {int(value)}",
            value=int(value),
            min=int(lever.lo),
            max=int(lever.hi),
            step=int(lever.step),
            on_value=on_value,
        )
    else:
        solara.SliderFloat(
            f"{lever.label}: {float(value):g}",
            value=float(value),
            min=lever.lo,
            max=lever.hi,
            step=lever.step,
            on_value=on_value,
        )


@solara.component
def SecondWorldControls(
    classroom: Classroom, act: Callable[[Callable[[], None]], None], version: int
) -> None:
    """Show a second world with one lever changed (``version``: re-draw when it changes)."""
    comparison = classroom.comparison
    labels = {lever.label: name for name, lever in LEVERS.items()}
    with solara.Card("Two worlds", subtitle="Same seed, one lever changed", margin=0):
        solara.Switch(
            label="Show a second world",
            value=comparison is not None,
            on_value=lambda on: act(lambda: classroom.compare(Comparison() if on else None)),
        )
        if comparison is None:
            return
        lever = LEVERS[comparison.lever]
        solara.Select(
            label="The lever that differs",
            values=list(labels),
            value=lever.label,
            on_value=lambda label: act(lambda: classroom.compare(Comparison(labels[label]))),
        )
        solara.Text("In the other world:")
        LeverControl(
            lever,
            comparison.value,
            lambda value: act(lambda: classroom.compare(Comparison(comparison.lever, value))),
        )


# ---- the play loop ---------------------------------------------------------------------------
@solara.component
def PlayLoop(
    classroom: Classroom,
    playing: solara.Reactive[bool],
    speed: solara.Reactive[int],
    changed: Callable[[], None],
) -> None:
    """While playing, advance a month every 1/speed seconds (in a thread), until the end."""

    def play(cancel: threading.Event) -> None:
        while playing.value and not cancel.is_set():
            started = time.monotonic()
            classroom.step(1)
            changed()
            if classroom.over:
                playing.value = False
                return
            interval = 1.0 / max(speed.value, 1)
            cancel.wait(max(MIN_GAP, interval - (time.monotonic() - started)))

    solara.use_thread(play, dependencies=[playing.value], intrusive_cancel=False)


# ---- the worlds ------------------------------------------------------------------------------
@solara.component
def Worlds(classroom: Classroom, version: int) -> None:
    """Status, network(s), charts, event log(s) and the guide."""
    worlds = classroom.worlds
    with solara.Columns([8, 4]):
        with solara.Column():
            with solara.Columns([1] * len(worlds)):
                for index, world in enumerate(worlds):
                    WorldView(world, index, classroom.comparison, version)
            with solara.Card("Over time", margin=0):
                with solara.Div(classes=["cisim-chart", "cisim-trajectories"]):
                    VegaChart(charts.trajectory_spec(worlds))
                with solara.Div(classes=["cisim-chart", "cisim-responses"]):
                    VegaChart(charts.responses_spec(worlds))
        with solara.Column():
            for index, world in enumerate(worlds):
                title = _title(world, index, classroom.comparison) if classroom.twin else ""
                EventLog(world, title or "What happened", version)
            GuideCard(classroom.settings.preset)


def _title(world: World, index: int, comparison: Comparison | None) -> str:
    """``This world: without a navigator`` (or ``The other world: ...``)."""
    which = "This world" if index == 0 else "The other world"
    return f"{which}: {world.lever_words(comparison.lever)}" if comparison else which


@solara.component
def WorldView(world: World, index: int, comparison: Comparison | None, version: int) -> None:
    """One world's status line and network."""
    title = _title(world, index, comparison) if comparison else "The collaboration"
    width = 300 if comparison else 560
    verdict = world.verdict
    with solara.Card(title, margin=0):
        with solara.Div(classes=["cisim-status"]):
            Html(
                f"<b>Month {world.month}</b> of {world.scenario.horizon_months} · "
                f"phase: <b>{html.escape(world.phase)}</b> · "
                f"regime: <b>{html.escape(verdict.words)}</b>"
            )
        with solara.Div(classes=["cisim-chart", "cisim-network"]):
            VegaChart(charts.network_spec(world, width=width, height=int(width * 0.8)))
        Html(_KEY)


def _key() -> str:
    """The networks' key: sector colours, then the other marks, in words."""
    dots = " ".join(
        f'<span style="color:{colour}">&#9679;</span>&nbsp;{sector}'
        for sector, colour in charts.SECTOR_COLOURS.items()
    )
    return (
        f'<div class="cisim-key">{dots}<br>Lines: trust between two members, '
        '<span style="color:#d73027">red low</span> to <span style="color:#1a9850">green '
        'high</span>. <span style="color:#D00000">&#10006;</span> blame crossed the tie in the '
        f"last {charts.BLAME_MEMORY} months. "
        f'<span style="color:{charts.NAVIGATOR_GOLD}">&#9711;</span> the navigator\'s attention '
        "this month. Hollow: an outsider who may join; grey: left. Size: the representative's "
        "authority.</div>"
    )


_KEY = _key()


@solara.component
def EventLog(world: World, title: str, version: int) -> None:
    """What happened in one world, newest first."""
    events = world.events[-LOG_LENGTH:][::-1]
    with solara.Card(title, margin=0), solara.Div(classes=["cisim-log"]):
        if not events:
            solara.Text("Nothing yet: press Step, Year or Play.")
        for event in events:
            solara.Div(children=[str(event)], classes=["cisim-event", f"cisim-event-{event.kind}"])


@solara.component
def GuideCard(preset: str) -> None:
    """The preset's guided text."""
    text = guide(preset)
    with solara.Card(f"Guide: {text.title}", margin=0, classes=["cisim-guide"]):
        Html(f"<p><b>What is it?</b> {html.escape(text.what)}</p>" + _bullets(text.encodes))
        with solara.Details("How it works"):
            Html(_bullets(text.how))
        Html("<p><b>Things to notice</b></p>" + _bullets(text.notice))
        Html("<p><b>Things to try</b> (predict first, then test)</p>" + _bullets(text.tries))


def _bullets(items: tuple[str, ...]) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(item)}</li>" for item in items) + "</ul>"


def VegaChart(spec: dict[str, Any]) -> Any:
    """A Vega-Lite chart (Solara's widget, given the specification directly)."""
    return solara.widgets.VegaLite.element(spec=spec, listen_to_click=False, listen_to_hover=False)


def Html(markup: str) -> Any:
    """Trusted markup built here from escaped text (Solara's Markdown would load Mermaid)."""
    return solara.HTML(tag="div", unsafe_innerHTML=markup)

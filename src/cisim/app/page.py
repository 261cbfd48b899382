"""The classroom page: Mesa's ``SolaraViz`` running a :class:`~cisim.app.classroom.ClassroomModel`.

``SolaraViz`` gives the frame: the sidebar's *Controls* (Reset, play/pause, Step, the play
interval, which is the speed) and *Model Parameters* (one slider, switch or choice per lever,
``model_params``; as in every Mesa app, a new value is used when Reset makes the next model), and
the main area's draggable grid of components, each a function of the model redrawn after every
step: the world(s) with their network, the charts over time, the story and the guide.

Above ``SolaraViz``'s cards in the sidebar, the page adds what ``SolaraViz`` has no control for:
the preset and the seed (*Run*, with a *Year* button) and the second world (*Two worlds*). They
start a new model at once, and the page's layout, ``SolaraViz`` with it, is then drawn afresh
(``key``) so that its parameters show the new model's values and its Reset makes the same
classroom again. The page draws its own ``AppLayout`` for that (:func:`Layout` tells Solara not
to wrap it in another).

Each open page (browser tab) has its own model. The components take the step counter of Mesa
(``update_counter``) as a prop: Solara skips re-rendering a component whose props compare equal.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import solara
from mesa.visualization import SolaraViz, solara_viz
from mesa.visualization.utils import force_update, update_counter

from cisim.app import charts
from cisim.app.classroom import Classroom, ClassroomModel, Twin, carried
from cisim.app.guide import guide
from cisim.app.levers import LEVERS, Lever
from cisim.app.world import Settings, World
from cisim.errors import CisimError
from cisim.model.scenario import PRESET_NAMES

__all__ = ["COMPONENTS", "GRID_LAYOUT", "TITLE", "Layout", "Page", "model_params"]

TITLE = "cisim classroom: learning journey or blame game?"
#: Months a click on "Year" advances.
YEAR = 12
#: Milliseconds between months when playing, at first (SolaraViz's play interval: the speed;
#: its slider goes from 1 in steps of 10): about four months a second.
PLAY_INTERVAL = 251
#: Events shown per world (newest first).
LOG_LENGTH = 200
CSS = """
.cisim-log { font-size: 0.9rem; }
.cisim-log .cisim-event { margin: 0 0 4px 0; }
.cisim-event-setback, .cisim-event-dissolved, .cisim-event-exit { color: #9b1c1c; }
.cisim-event-win, .cisim-event-entry, .cisim-event-broker, .cisim-event-join { color: #14632b; }
.cisim-event-regime, .cisim-event-end { font-weight: bold; }
.cisim-status { font-size: 1.05rem; }
.cisim-guide li { margin-bottom: 4px; }
.cisim-key { font-size: 0.8rem; color: #444; line-height: 1.4; }
.vue-grid-item { overflow: auto; }
.v-navigation-drawer .v-slider__thumb-label-container { display: block !important; }
.v-navigation-drawer .v-slider__thumb-label {
  transform: translateY(14px) translateX(12px) rotate(45deg) !important;
}
"""


#: What the page's own controls call to start a new run: with a function from the current
#: classroom to the next.
Replace = Callable[[Callable[[Classroom], Classroom]], None]


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
    runs = solara.use_ref(0)  # new runs started by the page's own controls
    error = solara.use_reactive("")

    def replace(make: Callable[[Classroom], Classroom]) -> None:
        """Run another classroom from month 0 (a bad value shows as an error)."""
        try:
            new = ClassroomModel(classroom=make(model.value.classroom))
        except CisimError as exc:
            error.value = str(exc)
            return
        runs.current += 1
        model.value = new
        if error.value:
            error.value = ""

    # Drawn afresh for each new run the page's controls start: SolaraViz's sidebar cards live in
    # the layout's sidebar (a portal), so they are made anew only with the layout; they then
    # hold the new model's parameters (for Reset) and its running state.
    model.get()  # re-drawn with every new model (the key below changes with the page's runs)
    solara.AppLayout(children=[ClassroomPage(model, replace, error.value)]).key(
        f"classroom-{runs.current}"
    )


@solara.component
def Layout(children: list[Any] | None = None) -> Any:
    """Solara's layout around :func:`Page`: none (the page draws its own ``AppLayout``)."""
    return solara.Div(children=children or [])


@solara.component
def ClassroomPage(model: solara.Reactive[ClassroomModel], replace: Replace, error: str) -> None:
    """The page's cards above ``SolaraViz``'s in the sidebar, and ``SolaraViz``."""
    solara.Title("cisim classroom")
    solara.Style(CSS)
    with solara.Sidebar():
        RunCard(model.value, replace, error)
        SecondWorldControls(model.value.classroom, replace)
    SolaraViz(
        model,
        components=COMPONENTS,
        model_params=model_params(model.value),
        play_interval=PLAY_INTERVAL,
        name=TITLE,
    )


def model_params(model: ClassroomModel) -> dict[str, Any]:
    """``SolaraViz``'s model parameters: a control per lever (at the model's values), and the
    preset, seed and second world fixed (they are changed by the page's own controls)."""
    fixed = {k: v for k, v in model.parameters.items() if k not in LEVERS}
    levers = model.classroom.settings.levers
    return {**fixed, **{name: _user_param(lever, levers[name]) for name, lever in LEVERS.items()}}


def _user_param(lever: Lever, value: Any) -> dict[str, Any]:
    """One lever as a ``SolaraViz`` user parameter."""
    if lever.kind == "switch":
        return {"type": "Checkbox", "value": bool(value), "label": lever.label}
    if lever.kind == "choice":
        return {
            "type": "Select",
            "value": value,
            "values": list(lever.choices),
            "label": lever.label,
        }
    kind = "SliderInt" if lever.kind == "int" else "SliderFloat"
    cast = int if lever.kind == "int" else float
    return {
        "type": kind,
        "value": cast(value),
        "min": cast(lever.lo),
        "max": cast(lever.hi),
        "step": cast(lever.step),
        "label": lever.label,
    }


# ---- the page's own controls -----------------------------------------------------------------


@solara.component
def RunCard(model: ClassroomModel, replace: Replace, error: str) -> None:
    """The preset, the seed and a year at a time."""
    update_counter.get()  # re-drawn after every step (the Year button's state)
    settings = model.classroom.settings

    def preset(name: str) -> Classroom:
        old = model.classroom
        new = Settings.of_preset(name, settings.seed)
        return Classroom(new, carried(old.comparison, old.settings, new))

    def seed(value: int | None) -> Classroom:
        old = model.classroom
        return Classroom(Settings(settings.preset, value, dict(settings.levers)), old.comparison)  # type: ignore[arg-type]

    def year() -> None:
        for _ in range(YEAR):
            if not model.running:
                break
            model.step()
        force_update()

    with solara.Card("Run", subtitle="A preset or a seed starts a new run", margin=0):
        solara.Select(
            label="Preset",
            values=list(PRESET_NAMES),
            value=settings.preset,
            on_value=lambda name: replace(lambda _: preset(name)),
        )
        solara.InputInt(
            "Seed (the same seed, the same luck)",
            value=settings.seed,
            on_value=lambda value: replace(lambda _: seed(value)),
        )
        solara.Button("Year", on_click=year, color="primary", disabled=not model.running)
        if error:
            solara.Error(error)


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
def SecondWorldControls(classroom: Classroom, replace: Replace) -> None:
    """Show a second world with one lever changed (a new run, from month 0)."""
    comparison = classroom.comparison
    labels = {lever.label: name for name, lever in LEVERS.items()}

    def compare(new: Twin | None) -> None:
        replace(lambda old: Classroom(old.settings, new))

    with solara.Card("Two worlds", subtitle="Same seed, one lever changed", margin=0):
        solara.Switch(
            label="Show a second world",
            value=comparison is not None,
            on_value=lambda on: compare(Twin() if on else None),
        )
        if comparison is None:
            return
        lever = LEVERS[comparison.lever]
        solara.Select(
            label="The lever that differs",
            values=list(labels),
            value=lever.label,
            on_value=lambda label: compare(Twin(labels[label])),
        )
        solara.Text("In the other world:")
        LeverControl(
            lever,
            comparison.value,
            lambda value: compare(Twin(comparison.lever, value)),
        )


# ---- SolaraViz's components: functions of the model, redrawn after every step ---------------
def worlds_view(model: ClassroomModel) -> Any:
    """The world(s): status lines and networks."""
    return Worlds(model.classroom, update_counter.value)


def over_time_view(model: ClassroomModel) -> Any:
    """The charts over time."""
    return OverTime(model.classroom, update_counter.value)


def story_view(model: ClassroomModel) -> Any:
    """What happened, in words."""
    return Story(model.classroom, update_counter.value)


def guide_view(model: ClassroomModel) -> Any:
    """The preset's guide."""
    return GuideCard(model.classroom.settings.preset)


#: ``SolaraViz``'s components (all on its first page).
COMPONENTS: list[tuple[Callable[[ClassroomModel], Any], int]] = [
    (worlds_view, 0),
    (over_time_view, 0),
    (story_view, 0),
    (guide_view, 0),
]
#: Where the components sit at first in ``SolaraViz``'s grid (12 columns, rows of 30 px; a
#: class may drag and resize them): the world(s) and the story side by side, then the charts
#: and the guide.
GRID_LAYOUT: tuple[dict[str, Any], ...] = (
    {"i": 0, "x": 0, "y": 0, "w": 7, "h": 17, "moved": False},
    {"i": 1, "x": 0, "y": 17, "w": 7, "h": 19, "moved": False},
    {"i": 2, "x": 7, "y": 0, "w": 5, "h": 17, "moved": False},
    {"i": 3, "x": 7, "y": 17, "w": 5, "h": 19, "moved": False},
)
_mesa_grid_layout = solara_viz.make_initial_grid_layout


def _grid_layout(count: int) -> list[dict[str, Any]]:
    """``SolaraViz``'s first layout: :data:`GRID_LAYOUT` for the page's components (Mesa's own
    otherwise). Mesa 3.5 takes it from ``solara_viz.make_initial_grid_layout``."""
    if count == len(GRID_LAYOUT):
        return [dict(item) for item in GRID_LAYOUT]
    return list(_mesa_grid_layout(count))


solara_viz.make_initial_grid_layout = _grid_layout


@solara.component
def Worlds(classroom: Classroom, version: int) -> None:
    """Each world's status line and network, side by side, and the key."""
    worlds = classroom.worlds
    with solara.Card(margin=0, elevation=0):
        with solara.Columns([1] * len(worlds)):
            for index, world in enumerate(worlds):
                WorldView(world, index, classroom.comparison, version)
        Html(_KEY)


@solara.component
def OverTime(classroom: Classroom, version: int) -> None:
    """Trust, shared understanding, progress and legitimacy; learning against blame."""
    worlds = classroom.worlds
    with solara.Card("Over time", margin=0, elevation=0):
        with solara.Div(classes=["cisim-chart", "cisim-trajectories"]):
            VegaChart(charts.trajectory_spec(worlds))
        with solara.Div(classes=["cisim-chart", "cisim-responses"]):
            VegaChart(charts.responses_spec(worlds))


@solara.component
def Story(classroom: Classroom, version: int) -> None:
    """Each world's event log."""
    for index, world in enumerate(classroom.worlds):
        title = _title(world, index, classroom.comparison) if classroom.twin else ""
        EventLog(world, title or "What happened", version)


def _title(world: World, index: int, comparison: Twin | None) -> str:
    """``This world: without a navigator`` (or ``The other world: ...``)."""
    which = "This world" if index == 0 else "The other world"
    return f"{which}: {world.lever_words(comparison.lever)}" if comparison else which


@solara.component
def WorldView(world: World, index: int, comparison: Twin | None, version: int) -> None:
    """One world's status line and network."""
    title = _title(world, index, comparison) if comparison else "The collaboration"
    width = 265 if comparison else 560
    verdict = world.verdict
    with solara.Column(gap="4px"):
        solara.Text(title, style={"font-size": "1.15rem", "font-weight": "500"})
        with solara.Div(classes=["cisim-status"]):
            Html(
                f"<b>Month {world.month}</b> of {world.scenario.horizon_months} · "
                f"phase: <b>{html.escape(world.phase)}</b> · "
                f"regime: <b>{html.escape(verdict.words)}</b>"
            )
        with solara.Div(classes=["cisim-chart", "cisim-network"]):
            VegaChart(charts.network_spec(world, width=width, height=int(width * 0.75)))


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
    with solara.Card(title, margin=0, elevation=0), solara.Div(classes=["cisim-log"]):
        if not events:
            solara.Text("Nothing yet: press Step, Year or Play.")
        for event in events:
            solara.Div(children=[str(event)], classes=["cisim-event", f"cisim-event-{event.kind}"])


@solara.component
def GuideCard(preset: str) -> None:
    """The preset's guided text."""
    text = guide(preset)
    with solara.Card(f"Guide: {text.title}", margin=0, elevation=0, classes=["cisim-guide"]):
        Html(f"<p><b>What is it?</b> {html.escape(text.what)}</p>" + _bullets(text.encodes))
        with solara.Details("How it works"):
            Html(_bullets(text.how))
        Html("<p><b>Things to notice</b></p>" + _bullets(text.notice))
        Html("<p><b>Things to try</b> (predict first, then test)</p>" + _bullets(text.tries))


def _bullets(items: tuple[str, ...]) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(item)}</li>" for item in items) + "</ul>"


def VegaChart(spec: dict[str, Any]) -> Any:
    """A Vega-Lite chart (Solara's widget, given the specification directly; without Altair's
    ``$schema``, which names a newer Vega-Lite than the installed one the page draws with)."""
    spec = {key: value for key, value in spec.items() if key != "$schema"}
    return solara.widgets.VegaLite.element(spec=spec, listen_to_click=False, listen_to_hover=False)


def Html(markup: str) -> Any:
    """Trusted markup built here from escaped text (Solara's Markdown would load Mermaid)."""
    return solara.HTML(tag="div", unsafe_innerHTML=markup)

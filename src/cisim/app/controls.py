"""The page's controls: the top bar (preset, seed, Reset, Play, Step, Year, speed, guide, key)
and the sidebar (the levers, and the second world).

Every control calls an :class:`Actions` method; the page (:mod:`cisim.app.page`) carries them
out on its classroom. Sliders act when they are let go (Vuetify's ``change``), not while they are
dragged, so that a lever moved mid-run is one change in the story.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import solara
from reacton.ipyvue import use_event
from solara import v

from cisim.app.classroom import Classroom, Twin
from cisim.app.levers import LEVERS, START_ONLY, Lever
from cisim.app.world import Settings
from cisim.model.scenario import PRESET_NAMES

__all__ = ["SPEEDS", "Actions", "LeverControl", "Sidebar", "TopBar"]

#: Play speeds: words -> milliseconds between months.
SPEEDS: dict[str, int] = {"1 a second": 1000, "4 a second": 250, "10 a second": 100, "fastest": 0}


@dataclass(frozen=True)
class Actions:
    """What the controls can do (each redraws the page)."""

    step: Callable[[int], None]
    play: Callable[[bool], None]
    reset: Callable[[], None]
    preset: Callable[[str], None]
    seed: Callable[[Any], None]
    lever: Callable[[str, Any], None]
    other: Callable[[Any], None]
    compare: Callable[[bool, str | None], None]
    speed: Callable[[str], None]
    panel: Callable[[str], None]


@solara.component
def TopBar(
    settings: Settings, actions: Actions, playing: bool, speed: str, panel: str, over: bool
) -> None:
    """Preset and seed (a new start), the run's buttons and speed, the guide and the key."""
    with solara.Div(classes=["cisim-topbar"]):
        solara.HTML(tag="div", unsafe_innerHTML="Learning journey or blame game?",
                    classes=["cisim-name"])  # fmt: skip
        _label("Preset")
        v.Select(
            items=list(PRESET_NAMES),
            v_model=settings.preset,
            on_v_model=actions.preset,
            dense=True,
            hide_details=True,
            outlined=True,
            class_="cisim-preset",
        )
        _label("Seed")
        seed = v.TextField(
            v_model=str(settings.seed),
            dense=True,
            hide_details=True,
            outlined=True,
            class_="cisim-seed",
        )
        use_event(seed, "change", lambda *args: actions.seed(args[-1]))
        Button("Reset", lambda: actions.reset(), "cisim-reset")
        if playing:
            Button("❚❚ Pause", lambda: actions.play(False), "cisim-pause")
        else:
            Button("▶ Play", lambda: actions.play(True), "cisim-play", disabled=over)
        Button("Step", lambda: actions.step(1), "cisim-step", disabled=over or playing)
        Button("Year", lambda: actions.step(12), "cisim-year", disabled=over or playing)
        _label("Speed")
        v.Select(
            items=list(SPEEDS),
            v_model=speed,
            on_v_model=actions.speed,
            dense=True,
            hide_details=True,
            outlined=True,
            class_="cisim-speed",
        )
        for name in ("Guide", "Key"):
            shown = panel == name.lower()
            Button(name, _toggle(actions, name.lower(), shown), f"cisim-{name.lower()}",
                   outlined=not shown)  # fmt: skip


def _label(text: str) -> None:
    """A field's name beside it (a floating label would be drawn at 12 px)."""
    solara.HTML(tag="label", unsafe_innerHTML=text, classes=["cisim-field-name"])


def _toggle(actions: Actions, name: str, shown: bool) -> Callable[[], None]:
    """Open the panel ``name``, or close it if it is shown."""
    return lambda: actions.panel("" if shown else name)


def _setter(actions: Actions, name: str) -> Callable[[Any], None]:
    """Move lever ``name``."""
    return lambda value: actions.lever(name, value)


def Button(label: str, on_click: Callable[[], None], css: str, **props: Any) -> Any:
    """A button of the top bar."""
    props.setdefault("outlined", False)
    return solara.Button(label, on_click=on_click, classes=[css], color="primary", **props)


@solara.component
def Sidebar(
    classroom: Classroom, actions: Actions, error: str, changed: solara.Reactive[int]
) -> None:
    """The levers (a new start; mid-run), and the second world (redrawn when a control changed
    something, not every month)."""
    changed.get()
    levers = classroom.levers
    with solara.Div(classes=["cisim-sidebar"]):
        if error:
            solara.HTML(tag="div", unsafe_innerHTML=_escape(error), classes=["cisim-error"])
        _heading("A new start", "from month 0")
        for name in START_ONLY_ORDER:
            LeverControl(LEVERS[name], levers[name], _setter(actions, name))
        _heading("Levers", "act from the next month")
        for name, lever in LEVERS.items():
            if name not in START_ONLY:
                LeverControl(lever, levers[name], _setter(actions, name))
        twin = classroom.twin
        comparison = classroom.comparison if twin is not None else None
        value = twin.levers[comparison.lever] if twin is not None and comparison else None
        SecondWorld(comparison, value, actions)


START_ONLY_ORDER = tuple(name for name in LEVERS if name in START_ONLY)


def _heading(title: str, note: str) -> None:
    bold = f"<b>{title}</b> " if title else ""
    solara.HTML(
        tag="div",
        unsafe_innerHTML=f"{bold}<span class='cisim-muted'>{note}</span>",
        classes=["cisim-heading"],
    )


def _escape(text: str) -> str:
    import html

    return html.escape(text)


def LeverControl(
    lever: Lever, value: Any, on_value: Callable[[Any], None], prefix: str = ""
) -> Any:
    """One lever: a switch, a choice, or a slider with its label and value beside it."""
    css = f"cisim-lever cisim-lever-{prefix}{lever.name}"
    if lever.kind == "switch":
        return v.Switch(
            label=lever.label,
            v_model=bool(value),
            on_v_model=lambda on: on_value(int(bool(on))),
            dense=True,
            hide_details=True,
            class_=css,
        )
    if lever.kind == "choice":
        return ChoiceLever(lever, value, on_value, css)
    return SliderLever(lever, value, on_value, css, prefix)


@solara.component
def ChoiceLever(lever: Lever, value: Any, on_value: Callable[[Any], None], css: str) -> None:
    """A lever with a few values: its label and a list."""
    with solara.Div(classes=["cisim-row", css]):
        solara.HTML(tag="label", unsafe_innerHTML=lever.label)
        v.Select(
            items=list(lever.choices),
            v_model=value,
            on_v_model=on_value,
            dense=True,
            hide_details=True,
        )


@solara.component
def SliderLever(
    lever: Lever, value: Any, on_value: Callable[[Any], None], css: str, prefix: str
) -> None:
    """A slider, its label and its value; it acts when let go."""
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    with solara.Div(classes=["cisim-row", css]):
        solara.HTML(tag="label", unsafe_innerHTML=f"{lever.label} <b>{shown}</b>")
        slider = v.Slider(
            v_model=value,
            min=lever.lo,
            max=lever.hi,
            step=lever.step,
            dense=True,
            hide_details=True,
            thumb_label=True,
            class_=f"cisim-slider-{prefix}{lever.name}",
        )
        use_event(slider, "change", lambda *args: on_value(args[-1]))


@solara.component
def SecondWorld(comparison: Twin | None, value: Any, actions: Actions) -> None:
    """Show a second world, the lever that differs and its value there (``value``)."""
    labels = {lever.label: name for name, lever in LEVERS.items()}
    _heading("Two worlds", "same seed, one lever differs")
    v.Switch(
        label="Show a second world",
        v_model=comparison is not None,
        on_v_model=lambda on: actions.compare(bool(on), None),
        dense=True,
        hide_details=True,
        class_="cisim-lever cisim-second-world",
    )
    if comparison is None:
        return
    with solara.Div(classes=["cisim-row", "cisim-lever", "cisim-differs"]):
        solara.HTML(tag="label", unsafe_innerHTML="The lever that differs")
        v.Select(
            items=list(labels),
            v_model=LEVERS[comparison.lever].label,
            on_v_model=lambda label: actions.compare(True, labels[label]),
            dense=True,
            hide_details=True,
        )
    lever = LEVERS[comparison.lever]
    if not lever.mid_run:
        _heading("", "it shapes the start: a new value starts both worlds again")
    other = Lever(**{**lever.__dict__, "label": f"In the other world: {lever.label}"})
    LeverControl(other, value, actions.other, prefix="other-")

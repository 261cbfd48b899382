"""What the page shows of the worlds: each world's status and network, its story, the panels over
time, the guide and the key. Functions of a :class:`~cisim.app.classroom.Classroom`, redrawn when
its ``version`` (a month stepped, a lever moved) changes.

The story and the guide are one block of markup each (built here from escaped text): a widget per
line would make every month's redraw slower as the story grows.
"""

from __future__ import annotations

import html
import re
from typing import Any

import solara

from cisim.app import charts
from cisim.app.classroom import Classroom
from cisim.app.guide import guide
from cisim.app.levers import LEVERS
from cisim.app.vega import vega_view
from cisim.app.world import World

__all__ = ["Guide", "Html", "Key", "OverTime", "Story", "WorldPanel", "plain", "world_title"]

#: Events shown per world (newest first).
LOG_LENGTH = 200


def Html(markup: str, classes: str = "") -> Any:
    """Trusted markup built here from escaped text (Solara's Markdown would load Mermaid)."""
    return solara.HTML(tag="div", unsafe_innerHTML=markup, classes=[classes] if classes else [])


def world_title(classroom: Classroom, index: int) -> str:
    """``This world: without a navigator``, ``The other world: with a navigator (since month
    12)`` (when the class moved the lever that differs mid-run); ``The collaboration`` with one
    world."""
    comparison = classroom.comparison
    if comparison is None or classroom.twin is None:
        return "The collaboration"
    world = classroom.worlds[index]
    which = "This world" if index == 0 else "The other world"
    moved = [change.month for change in world.changes if change.lever == comparison.lever]
    since = f" (since month {moved[-1]})" if moved else ""
    return f"{which}: {world.lever_words(comparison.lever)}{since}"


def _swatch(index: int, worlds: int) -> str:
    """A bar in the world's colour (none with one world)."""
    if worlds < 2:
        return ""
    colour = charts.world_colours(worlds)[index]
    return f'<span class="cisim-swatch" style="background:{colour}"></span>'


@solara.component
def WorldPanel(classroom: Classroom, index: int, version: int) -> None:
    """One world's title, status line and network."""
    world = classroom.worlds[index]
    count = len(classroom.worlds)
    verdict = world.verdict
    status = (
        f"<b>Month {world.month}</b> of {world.scenario.horizon_months} · "
        f"phase: <b>{html.escape(world.phase)}</b> · outcome: <b>{html.escape(verdict.words)}</b>"
    )
    title = html.escape(world_title(classroom, index))
    with solara.Div(classes=["cisim-world", f"cisim-world-{index}"]):
        Html(f'<div class="cisim-title">{_swatch(index, count)}{title}</div>')
        Html(status, "cisim-status")
        with solara.Div(classes=["cisim-chart", "cisim-network"]):
            vega_view(charts.network_spec(world), renderer="canvas")


def log_markup(world: World) -> str:
    """The story of one world, newest first, as markup."""
    events = world.events[-LOG_LENGTH:][::-1]
    if not events:
        return '<div class="cisim-empty">Nothing yet: press Step, Year or Play.</div>'
    return "".join(
        f'<div class="cisim-event cisim-event-{event.kind}">{html.escape(str(event))}</div>'
        for event in events
    )


@solara.component
def Story(classroom: Classroom, index: int, version: int) -> None:
    """One world's story (with two worlds, side by side under their networks)."""
    count = len(classroom.worlds)
    world = classroom.worlds[index]
    title = "What happened" if count == 1 else html.escape(world_title(classroom, index))
    with solara.Div(classes=["cisim-story", f"cisim-story-{index}"]):
        Html(f'<div class="cisim-title">{_swatch(index, count)}{title}</div>')
        Html(log_markup(world), "cisim-log")


@solara.component
def OverTime(classroom: Classroom, version: int) -> None:
    """The panels over time, with the worlds' colours named above them."""
    worlds = classroom.worlds
    with solara.Div(classes=["cisim-over-time"]):
        Html(_world_key(classroom), "cisim-world-key")
        with solara.Div(classes=["cisim-panels"]):
            for metric in charts.PANELS:
                with solara.Div(classes=["cisim-chart", f"cisim-{metric}"]):
                    vega_view(charts.panel_spec(worlds, metric))


def _world_key(classroom: Classroom) -> str:
    """``Over the months so far:`` and, with two worlds, each world's colour and name."""
    parts = ["<b>Over the months so far</b>"]
    count = len(classroom.worlds)
    if count > 1:
        parts += [f"{_swatch(i, count)}{WORLD_NAMES[i]}" for i in range(count)]
    else:
        parts.append('<span class="cisim-muted">learned, blamed: responses to setbacks</span>')
    parts.append('<span class="cisim-muted">dashed: a lever you moved</span>')
    return " &nbsp; ".join(parts)


WORLD_NAMES = ("this world", "the other world")


@solara.component
def Key() -> None:
    """What the networks' marks mean."""
    Html(KEY, "cisim-key")


def _key() -> str:
    dots = "".join(
        f'<li><span class="cisim-dot" style="color:{colour}">&#9679;</span> {sector}</li>'
        for sector, colour in charts.SECTOR_COLOURS.items()
    )
    return (
        "<h3>Key</h3>"
        "<p><b>Dots: organisations</b>, coloured by sector:</p>"
        f'<ul class="cisim-sectors">{dots}</ul>'
        "<p>Bigger: its representative has more authority. Hollow: an outsider who may join. "
        "Grey: it left.</p>"
        '<p><b>Lines: working relationships</b>, coloured by trust, <span style="color:#d73027">'
        'red low</span> to <span style="color:#1a9850">green high</span>; faint: with a member '
        "who left.</p>"
        f'<p><span style="color:#D00000">&#10006;</span> blame crossed the tie in the last '
        f"{charts.BLAME_MEMORY} months.</p>"
        f'<p><span style="color:{charts.NAVIGATOR_GOLD}">&#9711;</span> the navigator is '
        "attending to this member this month.</p>"
    )


KEY = _key()

#: ``name = value`` (and ``(name = value)``) in a preset's text: a parameter's code name.
_CODE = re.compile(r"\b([a-z]+(?:_[a-z]+)*) = ('[^']*'|[\d.]+)")
#: Words for the parameters a preset's text names that are not levers of the app.
WORDS = {
    "authority_contest": "contest over decision rights",
    "authority_source": "where authority comes from",
    "prior_ties": "prior relationships",
    "backbone": "a backbone organisation",
    "capacity": "members' capacity",
    "adaptability": "adaptability",
    "n_organisations": "'Organisations'",
}


def plain(text: str) -> str:
    """A preset's text with code names (``authority_contest = 0.8``) in words: a lever's own
    label (``'Resources (a grant)' 0.9``), or the parameter in words."""

    def words(match: re.Match[str]) -> str:
        name, value = match.group(1), match.group(2).strip("'")
        if name in LEVERS:
            lever = LEVERS[name]
            if lever.kind == "switch":
                value = "on" if float(value) else "off"
            return f"'{lever.label}' {value}"
        return f"{WORDS.get(name, name.replace('_', ' '))} {value}"

    return _CODE.sub(words, text)


@solara.component
def Guide(preset: str) -> None:
    """The preset's guided text."""
    text = guide(preset)
    Html(
        f"<h3>Guide: {html.escape(text.title)}</h3>"
        f"<p><b>What is it?</b> {html.escape(plain(text.what))}</p>"
        + _bullets(tuple(plain(item) for item in text.encodes))
        + "<p><b>Things to notice</b></p>"
        + _bullets(text.notice)
        + "<p><b>Things to try</b> (predict first, then test). What they say holds over many "
        "runs from month 0: move the levers before the first month, or press Reset after "
        "moving them; moved mid-run, a lever acts from the next month on.</p>"
        + _bullets(text.tries)
        + "<p><b>How the model works</b></p>"
        + _bullets(text.how),
        "cisim-guide-text",
    )


def _bullets(items: tuple[str, ...]) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(item)}</li>" for item in items) + "</ul>"

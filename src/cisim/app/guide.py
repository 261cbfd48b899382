"""Guided text for each preset, in the manner of NetLogo's Info tab: what it is, how it works,
things to notice, things to try (predict, then test).

"What it is" comes from the preset file itself (its description and what it encodes), so it
cannot drift from the scenario the app runs; the rest is written for a class.
"""

from __future__ import annotations

from dataclasses import dataclass

from cisim.model.scenario import PRESET_NAMES, Scenario

__all__ = ["HOW_IT_WORKS", "Guide", "guide"]

#: How the model works, in plain words (the same for every preset).
HOW_IT_WORKS: tuple[str, ...] = (
    "Each dot is an organisation, sent to the table by its representative. Lines are working "
    "relationships, coloured by how much the two trust each other.",
    "At first the members search for an entry point: a first joint task they can start on. "
    "Diverse members who trust each other, have authority and engage the community find one "
    "sooner; meanwhile talk frustrates them.",
    "Then they work on the task and review it every few months. A review that meets the task is "
    "a win: progress grows and everyone's trust rises. One that falls short of what they hoped "
    "for is a setback.",
    "After a setback each member either learns (trust, understanding and the group's capacity "
    "grow) or blames a partner (trust between the two collapses, and those around them hear of "
    "it). Blame breeds blame: the more the group has blamed, the readier it is to blame again.",
    "Representatives leave and are replaced: the newcomer's trust starts again from what their "
    "organisation remembers. Frustrated or blamed members may leave; outsiders join a "
    "collaboration that has legitimacy. A navigator, if there is one, repairs relationships, "
    "settles newcomers in and introduces members to each other.",
)


@dataclass(frozen=True)
class Guide:
    """The guided text of one preset."""

    title: str
    what: str
    encodes: tuple[str, ...]
    how: tuple[str, ...]
    notice: tuple[str, ...]
    tries: tuple[str, ...]


_NOTICE: dict[str, tuple[str, ...]] = {
    "baseline": (
        "How long the search for an entry point takes, and how frustration builds meanwhile.",
        "The first setbacks: do most members learn, or blame? Watch the red crosses on the ties.",
        "Once blame has the upper hand, the blame line in 'Responses to setbacks' keeps climbing.",
    ),
    "hartford": (
        "The task is designed from the start, so work begins at once, with grand expectations.",
        "Early setbacks against high aspirations; with contested authority and a big grant, "
        "blame spreads quickly and conflict over governance flares.",
        "Members leave after being blamed, and the collaboration may dissolve.",
    ),
    "louisville": (
        "How often representatives leave (the event log), and how each newcomer's trust "
        "starts again.",
        "Shared understanding drops with every departure: consensus has to be rebuilt.",
        "Progress can still come, but slowly.",
    ),
    "south_yorkshire": (
        "A small team: every member matters, and one departure changes the picture.",
        "With little authority the search for an entry point can be long.",
        "Everyone knows everyone (a complete network), so trust travels fast, both ways.",
    ),
    "strong_start": (
        "Gold rings: the organisations the navigator attends to, and new ties it brokers.",
        "Prior relationships, data and joint problem-solving make learning the usual response "
        "to a setback.",
        "Compare the blame line with the baseline's.",
    ),
}

_TRY: dict[str, tuple[str, ...]] = {
    "baseline": (
        "Predict: will a navigator turn this into a learning journey? Show two worlds with "
        "'A navigator' as the lever, run 60 months, and compare.",
        "Raise 'Trust at the start' to 0.7 and reset. Does the entry point come sooner?",
        "Try another seed: is the outcome the same? What stays the same across seeds?",
    ),
    "hartford": (
        "Predict, then test: lower 'Aspiration' to 0.4. Fewer setbacks, less blame?",
        "Two worlds with 'Resources (a grant)' as the lever: is money a help or a hazard here?",
        "Add a navigator: can one trusted person hold this collaboration together?",
    ),
    "louisville": (
        "Two worlds with 'Turnover (a month)' as the lever, the other world at 0.01: how much "
        "faster does the low-turnover world progress?",
        "Switch on a navigator: newcomers settle in twice as fast. Does it make up for turnover?",
        "Raise 'Data use': does shared measurement keep the group learning despite turnover?",
    ),
    "south_yorkshire": (
        "Two worlds with 'Entry point' as the lever: searching against a designed first task.",
        "Raise 'Representatives' authority' to 0.6: does the team find its entry point sooner?",
        "Raise 'Community engagement': legitimacy and knowledge of what works grow; at what cost?",
    ),
    "strong_start": (
        "Take the navigator away (two worlds, lever 'A navigator'): how much of the success was "
        "the navigator's?",
        "Lower 'Joint problem-solving' and 'Data use' to 0.1: does blame return?",
        "Raise 'Turnover' to 0.08: can the five key actions withstand churn?",
    ),
}


def guide(preset: str) -> Guide:
    """The guided text of a preset."""
    if preset not in PRESET_NAMES:
        raise KeyError(preset)
    scenario = Scenario.preset(preset)
    return Guide(
        title=preset.replace("_", " ").capitalize(),
        what=" ".join(scenario.description.split()),
        encodes=scenario.encodes,
        how=HOW_IT_WORKS,
        notice=_NOTICE[preset],
        tries=_TRY[preset],
    )

"""Guided text for each preset, in the manner of NetLogo's Info tab: what it is, how it works,
things to notice, things to try (predict, then test).

"What it is" comes from the preset file itself (its description and what it encodes), so it
cannot drift from the scenario the app runs; the rest is written for a class. Every thing to
notice and every thing to try carries the claims it makes about the model (:class:`Item`,
:class:`cisim.app.claims.Claim`): what the model does when the class follows it, with the outcome
and its direction. ``tests/app/test_guide_claims.py`` measures each one (1,000 runs a scenario,
common random numbers, 95 % intervals), so the guide says only what the model bears out.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any

from cisim.app.claims import REPLICATES, SEED, Claim, Runs, measure
from cisim.model.outcomes import NUMBERS
from cisim.model.scenario import PRESET_NAMES, Scenario
from cisim.stats import Estimate

__all__ = ["CLAIMS", "HOW_IT_WORKS", "Guide", "Item", "PresetClaim", "guide", "items"]

#: How the model works, in plain words (the same for every preset).
HOW_IT_WORKS: tuple[str, ...] = (
    "Each dot is an organisation, sent to the table by its representative (in South Yorkshire "
    "each member is a person). Lines are working relationships, coloured by how much the two "
    "trust each other.",
    "At first the members search for an entry point: a first joint task. Any member may spot "
    "one and propose it; the others take it up if they trust the member who proposes it. "
    "Members who trust their partners, work with other sectors, have the authority to act and "
    "engage the community propose more often. Meanwhile, talk without a task frustrates them. "
    "With a designed entry point the task is set from the start; an imposed one (fixed from "
    "outside, like Hartford's grant plan) is owned less by the members and cannot be revised.",
    "Then they work on the task and review it every few months. A review that meets the task is "
    "a win: progress grows, trust rises, members understand each other better and learn what "
    "works. One that falls short of what they hoped for is a setback. A task needs people with "
    "the authority to carry it out: the bigger the task, the more authority it takes. Members "
    "also disagree about the substance; where they trust each other that improves the work, "
    "where they do not the debate turns personal.",
    "After a setback each member either learns (its understanding and the group's capacity grow, "
    "and its partners trust it more) or blames a partner (trust between the two collapses, and "
    "those around them hear of it). Each member has a habit: every time it blames it is readier "
    "to blame next time, every time it learns less ready. Members pick up the habits of the "
    "partners they work with, so blame spreads along the ties, and so does learning.",
    "Representatives leave and are replaced: the newcomer's trust starts again from what its "
    "organisation remembers, much of what its predecessor understood leaves with them, and it "
    "takes on its partners' habits. Frustrated or blamed members may leave for good, and every "
    "departure makes staying less worthwhile for the rest; outsiders join a collaboration that "
    "has legitimacy. When fewer than two members are left, the collaboration has dissolved.",
    "A navigator, if there is one, attends to a few members each month, newcomers first: it "
    "briefs them (they catch up with what the group understands), coaches them to learn rather "
    "than blame and settles them in faster. It also repairs relationships, calms the next "
    "setback and introduces members to each other. The more newcomers, the more its work is "
    "worth.",
    "The verdict at the end: a blame game if blame met at least half of the setbacks of the last "
    "four years; otherwise a learning journey if it made enough progress; stalled if it never "
    "found an entry point or achieved too little; dissolved if it came apart.",
)


@dataclass(frozen=True)
class Item:
    """A thing to notice or to try, and what it claims the model does (at least one claim)."""

    text: str
    claims: tuple[Claim, ...]

    def __post_init__(self) -> None:
        if not self.claims:
            raise ValueError(f"no claim for {self.text!r}")


@dataclass(frozen=True)
class Guide:
    """The guided text of one preset."""

    title: str
    what: str
    encodes: tuple[str, ...]
    how: tuple[str, ...]
    notice: tuple[str, ...]
    tries: tuple[str, ...]


def _up(outcome: str, **kwargs: Any) -> Claim:
    return Claim(outcome, "up", **kwargs)


def _down(outcome: str, **kwargs: Any) -> Claim:
    return Claim(outcome, "down", **kwargs)


_NOTICE: dict[str, tuple[Item, ...]] = {
    "baseline": (
        Item(
            "How long the search for an entry point takes: often more than a year, and some "
            "collaborations never find one (they stall). Talk without a task frustrates members.",
            (_up("months_to_entry_point", level=12), _up("stalled", level=0.03)),
        ),
        Item(
            "The first setbacks: do most members learn, or blame? Watch the red crosses on the "
            "ties. Each response becomes a habit that partners pick up, so whichever wins the "
            "first few setbacks usually keeps winning.",
            (_up("blame_game", split="first_setbacks"),),
        ),
        Item(
            "Blamed members pull back and may leave: where blame took hold early, trust ends "
            "lower and fewer members are left (grey dots).",
            (
                _down("final_trust", split="first_setbacks"),
                _down("final_members", split="first_setbacks"),
            ),
        ),
    ),
    "hartford": (
        Item(
            "The grant plan fixed the first task from outside, so work begins at once, with no "
            "search for an entry point; but the plan was hardly workable and few members owned "
            "it, so the first win is not clearly sooner than where members search.",
            (_down("months_to_entry_point", versus="baseline"),),
        ),
        Item(
            "Setbacks against high expectations: with contested authority and a big grant, "
            "blame spreads fast and conflict over governance flares.",
            (_up("blame_share", versus="baseline"), _up("peak_conflict", versus="baseline")),
        ),
        Item(
            "Blamed members leave one after another; each departure makes staying less "
            "worthwhile, and the collaboration may dissolve.",
            (_down("final_members", versus="baseline"), _up("dissolved", level=0.05)),
        ),
    ),
    "louisville": (
        Item(
            "How often representatives leave (the event log): about once a month. Each "
            "newcomer's trust starts again from what its organisation remembers.",
            (_up("turnover_events", versus="baseline"),),
        ),
        Item(
            "Shared understanding drops with every departure. The executive director (the "
            "navigator: gold rings) briefs each newcomer, so consensus is rebuilt faster.",
            (_down("final_understanding", change={"navigator": 0}),),
        ),
        Item(
            "Progress comes, but slowly: with histories of mistrust the search for an entry "
            "point often takes two years or more.",
            (
                _up("months_to_entry_point", level=24),
                _up("months_to_first_win", versus="baseline"),
            ),
        ),
    ),
    "south_yorkshire": (
        Item(
            "Eight individuals: nobody replaces a member who leaves, so the team shrinks, and "
            "with fewer than two left it dissolves.",
            (_down("final_members", level=6), _up("dissolved", level=0.1)),
        ),
        Item(
            "With little authority and no designed task, the search for an entry point can be "
            "long.",
            (_up("months_to_entry_point", versus="baseline"),),
        ),
        Item(
            "Everyone knows everyone (a complete network) and no newcomers need bringing up to "
            "speed: once the team works, shared understanding climbs high.",
            (_up("final_understanding", versus="baseline"),),
        ),
    ),
    "strong_start": (
        Item(
            "Gold rings: the members the navigator attends to, newcomers first. It briefs them, "
            "so shared understanding stays high as representatives come and go.",
            (_down("final_understanding", change={"navigator": 0}),),
        ),
        Item(
            "Prior relationships, data and joint problem-solving make learning the usual "
            "response to a setback.",
            (_down("blame_share", level=0.2),),
        ),
        Item(
            "Compare the blame line in 'Responses to setbacks' with the baseline's: it stays "
            "near the floor.",
            (_down("blame_responses", versus="baseline"),),
        ),
    ),
}

_TRY: dict[str, tuple[Item, ...]] = {
    "baseline": (
        Item(
            "Predict: will a navigator turn this into a learning journey? Show two worlds with "
            "'A navigator' as the lever, run to the end (ten years) and compare; then try a few "
            "seeds.",
            (
                _up("learning_journey", change={"navigator": 1}),
                _down("blame_game", change={"navigator": 1}),
            ),
        ),
        Item(
            "Raise 'Trust at the start' to 0.7 (a new start). Does the entry point come "
            "sooner? Does the ending change?",
            (
                _down("months_to_entry_point", change={"initial_trust": 0.7}),
                _up("learning_journey", change={"initial_trust": 0.7}),
            ),
        ),
        Item(
            "Luck: run seeds 1 to 5 without moving a lever. Does every run end the same way? "
            "Over many seeds about half end as learning journeys and a third as blame games: "
            "neither is foregone.",
            (
                _up("learning_journey", level=0.35),
                _down("learning_journey", level=0.75),
                _up("blame_game", level=0.2),
            ),
        ),
    ),
    "hartford": (
        Item(
            "Two worlds with 'Resources (a grant)' as the lever, the other world at 0.1: is the "
            "money a help or a hazard here?",
            (
                _up("learning_journey", change={"resources": 0.1}),
                _down("peak_conflict", change={"resources": 0.1}),
            ),
        ),
        Item(
            "Predict, then test: lower 'Aspiration' to 0.4. Do modest goals bring a quicker "
            "first win? Do they stop the blame? (Watch which ending becomes commoner.)",
            (
                _down("months_to_first_win", change={"aspiration": 0.4}),
                _up("progress", change={"aspiration": 0.4}),
                _down("dissolved", change={"aspiration": 0.4}),
                _up("blame_game", change={"aspiration": 0.4}),
            ),
        ),
        Item(
            "Add a navigator (two worlds, lever 'A navigator'): can one trusted person hold this "
            "collaboration together? Does it stop the blame?",
            (
                _down("dissolved", change={"navigator": 1}),
                _up("final_members", change={"navigator": 1}),
                _up("blame_game", change={"navigator": 1}),
            ),
        ),
    ),
    "louisville": (
        Item(
            "Take the executive director away (two worlds, lever 'A navigator'): how many "
            "learning journeys does Louisville lose?",
            (
                _down("learning_journey", change={"navigator": 0}),
                _up("blame_game", change={"navigator": 0}),
            ),
        ),
        Item(
            "Two worlds with 'Turnover (a month)' as the lever, the other world at 0 (nobody "
            "leaves): watch shared understanding. Then switch off 'A navigator', press Reset "
            "(both worlds start again without it) and compare again: without the executive "
            "director, does turnover cost more?",
            (
                _up("final_understanding", change={"turnover": 0.0}),
                _up("learning_journey", change={"turnover": 0.0}, setting={"navigator": 0}),
                _up(
                    "learning_journey",
                    change={"turnover": 0.0},
                    setting={"navigator": 0},
                    relative_to={"navigator": 1},
                ),
            ),
        ),
        Item(
            "Raise 'Data use' to 0.85: does shared measurement keep the group learning despite "
            "the turnover?",
            (
                _up("learning_journey", change={"data_use": 0.85}),
                _down("blame_game", change={"data_use": 0.85}),
            ),
        ),
    ),
    "south_yorkshire": (
        Item(
            "Two worlds with 'Entry point' as the lever: searching against a designed first "
            "task. Which world ends better, and which is likelier to fall apart?",
            (
                _up("learning_journey", change={"entry_point": "designed"}),
                _down("dissolved", change={"entry_point": "designed"}),
            ),
        ),
        Item(
            "Raise 'Representatives' authority' to 0.6: does the team find its entry point "
            "sooner? Does it end better?",
            (
                _down("months_to_entry_point", change={"authority": 0.6}),
                _up("learning_journey", change={"authority": 0.6}),
            ),
        ),
        Item(
            "Raise 'Community engagement' to 0.65. It costs the members' time: does it pay?",
            (
                _down("months_to_entry_point", change={"community_engagement": 0.65}),
                _up("learning_journey", change={"community_engagement": 0.65}),
            ),
        ),
        Item(
            "Two worlds with 'A navigator' as the lever: how much can one trusted person do "
            "for a team of eight?",
            (
                _up("learning_journey", change={"navigator": 1}),
                _down("dissolved", change={"navigator": 1}),
            ),
        ),
    ),
    "strong_start": (
        Item(
            "Take the navigator away (two worlds, lever 'A navigator'): how much of the success "
            "was the navigator's? (Run several seeds: most still end well.)",
            (
                _down("learning_journey", change={"navigator": 0}),
                _up("learning_journey", setting={"navigator": 0}, level=0.85),
            ),
        ),
        Item(
            "Lower 'Joint problem-solving' and 'Data use' to 0.1, then Reset: does blame return?",
            (_up("blame_game", change={"joint_problem_solving": 0.1, "data_use": 0.1}),),
        ),
        Item(
            "Raise 'Turnover (a month)' to 0.08: can the five key actions withstand churn? Watch "
            "shared understanding, then the ending.",
            (
                _down("final_understanding", change={"turnover": 0.08}),
                _up("learning_journey", setting={"turnover": 0.08}, level=0.95),
            ),
        ),
    ),
}


@dataclass(frozen=True)
class PresetClaim:
    """One claim of the guide, with where it is made."""

    preset: str
    part: str  # "notice" or "try"
    number: int  # 1-based, within the part
    text: str
    claim: Claim


def items(preset: str) -> dict[str, tuple[Item, ...]]:
    """A preset's things to notice and to try, with their claims."""
    if preset not in PRESET_NAMES:
        raise KeyError(preset)
    return {"notice": _NOTICE[preset], "try": _TRY[preset]}


#: Every claim of the guide, preset by preset, notices first.
CLAIMS: tuple[PresetClaim, ...] = tuple(
    PresetClaim(preset, part, number, item.text, claim)
    for preset in PRESET_NAMES
    for part, group in items(preset).items()
    for number, item in enumerate(group, start=1)
    for claim in item.claims
)


def guide(preset: str) -> Guide:
    """The guided text of a preset."""
    parts = items(preset)
    scenario = Scenario.preset(preset)
    return Guide(
        title=preset.replace("_", " ").capitalize(),
        what=" ".join(scenario.description.split()),
        encodes=scenario.encodes,
        how=HOW_IT_WORKS,
        notice=tuple(item.text for item in parts["notice"]),
        tries=tuple(item.text for item in parts["try"]),
    )


def _main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m cisim.app.guide", description="Measure every claim of the app's guide."
    )
    parser.add_argument("--replicates", type=int, default=REPLICATES)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    runs = Runs(args.replicates, args.seed)
    print(f"{args.replicates} runs per scenario, seed {args.seed}; 95 % intervals\n")
    print("| preset | part | claim | estimate [95 % interval] | holds |")
    print("|---|---|---|---|---|")
    for item in CLAIMS:
        estimate = measure(item.preset, item.claim, runs)
        scale = 100 if NUMBERS[item.claim.outcome].kind == "share" else 1
        shown = Estimate(estimate.value * scale, estimate.low * scale, estimate.high * scale)
        fmt = ".1f" if scale == 100 or abs(estimate.value) >= 1 else ".3f"
        verdict = "yes" if item.claim.holds(estimate) else "NO"
        print(
            f"| {item.preset} | {item.part} {item.number} | "
            f"{item.claim.describe(item.preset)} | {shown:{fmt}} | {verdict} |"
        )


if __name__ == "__main__":
    _main()

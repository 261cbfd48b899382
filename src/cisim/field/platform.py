"""The platform (field builder): its levers, validated like a scenario's parameters.

A platform is what seed 004 calls a field-building organisation: it "developed and spread
knowledge of the key principles", "shared tools and resources for the field" and "established
training and certification programs", funded by a budget that funders may give to programmes
only, to infrastructure, or inconsistently from year to year (seed 004 and its comments). Each
lever is a :class:`~cisim.model.spec.Spec` with its range, unit and why it has its default, as the
collaboration's parameters are (:data:`cisim.model.parameters.SPECS`). The mechanisms that use
them are in :mod:`cisim.field.coupling`; the ODD's field section (``docs/ODD.md``, §7a)
says which source each carries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from cisim.errors import ConfigError, did_you_mean
from cisim.model.spec import Spec, choice, real, whole

F = "field"

#: The services a platform can fund, in the order of its shares.
SERVICES: tuple[str, ...] = ("evidence", "programmes", "capabilities", "peers")
#: A service's contact with a city is a quarter of a year of that service, whatever the months
#: between the platform's steps: a step reaches ``step_months / CONTACT_MONTHS`` times the share of
#: cities a quarterly step would (at most all), and each contact costs a quarter of a
#: service-year. So the budget buys the same contacts a year at any ``step_months``, which then
#: changes only when evidence, programmes and help arrive (each contact's effect is a quarter's).
CONTACT_MONTHS = 3

#: Every lever of a platform, in the order of the ODD's field table.
PLATFORM_SPECS: dict[str, Spec] = {
    "budget": real(
        F,
        0.0,
        100.0,
        "service-years per city per year",
        "the platform's yearly budget, in units of what serving one city with one service for a "
        "year costs",
        why="No platform by default (0): every city on its own is collective impact alone. Seed "
        "004: the sector's bias for programmes leaves field building underfunded.",
    ),
    "step_months": whole(
        F,
        1,
        120,
        "months",
        "months between the platform's steps (gather evidence, update, broadcast)",
        why="Assumption: a quarter, the collaboration's review cycle (review_months 3), so the "
        "platform sees each review once.",
    ),
    "funding_reliability": real(
        F,
        0.0,
        1.0,
        "probability per year",
        "chance that a year's budget arrives (1: steady funding)",
        why="Seed 004's comment: 'donors don't fund consistently from year to year'. Steady by "
        "default; inconsistent funding is a strategy to compare.",
    ),
    "evidence": real(
        F,
        0.0,
        1.0,
        "share",
        "share of the budget spent on gathering evidence and keeping the knowledge base",
        why="Seed 004: field builders 'developed and spread knowledge'; its comment: 'a "
        "knowledge base need constant maintenance'. Assumption: a quarter each to the four "
        "services.",
    ),
    "programmes": real(
        F,
        0.0,
        1.0,
        "share",
        "share of the budget spent offering proven programmes to cities",
        why="Seed 004: 'scaling what works', 'the best of what's been proven elsewhere'.",
    ),
    "capabilities": real(
        F,
        0.0,
        1.0,
        "share",
        "share of the budget spent on training and technical assistance",
        why="Seed 004: 'training, technical assistance, and technology', 'training and "
        "certification programs'.",
    ),
    "peers": real(
        F,
        0.0,
        1.0,
        "share",
        "share of the budget spent connecting cities to each other (peer learning)",
        why="Seed 001: 'many-to-many' learning and 'collective capacity and shared learning' "
        "across a movement; Rogers (2003): innovations spread through peers.",
    ),
    "programme": choice(
        F,
        ("learned", "given"),
        "where the platform's programme comes from: learnt from the field's evidence, or proven "
        "elsewhere and given",
        why="Seed 004 contrasts learning from local action with replicating what was proven "
        "elsewhere; 'learned' is the platform's, 'given' is scaling what works.",
    ),
    "programme_strength": real(
        F,
        0.0,
        1.0,
        "0-1",
        "how well a given programme is proven (its evidence), 0 to 1",
        why="Assumption: a programme with good but not conclusive evidence (0.6).",
    ),
    "programme_context": real(
        F,
        0.0,
        1.0,
        "0-1",
        "the local context a given programme was proven in (cities' contexts run from 0 to 1)",
        why="Assumption: proven in a middling context (0.5), so it fits the middle of the field "
        "best.",
    ),
    "fidelity": real(
        F,
        0.0,
        1.0,
        "0-1",
        "how strictly cities must implement a programme as designed (1: no adaptation)",
        why="The fidelity-adaptation debate (Elliott & Mihalic 2004; Castro et al. 2004): "
        "fidelity keeps the core that made a programme work; adaptation fits it to the local "
        "context and lets the city own it. Assumption: half and half.",
    ),
    "drift": real(
        F,
        0.0,
        1.0,
        "share",
        "share of a programme's core a city loses when it adapts the programme fully",
        why="Program drift: adaptations can drop the components that made a programme work "
        "(Elliott & Mihalic 2004; Durlak & DuPre 2008). Assumption: half at full adaptation.",
    ),
    "context_tolerance": real(
        F,
        0.01,
        1.0,
        "context distance",
        "how far from its original context a programme still helps (beyond it, it fails)",
        why="Assumption: a programme helps up to 0.4 from where it was proven, so one proven in "
        "the middle fails in the field's extremes when taken with fidelity.",
    ),
    "evidence_delay": whole(
        F,
        0,
        40,
        "platform steps",
        "steps before a city's results reach the platform",
        why="Assumption: results reach the platform a step (a quarter) late.",
    ),
    "evidence_noise": real(
        F,
        0.0,
        2.0,
        "sd",
        "noise in a city's reported win rate where it has no shared measurement",
        why="Assumption: a city without shared measurement reports its win rate with sd 0.3; "
        "noise falls with data use (Kania & Kramer 2011: shared measurement).",
    ),
    "initial_trust": real(
        F,
        0.0,
        1.0,
        "0-1",
        "cities' trust in the platform at the start",
        why="Assumption: neutral, as trust between organisations (initial_trust 0.5).",
    ),
    "not_invented_here": real(
        F,
        0.0,
        1.0,
        "0-1",
        "the field's mean resistance to what was invented elsewhere",
        why="Katz & Allen (1982): groups resist outside ideas; seed 004's comment: 'many want to "
        "reinvent the wheel with their own name on the door'. Assumption: 0.3 on average.",
    ),
    "target": choice(
        F,
        ("random", "weakest", "strongest"),
        "which cities a service reaches first when it cannot reach all: at random, those with "
        "the least progress so far, or those with the most",
        why="Random by default. Issue 16 asks which cities a platform helps, the weakest or the "
        "strongest; a funder can choose (seed 004 is silent on it).",
    ),
    "programme_entry": choice(
        F,
        ("opening", "none"),
        "whether a programme adopted by a city still searching for an entry point gives it one "
        "('opening') or is taken only by cities that already have one ('none')",
        why="'opening' by default: a programme is an actionable opening (de Jong et al. 2023, "
        "seed 003). 'none' is a sensitivity check: nearly all of a programme's effect in the field "
        "is this hand-over (ODD §7a.8), so its removal shows how much rests on it.",
    ),
    "entry_fit": real(
        F,
        0.0,
        1.0,
        "0-1",
        "how good an opening a programme that fits hands to a city still searching for an entry "
        "point: its fit is the programme's fit to the city times (this plus 0.4 times the "
        "programme's strength); a programme that does not fit opens nothing",
        why="Assumption: 0.6, so a well-proven programme that fits fully is as good an opening "
        "as a member's own proposal typically is (about 0.84 against entry_quality's 0.83). "
        "Nearly all of a programme's effect in the field rests on this hand-over (ODD §7a.8): a "
        "lever, so "
        "its sensitivity is measured (experiments/platforms_sensitivity.toml).",
    ),
    "peer_links": whole(
        F,
        0,
        50,
        "cities",
        "peers each city is connected to when the platform connects cities",
        why="Assumption: a handful (4) of peer cities, as learning networks pair cities.",
    ),
}


@dataclass(frozen=True, kw_only=True)
class Platform:
    """A platform's levers (see :data:`PLATFORM_SPECS` for each one's range and source).

    All fields are keyword-only and validated on construction; the four service shares must not
    all be zero when there is a budget.
    """

    budget: float = 0.0
    step_months: int = 3
    funding_reliability: float = 1.0
    evidence: float = 0.25
    programmes: float = 0.25
    capabilities: float = 0.25
    peers: float = 0.25
    programme: str = "learned"
    programme_strength: float = 0.6
    programme_context: float = 0.5
    fidelity: float = 0.5
    drift: float = 0.5
    context_tolerance: float = 0.4
    evidence_delay: int = 1
    evidence_noise: float = 0.3
    initial_trust: float = 0.5
    not_invented_here: float = 0.3
    target: str = "random"
    programme_entry: str = "opening"
    entry_fit: float = 0.6
    peer_links: int = 4

    def __post_init__(self) -> None:
        for name, spec in PLATFORM_SPECS.items():
            object.__setattr__(self, name, spec.check(name, getattr(self, name)))
        if self.budget > 0 and sum(self.shares) == 0:
            raise ConfigError(
                "programmes", 0.0, "a share > 0 for at least one service when the budget is > 0"
            )

    @property
    def shares(self) -> tuple[float, ...]:
        """The budget's shares of the four services (:data:`SERVICES`), as given."""
        return tuple(getattr(self, s) for s in SERVICES)

    def coverage(self, funded: float) -> dict[str, float]:
        """Share of cities each service reaches in a step of a year funded at ``funded`` (0-1):
        what its share of the budget buys over the step's months, at one unit per city-year and
        a quarter of a year per contact (:data:`CONTACT_MONTHS`), at most every city."""
        total = sum(self.shares)
        if total == 0:
            return dict.fromkeys(SERVICES, 0.0)
        per_step = self.budget * funded * self.step_months / CONTACT_MONTHS / total
        return {s: min(1.0, per_step * getattr(self, s)) for s in SERVICES}

    def replace(self, **changes: Any) -> Platform:
        """A copy with some levers changed (validated; an unknown name is an error)."""
        for key in changes:
            if key not in PLATFORM_SPECS:
                raise unknown_lever(key, changes[key])
        return replace(self, **changes)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Platform:
        """A platform from a table (a strategy's name under ``strategy`` starts from it)."""
        if not isinstance(data, Mapping):
            raise ConfigError("platform", data, "a table of platform levers")
        data = dict(data)
        base = strategy(data.pop("strategy")) if "strategy" in data else cls()
        return base.replace(**data)


def unknown_lever(key: str, value: Any) -> ConfigError:
    """The error for a lever a platform does not have (with a did-you-mean)."""
    names = [*PLATFORM_SPECS, "strategy"]
    hint = did_you_mean(key, names)
    return ConfigError(key, value, f"a platform lever (see docs/ODD.md, §7a){hint}")


_NAMES = tuple(f.name for f in fields(Platform))

#: The strategies of issue 16 (seed 004), each a platform (the names are TOML's ``strategy``).
#: ``alone``: every city on its own (collective impact alone); ``replicate``: a programme proven
#: elsewhere replicated everywhere with fidelity (scaling what works); ``platform``: a platform
#: that learns from the field and spreads programmes, capabilities and peer links;
#: ``programmes_only``: the platform's budget all on programmes (the sector's bias, seed 004);
#: ``infrastructure``: all on evidence, capabilities and peers; ``inconsistent``: the platform
#: funded one year in two (seed 004's comment).
STRATEGIES: dict[str, dict[str, Any]] = {
    "alone": {"budget": 0.0},
    "replicate": {
        "budget": 1.0,
        "programme": "given",
        "fidelity": 1.0,
        "evidence": 0.0,
        "programmes": 1.0,
        "capabilities": 0.0,
        "peers": 0.0,
    },
    "platform": {"budget": 1.0},
    "programmes_only": {
        "budget": 1.0,
        "evidence": 0.0,
        "programmes": 1.0,
        "capabilities": 0.0,
        "peers": 0.0,
    },
    "infrastructure": {"budget": 1.0, "programmes": 0.0},
    "inconsistent": {"budget": 1.0, "funding_reliability": 0.5},
}


def strategy(name: Any) -> Platform:
    """The platform of one of :data:`STRATEGIES`."""
    if not isinstance(name, str) or name not in STRATEGIES:
        raise ConfigError("strategy", name, "one of " + ", ".join(STRATEGIES))
    return Platform(**STRATEGIES[name])

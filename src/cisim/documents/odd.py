"""The generated parts of the ODD (``docs/ODD.md``), so that they cannot drift from the code.

Three blocks of the ODD are rendered here and nowhere else:

* the **parameter table** (between ``<!-- parameters:start -->`` and ``<!-- parameters:end -->``),
  from :data:`cisim.model.parameters.SPECS` (type, range, unit, meaning), the defaults of
  :class:`cisim.Scenario` and :data:`JUSTIFICATIONS` below (why each default, with its source or
  the assumption it rests on: the justification lives in code, next to the table it fills);
* the **preset tables** (between ``<!-- presets:start -->`` and ``<!-- presets:end -->``), from
  the ``configs/*.toml`` files: what each preset encodes from its case, what it assumes, and the
  parameters it sets;
* the **outcome table** (between ``<!-- outcomes:start -->`` and ``<!-- outcomes:end -->``),
  from the registry :mod:`cisim.model.outcomes` (the per-run outcomes, their units and rules).

``python -m cisim.documents.odd`` rewrites the blocks in place; ``--check`` only reports whether
they are current. ``tests/test_docs.py`` fails when they are not.
"""

from __future__ import annotations

import argparse
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cisim.io import refresh_text
from cisim.model.outcomes import INDICATORS, REGISTRY, Outcome
from cisim.model.parameters import SPECS, Spec
from cisim.model.scenario import PRESET_NAMES, Scenario

PARAMETERS_START = "<!-- parameters:start -->"
PARAMETERS_END = "<!-- parameters:end -->"
PRESETS_START = "<!-- presets:start -->"
PRESETS_END = "<!-- presets:end -->"
OUTCOMES_START = "<!-- outcomes:start -->"
OUTCOMES_END = "<!-- outcomes:end -->"

_ABOUT = ("name", "description", "encodes", "assumes")

#: Why each parameter has its default: the literature where there is one, otherwise the
#: assumption or calibration choice it rests on. References resolve to the ODD's bibliography.
JUSTIFICATIONS: dict[str, str] = {
    # population
    "n_organisations": (
        "Assumption: the core table of a city-wide collaboration, tens of organisations rather "
        "than hundreds. Smaller teams (South Yorkshire's 8) and large collective-impact "
        "movements (seed 001) are set per scenario."
    ),
    "sector_mix": (
        "Assumption: a cross-sector membership led by public and nonprofit organisations, as in "
        "collective impact (Kania & Kramer 2011) and the cases of seed 003. No source gives a "
        "typical composition."
    ),
    "candidate_share": (
        "Assumption: a pool of outsiders a quarter the size of the membership that legitimacy "
        'can attract ("get onboard the parties who lend legitimacy", seed 003).'
    ),
    "authority": (
        'Assumption: a middling mandate. Seed 000: "the right people" can commit and change '
        "their own organisation's practice; presets lower it where the case says so "
        "(South Yorkshire)."
    ),
    "authority_source": (
        "Seed 000 distinguishes authority granted by another body from authority the "
        "participants assign themselves. The default is granted, as in mayor-convened "
        "collaborations (Louisville, South Yorkshire)."
    ),
    "capacity": (
        "Assumption: a middling share of time and money on a relative 0-1 scale. Hartford "
        "lowers it (no providers, no facilities)."
    ),
    "alignment": (
        "Assumption: members weigh the shared mission and their own organisation's short-term "
        "interest about equally (seed 000: \"put aside their own organization's short-term "
        'interests"; seed 003: "loyalty to own department").'
    ),
    "turnover": (
        "Assumption: a monthly hazard of 0.02, so a representative stays 1/0.02 = 50 months "
        "(about four years) on average. With 20 members that is about five replacements a year, "
        "enough for the consensus to need rebuilding within a few years (Louisville: "
        '"consensus ... two years ago"). The Louisville preset uses 0.05.'
    ),
    "trait_spread": (
        "Assumption: modest differences between organisations of the same sector (sd 0.1 on 0-1 "
        "scales; turnover is spread multiplicatively)."
    ),
    "sectors": (
        "No overrides by default: every sector shares the scenario-wide means. Users with "
        "knowledge of their sectors set them. No source gives sector differences."
    ),
    # network
    "network": (
        "Assumption: city networks are clustered with a few bridging ties, which is what a "
        "small world describes (Watts & Strogatz 1998)."
    ),
    "mean_degree": (
        "Assumption: each organisation has existing working or acquaintance ties with about six "
        "others at the table."
    ),
    "rewiring": (
        "The small-world regime of Watts & Strogatz (1998): a few rewired ties give short paths "
        "while clustering stays high."
    ),
    "homophily": (
        "Used only by the clustered topology. Assumption: half of the ties lie within sectors "
        "(silos)."
    ),
    "prior_ties": (
        "Assumption: a third of ties are prior working relationships (social capital). "
        "Building on prior relationships is one of the five key actions (Pulido-Gómez et al. "
        "2025); Ansell & Gash (2008) list the prior history of cooperation among the starting "
        "conditions. strong_start uses 0.6."
    ),
    "initial_trust": (
        "Assumption: neutral trust, so that neither regime is foregone. The cases set lower "
        "values: Louisville 0.4 (histories of mistrust), Hartford 0.35."
    ),
    "trust_spread": "Assumption: moderate differences in trust between ties at the start.",
    "prior_trust_bonus": (
        "Assumption: a prior working relationship starts 0.15 more trusting (Ansell & Gash "
        "2008: a history of cooperation)."
    ),
    "dormant_ties": (
        "Assumption: each organisation has about two potential partners at the table that a "
        "navigator could introduce it to (liaisons as brokers: Zellner et al. 2014)."
    ),
    # collaboration
    "navigator": (
        "No navigator in the baseline: a trusted navigator is one of the five key actions "
        "(Pulido-Gómez et al. 2025) and is studied as a lever (strong_start: 1)."
    ),
    "navigator_capacity": (
        "Assumption: one person or small team can work closely on about four relationships a "
        "month, roughly one a week."
    ),
    "navigator_credibility": (
        'Assumption: a navigator is chosen as "a trusted individual" (Pulido-Gómez et al. '
        "2025), so starts highly credible. Blame erodes credibility."
    ),
    "entry_point": (
        "Collaborations must find their entry point (Martínez Orbegozo et al. 2022). "
        "'designed' models a task fixed in advance (Hartford's grant plan); 'none' tests "
        'pattern 4 ("keep talking or perish").'
    ),
    "community_engagement": (
        "Assumption: some engagement, below what the key action asks for (Pulido-Gómez et al. "
        '2025: "engage the community in all stages"; strong_start: 0.6).'
    ),
    "data_use": (
        "Assumption: some shared measurement, below the key action (Kania & Kramer 2011; "
        "Pulido-Gómez et al. 2025: use data to focus, learn and improve; strong_start: 0.6)."
    ),
    "joint_problem_solving": (
        "Assumption: a third of work done jointly, below the key action (Pulido-Gómez et al. "
        "2025: invest in joint problem-solving; strong_start: 0.6)."
    ),
    "aspiration": (
        'Assumption: middling early expectations. Seed 002 warns against "grand expectations '
        'early on"; Hartford uses 0.8 (a large, visible grant).'
    ),
    "resources": (
        "Assumption: modest pooled resources. Hartford uses 0.9 (a $28m federal grant; "
        '"the dark side of having resources").'
    ),
    "authority_contest": (
        "Assumption: decision rights somewhat unclear. Hartford uses 0.8 (a fight over the "
        'governance structure; "clearly allocating decision rights" is a theme of the case).'
    ),
    "governance_mode": (
        "Shared governance, the simplest of the three modes of Provan & Kenis (2008). "
        "Pulido-Gómez et al. (2025) find that no mode predicts success, so the default is not a "
        "claim about what works."
    ),
    "adaptability": (
        "Assumption: some readiness to change. Pulido-Gómez et al. (2025) find that adaptable "
        "collaborations succeed more often; strong_start uses 0.5, Hartford 0.1 "
        '("kicking hard decisions down the road").'
    ),
    "horizon_months": (
        '"Take the long view" (seed 002): collective impact means long-term efforts (seed '
        "000). Ten years covers Hartford's five-year grant and Louisville's two-year "
        "consensus, and lets both regimes settle."
    ),
    # mechanism constants
    "trust_build_rate": (
        "Slovic's (1993) asymmetry principle, with the 3:1 erosion-to-build ratio of Pant & Yu "
        "(2025; lambda+ 0.10, lambda- 0.30). The absolute level (half of Pant & Yu's) is the "
        "modellers' choice: experiences arrive every month on every tie, so smaller steps."
    ),
    "trust_erosion_rate": (
        "Three times trust_build_rate (Pant & Yu 2025; Slovic 1993; Poortinga & Pidgeon "
        "2004). Under balanced experience the rule pulls trust towards "
        "build / (build + erosion) = 0.25."
    ),
    "trust_spillover": (
        "Third parties hear of blame and distrust both sides (Burt & Knez 1995). Assumption: "
        "a bystander feels a fifth of the blame's weight."
    ),
    "reputation_weight": (
        "Trust travels along the network by gossip (Burt & Knez 1995). Assumption: slowly, 2% "
        "of the gap to reputation a month."
    ),
    "blame_severity": (
        "Assumption: being blamed, or blaming, counts as two bad experiences, on both sides of "
        "the tie (the negativity of blame: Slovic 1993; Repenning & Sterman 2002)."
    ),
    "institutional_memory": (
        "Assumption: most of the grasp of the problem leaves with the person (Louisville: "
        '"getting consensus on something that there was consensus about two years ago"). '
        "The Louisville preset uses 0.2."
    ),
    "institutional_trust_rate": (
        "Assumption: an organisation's institutional trust follows its representatives' "
        "trust over about three years (1/0.03 = 33 months). Trust is largely personal "
        "(Vangen & Huxham 2003)."
    ),
    "onboarding_months": (
        "Assumption: half a year for a new representative to settle in. A navigator's "
        "attention halves it."
    ),
    "review_months": "Assumption: quarterly reviews, a common reporting cycle.",
    "outcome_noise": (
        "Calibration choice: enough luck that the same collaboration can win or fall short. "
        "Setbacks come to good collaborations too, which is what makes the setback response "
        "matter (Pulido-Gómez et al. 2025). Data use reduces it by up to 30%."
    ),
    "entry_base_rate": (
        "Calibration (v5, from 0.06): a search at 0.06 found an entry point within a year in "
        "80% of runs, while many JABS teams had none after nine months (Martínez Orbegozo et "
        "al. 2022). It is the hazard of a reference team; the four enabling factors scale it."
    ),
    "exit_base_rate": (
        "Calibration (v0: exits were too frequent): an average member rarely leaves unless "
        "frustrated, blamed or seeing little value (Ariño & de la Torre 1998)."
    ),
    "join_base_rate": (
        "Assumption: with full legitimacy an outsider joins within about four years on average "
        "(1/0.02 = 50 months); a third as fast before an entry point."
    ),
    # regime rule
    "dissolution_share": (
        "Assumption: a collaboration that has lost half its founding members has dissolved "
        '(Ariño & de la Torre 1998; "keep talking or perish", Martínez Orbegozo et al. 2022). '
        "It also stops the run (membership)."
    ),
    "regime_blame_share": (
        "The natural boundary: a blame game when blame is at least half of all setback "
        "responses, that is, the majority response (Pulido-Gómez et al. 2025)."
    ),
    "regime_min_progress": (
        "Assumption: a learning journey must achieve something. A fifth of the goal within the "
        'horizon separates it from a collaboration that "just keeps talking".'
    ),
}

#: Allowed values of the table-valued parameters, in words.
_MAPPING_RANGES: dict[str, str] = {
    "sector_mix": "a share >= 0 per sector, not all 0 (normalised)",
    "sectors": "per sector: authority, capacity, alignment or turnover, each in its own range",
}


# ---- the parameter table ---------------------------------------------------------------------
def render_parameter_table() -> str:
    """The ODD's parameter table (markdown), one row per entry of :data:`SPECS`, in order."""
    defaults = Scenario()
    lines = [
        "| Parameter | Group | Default | Range | Unit | Meaning | Justification / source |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, spec in SPECS.items():
        cells = (
            f"`{name}`",
            spec.group,
            _default(getattr(defaults, name)),
            _range(name, spec),
            spec.unit,
            spec.doc,
            JUSTIFICATIONS.get(name, ""),
        )
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def _default(value: Any) -> str:
    if isinstance(value, Mapping):
        if not value:
            return "none"
        return ", ".join(f"{k} {_value(v)}" for k, v in value.items())
    if isinstance(value, str):
        return f"`{value}`"
    return _value(value)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Mapping):
        inner = ", ".join(f"{k} = {_value(v)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def _range(name: str, spec: Spec) -> str:
    if spec.kind == "choice":
        return ", ".join(f"`{c}`" for c in spec.choices)
    if spec.kind == "mapping":
        return _MAPPING_RANGES.get(name, spec.doc)
    return f"{_value(spec.lo)}–{_value(spec.hi)}"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


# ---- the outcome table -----------------------------------------------------------------------
def render_outcome_table() -> str:
    """The ODD's table of per-run outcomes: the registry, then the regime indicators."""
    lines = ["| Outcome | Definition | Kind | Unit / range |", "|---|---|---|---|"]
    for outcome in (*REGISTRY.values(), *INDICATORS.values()):
        cells = (f"`{outcome.name}`", outcome.description, outcome.kind, _outcome_range(outcome))
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def _outcome_range(outcome: Outcome) -> str:
    if outcome.lo is None:
        return ", ".join(f"`{r}`" for r in INDICATORS)
    if outcome.hi is None:
        return f"{outcome.unit}, {_value(outcome.lo)} or more"
    return f"{_value(outcome.lo)}–{_value(outcome.hi)}"


# ---- the preset tables -----------------------------------------------------------------------
@dataclass(frozen=True)
class Preset:
    """A preset file: its validated scenario and the parameters it sets explicitly."""

    scenario: Scenario
    settings: dict[str, Any]


def load_presets(directory: Path) -> list[Preset]:
    """Every ``*.toml`` preset in ``directory``, the named presets first in their usual order."""

    def order(path: Path) -> tuple[int, str]:
        stem = path.stem
        rank = PRESET_NAMES.index(stem) if stem in PRESET_NAMES else len(PRESET_NAMES)
        return rank, stem

    out = []
    for path in sorted(directory.glob("*.toml"), key=order):
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        settings = {k: v for k, v in raw.items() if k not in _ABOUT}
        out.append(Preset(Scenario.from_toml(path), settings))
    return out


def render_presets(presets: Sequence[Preset]) -> str:
    """One table per preset: what it encodes from its case, what it assumes, what it sets."""
    parts = []
    for preset in presets:
        sc = preset.scenario
        rows = [("encodes", item) for item in sc.encodes]
        rows += [("assumes", item) for item in sc.assumes]
        sets = ", ".join(f"`{k} = {_value(v)}`" for k, v in preset.settings.items())
        rows.append(("sets", sets or "nothing: every parameter at its default"))
        lines = [f"#### Preset `{sc.name}`", "", _cell(sc.description), ""]
        lines += ["| Kind | Statement |", "|---|---|"]
        lines += [f"| {kind} | {_cell(text)} |" for kind, text in rows]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


# ---- blocks in the document ------------------------------------------------------------------
def extract_block(text: str, start: str, end: str) -> str:
    """The text between two marker lines (without the markers and surrounding blank lines)."""
    _, sep, rest = text.partition(start)
    body, sep2, _ = rest.partition(end)
    if not sep or not sep2:
        raise ValueError(f"markers {start!r} ... {end!r} not found")
    return body.strip("\n")


def replace_block(text: str, start: str, end: str, body: str) -> str:
    """``text`` with the block between two markers replaced by ``body``."""
    head, sep, rest = text.partition(start)
    _, sep2, tail = rest.partition(end)
    if not sep or not sep2:
        raise ValueError(f"markers {start!r} ... {end!r} not found")
    return f"{head}{start}\n{body}\n{end}{tail}"


def rendered_blocks(configs: Path) -> Iterable[tuple[str, str, str]]:
    """Each generated block as ``(start marker, end marker, body)``."""
    yield PARAMETERS_START, PARAMETERS_END, render_parameter_table()
    yield PRESETS_START, PRESETS_END, render_presets(load_presets(configs))
    yield OUTCOMES_START, OUTCOMES_END, render_outcome_table()


def update(odd: Path, configs: Path) -> str:
    """The ODD's text with every generated block brought up to date."""
    text = odd.read_text(encoding="utf-8")
    for start, end, body in rendered_blocks(configs):
        text = replace_block(text, start, end, body)
    return text


def main(argv: list[str] | None = None) -> int:
    """Rewrite the generated blocks of the ODD in place (or, with ``--check``, only compare)."""
    parser = argparse.ArgumentParser(prog="python -m cisim.documents.odd", description=__doc__)
    parser.add_argument("--odd", type=Path, default=Path("docs/ODD.md"))
    parser.add_argument("--configs", type=Path, default=Path("configs"))
    parser.add_argument(
        "--check", action="store_true", help="do not write; exit 1 if a block is out of date"
    )
    args = parser.parse_args(argv)
    return refresh_text(
        args.odd,
        update(args.odd, args.configs),
        check=args.check,
        stale="generated blocks are out of date",
        written="generated blocks rewritten",
    )


if __name__ == "__main__":
    raise SystemExit(main())

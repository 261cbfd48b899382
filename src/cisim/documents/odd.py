"""The generated parts of the ODD (``docs/ODD.md``), so that they cannot drift from the code.

Four blocks of the ODD are rendered here and nowhere else:

* the **schedule** (between ``<!-- schedule:start -->`` and ``<!-- schedule:end -->``), from
  :data:`cisim.model.mechanisms.SCHEDULE`: each mechanism's module and what it declares it reads,
  writes and uses (held to the code by the mechanisms' contract tests), and the random streams
  its code draws from;

* the **parameter table** (between ``<!-- parameters:start -->`` and ``<!-- parameters:end -->``),
  from :data:`cisim.model.parameters.SPECS` (type, range, unit, meaning), the defaults of
  :class:`cisim.Scenario` and each spec's justification (``Spec.why``: why the default, with its
  source or the assumption it rests on);
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
import inspect
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cisim.io import refresh_text
from cisim.model.mechanisms import SCHEDULE
from cisim.model.outcomes import INDICATORS, REGISTRY, Outcome
from cisim.model.parameters import SPECS
from cisim.model.scenario import PRESET_NAMES, Scenario
from cisim.model.spec import Spec
from cisim.model.streams import SHOCKS

SCHEDULE_START = "<!-- schedule:start -->"
SCHEDULE_END = "<!-- schedule:end -->"
PARAMETERS_START = "<!-- parameters:start -->"
PARAMETERS_END = "<!-- parameters:end -->"
PRESETS_START = "<!-- presets:start -->"
PRESETS_END = "<!-- presets:end -->"
OUTCOMES_START = "<!-- outcomes:start -->"
OUTCOMES_END = "<!-- outcomes:end -->"

_ABOUT = ("name", "description", "encodes", "assumes")
_SRC = Path(__file__).resolve().parents[2]  # src/


#: Allowed values of the table-valued parameters, in words.
_MAPPING_RANGES: dict[str, str] = {
    "sector_mix": "a share >= 0 per sector, not all 0 (normalised)",
    "sectors": "per sector: authority, capacity, alignment or turnover, each in its own range",
}


# ---- the schedule ----------------------------------------------------------------------------
def render_schedule() -> str:
    """The ODD's schedule table: one row per mechanism, in the order of the monthly step."""
    lines = [
        "| # | Mechanism | Module | Reads | Writes | Parameters | Streams |",
        "|---|---|---|---|---|---|---|",
    ]
    for k, mechanism in enumerate(SCHEDULE, start=1):
        module = inspect.getmodule(mechanism.py_func)
        assert module is not None and module.__file__ is not None
        path = Path(module.__file__).resolve().relative_to(_SRC.parent).as_posix()
        cells = (
            str(k),
            f"**{mechanism.__name__}**",
            f"`{path}`",
            _names(module.READS),
            _names(module.WRITES),
            _names(module.PARAMETERS),
            ", ".join(_streams(inspect.getsource(module))) or "none",
        )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _names(names: Sequence[str]) -> str:
    return ", ".join(f"`{n}`" for n in names) or "none"


def _streams(source: str) -> list[str]:
    """The random streams a mechanism's code draws from: its own draws, and the month's normal
    draws the engine makes for it (``w.shock[k]``)."""
    found = set(re.findall(r"Stream\.([A-Z_]+)", source))
    found |= {SHOCKS[int(k)].name for k in re.findall(r"w\.shock\[(\d)\]", source)}
    return sorted(found)


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
            spec.why,
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
    yield SCHEDULE_START, SCHEDULE_END, render_schedule()
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

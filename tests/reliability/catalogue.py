"""The catalogue of bad input: every mistake a user can make in a scenario, a roster, an
experiment file or a field file, the error cisim must raise and the one line it must print.

Each :class:`Case` is a set of small files written into an empty directory, the file handed to
cisim, and what must come back: the exception's class, the field it names, the value it quotes,
where it points (file and line, or file and row) and words of what is allowed. ``test_catalogue``
runs every case through the API (``Scenario.from_toml``, ``Experiment.from_toml``,
``cisim.field.config.load``) and through the command line (``cisim validate`` for scenarios and
rosters, ``cisim sweep`` for experiments, ``cisim field`` for field files); ``docs/errors.md`` is
generated from it::

    .venv/bin/python tests/reliability/catalogue.py > docs/errors.md

Scenario cases are generated from :data:`cisim.model.parameters.SPECS` and a field file's
platform levers from :data:`cisim.field.platform.PLATFORM_SPECS`, so a new parameter or lever is
covered the day it is added.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path
from typing import Any

from cisim.errors import CisimError, ConfigError, FileFormatError
from cisim.field.platform import PLATFORM_SPECS
from cisim.model.parameters import SECTOR_TRAITS, SPECS
from cisim.model.scenario import PRESET_NAMES

SCENARIO, ROSTER, EXPERIMENT, FIELD = "scenario", "roster", "experiment", "field"
KINDS = (SCENARIO, ROSTER, EXPERIMENT, FIELD)
#: The file a case hands to cisim, by kind.
ENTRY = {
    SCENARIO: "scenario.toml",
    ROSTER: "scenario.toml",
    EXPERIMENT: "experiment.toml",
    FIELD: "field.toml",
}
_MISSING = object()


@dataclass(frozen=True)
class Case:
    """One mistake and what cisim must say about it.

    Attributes
    ----------
    id
        A unique, stable name (``scenario/turnover/above``).
    kind
        ``scenario``, ``roster``, ``experiment`` or ``field``.
    mistake
        The mistake in words, for ``docs/errors.md``.
    files
        File name to text (``bytes`` for a file that is not UTF-8), written into an empty
        directory; the entry file is :data:`ENTRY` of the kind.
    error
        The exception class cisim must raise (exactly).
    field
        The field the error names (``None``: a file-level error).
    value
        The value it must quote (``_MISSING``: not checked).
    where
        Where it must point: ``"scenario.toml, line 2"``, ``"orgs.csv, row 3"`` (``None``: not
        located, e.g. a key that is missing).
    words
        Words the message must hold (what is allowed).
    """

    id: str
    kind: str
    mistake: str
    files: dict[str, str | bytes]
    error: type[CisimError]
    field: str | None
    value: Any = _MISSING
    where: str | None = None
    words: tuple[str, ...] = ()
    extra: dict[str, Any] = dc_field(default_factory=dict)

    @property
    def entry(self) -> str:
        return ENTRY[self.kind]


# ---- scenario parameters, from SPECS -----------------------------------------------------------
HEAD = 'name = "catalogue"\n'
LINE = f"{ENTRY[SCENARIO]}, line 2"


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(value)


def _param(name: str, label: str, mistake: str, value: Any, allowed: str) -> Case:
    text = f"{HEAD}{name} = {_toml(value)}\n"
    return Case(
        id=f"scenario/{name}/{label}",
        kind=SCENARIO,
        mistake=mistake,
        files={ENTRY[SCENARIO]: text},
        error=ConfigError,
        field=name,
        value=value,
        where=LINE,
        words=(allowed,),
    )


def _numeric_cases(name: str) -> list[Case]:
    spec = SPECS[name]
    assert spec.lo is not None and spec.hi is not None
    step: float = 1 if spec.kind == "int" else 0.5
    below = int(spec.lo - step) if spec.kind == "int" else spec.lo - step
    above = int(spec.hi + step) if spec.kind == "int" else spec.hi + step
    allowed = spec.allowed()
    cases = [
        _param(name, "below", "below its range", below, allowed),
        _param(name, "above", "above its range", above, allowed),
        _param(name, "text", "text instead of a number", "high", allowed),
        _param(name, "bool", "true/false instead of a number", True, allowed),
    ]
    if spec.kind == "int":
        cases.append(_param(name, "fraction", "a fraction for a whole number", 2.5, allowed))
    else:
        cases.append(_param(name, "nan", "not a number (nan)", math.nan, allowed))
    return cases


def _choice_cases(name: str) -> list[Case]:
    allowed = SPECS[name].allowed()
    return [
        _param(name, "unknown", "not one of its choices", "nonsense", allowed),
        _param(name, "number", "a number instead of a choice", 3, allowed),
        _param(name, "case", "a choice in the wrong case", SPECS[name].choices[0].upper(), allowed),
    ]


def _mapping_cases() -> list[Case]:
    def table(label: str, mistake: str, body: str, fld: str, value: Any, words: str) -> Case:
        line = 2 + body.count("\n") - 1  # the mistake is on the body's last line
        return Case(
            id=f"scenario/{label}",
            kind=SCENARIO,
            mistake=mistake,
            files={ENTRY[SCENARIO]: HEAD + body},
            error=ConfigError,
            field=fld,
            value=value,
            where=f"{ENTRY[SCENARIO]}, line {line}",
            words=(words,),
        )

    out = [
        table(
            "sector_mix/not-a-table", "not a table", "sector_mix = 3\n", "sector_mix", 3, "shares"
        ),
        table(
            "sector_mix/unknown-sector",
            "an unknown sector",
            "[sector_mix]\nmartian = 1.0\n",
            "sector_mix.martian",
            1.0,
            "a sector: public",
        ),
        table(
            "sector_mix/negative",
            "a negative share",
            "[sector_mix]\npublic = -1.0\n",
            "sector_mix.public",
            -1.0,
            ">= 0",
        ),
        table(
            "sector_mix/all-zero",
            "every share zero",
            "sector_mix = { public = 0.0, private = 0 }\n",
            "sector_mix",
            _MISSING,
            "at least one share above 0",
        ),
        table(
            "sector_mix/infinite-sum",
            "shares whose sum is infinite",
            "sector_mix = { public = 1e308, private = 1e308 }\n",
            "sector_mix",
            _MISSING,
            "finite sum",
        ),
        table(
            "sectors/not-a-table",
            "not a table",
            'sectors = "public"\n',
            "sectors",
            "public",
            "a table",
        ),
        table(
            "sectors/unknown-sector",
            "an unknown sector",
            "[sectors.mars]\n",
            "sectors.mars",
            _MISSING,
            "a sector: public",
        ),
        table(
            "sectors/unknown-trait",
            "an unknown trait",
            "[sectors.public]\ncharisma = 0.5\n",
            "sectors.public.charisma",
            0.5,
            "a trait: " + ", ".join(SECTOR_TRAITS),
        ),
    ]
    for trait in SECTOR_TRAITS:
        out.append(
            Case(
                id=f"scenario/sectors/{trait}/above",
                kind=SCENARIO,
                mistake=f"a sector's {trait} above its range",
                files={ENTRY[SCENARIO]: f"{HEAD}[sectors.community]\n{trait} = 2.0\n"},
                error=ConfigError,
                field=f"sectors.community.{trait}",
                value=2.0,
                where=f"{ENTRY[SCENARIO]}, line 3",
                words=(SPECS[trait].allowed(),),
            )
        )
    return out


def _scenario_file_cases() -> list[Case]:
    entry = ENTRY[SCENARIO]

    def case(
        label: str, mistake: str, text: str | bytes, error: type[CisimError], **kw: Any
    ) -> Case:
        files: dict[str, str | bytes] = {entry: text} if label != "missing-file" else {}
        return Case(
            id=f"scenario/{label}", kind=SCENARIO, mistake=mistake, files=files, error=error, **kw
        )

    return [
        case(
            "unknown-key/typo",
            "an unknown key close to a parameter",
            HEAD + "turnovr = 0.1\n",
            ConfigError,
            field="turnovr",
            value=0.1,
            where=LINE,
            words=("did you mean 'turnover'?",),
        ),
        case(
            "unknown-key/far",
            "an unknown key like no parameter",
            HEAD + "zebra = 1\n",
            ConfigError,
            field="zebra",
            value=1,
            where=LINE,
            words=("a known parameter",),
        ),
        case(
            "retired/dissolution_share",
            "a parameter of an earlier version (an old scenario file)",
            HEAD + "dissolution_share = 0.5\n",
            ConfigError,
            field="dissolution_share",
            value=0.5,
            where=LINE,
            words=("retired", "fewer than two members remain"),
        ),
        case(
            "name/number",
            "a name that is not text",
            "name = 3\n",
            ConfigError,
            field="name",
            value=3,
            where=f"{entry}, line 1",
            words=("a string",),
        ),
        case(
            "encodes/text",
            "encodes as one string, not a list",
            HEAD + 'encodes = "a fact"\n',
            ConfigError,
            field="encodes",
            value="a fact",
            where=LINE,
            words=("a list of strings",),
        ),
        case(
            "network/roster-without-roster",
            "network = 'roster' without a [roster] table",
            HEAD + 'network = "roster"\n',
            ConfigError,
            field="network",
            value="roster",
            where=LINE,
            words=("needs a [roster] table",),
        ),
        case(
            "toml/missing-value",
            "malformed TOML: a key without a value",
            HEAD + "turnover =\n",
            FileFormatError,
            field="file",
            words=("malformed TOML", "line 2"),
        ),
        case(
            "toml/unclosed-table",
            "malformed TOML: an unclosed table header",
            HEAD + "[sectors.public\n",
            FileFormatError,
            field="file",
            words=("malformed TOML", "line 2"),
        ),
        case(
            "toml/duplicate-key",
            "malformed TOML: a key given twice",
            HEAD + "turnover = 0.1\nturnover = 0.2\n",
            FileFormatError,
            field="file",
            words=("malformed TOML", "line 3"),
        ),
        case(
            "toml/not-utf8",
            "a file that is not UTF-8 text",
            b"\xff\xfe\x00turnover = 0.1\n",
            FileFormatError,
            field="file",
            words=("is not UTF-8 text",),
        ),
        case(
            "missing-file",
            "a file that does not exist",
            "",
            FileFormatError,
            field="file",
            words=("no such file",),
        ),
    ]


def scenario_cases() -> list[Case]:
    """Every scenario parameter out of range and of the wrong type; tables; whole-file errors."""
    cases: list[Case] = []
    for name, spec in SPECS.items():
        if spec.kind in ("int", "float"):
            cases.extend(_numeric_cases(name))
        elif spec.kind == "choice":
            cases.extend(_choice_cases(name))
    return cases + _mapping_cases() + _scenario_file_cases()


# ---- rosters -----------------------------------------------------------------------------------
ORGS = """\
name,sector,authority,capacity,alignment,turnover
City Hall,public,0.8,,,
Food Bank,nonprofit,,0.3,,0.04
Acme,private,,,0.2,
"""
RELS = """\
source,target,trust,prior,mutual
City Hall,Food Bank,0.7,yes,
Acme,City Hall,0.4,,false
"""
ROSTER_TOML = '[roster]\norganisations = "orgs.csv"\nrelationships = "rels.csv"\n'


def _roster(
    label: str,
    mistake: str,
    *,
    orgs: str | None = ORGS,
    rels: str | None = RELS,
    toml: str = ROSTER_TOML,
    error: type[CisimError] = ConfigError,
    field: str | None,
    value: Any = _MISSING,
    where: str | None = None,
    words: tuple[str, ...] = (),
) -> Case:
    files: dict[str, str | bytes] = {ENTRY[ROSTER]: toml}
    if orgs is not None:
        files["orgs.csv"] = orgs
    if rels is not None:
        files["rels.csv"] = rels
    return Case(
        id=f"roster/{label}",
        kind=ROSTER,
        mistake=mistake,
        files=files,
        error=error,
        field=field,
        value=value,
        where=where,
        words=words,
    )


def _org_row(row: str) -> str:
    return ORGS + row + "\n"


def roster_cases() -> list[Case]:
    """Rosters: unknown organisations, duplicates, missing columns and values, bad numbers."""
    row4, rel4 = "orgs.csv, row 5", "rels.csv, row 4"
    bad_number = "a number from 0 to 1 (trust of source in target)"
    cases = [
        _roster(
            "relationship/unknown-target",
            "a relationship to an organisation not in the roster",
            rels=RELS + "City Hall,Nobody,0.5,,\n",
            field="target",
            value="Nobody",
            where=rel4,
            words=("a name listed in the roster's organisations",),
        ),
        _roster(
            "relationship/unknown-source",
            "a relationship from an organisation not in the roster",
            rels=RELS + "Nobody,Acme,0.5,,\n",
            field="source",
            value="Nobody",
            where=rel4,
            words=("a name listed in the roster's organisations",),
        ),
        _roster(
            "relationship/self",
            "a relationship of an organisation with itself",
            rels=RELS + "Acme,Acme,0.5,,\n",
            field="target",
            value="Acme",
            where=rel4,
            words=("a different organisation from source",),
        ),
        _roster(
            "relationship/duplicate",
            "the same relationship given twice",
            rels=RELS + "Food Bank,City Hall,0.2,,\n",
            field="target",
            value="City Hall",
            where=rel4,
            words=("already set at rels.csv, row 2",),
        ),
        _roster(
            "name/duplicate",
            "two organisations with the same name",
            orgs=_org_row("Acme,community,,,,"),
            field="name",
            value="Acme",
            where=row4,
            words=("first used at orgs.csv, row 4",),
        ),
        _roster(
            "name/empty",
            "an organisation without a name",
            orgs=_org_row(",community,,,,"),
            field="name",
            value="",
            where=row4,
            words=("this column is required",),
        ),
        _roster(
            "sector/unknown",
            "an unknown sector",
            orgs=_org_row("Parish,church,,,,"),
            field="sector",
            value="church",
            where=row4,
            words=("one of public",),
        ),
        _roster(
            "column/missing-sector",
            "the organisations file has no sector column",
            orgs="name,authority\nCity Hall,0.8\nAcme,0.4\n",
            rels=None,
            toml='[roster]\norganisations = "orgs.csv"\n',
            field="sector",
            value=None,
            where="orgs.csv, row 2",
            words=("this column is required",),
        ),
        _roster(
            "column/missing-trust",
            "the relationships file has no trust column",
            rels="source,target\nCity Hall,Acme\n",
            field="trust",
            value=None,
            where="rels.csv, row 2",
            words=("this column is required",),
        ),
        _roster(
            "column/unknown",
            "an unknown column",
            orgs="name,sector,charisma\nCity Hall,public,0.9\nAcme,private,0.1\n",
            rels=None,
            toml='[roster]\norganisations = "orgs.csv"\n',
            field="charisma",
            value="0.9",
            where="orgs.csv, row 2",
            words=("is not a roster column: use one of name, sector",),
        ),
        _roster(
            "column/twice",
            "a column named twice in the header",
            orgs="name,sector,name\nCity Hall,public,x\nAcme,private,y\n",
            rels=None,
            toml='[roster]\norganisations = "orgs.csv"\n',
            error=FileFormatError,
            field="file",
            words=("row 1: column 'name' appears twice",),
        ),
        _roster(
            "row/too-many-cells",
            "a row with more cells than the header",
            orgs=_org_row("Parish,community,,,,,0.5"),
            error=FileFormatError,
            field="file",
            words=("row 5: more cells than header columns",),
        ),
        _roster(
            "file/empty",
            "an empty organisations file",
            orgs="",
            error=FileFormatError,
            field="file",
            words=("is empty: it needs a header row",),
        ),
        _roster(
            "file/missing",
            "a roster file that does not exist",
            orgs=None,
            error=FileFormatError,
            field="file",
            words=("orgs.csv: no such file",),
        ),
        _roster(
            "organisations/too-few",
            "a roster of one organisation",
            orgs="name,sector\nCity Hall,public\n",
            rels=None,
            toml='[roster]\norganisations = "orgs.csv"\n',
            field="roster.organisations",
            value=1,
            where=f"{ENTRY[ROSTER]}, line 2",
            words=("at least 2 rows",),
        ),
        _roster(
            "organisations/missing",
            "a [roster] table without organisations",
            toml='[roster]\nrelationships = "rels.csv"\n',
            field="roster.organisations",
            value=None,
            where=ENTRY[ROSTER],
            words=("a CSV path or a list of tables",),
        ),
        _roster(
            "key/unknown",
            "an unknown key in [roster]",
            toml=ROSTER_TOML + 'partners = "p.csv"\n',
            field="roster.partners",
            value="p.csv",
            where=f"{ENTRY[ROSTER]}, line 4",
            words=("'organisations' or 'relationships'",),
        ),
        _roster(
            "path/outside",
            "a roster file outside the scenario's directory",
            toml='[roster]\norganisations = "../orgs.csv"\n',
            field="roster.organisations",
            value="../orgs.csv",
            where=f"{ENTRY[ROSTER]}, line 2",
            words=("no '..'",),
        ),
        _roster(
            "path/absolute",
            "a roster file given by an absolute path",
            toml='[roster]\norganisations = "/etc/passwd.csv"\n',
            field="roster.organisations",
            value="/etc/passwd.csv",
            where=f"{ENTRY[ROSTER]}, line 2",
            words=("no absolute path",),
        ),
        _roster(
            "path/not-csv",
            "a roster file that is not a .csv",
            toml='[roster]\norganisations = "orgs.txt"\n',
            field="roster.organisations",
            value="orgs.txt",
            where=f"{ENTRY[ROSTER]}, line 2",
            words=("a .csv file",),
        ),
        _roster(
            "flag/bad",
            "a prior flag that is neither true nor false",
            rels=RELS + "Food Bank,Acme,0.5,maybe,\n",
            field="prior",
            value="maybe",
            where=rel4,
            words=("true or false",),
        ),
        _roster(
            "inline/unknown-target",
            "an inline relationship to an organisation not in the roster",
            orgs=None,
            rels=None,
            toml=(
                '[[roster.organisations]]\nname = "A"\nsector = "public"\n'
                '[[roster.organisations]]\nname = "B"\nsector = "private"\n'
                '[[roster.relationships]]\nsource = "A"\ntarget = "C"\ntrust = 0.5\n'
            ),
            field="target",
            value="C",
            where=f"{ENTRY[ROSTER]}, roster.relationships[1]",
            words=("a name listed in the roster's organisations",),
        ),
    ]
    for trait, raw in (
        ("authority", "high"),
        ("capacity", "1.5"),
        ("alignment", "nan"),
        ("authority", "0_5"),  # Python's float would read 0.5
        ("capacity", "٠.٥"),  # Arabic-Indic digits: float would read 0.5
    ):
        cells = ["Parish", "community", "", "", "", ""]
        cells[2 + SECTOR_TRAITS.index(trait)] = raw
        cases.append(
            _roster(
                f"number/{trait}" + ("" if raw in ("high", "1.5", "nan") else f"-{raw}"),
                f"a bad number for {trait} ({raw})",
                orgs=_org_row(",".join(cells)),
                field=trait,
                value=float(raw) if raw == "1.5" else raw,
                where=row4,
                words=(SPECS[trait].allowed(),),
            )
        )
    cases.append(
        _roster(
            "number/turnover",
            "a negative turnover",
            orgs=_org_row("Parish,community,,,,-0.1"),
            field="turnover",
            value=-0.1,
            where=row4,
            words=(SPECS["turnover"].allowed(),),
        )
    )
    for raw in ("lots", "1.2", "-0.3"):
        cases.append(
            _roster(
                f"number/trust-{raw}",
                f"a bad trust ({raw})",
                rels=RELS + f"Food Bank,Acme,{raw},,\n",
                field="trust",
                value=raw,
                where=rel4,
                words=(bad_number,),
            )
        )
    return cases


# ---- experiments -------------------------------------------------------------------------------
GOOD = """\
name = "ok"
base = "baseline"
design = "factorial"
replicates = 2
seed = 1
[constants]
horizon_months = 12
[levers]
navigator = [0, 1]
[uncertainties]
turnover = [0.01, 0.03]
"""
LHS = """\
name = "ok"
base = "baseline"
design = "lhs"
samples = 4
replicates = 2
seed = 1
[uncertainties]
initial_trust = { low = 0.2, high = 0.8 }
"""
SOBOL = LHS.replace('"lhs"', '"sobol"')


def _edit(text: str, old: str, new: str) -> str:
    if old not in text:
        raise ValueError(f"{old!r} not in the experiment")
    return text.replace(old, new, 1)


def _experiment(
    label: str,
    mistake: str,
    text: str | bytes | None,
    *,
    error: type[CisimError] = ConfigError,
    field: str | None,
    value: Any = _MISSING,
    line: int | None = None,
    words: tuple[str, ...] = (),
    more: dict[str, str | bytes] | None = None,
    where: str | None = None,
) -> Case:
    files: dict[str, str | bytes] = {} if text is None else {ENTRY[EXPERIMENT]: text}
    files.update(more or {})
    if where is None and line is not None:
        where = f"{ENTRY[EXPERIMENT]}, line {line}"
    return Case(
        id=f"experiment/{label}",
        kind=EXPERIMENT,
        mistake=mistake,
        files=files,
        error=error,
        field=field,
        value=value,
        where=where,
        words=words,
    )


def experiment_cases() -> list[Case]:
    """Experiments: impossible designs, unknown keys and parameters, bad levels, bad bases."""
    x = _experiment
    return [
        x(
            "range/empty",
            "an empty range (low = high)",
            _edit(LHS, "low = 0.2, high = 0.8", "low = 0.5, high = 0.5"),
            field="uncertainties.initial_trust",
            line=8,
            words=("low < high",),
        ),
        x(
            "range/reversed",
            "a range with low above high",
            _edit(LHS, "low = 0.2, high = 0.8", "low = 0.8, high = 0.2"),
            field="uncertainties.initial_trust",
            line=8,
            words=("low < high",),
        ),
        x(
            "range/out-of-bounds",
            "a range reaching outside the parameter's range",
            _edit(LHS, "high = 0.8", "high = 1.8"),
            field="uncertainties.initial_trust.high",
            value=1.8,
            line=8,
            words=("from 0 to 1",),
        ),
        x(
            "range/not-a-number",
            "a range bound that is not a number",
            _edit(LHS, "low = 0.2", 'low = "a"'),
            field="uncertainties.initial_trust.low",
            value="a",
            line=8,
            words=("a number",),
        ),
        x(
            "levels/empty",
            "an empty list of levels",
            _edit(GOOD, "[0, 1]", "[]"),
            field="levers.navigator",
            value=[],
            line=9,
            words=("a non-empty list of levels",),
        ),
        x(
            "levels/repeated",
            "a level given twice",
            _edit(GOOD, "[0, 1]", "[1, 1]"),
            field="levers.navigator",
            value=[1, 1],
            line=9,
            words=("distinct levels",),
        ),
        x(
            "levels/out-of-range",
            "a level outside the parameter's range",
            _edit(GOOD, "0.03]", "1.5]"),
            field="uncertainties.turnover",
            value=1.5,
            line=11,
            words=("from 0 to 1",),
        ),
        x(
            "levels/wrong-type",
            "a level of the wrong type",
            _edit(GOOD, "[0, 1]", '["yes"]'),
            field="levers.navigator",
            value="yes",
            line=9,
            words=("an integer",),
        ),
        x(
            "sobol/not-power-of-two",
            "a Sobol sample that is not a power of two",
            _edit(SOBOL, "samples = 4", "samples = 6"),
            field="samples",
            value=6,
            line=4,
            words=("a power of two",),
        ),
        x(
            "sobol/categorical",
            "a categorical factor in a Sobol design",
            _edit(
                SOBOL,
                "[uncertainties]\n",
                '[uncertainties]\nentry_point = { levels = ["search", "designed"] }\n',
            ),
            field="uncertainties.entry_point",
            value=["search", "designed"],
            line=8,
            words=("cannot vary a categorical",),
        ),
        x(
            "replicates/zero",
            "zero replicates",
            _edit(GOOD, "replicates = 2", "replicates = 0"),
            field="replicates",
            value=0,
            line=4,
            words=("a whole number >= 1",),
        ),
        x(
            "replicates/text",
            "replicates as text",
            _edit(GOOD, "replicates = 2", 'replicates = "2"'),
            field="replicates",
            value="2",
            line=4,
            words=("a whole number >= 1",),
        ),
        x(
            "nested/with-replicates",
            "populations and histories beside replicates",
            _edit(GOOD, "replicates = 2", "populations = 3\nhistories = 3\nreplicates = 2"),
            field="populations",
            value=3,
            line=4,
            words=("absent when replicates is given",),
        ),
        x(
            "nested/one-population",
            "a nested design of one population",
            _edit(GOOD, "replicates = 2", "populations = 1\nhistories = 3"),
            field="populations",
            value=1,
            line=4,
            words=("a whole number >= 2",),
        ),
        x(
            "nested/no-histories",
            "populations without histories",
            _edit(GOOD, "replicates = 2", "populations = 3"),
            field="histories",
            value=None,
            where=ENTRY[EXPERIMENT],
            words=("a nested design needs it beside populations",),
        ),
        x(
            "nested/test-model",
            "a nested design of a model without populations",
            "\n".join(
                [
                    'name = "ok"',
                    'model = "ishigami"',
                    'design = "factorial"',
                    "populations = 2",
                    "histories = 2",
                    "[uncertainties]",
                    "x1 = [0.0, 1.0]",
                    "",
                ]
            ),
            field="populations",
            value=2,
            line=4,
            words=("the 'ishigami' model has no populations",),
        ),
        x(
            "samples/zero",
            "zero samples",
            _edit(LHS, "samples = 4", "samples = 0"),
            field="samples",
            value=0,
            line=4,
            words=("a whole number >= 1",),
        ),
        x(
            "samples/missing",
            "a sampling design without samples",
            _edit(LHS, "samples = 4\n", ""),
            field="samples",
            value=None,
            where=ENTRY[EXPERIMENT],
            words=("an lhs design needs it",),
        ),
        x(
            "samples/in-factorial",
            "samples in a factorial design",
            _edit(GOOD, "seed = 1", "seed = 1\nsamples = 4"),
            field="samples",
            value=4,
            line=6,
            words=("a factorial design takes every level",),
        ),
        x(
            "design/too-large",
            "a design too large to hold",
            _edit(SOBOL, "samples = 4", f"samples = {2**24}"),
            field="samples",
            value=2**24,
            line=4,
            words=("at most 10,000,000 points",),
        ),
        x(
            "design/no-factors",
            "a sampling design with nothing to vary",
            _edit(LHS, "initial_trust = { low = 0.2, high = 0.8 }\n", ""),
            field="uncertainties",
            value={},
            line=7,
            words=("at least one varied parameter",),
        ),
        x(
            "design/unknown",
            "an unknown design",
            _edit(GOOD, '"factorial"', '"latin"'),
            field="design",
            value="latin",
            line=3,
            words=("one of 'factorial', 'lhs'",),
        ),
        x(
            "design/range-in-factorial",
            "a range in a factorial design",
            _edit(GOOD, "[0, 1]", "{ low = 0, high = 1 }"),
            field="levers.navigator",
            line=9,
            words=("a factorial design has no ranges",),
        ),
        x(
            "design/list-in-lhs",
            "a bare list of levels in a sampling design",
            _edit(LHS, "{ low = 0.2, high = 0.8 }", "[0.2, 0.8]"),
            field="uncertainties.initial_trust",
            value=[0.2, 0.8],
            line=8,
            words=("a range { low = ..., high = ... }",),
        ),
        x(
            "seed/negative",
            "a negative seed",
            _edit(GOOD, "seed = 1", "seed = -1"),
            field="seed",
            value=-1,
            line=5,
            words=("a whole number from 0 to 2**63 - 1",),
        ),
        x(
            "seed/fraction",
            "a fractional seed",
            _edit(GOOD, "seed = 1", "seed = 1.5"),
            field="seed",
            value=1.5,
            line=5,
            words=("a whole number from 0",),
        ),
        x(
            "batch_size/zero",
            "a batch size of zero",
            _edit(GOOD, "seed = 1", "seed = 1\nbatch_size = 0"),
            field="batch_size",
            value=0,
            line=6,
            words=("a whole number >= 1",),
        ),
        x(
            "key/unknown",
            "an unknown key",
            _edit(GOOD, "replicates", "replicate"),
            field="replicate",
            value=2,
            line=4,
            words=("did you mean 'replicates'?",),
        ),
        x(
            "parameter/unknown",
            "a factor that is not a parameter",
            _edit(GOOD, "navigator =", "navigater ="),
            field="levers.navigater",
            value=[0, 1],
            line=9,
            words=("did you mean 'navigator'?",),
        ),
        x(
            "parameter/two-tables",
            "a parameter in two tables",
            GOOD + "navigator = [2]\n",
            field="levers.navigator",
            line=9,
            words=("it is also in [uncertainties]",),
        ),
        x(
            "constant/out-of-range",
            "a constant outside its range",
            _edit(GOOD, "horizon_months = 12", "horizon_months = 0"),
            field="constants.horizon_months",
            value=0,
            line=7,
            words=("from 1 to 1200",),
        ),
        x(
            "constant/unknown",
            "an unknown constant",
            _edit(GOOD, "horizon_months = 12", "horizon = 12"),
            field="constants.horizon",
            value=12,
            line=7,
            words=("did you mean 'horizon_months'?",),
        ),
        x(
            "trajectories/unknown",
            "an unknown metric to keep",
            _edit(GOOD, "seed = 1", 'seed = 1\ntrajectories = ["mean_trusts"]'),
            field="trajectories",
            value="mean_trusts",
            line=6,
            words=("did you mean 'mean_trust'?",),
        ),
        x(
            "outcomes/unknown",
            "an unknown outcome column",
            _edit(GOOD, "seed = 1", 'seed = 1\noutcomes = ["regim"]'),
            field="outcomes",
            value="regim",
            line=6,
            words=("did you mean 'regime'?",),
        ),
        x(
            "base/missing",
            "no base scenario",
            _edit(GOOD, 'base = "baseline"\n', ""),
            field="base",
            value=None,
            where=ENTRY[EXPERIMENT],
            words=("a preset name or the path of a scenario TOML file",),
        ),
        x(
            "base/unknown-preset",
            "a base that is neither a preset nor a .toml file",
            _edit(GOOD, '"baseline"', '"basline"'),
            field="base",
            value="basline",
            line=2,
            words=("a preset (baseline",),
        ),
        x(
            "base/missing-file",
            "a base scenario file that does not exist",
            _edit(GOOD, '"baseline"', '"nope.toml"'),
            field="base",
            value="nope.toml",
            line=2,
            words=("no such file",),
        ),
        x(
            "base/invalid",
            "a base scenario file with a mistake in it",
            _edit(GOOD, '"baseline"', '"mine.toml"'),
            field="turnover",
            value=1.5,
            where="mine.toml, line 2",
            words=("from 0 to 1",),
            more={"mine.toml": HEAD + "turnover = 1.5\n"},
        ),
        x(
            "model/unknown",
            "an unknown model",
            _edit(GOOD, 'base = "baseline"', 'model = "abm"\nbase = "baseline"'),
            field="model",
            value="abm",
            line=2,
            words=("one of 'cisim', 'ishigami'",),
        ),
        x(
            "toml/malformed",
            "malformed TOML",
            GOOD + "[levers\n",
            error=FileFormatError,
            field="file",
            words=("malformed TOML", "line 12"),
        ),
        x(
            "file/missing",
            "an experiment file that does not exist",
            None,
            error=FileFormatError,
            field="file",
            words=("no such file",),
        ),
        x(
            "file/not-utf8",
            "an experiment file that is not UTF-8 text",
            b'name = "\xff"\n',
            error=FileFormatError,
            field="file",
            words=("is not UTF-8 text",),
        ),
    ]


# ---- field files -------------------------------------------------------------------------------
#: A field file with one platform (lines: 1 name, 2 [field], 3 scenario, 4 cities, 5 seed,
#: 6 [platform], 7 strategy; a case's added lever is line 8).
FIELD_GOOD = """\
name = "catalogue"
[field]
scenario = "baseline"
cities = 4
seed = 1
[platform]
strategy = "platform"
"""
#: A field file comparing two platforms (lines: 4 [platforms.a], 5 its strategy, 6 [platforms.b]).
FIELD_TWO = """\
name = "catalogue"
[field]
cities = 4
[platforms.a]
strategy = "replicate"
[platforms.b]
strategy = "platform"
"""
PRESETS = "a preset (" + ", ".join(PRESET_NAMES) + ") or a scenario .toml file"


def _field_case(
    label: str,
    mistake: str,
    text: str | bytes | None,
    *,
    error: type[CisimError] = ConfigError,
    field: str | None,
    value: Any = _MISSING,
    line: int | None = None,
    words: tuple[str, ...] = (),
    more: dict[str, str | bytes] | None = None,
    where: str | None = None,
) -> Case:
    files: dict[str, str | bytes] = {} if text is None else {ENTRY[FIELD]: text}
    files.update(more or {})
    if where is None and line is not None:
        where = f"{ENTRY[FIELD]}, line {line}"
    return Case(
        id=f"field/{label}",
        kind=FIELD,
        mistake=mistake,
        files=files,
        error=error,
        field=field,
        value=value,
        where=where,
        words=words,
    )


def _lever_cases() -> list[Case]:
    """Every platform lever out of range (or an unknown choice), some of the wrong type."""
    cases = []

    def lever(name: str, label: str, mistake: str, value: Any) -> Case:
        return _field_case(
            f"lever/{name}/{label}",
            mistake,
            f"{FIELD_GOOD}{name} = {_toml(value)}\n",
            field=f"platform.{name}",
            value=value,
            line=8,
            words=(PLATFORM_SPECS[name].allowed(),),
        )

    for name, spec in PLATFORM_SPECS.items():
        if spec.kind == "choice":
            cases.append(lever(name, "unknown", "not one of its choices", "nonsense"))
        else:
            assert spec.hi is not None
            above = int(spec.hi + 1) if spec.kind == "int" else spec.hi + 0.5
            cases.append(lever(name, "above", "above its range", above))
    cases += [
        lever("budget", "below", "below its range", -0.5),
        lever("budget", "text", "text instead of a number", "lots"),
        lever("budget", "bool", "true/false instead of a number", True),
        lever("budget", "nan", "not a number (nan)", math.nan),
        lever("step_months", "fraction", "a fraction for a whole number", 2.5),
        lever("target", "case", "a choice in the wrong case", "WEAKEST"),
        lever("programme", "number", "a number instead of a choice", 3),
    ]
    return cases


def field_cases() -> list[Case]:
    """Field files: the cities, the platforms and their levers, sweeps, names, whole files."""
    x = _field_case
    fd = "[field]\ncities = 4\n"
    scenario_file: dict[str, str | bytes] = {"mine.toml": HEAD + "turnover = 1.5\n"}
    return [
        # the [field] table: the cities
        x(
            "field/missing",
            "no [field] table",
            'name = "catalogue"\n[platform]\nstrategy = "platform"\n',
            field="field",
            value=None,
            where=ENTRY[FIELD],
            words=("a [field] table",),
        ),
        x(
            "field/not-a-table",
            "field as a value, not a table",
            'name = "catalogue"\nfield = 3\n[platform]\n',
            field="field",
            value=3,
            line=2,
            words=("a table",),
        ),
        x(
            "field/unknown-key",
            "an unknown key in [field]",
            _edit(FIELD_GOOD, "seed = 1", "spred = 0.2"),
            field="field.spred",
            value=0.2,
            line=5,
            words=("did you mean 'spread'?",),
        ),
        x(
            "cities/zero",
            "no cities",
            _edit(FIELD_GOOD, "cities = 4", "cities = 0"),
            field="field.cities",
            value=0,
            line=4,
            words=("an integer from 1 to 1000000",),
        ),
        x(
            "cities/above",
            "more cities than cisim runs",
            _edit(FIELD_GOOD, "cities = 4", "cities = 1000001"),
            field="field.cities",
            value=1000001,
            line=4,
            words=("an integer from 1 to 1000000",),
        ),
        x(
            "cities/fraction",
            "a fraction of a city",
            _edit(FIELD_GOOD, "cities = 4", "cities = 2.5"),
            field="field.cities",
            value=2.5,
            line=4,
            words=("an integer from 1",),
        ),
        x(
            "cities/text",
            "cities as text",
            _edit(FIELD_GOOD, "cities = 4", 'cities = "many"'),
            field="field.cities",
            value="many",
            line=4,
            words=("an integer from 1",),
        ),
        x(
            "cities/bool",
            "cities as true/false",
            _edit(FIELD_GOOD, "cities = 4", "cities = true"),
            field="field.cities",
            value=True,
            line=4,
            words=("an integer from 1",),
        ),
        x(
            "spread/above",
            "a spread of starting practices above its range",
            _edit(FIELD_GOOD, "seed = 1", "spread = 0.75"),
            field="field.spread",
            value=0.75,
            line=5,
            words=("a number from 0 to 0.5",),
        ),
        x(
            "spread/negative",
            "a negative spread",
            _edit(FIELD_GOOD, "seed = 1", "spread = -0.1"),
            field="field.spread",
            value=-0.1,
            line=5,
            words=("a number from 0 to 0.5",),
        ),
        x(
            "spread/nan",
            "a spread that is not a number (nan)",
            _edit(FIELD_GOOD, "seed = 1", "spread = nan"),
            field="field.spread",
            value=math.nan,
            line=5,
            words=("a number from 0 to 0.5",),
        ),
        x(
            "seed/negative",
            "a negative seed",
            _edit(FIELD_GOOD, "seed = 1", "seed = -1"),
            field="field.seed",
            value=-1,
            line=5,
            words=("an integer from 0 to 9223372036854775807",),
        ),
        x(
            "seed/fraction",
            "a fractional seed",
            _edit(FIELD_GOOD, "seed = 1", "seed = 1.5"),
            field="field.seed",
            value=1.5,
            line=5,
            words=("an integer from 0",),
        ),
        x(
            "scenario/unknown-preset",
            "a scenario that is neither a preset nor a .toml file",
            _edit(FIELD_GOOD, '"baseline"', '"basline"'),
            field="field.scenario",
            value="basline",
            line=3,
            words=(PRESETS, "did you mean 'baseline'?"),
        ),
        x(
            "scenario/number",
            "a scenario that is not text",
            _edit(FIELD_GOOD, '"baseline"', "3"),
            field="field.scenario",
            value=3,
            line=3,
            words=(PRESETS,),
        ),
        x(
            "scenario/missing-file",
            "a scenario file that does not exist",
            _edit(FIELD_GOOD, '"baseline"', '"nope.toml"'),
            field="field.scenario",
            value="nope.toml",
            line=3,
            words=("a scenario file cisim can read (nope.toml: no such file)",),
        ),
        x(
            "scenario/malformed",
            "a scenario file that is not valid TOML",
            _edit(FIELD_GOOD, '"baseline"', '"mine.toml"'),
            field="field.scenario",
            value="mine.toml",
            line=3,
            words=("a scenario file cisim can read (mine.toml: malformed TOML",),
            more={"mine.toml": HEAD + "turnover =\n"},
        ),
        x(
            "scenario/invalid",
            "a scenario file with a mistake in it",
            _edit(FIELD_GOOD, '"baseline"', '"mine.toml"'),
            field="turnover",
            value=1.5,
            where="mine.toml, line 2",
            words=("from 0 to 1",),
            more=scenario_file,
        ),
        x(
            "roster/not-a-list",
            "a roster that is one name, not a list",
            '[field]\nroster = "baseline"\n[platform]\n',
            field="field.roster",
            value="baseline",
            line=2,
            words=("a list of presets or scenario files",),
        ),
        x(
            "roster/empty",
            "an empty roster",
            "[field]\nroster = []\n[platform]\n",
            field="field.roster",
            value=[],
            line=2,
            words=("a list of presets or scenario files",),
        ),
        x(
            "roster/unknown-preset",
            "a roster's scenario that is neither a preset nor a .toml file",
            '[field]\nroster = ["baseline", "hartfort"]\n[platform]\n',
            field="field.roster.2",
            value="hartfort",
            line=2,
            words=(PRESETS, "did you mean 'hartford'?"),
        ),
        x(
            "roster/invalid",
            "a roster's scenario file with a mistake in it",
            '[field]\nroster = ["baseline", "mine.toml"]\n[platform]\n',
            field="turnover",
            value=1.5,
            where="mine.toml, line 2",
            words=("from 0 to 1",),
            more=scenario_file,
        ),
        x(
            "roster/with-scenario",
            "a roster beside a scenario",
            '[field]\nscenario = "baseline"\nroster = ["hartford"]\n[platform]\n',
            field="field.roster",
            value=["hartford"],
            line=3,
            words=("not both",),
        ),
        x(
            "roster/with-cities",
            "a number of cities beside a roster (which has one city per scenario)",
            '[field]\nroster = ["baseline", "hartford"]\ncities = 10\n[platform]\n',
            field="field.cities",
            value=10,
            line=3,
            words=("absent beside a roster",),
        ),
        x(
            "roster/horizons",
            "a roster of scenarios with different horizons",
            '[field]\nroster = ["baseline", "short.toml"]\n[platform]\n',
            field="field.roster",
            value=["baseline", "short.toml"],
            line=2,
            words=("scenarios with one horizon_months (these have 12, 120)",),
            more={"short.toml": HEAD + "horizon_months = 12\n"},
        ),
        # the file's keys and its platform tables
        x(
            "key/unknown",
            "an unknown key",
            _edit(FIELD_GOOD, "name =", "title ="),
            field="title",
            value="catalogue",
            line=1,
            words=("one of name, question, description, field, platform, platforms, sweep",),
        ),
        x(
            "key/typo",
            "a key close to a known one",
            'quesion = "Which platform?"\n' + FIELD_GOOD,
            field="quesion",
            value="Which platform?",
            line=1,
            words=("did you mean 'question'?",),
        ),
        x(
            "question/not-text",
            "a question that is not text",
            "question = 3\n" + FIELD_GOOD,
            field="question",
            value=3,
            line=1,
            words=("text (at most 2,000 characters)",),
        ),
        x(
            "platform/none",
            "no platform at all",
            'name = "catalogue"\n' + fd,
            field="platform",
            value=None,
            where=ENTRY[FIELD],
            words=("either a [platform] table or [platforms.NAME] tables",),
        ),
        x(
            "platform/both",
            "a [platform] table beside [platforms.NAME] tables",
            FIELD_GOOD + '[platforms.b]\nstrategy = "replicate"\n',
            field="platform",
            value={"strategy": "platform"},
            line=6,
            words=("not both",),
        ),
        x(
            "platform/not-a-table",
            "platform as a value, not a table",
            'name = "catalogue"\nplatform = "replicate"\n' + fd,
            field="platform",
            value="replicate",
            line=2,
            words=("a table of platform levers",),
        ),
        x(
            "platforms/not-a-table",
            "platforms as a value, not tables",
            'name = "catalogue"\nplatforms = ["replicate", "platform"]\n' + fd,
            field="platforms",
            value=["replicate", "platform"],
            line=2,
            words=("one [platforms.NAME] table or more",),
        ),
        x(
            "platforms/empty",
            "an empty [platforms] table",
            'name = "catalogue"\n' + fd + "[platforms]\n",
            field="platforms",
            value={},
            line=4,
            words=("one [platforms.NAME] table or more",),
        ),
        x(
            "platforms/array",
            "[[platforms]] (an array of tables) for [platforms.NAME]",
            'name = "catalogue"\n' + fd + '[[platforms]]\nstrategy = "platform"\n',
            field="platforms",
            value=[{"strategy": "platform"}],
            line=4,
            words=("one [platforms.NAME] table or more",),
        ),
        x(
            "name/baseline",
            "a platform named after the baseline (alone)",
            _edit(FIELD_TWO, "[platforms.a]", "[platforms.alone]"),
            field="platforms.alone",
            value="alone",
            line=4,
            words=("a name other than 'alone', the baseline",),
        ),
        x(
            "name/invalid",
            "a platform's name with a character other than letters, digits, _ and -",
            _edit(FIELD_TWO, "[platforms.a]", '[platforms."steady@budget=1"]'),
            field="platforms.steady@budget=1",
            value="steady@budget=1",
            line=4,
            words=("a name of letters, digits, _ and - (at most 64)",),
        ),
        x(
            "strategy/unknown",
            "an unknown strategy",
            _edit(FIELD_TWO, '"replicate"', '"replicat"'),
            field="platforms.a.strategy",
            value="replicat",
            line=5,
            words=("one of alone, replicate, platform", "did you mean 'replicate'?"),
        ),
        x(
            "strategy/number",
            "a strategy that is not a name",
            _edit(FIELD_GOOD, '"platform"', "1"),
            field="platform.strategy",
            value=1,
            line=7,
            words=("one of alone, replicate, platform",),
        ),
        x(
            "strategy/list",
            "a list of strategies in one platform table",
            _edit(FIELD_GOOD, 'strategy = "platform"', 'strategy = ["replicate", "platform"]'),
            field="platform.strategy",
            value=["replicate", "platform"],
            line=7,
            words=("one strategy's name, not a list", "its own [platforms.NAME] table"),
        ),
        x(
            "lever/unknown",
            "an unknown lever close to one",
            FIELD_GOOD + "fidelty = 1.0\n",
            field="platform.fidelty",
            value=1.0,
            line=8,
            words=("a platform lever", "did you mean 'fidelity'?"),
        ),
        x(
            "lever/far",
            "an unknown lever like no lever",
            FIELD_GOOD + "zebra = 1\n",
            field="platform.zebra",
            value=1,
            line=8,
            words=("a platform lever (see docs/ODD.md, §7a)",),
        ),
        x(
            "shares/all-zero",
            "a budget with every service's share zero",
            FIELD_GOOD
            + "budget = 1.0\nevidence = 0.0\nprogrammes = 0.0\ncapabilities = 0.0\npeers = 0.0\n",
            field="platform.programmes",
            value=0.0,
            line=10,
            words=("a share > 0 for at least one service when the budget is > 0",),
        ),
        # lever sweeps: a list in a platform table, or [sweep]
        x(
            "list/empty",
            "an empty list of a lever's values",
            FIELD_GOOD + "budget = []\n",
            field="platform.budget",
            value=[],
            line=8,
            words=("a list of two or more values of the lever",),
        ),
        x(
            "list/bad-value",
            "a swept value outside the lever's range",
            FIELD_GOOD + "fidelity = [0.5, 2.0]\n",
            field="platform.fidelity",
            value=2.0,
            line=8,
            words=("a number from 0 to 1",),
        ),
        x(
            "list/unknown-lever",
            "a list of values of an unknown lever",
            FIELD_GOOD + "fidelty = [0.0, 1.0]\n",
            field="platform.fidelty",
            value=[0.0, 1.0],
            line=8,
            words=("did you mean 'fidelity'?",),
        ),
        x(
            "sweep/not-a-table",
            "sweep as a value, not a table",
            'name = "catalogue"\nsweep = ["budget"]\n' + fd + "[platform]\n",
            field="sweep",
            value=["budget"],
            line=2,
            words=("a table of platform levers, each a list of values",),
        ),
        x(
            "sweep/not-a-list",
            "one value to sweep",
            FIELD_GOOD + "[sweep]\nbudget = 0.5\n",
            field="sweep.budget",
            value=0.5,
            line=9,
            words=("a list of two or more values of the lever",),
        ),
        x(
            "sweep/one-value",
            "a list of one value to sweep",
            FIELD_GOOD + "[sweep]\nbudget = [0.5]\n",
            field="sweep.budget",
            value=[0.5],
            line=9,
            words=("a list of two or more values of the lever",),
        ),
        x(
            "sweep/repeated",
            "a value given twice (1 and 1.0)",
            FIELD_GOOD + "[sweep]\nbudget = [1, 1.0]\n",
            field="sweep.budget",
            value=[1, 1.0],
            line=9,
            words=("a list of different values (one is repeated)",),
        ),
        x(
            "sweep/bad-value",
            "a swept value outside the lever's range",
            FIELD_GOOD + "[sweep]\nbudget = [0.5, -0.5]\n",
            field="sweep.budget",
            value=-0.5,
            line=9,
            words=("a number from 0 to 100",),
        ),
        x(
            "sweep/unknown-lever",
            "an unknown lever to sweep",
            FIELD_GOOD + "[sweep]\nbudgt = [0.5, 1.0]\n",
            field="sweep.budgt",
            value=[0.5, 1.0],
            line=9,
            words=("did you mean 'budget'?",),
        ),
        x(
            "sweep/strategy",
            "the strategy swept",
            FIELD_GOOD + '[sweep]\nstrategy = ["replicate", "platform"]\n',
            field="sweep.strategy",
            value=["replicate", "platform"],
            line=9,
            words=("the strategy is not swept", "its own [platforms.NAME] table"),
        ),
        x(
            "sweep/swept-and-set",
            "a lever swept by [sweep] and also set in a platform",
            FIELD_GOOD + "budget = 2.0\n[sweep]\nbudget = [0.5, 1.0]\n",
            field="platform.budget",
            value=2.0,
            line=8,
            words=("a lever not also swept by [sweep] (budget is): remove one",),
        ),
        x(
            "sweep/too-many",
            "sweeps that make more than 200 platforms",
            FIELD_GOOD
            + "[sweep]\nbudget = ["
            + ", ".join(str(k) for k in range(1, 16))
            + "]\npeer_links = ["
            + ", ".join(str(k) for k in range(15))
            + "]\n",
            field="platforms",
            value=225,
            where=ENTRY[FIELD],
            words=("at most 200 platforms, sweeps expanded",),
        ),
        # whole files
        x(
            "file/empty",
            "an empty file",
            "",
            field="field",
            value=None,
            where=ENTRY[FIELD],
            words=("a [field] table",),
        ),
        x(
            "toml/malformed",
            "malformed TOML",
            FIELD_GOOD + "[sweep\n",
            error=FileFormatError,
            field="file",
            words=("malformed TOML", "line 8"),
        ),
        x(
            "file/missing",
            "a field file that does not exist",
            None,
            error=FileFormatError,
            field="file",
            words=("no such file",),
        ),
        x(
            "file/not-utf8",
            "a field file that is not UTF-8 text",
            b'name = "\xff"\n[field]\n',
            error=FileFormatError,
            field="file",
            words=("is not UTF-8 text",),
        ),
        *_lever_cases(),
    ]


def all_cases() -> list[Case]:
    """The whole catalogue: scenarios, rosters, experiments, field files."""
    cases = scenario_cases() + roster_cases() + experiment_cases() + field_cases()
    ids = [c.id for c in cases]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"duplicate case ids: {duplicates}")
    return cases


# ---- running a case ----------------------------------------------------------------------------
@contextlib.contextmanager
def materialised(case: Case, root: Path | None = None) -> Iterator[Path]:
    """Write the case's files into an empty directory and work in it (paths stay relative)."""
    with contextlib.ExitStack() as stack:
        if root is None:
            root = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        directory = root / "case"
        directory.mkdir()
        for name, text in case.files.items():
            path = directory / name
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(text, encoding="utf-8")
        stack.enter_context(contextlib.chdir(directory))
        yield directory


def load(case: Case) -> Any:
    """Hand the case's entry file to the API (in the current directory)."""
    from cisim.field.config import load as load_field
    from cisim.model.scenario import Scenario
    from cisim.study.sweeps import Experiment

    if case.kind == EXPERIMENT:
        return Experiment.from_toml(case.entry)
    if case.kind == FIELD:
        return load_field(case.entry)
    return Scenario.from_toml(case.entry)


def argv(case: Case) -> list[str]:
    """The ``cisim`` command line that reads the case's entry file."""
    if case.kind == EXPERIMENT:
        return ["sweep", case.entry, "--out", "out", "--workers", "1", "--no-progress"]
    if case.kind == FIELD:
        return ["field", case.entry, "--out", "out"]
    return ["validate", case.entry]


def message(case: Case) -> str:
    """The one line the API's error says for this case (raises if nothing is raised)."""
    with materialised(case):
        try:
            load(case)
        except CisimError as exc:
            return str(exc)
    raise AssertionError(f"{case.id}: accepted")


# ---- docs/errors.md ----------------------------------------------------------------------------
TITLES = {
    SCENARIO: "Scenario files (`cisim validate`, `cisim run`, `Scenario.from_toml`)",
    ROSTER: "Rosters (CSV files named in a scenario's `[roster]`, or inline)",
    EXPERIMENT: "Experiment files (`cisim sweep`, `Experiment.from_toml`)",
    FIELD: "Field files (`cisim field`, `cisim.field.config.load`)",
}


def render(cases: list[Case], messages: Callable[[Case], str] = message) -> str:
    """``docs/errors.md``: every case's mistake, exception and message, by kind."""
    counts = {kind: sum(c.kind == kind for c in cases) for kind in KINDS}
    lines = [
        "# Errors: every mistake cisim refuses, and what it says",
        "",
        "<!-- Generated by tests/reliability/catalogue.py; do not edit by hand:",
        "     .venv/bin/python tests/reliability/catalogue.py > docs/errors.md -->",
        "",
        f"cisim refuses {len(cases)} catalogued mistakes ({counts[SCENARIO]} in scenario files, "
        f"{counts[ROSTER]} in rosters, {counts[EXPERIMENT]} in experiment files, {counts[FIELD]} "
        "in field files) with one line "
        "that names the field, quotes the value, says what is allowed and, for files, the line "
        "or row. The API raises the exception named in each table (all are "
        "`cisim.errors.ConfigError`, a `ValueError`; a file that cannot be read at all is its "
        "subclass `FileFormatError`), with `.field`, `.value`, `.allowed` and `.where`. The "
        "command line prints `cisim: error: ` and the same message on stderr, with no "
        "traceback, and exits with code 2. `tests/reliability/test_catalogue.py` checks every "
        "row both ways.",
        "",
        "The files of each case are written into an empty directory and named there: "
        "`scenario.toml` (with `orgs.csv` and `rels.csv` for rosters), `experiment.toml` or "
        "`field.toml`. Every scenario parameter is tried below and above its range, as text and "
        "as true/false, and (whole numbers) as a fraction or (numbers) as `nan`; every choice "
        "as an unknown word, a number and in the wrong case; every platform lever of a field "
        "file above its range or as an unknown choice. A field file that is refused stops "
        "`cisim field` before any city runs or any directory is made.",
        "",
    ]
    for kind in KINDS:
        lines += [
            f"## {TITLES[kind]}",
            "",
            "| Case | Mistake | Error | Message |",
            "|---|---|---|---|",
        ]
        for case in (c for c in cases if c.kind == kind):
            text = messages(case).replace("|", "\\|")
            lines.append(f"| `{case.id}` | {case.mistake} | `{case.error.__name__}` | {text} |")
        lines.append("")
    return "\n".join(lines) + BEYOND


#: Refusals outside the catalogue's files (outputs, sweep records, processes, the system).
BEYOND = "\n" + (Path(__file__).with_name("beyond.md")).read_text(encoding="utf-8")


def main() -> None:
    """Print ``docs/errors.md``."""
    sys.stdout.write(render(all_cases()))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()

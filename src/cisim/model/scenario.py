"""The scenario: every parameter of a collaboration, frozen and validated.

A :class:`Scenario` is plain data. It is built from keyword arguments, a TOML file or a preset,
validated on construction (errors name the field, the value and what is allowed), and never
mutated: :meth:`Scenario.replace` returns a new one.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import tomli_w

from cisim.errors import ConfigError, FileFormatError, did_you_mean
from cisim.inputs import parse_toml, read_text
from cisim.model.parameters import SECTOR_TRAITS, SECTORS, SPECS
from cisim.model.roster import Roster
from cisim.model.spec import FrozenMap, finite
from cisim.model.timeline import Event, check_timeline

PRESET_DIR = Path(__file__).parent / "presets"
PRESET_NAMES: tuple[str, ...] = (
    "baseline",
    "hartford",
    "louisville",
    "south_yorkshire",
    "strong_start",
)

DEFAULT_SECTOR_MIX: dict[str, float] = {
    "public": 0.3,
    "private": 0.2,
    "nonprofit": 0.25,
    "community": 0.15,
    "philanthropy": 0.1,
}

_ABOUT_FIELDS = ("name", "description", "encodes", "assumes")


@dataclass(frozen=True, kw_only=True, eq=True)
class Scenario:
    """A collaboration to simulate. See ``docs/ODD.md`` for every parameter's meaning and source.

    All fields are keyword-only and validated on construction; unknown keys raise
    :class:`~cisim.errors.ConfigError`.
    """

    # about (not model parameters)
    name: str = "custom"
    description: str = ""
    encodes: tuple[str, ...] = ()
    assumes: tuple[str, ...] = ()
    # population
    n_organisations: int = 20
    sector_mix: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_SECTOR_MIX))
    candidate_share: float = 0.25
    authority: float = 0.5
    authority_source: str = "granted"
    capacity: float = 0.5
    alignment: float = 0.5
    turnover: float = 0.02
    trait_spread: float = 0.1
    sectors: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    roster: Roster | None = None
    # network
    network: str = "small_world"
    mean_degree: float = 6.0
    rewiring: float = 0.1
    homophily: float = 0.5
    prior_ties: float = 0.3
    history_spread: float = 1.0
    initial_trust: float = 0.5
    trust_spread: float = 0.1
    prior_trust_bonus: float = 0.15
    dormant_ties: float = 2.0
    # collaboration
    navigator: int = 0
    navigator_capacity: int = 4
    navigator_credibility: float = 0.8
    backbone: float = 0.0
    open_accountability: float = 0.0
    triangle: float = 0.0
    triangle_focus: float = 1.0
    entry_point: str = "search"
    entry_quality: float = 0.8
    community_engagement: float = 0.3
    data_use: float = 0.3
    joint_problem_solving: float = 0.3
    aspiration: float = 0.5
    resources: float = 0.1
    authority_contest: float = 0.2
    job: str = "think_and_do"
    governance_mode: str = "shared"
    adaptability: float = 0.3
    horizon_months: int = 120
    # mechanism constants
    disagreement: float = 0.5
    trust_build_rate: float = 0.1
    trust_erosion_rate: float = 0.3
    trust_spillover: float = 0.2
    reputation_weight: float = 0.02
    blame_severity: float = 2.0
    institutional_memory: float = 0.3
    institutional_trust_rate: float = 0.03
    onboarding_months: float = 6.0
    review_months: int = 3
    outcome_noise: float = 0.15
    entry_base_rate: float = 0.05
    exit_base_rate: float = 0.004
    join_base_rate: float = 0.02
    # regime rule
    regime_blame_share: float = 0.5
    regime_min_progress: float = 0.2
    regime_window_months: int = 48
    # what happens when (cisim.model.timeline)
    timeline: tuple[Event, ...] = ()

    def __post_init__(self) -> None:
        for name, spec in SPECS.items():
            if spec.kind == "mapping":
                continue
            object.__setattr__(self, name, spec.check(name, getattr(self, name)))
        object.__setattr__(self, "sector_mix", _check_sector_mix(self.sector_mix))
        object.__setattr__(self, "sectors", _check_sectors(self.sectors))
        for name in ("name", "description"):
            if not isinstance(getattr(self, name), str):
                raise ConfigError(name, getattr(self, name), "a string")
        for name in ("encodes", "assumes"):
            value = getattr(self, name)
            if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
                raise ConfigError(name, value, "a list of strings")
            object.__setattr__(self, name, tuple(value))
        self._check_roster()
        object.__setattr__(self, "timeline", check_timeline(self.timeline, self.horizon_months))

    def _check_roster(self) -> None:
        if self.roster is None:
            if self.network == "roster":
                raise ConfigError("network", "roster", "'roster' needs a [roster] table")
            return
        if not isinstance(self.roster, Roster):
            raise ConfigError("roster", self.roster, "a cisim.Roster")
        SPECS["n_organisations"].check("roster.organisations", len(self.roster.organisations))
        object.__setattr__(self, "network", "roster")
        object.__setattr__(self, "n_organisations", len(self.roster.organisations))

    # ---- derived -------------------------------------------------------------------------
    @property
    def parameters(self) -> dict[str, Any]:
        """The model parameters (everything but the descriptive fields), as plain data."""
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name in _ABOUT_FIELDS:
                continue
            value = getattr(self, f.name)
            if f.name == "roster":
                out[f.name] = None if value is None else value.to_dict()
            elif f.name == "timeline":
                if value:  # absent when empty: a scenario without events keeps its digest
                    out[f.name] = [event.to_dict() for event in value]
            elif isinstance(value, Mapping):
                out[f.name] = {
                    k: (dict(v) if isinstance(v, Mapping) else v) for k, v in value.items()
                }
            else:
                out[f.name] = value
        return out

    @property
    def digest(self) -> str:
        """A short hash of the model parameters (two scenarios that run alike share it)."""
        blob = json.dumps(self.parameters, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    def __hash__(self) -> int:
        return hash(self.digest)

    def sector_trait(self, sector: str, trait: str) -> float:
        """Mean of ``trait`` for organisations of ``sector`` (override or scenario-wide)."""
        return float(self.sectors.get(sector, {}).get(trait, getattr(self, trait)))

    # ---- construction --------------------------------------------------------------------
    def at(
        self,
        month: int,
        *,
        shock: str = "",
        size: float | None = None,
        label: str = "",
        **changes: Any,
    ) -> Scenario:
        """A copy with one more event on its timeline (:mod:`cisim.model.timeline`).

        ``scenario.at(24, navigator=1)`` adds a navigator from month 24;
        ``scenario.at(36, shock="public_failure", size=0.5)`` a public failure in month 36;
        ``scenario.at(48, resources=0.0, label="the grant ends")`` ends the grant.
        """
        event: dict[str, Any] = {"month": month, **changes}
        if shock:
            event["shock"] = shock
        if size is not None:
            event["size"] = size
        if label:
            event["label"] = label
        return self.replace(timeline=(*self.timeline, event))

    def replace(self, **changes: Any) -> Scenario:
        """A copy with some fields changed (validated like a new scenario).

        ``timeline.K.FIELD`` (``K`` from 1) changes a field of the timeline's ``K``-th event, so an
        event's month or size can be a factor of a sweep.
        """
        changes = _event_changes(self, changes)
        unknown = [k for k in changes if k not in _field_names()]
        if unknown:
            raise _unknown_key(unknown[0], changes[unknown[0]])
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        if "roster" not in changes and self.roster is not None and "network" in changes:
            data["roster"] = None
        data.update(changes)
        return Scenario(**data)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, base_dir: Path | None = None) -> Scenario:
        """Build from a mapping shaped like the TOML file (unknown keys are errors)."""
        if not isinstance(data, Mapping):
            raise ConfigError("scenario", data, "a table of parameters")
        data = dict(data)
        for key in data:
            if key not in _field_names():
                raise _unknown_key(key, data[key])
        roster = data.pop("roster", None)
        if roster is not None and not isinstance(roster, Roster):
            if not isinstance(roster, Mapping):
                raise ConfigError("roster", roster, "a [roster] table")
            roster = Roster.from_mapping(roster, base_dir=base_dir or Path.cwd())
        for key in ("encodes", "assumes", "timeline"):
            if key in data and isinstance(data[key], list):
                data[key] = tuple(data[key])
        return cls(**data, roster=roster)

    @classmethod
    def from_toml(cls, path: str | Path) -> Scenario:
        """Load a scenario from a TOML file; errors say the file and line."""
        path = Path(path)
        text = _read_text(path)
        data = parse_toml(text, str(path))
        try:
            return cls.from_dict(data, base_dir=path.parent)
        except FileFormatError:
            raise
        except ConfigError as exc:
            if exc.where is None:
                line = _line_of(text, exc.field)
                where = f"{path}, line {line}" if line else str(path)
            elif exc.where.startswith("roster."):  # an entry of an inline roster
                where = f"{path}, {exc.where}"
            else:  # a row of a roster's CSV file
                where = exc.where
            raise exc.located(where) from None

    @classmethod
    def preset(cls, name: str) -> Scenario:
        """One of the presets drawn from the cases (``cisim presets`` lists them).

        Only the listed names are accepted, so a name never reaches outside the presets
        directory (``"../x"`` is refused like any unknown name).
        """
        if not isinstance(name, str) or name not in PRESET_NAMES:
            raise ConfigError("preset", name, "one of " + ", ".join(PRESET_NAMES))
        return cls.from_toml(PRESET_DIR / f"{name}.toml")

    @classmethod
    def load(cls, config_or_preset: str | Path) -> Scenario:
        """A preset name or a path to a ``.toml`` file (nothing else is read)."""
        text = str(config_or_preset)
        if text in PRESET_NAMES:
            return cls.preset(text)
        path = Path(text)
        if path.suffix != ".toml":
            raise ConfigError(
                "config", text, "a preset (" + ", ".join(PRESET_NAMES) + ") or a .toml file"
            )
        return cls.from_toml(path)

    def to_dict(self) -> dict[str, Any]:
        """Everything, as plain data shaped like the TOML file."""
        out: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "encodes": list(self.encodes),
            "assumes": list(self.assumes),
        }
        params = self.parameters
        if params["roster"] is None:
            params.pop("roster")
        if "timeline" in params:  # written last: [[timeline]] tables follow the keys
            params["timeline"] = params.pop("timeline")
        out.update(params)
        return out

    def to_toml(self, path: str | Path) -> None:
        """Write the scenario as TOML (``from_toml`` reads it back to an equal scenario)."""
        data = self.to_dict()
        events = data.pop("timeline", [])
        text = tomli_w.dumps(data)
        for event in events:  # as [[timeline]] tables, the form the documentation shows
            text += "\n[[timeline]]\n" + tomli_w.dumps(event)
        Path(path).write_text(text, encoding="utf-8")


# ---- helpers ---------------------------------------------------------------------------------
_EVENT_KEY = re.compile(r"^timeline\.(\d+)\.(\w+)$")


def _event_changes(sc: Scenario, changes: dict[str, Any]) -> dict[str, Any]:
    """``changes`` with every ``timeline.K.FIELD`` folded into a new ``timeline``."""
    dotted = {k: v for k, v in changes.items() if k.startswith("timeline.")}
    if not dotted:
        return changes
    events = [e.to_dict() for e in changes.get("timeline", sc.timeline)]
    for key, value in dotted.items():
        match = _EVENT_KEY.match(key)
        if match is None or not 1 <= int(match.group(1)) <= len(events):
            raise ConfigError(
                key, value, f"timeline.K.FIELD with K an event from 1 to {len(events)}"
            )
        events[int(match.group(1)) - 1][match.group(2)] = value
    rest = {k: v for k, v in changes.items() if k not in dotted}
    rest["timeline"] = tuple(events)
    return rest


def _field_names() -> frozenset[str]:
    return frozenset(f.name for f in fields(Scenario))


#: Parameters of earlier versions, with what replaced them: a file that sets one is told why.
RETIRED = {
    "dissolution_share": "no longer a parameter (retired after 0.1.0: a collaboration is dissolved "
    "when fewer than two members remain); remove it",
}


def _unknown_key(key: str, value: Any) -> ConfigError:
    if key in RETIRED:
        return ConfigError(key, value, RETIRED[key])
    hint = did_you_mean(key, sorted(_field_names()))
    return ConfigError(key, value, f"a known parameter (see docs/ODD.md){hint}")


def _check_sector_mix(mix: Any) -> Mapping[str, float]:
    spec = SPECS["sector_mix"]
    if not isinstance(mix, Mapping) or not mix:
        raise ConfigError("sector_mix", mix, spec.doc)
    out: dict[str, float] = {}
    for sector, share in mix.items():
        if sector not in SECTORS:
            raise ConfigError(f"sector_mix.{sector}", share, "a sector: " + ", ".join(SECTORS))
        if isinstance(share, bool) or not isinstance(share, int | float) or not share >= 0:
            raise ConfigError(f"sector_mix.{sector}", share, "a number >= 0")
        number = finite(share)
        if number is None:
            raise ConfigError(f"sector_mix.{sector}", share, "a finite number >= 0")
        out[sector] = number
    total = sum(out.values())
    if total <= 0:
        raise ConfigError("sector_mix", mix, "at least one share above 0")
    if not math.isfinite(total):
        raise ConfigError("sector_mix", mix, "shares with a finite sum")
    return FrozenMap({s: out.get(s, 0.0) for s in SECTORS})


def _check_sectors(sectors: Any) -> Mapping[str, Mapping[str, float]]:
    if not isinstance(sectors, Mapping):
        raise ConfigError("sectors", sectors, SPECS["sectors"].doc)
    out: dict[str, Mapping[str, float]] = {}
    for sector, traits in sectors.items():
        if sector not in SECTORS:
            raise ConfigError(f"sectors.{sector}", traits, "a sector: " + ", ".join(SECTORS))
        if not isinstance(traits, Mapping):
            raise ConfigError(f"sectors.{sector}", traits, "a table of traits")
        checked: dict[str, float] = {}
        for trait, value in traits.items():
            if trait not in SECTOR_TRAITS:
                raise ConfigError(
                    f"sectors.{sector}.{trait}", value, "a trait: " + ", ".join(SECTOR_TRAITS)
                )
            checked[trait] = SPECS[trait].check(f"sectors.{sector}.{trait}", value)
        out[sector] = FrozenMap(checked)
    return FrozenMap(out)


def _read_text(path: Path) -> str:
    return read_text(path)  # regular files only, size-capped, BOM removed (cisim.inputs)


_TOML_HEADER = re.compile(r"^\s*\[+\s*([^\]]+?)\s*\]+")
_TOML_ASSIGN = re.compile(r"^\s*([A-Za-z0-9_.\"' -]+?)\s*=")


def _line_of(text: str, dotted: str) -> int | None:
    """Line number where a (possibly dotted) key is set in TOML text, if it can be found.

    The key is looked up by its full path (``[sectors.public]`` then ``turnover = ...``, or
    ``sectors.public.turnover = ...``), so a top-level ``turnover`` does not shadow it.
    ``timeline.K.FIELD`` is looked up in the ``K``-th ``[[timeline]]`` table.
    """
    event = re.match(r"^timeline\.(\d+)(?:\.(\w+))?$", dotted)
    if event:
        return _event_line(text, int(event.group(1)), event.group(2))
    table = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = _TOML_HEADER.match(line)
        if header:
            table = _toml_path(header.group(1))
            if table == dotted:
                return number
            continue
        assign = _TOML_ASSIGN.match(line)
        if assign and ".".join(filter(None, (table, _toml_path(assign.group(1))))) == dotted:
            return number
    key = re.escape(dotted.split(".")[-1])
    pattern = re.compile(rf"^\s*(\"?{key}\"?)\s*=")  # fallback: e.g. inside an inline table
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.search(line):
            return number
    return None


def _event_line(text: str, k: int, key: str | None) -> int | None:
    """The line of ``key`` in the ``k``-th ``[[timeline]]`` table (the table's own line if the
    key is not set there, or if no key is asked for)."""
    seen = 0
    table_line = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = _TOML_HEADER.match(line)
        if header:
            if table_line is not None:
                break  # past the k-th table
            if line.lstrip().startswith("[[") and _toml_path(header.group(1)) == "timeline":
                seen += 1
                if seen == k:
                    table_line = number
            continue
        assign = _TOML_ASSIGN.match(line)
        if table_line is not None and key and assign and _toml_path(assign.group(1)) == key:
            return number
    return table_line


def _toml_path(key: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in key.split("."))

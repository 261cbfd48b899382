"""A field and its platforms as a TOML file, validated like the rest of cisim.

::

    [field]
    scenario = "baseline"      # a preset, or a scenario .toml (relative to this file)
    cities = 500               # cities drawn around it ...
    spread = 0.1               # ... their starting practices' spread
    seed = 2026
    # roster = ["hartford", "louisville", "cities/springfield.toml"]   # or one scenario per city

    [platform]                 # one platform ...
    strategy = "platform"      # starts from a strategy (cisim.field.STRATEGIES) ...
    budget = 2.0               # ... and changes some levers

    # [platforms.replicate]    # ... or several, compared on the same cities
    # strategy = "replicate"

Unknown keys are errors; a bad value is one line naming the field (``platform.budget``), the
value, what is allowed and the line of the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cisim.errors import ConfigError, FileFormatError, did_you_mean
from cisim.field.cities import Field
from cisim.field.platform import Platform
from cisim.inputs import parse_toml, read_text
from cisim.model.scenario import Scenario, _line_of

_TOP = ("field", "platform", "platforms")
_FIELD = ("scenario", "cities", "spread", "seed", "roster")


@dataclass(frozen=True)
class FieldFile:
    """What a field file holds: the cities and the platforms to run them under."""

    field: Field
    platforms: dict[str, Platform]


def load(path: str | Path) -> FieldFile:
    """Read and validate a field file; every error names the file and line."""
    path = Path(path)
    text = read_text(path)
    data = parse_toml(text, str(path))
    try:
        return from_dict(data, base_dir=path.parent)
    except FileFormatError:
        raise
    except ConfigError as exc:
        if exc.where is not None:
            raise
        line = _line_of(text, exc.field)
        raise exc.located(f"{path}, line {line}" if line else str(path)) from None


def from_dict(data: Mapping[str, Any], *, base_dir: Path) -> FieldFile:
    """A :class:`FieldFile` from a table shaped like the file."""
    _known(data, _TOP, "")
    if "field" not in data:
        raise ConfigError("field", None, "a [field] table (the cities)")
    if ("platform" in data) == ("platforms" in data):
        raise ConfigError("platform", None, "either a [platform] table or [platforms.NAME] tables")
    fld = _field(data["field"], base_dir)
    if "platform" in data:
        return FieldFile(fld, {"platform": _platform(data["platform"], "platform")})
    tables = data["platforms"]
    if not isinstance(tables, Mapping) or not tables:
        raise ConfigError("platforms", tables, "one [platforms.NAME] table or more")
    return FieldFile(fld, {name: _platform(t, f"platforms.{name}") for name, t in tables.items()})


def _known(data: Any, names: tuple[str, ...], prefix: str) -> None:
    if not isinstance(data, Mapping):
        raise ConfigError(prefix.rstrip(".") or "file", data, "a table")
    for key in data:
        if key not in names:
            hint = did_you_mean(key, names)
            raise ConfigError(f"{prefix}{key}", data[key], "one of " + ", ".join(names) + hint)


def _prefixed(exc: ConfigError, prefix: str) -> ConfigError:
    return ConfigError(f"{prefix}{exc.field}", exc.value, exc.allowed, exc.where)


def _field(table: Any, base_dir: Path) -> Field:
    _known(table, _FIELD, "field.")
    data = dict(table)
    if "scenario" in data:
        data["scenario"] = _scenario(data["scenario"], base_dir, "field.scenario")
    if "roster" in data:
        roster = data["roster"]
        if not isinstance(roster, list) or not roster:
            raise ConfigError("field.roster", roster, "a list of presets or scenario files")
        data["roster"] = tuple(
            _scenario(s, base_dir, f"field.roster.{k + 1}") for k, s in enumerate(roster)
        )
    try:
        return Field(**data)
    except ConfigError as exc:
        raise _prefixed(exc, "field.") from None


def _scenario(value: Any, base_dir: Path, name: str) -> Scenario:
    if not isinstance(value, str):
        raise ConfigError(name, value, "a preset name or a scenario .toml file")
    if value.endswith(".toml"):
        return Scenario.load(base_dir / value)
    return Scenario.load(value)


def _platform(table: Any, prefix: str) -> Platform:
    try:
        return Platform.from_dict(table)
    except ConfigError as exc:
        raise _prefixed(exc, f"{prefix}.") from None

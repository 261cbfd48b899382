"""A field and its platforms as a TOML file, validated like the rest of cisim.

::

    question = "Which platform raises the share of learning journeys most?"  # for the report

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

    # [platforms.steady]       # a list of values sweeps a lever: one platform per value,
    # strategy = "platform"    # named steady@budget=0.25, steady@budget=0.5, ...
    # budget = [0.25, 0.5, 1.0]

    # [sweep]                  # ... or sweeps it in every platform (several levers: every
    # budget = [0.5, 1.0]      # combination)

A platform's name is letters, digits, ``_`` and ``-``; ``alone`` is the baseline every platform
is measured against (no platform) and cannot be taken. Unknown keys are errors, as are ``cities``
and ``spread`` beside a roster (which has one city per scenario); a bad value is one line naming
the field (``platform.budget``, ``sweep.budget``, ``field.roster.2``), the value, what is allowed
and the line of the file (of the table holding it when the key itself cannot be found). A scenario
named by the file that cannot be read is an error of ``field.scenario`` (or ``field.roster.K``);
one with a bad value in it points into that scenario file. ``tests/reliability/catalogue.py``
lists every mistake and its message (``docs/errors.md``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path
from typing import Any

from cisim.errors import ConfigError, FileFormatError, did_you_mean
from cisim.field.cities import Field
from cisim.field.platform import PLATFORM_SPECS, STRATEGIES, Platform, unknown_lever
from cisim.inputs import parse_toml, read_text
from cisim.model.scenario import PRESET_NAMES, Scenario, _line_of

_TOP = ("name", "question", "description", "field", "platform", "platforms", "sweep")
#: The words a field file may carry for its report (each a line of text).
ABOUT = ("name", "question", "description")
_FIELD = ("scenario", "cities", "spread", "seed", "roster")
#: The name of the baseline: every city on its own (no platform).
BASELINE = "alone"
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$")
#: At most this many platforms once the sweeps are expanded.
MAX_PLATFORMS = 200


@dataclass(frozen=True)
class Variant:
    """A platform of a sweep: the table it came from (``base``) and its swept levers' values."""

    base: str
    levers: dict[str, Any]


@dataclass(frozen=True)
class FieldFile:
    """What a field file holds: the cities and the platforms to run them under.

    ``platforms`` has every platform to run, sweeps expanded (a swept table's platforms are
    named ``NAME@lever=value``, several levers joined by ``+``); ``variants`` says which table
    and lever values each swept platform came from.
    """

    field: Field
    platforms: dict[str, Platform]
    variants: dict[str, Variant] = dc_field(default_factory=dict)
    about: dict[str, str] = dc_field(default_factory=dict)


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
        line = _line(text, exc.field)
        raise exc.located(f"{path}, line {line}" if line else str(path)) from None


def _line(text: str, dotted: str) -> int | None:
    """The line that sets ``dotted``, else the line of the nearest table holding it
    (``field.roster.2``: the roster's line; ``field.cities`` in ``field = { ... }``: that one)."""
    parts = dotted.split(".")
    while parts:
        line = _line_of(text, ".".join(parts))
        if line is not None:
            return line
        parts.pop()
    return None


def from_dict(data: Mapping[str, Any], *, base_dir: Path) -> FieldFile:
    """A :class:`FieldFile` from a table shaped like the file."""
    _known(data, _TOP, "")
    if "field" not in data:
        raise ConfigError("field", None, "a [field] table (the cities)")
    if "platform" in data and "platforms" in data:
        raise ConfigError(
            "platform", data["platform"], "absent beside [platforms.NAME] tables: either one "
            "[platform] table or [platforms.NAME] tables, not both",
        )  # fmt: skip
    if "platform" not in data and "platforms" not in data:
        raise ConfigError("platform", None, "either a [platform] table or [platforms.NAME] tables")
    about = {key: _text(data[key], key) for key in ABOUT if key in data}
    fld = _field(data["field"], base_dir)
    sweep = _sweep(data.get("sweep", {}))
    if "platform" in data:
        tables: Any = {"platform": data["platform"]}
        prefixes = {"platform": "platform"}
    else:
        tables = data["platforms"]
        if not isinstance(tables, Mapping) or not tables:
            raise ConfigError("platforms", tables, "one [platforms.NAME] table or more")
        prefixes = {name: f"platforms.{name}" for name in tables}
    platforms: dict[str, Platform] = {}
    variants: dict[str, Variant] = {}
    for name, table in tables.items():
        _check_name(name, prefixes[name])
        for vname, platform, levers in _expand(table, sweep, prefixes[name], name):
            platforms[vname] = platform
            if levers:
                variants[vname] = Variant(name, levers)
        if len(platforms) > MAX_PLATFORMS:
            raise ConfigError(
                "platforms", len(platforms), f"at most {MAX_PLATFORMS} platforms, sweeps expanded"
            )
    return FieldFile(fld, platforms, variants, about)


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str) or len(value) > 2000:
        raise ConfigError(name, value, "text (at most 2,000 characters)")
    return value


def _check_name(name: str, prefix: str) -> None:
    if name == BASELINE:
        raise ConfigError(
            prefix, name, f"a name other than {BASELINE!r}, the baseline (no platform) every "
            "platform is measured against",
        )  # fmt: skip
    if not _NAME.match(name):
        raise ConfigError(prefix, name, "a name of letters, digits, _ and - (at most 64)")


def _sweep(table: Any) -> dict[str, list[Any]]:
    """The ``[sweep]`` table: levers, each with a list of two or more distinct valid values."""
    if not isinstance(table, Mapping):
        raise ConfigError("sweep", table, "a table of platform levers, each a list of values")
    out: dict[str, list[Any]] = {}
    for key, values in table.items():
        if key == "strategy":
            raise ConfigError(
                "sweep.strategy", values, "a platform lever: the strategy is not swept (to "
                "compare strategies, give each its own [platforms.NAME] table)",
            )  # fmt: skip
        if key not in PLATFORM_SPECS:
            raise _prefixed(unknown_lever(key, values), "sweep.")
        out[key] = _values(values, f"sweep.{key}", key)
    return out


def _values(values: Any, name: str, lever: str) -> list[Any]:
    """A swept lever's values, each checked as the lever checks one."""
    if not isinstance(values, list) or len(values) < 2:
        raise ConfigError(name, values, "a list of two or more values of the lever")
    checked = []
    for value in values:
        try:
            checked.append(PLATFORM_SPECS[lever].check(lever, value))
        except ConfigError as exc:
            raise ConfigError(name, value, exc.allowed) from None
    if len({repr(v) for v in checked}) < len(checked):
        raise ConfigError(name, values, "a list of different values (one is repeated)")
    return checked


def _expand(
    table: Any, sweep: dict[str, list[Any]], prefix: str, name: str
) -> list[tuple[str, Platform, dict[str, Any]]]:
    """A platform table's platforms: itself, or one per combination of its swept levers' values
    (its own list values, then ``[sweep]``'s), each named ``NAME@lever=value+lever=value``."""
    if not isinstance(table, Mapping):
        raise ConfigError(prefix, table, "a table of platform levers")
    axes: dict[str, list[Any]] = {}
    for key, value in table.items():
        if key in sweep:
            raise ConfigError(
                f"{prefix}.{key}", value, f"a lever not also swept by [sweep] ({key} is): "
                "remove one",
            )  # fmt: skip
        if isinstance(value, list):
            if key not in PLATFORM_SPECS:  # 'strategy' or an unknown name
                if key == "strategy":
                    raise ConfigError(f"{prefix}.strategy", value, _NOT_SWEPT)
                raise _prefixed(unknown_lever(key, value), f"{prefix}.")
            axes[key] = _values(value, f"{prefix}.{key}", key)
    axes.update(sweep)
    if not axes:
        return [(name, _platform(table, prefix), {})]
    fixed = {k: v for k, v in table.items() if k not in axes}
    out = []
    for combo in itertools.product(*axes.values()):
        levers = dict(zip(axes, combo, strict=True))
        label = "+".join(f"{k}={_label(v)}" for k, v in levers.items())
        out.append((f"{name}@{label}", _platform({**fixed, **levers}, prefix), levers))
    return out


_NOT_SWEPT = (
    "one strategy's name, not a list (strategies are compared by giving each its own "
    "[platforms.NAME] table; a list sweeps a lever)"
)


def _label(value: Any) -> str:
    """A lever's value in a platform's name: ``0.25``, ``3``, ``weakest``."""
    if isinstance(value, float):
        short = f"{value:g}"
        return short if float(short) == value else repr(value)
    return str(value)


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
    if "roster" in data:
        roster = data["roster"]
        if not isinstance(roster, list) or not roster:
            raise ConfigError("field.roster", roster, "a list of presets or scenario files")
        if "scenario" in data:
            raise ConfigError(
                "field.roster", roster, "absent beside field.scenario: either a roster (one "
                "city per scenario) or a scenario (cities drawn around it), not both",
            )  # fmt: skip
        for key in ("cities", "spread"):
            if key in data:
                raise ConfigError(
                    f"field.{key}", data[key], f"absent beside a roster (a roster has one city "
                    f"per scenario; {key} is for cities drawn around one scenario)",
                )  # fmt: skip
        scenarios = tuple(
            _scenario(s, base_dir, f"field.roster.{k + 1}") for k, s in enumerate(roster)
        )
        horizons = sorted({s.horizon_months for s in scenarios})
        if len(horizons) > 1:
            raise ConfigError(
                "field.roster", roster, "scenarios with one horizon_months (these have "
                + ", ".join(map(str, horizons)) + ")",
            )  # fmt: skip
        data["roster"] = scenarios
    if "scenario" in data:
        data["scenario"] = _scenario(data["scenario"], base_dir, "field.scenario")
    try:
        return Field(**data)
    except ConfigError as exc:
        raise _prefixed(exc, "field.") from None


def _scenario(value: Any, base_dir: Path, name: str) -> Scenario:
    """A preset, or a scenario file relative to the field file: a file that cannot be read is an
    error of ``name``; a bad value in a file that can be points into that file."""
    allowed = f"a preset ({', '.join(PRESET_NAMES)}) or a scenario .toml file"
    if not isinstance(value, str):
        raise ConfigError(name, value, allowed)
    if not value.endswith(".toml"):
        if value not in PRESET_NAMES:
            hint = did_you_mean(value, PRESET_NAMES, ignore_case=True)
            raise ConfigError(name, value, f"{allowed} (relative to the field file){hint}")
        return Scenario.preset(value)
    try:
        return Scenario.load(base_dir / value)
    except FileFormatError as exc:
        raise ConfigError(name, value, f"a scenario file cisim can read ({exc})") from None


def _platform(table: Any, prefix: str) -> Platform:
    try:
        return Platform.from_dict(table)
    except ConfigError as exc:
        if exc.field == "strategy" and isinstance(exc.value, str):
            exc = ConfigError(
                exc.field, exc.value, exc.allowed + did_you_mean(exc.value, STRATEGIES)
            )
        raise _prefixed(exc, f"{prefix}.") from None

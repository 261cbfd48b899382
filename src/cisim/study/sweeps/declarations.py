"""Declarations: how an experiment file's ``[levers]`` and ``[uncertainties]`` are read.

A factor is declared as levels (``navigator = [0, 1]`` or ``{ levels = [...] }``) or, in a
sampling design, as a range (``{ low = 0.2, high = 0.8 }``); a table form may add ``why``, a
line on what the levels or the ends of the range stand for (``{ low = 0.01, high = 0.06, why =
"..." }``), which the report's methods show. Each level and both ends of a range
are checked by the model (for cisim: by building the base scenario with that value), so an
experiment never holds a value its runs would reject. Which forms a design takes is the design's
to say (:class:`cisim.study.sweeps.designs.Design`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from cisim.errors import ConfigError, did_you_mean
from cisim.model.spec import finite
from cisim.study.sweeps.designs import Design
from cisim.study.sweeps.factors import ROLES, Factor
from cisim.study.sweeps.models import SweepModel

Check = Callable[[str, Any], Any]


def parse_factors(
    model: SweepModel,
    settings: dict[str, Any],
    role: str,
    data: Mapping[str, Any],
    design: Design,
) -> tuple[Factor, ...]:
    """The factors of table ``role`` (``levers`` or ``uncertainties``) of an experiment's data.

    Raises :class:`ConfigError` (field ``role.name``) for an unknown parameter, a parameter
    also set in another table, or a level or range the model or the design does not accept.
    """
    declared = table(data, role)
    other = ROLES[1 - ROLES.index(role)]
    out: list[Factor] = []
    for name, raw in declared.items():
        key = f"{role}.{name}"
        kind = model.kind(name)
        if kind is None:
            known = model.parameter_names
            raise ConfigError(
                key, raw, f"a parameter of the {model.name!r} model" + hint(name, known)
            )
        if kind == "mapping":
            raise ConfigError(key, raw, "a number or a choice (a table is set in [constants])")
        for elsewhere in ("constants", other):
            if name in table(data, elsewhere):
                raise ConfigError(key, raw, f"one table only (it is also in [{elsewhere}])")
        out.append(_factor(name, role, kind, raw, design, _checker(model, settings, key)))
    return tuple(out)


def factor_data(factor: Factor, design: Design) -> Any:
    """A factor as the experiment file writes it (a list, ``{ levels }`` or ``{ low, high }``,
    with its ``why`` if it has one)."""
    why = {"why": factor.why} if factor.why else {}
    if factor.is_range:
        return {"low": factor.low, "high": factor.high} | why
    if design.sampled or why:
        return {"levels": list(factor.levels)} | why
    return list(factor.levels)


def hint(word: str, known: Sequence[str]) -> str:
    """``; did you mean 'x'?`` for a close match of ``word`` among ``known``, else the list."""
    return did_you_mean(word, sorted(known)) or f" ({', '.join(known)})"


def table(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    """Table ``key`` of the data (empty if absent); :class:`ConfigError` if it is not a table."""
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise ConfigError(key, value, f"a [{key}] table")
    return dict(value)


# ---- one factor ------------------------------------------------------------------------------
def _checker(model: SweepModel, settings: dict[str, Any], key: str) -> Check:
    def check(name: str, value: Any) -> Any:
        try:
            return model.check(settings, name, value)
        except ConfigError as exc:
            raise ConfigError(key, value, exc.allowed) from None

    return check


def _factor(name: str, role: str, kind: str, raw: Any, design: Design, check: Check) -> Factor:
    key = f"{role}.{name}"
    if isinstance(raw, list):
        if design.sampled:
            raise ConfigError(key, raw, _sampling_forms(design))
        return Factor(name, role, kind, levels=_levels(key, raw, name, check))
    if not isinstance(raw, Mapping):
        raise ConfigError(key, raw, "a list of levels, { levels = [...] } or a range")
    why = raw.get("why", "")
    if not isinstance(why, str):
        raise ConfigError(f"{key}.why", why, "a string: why these levels or this range")
    keys = set(raw) - {"why"}
    if keys == {"levels"}:
        return Factor(name, role, kind, levels=_levels(key, raw["levels"], name, check), why=why)
    if keys == {"low", "high"}:
        if not design.sampled:
            raise ConfigError(key, dict(raw), f"a list of levels ({design.a} design has no ranges)")
        return _range(name, role, kind, raw, check, why)
    raise ConfigError(
        key,
        dict(raw),
        "a list of levels, { levels = [...] } or { low, high }, each with an optional why",
    )


def _sampling_forms(design: Design) -> str:
    if not design.categorical:
        return f"a range {{ low = ..., high = ... }} ({design.a} design samples ranges)"
    return (
        "a range { low = ..., high = ... } or categorical levels { levels = [...] } "
        f"({design.a} design samples; a bare list is for factorial designs)"
    )


def _levels(key: str, raw: Any, name: str, check: Check) -> tuple[Any, ...]:
    if not isinstance(raw, list) or not raw:
        raise ConfigError(key, raw, "a non-empty list of levels")
    levels = tuple(check(name, value) for value in raw)
    if len(set(levels)) != len(levels):
        raise ConfigError(key, raw, "distinct levels")
    return levels


def _range(
    name: str, role: str, kind: str, raw: Mapping[str, Any], check: Check, why: str
) -> Factor:
    key = f"{role}.{name}"
    if kind == "choice":
        raise ConfigError(key, dict(raw), "{ levels = [...] }: a choice has no range")
    low, high = raw["low"], raw["high"]
    for bound, value in (("low", low), ("high", high)):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{key}.{bound}", value, "a number")
        if finite(value) is None:
            raise ConfigError(f"{key}.{bound}", value, "a finite number")
    for bound, value in (("low", low), ("high", high)):
        try:
            check(name, value)
        except ConfigError as exc:
            raise ConfigError(f"{key}.{bound}", value, exc.allowed) from None
    if not low < high:
        raise ConfigError(key, dict(raw), "low < high")
    return Factor(name, role, kind, low=float(low), high=float(high), why=why)

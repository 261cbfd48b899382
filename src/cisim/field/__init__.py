"""The field: many collaborations in many cities, learning through a platform (issue 16).

Each city's collaboration is a cisim run; the field is many of them, run as engine batches and
coupled every few months by a platform (a field builder, seed 004) that gathers evidence,
updates what it knows and broadcasts programmes, capabilities and peer links
(:mod:`cisim.field.coupling`). ::

    from cisim.field import Field, Platform, field
    result = field(Field(cities=200, seed=1), Platform(budget=1.0))
    result.summary["learning_journey_share"]

:func:`compare` runs several platforms on the same cities (common random numbers) and measures
each against no platform. Its ODD section is §7a of ``docs/ODD.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cisim import _lazy

if TYPE_CHECKING:
    from cisim.field.api import compare, field
    from cisim.field.cities import Field
    from cisim.field.outcomes import Effect, FieldResult
    from cisim.field.platform import PLATFORM_SPECS, STRATEGIES, Platform, strategy

#: Each public name, imported on first use (so that ``cisim --help`` stays quick).
_LAZY: dict[str, str] = {
    "compare": "cisim.field.api",
    "field": "cisim.field.api",
    "Field": "cisim.field.cities",
    "Effect": "cisim.field.outcomes",
    "FieldResult": "cisim.field.outcomes",
    "PLATFORM_SPECS": "cisim.field.platform",
    "STRATEGIES": "cisim.field.platform",
    "Platform": "cisim.field.platform",
    "strategy": "cisim.field.platform",
}

__all__ = [
    "PLATFORM_SPECS",
    "STRATEGIES",
    "Effect",
    "Field",
    "FieldResult",
    "Platform",
    "compare",
    "field",
    "strategy",
]


__getattr__ = _lazy.attributes(__name__, _LAZY, globals())

"""What a parameter may hold: :class:`Spec`, the entry of one parameter in the registry.

The registry itself is :data:`cisim.model.parameters.SPECS`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from cisim.errors import ConfigError


@dataclass(frozen=True)
class Spec:
    """What one parameter may hold, and why it has its default.

    Attributes
    ----------
    kind
        ``"int"``, ``"float"``, ``"choice"`` or ``"mapping"`` (a table).
    group
        Its group in the ODD's parameter table.
    unit, doc
        Its unit and meaning.
    lo, hi
        Its range (numbers).
    choices
        What it may be (a choice).
    why
        Why it has its default: the literature where there is one, otherwise the assumption or
        calibration choice it rests on (references resolve to the ODD's bibliography).
    """

    kind: str  # "int", "float", "choice", "mapping"
    group: str
    unit: str
    doc: str
    lo: float | None = None
    hi: float | None = None
    choices: tuple[str, ...] = ()
    why: str = ""

    @property
    def dtype(self) -> Any:
        """The numpy dtype of the parameter's array in the compiled step (choices as their index),
        ``None`` for a table (it shapes the initial population only)."""
        return {"float": np.float64, "int": np.int64, "choice": np.int64}.get(self.kind)

    def code(self, value: Any) -> Any:
        """The value as the compiled step holds it (a choice as its index)."""
        return self.choices.index(value) if self.kind == "choice" else value

    def allowed(self) -> str:
        """Describe the allowed values in words."""
        if self.kind == "choice":
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.kind == "mapping":
            return self.doc
        what = "an integer" if self.kind == "int" else "a number"
        return f"{what} from {_fmt(self.lo)} to {_fmt(self.hi)} ({self.unit})"

    def check(self, name: str, value: Any) -> Any:
        """Return the value in canonical form or raise :class:`ConfigError`."""
        if self.kind == "choice":
            if not isinstance(value, str) or value not in self.choices:
                raise ConfigError(name, value, self.allowed())
            return value
        if self.kind == "int":
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            if ok and isinstance(value, float):
                ok = value.is_integer()
            if not ok:
                raise ConfigError(name, value, self.allowed())
            value = int(value)
        elif self.kind == "float":
            number = finite(value)
            if number is None:
                raise ConfigError(name, value, self.allowed())
            value = number
        assert self.lo is not None and self.hi is not None  # specs always set bounds
        if not self.lo <= value <= self.hi:
            raise ConfigError(name, value, self.allowed())
        return value


def finite(value: Any) -> float | None:
    """``value`` as a finite float if it is a real number (not a bool) that is one, else ``None``.

    Python integers of any size are numbers, but one too large for a float is not accepted.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _fmt(x: float | None) -> str:
    if x is None:
        return "?"
    return str(int(x)) if float(x).is_integer() else str(x)


def real(group: str, lo: float, hi: float, unit: str, doc: str, *, why: str) -> Spec:
    """The spec of a number from ``lo`` to ``hi``."""
    return Spec("float", group, unit, doc, lo, hi, why=why)


def whole(group: str, lo: int, hi: int, unit: str, doc: str, *, why: str) -> Spec:
    """The spec of a whole number from ``lo`` to ``hi``."""
    return Spec("int", group, unit, doc, lo, hi, why=why)


def choice(group: str, choices: tuple[str, ...], doc: str, *, why: str) -> Spec:
    """The spec of one of ``choices``."""
    return Spec("choice", group, "category", doc, choices=choices, why=why)


class FrozenMap(Mapping[str, Any]):
    """A read-only, hashable, picklable mapping (sector shares and per-sector overrides)."""

    __slots__ = ("_data",)
    _data: dict[str, Any]

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = dict(data)

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(json.dumps(self._data, sort_keys=True, default=dict))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self.items()) == dict(other.items())

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMap, (self._data,))

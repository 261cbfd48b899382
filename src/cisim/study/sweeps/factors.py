"""Factors: the parameters an experiment varies, with their levels or ranges.

A factor is declared in ``[levers]`` or ``[uncertainties]`` as levels or, in a sampling design, as
a range, optionally with a ``why`` (its justification); :mod:`cisim.study.sweeps.declarations`
reads those tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: The tables a factor is declared in.
ROLES: tuple[str, ...] = ("levers", "uncertainties")


@dataclass(frozen=True)
class Factor:
    """One varied parameter: its levels, or the range it is sampled from.

    Attributes
    ----------
    name
        The parameter (a scenario field, or a parameter of a test model).
    role
        ``"levers"`` or ``"uncertainties"``: the table it was declared in.
    kind
        The parameter's type: ``"int"``, ``"float"`` or ``"choice"``.
    levels
        The levels (factorial designs, or a categorical in a sampling design); empty for a range.
    low, high
        The range sampled uniformly (``None`` for levels); integers are rounded.
    why
        Why these levels or this range: what the ends stand for in a real collaboration, with a
        source where there is one (the declaration's ``why``; empty if it has none). Words
        only: it changes no run and is not part of the fingerprint.
    """

    name: str
    role: str
    kind: str
    levels: tuple[Any, ...] = ()
    low: float | None = None
    high: float | None = None
    why: str = field(default="", compare=False)

    @property
    def is_range(self) -> bool:
        """Whether the factor is a range (else a list of levels)."""
        return self.low is not None

    @property
    def key(self) -> str:
        """The factor's dotted key in the experiment file (``levers.navigator``)."""
        return f"{self.role}.{self.name}"

    def from_unit(self, u: float) -> Any:
        """The value at quantile ``u`` in [0, 1) (a level, or a point of the range)."""
        if not self.is_range:
            return self.levels[min(int(u * len(self.levels)), len(self.levels) - 1)]
        assert self.low is not None and self.high is not None
        return self.canonical(self.low + u * (self.high - self.low))

    def canonical(self, value: Any) -> Any:
        """A sampled value as the model takes it: integers rounded, numbers as Python floats."""
        if self.kind == "int":
            return round(float(value))
        if self.kind == "float":
            return float(value)
        return value

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for fingerprints and manifests)."""
        if self.is_range:
            return {"name": self.name, "role": self.role, "low": self.low, "high": self.high}
        return {"name": self.name, "role": self.role, "levels": list(self.levels)}

"""What one open page holds: the settings, the optional second world, and the worlds themselves.

A :class:`Classroom` is plain Python (no Solara), so the page, the tests and the benchmark drive
it alike. Every change of settings starts the run again from month 0, as NetLogo's *setup* does:
what the controls say is always what the world runs. The second world is the first one with one
lever changed (:class:`Comparison`), the same preset and the same seed; both are reset and stepped
together. A lock makes stepping (from the play loop's thread) and reconfiguring (from a click)
safe to interleave.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from cisim.app.events import Event
from cisim.app.levers import LEVERS
from cisim.app.world import Settings, World, twin_settings

__all__ = ["Classroom", "Comparison"]


@dataclass(frozen=True)
class Comparison:
    """The second world: ``lever`` set to ``value`` (the rest as in the first world)."""

    lever: str = "navigator"
    value: Any = None

    def resolved(self, settings: Settings) -> Comparison:
        """With ``value`` filled in (the lever's contrast to the first world's value) and
        checked."""
        lever = LEVERS[self.lever]
        value = lever.contrast(settings.levers[self.lever]) if self.value is None else self.value
        return Comparison(self.lever, lever.check(value))


class Classroom:
    """The worlds one page shows.

    Parameters
    ----------
    settings
        The first world.
    comparison
        The second world's difference, or ``None`` for one world only.
    """

    def __init__(self, settings: Settings | None = None, comparison: Comparison | None = None):
        self._lock = threading.RLock()
        self.settings = settings if settings is not None else Settings()
        self.comparison = comparison
        self.worlds: list[World] = []
        self.reset()

    # ---- reading ---------------------------------------------------------------------------
    @property
    def world(self) -> World:
        """The first world."""
        return self.worlds[0]

    @property
    def twin(self) -> World | None:
        """The second world, if shown."""
        return self.worlds[1] if len(self.worlds) > 1 else None

    @property
    def month(self) -> int:
        """Months simulated so far."""
        return self.world.month

    @property
    def over(self) -> bool:
        """Every world has ended."""
        return all(w.over for w in self.worlds)

    # ---- changing --------------------------------------------------------------------------
    def reset(self) -> None:
        """Start every world again from month 0."""
        with self._lock:
            first = World(self.settings)
            worlds = [first]
            if self.comparison is not None:
                self.comparison = self.comparison.resolved(self.settings)
                other = twin_settings(self.settings, self.comparison.lever, self.comparison.value)
                worlds.append(World(other, layout=first.layout))
            self.worlds = worlds

    def configure(self, settings: Settings) -> None:
        """Run other settings (from month 0).

        A second world keeps its lever; its value is filled in afresh (the lever's contrast)
        if the first world's value of that lever changed.
        """
        with self._lock:
            old, self.settings = self.settings, settings
            kept = self.comparison
            if kept is not None and old.levers[kept.lever] != settings.levers[kept.lever]:
                self.comparison = Comparison(kept.lever)
            self.reset()

    def compare(self, comparison: Comparison | None) -> None:
        """Show a second world (``None``: none), from month 0."""
        with self._lock:
            self.comparison = comparison
            self.reset()

    def step(self, months: int = 1) -> list[Event]:
        """Advance every world ``months`` months; return the first world's events."""
        with self._lock:
            happened = self.world.step(months)
            for other in self.worlds[1:]:
                other.step(months)
            return happened

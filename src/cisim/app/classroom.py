"""What one open page holds: the settings, the optional second world, and the worlds themselves.

A :class:`Classroom` is plain Python (no Solara), so the page, the tests and the benchmark drive
it alike. Every change of settings starts the run again from month 0, as NetLogo's *setup* does:
what the controls say is always what the world runs. The second world is the first one with one
lever changed (:class:`Twin`), the same preset and the same seed; both are reset and stepped
together. A lock makes stepping (from the play loop's thread) and reconfiguring (from a click)
safe to interleave.

:class:`ClassroomModel` is the classroom as a Mesa model with keyword parameters, the model the
page's ``SolaraViz`` runs: its Reset makes a new one from the parameters, its Step and Play call
:meth:`ClassroomModel.step`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import mesa

from cisim.app.events import Event
from cisim.app.levers import LEVERS
from cisim.app.world import DEFAULT_SEED, Settings, World, twin_settings
from cisim.errors import ConfigError

__all__ = ["Classroom", "ClassroomModel", "Twin", "carried"]


@dataclass(frozen=True)
class Twin:
    """The twin of the first world: ``lever`` set to ``value``, the rest as in the first world."""

    lever: str = "navigator"
    value: Any = None

    def resolved(self, settings: Settings) -> Twin:
        """With ``value`` filled in (the lever's contrast to the first world's value) and
        checked."""
        lever = LEVERS[self.lever]
        value = lever.contrast(settings.levers[self.lever]) if self.value is None else self.value
        return Twin(self.lever, lever.check(value))


class Classroom:
    """The worlds one page shows.

    Parameters
    ----------
    settings
        The first world.
    comparison
        The second world's difference, or ``None`` for one world only.
    """

    def __init__(self, settings: Settings | None = None, comparison: Twin | None = None):
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
            self.comparison = carried(self.comparison, old, settings)
            self.reset()

    def compare(self, comparison: Twin | None) -> None:
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


def carried(comparison: Twin | None, old: Settings, new: Settings) -> Twin | None:
    """The second world once the first world's settings change from ``old`` to ``new``: the same
    lever, its value filled in afresh (the contrast) if the first world's value of it changed."""
    if comparison is not None and old.levers[comparison.lever] != new.levers[comparison.lever]:
        return Twin(comparison.lever)
    return comparison


class ClassroomModel(mesa.Model):
    """A classroom (one world, or two side by side) as a Mesa model: what ``SolaraViz`` runs.

    Parameters
    ----------
    preset, seed
        The first world (:class:`~cisim.app.world.Settings`).
    compare, compare_value
        The second world: the lever that differs and its value there (``None``: the lever's
        contrast, also used when the value equals the first world's); ``compare=None``: one
        world only.
    classroom
        A classroom to run as it is (the other parameters are then ignored).
    scenario, rng
        What Mesa passes when it rebuilds a model (accepted; the seed is ``seed``).
    **levers
        Lever values (:data:`~cisim.app.levers.LEVERS`); the preset's for those not given.
    """

    def __init__(
        self,
        *,
        preset: str = "baseline",
        seed: int = DEFAULT_SEED,
        compare: str | None = None,
        compare_value: Any = None,
        classroom: Classroom | None = None,
        scenario: Any = None,
        rng: Any = None,
        **levers: Any,
    ) -> None:
        if classroom is None:
            settings = Settings(preset, _whole(seed), levers)
            comparison = None
            if compare:
                if compare not in LEVERS:
                    raise ConfigError("compare", compare, "one of " + ", ".join(LEVERS))
                if compare_value is not None:
                    compare_value = LEVERS[compare].check(compare_value)
                    if compare_value == settings.levers[compare]:
                        compare_value = None
                comparison = Twin(compare, compare_value)
            classroom = Classroom(settings, comparison)
        super().__init__(rng=classroom.settings.seed)
        self.classroom = classroom
        self.running = not classroom.over

    @property
    def parameters(self) -> dict[str, Any]:
        """The keyword parameters that make this classroom again (from month 0)."""
        settings, comparison = self.classroom.settings, self.classroom.comparison
        return {
            "preset": settings.preset,
            "seed": settings.seed,
            "compare": comparison.lever if comparison else None,
            "compare_value": comparison.value if comparison else None,
            **settings.levers,
        }

    def step(self) -> None:
        """Advance every world a month."""
        self.classroom.step(1)
        self.running = not self.classroom.over


def _whole(seed: Any) -> Any:
    """The seed as a whole number if a text box gave it as text (Settings checks it)."""
    if isinstance(seed, str) and seed.strip().isdigit():
        return int(seed)
    return seed

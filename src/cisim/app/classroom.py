"""What one open page holds: the settings, the optional second world, and the worlds themselves.

A :class:`Classroom` is plain Python (no Solara), so the page, the tests and the benchmark drive
it alike. The second world is the first one with one lever changed (:class:`Twin`), the same
preset and the same seed; both are stepped together. A lock makes stepping (from the play loop)
and changing (from a click) safe to interleave.

Levers act at once. Before the first month a new value simply starts the world with it. Mid-run,
a lever that the engine's timeline can set (every lever but those of
:data:`~cisim.app.levers.START_ONLY`) changes the world from the next month on
(:meth:`World.set_lever`), and the story says so; with two worlds, the lever that differs changes
in one world while the other goes on, and a second world shown mid-run parts from the first one
at that month (it is the first world replayed, with the lever changed from then on). A preset, a
seed and the levers of :data:`~cisim.app.levers.START_ONLY` start both worlds again from month 0;
so does :meth:`Classroom.reset`, with every lever as it is now.

:class:`ClassroomModel` is the classroom as a Mesa model (seeded with ``rng=``, as every model
of the project), the model the page runs: :meth:`ClassroomModel.step` advances every world.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import Any

import mesa

from cisim.app.events import Event
from cisim.app.levers import LEVERS
from cisim.app.world import DEFAULT_SEED, MAX_SEED, Settings, World, twin_settings
from cisim.errors import ConfigError, did_you_mean

__all__ = ["Classroom", "ClassroomModel", "Twin", "carried"]


@dataclass(frozen=True)
class Twin:
    """The twin of the first world: ``lever`` set to ``value``, the rest as in the first world.

    ``since`` is the month after which the two worlds differ (0: from the start).
    """

    lever: str = "navigator"
    value: Any = None
    since: int = 0

    def resolved(self, levers: dict[str, Any]) -> Twin:
        """With ``value`` filled in (the lever's contrast to ``levers[lever]``) and checked."""
        if self.lever not in LEVERS:
            raise ConfigError("compare", self.lever, "one of " + ", ".join(LEVERS))
        lever = LEVERS[self.lever]
        value = lever.contrast(levers[self.lever]) if self.value is None else self.value
        return replace(self, value=lever.check(value))


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
        self._start()

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

    @property
    def levers(self) -> dict[str, Any]:
        """The first world's levers now (what the page's controls show)."""
        return self.world.levers

    # ---- starting again --------------------------------------------------------------------
    def _start(self) -> None:
        """Both worlds from month 0: the first with :attr:`settings`, the second with the
        comparison's lever changed."""
        with self._lock:
            first = World(self.settings)
            worlds = [first]
            if self.comparison is not None:
                self.comparison = Twin(self.comparison.lever, self.comparison.value).resolved(
                    dict(self.settings.levers)
                )
                other = twin_settings(self.settings, self.comparison.lever, self.comparison.value)
                worlds.append(World(other, layout=first.layout))
            self.worlds = worlds

    def reset(self) -> None:
        """Start again from month 0, with every lever as it is now (in each world)."""
        with self._lock:
            self.settings = Settings(self.settings.preset, self.settings.seed, self.levers)
            if self.comparison is not None and self.twin is not None:
                value = self.twin.levers[self.comparison.lever]
                self.comparison = Twin(self.comparison.lever, value)
            self._start()

    def configure(self, settings: Settings) -> None:
        """Run other settings (a preset, a seed) from month 0.

        A second world keeps its lever; its value is filled in afresh (the lever's contrast)
        if the first world's value of that lever changed.
        """
        with self._lock:
            old, self.settings = self.settings, settings
            self.comparison = carried(self.comparison, old, settings)
            self._start()

    # ---- levers ----------------------------------------------------------------------------
    def set_lever(self, name: str, value: Any) -> list[Event]:
        """Move a lever of the first world (and of the second, unless it is the lever that
        differs); return the story's lines.

        Before the first month, or for a lever of :data:`~cisim.app.levers.START_ONLY`, both
        worlds start again from month 0 with it; otherwise it acts from the next month.
        """
        if name not in LEVERS:
            raise ConfigError("lever", name, "one of " + ", ".join(LEVERS))
        with self._lock:
            if self.month == 0 or not LEVERS[name].mid_run:
                self.configure(self.settings.with_lever(name, value))
                return []
            targets = [self.world]
            comparison = self.comparison
            if self.twin is not None and comparison is not None and comparison.lever != name:
                targets.append(self.twin)
            running = [world for world in targets if not world.over] or targets[:1]
            said = [world.set_lever(name, value) for world in running]  # ended worlds: as they are
            return [event for event in said if event is not None]

    def set_other(self, value: Any) -> list[Event]:
        """Move the lever that differs in the second world only (the first goes on)."""
        with self._lock:
            if self.comparison is None or self.twin is None:
                raise ConfigError("compare_value", value, "a value once a second world is shown")
            lever = self.comparison.lever
            if self.month == 0 or not LEVERS[lever].mid_run:
                self.comparison = Twin(lever, LEVERS[lever].check(value))
                self._start()
                return []
            event = self.twin.set_lever(lever, value)
            self.comparison = replace(self.comparison, value=self.twin.levers[lever])
            return [event] if event is not None else []

    def compare(self, comparison: Twin | None) -> None:
        """Show a second world (``None``: none).

        Before the first month, or for a lever of :data:`~cisim.app.levers.START_ONLY`, both
        worlds start from month 0. Mid-run, the second world is the first one so far, parting
        from it now: from the next month on, its lever is changed.
        """
        with self._lock:
            if comparison is None:
                self.comparison = None
                self.worlds = self.worlds[:1]
                return
            if self.month == 0 or not LEVERS[comparison.lever].mid_run:
                self.comparison = replace(comparison, since=0)
                self.worlds = self.worlds[:1]
                self._start()
                return
            self._part(comparison)

    def _part(self, comparison: Twin) -> None:
        """The second world: the first one replayed to now, then the lever changed."""
        first = self.world
        month = first.month
        twin = comparison.resolved(first.levers)
        other = World.replay(first.settings, list(first.changes), month, layout=first.layout)
        other.set_lever(twin.lever, twin.value)
        self.comparison = replace(twin, since=month)
        self.worlds = [first, other]

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
    """A classroom (one world, or two side by side) as a Mesa model: what the page runs.

    Parameters
    ----------
    preset
        The first world's preset (:class:`~cisim.app.world.Settings`).
    rng
        The seed of both worlds: a whole number >= 0 (as every model of the project, the model
        takes no ``seed``; ``seed=`` raises :class:`TypeError` saying to use ``rng=``).
    compare, compare_value
        The second world: the lever that differs and its value there (``None``: the lever's
        contrast, also used when the value equals the first world's); ``compare=None``: one
        world only.
    classroom
        A classroom to run as it is (the other parameters are then ignored).
    **levers
        Lever values (:data:`~cisim.app.levers.LEVERS`); the preset's for those not given.
    """

    def __init__(
        self,
        *,
        preset: str = "baseline",
        rng: Any = DEFAULT_SEED,
        compare: str | None = None,
        compare_value: Any = None,
        classroom: Classroom | None = None,
        **levers: Any,
    ) -> None:
        if "seed" in levers:
            raise TypeError(
                "ClassroomModel() got an unexpected keyword argument 'seed': use rng= instead "
                "(Mesa 3.5 deprecates seed)"
            )
        if classroom is None:
            classroom = Classroom(*_worlds(preset, _whole(rng), compare, compare_value, levers))
        super().__init__(rng=classroom.settings.seed)
        self.classroom = classroom
        self.running = not classroom.over

    @property
    def parameters(self) -> dict[str, Any]:
        """The keyword parameters that make this classroom again (from month 0)."""
        settings, comparison = self.classroom.settings, self.classroom.comparison
        return {
            "preset": settings.preset,
            "rng": settings.seed,
            "compare": comparison.lever if comparison else None,
            "compare_value": comparison.value if comparison else None,
            **settings.levers,
        }

    def step(self) -> None:
        """Advance every world a month."""
        self.classroom.step(1)
        self.running = not self.classroom.over


def _worlds(
    preset: str, seed: Any, compare: str | None, compare_value: Any, levers: dict[str, Any]
) -> tuple[Settings, Twin | None]:
    """The first world's settings and the second world's difference, checked."""
    unknown = [name for name in levers if name not in LEVERS]
    if unknown:
        hint = did_you_mean(unknown[0], LEVERS)
        raise ConfigError("lever", unknown[0], "one of " + ", ".join(LEVERS) + hint)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise ConfigError("rng", seed, f"a whole number from 0 to {MAX_SEED}")
    settings = Settings(preset, seed, levers)
    if not compare:
        return settings, None
    if compare not in LEVERS:
        raise ConfigError("compare", compare, "one of " + ", ".join(LEVERS))
    if compare_value is not None:
        compare_value = LEVERS[compare].check(compare_value)
        if compare_value == settings.levers[compare]:
            compare_value = None
    return settings, Twin(compare, compare_value)


def _whole(seed: Any) -> Any:
    """The seed as a whole number if a text box gave it as text (Settings checks it)."""
    if isinstance(seed, str) and seed.strip().isdigit():
        return int(seed)
    return seed

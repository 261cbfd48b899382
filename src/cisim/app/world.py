"""A world the class watches: one run of the Mesa model with its story, layout and verdict.

:class:`Settings` say which world (preset, seed, lever values); :class:`World` runs it month by
month through :class:`cisim.engine.mesa_model.CollaborationModel` (so the app shows exactly the
engine's trajectory) and keeps what the page shows: the event log (:mod:`cisim.app.events`), the
network layout (:mod:`cisim.app.layout`) and the phase and regime (:mod:`cisim.app.phase`).

Two worlds with the same seed and one lever changed share their random numbers month by month
(the engine's streams are keyed by seed, replicate and month), so the same turnover and the same
luck befall both until their histories part.

A lever moved mid-run (:meth:`World.set_lever`) acts from the next month: it becomes an event of
the engine's timeline (:mod:`cisim.model.timeline`) at that month, so the world then runs exactly
as a scenario whose timeline sets the lever in that month (a test checks the trajectories are
equal), with the same luck.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from cisim.app.events import Event, Snapshot, derive_events
from cisim.app.layout import Layout, network_layout
from cisim.app.levers import LEVERS, checked, describe, preset_values
from cisim.app.names import organisation_names
from cisim.app.phase import REGIME_WORDS, Verdict, phase, verdict
from cisim.engine.mesa_model import CollaborationModel
from cisim.errors import ConfigError
from cisim.model.scenario import PRESET_NAMES, Scenario
from cisim.model.timeline import Schedule

__all__ = ["DEFAULT_SEED", "Change", "Settings", "World", "twin_settings"]

DEFAULT_SEED = 1
#: Seeds the seed box accepts (the engine takes any whole number >= 0).
MAX_SEED = 2**63 - 1


@dataclass(frozen=True)
class Settings:
    """Which world: a preset, a seed and every lever's value (validated on construction)."""

    preset: str = "baseline"
    seed: int = DEFAULT_SEED
    levers: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.preset not in PRESET_NAMES:
            raise ConfigError("preset", self.preset, "one of " + ", ".join(PRESET_NAMES))
        seed = self.seed
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
            raise ConfigError("seed", seed, f"a whole number from 0 to {MAX_SEED}")
        values = {**preset_values(self.preset), **checked(self.levers)}
        object.__setattr__(self, "levers", MappingProxyType(values))

    @classmethod
    def of_preset(cls, preset: str, seed: int = DEFAULT_SEED) -> Settings:
        """A preset with its own lever values."""
        return cls(preset=preset, seed=seed)

    def with_lever(self, name: str, value: Any) -> Settings:
        """The same world with one lever changed."""
        return Settings(self.preset, self.seed, {**self.levers, name: value})

    def with_seed(self, seed: int) -> Settings:
        """The same world with another seed."""
        return Settings(self.preset, seed, dict(self.levers))

    def scenario(self) -> Scenario:
        """The preset's scenario with the levers applied."""
        return Scenario.preset(self.preset).replace(**self.levers)


@dataclass(frozen=True)
class Change:
    """A lever a class moved mid-run: after month ``month`` (it acts from ``month + 1``)."""

    month: int
    lever: str
    value: Any

    @property
    def words(self) -> str:
        """``"you added a navigator"``."""
        return LEVERS[self.lever].change_words(self.value)


def twin_settings(settings: Settings, lever: str, value: Any) -> Settings:
    """The second world: the same preset and seed, one lever set to ``value``."""
    if lever not in LEVERS:
        raise ConfigError("lever", lever, "one of " + ", ".join(LEVERS))
    return settings.with_lever(lever, value)


class World:
    """One run the class watches, advanced a month at a time.

    Parameters
    ----------
    settings
        Which world.
    layout
        Node positions to reuse (the other world's, so that both draw alike); computed from
        this world's network when ``None`` or when it does not fit.
    """

    def __init__(self, settings: Settings, layout: Layout | None = None) -> None:
        self.settings = settings
        self.scenario = settings.scenario()
        self.model = CollaborationModel(scenario=self.scenario, rng=settings.seed)
        roster = self.scenario.roster
        names = tuple(roster.names) if roster is not None else ()
        self.names: dict[int, str] = organisation_names(self.model.state, names)
        fits = layout is not None and layout.fits(self.model.state)
        self.layout = layout if fits and layout else network_layout(self.model.state, settings.seed)
        self.events: list[Event] = []
        #: Levers moved mid-run, in order.
        self.changes: list[Change] = []
        self._verdict = self._judge()

    @classmethod
    def replay(
        cls,
        settings: Settings,
        changes: list[Change],
        month: int,
        layout: Layout | None = None,
    ) -> World:
        """A world run to ``month`` with ``changes`` made when they were made."""
        world = cls(settings, layout)
        for change in changes:
            world.step(change.month - world.month)
            world.set_lever(change.lever, change.value)
        world.step(month - world.month)
        return world

    # ---- reading ---------------------------------------------------------------------------
    @property
    def month(self) -> int:
        """Months simulated so far."""
        return self.model.month

    @property
    def over(self) -> bool:
        """The run has ended: dissolved, or at its horizon."""
        return not self.model.running

    @property
    def phase(self) -> str:
        """The current phase, in words."""
        return phase(self.model.state)

    @property
    def verdict(self) -> Verdict:
        """The regime so far (see :func:`cisim.app.phase.verdict`)."""
        return self._verdict

    @property
    def series(self) -> Mapping[str, list[float]]:
        """Every metric's values by month, month 0 first (the DataCollector's)."""
        return self.model.datacollector.model_vars

    @property
    def levers(self) -> dict[str, Any]:
        """Every lever's value now (the start's, with the changes made since)."""
        now = dict(self.settings.levers)
        now.update({change.lever: change.value for change in self.changes})
        return now

    def lever_words(self, name: str) -> str:
        """One lever's value in this world now, in words."""
        return describe(name, self.levers[name])

    # ---- moving a lever mid-run ----------------------------------------------------------
    def set_lever(self, name: str, value: Any) -> Event | None:
        """Move lever ``name`` to ``value`` from the next month on; the story's line for it.

        It becomes an event of the scenario's timeline at the next month, so the run goes on
        exactly as one whose timeline set the lever then. ``None`` if the value is the lever's
        value already. A lever that shapes only the start, or a run that is over, is a
        :class:`~cisim.errors.ConfigError`.
        """
        if name not in LEVERS or not LEVERS[name].mid_run:
            allowed = ", ".join(n for n, lever in LEVERS.items() if lever.mid_run)
            raise ConfigError("lever", name, f"a lever that acts mid-run ({allowed})")
        value = LEVERS[name].check(value)
        if self.over:
            raise ConfigError(name, value, "a change before the run is over (press Reset)")
        if self.levers[name] == value:
            return None
        change = Change(self.month, name, value)
        self._apply(change)
        event = Event(change.month, "lever", f"{change.words} (it acts from month "
                      f"{change.month + 1}).")  # fmt: skip
        self.events.append(event)
        return event

    def _apply(self, change: Change) -> None:
        """Put the change on the engine's timeline at the next month."""
        scenario = self.scenario.at(
            change.month + 1,
            label=LEVERS[change.lever].acts_words(change.value),
            **{change.lever: _engine_value(change)},
        )
        self.model.state.schedule = Schedule.of([scenario])
        self.model.cisim_scenario = scenario
        self.scenario = scenario
        self.changes.append(change)

    # ---- advancing -------------------------------------------------------------------------
    def step(self, months: int = 1) -> list[Event]:
        """Advance ``months`` months (fewer if the run ends); return what happened."""
        happened: list[Event] = []
        for _ in range(months):
            if self.over:
                break
            happened.extend(self._step_once())
        return happened

    def _step_once(self) -> list[Event]:
        before = Snapshot.of(self.model.state)
        self.model.step()
        found = derive_events(before, self.model.state, self.names)
        found.extend(self._verdict_events())
        self.events.extend(found)
        return found

    def _judge(self) -> Verdict:
        return verdict(self.series, self.scenario, over=self.over)

    def _verdict_events(self) -> list[Event]:
        old, new = self._verdict, self._judge()
        self._verdict = new
        month = self.month
        if new.final:
            said = REGIME_WORDS[str(new.regime)]
            return [Event(month, "end", f"the run is over: {said} ({new.reason}).")]
        if new.regime is not None and new.regime != old.regime:
            said = REGIME_WORDS[new.regime]
            return [Event(month, "regime", f"it now looks like {said} ({new.reason}).")]
        return []

    # ---- for the charts --------------------------------------------------------------------
    def trajectory(self, names: tuple[str, ...]) -> dict[str, np.ndarray]:
        """The named metrics by month, as arrays."""
        data = self.series
        return {name: np.asarray(data[name], dtype=float) for name in names}


def _engine_value(change: Change) -> Any:
    """The value the engine's timeline takes for a lever (a switch is a count)."""
    return int(change.value) if LEVERS[change.lever].kind == "switch" else change.value

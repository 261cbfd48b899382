"""The field's cities: a roster of scenarios, or cities drawn around one scenario.

Each city is one collaboration, one row of an engine batch (:func:`cisim.model.population.
build_state`), run as ``RunSpec(scenario, seed, replicate=city)``: the same city (who is at the
table, and what happens to it) under every platform, so strategies are compared with common
random numbers.

Cities drawn around a scenario differ by their members and history (each its own replicate) and
by the practices they start with: data use, joint problem solving and adaptability spread with sd
``spread`` around the scenario's (clipped to 0-1). These three are read by the monthly step only,
never by the initialisation, so they are set in the batch's parameter arrays: a drawn city is
exactly the run of ``scenario.replace(data_use=..., ...)`` (tested).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cisim.errors import ConfigError
from cisim.inputs import MAX_COUNT, MAX_SEED
from cisim.model.population import RunSpec, build_state
from cisim.model.scenario import Scenario
from cisim.model.spec import real, whole
from cisim.model.state import Params, State

#: The practices a drawn city starts with, spread around the scenario's.
SPREAD: tuple[str, ...] = ("data_use", "joint_problem_solving", "adaptability")
SPREAD_KEY = 16_004  # SeedSequence entropy after the seed: the cities' practices

_SPREAD_SPEC = real(
    "field",
    0.0,
    0.5,
    "sd",
    "how much cities' starting practices differ",
    why="Assumption: cities differ as organisations do (trait_spread 0.1).",
)
_CITIES_SPEC = whole("field", 1, MAX_COUNT, "cities", "cities in the field", why="")
_SEED_SPEC = whole("field", 0, MAX_SEED, "seed", "the field's root seed", why="")


@dataclass(frozen=True, kw_only=True)
class Field:
    """A field of cities, each a collaboration.

    Give either ``scenario`` and ``cities`` (cities drawn around one scenario) or ``roster``
    (one scenario per city; their horizons must agree).

    Attributes
    ----------
    scenario
        The scenario the cities are drawn around.
    cities
        How many cities to draw.
    spread
        The sd of the drawn cities' starting practices (:data:`SPREAD`) around the scenario's.
    roster
        One scenario per city, instead of drawn cities.
    seed
        The root seed: cities, their histories and the platform's draws.
    """

    scenario: Scenario | None = None
    cities: int = 100
    spread: float = 0.1
    roster: tuple[Scenario, ...] = ()
    seed: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "cities", _CITIES_SPEC.check("cities", self.cities))
        object.__setattr__(self, "spread", _SPREAD_SPEC.check("spread", self.spread))
        object.__setattr__(self, "seed", _SEED_SPEC.check("seed", self.seed))
        roster = tuple(self.roster)
        if not all(isinstance(s, Scenario) for s in roster):
            raise ConfigError("roster", roster, "a list of scenarios, one per city")
        object.__setattr__(self, "roster", roster)
        if roster and self.scenario is not None:
            raise ConfigError("roster", len(roster), "either a roster or a scenario, not both")
        if roster and len({s.horizon_months for s in roster}) > 1:
            raise ConfigError(
                "roster", sorted({s.horizon_months for s in roster}), "cities with one horizon"
            )
        if self.scenario is None and not roster:
            object.__setattr__(self, "scenario", Scenario.preset("baseline"))
        if self.scenario is not None and not isinstance(self.scenario, Scenario):
            raise ConfigError("scenario", self.scenario, "a Scenario")

    @property
    def size(self) -> int:
        """The number of cities ``M``."""
        return len(self.roster) if self.roster else self.cities

    @property
    def horizon(self) -> int:
        """The months every city runs."""
        sc = self.roster[0] if self.roster else self.scenario
        assert sc is not None
        return sc.horizon_months

    def scenarios(self) -> list[Scenario]:
        """Each city's scenario (drawn cities share theirs; their practices are in
        :meth:`practices`)."""
        if self.roster:
            return list(self.roster)
        assert self.scenario is not None
        return [self.scenario] * self.cities

    def practices(self) -> dict[str, NDArray[np.float64]] | None:
        """Drawn cities' starting practices, ``(M,)`` each, or ``None`` for a roster."""
        if self.roster or self.scenario is None:
            return None
        rng = np.random.default_rng(np.random.SeedSequence([self.seed, SPREAD_KEY]))
        z = rng.standard_normal((len(SPREAD), self.cities))
        return {
            name: np.clip(getattr(self.scenario, name) + self.spread * z[k], 0.0, 1.0)
            for k, name in enumerate(SPREAD)
        }

    def replace(self, **changes: Any) -> Field:
        """A copy with some fields changed (validated)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data.update(changes)
        return Field(**data)


def build_cities(fld: Field, rows: NDArray[np.int64]) -> tuple[State, Params]:
    """The state and parameters of the cities ``rows`` (one batch; any subset, any order)."""
    scenarios = fld.scenarios()
    specs = [RunSpec(scenarios[int(r)], fld.seed, int(r)) for r in rows]
    st, p = build_state(specs)
    practices = fld.practices()
    if practices is not None:
        for name, values in practices.items():
            getattr(p, name)[:] = values[rows]
    return st, p

"""The Mesa face: one replicate of the engine as a :class:`mesa.Model`.

:class:`CollaborationModel` holds one engine state with a single replicate row and advances it
with :func:`cisim.engine.step`, so the rules have one implementation: the model's trajectory is
bit-identical to replicate 0 of :func:`cisim.simulate` under the same seed. Organisations are
Mesa agents (:class:`Organisation`) fixed to the nodes of a :class:`mesa.discrete_space.Network`
whose edges are the working relationships; their attributes are read from the engine arrays on
every access, so they never go stale. A :class:`mesa.DataCollector` reports every metric of
:data:`cisim.model.metrics.REGISTRY`; the keyword parameters with defaults suit SolaraViz sliders
and :func:`mesa.batch_run`.

Examples
--------
>>> model = CollaborationModel(preset="baseline", navigator=1, rng=7)
>>> model.run_for(24)
>>> frame = model.datacollector.get_model_vars_dataframe()  # months 0..24, one column per metric

Notes
-----
``rng`` is the one way to seed the model. Mesa 3.5 deprecates ``seed`` in favour of ``rng`` and
the model takes no ``seed``, so ``mesa.batch_run`` passes its ``rng=[...]`` values as ``rng=``
and its result rows carry an ``rng`` column. ``seed=`` raises a one-line :class:`TypeError`
saying to use ``rng=`` (as any keyword the model does not take raises :class:`TypeError`, with a
close match suggested; invalid values of its keywords raise :class:`~cisim.errors.ConfigError`).

Every Mesa model has a ``model.scenario`` (Mesa's own scenario object), so the cisim
:class:`~cisim.model.scenario.Scenario` being run is ``model.cisim_scenario``. SolaraViz passes a
Mesa scenario as ``scenario=`` when it rebuilds a model; it is accepted and only its ``rng`` is
used. Mesa 3.5.1 has no public name for that class (``mesa.experimental.scenarios.Scenario``,
which Mesa's own ``Model`` and SolaraViz import): :func:`_is_mesa_scenario` is the one place that
uses it, and recognises one without it if a later Mesa moves it.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import fields
from functools import cache, partial
from operator import attrgetter
from typing import Any, Never, cast

import mesa
import networkx as nx
import numpy as np
from mesa.discrete_space import Cell, FixedAgent, Network
from numpy.typing import NDArray

from cisim import engine
from cisim.errors import ConfigError, did_you_mean
from cisim.model import decisions
from cisim.model.metrics import REGISTRY
from cisim.model.parameters import SECTORS, SPECS
from cisim.model.population import RunSpec, build_state
from cisim.model.scenario import Scenario
from cisim.model.state import ABSENT, ACTIVE, CANDIDATE, EXITED, State

__all__ = ["OVERRIDABLE", "CollaborationModel", "Organisation", "metric_value"]

#: The model holds one replicate: row 0 of every engine array.
ROW = 0

#: Bits of a freshly drawn engine seed (a non-negative int64).
SEED_BITS = 63

STATUS_NAMES: dict[int, str] = {
    ABSENT: "absent",
    CANDIDATE: "candidate",
    ACTIVE: "active",
    EXITED: "exited",
}

#: Agent reporters of the DataCollector: column name -> Organisation attribute. The names differ
#: from the metric names, since ``mesa.batch_run`` merges model and agent columns into one row.
AGENT_REPORTERS: dict[str, str] = {
    "contribution": "contribution",
    "trust_in_partners": "mean_trust",
    "active": "active",
}


def metric_value(model: CollaborationModel, name: str) -> float:
    """The registered metric ``name`` of the model's replicate, as a float.

    A module-level function (bound with :func:`functools.partial`), not a lambda, so that the
    DataCollector, and with it the model, can be pickled.
    """
    return model.metrics[name]


class Organisation(FixedAgent):
    """One organisation slot (a member or a candidate) as a Mesa agent.

    Every attribute is a read-only view of the engine arrays (row 0, column :attr:`slot`), read
    when accessed.

    Parameters
    ----------
    model
        The model the organisation belongs to.
    slot
        Its organisation slot in the engine state.
    name
        Its display name (the roster's name, or sector and number).
    cell
        The network node it is fixed to.
    """

    def __init__(self, model: CollaborationModel, slot: int, name: str, cell: Cell) -> None:
        super().__init__(model)
        self._slot = slot
        self._name = name
        self.cell = cell

    def __repr__(self) -> str:
        return f"<Organisation {self._name!r} (slot {self._slot}, {self.status})>"

    # ---- identity -------------------------------------------------------------------------
    @property
    def slot(self) -> int:
        """Organisation slot in the engine state."""
        return self._slot

    @property
    def name(self) -> str:
        """Roster name, or sector and number (``"public 3"``)."""
        return self._name

    @property
    def sector(self) -> str:
        """Sector name (one of :data:`cisim.model.parameters.SECTORS`)."""
        return SECTORS[int(self._state.sector[ROW, self._slot])]

    @property
    def status(self) -> str:
        """``"candidate"``, ``"active"`` or ``"exited"``."""
        return STATUS_NAMES[int(self._state.status[ROW, self._slot])]

    @property
    def active(self) -> bool:
        """An active member of a collaboration still running (as :attr:`State.active`)."""
        return bool(self._state.active[ROW, self._slot])

    # ---- traits and behaviour -------------------------------------------------------------
    @property
    def authority(self) -> float:
        """Representative's power to commit and change the organisation's practice (0-1)."""
        return self._org("authority")

    @property
    def capacity(self) -> float:
        """Time and money the organisation can put in per month (0-1)."""
        return self._org("capacity")

    @property
    def alignment(self) -> float:
        """Weight on the shared mission against its own interest (0-1)."""
        return self._org("alignment")

    @property
    def turnover(self) -> float:
        """Monthly hazard that its representative leaves."""
        return self._org("turnover")

    @property
    def contribution(self) -> float:
        """What it commits this month (at most its capacity)."""
        return self._org("contribution")

    @property
    def understanding(self) -> float:
        """Its grasp of the shared problem and goal (0-1)."""
        return self._org("understanding")

    @property
    def onboarding(self) -> float:
        """How settled its current representative is (0-1)."""
        return self._org("onboarding")

    def decide(self, **choices: Any) -> None:
        """Decide for this organisation from outside the model (see
        :meth:`CollaborationModel.decide`: ``response``, ``target``, ``effort``)."""
        self.model.decide(self, **choices)

    # ---- relationships --------------------------------------------------------------------
    @property
    def trust(self) -> dict[Organisation, float]:
        """Trust of this organisation in each partner, over its existing, non-dormant ties."""
        st, ties = self._state, self._out_ties()
        partners = self.model.organisations
        pairs = zip(st.dst[ROW, ties].tolist(), st.trust[ROW, ties].tolist(), strict=True)
        return {partners[dst]: trust for dst, trust in pairs}

    @property
    def mean_trust(self) -> float:
        """Mean of :attr:`trust` over its partners (NaN if it has none)."""
        ties = self._out_ties()
        if ties.size == 0:
            return math.nan
        return float(np.mean(self._state.trust[ROW, ties]))

    # ---- helpers --------------------------------------------------------------------------
    @property
    def _state(self) -> State:
        return cast(State, self.model.state)

    def _org(self, field: str) -> float:
        return float(getattr(self._state, field)[ROW, self._slot])

    def _out_ties(self) -> NDArray[np.intp]:
        st = self._state
        own = st.exists[ROW] & ~st.dormant[ROW] & (st.src[ROW] == self._slot)
        return np.flatnonzero(own)


class CollaborationModel(mesa.Model):
    """A cross-sector collaboration: one replicate of the cisim engine as a Mesa model.

    Parameters
    ----------
    preset
        Name of the preset scenario to start from (used when ``scenario`` is not given).
    scenario
        The cisim scenario to run; takes precedence over ``preset``. A Mesa scenario (what
        SolaraViz passes when it rebuilds a model) is accepted and only its ``rng`` is used.
    n_organisations, initial_trust, authority, authority_source, turnover, prior_ties, navigator, \
navigator_capacity, entry_point, community_engagement, data_use, joint_problem_solving, \
aspiration, resources, authority_contest, governance_mode, adaptability, horizon_months
        Scenario parameters (see :data:`cisim.model.parameters.SPECS`); ``None`` keeps the
        scenario's value. Invalid values raise :class:`~cisim.errors.ConfigError`.
    rng
        The engine's root seed: a whole number >= 0, or ``None`` for a fresh 63-bit one drawn
        from OS entropy (see :attr:`seed_used`). The run is replicate 0 of that seed, as in
        ``cisim.simulate(scenario, replicates=1, seed=rng)``. The model takes no ``seed``
        (Mesa 3.5 deprecates it): ``seed=`` raises :class:`TypeError` saying to use ``rng=``.

    Attributes
    ----------
    cisim_scenario : Scenario
        The scenario being run (overrides applied).
    seed_used : int
        The engine's root seed.
    state, params
        The engine state and parameters (one replicate row).
    grid : mesa.discrete_space.Network
        Organisations on the network of working relationships.
    organisations : dict[int, Organisation]
        The agents by organisation slot.
    datacollector : mesa.DataCollector
        Every registered metric (month 0 onwards) and, per organisation, the columns of
        :data:`AGENT_REPORTERS` (contribution, trust in partners, active).
    """

    def __init__(
        self,
        *,
        preset: str = "baseline",
        scenario: Scenario | object | None = None,
        n_organisations: int | None = None,
        initial_trust: float | None = None,
        authority: float | None = None,
        authority_source: str | None = None,
        turnover: float | None = None,
        prior_ties: float | None = None,
        navigator: int | None = None,
        navigator_capacity: int | None = None,
        entry_point: str | None = None,
        community_engagement: float | None = None,
        data_use: float | None = None,
        joint_problem_solving: float | None = None,
        aspiration: float | None = None,
        resources: float | None = None,
        authority_contest: float | None = None,
        governance_mode: str | None = None,
        adaptability: float | None = None,
        horizon_months: int | None = None,
        rng: int | np.integer[Any] | None = None,
        **kwargs: Never,
    ) -> None:
        if kwargs:  # Python's TypeError, with what to use instead
            raise _unexpected_keyword(next(iter(kwargs)))
        given = locals()
        changes = {k: given[k] for k in OVERRIDABLE if given[k] is not None}
        if _is_mesa_scenario(scenario):  # what SolaraViz passes when it rebuilds a model
            rng, scenario = (getattr(scenario, "rng", None) if rng is None else rng), None
        cisim_scenario = _cisim_scenario(preset, scenario, changes)
        seed_used = _engine_seed(rng)
        super().__init__(rng=seed_used)
        self.cisim_scenario = cisim_scenario
        self.seed_used = seed_used
        self.state, self.params = build_state([RunSpec(cisim_scenario, seed_used, 0)])
        self.grid = Network(_tie_graph(self.state), capacity=1, random=self.random, layout=None)
        self.organisations = self._place_organisations()
        #: Every metric of :data:`cisim.model.metrics.REGISTRY` this month, by name.
        self.metrics = {k: float(v[ROW]) for k, v in engine.measure(self.state).items()}
        self.datacollector = _data_collector()
        self.running = self._still_running()
        self.datacollector.collect(self)

    def step(self) -> None:
        """Advance the collaboration one month, then record it.

        Stepping on after :attr:`running` turns False still advances the engine, as
        :func:`cisim.simulate` does, so ``run_for(horizon)`` reproduces its trajectory.
        """
        month = engine.run(self.state, self.params, 1)
        self.metrics = {k: float(v[1, ROW]) for k, v in month.items()}
        self._sync_network()
        self.running = self._still_running()
        self.datacollector.collect(self)

    def __getstate__(self) -> dict[str, Any]:
        """Pickle support: the scenario travels as plain data (its mapping fields are proxies)."""
        state = self.__dict__.copy()
        state["cisim_scenario"] = _scenario_data(self.cisim_scenario)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Rebuild the scenario from the plain data written by :meth:`__getstate__`."""
        state = {**state, "cisim_scenario": Scenario(**state["cisim_scenario"])}
        self.__dict__.update(state)

    @property
    def month(self) -> int:
        """Months simulated so far (the engine's clock; equals ``model.time``)."""
        return int(self.state.month)

    # ---- the decision hook ----------------------------------------------------------------
    def decide(
        self,
        org: Organisation | int | str,
        *,
        response: str | None = None,
        target: Organisation | int | str | None = None,
        effort: float | None = None,
    ) -> None:
        """Decide for an organisation from outside the model, from the next step on.

        Parameters
        ----------
        org
            The organisation (an agent, its slot or its name).
        response
            How it meets a setback: ``"learn"``, ``"blame"`` or ``"model"`` (the model's draw);
            ``None`` leaves it as it is.
        target
            Whom it blames when it blames (an organisation, slot or name; ``-1``: the partner
            the model chooses); ``None`` leaves it.
        effort
            The share of its capacity it puts in, 0 to 1 (``-1``: the model decides); ``None``
            leaves it.

        Examples
        --------
        >>> model = CollaborationModel(rng=3)
        >>> model.decide(0, response="learn")  # what if this member always learns?
        >>> model.run_for(24)
        """
        slot = self._slot_of(org, "org")
        whom = None if target is None or target == -1 else self._slot_of(target, "target")
        decisions.decide(
            self.state,
            slot,
            response=response,
            target=-1 if target == -1 else whom,
            effort=effort,
            rows=ROW,
        )

    def clear_decisions(self, org: Organisation | int | str | None = None) -> None:
        """Give an organisation's decisions (default: everyone's) back to the model."""
        slot = None if org is None else self._slot_of(org, "org")
        decisions.clear(self.state, slot, rows=ROW)

    def setbacks_ahead(self) -> list[Organisation]:
        """The organisations that meet a setback in the coming month (previewed on a copy; the
        model is unchanged), whatever they will decide."""
        meets = engine.preview_setbacks(self.state, self.params)[ROW]
        return [self.organisations[int(i)] for i in np.flatnonzero(meets)]

    def _slot_of(self, org: Organisation | int | str, field: str) -> int:
        if isinstance(org, Organisation):
            return org.slot
        if isinstance(org, str):
            for slot, agent in self.organisations.items():
                if agent.name == org:
                    return slot
            names = ", ".join(a.name for a in self.organisations.values())
            raise ConfigError(field, org, f"the name of an organisation ({names})")
        if isinstance(org, (int, np.integer)) and int(org) in self.organisations:
            return int(org)
        raise ConfigError(field, org, f"an organisation slot from 0 to {self.state.slots - 1}")

    # ---- helpers --------------------------------------------------------------------------
    def _still_running(self) -> bool:
        alive = bool(self.state.alive[ROW])
        return alive and self.state.month < self.cisim_scenario.horizon_months

    def _place_organisations(self) -> dict[int, Organisation]:
        names = _names(self.state, self.cisim_scenario)
        return {
            slot: Organisation(self, slot, name, self.grid[slot]) for slot, name in names.items()
        }

    def _sync_network(self) -> None:
        """Make the network's edges the engine's non-dormant ties (navigators broker new ones)."""
        wanted = _tie_pairs(self.state)
        have = {(min(a, b), max(a, b)) for a, b in self.grid.G.edges}
        for a, b in sorted(wanted - have):
            self.grid.add_connection(self.grid[a], self.grid[b])
        for a, b in sorted(have - wanted):
            self.grid.remove_connection(self.grid[a], self.grid[b])


# ---- module helpers --------------------------------------------------------------------------
def _engine_seed(rng: object) -> int:
    """The engine's root seed from ``rng``; a fresh one if it is None."""
    if rng is None:
        # 128 bits of OS entropy cut to 63, so the seed fits cisim's int64 seed columns
        return cast(int, np.random.SeedSequence().entropy) >> (128 - SEED_BITS)
    if isinstance(rng, bool) or not isinstance(rng, int | np.integer) or rng < 0:
        raise ConfigError("rng", rng, "a whole number >= 0, or None for a fresh seed")
    return int(rng)


def _unexpected_keyword(name: str) -> TypeError:
    """What Python raises for a keyword the model does not take, saying what to use instead."""
    head = f"CollaborationModel() got an unexpected keyword argument {name!r}"
    if name == "seed":
        return TypeError(f"{head}: use rng= instead (Mesa 3.5 deprecates seed)")
    return TypeError(head + did_you_mean(name, KEYWORDS))


# ---- Mesa compatibility ----------------------------------------------------------------------
@cache
def _mesa_scenario_class() -> type | None:
    """Mesa's scenario class, or None if this Mesa has none where cisim looks for it.

    Mesa 3.5.1 offers it only as ``mesa.experimental.scenarios.Scenario``: no public name exists
    (Mesa's own ``Model`` and SolaraViz import it from there). This is cisim's one use of Mesa's
    experimental API.
    """
    try:
        from mesa.experimental.scenarios import Scenario as MesaScenario
    except ImportError:  # a later Mesa that moved it: _is_mesa_scenario falls back
        return None
    return cast(type, MesaScenario)


def _is_mesa_scenario(value: object) -> bool:
    """Whether ``value`` is a Mesa scenario (what SolaraViz passes as ``scenario=``).

    An instance of Mesa's scenario class where Mesa has it under the name cisim knows (see
    :func:`_mesa_scenario_class`); otherwise any object with an ``rng`` attribute that is not a
    cisim :class:`~cisim.model.scenario.Scenario`, so that a Mesa which moves the class still
    rebuilds models in SolaraViz.
    """
    mesa_scenario = _mesa_scenario_class()
    if mesa_scenario is not None:
        return isinstance(value, mesa_scenario)
    return not isinstance(value, Scenario) and hasattr(value, "rng")


def _cisim_scenario(preset: str, scenario: object, changes: dict[str, Any]) -> Scenario:
    """The scenario to run: ``scenario`` (else the preset) with the keyword overrides applied."""
    if scenario is not None and not isinstance(scenario, Scenario):
        raise ConfigError("scenario", scenario, "a cisim.Scenario, or None to use the preset")
    base = Scenario.preset(preset) if scenario is None else scenario
    return base.replace(**changes) if changes else base


def _scenario_data(scenario: Scenario) -> dict[str, Any]:
    """Every field of a scenario, with mapping proxies turned into (picklable) dicts."""
    data = {f.name: getattr(scenario, f.name) for f in fields(scenario)}
    data["sector_mix"] = dict(scenario.sector_mix)
    data["sectors"] = {sector: dict(traits) for sector, traits in scenario.sectors.items()}
    return data


def _tie_pairs(st: State) -> set[tuple[int, int]]:
    """Undirected pairs of organisation slots joined by an existing, non-dormant tie."""
    live = st.exists[ROW] & ~st.dormant[ROW]
    a, b = st.src[ROW, live], st.dst[ROW, live]
    lo, hi = np.minimum(a, b).tolist(), np.maximum(a, b).tolist()
    return set(zip(lo, hi, strict=True))


def _tie_graph(st: State) -> nx.Graph:
    """The network of working relationships: organisation slots and non-dormant ties."""
    graph = nx.Graph()
    graph.add_nodes_from(np.flatnonzero(st.status[ROW] != ABSENT).tolist())
    graph.add_edges_from(sorted(_tie_pairs(st)))
    return graph


def _names(st: State, scenario: Scenario) -> dict[int, str]:
    """Display name of every organisation slot: the roster's, else sector and number."""
    roster = list(scenario.roster.names) if scenario.roster is not None else []
    counts = dict.fromkeys(SECTORS, 0)
    names: dict[int, str] = {}
    for slot in np.flatnonzero(st.status[ROW] != ABSENT).tolist():
        sector = SECTORS[int(st.sector[ROW, slot])]
        counts[sector] += 1
        names[slot] = roster[slot] if slot < len(roster) else f"{sector} {counts[sector]}"
    return names


def _data_collector() -> mesa.DataCollector:
    """Every registered metric as a model reporter; contribution, trust, activity per agent."""
    reporters = {name: partial(metric_value, name=name) for name in REGISTRY}
    # attrgetter, not attribute strings: Mesa wraps strings in a local closure that cannot pickle
    agent_reporters = {name: attrgetter(attr) for name, attr in AGENT_REPORTERS.items()}
    return mesa.DataCollector(model_reporters=reporters, agent_reporters=agent_reporters)


#: Scenario parameters the model takes as keyword arguments (``None`` keeps the scenario's value):
#: the keywords of :class:`CollaborationModel` that name a parameter of
#: :data:`cisim.model.parameters.SPECS`, in the signature's order.
OVERRIDABLE: tuple[str, ...] = tuple(
    name for name in inspect.signature(CollaborationModel).parameters if name in SPECS
)

#: Every keyword :class:`CollaborationModel` takes (for the "did you mean" of an unknown one).
KEYWORDS: tuple[str, ...] = tuple(
    name
    for name, param in inspect.signature(CollaborationModel).parameters.items()
    if param.kind is inspect.Parameter.KEYWORD_ONLY
)

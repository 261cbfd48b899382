"""The EMA Workbench adapter: cisim as an :class:`ema_workbench.ReplicatorModel`.

:func:`ema_model` wraps the engine for the EMA Workbench (Kwakkel 2017), so that its samplers,
evaluators and analyses (PRIM, feature scoring, SALib) can drive cisim::

    from ema_workbench import perform_experiments
    from cisim.interop.ema import ema_model

    model = ema_model(replications=10, seed=1, constants={"horizon_months": 120})
    experiments, outcomes = perform_experiments(model, scenarios=100)

One EMA experiment is one point of the uncertainties and levers; EMA runs it once per replication
and hands the outcomes of the replications to each :class:`~ema_workbench.ScalarOutcome`'s
function, here their mean (so ``outcomes["learning_journey"]`` is the share of replications that
became learning journeys).

Every replication is one call of :func:`run`, a module-level function (so that EMA's
``MultiprocessingEvaluator`` can pickle it) that runs
``simulate(base.replace(**params), replicates=1, seed=rng)``. Replication ``k`` passes the cisim
seed ``replication_seeds(seed, n)[k]``, a fixed function of ``(seed, k)``; so

- the same ``seed`` gives the same outcomes (given the same EMA scenarios: seed EMA's sampler too,
  ``uncertainty_sampling_kwargs={"rng": ...}``);
- replication ``k`` uses the same random numbers at every EMA scenario and policy (common random
  numbers), so differences between experiments are paired, not blurred by luck;
- replication ``k`` equals ``cisim.simulate(scenario, replicates=1, seed=seeds[k])`` and
  ``cisim.CollaborationModel(scenario=scenario, rng=seeds[k])``.

The EMA Workbench is an optional dependency: ``pip install "cisim-collab[ema]"``. Importing this
module does not import it; :func:`ema_model` and :func:`ema_parameter` do.

References
----------
Kwakkel, J. H. (2017). The Exploratory Modeling Workbench: An open source toolkit for exploratory
modeling, scenario discovery, and (multi-objective) robust decision making. *Environmental
Modelling & Software* 96, 239-250. https://doi.org/10.1016/j.envsoft.2017.06.054
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cisim.errors import CisimError, ConfigError, did_you_mean
from cisim.model.outcomes import NUMBERS, values
from cisim.model.parameters import SPECS
from cisim.model.scenario import Scenario
from cisim.model.timeline import field_spec
from cisim.study.simulate import simulate

if TYPE_CHECKING:
    from ema_workbench import ReplicatorModel
    from ema_workbench.em_framework.parameters import Parameter

__all__ = [
    "DEFAULT_LEVERS",
    "DEFAULT_OUTCOMES",
    "DEFAULT_UNCERTAINTIES",
    "OUTCOMES",
    "ema_model",
    "ema_parameter",
    "mean",
    "replication_seeds",
    "run",
]

INSTALL_HINT = 'the EMA Workbench adapter needs ema-workbench: pip install "cisim-collab[ema]"'

#: A factor as the experiment files write it: levels ``[a, b]``, ``{levels = [...]}``,
#: a range ``{low = ..., high = ...}`` (either table may carry a ``why``, which is ignored), or
#: ``None`` for the parameter's whole range.
FactorSpec = Sequence[Any] | Mapping[str, Any] | None
#: Varied parameters: ``{name: FactorSpec}``, or names and ready-made EMA parameters.
Factors = Mapping[str, FactorSpec] | Iterable["str | Parameter"]

#: Uncertainties of :func:`ema_model` by default: conditions a collaboration does not choose.
DEFAULT_UNCERTAINTIES: Mapping[str, FactorSpec] = {
    "initial_trust": {"low": 0.2, "high": 0.8},
    "turnover": {"low": 0.0, "high": 0.08},
    "authority": {"low": 0.2, "high": 0.8},
    "authority_contest": {"low": 0.0, "high": 0.8},
    "aspiration": {"low": 0.2, "high": 0.8},
    "resources": {"low": 0.0, "high": 0.9},
}
#: Levers of :func:`ema_model` by default: the key actions a collaboration can take
#: (Pulido-Gómez et al. 2025). EMA samples them only when asked for ``policies``.
DEFAULT_LEVERS: Mapping[str, FactorSpec] = {
    "navigator": {"low": 0, "high": 1},
    "community_engagement": {"low": 0.0, "high": 1.0},
    "data_use": {"low": 0.0, "high": 1.0},
    "joint_problem_solving": {"low": 0.0, "high": 1.0},
    "adaptability": {"low": 0.0, "high": 1.0},
}

#: Per-replication outcomes :func:`run` returns: name -> meaning. Every outcome of
#: :data:`cisim.model.outcomes.NUMBERS` that each run has (a time to an event counts as
#: ``horizon + 1`` where it never happened; ``blame_share``, missing where a run met no setback,
#: is left out).
OUTCOMES: dict[str, str] = {
    name: outcome.description for name, outcome in NUMBERS.items() if outcome.missing is None
}
#: Outcomes :func:`ema_model` declares by default.
DEFAULT_OUTCOMES: tuple[str, ...] = (
    "learning_journey",
    "blame_game",
    "progress",
    "final_trust",
    "months_to_first_win",
)
#: Choices that cannot be set without more data (a roster needs a [roster] table).
UNSAMPLED_CHOICES: frozenset[str] = frozenset({"roster"})


# ---- the run function ------------------------------------------------------------------------
def run(
    *, base: Scenario | str | Path = "baseline", rng: int = 0, **params: Any
) -> dict[str, float]:
    """One replication: ``simulate(base.replace(**params), replicates=1, seed=rng)`` as outcomes.

    This is the function :func:`ema_model` gives EMA (with ``base`` bound); EMA calls it with the
    sampled parameters, the constants and the replication's ``rng``.

    Parameters
    ----------
    base
        The base scenario, a preset name or a scenario TOML path.
    rng
        The cisim seed (any integer type; cast with :func:`int`, since EMA and NumPy hand over
        NumPy integers).
    **params
        Scenario parameters overriding the base (NumPy scalars are turned into Python ones).

    Returns
    -------
    dict of str to float
        Every outcome of :data:`OUTCOMES` for this one replicate.

    Raises
    ------
    ConfigError
        A parameter that is not a scenario field, or a value outside its range.
    """
    scenario = _scenario(base).replace(**{k: _plain(v) for k, v in params.items()})
    summary = simulate(scenario, replicates=1, seed=int(rng)).summary
    return outcomes_of(summary, scenario.horizon_months)


def outcomes_of(summary: pd.DataFrame, horizon: int) -> dict[str, float]:
    """The outcomes of :data:`OUTCOMES` of the one run of a ``Results.summary``.

    Parameters
    ----------
    summary
        One run's summary (:func:`cisim.simulate` with one replicate).
    horizon
        The run's horizon in months (a censored time counts as ``horizon + 1``).

    Returns
    -------
    dict of str to float
        Outcome name to value, in the order of :data:`OUTCOMES`.
    """
    return {name: float(values(summary, name, horizon)[0]) for name in OUTCOMES}


def mean(values: Sequence[float]) -> float:
    """The mean of an outcome over the replications (module-level, so it pickles)."""
    return float(np.mean(values))


def replication_seeds(seed: int, replications: int) -> list[int]:
    """The cisim seed of each replication: a fixed function of ``(seed, k)``.

    Replication ``k`` uses the first 63 bits of
    ``numpy.random.SeedSequence(seed, spawn_key=(k,)).generate_state(1, numpy.uint64)``: the same
    ``seed`` always gives the same seeds, and the seeds of different ``k`` (or different ``seed``)
    are independent hashes, not neighbouring integers.

    Parameters
    ----------
    seed
        The root seed (0 to 2**63 - 1).
    replications
        How many replications (at least 1).

    Returns
    -------
    list of int
        Plain Python ints from 0 to 2**63 - 1 (EMA's ``rng`` values).
    """
    _check_whole("seed", seed, 0, 2**63 - 1)
    _check_whole("replications", replications, 1, None)
    seeds = []
    for k in range(replications):
        state = np.random.SeedSequence(int(seed), spawn_key=(k,)).generate_state(1, np.uint64)
        seeds.append(int(state[0]) >> 1)
    return seeds


# ---- EMA parameters --------------------------------------------------------------------------
def ema_parameter(
    name: str,
    low: float | None = None,
    high: float | None = None,
    levels: Sequence[Any] | None = None,
) -> Parameter:
    """An EMA parameter for the scenario parameter ``name``, bounded by its spec.

    Parameters
    ----------
    name
        A scenario parameter (see ``docs/ODD.md`` §9).
    low, high
        The range (default: the parameter's range in :data:`cisim.model.parameters.SPECS`). Narrow
        it: most specs allow far more than is meaningful (``turnover`` up to 1 a month).
    levels
        Levels instead of a range: a :class:`~ema_workbench.CategoricalParameter` over them.

    Returns
    -------
    ema_workbench.RealParameter, IntegerParameter or CategoricalParameter
        Real for a float parameter, Integer for an integer one, Categorical for a choice (over
        all its choices unless ``levels`` are given) or when ``levels`` are given.

    Raises
    ------
    ConfigError
        An unknown parameter, a table parameter (``sector_mix``, ``sectors``), a bound or level
        outside the spec's range, ``low >= high``, fewer than two levels, or levels and a range.
    CisimError
        The EMA Workbench is not installed.
    """
    ema = _ema_workbench()
    spec = _spec(name)
    if levels is not None:
        if low is not None or high is not None:
            given = {"low": low, "high": high, "levels": levels}
            raise ConfigError(name, given, "levels or a range, not both")
        return ema.CategoricalParameter(name, _levels(name, levels))
    if spec.kind == "choice":
        if low is not None or high is not None:
            raise ConfigError(name, {"low": low, "high": high}, "levels: a choice has no range")
        choices = [c for c in spec.choices if c not in UNSAMPLED_CHOICES]
        return ema.CategoricalParameter(name, choices)
    lo = spec.check(f"{name}.low", spec.lo if low is None else low)
    hi = spec.check(f"{name}.high", spec.hi if high is None else high)
    if not lo < hi:
        raise ConfigError(name, {"low": lo, "high": hi}, "low < high")
    if spec.kind == "int":
        return ema.IntegerParameter(name, int(lo), int(hi))
    return ema.RealParameter(name, float(lo), float(hi))


def ema_parameters(factors: Factors) -> list[Parameter]:
    """EMA parameters for ``factors``, written like the experiment files' tables.

    Parameters
    ----------
    factors
        ``{name: spec}`` where ``spec`` is a list of levels, ``{"levels": [...]}``,
        ``{"low": ..., "high": ...}`` or ``None`` (the spec's range); or an iterable of names and
        ready-made EMA parameters (whose names must be scenario parameters).

    Returns
    -------
    list of ema_workbench parameters
        In the order given.
    """
    if isinstance(factors, Mapping):
        return [_from_spec(name, spec) for name, spec in factors.items()]
    out: list[Parameter] = []
    for item in factors:
        if isinstance(item, str):
            out.append(ema_parameter(item))
        else:
            _spec(str(getattr(item, "name", item)))
            out.append(item)
    return out


# ---- the model -------------------------------------------------------------------------------
def ema_model(
    name: str = "cisim",
    base: Scenario | str | Path = "baseline",
    *,
    uncertainties: Factors | None = None,
    levers: Factors | None = None,
    outcomes: Sequence[Any] = DEFAULT_OUTCOMES,
    replications: int = 10,
    seed: int = 0,
    constants: Mapping[str, Any] | None = None,
) -> ReplicatorModel:
    """cisim as an EMA Workbench :class:`~ema_workbench.ReplicatorModel`.

    Parameters
    ----------
    name
        The model's name (a Python identifier, as EMA 3.0 requires).
    base
        The base scenario: a :class:`~cisim.Scenario`, a preset name or a scenario TOML path.
    uncertainties, levers
        The varied parameters (see :func:`ema_parameters`). EMA samples the uncertainties for
        ``scenarios`` and the levers for ``policies``; parameters it does not sample keep the
        base's values. ``None`` means :data:`DEFAULT_UNCERTAINTIES` or :data:`DEFAULT_LEVERS`
        without the parameters named elsewhere (in the other argument or ``constants``), so
        ``constants={"navigator": 1}`` needs no ``levers``; a parameter given twice explicitly is
        an error.
    outcomes
        Names from :data:`OUTCOMES` (each a :class:`~ema_workbench.ScalarOutcome` averaging the
        replications) or ready-made EMA outcomes whose ``variable_name`` is one of them
        (another aggregation, or an ``ArrayOutcome`` keeping every replication). EMA allows one
        outcome class per name in a process, so give such an outcome a name of its own:
        ``ArrayOutcome("trust_by_replication", variable_name="final_trust")``.
    replications
        Replications per experiment.
    seed
        Root seed of the replications (:func:`replication_seeds`).
    constants
        Fixed overrides of the base (EMA :class:`~ema_workbench.Constant` objects), e.g.
        ``{"horizon_months": 60}``.

    Returns
    -------
    ema_workbench.ReplicatorModel
        Ready for ``perform_experiments`` or an evaluator (its function pickles).

    Raises
    ------
    ConfigError
        A bad name, base, parameter, range, outcome, count or seed; or a parameter given twice
        (in two of uncertainties, levers and constants).
    CisimError
        The EMA Workbench is not installed.
    """
    ema = _ema_workbench()
    if not isinstance(name, str) or not name.isidentifier():
        raise ConfigError("name", name, "a Python identifier (EMA Workbench 3.0)")
    scenario = _scenario(base)
    fixed = dict(constants or {})
    scenario.replace(**fixed)  # validates the constants against the base
    model = ema.ReplicatorModel(name, function=partial(run, base=scenario))
    taken = set(fixed) | _names(uncertainties) | _names(levers)
    model.uncertainties = ema_parameters(_or_default(uncertainties, DEFAULT_UNCERTAINTIES, taken))
    model.levers = ema_parameters(_or_default(levers, DEFAULT_LEVERS, taken))
    model.constants = [ema.Constant(k, v) for k, v in fixed.items()]
    _check_unique(model, fixed)
    model.outcomes = [_outcome(ema, o) for o in outcomes]
    if not model.outcomes:
        raise ConfigError("outcomes", list(outcomes), "at least one outcome")
    model.replications = [{"rng": s} for s in replication_seeds(seed, replications)]
    return model


# ---- helpers ---------------------------------------------------------------------------------
def _ema_workbench() -> ModuleType:
    """Import the EMA Workbench, or say how to install it."""
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="ipyparallel not installed")
            import ema_workbench
    except ImportError as exc:
        raise CisimError(INSTALL_HINT) from exc
    return ema_workbench


def _scenario(base: Scenario | str | Path) -> Scenario:
    if isinstance(base, Scenario):
        return base
    if isinstance(base, str | Path):
        return Scenario.load(base)
    raise ConfigError("base", base, "a Scenario, a preset name or a scenario TOML path")


def _plain(value: Any) -> Any:
    """A NumPy scalar as the Python scalar a scenario accepts."""
    return value.item() if isinstance(value, np.generic) else value


def _scenario_fields() -> list[str]:
    return [f.name for f in fields(Scenario) if f.name in SPECS]


def _spec(name: str) -> Any:
    spec = SPECS.get(name) or field_spec(name)  # a parameter, or a field of a timeline's event
    if spec is None:
        hint = did_you_mean(name, _scenario_fields()) or " (see docs/ODD.md, section 9)"
        raise ConfigError(str(name), None, "a scenario parameter" + hint)
    if spec.kind == "mapping":
        raise ConfigError(name, None, "a number or a choice (set a table in the base scenario)")
    return spec


def _levels(name: str, levels: Sequence[Any]) -> list[Any]:
    if isinstance(levels, str) or not isinstance(levels, Sequence):
        raise ConfigError(name, levels, "a list of levels")
    spec = _spec(name)
    checked = [spec.check(name, _plain(v)) for v in levels]
    if len(checked) < 2 or len(set(checked)) != len(checked):
        raise ConfigError(name, list(levels), "at least two distinct levels")
    return checked


def _from_spec(name: str, spec: FactorSpec) -> Parameter:
    if spec is None:
        return ema_parameter(name)
    if isinstance(spec, Mapping):
        keys = set(spec) - {"why"}  # an experiment file's justification: words only
        if keys == {"levels"}:
            return ema_parameter(name, levels=spec["levels"])
        if keys == {"low", "high"}:
            return ema_parameter(name, low=spec["low"], high=spec["high"])
        raise ConfigError(name, dict(spec), "a list of levels, {levels = [...]} or {low, high}")
    return ema_parameter(name, levels=spec)


def _names(factors: Factors | None) -> set[str]:
    if factors is None:
        return set()
    if isinstance(factors, Mapping):
        return set(factors)
    return {item if isinstance(item, str) else str(item.name) for item in factors}


def _or_default(
    factors: Factors | None, default: Mapping[str, FactorSpec], taken: set[str]
) -> Factors:
    """The factors given, or the defaults less the parameters named elsewhere."""
    if factors is not None:
        return factors
    return {name: spec for name, spec in default.items() if name not in taken}


def _check_unique(model: Any, constants: Mapping[str, Any]) -> None:
    seen: dict[str, str] = {}
    groups = (
        ("uncertainties", [p.name for p in model.uncertainties]),
        ("levers", [p.name for p in model.levers]),
        ("constants", list(constants)),
    )
    for group, names in groups:
        for name in names:
            if name in seen:
                raise ConfigError(f"{group}.{name}", name, f"one place only (also in {seen[name]})")
            seen[name] = group


def _outcome(ema: ModuleType, outcome: Any) -> Any:
    if not isinstance(outcome, str):
        for variable in outcome.variable_name:
            _known_outcome(variable)
        return outcome
    _known_outcome(outcome)
    return ema.ScalarOutcome(outcome, function=mean)


def _known_outcome(name: str) -> None:
    if name not in OUTCOMES:
        hint = did_you_mean(name, OUTCOMES) or ": " + ", ".join(OUTCOMES)
        raise ConfigError("outcomes", name, "an outcome of cisim.interop.ema.OUTCOMES" + hint)


def _check_whole(name: str, value: Any, least: int, most: int | None) -> None:
    ok = isinstance(value, int | np.integer) and not isinstance(value, bool)
    if not ok or value < least or (most is not None and value > most):
        allowed = f"a whole number >= {least}" if most is None else f"a whole number {least}-{most}"
        raise ConfigError(name, value, allowed)

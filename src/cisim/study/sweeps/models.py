"""The models a sweep can run: the cisim engine, and the Ishigami test function.

A sweep model knows its parameters (names, kinds, how to check a value), the fixed settings every
run starts from, its outcome columns and monthly metrics, and how to run a batch of runs ``(point,
replicate)`` (or, in a nested design, ``(point, population, history)``) into two tables: one row
per run, and one row per run and month. Everything a worker receives is plain data (dicts, tuples,
numbers), so a task can travel to a process pool or a Dask cluster.

``ishigami`` is the Ishigami-Homma function, ``y = sin x1 + a sin² x2 + b x3⁴ sin x1`` with
``a = 7``, ``b = 0.1`` (Ishigami & Homma 1990), whose Sobol indices are known in closed form: the
analysis side tests its estimators on it. Normal noise with sd ``noise`` (default 0) is drawn
from the replicate's seed, the same draw at every point (common random numbers).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import numpy as np
import pandas as pd

from cisim.errors import ConfigError
from cisim.model.metrics import REGISTRY
from cisim.model.outcomes import REGISTRY as OUTCOMES
from cisim.model.parameters import SPECS
from cisim.model.spec import finite
from cisim.model.timeline import field_kind

if TYPE_CHECKING:
    from cisim.model.scenario import Scenario
    from cisim.study.sweeps.factors import Factor

#: Metrics stored month by month unless an experiment says otherwise.
DEFAULT_TRAJECTORIES: tuple[str, ...] = (
    "mean_trust",
    "shared_understanding",
    "progress",
    "mean_contribution",
    "blame_responses",
    "learning_responses",
    "active_members",
    "entry_found",
    "wins",
)
#: Runs times months in one task by default (about two seconds of the engine).
TASK_RUN_MONTHS = 30_000
MAX_TASK_SIZE = 2_000


@dataclass(frozen=True)
class Batch:
    """A batch of runs for a model: what a task asks a model to run.

    Attributes
    ----------
    settings
        The fixed parameters (the base scenario with constants, as plain data).
    values
        For each design point in the batch, the values of the varied parameters.
    points, replicates
        One entry per run: its design point and replicate number (in a nested design, the
        population: who is at the table).
    histories
        In a nested design, one entry per run: the history that draws its monthly events
        (:attr:`cisim.model.population.RunSpec.history`); ``None`` for plain replicates.
    seed
        The root seed.
    metrics
        Metrics to return month by month.
    """

    settings: dict[str, Any]
    values: dict[int, dict[str, Any]]
    points: tuple[int, ...]
    replicates: tuple[int, ...]
    seed: int
    metrics: tuple[str, ...]
    histories: tuple[int, ...] | None = None


class SweepModel(Protocol):
    """What the sweep engine needs of a model."""

    name: str
    needs_base: bool
    nests: bool
    metrics: tuple[str, ...]
    default_trajectories: tuple[str, ...]

    @property
    def parameter_names(self) -> tuple[str, ...]:
        """Every parameter that may be varied."""
        ...

    def kind(self, name: str) -> str | None:
        """``"int"``, ``"float"``, ``"choice"`` or ``"mapping"``; ``None`` if unknown."""
        ...

    def settings(self, base: Scenario | None, constants: dict[str, Any]) -> dict[str, Any]:
        """The fixed parameters: the base with the constants applied (validated)."""
        ...

    def check(self, settings: dict[str, Any], name: str, value: Any) -> Any:
        """``value`` in canonical form, or :class:`ConfigError` (field ``name``)."""
        ...

    def outcomes(self, settings: dict[str, Any]) -> tuple[str, ...]:
        """The per-run outcome columns."""
        ...

    def digest(self, settings: dict[str, Any], values: dict[str, Any]) -> str:
        """A short hash of one design point's parameters."""
        ...

    def months(self, settings: dict[str, Any], values: dict[str, Any]) -> int:
        """Months of a run at a design point (rows per run in the trajectories, minus one)."""
        ...

    def default_task_size(self, settings: dict[str, Any], factors: Sequence[Factor]) -> int:
        """Runs per task when the experiment does not say."""
        ...

    def run(self, batch: Batch) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Run a batch: outcome columns per run (in order), and trajectories (``run``, ``month``,
        then the metrics; ``run`` is the position in the batch)."""
        ...


# ---- cisim -----------------------------------------------------------------------------------
class CisimModel:
    """The cisim engine, run through
    :func:`cisim.study.simulate.simulate_runs_with_trajectories`.
    """

    name = "cisim"
    needs_base = True
    nests = True  # runs a population under another history (RunSpec.history)
    metrics: tuple[str, ...] = tuple(REGISTRY)
    default_trajectories: tuple[str, ...] = DEFAULT_TRAJECTORIES

    @property
    def parameter_names(self) -> tuple[str, ...]:
        """The scenario parameters (SPECS)."""
        return tuple(SPECS)

    def kind(self, name: str) -> str | None:
        """The parameter's kind in :data:`cisim.model.parameters.SPECS`, or that of an event's
        field (``timeline.K.FIELD``: an event's month or size, or what it sets)."""
        spec = SPECS.get(name)
        return field_kind(name) if spec is None else spec.kind

    def settings(self, base: Scenario | None, constants: dict[str, Any]) -> dict[str, Any]:
        """The base scenario with the constants, as :meth:`Scenario.to_dict` data."""
        if base is None:
            raise ConfigError("base", None, "a preset name or a scenario TOML file")
        return base.replace(**constants).to_dict()

    def check(self, settings: dict[str, Any], name: str, value: Any) -> Any:
        """Check by building the scenario with the value (so every rule applies)."""
        scenario = _scenario(_freeze(settings)).replace(**{name: value})
        return value if name.startswith("timeline.") else getattr(scenario, name)

    def outcomes(self, settings: dict[str, Any]) -> tuple[str, ...]:
        """The per-run outcomes of :data:`cisim.model.outcomes.REGISTRY`."""
        return tuple(OUTCOMES)

    def digest(self, settings: dict[str, Any], values: dict[str, Any]) -> str:
        """The scenario digest of the design point."""
        return _scenario(_freeze(settings)).replace(**values).digest

    def months(self, settings: dict[str, Any], values: dict[str, Any]) -> int:
        """The point's horizon."""
        return int(values.get("horizon_months", settings["horizon_months"]))

    def default_task_size(self, settings: dict[str, Any], factors: Sequence[Factor]) -> int:
        """About ``TASK_RUN_MONTHS`` run-months per task, for the longest horizon."""
        horizon = int(settings["horizon_months"])
        for f in factors:
            if f.name == "horizon_months":
                horizon = int(max(f.levels) if f.levels else (f.high or horizon))
        return max(1, min(MAX_TASK_SIZE, TASK_RUN_MONTHS // (horizon + 1)))

    def run(self, batch: Batch) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Run the batch in the array engine (one array batch per horizon)."""
        from cisim.model.population import RunSpec
        from cisim.study.simulate import simulate_runs_with_trajectories

        base = _scenario(_freeze(batch.settings))
        scenarios = {p: base.replace(**v) for p, v in batch.values.items()}
        histories = batch.histories or (None,) * len(batch.points)
        specs = [
            RunSpec(scenarios[p], batch.seed, r, h)
            for p, r, h in zip(batch.points, batch.replicates, histories, strict=True)
        ]
        summary, track = simulate_runs_with_trajectories(
            specs, batch.metrics, batch_size=max(1, len(specs))
        )
        summary = summary.drop(columns=["scenario", "seed", "replicate"]).reset_index(drop=True)
        summary["regime"] = summary["regime"].astype(str)
        return summary, track


def _freeze(settings: dict[str, Any]) -> str:
    return json.dumps(settings, sort_keys=True)


@cache
def _scenario(frozen: str) -> Scenario:
    """The scenario of some settings (cached: a task builds it once, not once per point)."""
    from cisim.model.scenario import Scenario

    return Scenario.from_dict(json.loads(frozen))


# ---- Ishigami --------------------------------------------------------------------------------
class IshigamiModel:
    """The Ishigami-Homma function of ``x1, x2, x3`` (a test model with known Sobol indices)."""

    name = "ishigami"
    needs_base = False
    nests = False
    metrics: tuple[str, ...] = ()
    default_trajectories: tuple[str, ...] = ()
    defaults: ClassVar[dict[str, float]] = {
        "x1": 0.0,
        "x2": 0.0,
        "x3": 0.0,
        "a": 7.0,
        "b": 0.1,
        "noise": 0.0,
    }

    @property
    def parameter_names(self) -> tuple[str, ...]:
        """``x1, x2, x3, a, b, noise``."""
        return tuple(self.defaults)

    def kind(self, name: str) -> str | None:
        """Every parameter is a float."""
        return "float" if name in self.defaults else None

    def settings(self, base: Scenario | None, constants: dict[str, Any]) -> dict[str, Any]:
        """The defaults with the constants."""
        out = dict(self.defaults)
        for name, value in constants.items():
            if name not in self.defaults:
                raise ConfigError(name, value, "one of " + ", ".join(self.defaults))
            out[name] = self.check(out, name, value)
        return out

    def check(self, settings: dict[str, Any], name: str, value: Any) -> Any:
        """A finite number (``noise`` at least 0)."""
        if finite(value) is None or (name == "noise" and value < 0):
            least = " >= 0" if name == "noise" else ""
            raise ConfigError(name, value, f"a finite number{least}")
        return float(value)

    def outcomes(self, settings: dict[str, Any]) -> tuple[str, ...]:
        """One outcome, ``y``."""
        return ("y",)

    def digest(self, settings: dict[str, Any], values: dict[str, Any]) -> str:
        """A hash of the point's parameters."""
        blob = json.dumps({**settings, **values}, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    def months(self, settings: dict[str, Any], values: dict[str, Any]) -> int:
        """No trajectories: a function has no months."""
        return 0

    def default_task_size(self, settings: dict[str, Any], factors: Sequence[Factor]) -> int:
        """Cheap runs: large tasks."""
        return 1_000

    def run(self, batch: Batch) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Evaluate the function at each run's point, plus the replicate's noise."""
        params = [{**batch.settings, **batch.values[p]} for p in batch.points]
        x1, x2, x3, a, b, sd = (
            np.array([q[k] for q in params], dtype=float)
            for k in ("x1", "x2", "x3", "a", "b", "noise")
        )
        y = np.sin(x1) + a * np.sin(x2) ** 2 + b * x3**4 * np.sin(x1)
        noise = {r: _standard_normal(batch.seed, r) for r in set(batch.replicates)}
        y = y + sd * np.array([noise[r] for r in batch.replicates])
        empty = np.empty(0, dtype=np.int64)
        return pd.DataFrame({"y": y}), pd.DataFrame({"run": empty, "month": empty})


def _standard_normal(seed: int, replicate: int) -> float:
    """The replicate's one standard normal draw (``SeedSequence(seed, spawn_key=(k,))``)."""
    sequence = np.random.SeedSequence(seed, spawn_key=(replicate,))
    return float(np.random.default_rng(sequence).standard_normal())


#: The models an experiment's ``model`` key may name.
MODELS: dict[str, SweepModel] = {"cisim": CisimModel(), "ishigami": IshigamiModel()}

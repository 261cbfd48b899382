"""Who is at the table, or what happens to them? A nested design and its variance decomposition.

Every run of a scenario draws two things: its *population* (the organisations, their traits, their
ties and starting trust: who is at the table) and its *history* (the monthly random events: whose
representative leaves when, how each review turns out, how each member happens to respond).
:func:`nested` crosses them: ``populations`` populations, each run under the same ``histories``
histories (history ``h`` is the same stream of events for every population; see
:class:`cisim.model.population.RunSpec`), and :func:`decompose` splits the variance of an
outcome into

* **structure**: how much the population alone decides, whatever happens to it;
* **history**: events that push every population the same way (common luck);
* **interaction**: how this population meets these events (chance, given who is at the table);

by the two-way crossed random-effects model of a balanced design with one run per cell
(Searle, Casella & McCulloch 1992, ch. 4): with ``P`` populations and ``H`` histories,

    σ²_structure = (MS_population − MS_residual) / H,   σ²_history = (MS_history − MS_residual) / P,
    σ²_interaction = MS_residual,

each share a fraction of their sum, with 95 % intervals from resampling populations and histories
(a two-way bootstrap). Between conditions (points of a design), :func:`decompose_conditions` adds
the share of the variance the parameters explain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cisim.errors import ConfigError
from cisim.model.outcomes import NUMBERS, values
from cisim.model.population import RunSpec
from cisim.model.scenario import Scenario
from cisim.study.compare import as_scenario
from cisim.study.simulate import simulate_runs

SOURCES = ("structure", "history", "interaction")
BOOTSTRAP = 400


@dataclass(frozen=True)
class NestedRuns:
    """The runs of a nested design (see :func:`nested`).

    Attributes
    ----------
    scenario, seed
        What was run.
    runs
        One row per run: ``population``, ``history`` and the per-run outcomes of
        :data:`cisim.model.outcomes.REGISTRY` (the columns of a run summary).
    """

    scenario: Scenario
    seed: int
    runs: pd.DataFrame = field(repr=False)

    @property
    def populations(self) -> int:
        """Populations in the design."""
        return int(self.runs["population"].nunique())

    @property
    def histories(self) -> int:
        """Histories in the design."""
        return int(self.runs["history"].nunique())

    def decomposition(self, outcome: str = "learning_journey", *, seed: int = 0) -> pd.DataFrame:
        """:func:`decompose` of one outcome (default: the learning-journey indicator)."""
        y = outcome_grid(self.runs, outcome, self.scenario.horizon_months)
        return decompose(y, seed=seed)

    def __repr__(self) -> str:
        share = self.decomposition()["share"]
        shares = ", ".join(f"{s} {share[s]:.0%}" for s in SOURCES)
        return (
            f"<NestedRuns {self.scenario.name!r}: {self.populations} populations x "
            f"{self.histories} histories, seed {self.seed}; learning journeys: {shares}>"
        )


def nested(
    scenario: Scenario | str, populations: int = 30, histories: int = 30, seed: int = 0
) -> NestedRuns:
    """Run every population of a scenario under every history (``populations x histories``).

    Parameters
    ----------
    scenario
        A scenario, a preset name or a scenario TOML path.
    populations, histories
        How many populations (replicates ``0 .. populations - 1``) and histories (``0 ..
        histories - 1``), at least 2 each.
    seed
        The root seed of both.
    """
    sc = as_scenario(scenario, "scenario")
    for name, value in (("populations", populations), ("histories", histories)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 2:
            raise ConfigError(name, value, "a whole number >= 2")
    specs = [RunSpec(sc, seed, p, h) for p in range(populations) for h in range(histories)]
    runs = simulate_runs(specs).drop(columns=["scenario", "replicate"])
    runs.insert(1, "population", np.repeat(np.arange(populations), histories))
    runs.insert(2, "history", np.tile(np.arange(histories), populations))
    return NestedRuns(sc, seed, runs.reset_index(drop=True))


def outcome_grid(runs: pd.DataFrame, outcome: str, horizon: int) -> np.ndarray:
    """An outcome as a ``(populations, histories)`` grid (censored and indicator rules of the
    registry; a run without a value, such as a blame share without setbacks, is an error)."""
    if outcome not in NUMBERS:
        raise ConfigError("outcome", outcome, "an outcome of " + ", ".join(NUMBERS))
    y = values(runs, outcome, horizon)
    if np.isnan(y).any():
        raise ConfigError("outcome", outcome, "an outcome every run has")
    frame = pd.DataFrame({"p": runs["population"], "h": runs["history"], "y": y})
    grid = frame.pivot(index="p", columns="h", values="y").to_numpy(dtype=float)
    if np.isnan(grid).any():
        raise ConfigError("runs", "an unbalanced design", "every population under every history")
    return grid


def components(y: np.ndarray) -> np.ndarray:
    """The variance components (structure, history, interaction) of a ``(P, H)`` grid."""
    p, h = y.shape
    mean = y.mean()
    rows, cols = y.mean(axis=1), y.mean(axis=0)
    residual = y - rows[:, None] - cols[None, :] + mean
    ms_rows = h * ((rows - mean) ** 2).sum() / (p - 1)
    ms_cols = p * ((cols - mean) ** 2).sum() / (h - 1)
    ms_res = (residual**2).sum() / ((p - 1) * (h - 1))
    return np.array([max(0.0, (ms_rows - ms_res) / h), max(0.0, (ms_cols - ms_res) / p), ms_res])


def decompose(y: np.ndarray, *, seed: int = 0, bootstrap: int = BOOTSTRAP) -> pd.DataFrame:
    """Structure, history and interaction: each component, its share and a 95 % interval.

    Parameters
    ----------
    y
        One outcome, ``(populations, histories)``.
    seed, bootstrap
        The resampling: ``bootstrap`` two-way resamples (populations and histories drawn with
        replacement), seeded.
    """
    return bootstrap_components(y, components, seed=seed, bootstrap=bootstrap)


def bootstrap_components(
    y: np.ndarray,
    components_of: Callable[[np.ndarray], np.ndarray],
    *,
    seed: int = 0,
    bootstrap: int = BOOTSTRAP,
) -> pd.DataFrame:
    """The components ``components_of(y)`` of grids ``(..., populations, histories)``, their
    shares and 95 % intervals from ``bootstrap`` two-way resamples (populations, then histories,
    drawn with replacement; the same resample for every grid in ``y``'s leading axes)."""
    point = components_of(y)
    total = point.sum()
    shares = point / total if total > 0 else np.zeros(len(SOURCES))
    rng = np.random.default_rng(seed)
    p, h = y.shape[-2:]
    draws = np.empty((bootstrap, len(SOURCES)))
    for b in range(bootstrap):
        c = components_of(y[..., rng.integers(0, p, p), :][..., rng.integers(0, h, h)])
        draws[b] = c / c.sum() if c.sum() > 0 else 0.0
    low, high = np.percentile(draws, [2.5, 97.5], axis=0)
    table = pd.DataFrame(
        {"variance": point, "share": shares, "low": low, "high": high}, index=list(SOURCES)
    )
    table.index.name = "source"
    return table


def decompose_conditions(grids: list[np.ndarray]) -> pd.Series:
    """Shares of the variance explained by parameters, structure, history and interaction.

    ``grids`` holds one ``(P, H)`` grid per condition (a point of a design). The parameters'
    component is the variance of the conditions' means less what the runs' own variation puts
    into them; the other three are the conditions' average components.
    """
    if len(grids) < 2:
        raise ConfigError("conditions", len(grids), "at least two conditions")
    means = np.array([g.mean() for g in grids])
    within = np.array([components(g) for g in grids])
    noise = np.mean([c.sum() / g.size for c, g in zip(within, grids, strict=True)])
    parameters = max(0.0, means.var(ddof=1) - noise)
    parts = np.array([parameters, *within.mean(axis=0)])
    return pd.Series(parts / parts.sum(), index=["parameters", *SOURCES], name="share")

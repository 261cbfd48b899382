"""``simulate``: many replicates of one scenario, as tidy tables."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cisim import engine
from cisim.errors import ConfigError
from cisim.model.metrics import REGISTRY
from cisim.model.outcomes import summary_table
from cisim.model.population import RunSpec, build_state
from cisim.model.regimes import REGIMES, Thresholds
from cisim.model.scenario import Scenario
from cisim.study.memory import batch_for

DEFAULT_BATCH = 500


@dataclass
class Results:
    """The outcome of :func:`simulate`.

    Attributes
    ----------
    summary
        One row per replicate: ``replicate``, ``seed`` and the per-run outcomes
        (:data:`cisim.model.outcomes.REGISTRY`, from ``regime`` on).
    trajectories
        Tidy: one row per replicate and month, one column per registered metric.
    scenario, seed
        What was run.
    """

    scenario: Scenario
    seed: int
    summary: pd.DataFrame
    trajectories: pd.DataFrame
    arrays: dict[str, np.ndarray] = field(repr=False, default_factory=dict)

    def regime_shares(self) -> pd.Series:
        """Share of replicates in each regime (all four listed)."""
        counts = self.summary["regime"].value_counts()
        return (counts.reindex(list(REGIMES), fill_value=0) / len(self.summary)).rename("share")

    def __repr__(self) -> str:
        shares = ", ".join(f"{k} {v:.0%}" for k, v in self.regime_shares().items())
        return (
            f"<Results {self.scenario.name!r}: {len(self.summary)} replicates, seed {self.seed}; "
            f"{shares}>"
        )

    def _repr_html_(self) -> str:
        """A notebook's view: the regime shares with 95 % Wilson intervals, and final outcomes."""
        from html import escape

        from cisim.stats import wilson

        n = len(self.summary)
        counts = self.summary["regime"].value_counts()
        rows = []
        for regime, share in self.regime_shares().items():
            est = wilson(int(counts.get(regime, 0)), n)
            rows.append(
                f"<tr><td>{escape(str(regime))}</td><td>{share:.1%}</td>"
                f"<td>{est.low:.1%} to {est.high:.1%}</td></tr>"
            )
        outcomes = [
            c
            for c in ("progress", "final_trust", "months_to_entry_point", "months_to_first_win")
            if c in self.summary
        ]
        means = "".join(
            f"<tr><td>{escape(c)}</td><td>{self.summary[c].mean():.3g}</td></tr>" for c in outcomes
        )
        return (
            f"<div><b>{escape(self.scenario.name)}</b>: {n} replicates, seed {self.seed}"
            "<table><thead><tr><th>regime</th><th>share</th><th>95 % interval</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
            "<table><thead><tr><th>outcome</th><th>mean</th></tr></thead>"
            f"<tbody>{means}</tbody></table>"
            "<small><code>.summary</code> (one row per run), <code>.trajectories</code> "
            "(one row per run and month)</small></div>"
        )


def simulate(
    scenario: Scenario,
    replicates: int = 100,
    seed: int = 0,
    *,
    first_replicate: int = 0,
    batch_size: int | None = None,
    progress: Callable[[int], object] | None = None,
) -> Results:
    """Run ``replicates`` replicates of ``scenario`` under root ``seed``.

    Replicate ``k`` uses the streams of ``SeedSequence(seed, spawn_key=(k,))``: its results are the
    same whatever ``replicates`` or ``batch_size`` is, and replicate ``k`` of two scenarios shares
    its random draws (common random numbers). ``progress``, if given, is called with the number
    of runs of each batch as it finishes (a progress bar's ``update``).
    """
    _check_count("replicates", replicates, 1)
    _check_count("seed", seed, 0)
    if seed >= 2**63:
        raise ConfigError("seed", seed, "a whole number from 0 to 2**63 - 1")
    _check_count("first_replicate", first_replicate, 0)
    size = DEFAULT_BATCH if batch_size is None else batch_size
    _check_count("batch_size", size, 1)
    size = batch_for(RunSpec(scenario, seed, first_replicate), scenario.horizon_months, size)
    numbers = np.arange(first_replicate, first_replicate + replicates)
    chunks = [numbers[i : i + size] for i in range(0, replicates, size)]
    arrays: dict[str, list[np.ndarray]] = {name: [] for name in REGISTRY}
    for chunk in chunks:
        specs = [RunSpec(scenario, seed, int(k)) for k in chunk]
        state, params = build_state(specs)
        out = engine.run(state, params, scenario.horizon_months)
        for name in REGISTRY:
            arrays[name].append(out[name])
        if progress is not None:
            progress(len(chunk))
    merged = {name: np.concatenate(parts, axis=1) for name, parts in arrays.items()}
    summary = summarise(merged, scenario, seed, numbers)
    return Results(scenario, seed, summary, tidy(merged, numbers), merged)


def simulate_runs(specs: list[RunSpec], *, batch_size: int = DEFAULT_BATCH) -> pd.DataFrame:
    """Run many different runs (scenario, seed, replicate) and return their summaries.

    Rows of a batch may hold different scenarios (one batch can hold many points of a design);
    runs are grouped by horizon, since a batch advances in lockstep. The result has one row per
    run, in the order given, with the run's scenario digest in ``scenario``.
    """
    frames: list[pd.DataFrame] = []
    order: list[int] = []
    for chunk, batch, arrays, _ in _run_batches(specs, batch_size):
        frames.append(_summarise_runs(arrays, batch))
        order.extend(chunk)
    return _in_given_order(frames, order)


def simulate_runs_with_trajectories(
    specs: list[RunSpec],
    metrics: Sequence[str],
    *,
    batch_size: int = DEFAULT_BATCH,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Like :func:`simulate_runs`, and also the runs' monthly trajectories of some metrics.

    Parameters
    ----------
    specs
        The runs; they may hold different scenarios and horizons.
    metrics
        Names from :data:`cisim.model.metrics.REGISTRY` to return month by month (may be empty).
    batch_size
        Runs advanced together in one array batch.

    Returns
    -------
    summary : pandas.DataFrame
        As :func:`simulate_runs`: one row per run, in the order given.
    trajectories : pandas.DataFrame
        Tidy: ``run`` (the position in ``specs``), ``month`` (0 to the run's horizon) and one
        float64 column per metric, sorted by run then month.
    """
    unknown = [m for m in metrics if m not in REGISTRY]
    if unknown:
        raise ConfigError("metrics", unknown[0], "a metric: " + ", ".join(REGISTRY))
    summaries: list[pd.DataFrame] = []
    tracks: list[pd.DataFrame] = []
    order: list[int] = []
    for chunk, batch, arrays, horizon in _run_batches(specs, batch_size):
        summaries.append(_summarise_runs(arrays, batch))
        tracks.append(_track(arrays, metrics, np.asarray(chunk, dtype=np.int64), horizon))
        order.extend(chunk)
    track = pd.concat(tracks, ignore_index=True).rename(columns={"replicate": "run"})
    track = track.sort_values(["run", "month"], kind="stable", ignore_index=True)
    return _in_given_order(summaries, order), track


def _run_batches(
    specs: list[RunSpec], batch_size: int
) -> Iterator[tuple[list[int], list[RunSpec], dict[str, np.ndarray], int]]:
    """Run the specs grouped by horizon, ``batch_size`` at a time.

    Yields each batch's positions in ``specs``, its specs, its trajectories and its horizon.
    """
    by_horizon: dict[int, list[int]] = {}
    for i, spec in enumerate(specs):
        by_horizon.setdefault(spec.scenario.horizon_months, []).append(i)
    for horizon, indices in by_horizon.items():
        size = batch_for(specs[indices[0]], horizon, batch_size)  # what fits in memory
        for start in range(0, len(indices), size):
            chunk = indices[start : start + size]
            batch = [specs[i] for i in chunk]
            state, params = build_state(batch)
            yield chunk, batch, engine.run(state, params, horizon), horizon


def _in_given_order(frames: list[pd.DataFrame], order: list[int]) -> pd.DataFrame:
    """Per-batch summaries stacked and put back in the order the runs were given."""
    out = pd.concat(frames, ignore_index=True)
    out.index = pd.Index(order)
    return out.sort_index()


def _track(
    arrays: dict[str, np.ndarray], metrics: Sequence[str], runs: np.ndarray, horizon: int
) -> pd.DataFrame:
    """One row per run and month: ``run``, ``month`` and the chosen metrics."""
    frame: dict[str, np.ndarray] = {
        "run": np.repeat(runs, horizon + 1),
        "month": np.tile(np.arange(horizon + 1, dtype=np.int64), len(runs)),
    }
    for name in metrics:
        frame[name] = arrays[name].T.reshape(-1)
    return pd.DataFrame(frame)


def _summarise_runs(arrays: dict[str, np.ndarray], specs: list[RunSpec]) -> pd.DataFrame:
    frame = summary_table(arrays, Thresholds.of_runs([s.scenario for s in specs]))
    frame.insert(0, "scenario", [s.scenario.digest for s in specs])
    frame.insert(1, "seed", np.array([s.seed for s in specs], dtype=np.int64))
    frame.insert(2, "replicate", np.array([s.replicate for s in specs], dtype=np.int64))
    return frame


def summarise(
    arrays: dict[str, np.ndarray], scenario: Scenario, seed: int, replicates: np.ndarray
) -> pd.DataFrame:
    """Per-run outcomes from trajectories ``(months + 1, R)``."""
    frame = summary_table(arrays, Thresholds.of(scenario))
    frame.insert(0, "replicate", replicates.astype(np.int64))
    frame.insert(1, "seed", np.full(len(replicates), seed, dtype=np.int64))
    return frame


def tidy(arrays: dict[str, np.ndarray], replicates: np.ndarray) -> pd.DataFrame:
    """One row per replicate and month, one column per metric."""
    months, runs = next(iter(arrays.values())).shape
    frame = {
        "replicate": np.repeat(replicates.astype(np.int64), months),
        "month": np.tile(np.arange(months, dtype=np.int64), runs),
    }
    for name, values in arrays.items():
        frame[name] = values.T.reshape(-1)
    return pd.DataFrame(frame)


def _check_count(name: str, value: object, least: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < least:
        raise ConfigError(name, value, f"a whole number >= {least}")

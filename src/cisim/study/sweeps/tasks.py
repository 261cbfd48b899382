"""Runs and tasks: the unit of work sent to an executor.

The runs of an experiment are ``(point, replicate)`` for every design point and replicate ``0 ..
replicates - 1``, numbered in point-major order: run ``g`` is point ``g // replicates``, replicate
``g % replicates``. Tasks cut that sequence into consecutive slices of :attr:`Experiment.task_size`
runs, so task ``i`` holds runs ``i * size`` up to ``(i + 1) * size`` whatever executor runs it. In
a nested experiment the ``replicates`` of a point are its ``populations x histories`` runs:
replicate ``k`` is population ``k // histories`` under history ``k % histories``, so tasks, shards
and resuming are keyed exactly as for plain replicates. A task carries plain data only and
:func:`run_task` is a module-level function, so tasks travel to process pools and Dask workers
alike; each task runs its runs as array batches of the engine, not one by one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from cisim.study.sweeps.designs import point_values
from cisim.study.sweeps.experiment import Experiment
from cisim.study.sweeps.models import MODELS, Batch

#: Columns that key a run in every table.
RUN_KEY: tuple[str, ...] = ("point", "replicate")


@dataclass(frozen=True)
class Task:
    """Runs ``first`` up to ``stop`` (exclusive) of an experiment, as plain data.

    Attributes
    ----------
    index
        The task number (its shards are ``task-{index:06d}.parquet``).
    model
        The model's name in :data:`cisim.study.sweeps.models.MODELS`.
    settings
        The fixed parameters (the base scenario with constants).
    values
        Each design point of the task and its varied parameters' values.
    first, stop
        The run numbers covered.
    replicates
        Replicates per point (to turn run numbers into points and replicates).
    seed
        The root seed.
    metrics
        Metrics kept month by month.
    outcomes
        Outcome columns kept (``None``: all).
    histories
        Histories per population in a nested experiment (``None``: plain replicates).
    """

    index: int
    model: str
    settings: dict[str, Any]
    values: dict[int, dict[str, Any]]
    first: int
    stop: int
    replicates: int
    seed: int
    metrics: tuple[str, ...]
    outcomes: tuple[str, ...] | None
    histories: int | None = None

    @property
    def size(self) -> int:
        """The number of runs."""
        return self.stop - self.first

    @property
    def points(self) -> np.ndarray:
        """Each run's design point."""
        return np.arange(self.first, self.stop, dtype=np.int64) // self.replicates

    @property
    def replicate_numbers(self) -> np.ndarray:
        """Each run's replicate number."""
        return np.arange(self.first, self.stop, dtype=np.int64) % self.replicates

    @property
    def populations_and_histories(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Each run's population and history in a nested experiment (``None`` otherwise)."""
        if self.histories is None:
            return None
        return np.divmod(self.replicate_numbers, self.histories)


@dataclass(frozen=True)
class TaskResult:
    """What a task sends back: its run table and its trajectory table (Arrow)."""

    index: int
    runs: pa.Table
    trajectories: pa.Table


def n_tasks(n_runs: int, size: int) -> int:
    """Tasks needed for ``n_runs`` runs of ``size`` each."""
    return -(-n_runs // size)


def iter_tasks(
    experiment: Experiment, design: pd.DataFrame, skip: frozenset[int] = frozenset()
) -> Iterator[Task]:
    """The experiment's tasks in order, built as they are needed (memory stays flat).

    Parameters
    ----------
    experiment
        The experiment.
    design
        Its design table (:func:`cisim.study.sweeps.designs.design_table`); a task takes the rows of
        its own points only.
    skip
        Task numbers to leave out (finished in an earlier session).
    """
    size, reps = experiment.task_size, experiment.replicates
    total = len(design) * reps
    for index in range(n_tasks(total, size)):
        if index in skip:
            continue
        first, stop = index * size, min((index + 1) * size, total)
        lo, hi = first // reps, (stop - 1) // reps + 1
        yield Task(
            index=index,
            model=experiment.model,
            settings=experiment.settings,
            values=dict(zip(range(lo, hi), point_values(design.iloc[lo:hi]), strict=True)),
            first=first,
            stop=stop,
            replicates=reps,
            seed=experiment.seed,
            metrics=experiment.trajectories,
            outcomes=experiment.outcomes,
            histories=experiment.histories,
        )


def run_task(task: Task) -> TaskResult:
    """Run a task's runs and return their tables (the worker function).

    The ``runs`` table has ``point``, ``replicate``, (nested: ``population``, ``history``),
    ``seed`` and the outcome columns; the
    ``trajectories`` table has ``point``, ``replicate``, ``month`` and the metrics as float32.
    Both are sorted by point and replicate (then month). The result depends only on the task.
    """
    points, replicates = task.points, task.replicate_numbers
    nested = task.populations_and_histories
    populations, histories = nested if nested is not None else (replicates, None)
    batch = Batch(
        settings=task.settings,
        values=task.values,
        points=tuple(points.tolist()),
        replicates=tuple(populations.tolist()),
        seed=task.seed,
        metrics=task.metrics,
        histories=None if histories is None else tuple(histories.tolist()),
    )
    outcomes, track = MODELS[task.model].run(batch)
    runs = _runs_table(outcomes, points, replicates, task)
    return TaskResult(task.index, runs, _trajectory_table(track, points, replicates, task))


def _runs_table(
    outcomes: pd.DataFrame, points: np.ndarray, replicates: np.ndarray, task: Task
) -> pa.Table:
    keep = list(outcomes.columns) if task.outcomes is None else list(task.outcomes)
    frame = outcomes[keep].reset_index(drop=True)
    frame.insert(0, "point", points)
    frame.insert(1, "replicate", replicates)
    nested = task.populations_and_histories
    if nested is not None:
        frame.insert(2, "population", nested[0])
        frame.insert(3, "history", nested[1])
    at = 2 if nested is None else 4
    frame.insert(at, "seed", np.full(len(points), task.seed, dtype=np.int64))
    return pa.Table.from_pandas(frame, preserve_index=False)


def _trajectory_table(
    track: pd.DataFrame, points: np.ndarray, replicates: np.ndarray, task: Task
) -> pa.Table:
    run = track["run"].to_numpy()
    columns: dict[str, Any] = {
        "point": pa.array(points[run], type=pa.int64()),
        "replicate": pa.array(replicates[run], type=pa.int64()),
        "month": pa.array(track["month"].to_numpy(), type=pa.int32()),
    }
    for name in task.metrics:
        columns[name] = pa.array(track[name].to_numpy(dtype=np.float32), type=pa.float32())
    return pa.table(columns)

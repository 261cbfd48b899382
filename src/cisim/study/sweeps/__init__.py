"""Sweeps: experiments over many scenarios, run through any executor into a resumable store.

::

    from cisim.study.sweeps import Experiment, run_sweep, load
    experiment = Experiment.from_toml("experiments/learning_vs_blame.toml")
    run_sweep(experiment, "results/learning_vs_blame")        # a process pool on every core
    results = load("results/learning_vs_blame")
    results.runs, results.design, results.trajectories(["mean_trust"], points=[0, 1])

- :mod:`~cisim.study.sweeps.experiment`: the experiment file (uncertainties, levers, constants,
  outcomes, design, samples, replicates, seed), validated like a scenario.
- :mod:`~cisim.study.sweeps.factors`, :mod:`~cisim.study.sweeps.declarations`: the varied
  parameters, and how the file's ``[levers]`` and ``[uncertainties]`` declare them.
- :mod:`~cisim.study.sweeps.designs`: the registry of designs (factorial, Latin hypercube, Sobol,
  Morris) and their design tables.
- :mod:`~cisim.study.sweeps.models`: the models a sweep runs (the engine, a test function).
- :mod:`~cisim.study.sweeps.tasks`: runs cut into tasks of plain data, and the worker function.
- :mod:`~cisim.study.sweeps.store`: Parquet shards keyed by run, manifest, lock, resume.
- :mod:`~cisim.study.sweeps.results`: a sweep read back (:func:`load`), its shards checked.
- :mod:`~cisim.study.sweeps.runner`: serial, process-pool and Dask execution with a progress bar.
- :mod:`~cisim.study.sweeps.cli`: the ``cisim sweep`` subcommand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cisim import _lazy

if TYPE_CHECKING:
    from cisim.study.sweeps.designs import design_table, salib_problem, salib_sample
    from cisim.study.sweeps.experiment import Experiment
    from cisim.study.sweeps.factors import Factor
    from cisim.study.sweeps.results import SweepResults, load
    from cisim.study.sweeps.runner import (
        SerialExecutor,
        SweepInterrupted,
        SweepSummary,
        open_executor,
        run_sweep,
    )
    from cisim.study.sweeps.store import SweepError

#: Each public name and its module, imported on first use (so that the ``cisim`` command line
#: builds its parser without the runner, pandas or the engine).
_LAZY: dict[str, str] = {
    "design_table": "cisim.study.sweeps.designs",
    "salib_problem": "cisim.study.sweeps.designs",
    "salib_sample": "cisim.study.sweeps.designs",
    "Experiment": "cisim.study.sweeps.experiment",
    "Factor": "cisim.study.sweeps.factors",
    "SweepResults": "cisim.study.sweeps.results",
    "load": "cisim.study.sweeps.results",
    "SerialExecutor": "cisim.study.sweeps.runner",
    "SweepInterrupted": "cisim.study.sweeps.runner",
    "SweepSummary": "cisim.study.sweeps.runner",
    "open_executor": "cisim.study.sweeps.runner",
    "run_sweep": "cisim.study.sweeps.runner",
    "SweepError": "cisim.study.sweeps.store",
}

__all__ = [
    "Experiment",
    "Factor",
    "SerialExecutor",
    "SweepError",
    "SweepInterrupted",
    "SweepResults",
    "SweepSummary",
    "design_table",
    "load",
    "open_executor",
    "run_sweep",
    "salib_problem",
    "salib_sample",
]


__getattr__ = _lazy.attributes(__name__, _LAZY, globals())

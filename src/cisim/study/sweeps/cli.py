"""The ``cisim sweep`` and ``cisim experiments`` subcommands::

    cisim sweep EXPERIMENT --out DIR [--workers N] [--dask ADDRESS | --dask local]
                [--shards-by parent|workers] [--no-progress]
    cisim experiments

EXPERIMENT is a shipped study's name (``cisim experiments`` lists them) or an experiment TOML
file. :func:`register` adds both to the ``cisim`` parser; :func:`run` is the sweep's handler
(the runner, pandas and the engine are imported when a sweep runs, not with the parser). Bad
input and unusable directories raise :class:`~cisim.errors.CisimError` (the ``cisim`` entry
point prints it as one line and exits with 2); Ctrl-C prints how to resume and returns 130.
"""

from __future__ import annotations

import argparse
import dataclasses
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from cisim.errors import ConfigError
from cisim.study.sweeps import shipped

if TYPE_CHECKING:
    from cisim.study.sweeps.experiment import Experiment
    from cisim.study.sweeps.runner import SweepSummary

EXIT_OK, EXIT_INTERRUPTED = 0, 130


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not allowed: a whole number >= 1")
    return value


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``sweep`` subcommand (its handler is :func:`run`, in ``handler``)."""
    sweep = subparsers.add_parser(
        "sweep",
        help="run an experiment's design (resumable; Parquet shards)",
        description="Run every design point and replicate of an experiment into DIR. Run the "
        "same command again after an interruption to resume.",
    )
    sweep.add_argument(
        "experiment",
        metavar="EXPERIMENT",
        help="a shipped study's name (see 'cisim experiments') or an experiment TOML file",
    )
    sweep.add_argument(
        "--out", "-o", metavar="DIR", type=Path, required=True, help="the sweep directory"
    )
    sweep.add_argument(
        "--workers",
        "-w",
        metavar="N",
        type=_workers,
        default=None,
        help="worker processes (default: every core; 1 runs in this process)",
    )
    sweep.add_argument(
        "--dask",
        metavar="ADDRESS",
        default=None,
        help="run on a Dask cluster: a scheduler address, or 'local' for a LocalCluster",
    )
    sweep.add_argument(
        "--shards-by",
        dest="shards_by",
        choices=("parent", "workers"),
        default=None,
        help="who writes each task's result files: 'workers' (the default with more than one "
        "worker; DIR must then be a directory every worker sees at the same path, on a Dask "
        "cluster of several machines a shared file system) or 'parent' (this process, from the "
        "tables the workers send back: for workers that cannot see DIR)",
    )
    sweep.add_argument(
        "--replicates",
        "-n",
        metavar="N",
        type=_workers,
        default=None,
        help="runs per design point instead of the experiment's (a quick try of a study)",
    )
    sweep.add_argument(
        "--no-progress", dest="progress", action="store_false", help="no progress bar"
    )
    sweep.set_defaults(handler=run)
    listing = subparsers.add_parser(
        "experiments",
        help="list the shipped studies ('cisim sweep NAME' runs one)",
        description="One line per study that ships with cisim: its name, design, runs and "
        "question. Run one with 'cisim sweep NAME --out DIR'.",
    )
    listing.set_defaults(handler=list_experiments)


def run(args: argparse.Namespace) -> int:
    """Run ``cisim sweep``: 0 when the sweep is complete, 130 when interrupted."""
    from cisim.study.sweeps.runner import SweepInterrupted, open_executor, run_sweep

    experiment = _experiment(args.experiment, getattr(args, "replicates", None))
    command = getattr(args, "command_line", None) or shlex.join(["cisim", *sys.argv[1:]])
    writer = getattr(args, "shards_by", None)
    try:
        if args.dask is None:  # run_sweep's own pool (started again if a worker process dies)
            summary = run_sweep(
                experiment,
                args.out,
                workers=args.workers,
                progress=args.progress,
                command=command,
                writer=writer,
            )
        else:
            with open_executor(args.workers, args.dask) as (executor, size):
                summary = run_sweep(
                    experiment,
                    args.out,
                    executor=executor,
                    workers=size,
                    progress=args.progress,
                    command=command,
                    writer=writer,
                )
    except SweepInterrupted as exc:
        print(f"cisim sweep: interrupted; {exc}", file=sys.stderr)
        return EXIT_INTERRUPTED
    print(format_summary(summary))
    return EXIT_OK


def _experiment(text: str, replicates: int | None) -> Experiment:
    """The experiment named or given as a file, with ``replicates`` per point if given."""
    from cisim.study.sweeps.experiment import Experiment

    experiment = Experiment.from_toml(shipped.resolve(text))
    if replicates is None:
        return experiment
    if experiment.nested:
        raise ConfigError(
            "--replicates",
            replicates,
            f"not given for a nested study ({experiment.name} runs populations x histories); "
            "change them in a copy of its file",
        )
    # the copy kept in the sweep directory is then this experiment, not the file's text
    return dataclasses.replace(experiment, replicates=replicates, text=None)


def format_summary(summary: SweepSummary) -> str:
    """One line: what was run, where, how fast."""
    kept = f", {summary.runs_before:,} kept from before" if summary.runs_before else ""
    redone = f", {summary.redone} damaged shards redone" if summary.redone else ""
    return (
        f"cisim sweep: {summary.runs:,} runs in {summary.tasks:,} tasks in {summary.path}"
        f"{kept}{redone}; {summary.runs_now:,} run now in {summary.seconds:.1f} s "
        f"({summary.rate:,.0f} runs/s)"
    )


def list_experiments(args: argparse.Namespace) -> int:
    """Print one line per shipped study: name, design, runs, question."""
    from cisim.study.sweeps.designs import n_points
    from cisim.study.sweeps.experiment import Experiment

    rows = []
    for name in shipped.names():
        experiment = Experiment.from_toml(shipped.path_of(name))
        runs = n_points(experiment) * experiment.replicates
        rows.append((name, experiment.design, f"{runs:,} runs", experiment.question))
    first, second, third = (max(len(row[i]) for row in rows) for i in range(3))
    for name, design, runs_text, question in rows:
        print(f"{name:<{first}}  {design:<{second}}  {runs_text:>{third}}  {question}")
    print(f"run one with: cisim sweep NAME --out DIR (files in {shipped.EXPERIMENT_DIR})")
    return EXIT_OK

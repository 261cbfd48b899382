"""The ``cisim sweep`` subcommand::

    cisim sweep EXPERIMENT --out DIR [--workers N] [--dask ADDRESS | --dask local] [--no-progress]

:func:`register` adds it to the ``cisim`` parser; :func:`run` is its handler. Bad input and
unusable directories raise :class:`~cisim.errors.CisimError` (the ``cisim`` entry point prints
it as one line and exits with 2); Ctrl-C prints how to resume and returns 130.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from cisim.study.sweeps.experiment import Experiment
from cisim.study.sweeps.runner import SweepInterrupted, SweepSummary, open_executor, run_sweep

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
    sweep.add_argument("experiment", metavar="EXPERIMENT", type=Path, help="an experiment TOML")
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
        "--no-progress", dest="progress", action="store_false", help="no progress bar"
    )
    sweep.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run ``cisim sweep``: 0 when the sweep is complete, 130 when interrupted."""
    experiment = Experiment.from_toml(args.experiment)
    command = getattr(args, "command_line", None) or shlex.join(["cisim", *sys.argv[1:]])
    try:
        if args.dask is None:  # run_sweep's own pool (started again if a worker process dies)
            summary = run_sweep(
                experiment, args.out, workers=args.workers, progress=args.progress, command=command
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
                )
    except SweepInterrupted as exc:
        print(f"cisim sweep: interrupted; {exc}", file=sys.stderr)
        return EXIT_INTERRUPTED
    print(format_summary(summary))
    return EXIT_OK


def format_summary(summary: SweepSummary) -> str:
    """One line: what was run, where, how fast."""
    kept = f", {summary.runs_before:,} kept from before" if summary.runs_before else ""
    redone = f", {summary.redone} damaged shards redone" if summary.redone else ""
    return (
        f"cisim sweep: {summary.runs:,} runs in {summary.tasks:,} tasks in {summary.path}"
        f"{kept}{redone}; {summary.runs_now:,} run now in {summary.seconds:.1f} s "
        f"({summary.rate:,.0f} runs/s)"
    )

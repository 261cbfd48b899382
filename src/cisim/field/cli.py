"""``cisim field FILE.toml``: run a field file's platforms on its cities and print the table.

``--workers N`` runs the cities on N threads (``--processes``: N worker processes, each holding
its shards for the whole run); ``--dask ADDRESS`` on the Dask cluster at that scheduler address,
or ``--dask local`` on a ``LocalCluster`` of N worker processes, as ``cisim sweep --dask`` does.
The cities are split into ``--shards`` engine batches (default: one per worker). The results do
not depend on any of these.

With one ``[platform]`` the table has its outcomes; with ``[platforms.NAME]`` tables, each
platform's outcomes and its effect against no platform on the same cities.

``--out DIR`` writes the field's results directory (:mod:`cisim.field.store`: a manifest, each
city's outcomes under each platform and under none, the platforms' trajectories, checksums;
``cisim report DIR`` writes its report). Each shard writes its own cities' outcomes where it runs.
``--out FILE.csv`` writes only the printed table, as CSV. Bad input exits with 2 and one line
(the CLI's :class:`~cisim.errors.CisimError` handling), as does a directory cisim did not write.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK = 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``field`` subcommand."""
    cmd = commands.add_parser(
        "field", help="run a field of cities under one or more platforms (issue 16)"
    )
    cmd.add_argument("file", metavar="FILE", type=Path, help="a field .toml file")
    cmd.add_argument(
        "--workers", type=int, default=1, choices=range(1, 65), metavar="N",
        help="threads (or processes, or LocalCluster workers) running the cities "
        "(results do not depend on it)",
    )  # fmt: skip
    cmd.add_argument(
        "--shards", type=_positive, default=None, metavar="N",
        help="engine batches the cities are split into (default: one per worker)",
    )  # fmt: skip
    cmd.add_argument(
        "--processes", action="store_true",
        help="run the shards in N worker processes of this machine instead of threads",
    )  # fmt: skip
    cmd.add_argument(
        "--dask", metavar="ADDRESS", default=None,
        help="run on a Dask cluster: a scheduler address, or 'local' for a LocalCluster of N "
        "worker processes (each shard stays on its worker)",
    )  # fmt: skip
    cmd.add_argument(
        "--out", type=Path, default=None, metavar="DIR|FILE.csv",
        help="write the results directory DIR (for 'cisim report DIR'), or only the table to "
        "FILE.csv",
    )  # fmt: skip
    cmd.set_defaults(handler=field_command)


def is_field_file(path: Path) -> bool:
    """Whether ``path`` is a TOML file with a ``[field]`` table (a field file, not a sweep's
    experiment); ``False`` for anything unreadable. Light: no model is imported."""
    from cisim.study.sweeps.shipped import is_field_file as _is_field

    return _is_field(path)


def _positive(text: str) -> int:
    """A whole number of at least 1 (argparse prints the one line when it is not)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not allowed: a whole number of at least 1")
    return value


def field_command(args: argparse.Namespace) -> int:
    """Run the file's platforms; print the outcomes (and effects) as a table."""
    import pandas as pd

    from cisim.field.api import _compare
    from cisim.field.config import load
    from cisim.field.hosts import DaskHosts, open_hosts
    from cisim.field.outcomes import result_of
    from cisim.field.run import run_field
    from cisim.io import write_csv

    spec = load(args.file)
    executor = "processes" if args.processes else "threads"
    directory = args.out if args.out is not None and args.out.suffix.lower() != ".csv" else None
    if directory is not None:
        from cisim.field.store import check_directory

        # refused before any city runs: the same check write_results makes
        check_directory(directory, _digest(args.file))
    with open_hosts(executor, args.workers, args.dask) as hosts:
        size = len(hosts.workers) if isinstance(hosts, DaskHosts) else args.workers
        shards = args.shards or size
        if directory is not None:
            from cisim.field.store import write_results

            where = "dask" if isinstance(hosts, DaskHosts) else executor
            table = write_results(
                spec,
                args.file,
                directory,
                hosts=hosts,
                shards=shards,
                workers=size,
                executor=where,
                command=getattr(args, "command_line", None),
            ).table
        elif len(spec.platforms) == 1 and "platform" in spec.platforms:
            fr = run_field(
                spec.field,
                spec.platforms["platform"],
                shards=shards,
                workers=size,
                hosts=hosts,
                keep="outcomes",
            )
            result = result_of(fr, spec.field.scenarios())
            table = pd.DataFrame([result.summary], index=pd.Index(["platform"], name="platform"))
        else:
            table = _compare(spec.field, spec.platforms, shards, size, hosts)
    with pd.option_context("display.width", 200, "display.max_columns", 40):
        print(table.T.to_string(float_format=lambda x: f"{x:.4g}"))
    if directory is not None:
        print(f"wrote {directory}/ (cisim report {directory} writes its report)", file=sys.stderr)
    elif args.out is not None:
        write_csv(table.reset_index(), args.out, index=False)
        print(f"wrote {args.out}", file=sys.stderr)
    return EXIT_OK


def _digest(path: Path) -> str:
    """The SHA-256 of a field file's text (what its results directory records)."""
    import hashlib

    return hashlib.sha256(path.read_text(encoding="utf-8").encode()).hexdigest()

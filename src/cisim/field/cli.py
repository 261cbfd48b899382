"""``cisim field FILE.toml``: run a field file's platforms on its cities and print the table.

With one ``[platform]`` the table has its outcomes; with ``[platforms.NAME]`` tables, each
platform's outcomes and its effect against no platform on the same cities. ``--out`` writes the
table as CSV. Bad input exits with 2 and one line (the CLI's :class:`~cisim.errors.CisimError`
handling).
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
        help="threads running the cities (results do not depend on it)",
    )  # fmt: skip
    cmd.add_argument("--out", type=Path, default=None, help="write the table to this .csv file")
    cmd.set_defaults(handler=field_command)


def field_command(args: argparse.Namespace) -> int:
    """Run the file's platforms; print the outcomes (and effects) as a table."""
    import pandas as pd

    from cisim.field import compare, field
    from cisim.field.config import load
    from cisim.io import write_csv

    spec = load(args.file)
    shards = args.workers
    if len(spec.platforms) == 1 and "platform" in spec.platforms:
        result = field(spec.field, spec.platforms["platform"], shards=shards, workers=shards)
        table = pd.DataFrame([result.summary], index=pd.Index(["platform"], name="platform"))
    else:
        table = compare(spec.field, spec.platforms, shards=shards, workers=shards)
    with pd.option_context("display.width", 200, "display.max_columns", 40):
        print(table.T.to_string(float_format=lambda x: f"{x:.4g}"))
    if args.out is not None:
        write_csv(table.reset_index(), args.out, index=False)
        print(f"wrote {args.out}", file=sys.stderr)
    return EXIT_OK

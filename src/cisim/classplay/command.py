"""``cisim class``: open a class that plays.

::

    cisim class [--host 127.0.0.1] [--port 8766] [--students 30] [--months 24]
                [--time-limit 45] [--pace 3] [--seed 1]

Prints the teacher's address (with the teacher's key after ``#``) and the students' join address
and code, then serves until Ctrl-C. It listens on 127.0.0.1 (this machine only) unless ``--host``
says otherwise; for students' phones on the same network use ``--host 0.0.0.0``, and it warns
that the class is then reachable by others on the network. Bad input (a port, a host, a time
limit out of range) is one line naming the option, the value and what is allowed, exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from cisim.errors import CisimError

__all__ = ["class_command", "register"]

DEFAULT_PORT = 8766
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _number(kind: type, least: float, most: float, what: str) -> Callable[[str], float]:
    """An argparse type: a number of ``kind`` from ``least`` to ``most``."""

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or not least <= value <= most or value != value:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not allowed: {what} from {least:g} to {most:g}"
            )
        return value

    return parse


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``class`` subcommand to the ``cisim`` parser."""
    play = commands.add_parser(
        "class",
        help="open a class that plays: students decide for organisations from their phones",
        description="Serve a participatory class until Ctrl-C: each student joins with a code "
        "and plays an organisation; when it meets a setback they decide to learn or to blame "
        "(and whom) and how much to put in.",
    )
    play.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this "
        "machine only; 0.0.0.0 lets phones on the same network join)",
    )  # fmt: skip
    play.add_argument(
        "--port", type=_number(int, 0, 65535, "a whole number"), default=DEFAULT_PORT,
        help=f"port (default {DEFAULT_PORT}; 0: a free one)",
    )  # fmt: skip
    play.add_argument(
        "--students", type=_number(int, 2, 60, "a whole number"), default=30,
        help="seats: one organisation per student (default 30)",
    )  # fmt: skip
    play.add_argument(
        "--months", type=_number(int, 1, 120, "a whole number"), default=24,
        help="months the class plays (default 24)",
    )  # fmt: skip
    play.add_argument(
        "--time-limit", type=_number(float, 1, 600, "a number of seconds"), default=45.0,
        help="seconds a student has to decide before the model decides (default 45)",
    )  # fmt: skip
    play.add_argument(
        "--pace", type=_number(float, 0.5, 600, "a number of seconds"), default=3.0,
        help="seconds between months when no one is deciding (default 3)",
    )  # fmt: skip
    play.add_argument(
        "--seed", type=_number(int, 0, 2**63 - 1, "a whole number"), default=1,
        help="the engine's seed (default 1)",
    )  # fmt: skip
    play.set_defaults(handler=class_command)


def class_command(args: argparse.Namespace) -> int:
    """Serve the class until interrupted."""
    for module in ("starlette", "uvicorn", "segno"):
        import importlib.util

        if importlib.util.find_spec(module) is None:
            raise CisimError(
                f"cisim class needs the 'app' extra, which is not installed (no module "
                f"{module!r}): pip install 'cisim-collab[app]'"
            )
    from cisim.classplay.serve import serve

    return serve(
        args.host,
        int(args.port),
        students=int(args.students),
        months=int(args.months),
        time_limit=float(args.time_limit),
        pace=float(args.pace),
        seed=int(args.seed),
        out=sys.stdout,
    )

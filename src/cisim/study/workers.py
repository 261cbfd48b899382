"""How many worker processes a comparison uses: by the job's size, and never from a script that
would start them again.

Worker processes are started with ``spawn`` (safe with threads and in notebooks). Each must start
Python, import cisim and load the compiled engine before it runs anything: about 4 s on the
project's machine, against about 1.2 ms per run of 120 months in the parent. A small job is
therefore faster serially: :func:`choose_workers` runs a job serially below
:data:`SERIAL_BELOW_RUN_MONTHS` run-months unless the caller asked for a number of workers, and
otherwise uses every core.

``spawn`` runs the calling script again in each worker. A script whose call is not under
``if __name__ == "__main__":`` would start workers from each worker, which Python refuses with a
long traceback per worker. :func:`unguarded_call` recognises that case from the script's source;
the job then runs serially with one short warning saying how to use the workers.
"""

from __future__ import annotations

import ast
import os
import sys
import warnings
from functools import cache
from pathlib import Path
from types import FrameType

from cisim.errors import CisimWarning

#: Run-months (runs x months each) below which a job runs serially when no number of workers is
#: asked for. Measured with ``benchmarks/bench_workers.py`` on two cores: 2,500 runs of 120 months
#: took 3.1 s serially and 8.0 s on two workers; 10,000 runs 56.5 s and 57.8 s (the machine
#: loaded). Two workers start in about 4 s and can at best halve about 1.2 ms a run, so they pay
#: off beyond some 7,000 runs of 120 months; the threshold is 10,000 such runs.
SERIAL_BELOW_RUN_MONTHS = 1_200_000


def choose_workers(requested: int | None, run_months: int) -> int:
    """The worker processes to use for a job of ``run_months``.

    ``requested`` is honoured when given (``None``: serial below
    :data:`SERIAL_BELOW_RUN_MONTHS`, else every core), except from a script whose call is not
    under ``if __name__ == "__main__":``, which always runs serially (with a warning).
    """
    wanted = requested if requested is not None else _by_size(run_months)
    if wanted > 1 and (where := unguarded_call()) is not None:
        path, line = where
        registry = vars(sys.modules["__main__"]).setdefault("__warningregistry__", {})
        warnings.warn_explicit(  # shown at the script's line, not inside cisim
            f"running on 1 worker, not {wanted}: this call is outside "
            "'if __name__ == \"__main__\":', and worker processes would run the script again; "
            "put it under that guard to use more workers",
            CisimWarning,
            filename=path,
            lineno=line,
            module="__main__",
            registry=registry,
        )
        return 1
    return wanted


def _by_size(run_months: int) -> int:
    if run_months < SERIAL_BELOW_RUN_MONTHS:
        return 1
    return os.cpu_count() or 1


def unguarded_call() -> tuple[str, int] | None:
    """The script and line that called us outside ``if __name__ == "__main__":`` (so that
    spawned workers would call us again); ``None`` in a notebook, the REPL, ``python -c`` or for
    a guarded call."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if not path or not Path(path).is_file():
        return None
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        code = frame.f_code
        if code.co_name == "<module>" and frame.f_globals.get("__name__") == "__main__":
            if _same_file(code.co_filename, path) and not _guarded(path, frame.f_lineno):
                return path, frame.f_lineno
            return None
        frame = frame.f_back
    return None


def _same_file(a: str, b: str) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


def _guarded(path: str, line: int) -> bool:
    """Whether ``line`` of the script lies under an ``if __name__ == "__main__":``."""
    return any(first <= line <= last for first, last in _guarded_lines(path))


@cache
def _guarded_lines(path: str) -> tuple[tuple[int, int], ...]:
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return ((0, sys.maxsize),)  # cannot tell: trust the script
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_main_test(node.test) and node.body:
            spans.append((node.body[0].lineno, node.body[-1].end_lineno or node.lineno))
    return tuple(spans)


def _is_main_test(test: ast.expr) -> bool:
    """``__name__ == "__main__"`` (either way round)."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return False
    if not isinstance(test.ops[0], ast.Eq):
        return False
    sides = [test.left, test.comparators[0]]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
    texts = [s for s in sides if isinstance(s, ast.Constant) and s.value == "__main__"]
    return len(names) == 1 and len(texts) == 1

"""SIGTERM ends a command the way Ctrl-C does: cleanly, recorded, with nothing half-written.

A service manager, ``timeout``, a batch scheduler or ``kill`` stop a process with SIGTERM, whose
default action ends it at once: no ``finally`` runs, so a sweep's manifest would not record the
stop and an output's temporary directory would stay. :func:`terminated_as_interrupt` turns
SIGTERM into :class:`Terminated` (a :class:`KeyboardInterrupt`), so every clean-up written for
Ctrl-C runs for it too; the command then exits with 143 (128 + SIGTERM).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

#: The exit code of a command stopped by SIGTERM (the shell's convention: 128 + 15).
EXIT_TERMINATED = 128 + signal.SIGTERM


class Terminated(KeyboardInterrupt):
    """The process received SIGTERM (``reason`` is what a sweep's manifest records)."""

    reason = "SIGTERM"


@contextlib.contextmanager
def terminated_as_interrupt() -> Iterator[list[int]]:
    """Raise :class:`Terminated` in the main thread on SIGTERM while the block runs.

    Yields a list that holds the signal number once SIGTERM arrived (empty otherwise). Outside
    the main thread (where Python cannot install handlers) it changes nothing.
    """
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        if not received:  # a second SIGTERM during clean-up does not cut it short
            received.append(signum)
            raise Terminated()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield received
    finally:
        signal.signal(signal.SIGTERM, previous)

"""Progress on the terminal: a bar of the work done, its rate and what is left (tqdm).

The bar is drawn on standard error only when it is a terminal, so logs and pipes stay clean; the
commands say in one line what they are doing before any long step, so no wait is silent.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def progress_bar(
    total: int, name: str, *, unit: str = "run", initial: int = 0, enabled: bool = True
) -> Iterator[Callable[[int], object]]:
    """A tqdm bar of ``total`` units (done/total, rate, ETA); yields its ``update``.

    A no-op when ``enabled`` is false or standard error is not a terminal.
    """
    if not enabled or not sys.stderr.isatty():
        yield lambda n: None
        return
    from tqdm import tqdm

    with tqdm(
        total=total,
        initial=initial,
        unit=unit,
        desc=name,
        dynamic_ncols=True,
        smoothing=0.1,
        file=sys.stderr,
    ) as bar:
        yield bar.update


@contextlib.contextmanager
def heartbeat(message: str, *, first: float = 3.0, every: float = 10.0) -> Iterator[None]:
    """Say ``message`` on standard error if the block takes more than ``first`` seconds, then
    how long it has taken every ``every`` seconds, so that a long wait is never silent."""
    stop = threading.Event()
    started = time.perf_counter()
    command = message.split(":", 1)[0]

    def beat() -> None:
        if stop.wait(first):
            return
        print(message, file=sys.stderr, flush=True)
        while not stop.wait(every):
            elapsed = time.perf_counter() - started
            print(f"{command}: still working ({elapsed:.0f} s)", file=sys.stderr, flush=True)

    thread = threading.Thread(target=beat, name="cisim-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def compiled_engine(command: str) -> None:
    """Load the engine's compiled step, compiling it first if numba's cache does not hold it
    (once after an install or an update: a minute or more, said on standard error)."""
    from cisim import engine

    with heartbeat(
        f"cisim {command}: compiling the engine (once after an install or an update of cisim; "
        "a minute or more)"
    ):
        engine.warm()

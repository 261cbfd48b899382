"""Progress on the terminal: a bar of the work done, its rate and what is left (tqdm).

The bar is drawn on standard error only when it is a terminal, so logs and pipes stay clean; the
commands say in one line what they are doing before any long step, so no wait is silent.
"""

from __future__ import annotations

import contextlib
import sys
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

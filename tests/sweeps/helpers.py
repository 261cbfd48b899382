"""Executors and comparisons for the sweep tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd

from cisim.study.sweeps import SerialExecutor, load


class CountingExecutor(SerialExecutor):
    """Runs tasks inline and counts them; raises KeyboardInterrupt at submission ``stop_at``."""

    def __init__(self, stop_at: int | None = None) -> None:
        super().__init__()
        self.submitted = 0
        self.stop_at = stop_at

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        if self.stop_at is not None and self.submitted == self.stop_at:
            raise KeyboardInterrupt
        self.submitted += 1
        return super().submit(fn, *args, **kwargs)


class PendingCounter(ThreadPoolExecutor):
    """A thread pool that records the most futures ever pending (submitted, not yet handed back).

    A future counts as pending from submission until the sweep has taken its result.
    """

    def __init__(self, workers: int) -> None:
        super().__init__(max_workers=workers)
        self.lock = threading.Lock()
        self.pending = 0
        self.most = 0
        self.submitted = 0

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = super().submit(fn, *args, **kwargs)
        with self.lock:
            self.pending += 1
            self.submitted += 1
            self.most = max(self.most, self.pending)
        original = future.result

        def result(timeout: float | None = None) -> Any:
            value = original(timeout)
            with self.lock:
                self.pending -= 1
            return value

        future.result = result  # type: ignore[method-assign]
        return future


def assert_same_sweep(a: Path, b: Path) -> None:
    """Two sweep directories hold exactly the same design, runs and trajectories."""
    first, second = load(a), load(b)
    pd.testing.assert_frame_equal(first.design, second.design, check_exact=True)
    pd.testing.assert_frame_equal(first.runs, second.runs, check_exact=True)
    pd.testing.assert_frame_equal(first.trajectories(), second.trajectories(), check_exact=True)

"""Where a sweep's tasks run: inline, in a process pool, or on a Dask cluster.

:func:`open_executor` gives an executor and its size. The sweep's own process pool starts its
workers with ``spawn``; a worker ignores Ctrl-C (the parent stops the sweep cleanly) and never
outlives its parent (:func:`die_with_parent`): a sweep killed even with SIGKILL leaves no worker
behind.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any, ParamSpec, TypeVar

from cisim.errors import one_line, shown
from cisim.study.sweeps.record import SweepError

P = ParamSpec("P")
T = TypeVar("T")


# ---- executors -------------------------------------------------------------------------------
class SerialExecutor(Executor):
    """An executor that runs each task inline when it is submitted (no parallelism)."""

    def __init__(self) -> None:
        self._shutdown = False
        self._max_workers = 1

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        """Run ``fn(*args, **kwargs)`` now; return a finished future."""
        if self._shutdown:
            raise RuntimeError("cannot schedule new futures after shutdown")
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:
            future.set_exception(exc)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Refuse further tasks."""
        self._shutdown = True


def _worker_init(parent: int) -> None:
    """Worker initializer: the parent handles Ctrl-C (it stops the sweep cleanly and ends its
    workers), and a worker never outlives its parent (see :func:`die_with_parent`). SIGTERM keeps
    its default: the pool itself ends a broken pool's workers with it, and waits for them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent)


def die_with_parent(parent: int) -> None:
    """End this process as soon as process ``parent`` is gone (killed, even with SIGKILL).

    On Linux the kernel sends SIGKILL when the parent dies (``prctl(PR_SET_PDEATHSIG)``); on
    every system a thread checks once a second that the parent is still this process's parent.
    """
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="cisim-parent-watch", daemon=True).start()


_PR_SET_PDEATHSIG = 1


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes started with ``spawn`` (safe with threads and Jupyter)."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_init,
        initargs=(os.getpid(),),
    )


@contextlib.contextmanager
def _pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool, shut down at the end; stopped at once (workers ended) on an error."""
    pool = process_pool(workers)
    try:
        yield pool
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown(wait=True)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel what waits and end the workers (finished shards are already on disk).

    Then wait (at most :data:`_MANAGER_JOIN_S`) for the pool's manager thread, which closes the
    pool's wake-up pipe once it sees the workers gone. Exiting before it has done so races with
    the interpreter's own clean-up of process pools, which can write to the pipe just closed and
    print "Exception ignored ... Bad file descriptor" after the command's one-line message (seen
    on CPython 3.12.1; 3.13.0 has the same unlocked check).
    """
    manager = getattr(pool, "_executor_manager_thread", None)  # no public way to wait for it
    kill = getattr(pool, "kill_workers", None)  # Python >= 3.14
    if kill is not None:
        kill()
    else:
        processes = dict(getattr(pool, "_processes", None) or {})  # no public way before 3.14
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes.values():
            process.kill()
    if manager is not None:
        manager.join(timeout=_MANAGER_JOIN_S)


#: How long a stopped pool's manager thread may take to notice its workers are gone.
_MANAGER_JOIN_S = 10.0


@contextlib.contextmanager
def open_executor(
    workers: int | None = None, dask: str | None = None
) -> Iterator[tuple[Executor, int]]:
    """An executor and its number of workers, closed afterwards.

    Parameters
    ----------
    workers
        Processes (default: every core). One worker and no Dask means :class:`SerialExecutor`.
    dask
        ``"local"`` starts a Dask ``LocalCluster`` of ``workers`` processes on 127.0.0.1 for the
        run; any other value is the address of a running Dask scheduler.
    """
    n = workers or os.cpu_count() or 1
    if dask is None:
        if n == 1:
            yield SerialExecutor(), 1
            return
        with _pool(n) as pool:
            yield pool, n
        return
    with _dask_executor(dask, n) as (executor, size):
        yield executor, size


@contextlib.contextmanager
def _dask_executor(address: str, workers: int) -> Iterator[tuple[Executor, int]]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise SweepError(
            "--dask needs Dask: pip install 'cisim-collab[dask]' (dask[distributed])"
        ) from None
    with contextlib.ExitStack() as stack:
        if address == "local":
            stack.enter_context(_engine_friendly_dask_config())
            with _sigint_ignored_by_children():
                cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    host="127.0.0.1",
                    silence_logs=logging.ERROR,  # not the workers' notes on cancelled tasks
                    # no dashboard, and its health endpoint on any free port (not 8787)
                    scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                )
            stack.enter_context(cluster)
            client = stack.enter_context(Client(cluster))
        else:
            client = stack.enter_context(_connect(Client, address))
        size = max(1, sum(client.nthreads().values()))
        yield client.get_executor(pure=False), size


@contextlib.contextmanager
def _sigint_ignored_by_children() -> Iterator[None]:
    """Ignore Ctrl-C while worker processes start, so that they inherit ignoring it.

    Ctrl-C reaches every process of the terminal's group; the sweep (the parent) handles it
    and closes the cluster, so workers need not print their own tracebacks.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def _engine_friendly_dask_config() -> Iterator[None]:
    """Dask settings for the workers a ``LocalCluster`` spawns.

    Dask starts its workers with ``MALLOC_TRIM_THRESHOLD_=65536``, which makes glibc hand memory
    back to the system after nearly every NumPy temporary: the engine (many small arrays a month)
    then runs about three times slower. ``None`` unsets it. A Dask nanny also writes its
    variables into the environment of the process that starts it (``os.environ.update``), where
    later workers would inherit them, so the variable is also kept out of this process's
    environment while the cluster runs. (Workers of a cluster started elsewhere keep their own
    settings: start them with ``MALLOC_TRIM_THRESHOLD_`` unset, or set this key to null in their
    Dask configuration.)
    """
    import dask

    saved = os.environ.pop("MALLOC_TRIM_THRESHOLD_", None)
    try:
        with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}):
            yield
    finally:
        os.environ.pop("MALLOC_TRIM_THRESHOLD_", None)
        if saved is not None:
            os.environ["MALLOC_TRIM_THRESHOLD_"] = saved


def _connect(client_type: Any, address: str) -> Any:
    try:
        return client_type(address, timeout="20s")
    except (OSError, ValueError, TypeError) as exc:  # unreachable, or not an address at all
        raise SweepError(
            f"--dask = {shown(address)} is not allowed: the address of a running Dask scheduler "
            f"(such as tcp://127.0.0.1:8786) or 'local' ({one_line(str(exc), 300)})"
        ) from None

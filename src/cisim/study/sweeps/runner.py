"""Running a sweep through any :class:`concurrent.futures.Executor`.

:func:`run_sweep` builds the design, opens the sweep directory (resuming it if it holds the same
experiment), and sends the unfinished tasks to an executor, at most a few per worker at a time;
each result is written as it arrives, so memory stays flat however many runs there are. The
executor can be :class:`SerialExecutor` (inline), a process pool (the default, one process per
core) or a Dask cluster (:func:`open_executor` with ``dask="local"`` or an address). Results depend
only on the experiment: every executor writes the same tables.

Who writes the shards (``writer``): with a process pool or a Dask cluster each worker writes its
own task's shards and checksum file into the sweep directory and sends back a small receipt, which
this process checks before counting the task; this process writes only the manifest, so it is not
the bottleneck of a large cluster. Run inline (:class:`SerialExecutor`, one worker) this process
writes them itself, and ``writer="parent"`` makes it do so on any executor (the workers send their
tables back, as before issue 16): the choice for a cluster whose workers do not share a file
system with this process. Either way the files are the same bytes.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from concurrent.futures.process import BrokenProcessPool, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, ParamSpec, TypeVar

from cisim.present.progress import compiled_engine, progress_bar
from cisim.study.memory import check_design
from cisim.study.sweeps.designs import design_table, n_points
from cisim.study.sweeps.executors import (  # noqa: F401 - re-exported
    SerialExecutor,
    die_with_parent,
    open_executor,
    process_pool,
)
from cisim.study.sweeps.experiment import Experiment
from cisim.study.sweeps.store import (
    Receipt,
    ShardWriter,
    SweepError,
    SweepStore,
    open_store,
    remove_temporaries,
)
from cisim.study.sweeps.tasks import Task, TaskResult, iter_tasks, run_task

P = ParamSpec("P")
T = TypeVar("T")

#: Who writes a task's shards: the sweep's own process, or the worker that ran the task.
Writer = Literal["parent", "workers"]
WRITERS: tuple[Writer, ...] = ("parent", "workers")

#: Tasks in flight per worker: enough to keep workers busy, few enough to keep memory flat.
IN_FLIGHT_PER_WORKER = 2
#: Times a task lost with its worker (a Dask ``KilledWorker``) is sent again before giving up.
TASK_RETRIES = 2
#: Times the sweep's own process pool is started again after a worker process died.
POOL_RESTARTS = 3

#: A sweep is stalled when no task has finished for this long (seconds): the larger of
#: ``STALL_FLOOR`` and ``STALL_FACTOR`` times the longest wait between two finished tasks so far,
#: or ``STALL_FIRST`` before the first (a worker's start may include compiling the engine).
#: ``CISIM_STALL_SECONDS`` sets a fixed limit instead. A stopped (SIGSTOP) or hung worker then
#: costs one pool restart, not the whole sweep.
STALL_FLOOR, STALL_FACTOR, STALL_FIRST = 300.0, 20.0, 1800.0


class SweepInterrupted(KeyboardInterrupt):
    """A sweep stopped by Ctrl-C; its finished runs are kept (the message says how to resume)."""


@dataclass(frozen=True)
class SweepSummary:
    """What one call of :func:`run_sweep` did.

    Attributes
    ----------
    path
        The sweep directory.
    runs, tasks
        The sweep's size.
    runs_before
        Runs already finished when this session started (kept from an earlier one).
    runs_now
        Runs this session ran.
    redone
        Damaged shards found and run again.
    seconds
        Wall time of this session.
    """

    path: Path
    runs: int
    tasks: int
    runs_before: int
    runs_now: int
    redone: int
    seconds: float

    @property
    def rate(self) -> float:
        """Runs per second in this session."""
        return self.runs_now / self.seconds if self.seconds > 0 else float("nan")


# ---- running ---------------------------------------------------------------------------------
def run_sweep(
    experiment: Experiment | str | Path,
    out: str | Path,
    executor: Executor | None = None,
    workers: int | None = None,
    progress: bool = True,
    *,
    command: str | None = None,
    writer: Writer | None = None,
) -> SweepSummary:
    """Run (or resume) an experiment's sweep into ``out``.

    Parameters
    ----------
    experiment
        An :class:`Experiment`, or the path of an experiment file.
    out
        The sweep directory (created, or resumed when it holds the same experiment). When the
        workers write the shards (below) it must be a directory every worker sees at this path:
        on a Dask cluster of several machines, a path on a shared file system (object store
        paths such as ``s3://`` are not supported).
    executor
        Where tasks run. ``None``: a process pool of ``workers`` processes, closed at the end.
        A given executor is used as it is and left open.
    workers
        Worker count: the pool's size, and with a given executor the number of tasks kept in
        flight is ``2 * workers`` (default: the executor's ``_max_workers`` or the cores).
    progress
        Show a progress bar (runs done, rate, ETA) on a terminal.
    command
        The command line, for the manifest.
    writer
        Who writes each task's shards and checksum file. ``"workers"``: the worker that ran the
        task, which sends back only a receipt (this process checks it and writes the manifest).
        ``"parent"``: this process, from the tables the workers send back (for workers that
        cannot see ``out``). ``None`` (default): ``"workers"``, except on a
        :class:`SerialExecutor`, which runs tasks in this process anyway. The files are the same
        bytes either way.

    Raises
    ------
    SweepInterrupted
        On Ctrl-C, after the finished tasks are written (run again to resume).
    SweepError
        If the directory is in use or holds another sweep, a worker died, or a worker cannot
        see the sweep directory (use ``writer="parent"``).
    """
    if writer is not None and writer not in WRITERS:
        raise SweepError(f"writer = {writer!r} is not allowed: 'parent', 'workers' or None")
    if not isinstance(experiment, Experiment):
        experiment = Experiment.from_toml(experiment)
    start = time.perf_counter()
    check_design(n_points(experiment), len(experiment.factors))
    design = design_table(experiment)
    with open_store(out, experiment, design, command=command) as store:
        before = store.runs_done
        try:
            _run_with_restarts(store, experiment, design, executor, workers, progress, writer)
        except SweepInterrupted:
            raise
        except KeyboardInterrupt as exc:  # between pools: recorded like one during a pool
            store.finish_quietly(stopped=getattr(exc, "reason", "interrupted (Ctrl-C)"))
            raise SweepInterrupted(_resume_hint(store)) from None
        return SweepSummary(
            path=Path(out),
            runs=store.manifest["runs"],
            tasks=store.manifest["tasks"],
            runs_before=before,
            runs_now=store.runs_done - before,
            redone=store.redone,
            seconds=time.perf_counter() - start,
        )


def _run_with_restarts(
    store: SweepStore,
    experiment: Experiment,
    design: Any,
    executor: Executor | None,
    workers: int | None,
    progress: bool,
    writer: Writer | None = None,
) -> None:
    if len(store.done) == store.manifest["tasks"]:  # nothing left to run: no pool to start
        store.finish(complete=True)
        return
    if experiment.model == "cisim" and progress:
        compiled_engine("sweep")  # once here, not in every worker at the same time
    for restart in range(POOL_RESTARTS + 1):
        tasks = iter_tasks(experiment, design, skip=store.done)
        try:
            with _cleaned_up(store), _executor(executor, workers) as (pool, size):
                chosen = writer or _default_writer(pool)
                store.manifest["sessions"][-1]["shards_by"] = chosen
                _run_tasks(store, tasks, pool, size * IN_FLIGHT_PER_WORKER, progress, chosen)
            return
        except _PoolBroken as exc:
            # our own pool: start a new one and go on with the unfinished tasks
            if executor is not None or restart == POOL_RESTARTS:
                raise _pool_error(exc.__cause__, store) from None
            _log.warning(
                "a worker process died or stalled; restarting the pool (%s)", exc.__cause__
            )


def _default_writer(executor: Executor) -> Writer:
    """Workers write their own shards, except where they are this process anyway."""
    return "parent" if isinstance(executor, SerialExecutor) else "workers"


@contextlib.contextmanager
def _cleaned_up(store: SweepStore) -> Iterator[None]:
    """On a failure, once the executor is closed (our own pool's workers ended), remove the
    temporary files a worker ended mid-write left (resuming would remove them too)."""
    try:
        yield
    except BaseException:
        with contextlib.suppress(OSError):
            remove_temporaries(store.path)
        raise


@contextlib.contextmanager
def _executor(executor: Executor | None, workers: int | None) -> Iterator[tuple[Executor, int]]:
    if executor is None:
        with open_executor(workers) as pair:
            yield pair
        return
    size = workers or getattr(executor, "_max_workers", None) or os.cpu_count() or 1
    yield executor, int(size)


class _PoolBroken(Exception):
    """A process pool lost a worker process (the cause is the ``BrokenProcessPool``)."""


_log = logging.getLogger(__name__)


def _pool_error(cause: BaseException | None, store: SweepStore) -> SweepError:
    return SweepError(
        f"a worker process died ({cause}); {_resume_hint(store)}. (A script that starts a "
        "sweep on a process pool must do so under 'if __name__ == \"__main__\":'.)"
    )


def _lost_worker(exc: BaseException) -> bool:
    """Whether a task failed because its worker was lost (not because of the task itself)."""
    return type(exc).__name__ == "KilledWorker"


def _run_tasks(
    store: SweepStore,
    tasks: Iterable[Task],
    executor: Executor,
    limit: int,
    progress: bool,
    writer: Writer = "parent",
) -> None:
    total, done_runs = store.manifest["runs"], store.runs_done
    work: Callable[[Task], TaskResult | Receipt] = run_task
    if writer == "workers":
        # absolute: a worker's working directory need not be this process's
        work = ShardWriter(str(store.path.absolute()), bool(store.experiment.trajectories))
    with _progress_bar(total, done_runs, store.experiment.name, progress) as bar:

        def record(outcome: TaskResult | Receipt) -> None:
            if isinstance(outcome, Receipt):
                store.accept(outcome)  # the worker wrote the shards: check them
                runs = outcome.runs
            else:
                store.write(outcome)
                runs = outcome.runs.num_rows
            store.done = store.done | {outcome.index}  # a set: a task counts once
            bar(runs)

        try:
            drain(
                executor,
                work,
                tasks,
                record,
                limit=limit,
                retries=TASK_RETRIES,
                retry_if=_lost_worker,
                stall=StallClock(),
            )
        except Stalled as exc:  # a stopped or hung worker: our own pool is ended and restarted
            store.finish_quietly()
            if isinstance(executor, ProcessPoolExecutor):
                raise _PoolBroken() from exc
            raise SweepError(
                f"{exc}: a worker may be stopped or hung; {_resume_hint(store)}"
            ) from None
        except KeyboardInterrupt as exc:
            store.finish_quietly(stopped=getattr(exc, "reason", "interrupted (Ctrl-C)"))
            raise SweepInterrupted(_resume_hint(store)) from None
        except BrokenProcessPool as exc:
            store.finish_quietly()
            raise _PoolBroken() from exc
        except SweepError as exc:  # the disk refused a shard (here or on a worker)
            store.finish_quietly()
            raise type(exc)(f"{exc}; {_resume_hint(store)}") from None  # a disk error stays one
        except Exception as exc:
            store.finish_quietly()
            if _lost_worker(exc):
                raise SweepError(f"Dask lost its workers ({exc}); {_resume_hint(store)}") from None
            raise
    store.finish(complete=len(store.done) == store.manifest["tasks"])


def _resume_hint(store: SweepStore) -> str:
    return (
        f"{store.runs_done:,} of {store.manifest['runs']:,} runs are kept in {store.path}; "
        "run the same command again to resume"
    )


class Stalled(Exception):
    """No task finished within the stall limit (:class:`StallClock`)."""


class StallClock:
    """How long to wait for the next finished task before calling the sweep stalled."""

    def __init__(self) -> None:
        self.last = time.monotonic()
        self.longest = 0.0
        fixed = os.environ.get("CISIM_STALL_SECONDS", "")
        self.fixed = float(fixed) if fixed.replace(".", "", 1).isdigit() else None

    def limit(self) -> float:
        """Seconds to wait from the last finished task."""
        if self.fixed is not None:
            return self.fixed
        if self.longest == 0.0:
            return STALL_FIRST
        return max(STALL_FLOOR, STALL_FACTOR * self.longest)

    def finished(self) -> None:
        """A task finished now."""
        now = time.monotonic()
        self.longest = max(self.longest, now - self.last)
        self.last = now


def drain[T](
    executor: Executor,
    fn: Callable[[Any], T],
    items: Iterable[Any],
    on_result: Callable[[T], None],
    *,
    limit: int,
    retries: int = 0,
    retry_if: Callable[[BaseException], bool] = lambda exc: False,
    stall: StallClock | None = None,
) -> None:
    """Submit ``fn(item)`` for every item with at most ``limit`` futures pending at a time.

    Each result is handed to ``on_result`` as soon as its future finishes (in completion order).
    An item whose future fails with an exception for which ``retry_if`` is true (its worker was
    lost) is submitted again, at most ``retries`` times. If anything else goes wrong (an
    exception, Ctrl-C) the pending futures are cancelled and the exception propagates, after the
    results that had finished are handed over. With a ``stall`` clock, :class:`Stalled` is raised
    when no future finishes within its limit.
    """
    pending: dict[Future[T], tuple[Any, int]] = {}

    def submit(item: Any, tries: int) -> None:
        pending[executor.submit(fn, item)] = (item, tries)

    try:
        for item in items:
            while len(pending) >= max(1, limit):
                _collect(pending, on_result, submit, retries, retry_if, stall)
            submit(item, 0)
        while pending:
            _collect(pending, on_result, submit, retries, retry_if, stall)
    except BaseException:
        _cancel(pending)
        _salvage(pending, on_result)
        raise


def _cancel(pending: dict[Future[Any], Any]) -> None:
    for future in pending:
        future.cancel()


def _salvage[T](pending: dict[Future[T], Any], on_result: Callable[[T], None]) -> None:
    """Hand over the results that finished anyway (so a stop loses no finished work).

    A failure while handing over (the disk is full) ends the salvage quietly: the exception
    that stopped the sweep is the one to report.
    """
    with contextlib.suppress(Exception):
        for future in list(pending):
            if future.done() and not future.cancelled() and future.exception() is None:
                on_result(future.result())
                del pending[future]


def _collect[T](
    pending: dict[Future[T], tuple[Any, int]],
    on_result: Callable[[T], None],
    submit: Callable[[Any, int], None],
    retries: int,
    retry_if: Callable[[BaseException], bool],
    stall: StallClock | None = None,
) -> None:
    """Wait for at least one future; hand over the finished ones (successes first), submit again
    the lost ones that may be retried; raise the first other failure (:class:`Stalled` if none
    finishes within the stall clock's limit)."""
    timeout = None if stall is None else max(0.0, stall.last + stall.limit() - time.monotonic())
    done, _ = wait(pending, timeout=timeout, return_when=FIRST_COMPLETED)
    if not done:
        raise Stalled(f"no task finished in {stall.limit() if stall else 0:.0f} s")
    if stall is not None:
        stall.finished()
    in_order = [future for future in pending if future in done]  # in submission order
    ordered = sorted(in_order, key=lambda f: f.cancelled() or f.exception() is not None)
    for future in ordered:
        error = None if future.cancelled() else future.exception()
        item, tries = pending[future]
        if error is not None and retry_if(error) and tries < retries:
            del pending[future]
            submit(item, tries + 1)
            continue
        result = future.result()  # raises the failure (or CancelledError)
        del pending[future]
        on_result(result)


def _progress_bar(
    total: int, initial: int, name: str, enabled: bool
) -> contextlib.AbstractContextManager[Callable[[int], object]]:
    """A tqdm bar of runs (done/total, runs/s, ETA) on a terminal; a no-op elsewhere."""
    return progress_bar(total, name, unit="run", initial=initial, enabled=enabled)

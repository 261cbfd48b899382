"""Faults injected on purpose: a sweep killed at random moments and at every write step, a worker
killed (process pool and Dask), a full or unwritable disk, shards damaged on disk, two sweeps in
one directory; and, where the workers write their own shards (issue 16), the sweep killed while
they write, a task lost after its worker wrote it, a worker's disk filling up, a worker that
cannot see the sweep directory. After each, the sweep either finishes with exactly the
uninterrupted table (no run lost, none doubled) or stops with one clear line; never a silently
wrong table.

The figures in ``docs/reliability.md`` count these tests' faults (see ``FAULTS`` at the end).
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import errno
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest

from cisim import cli, sweep_commands
from cisim.errors import SystemRefusal
from cisim.study.sweeps import SerialExecutor, SweepError, load, run_sweep, runner
from cisim.study.sweeps import store as store_module
from cisim.study.sweeps.record import SweepDiskError
from cisim.study.sweeps.runner import drain

from .helpers import (
    RUN,
    RUNS,
    SWEEP,
    TASKS,
    assert_same_files,
    assert_same_sweep,
    assert_whole,
    break_fsync_at,
    committed,
    kill,
    start,
    wait_for,
    write,
)

#: The seed of the moments the random-kill test picks, and how many kills it makes.
KILL_SEED, KILLS = 2026, 4


@pytest.fixture(scope="module")
def experiment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("experiment") / "faults.toml", SWEEP)


@pytest.fixture(scope="module")
def reference(experiment: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same sweep, run once without interruption."""
    out = tmp_path_factory.mktemp("reference") / "out"
    run_sweep(experiment, out, executor=SerialExecutor(), progress=False)
    return out


@pytest.fixture(scope="module")
def longer(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A sweep of twice as many tasks (36), and its uninterrupted run."""
    root = tmp_path_factory.mktemp("longer")
    path = write(root / "longer.toml", SWEEP.replace("replicates = 4", "replicates = 8"))
    run_sweep(path, root / "reference", executor=SerialExecutor(), progress=False)
    return path, root / "reference"


def _resume(experiment: Path, out: Path) -> Any:
    return run_sweep(experiment, out, executor=SerialExecutor(), progress=False)


# ---- SIGKILL -----------------------------------------------------------------------------------
def test_sigkill__at_random_moments_then_resume_equals_uninterrupted(
    longer: tuple[Path, Path], tmp_path: Path
) -> None:
    experiment, reference = longer
    rng = np.random.default_rng(KILL_SEED)
    out = tmp_path / "killed"
    for _ in range(KILLS):
        process = start(RUN, experiment, out)
        wait_for(out, committed(out) + int(rng.integers(1, 3)), process)
        time.sleep(float(rng.uniform(0.0, 0.1)))  # mid-task, mid-write or between tasks
        assert process.poll() is None, "the sweep finished before it could be killed"
        kill(process)
        partial = load(out, allow_incomplete=True)
        assert_whole(partial)  # what is kept is whole: no run doubled
        assert len(partial.runs) == 2 * committed(out) < 2 * RUNS
    summary = _resume(experiment, out)
    assert summary.runs_before + summary.runs_now == 2 * RUNS
    assert_same_sweep(out, reference)
    sessions = json.loads((out / "manifest.json").read_text())["sessions"]
    assert len(sessions) == KILLS + 1


#: Kills itself at one step of writing the 4th task (or the final manifest); ``argv``: file, out,
#: step.
KILL_AT_STEP = """
import os, signal, sys
import cisim.study.sweeps.store as store
from cisim.study.sweeps import SerialExecutor, run_sweep

step, seen = sys.argv[3], {"runs": 0, "sha256": 0}
write_bytes, write_text, write_manifest = (
    store._write_bytes_atomic, store.write_text_atomic, store._write_manifest
)

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def bytes_(data, path):
    if path.parent.name == "runs":
        seen["runs"] += 1
        if step == "mid-shard" and seen["runs"] == 4:
            path.with_name("." + path.name + ".tmp-deadbeef").write_bytes(data[: len(data) // 2])
            die()
    write_bytes(data, path)

def text(data, path):
    if path.suffix == ".sha256":
        seen["sha256"] += 1
        if step == "before-commit" and seen["sha256"] == 4:
            die()
    write_text(data, path)
    if step == "after-commit" and seen["sha256"] == 4:
        die()

def manifest(directory, data):
    if step == "final-manifest" and data["status"] == "complete":
        die()
    write_manifest(directory, data)

store._write_bytes_atomic, store.write_text_atomic, store._write_manifest = bytes_, text, manifest
run_sweep(sys.argv[1], sys.argv[2], executor=SerialExecutor(), progress=False)
"""
STEPS = {
    # step: tasks committed when the process dies
    "mid-shard": 3,  # the 4th task's runs shard half written to its temporary file
    "before-commit": 3,  # the 4th task's shards renamed into place, no checksum file yet
    "after-commit": 4,  # the 4th checksum written, the session not told
    "final-manifest": TASKS,  # every task done, the manifest not yet 'complete'
}


@pytest.mark.parametrize("step", sorted(STEPS))
def test_sigkill__at_each_write_step_then_resume_equals_uninterrupted(
    step: str, experiment: Path, reference: Path, tmp_path: Path
) -> None:
    out = tmp_path / "killed"
    process = start(KILL_AT_STEP, experiment, out, step)
    _, err = process.communicate(timeout=600)
    assert process.returncode == -signal.SIGKILL, err
    assert committed(out) == STEPS[step]
    partial = load(out, allow_incomplete=True)
    assert len(partial.runs) == 2 * STEPS[step]  # uncommitted shards are not read
    summary = _resume(experiment, out)
    assert summary.runs_before == 2 * STEPS[step]
    assert summary.redone == (1 if step == "before-commit" else 0)
    assert_same_sweep(out, reference)
    assert not list(out.rglob(".*.tmp-*"))


# ---- lost workers ------------------------------------------------------------------------------
def _spawned_workers(pid: int) -> list[Any]:
    psutil = pytest.importorskip("psutil")
    found = []
    for child in psutil.Process(pid).children(recursive=True):
        try:
            if "spawn_main" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.NoSuchProcess:  # ended meanwhile (the resource tracker, a worker)
            continue
    return found


def test_sigkill__of_a_sweep_whose_workers_write_then_resume_equals_uninterrupted(
    longer: tuple[Path, Path], tmp_path: Path
) -> None:
    """The parent killed while its pool's workers write shards: the workers die with it, what
    they committed is kept whole (counted by the resume, not by the dead parent), the rest is
    run again, and the files are the uninterrupted sweep's, byte for byte."""
    psutil = pytest.importorskip("psutil")
    experiment, reference = longer
    out = tmp_path / "killed"
    command = [sys.executable, "-m", "cisim", "sweep", str(experiment), "-o", str(out)]
    command += ["-w", "2", "--shards-by", "workers", "--no-progress"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(out, 3, process)
        workers = _spawned_workers(process.pid)
        assert workers and process.poll() is None, "the sweep finished before it could be killed"
    finally:
        kill(process)
    _, alive = psutil.wait_procs(workers, timeout=30)
    assert not alive, "workers outlived the sweep"
    kept = committed(out)
    assert 3 <= kept < 36
    partial = load(out, allow_incomplete=True)
    assert_whole(partial)
    summary = _resume(experiment, out)
    assert summary.runs_before == 2 * kept and summary.runs_now == 2 * (36 - kept)
    assert_same_sweep(out, reference)
    assert_same_files(out, reference)


# about 15-25 s each; the parent writing is the rarer set-up since issue 16
@pytest.mark.parametrize("shards_by", ["workers", pytest.param("parent", marks=pytest.mark.slow)])
def test_worker__a_killed_pool_worker_is_replaced_and_the_sweep_completes(
    shards_by: str, experiment: Path, reference: Path, tmp_path: Path
) -> None:
    out = tmp_path / "pool"
    command = ["-m", "cisim", "sweep", str(experiment), "-o", str(out), "-w", "2", "--no-progress"]
    command += ["--shards-by", shards_by]
    process = subprocess.Popen(
        [sys.executable, *command], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_for(out, 1, process)
        workers = _spawned_workers(process.pid)
        assert workers, "no pool workers found"
        os.kill(workers[0].pid, signal.SIGKILL)  # as the out-of-memory killer would
        _, err = process.communicate(timeout=600)
    finally:
        kill(process)
    assert process.returncode == 0, err
    assert "restarting the pool" in err
    assert_same_sweep(out, reference)
    assert_same_files(out, reference)


def test_worker__a_stopped_pool_worker_is_replaced_after_the_stall_limit(
    experiment: Path, reference: Path, tmp_path: Path
) -> None:
    """A worker stopped with SIGSTOP (or hung) holds its tasks forever: once no task has finished
    for the stall limit, the pool is ended (the stopped worker too) and a new one finishes."""
    out = tmp_path / "stopped"
    command = ["-m", "cisim", "sweep", str(experiment), "-o", str(out), "-w", "2", "--no-progress"]
    env = {**os.environ, "CISIM_STALL_SECONDS": "8"}
    process = subprocess.Popen(
        [sys.executable, *command], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=env,
    )  # fmt: skip
    stopped = None
    try:
        wait_for(out, 1, process)
        workers = _spawned_workers(process.pid)
        assert workers, "no pool workers found"
        stopped = workers[0]
        os.kill(stopped.pid, signal.SIGSTOP)
        _, err = process.communicate(timeout=600)
    finally:
        kill(process)
    assert process.returncode == 0, err
    assert "stalled; restarting the pool (no task finished in 8 s)" in err, err
    assert not stopped.is_running() or stopped.status() == "zombie"  # ended with the old pool
    assert_same_sweep(out, reference)


def test_worker__a_killed_dask_worker_loses_nothing(
    experiment: Path, reference: Path, tmp_path: Path
) -> None:
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=50,
    )
    out, failure = tmp_path / "dask", []
    with cluster, distributed.Client(cluster) as client:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")  # loopback only
        pids = client.run(os.getpid)
        assert all(address.startswith("tcp://127.0.0.1:") for address in pids)
        executor = client.get_executor(pure=False)

        def sweep() -> None:
            try:
                run_sweep(experiment, out, executor=executor, workers=2, progress=False)
            except BaseException as exc:  # reported below
                failure.append(exc)

        thread = threading.Thread(target=sweep)
        thread.start()
        deadline = time.monotonic() + 600
        while committed(out) < 1 and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.002)
        os.kill(next(iter(pids.values())), signal.SIGKILL)
        thread.join(timeout=600)
    assert not failure, failure
    assert committed(out) == TASKS
    assert_same_sweep(out, reference)
    assert_same_files(out, reference)  # written by the workers (the default on Dask)


class _KilledWorker(Exception):
    """Stands in for ``distributed.KilledWorker`` (the runner knows it by name)."""


_KilledWorker.__name__ = "KilledWorker"


class _LosingExecutor(SerialExecutor):
    """Runs tasks inline, but the first ``losses`` submissions of item ``victim`` are lost."""

    def __init__(self, victim: Callable[[Any], bool], losses: int) -> None:
        super().__init__()
        self.victim, self.losses, self.submitted = victim, losses, 0

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.submitted += 1
        if self.victim(args[0]) and self.losses > 0:
            self.losses -= 1
            future: Future[Any] = Future()
            future.set_exception(_KilledWorker("worker lost"))
            return future
        return super().submit(fn, *args, **kwargs)


def test_worker__a_lost_task_is_sent_again(
    experiment: Path, reference: Path, tmp_path: Path
) -> None:
    executor = _LosingExecutor(lambda task: task.index == 5, losses=2)
    run_sweep(experiment, tmp_path / "out", executor=executor, progress=False)
    assert executor.submitted == TASKS + 2
    assert_same_sweep(tmp_path / "out", reference)
    stubborn = _LosingExecutor(lambda task: task.index == 5, losses=3)
    with pytest.raises(SweepError, match=r"Dask lost its workers.*run the same command again"):
        run_sweep(experiment, tmp_path / "again", executor=stubborn, progress=False)
    kept = load(tmp_path / "again", allow_incomplete=True)
    assert_whole(kept)
    assert 0 < len(kept.runs) < RUNS
    _resume(experiment, tmp_path / "again")
    assert_same_sweep(tmp_path / "again", reference)


class _WroteThenLost(SerialExecutor):
    """Runs every task inline, but reports the first ``losses`` runs of item ``victim`` lost
    after they ran: a worker that wrote its task's shards and died before its receipt arrived."""

    def __init__(self, victim: int, losses: int) -> None:
        super().__init__()
        self.victim, self.losses, self.submitted = victim, losses, 0

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.submitted += 1
        future = super().submit(fn, *args, **kwargs)
        if args[0].index == self.victim and self.losses > 0:
            self.losses -= 1
            assert future.exception() is None  # its shards are written
            future = Future()
            future.set_exception(_KilledWorker("worker lost after writing"))
        return future


def test_worker__a_task_lost_after_its_worker_wrote_it_counts_once(
    experiment: Path, reference: Path, tmp_path: Path
) -> None:
    """Exactly once: the task is sent again and writes the same bytes under the same names."""
    executor = _WroteThenLost(victim=5, losses=2)
    out = tmp_path / "out"
    summary = run_sweep(experiment, out, executor=executor, progress=False, writer="workers")
    assert executor.submitted == TASKS + 2
    assert summary.runs_now == RUNS and committed(out) == TASKS
    assert_same_sweep(out, reference)
    assert_same_files(out, reference)


class _Elsewhere(SerialExecutor):
    """Runs tasks inline, but a worker that writes shards writes them into ``directory``: a
    worker on a machine that does not share the sweep's file system."""

    def __init__(self, directory: Path) -> None:
        super().__init__()
        self.directory = directory

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        if isinstance(fn, store_module.ShardWriter):
            fn = dataclasses.replace(fn, directory=str(self.directory))
        return super().submit(fn, *args, **kwargs)


def test_worker__a_worker_that_cannot_see_the_directory_is_one_line(
    experiment: Path, reference: Path, tmp_path: Path
) -> None:
    out, remote = tmp_path / "out", tmp_path / "remote"
    remote_worker = _Elsewhere(remote / "out")
    # the directory does not exist where the worker runs: it stops before running a task
    with pytest.raises(SweepError) as info:
        run_sweep(experiment, out, executor=remote_worker, progress=False, writer="workers")
    message = str(info.value)
    assert "cannot see the sweep directory" in message and "--shards-by parent" in message
    assert "0 of 36 runs are kept" in message and "\n" not in message
    assert not isinstance(info.value, SystemRefusal)  # the set-up's fault: exit code 2
    # a directory of that name exists there: the worker writes into it, and this process,
    # which does not find the task's files, stops before counting it
    for sub in ("runs", "trajectories", "checksums"):
        (remote / "out" / sub).mkdir(parents=True)
    with pytest.raises(SweepError) as info:
        run_sweep(experiment, out, executor=remote_worker, progress=False, writer="workers")
    message = str(info.value)
    assert "task 0's shards, written by a worker on" in message
    assert "(no checksums/task-000000.sha256)" in message and "--shards-by parent" in message
    assert "\n" not in message and committed(out) == 0
    # this process writes them: the sweep completes
    run_sweep(experiment, out, executor=remote_worker, progress=False, writer="parent")
    assert_same_files(out, reference)


def test_drain__retries_only_lost_workers() -> None:
    seen: list[int] = []
    with pytest.raises(ZeroDivisionError):
        drain(SerialExecutor(), lambda x: 1 // x, [1, 0, 2], seen.append, limit=1, retries=5)
    assert seen == [1]


class _Hung(concurrent.futures.Executor):
    """An executor whose tasks never finish (a stopped worker of someone else's cluster)."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        return Future()


def test_drain__no_task_finishing_within_the_limit_is_a_stall(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CISIM_STALL_SECONDS", "0.2")
    seen: list[int] = []
    started = time.monotonic()
    with pytest.raises(runner.Stalled, match="no task finished in 0 s"):
        drain(_Hung(), lambda x: x, [1, 2], seen.append, limit=2, stall=runner.StallClock())
    assert seen == [] and time.monotonic() - started < 5


def test_stall__on_a_given_executor_is_one_line_and_keeps_the_runs(
    experiment: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CISIM_STALL_SECONDS", "0.5")
    with pytest.raises(SweepError, match=r"may be stopped or hung; 0 of 36 runs are kept"):
        run_sweep(experiment, tmp_path / "hung", executor=_Hung(), workers=2, progress=False)
    assert load(tmp_path / "hung", allow_incomplete=True).manifest["runs"] == RUNS


def test_stall__the_limit_grows_with_the_slowest_wait() -> None:
    clock = runner.StallClock()
    clock.fixed = None
    assert clock.limit() == runner.STALL_FIRST
    clock.last -= 30.0  # a task took 30 s
    clock.finished()
    assert clock.limit() == pytest.approx(runner.STALL_FACTOR * 30.0, abs=10.0)
    clock.longest = 1.0
    assert clock.limit() == runner.STALL_FLOOR


# ---- the disk ----------------------------------------------------------------------------------
def _fail_fsync_at(monkeypatch: pytest.MonkeyPatch, call: int, code: int) -> None:
    """Make the ``call``-th ``os.fsync`` fail with ``code`` (after the bytes went to the file)."""
    real, count = os.fsync, [0]

    def fsync(fd: int) -> None:
        count[0] += 1
        if count[0] == call:
            raise OSError(code, os.strerror(code))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)


WRITERS = ["parent", "workers"]  # the worker's own writes run inline here (SerialExecutor)


@pytest.mark.parametrize("writer", WRITERS)
def test_disk__full_disk_stops_clearly_and_resumes(
    writer: Any,
    experiment: Path,
    reference: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "full"
    # 6 fsyncs open the sweep (manifest, experiment copy, design: each file, then its directory),
    # then 6 per task (trajectories, runs, checksum); call 39 is the runs shard of task 5
    _fail_fsync_at(monkeypatch, 39, errno.ENOSPC)
    with pytest.raises(SweepError) as info:
        run_sweep(experiment, out, executor=SerialExecutor(), progress=False, writer=writer)
    message = str(info.value)
    assert "No space left on device" in message and "free some space" in message
    assert "run the same command again to resume" in message and "\n" not in message
    assert not list(out.rglob(".*.tmp-*")), "a half-written file was left behind"
    kept = load(out, allow_incomplete=True)
    assert_whole(kept)
    assert 0 < len(kept.runs) < RUNS
    monkeypatch.undo()  # space freed
    _resume(experiment, out)
    assert_same_sweep(out, reference)


def test_disk__full_disk_under_a_worker_process_stops_clearly_and_resumes(
    experiment: Path, reference: Path, tmp_path: Path
) -> None:
    """The workers write the shards, and one's disk fills: the error crosses the process
    boundary as the same one line (the system's refusal: exit code 1), nothing half-written."""
    out = tmp_path / "full"
    pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=2,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=break_fsync_at,  # each worker's 9th fsync: the runs shard of its 2nd task
        initargs=(9, errno.ENOSPC),
    )
    with pool, pytest.raises(SweepError) as info:
        run_sweep(experiment, out, executor=pool, workers=2, progress=False)
    assert isinstance(info.value, SweepDiskError)
    message = str(info.value)
    assert message.startswith(f"cannot write {out / 'runs'}/task-0000")
    assert "No space left on device (free some space" in message and "\n" not in message
    assert "run the same command again to resume" in message
    assert not list(out.rglob(".*.tmp-*")), "a half-written file was left behind"
    kept = load(out, allow_incomplete=True)
    assert_whole(kept)
    assert len(kept.runs) < RUNS
    _resume(experiment, out)
    assert_same_sweep(out, reference)
    assert_same_files(out, reference)


@pytest.mark.parametrize("shards_by", WRITERS)
def test_disk__full_disk_in_the_cli_is_one_line(
    shards_by: str,
    experiment: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Any,
) -> None:
    _fail_fsync_at(monkeypatch, 39, errno.ENOSPC)
    out = str(tmp_path / "out")
    code = cli.main(["sweep", str(experiment), "-o", out, "-w", "1", "--shards-by", shards_by])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1, err  # the system refused: 1, not bad input's 2
    assert err.startswith("cisim: error: cannot write ") and "No space left" in err
    monkeypatch.undo()
    monkeypatch.setattr(
        cli, "write_table", _raise(OSError(errno.ENOSPC, "No space left on device"))
    )
    code = cli.main(["run", "baseline", "-n", "2", "-o", str(tmp_path / "run")])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1, err
    assert err.startswith(f"cisim: error: cannot write {tmp_path / 'run'}")  # names the output
    assert "No space left on device (free some space" in err
    assert not (tmp_path / "run").exists()


def _raise(exc: BaseException) -> Callable[..., Any]:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise exc

    return fail


def test_disk__unwritable_directory_is_one_clear_error(
    experiment: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    denied = OSError(errno.EACCES, "Permission denied")
    monkeypatch.setattr(store_module, "_write_bytes_atomic", _raise(denied))
    with pytest.raises(SweepError, match=r"cannot write to .*out: Permission denied"):
        run_sweep(experiment, tmp_path / "out", executor=SerialExecutor(), progress=False)
    (tmp_path / "file").write_text("x")
    with pytest.raises(SweepError, match="exists and is not a directory"):
        run_sweep(experiment, tmp_path / "file", executor=SerialExecutor(), progress=False)
    with pytest.raises(SweepError, match=r"cannot create .*file/out"):
        run_sweep(experiment, tmp_path / "file" / "out", executor=SerialExecutor(), progress=False)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to a read-only directory")
def test_disk__read_only_directory_for_real(experiment: Path, tmp_path: Path) -> None:
    out = tmp_path / "locked"
    out.mkdir()
    out.chmod(0o555)
    try:
        with pytest.raises(SweepError, match="Permission denied"):
            run_sweep(experiment, out, executor=SerialExecutor(), progress=False)
    finally:
        out.chmod(0o755)


def _listing(directory: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``directory``: its size and modification time (ns)."""
    return {
        str(p.relative_to(directory)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(directory.rglob("*"))
    }


@pytest.fixture
def read_only(
    reference: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, dict[str, tuple[int, int]]]:
    """A copy of the finished sweep, without an analysis, that cisim sees as read-only (root
    writes through permissions, so the check itself is what a read-only mount would answer)."""
    sweep = tmp_path / "sweep"
    shutil.copytree(reference, sweep)
    shutil.rmtree(sweep / "analysis", ignore_errors=True)
    (sweep / "report.html").unlink(missing_ok=True)
    monkeypatch.setattr(sweep_commands, "_writable", lambda d: Path(d).resolve() != sweep.resolve())
    return sweep, _listing(sweep)


def test_disk__a_read_only_sweep_is_reported_on_elsewhere(
    read_only: tuple[Path, dict[str, tuple[int, int]]], tmp_path: Path
) -> None:
    sweep, before = read_only
    out = tmp_path / "elsewhere" / "report.html"
    out.parent.mkdir()
    assert cli.main(["report", str(sweep), "--out", str(out)]) == 0
    assert out.is_file() and (out.parent / "report-analysis" / "analysis.json").is_file()
    assert _listing(sweep) == before  # the sweep was only read
    chosen = tmp_path / "chosen"
    assert cli.main(["report", str(sweep), "-o", str(out), "--analysis", str(chosen)]) == 0
    assert (chosen / "analysis.json").is_file() and _listing(sweep) == before


def test_disk__a_read_only_sweep_without_out_is_one_line(
    read_only: tuple[Path, dict[str, tuple[int, int]]], capsys: pytest.CaptureFixture[str]
) -> None:
    sweep, before = read_only
    assert cli.main(["report", str(sweep)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is read-only" in err and "--out FILE" in err, err
    assert _listing(sweep) == before


# ---- shards damaged on disk --------------------------------------------------------------------
def _flip_silently(path: Path) -> bool:
    """Flip one bit of a Parquet file so that it still reads, with other values (if possible).

    The bit is looked for inside the stored values of the last float column (Parquet keeps no
    checksum of its own by default, so such a flip reads back as another number).
    """
    data = bytearray(path.read_bytes())
    before = pq.read_table(path)
    meta = pq.read_metadata(path)
    column = max(
        i
        for i in range(meta.num_columns)
        if str(meta.schema.column(i).physical_type) in ("FLOAT", "DOUBLE")
    )
    chunk = meta.row_group(0).column(column)
    first = chunk.dictionary_page_offset or chunk.data_page_offset
    stop = first + chunk.total_compressed_size
    for offset in range(stop - 1, max(first, stop - 400), -1):
        data[offset] ^= 0x10
        path.write_bytes(bytes(data))
        try:
            after = pq.read_table(path)
            if after.schema == before.schema and not after.equals(before):
                return True
        except Exception:
            pass
        data[offset] ^= 0x10
    path.write_bytes(bytes(data))
    return False


DAMAGE: dict[str, Callable[[Path], Any]] = {
    "runs truncated": lambda out: _truncate(out / "runs" / "task-000004.parquet"),
    "runs garbage": lambda out: (out / "runs" / "task-000004.parquet").write_bytes(b"PAR1" * 9),
    "runs bit flip": lambda out: _flip_silently(out / "runs" / "task-000004.parquet"),
    "trajectories truncated": lambda out: _truncate(out / "trajectories" / "task-000004.parquet"),
    "trajectories bit flip": lambda out: _flip_silently(
        out / "trajectories" / "task-000004.parquet"
    ),
    "checksum edited": lambda out: _edit_checksum(out / "checksums" / "task-000004.sha256"),
}


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _edit_checksum(path: Path) -> None:
    text = path.read_text()
    path.write_text(("0" if text[0] != "0" else "1") + text[1:])


@pytest.fixture
def finished(experiment: Path, reference: Path, tmp_path: Path) -> Path:
    out = tmp_path / "damaged"
    run_sweep(experiment, out, executor=SerialExecutor(), progress=False)
    return out


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damage__is_detected_on_read_and_redone_on_resume(
    damage: str, finished: Path, experiment: Path, reference: Path
) -> None:
    if DAMAGE[damage](finished) is False:
        pytest.skip("no byte of this shard flips silently")  # pragma: no cover
    with pytest.raises(SweepError, match=r"task-000004\.parquet is damaged.*run the same"):
        sweep = load(finished)
        sweep.trajectories()
    summary = _resume(experiment, finished)
    assert summary.redone == 1 and summary.runs_now == 2
    assert_same_sweep(finished, reference)


def test_damage__a_silent_bit_flip_would_change_the_table(finished: Path) -> None:
    """Why checksums: Parquet alone reads a flipped byte back as another number."""
    path = finished / "runs" / "task-000004.parquet"
    before = pq.read_table(path)
    assert _flip_silently(path)
    assert not pq.read_table(path).equals(before)


def test_damage__design_and_manifest(finished: Path, experiment: Path, reference: Path) -> None:
    (finished / "design.parquet").write_bytes(b"not parquet")
    with pytest.raises(SweepError, match=r"design\.parquet cannot be read"):
        load(finished)
    _resume(experiment, finished)  # the design is rewritten from the experiment
    assert_same_sweep(finished, reference)
    (finished / "manifest.json").write_text("{ truncated")
    with pytest.raises(SweepError, match=r"manifest\.json cannot be read"):
        load(finished)
    with pytest.raises(SweepError, match=r"manifest\.json cannot be read"):
        _resume(experiment, finished)


# ---- two sweeps, one directory -----------------------------------------------------------------
#: Runs a sweep that, after its first task, waits for the file ``argv[3]`` before going on.
RUN_AND_WAIT = """
import sys, time
from pathlib import Path
import cisim.study.sweeps.store as store
from cisim.study.sweeps import SerialExecutor, run_sweep

release, write = Path(sys.argv[3]), store.SweepStore.write

def write_then_wait(self, result):
    write(self, result)
    while not release.exists():
        time.sleep(0.01)

store.SweepStore.write = write_then_wait
run_sweep(sys.argv[1], sys.argv[2], executor=SerialExecutor(), progress=False)
"""


def test_lock__a_second_sweep_on_the_same_directory_is_refused(
    experiment: Path, tmp_path: Path
) -> None:
    out, release = tmp_path / "shared", tmp_path / "release"
    first = start(RUN_AND_WAIT, experiment, out, release)
    try:
        wait_for(out, 1, first)
        second = subprocess.run(
            [sys.executable, "-m", "cisim", "sweep", str(experiment), "-o", str(out), "-w", "1"],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert first.poll() is None, "the first sweep ended before the second tried"
    finally:
        release.touch()
        _, err = first.communicate(timeout=600)
    assert first.returncode == 0, err
    assert second.returncode == 2 and second.stdout == ""
    assert second.stderr.count("\n") == 1 and "Traceback" not in second.stderr
    assert f"cisim: error: {out} is in use by another sweep (pid {first.pid})" in second.stderr
    done = load(out)  # not interleaved: one session wrote every run, once
    assert_whole(done, RUNS)
    assert len(done.manifest["sessions"]) == 1


#: Faults these tests inject, by kind (``docs/reliability.md`` quotes the totals).
FAULTS: dict[str, int] = {
    "SIGKILL at a random moment": KILLS,
    "SIGKILL at a write step": len(STEPS),
    "SIGKILL of a sweep whose workers write the shards": 1,
    "worker process killed (process pool with either writer, Dask)": 3,
    "task lost with its worker (retried, then given up; lost after writing)": 3,
    "full disk (sweep and cisim sweep with either writer, a worker process, cisim run)": 6,
    "unwritable or impossible directory": 3,
    "a worker that cannot see the sweep directory": 2,
    "shard or checksum damaged on disk": len(DAMAGE),
    "design or manifest damaged": 2,
    "two sweeps in one directory": 1,
}

"""Running sweeps: every design end to end; serial, process pool and Dask give identical tables;
a killed sweep resumes to exactly the uninterrupted tables; in-flight work stays bounded."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest

from cisim.study.sweeps import (
    Experiment,
    SerialExecutor,
    SweepError,
    design_table,
    load,
    open_executor,
    run_sweep,
)
from cisim.study.sweeps.runner import drain

from .conftest import DESIGNS, ISHIGAMI, WriteExperiment
from .helpers import PendingCounter, assert_same_sweep


# ---- end to end --------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", sorted(DESIGNS))
def test_sweep__every_design_end_to_end(
    kind: str, write_experiment: WriteExperiment, tmp_path: Path
) -> None:
    ex = Experiment.from_toml(write_experiment(DESIGNS[kind]))
    points = len(design_table(ex))
    summary = run_sweep(ex, tmp_path / "out", executor=SerialExecutor(), progress=False)
    assert summary.runs == summary.runs_now == points * ex.replicates
    results = load(tmp_path / "out")
    assert results.runs[["point", "replicate"]].values.tolist() == [
        [p, r] for p in range(points) for r in range(ex.replicates)
    ]
    assert results.runs["regime"].notna().all()
    trajectories = results.trajectories()
    assert list(trajectories.columns) == ["point", "replicate", "month", *ex.trajectories]
    assert len(trajectories) == points * ex.replicates * 13
    assert (trajectories["mean_trust"].between(0, 1)).all()


def test_sweep__ishigami_model_end_to_end(
    write_experiment: WriteExperiment, tmp_path: Path
) -> None:
    ex = Experiment.from_toml(write_experiment(ISHIGAMI))
    run_sweep(ex, tmp_path / "out", executor=SerialExecutor(), progress=False)
    results = load(tmp_path / "out")
    assert len(results.runs) == 8 * 5 * 2
    assert list(results.runs.columns) == ["point", "replicate", "seed", "y"]
    assert results.trajectories().empty
    assert not list((tmp_path / "out" / "trajectories").iterdir())


def test_sweep__takes_an_experiment_path(write_experiment: WriteExperiment, tmp_path: Path) -> None:
    path = write_experiment(DESIGNS["factorial"])
    run_sweep(path, tmp_path / "out", executor=SerialExecutor(), progress=False)
    assert load(tmp_path / "out").experiment == Experiment.from_toml(path)


# ---- the same tables whatever runs them ----------------------------------------------------------
@pytest.fixture(scope="module")
def lhs_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lhs") / "lhs.toml"
    path.write_text(DESIGNS["lhs"].replace("samples = 6", "samples = 10"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def serial_sweep(lhs_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("serial") / "out"
    run_sweep(lhs_file, out, executor=SerialExecutor(), progress=False)
    return out


def test_sweep__process_pool_gives_the_serial_tables(
    lhs_file: Path, serial_sweep: Path, tmp_path: Path
) -> None:
    run_sweep(lhs_file, tmp_path / "pool", workers=2, progress=False)
    assert_same_sweep(tmp_path / "pool", serial_sweep)


def test_sweep__dask_local_cluster_gives_the_serial_tables(
    lhs_file: Path, serial_sweep: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("distributed")
    # as a Dask nanny started earlier in this process leaves it (os.environ.update)
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")
    with open_executor(2, dask="local") as (executor, workers):
        assert workers == 2
        # Dask's default MALLOC_TRIM_THRESHOLD_ makes the engine ~3x slower: it is unset
        assert executor.submit(os.getenv, "MALLOC_TRIM_THRESHOLD_").result() is None
        run_sweep(lhs_file, tmp_path / "dask", executor=executor, workers=workers, progress=False)
    assert os.environ["MALLOC_TRIM_THRESHOLD_"] == "65536"  # this process's own setting is back
    assert_same_sweep(tmp_path / "dask", serial_sweep)


def test_sweep__dask_scheduler_address_gives_the_serial_tables(
    lhs_file: Path, serial_sweep: Path, tmp_path: Path
) -> None:
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        processes=False,
        protocol="tcp://",
        host="127.0.0.1",
        dashboard_address=None,
    )
    with cluster, open_executor(dask=cluster.scheduler_address) as (executor, workers):
        assert workers == 2
        run_sweep(  # the workers send their tables back (as for a cluster without shared disk)
            lhs_file,
            tmp_path / "dask",
            executor=executor,
            workers=workers,
            progress=False,
            writer="parent",
        )
    assert_same_sweep(tmp_path / "dask", serial_sweep)


def test_sweep__task_size_does_not_change_the_runs(
    lhs_file: Path, serial_sweep: Path, tmp_path: Path
) -> None:
    text = lhs_file.read_text().replace("batch_size = 5", "batch_size = 3")
    (tmp_path / "lhs.toml").write_text(text)
    run_sweep(tmp_path / "lhs.toml", tmp_path / "out", executor=SerialExecutor(), progress=False)
    a, b = load(tmp_path / "out"), load(serial_sweep)
    assert a.runs.equals(b.runs)
    assert a.trajectories().equals(b.trajectories())


# ---- a killed sweep resumes --------------------------------------------------------------------
SLOW = """
name = "slow"
base = "baseline"
design = "factorial"
replicates = 4
seed = 5
batch_size = 2
[constants]
horizon_months = 24
[levers]
navigator = [0, 1, 2]
[uncertainties]
turnover = [0.01, 0.03, 0.06]
"""  # 9 points x 4 = 36 runs in 18 tasks

RUN_IN_SUBPROCESS = """
import sys
from cisim.study.sweeps import SerialExecutor, run_sweep
run_sweep(sys.argv[1], sys.argv[2], executor=SerialExecutor(), progress=False)
"""


def _wait_for_shards(out: Path, count: int, process: subprocess.Popen[bytes]) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        marks = out / "checksums"  # a task's checksum file is written last: it is committed
        done = len(list(marks.glob("task-*.sha256"))) if marks.is_dir() else 0
        if done >= count:
            return done
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        time.sleep(0.005)
    raise AssertionError("no shards appeared")


def test_sweep__killed_then_resumed_equals_uninterrupted(
    write_experiment: WriteExperiment, tmp_path: Path
) -> None:
    path = write_experiment(SLOW)
    out = tmp_path / "killed"
    process = subprocess.Popen(
        [sys.executable, "-c", RUN_IN_SUBPROCESS, str(path), str(out)], stderr=subprocess.PIPE
    )
    try:
        _wait_for_shards(out, 2, process)
        with pytest.raises(SweepError, match="in use by another sweep"):
            run_sweep(path, out, executor=SerialExecutor(), progress=False)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    kept = len(list((out / "checksums").glob("task-*.sha256")))  # committed tasks
    assert 2 <= kept < 18, "the sweep must be killed mid-run"
    summary = run_sweep(path, out, executor=SerialExecutor(), progress=False)
    assert summary.runs_before == 2 * kept and summary.runs_now == 36 - 2 * kept
    run_sweep(path, tmp_path / "whole", executor=SerialExecutor(), progress=False)
    assert_same_sweep(out, tmp_path / "whole")


# ---- bounded work in flight ----------------------------------------------------------------------
def test_drain__keeps_at_most_limit_futures_pending() -> None:
    executor = PendingCounter(workers=3)
    seen: list[int] = []
    with executor:
        drain(executor, _slow_square, range(40), seen.append, limit=4)
    assert sorted(seen) == [i * i for i in range(40)]
    assert executor.submitted == 40
    assert executor.most == 4


def test_sweep__many_tasks_keep_in_flight_bounded(
    write_experiment: WriteExperiment, tmp_path: Path
) -> None:
    text = ISHIGAMI.replace("batch_size = 10", "batch_size = 1")  # 80 tasks
    executor = PendingCounter(workers=2)
    with executor:
        run_sweep(
            write_experiment(text), tmp_path / "out", executor=executor, workers=2, progress=False
        )
    assert executor.submitted == 80
    assert executor.most <= 4
    assert len(load(tmp_path / "out").runs) == 80


def _slow_square(x: int) -> int:
    time.sleep(0.002)
    return x * x


# ---- failures ----------------------------------------------------------------------------------
def test_drain__an_error_cancels_what_waits_and_propagates() -> None:
    executor = PendingCounter(workers=1)
    with executor, pytest.raises(ZeroDivisionError):
        drain(executor, _inverse, [3, 2, 1, 0, -1, -2, -3, -4], lambda x: None, limit=2)
    assert executor.submitted < 8


def _inverse(x: int) -> float:
    time.sleep(0.01)
    return 1 / x


class _BrokenPool(SerialExecutor):
    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_exception(BrokenProcessPool("a child process terminated abruptly"))
        return future


def test_sweep__a_lost_worker_says_how_to_resume(
    write_experiment: WriteExperiment, tmp_path: Path
) -> None:
    path = write_experiment(DESIGNS["factorial"])
    with pytest.raises(SweepError, match=r"worker process died.*run the same command again"):
        run_sweep(path, tmp_path / "out", executor=_BrokenPool(), progress=False)
    run_sweep(path, tmp_path / "out", executor=SerialExecutor(), progress=False)
    assert load(tmp_path / "out").complete


# ---- progress ----------------------------------------------------------------------------------
def test_sweep__progress_bar_on_a_terminal_only(
    write_experiment: WriteExperiment,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = write_experiment(DESIGNS["factorial"])
    run_sweep(path, tmp_path / "quiet", executor=SerialExecutor())
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    run_sweep(path, tmp_path / "bar", executor=SerialExecutor())
    err = capsys.readouterr().err
    assert "12/12" in err and "run/s" in err and "tiny_factorial" in err
    run_sweep(path, tmp_path / "off", executor=SerialExecutor(), progress=False)
    assert capsys.readouterr().err == ""


def test_serial_executor__runs_inline_and_keeps_errors() -> None:
    executor = SerialExecutor()
    assert executor.submit(pow, 2, 5).result() == 32
    assert isinstance(executor.submit(_inverse, 0).exception(), ZeroDivisionError)
    executor.shutdown()
    with pytest.raises(RuntimeError):
        executor.submit(pow, 2, 5)


def test_open_executor__one_worker_is_serial() -> None:
    with open_executor(1) as (executor, workers):
        assert isinstance(executor, SerialExecutor) and workers == 1
    assert os.cpu_count()

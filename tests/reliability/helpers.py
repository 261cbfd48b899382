"""Shared pieces of the reliability tests: small experiments, subprocess sweeps, comparisons."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd

from cisim.study.sweeps import SweepResults, load

#: 9 points x 4 replicates = 36 runs in 18 tasks of 2 runs, about 0.1 s each.
SWEEP = """
name = "faults"
base = "baseline"
design = "factorial"
replicates = 4
seed = 5
batch_size = 2
[constants]
horizon_months = 36
[levers]
navigator = [0, 1, 2]
[uncertainties]
turnover = [0.01, 0.03, 0.06]
"""
RUNS, TASKS = 36, 18

#: Runs a sweep serially in a child process: ``python -c RUN EXPERIMENT OUT``.
RUN = """
import sys
from cisim.study.sweeps import SerialExecutor, run_sweep
run_sweep(sys.argv[1], sys.argv[2], executor=SerialExecutor(), progress=False)
"""


def write(path: Path, text: str) -> Path:
    """Write ``text`` (left-stripped) to ``path`` and return it."""
    path.write_text(text.lstrip(), encoding="utf-8")
    return path


def committed(out: Path) -> int:
    """Tasks committed in a sweep directory (their checksum file, written last, exists)."""
    marks = out / "checksums"
    return len(list(marks.glob("task-*.sha256"))) if marks.is_dir() else 0


def start(code: str, *args: str | Path) -> subprocess.Popen[str]:
    """Start ``python -c code args...`` with its output captured."""
    command = [sys.executable, "-c", code, *map(str, args)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(out: Path, tasks: int, process: subprocess.Popen[str], timeout: float = 600) -> int:
    """Wait until ``tasks`` tasks are committed in ``out`` (or the process ends); return them."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = committed(out)
        if done >= tasks or process.poll() is not None:
            return done
        time.sleep(0.002)
    raise AssertionError(f"{out}: {tasks} tasks were not committed in {timeout} s")


def kill(process: subprocess.Popen[str]) -> str:
    """SIGKILL a child process we started; return its stderr."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    _, err = process.communicate(timeout=120)
    return err


def assert_whole(results: SweepResults, runs: int | None = None) -> None:
    """Every run appears once, in order, with its replicate's seed (none lost, none doubled)."""
    keys = results.runs[["point", "replicate"]]
    assert not keys.duplicated().any()
    if runs is not None:
        reps = results.manifest["replicates"]
        expected = [[g // reps, g % reps] for g in range(runs)]
        assert keys.values.tolist() == expected


def assert_same_sweep(a: Path, b: Path) -> None:
    """Two sweep directories hold exactly the same design, runs and trajectories."""
    first, second = load(a), load(b)
    assert_whole(first, first.manifest["runs"])
    pd.testing.assert_frame_equal(first.design, second.design, check_exact=True)
    pd.testing.assert_frame_equal(first.runs, second.runs, check_exact=True)
    pd.testing.assert_frame_equal(first.trajectories(), second.trajectories(), check_exact=True)


def sweep_files(directory: Path) -> dict[str, bytes]:
    """Every file of a sweep directory but its manifest (times, pids) and lock, by path."""
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file() and path.name not in ("manifest.json", ".lock")
    }


def assert_same_files(a: Path, b: Path) -> None:
    """Two sweep directories hold the same files, byte for byte (but their manifests)."""
    first, second = sweep_files(a), sweep_files(b)
    assert sorted(first) == sorted(second)
    for name, data in first.items():
        assert data == second[name], name


def break_fsync_at(call: int, code: int) -> None:
    """A process-pool initializer: this worker's ``call``-th ``os.fsync`` fails with ``code``
    (after the bytes went to the file), as a disk that fills up under a worker would."""
    real, count = os.fsync, [0]

    def fsync(fd: int) -> None:
        count[0] += 1
        if count[0] == call:
            raise OSError(code, os.strerror(code))
        real(fd)

    os.fsync = fsync  # type: ignore[assignment]


def fixed_profile(examples: int) -> Any:
    """The fixed Hypothesis profile of a fuzzing property: ``examples`` derandomised examples,
    no database, no deadline (the same examples on every machine and every run)."""
    from hypothesis import HealthCheck, settings

    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=True,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
    )

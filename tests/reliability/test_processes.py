"""Class 3: a killed sweep leaves no process behind; SIGTERM ends it cleanly and is recorded.

Real processes, real signals: ``python -m cisim sweep -w 2`` is started, its process tree read
from ``/proc`` once it has committed a task, the parent killed (SIGKILL or SIGTERM), and every
process of the tree must be gone within seconds. The rule: a pool worker dies with its parent
(``prctl(PR_SET_PDEATHSIG)`` and a watch on the parent); SIGTERM is turned into the same clean
stop as Ctrl-C (:mod:`cisim.signals`), recorded in the manifest's session, exit code 143.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cisim.study.sweeps import SerialExecutor, run_sweep

from .helpers import SWEEP, assert_same_sweep, committed, wait_for, write

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


def _parent_of(pid: int) -> int | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(text.rsplit(")", 1)[1].split()[1])


def _descendants(root: int) -> set[int]:
    """Every living process below ``root``."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            parent = _parent_of(int(entry.name))
            if parent is not None:
                parents[int(entry.name)] = parent
    found, frontier = set(), {root}
    while frontier:
        children = {pid for pid, parent in parents.items() if parent in frontier}
        frontier = children - found
        found |= children
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_gone(pids: set[int], seconds: float = 20) -> set[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = {pid for pid in pids if _alive(pid)}
        if not left:
            return left
        time.sleep(0.1)
    return {pid for pid in pids if _alive(pid)}


@pytest.fixture(scope="module")
def longer(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """72 runs in 36 tasks, and its uninterrupted run."""
    root = tmp_path_factory.mktemp("procs")
    path = write(root / "longer.toml", SWEEP.replace("replicates = 4", "replicates = 8"))
    run_sweep(path, root / "reference", executor=SerialExecutor(), progress=False)
    return path, root / "reference"


def _start_sweep(experiment: Path, out: Path) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "cisim", "sweep", str(experiment), "--out", str(out)]
    return subprocess.Popen(
        [*command, "-w", "2", "--no-progress"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _tree_once_running(process: subprocess.Popen[str], out: Path) -> set[int]:
    """The sweep's process tree, once this session has committed a task of its own."""
    before = committed(out)
    assert wait_for(out, before + 1, process) > before, process.communicate()
    tree = _descendants(process.pid)
    assert len(tree) >= 2, tree  # the two workers (and the resource tracker)
    return tree


@pytest.mark.parametrize("kills", [1, 2])
def test_sigkill_of_the_sweep_leaves_no_worker_alive(
    kills: int, longer: tuple[Path, Path], tmp_path: Path
) -> None:
    experiment, reference = longer
    out = tmp_path / "out"
    for _ in range(kills):
        process = _start_sweep(experiment, out)
        tree = _tree_once_running(process, out)
        os.kill(process.pid, signal.SIGKILL)
        process.communicate(timeout=60)
        assert _wait_gone(tree) == set(), "orphaned workers"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cisim",
            "sweep",
            str(experiment),
            "--out",
            str(out),
            "-w",
            "1",
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert_same_sweep(out, reference)


@pytest.mark.parametrize("workers_too", [False, True])
def test_sigterm_ends_the_sweep_cleanly_and_records_it(
    workers_too: bool, longer: tuple[Path, Path], tmp_path: Path
) -> None:
    """SIGTERM to the sweep alone, or to its whole process group (as ``kill -TERM -PGID``,
    a batch scheduler or a terminal's hang-up would send it)."""
    experiment, reference = longer
    out = tmp_path / "out"
    process = _start_sweep(experiment, out)
    tree = _tree_once_running(process, out)
    os.kill(process.pid, signal.SIGTERM)
    if workers_too:
        for pid in tree:
            os.kill(pid, signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 143, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err and "resume" in err, err
    assert _wait_gone(tree) == set()
    manifest = json.loads((out / "manifest.json").read_text())
    session = manifest["sessions"][-1]
    assert session["stopped"] == "SIGTERM" and session["ended_utc"]
    assert not list(out.rglob(".*.tmp-*"))
    run_sweep(experiment, out, executor=SerialExecutor(), progress=False)
    assert_same_sweep(out, reference)

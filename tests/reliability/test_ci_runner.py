"""``./dev test`` under ``CI=true`` always ends, and says why (the hang that cost stop 23 its CI).

A test run that hangs is stopped at ``CISIM_TEST_LIMIT`` seconds with every Python process's stacks
printed; processes a test leaves behind (in pytest's process group, or in a session of their own,
as a browser is) are named and ended, so none can hold CI's log pipe open after the result is known.
Each case runs the real ``./dev`` on a throwaway test file, with its own empty pytest configuration.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform != "linux", reason="reads /proc"),
]


def _run_dev(tmp_path: Path, test_text: str, limit: int) -> subprocess.CompletedProcess[str]:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_thrown_away.py").write_text(test_text)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "CISIM_CI_RUN"))}
    env |= {"CI": "true", "CISIM_TEST_LIMIT": str(limit)}
    return subprocess.run(
        [
            str(ROOT / "dev"),
            "test",
            "-c",
            str(tmp_path / "pytest.ini"),
            "--rootdir",
            str(tmp_path),
            "-p",
            "no:cacheprovider",
            "-q",
            "-n",
            "0",  # in pytest's own process: starts in a second, not a pool's five
            str(tmp_path / "test_thrown_away.py"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def test_processes_left_behind_are_named_and_ended(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    done = _run_dev(
        tmp_path,
        f"""
import subprocess
from pathlib import Path

def test_leaves_two_processes_behind():
    in_group = subprocess.Popen(["sleep", "311"])
    own_session = subprocess.Popen(["sleep", "312"], start_new_session=True)
    Path({str(pids)!r}).write_text(f"{{in_group.pid}} {{own_session.pid}}")
""",
        limit=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "1 passed" in done.stdout
    assert "dev: ending what the tests left running" in done.stderr
    assert "sleep 311" in done.stderr and "sleep 312" in done.stderr
    left = [int(p) for p in pids.read_text().split()]
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in left) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(p) for p in left)


def test_a_hanging_run_is_stopped_at_the_limit_with_its_stacks(tmp_path: Path) -> None:
    started = time.monotonic()
    done = _run_dev(
        tmp_path,
        """
import time

def test_hangs_somewhere_findable():
    time.sleep(600)
""",
        limit=10,
    )
    took = time.monotonic() - started
    assert done.returncode == 124, (done.returncode, done.stderr[-2000:])
    assert "test_hangs_somewhere_findable" in done.stderr  # the hanging frame, from faulthandler
    assert "the tests ran over 10 s and were stopped" in done.stderr
    assert took < 60

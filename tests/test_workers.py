"""Worker processes for compare and options: chosen by the job's size, and never started from a
script that would start them again (no ``if __name__ == "__main__":``)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cisim.study import workers
from cisim.study.workers import SERIAL_BELOW_RUN_MONTHS, choose_workers

ROOT = Path(__file__).resolve().parents[1]
#: The README's example, pasted into a plain script (smaller, so that the test is quick).
EXAMPLE = """\
import cisim
base = cisim.Scenario.preset("baseline").replace(horizon_months=24)
ranking = cisim.options(base, {"navigator": [1]}, replicates=20, seed=1, workers=2)
print("ranked:", ranking.table.index.tolist())
"""


def _run(script: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        cwd=script.parent,
        timeout=600,
        env={**os.environ, "PYTHONWARNINGS": "default"},
    )


def test_choose_workers__small_jobs_run_serially_large_ones_on_every_core() -> None:
    assert choose_workers(None, SERIAL_BELOW_RUN_MONTHS - 1) == 1
    assert choose_workers(None, SERIAL_BELOW_RUN_MONTHS) == (os.cpu_count() or 1)
    assert choose_workers(3, 10) == 3  # asked for: honoured (pytest's entry point is guarded)
    assert choose_workers(1, 10**9) == 1


@pytest.mark.parametrize(
    ("test", "main"),
    [
        ('__name__ == "__main__"', True),
        ("'__main__' == __name__", True),
        ('__name__ != "__main__"', False),
        ("__name__", False),
        ('x == "__main__"', False),
    ],
)
def test_is_main_test__recognises_the_guard(test: str, main: bool) -> None:
    node = ast.parse(test, mode="eval").body
    assert workers._is_main_test(node) is main


def test_unguarded_call__not_from_pytest() -> None:
    assert workers.unguarded_call() is None


def test_readme_example__pasted_into_a_script_runs_with_one_short_warning(tmp_path: Path) -> None:
    script = tmp_path / "example.py"
    script.write_text(EXAMPLE, encoding="utf-8")
    done = _run(script)
    assert done.returncode == 0, done.stderr
    assert "ranked: ['navigator = 1']" in done.stdout
    assert "Traceback" not in done.stderr and "RuntimeError" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) <= 2, done.stderr  # the warning and the line it points at
    assert f"{script}:3: CisimWarning: running on 1 worker, not 2" in lines[0]
    assert 'if __name__ == "__main__":' in lines[0]


def test_readme_example__under_the_guard_uses_the_workers_silently(tmp_path: Path) -> None:
    guarded = "def main():\n" + textwrap.indent(EXAMPLE, "    ")
    guarded += '\n\nif __name__ == "__main__":\n    main()\n'
    script = tmp_path / "guarded.py"
    script.write_text(guarded, encoding="utf-8")
    done = _run(script)
    assert done.returncode == 0, done.stderr
    assert "ranked: ['navigator = 1']" in done.stdout
    assert "CisimWarning" not in done.stderr and "Traceback" not in done.stderr

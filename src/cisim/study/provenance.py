"""Provenance: what was run, with which versions, when and for how long.

A command's ``manifest.json`` (:func:`manifest`) and a sweep's manifest
(:mod:`cisim.study.sweeps.store`) record the same facts the same way: the cisim version, the git
commit of the code (:func:`git_commit`), the Python version and times in UTC
(:func:`utc_text`).
"""

from __future__ import annotations

import platform
import subprocess
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cisim._version import __version__

if TYPE_CHECKING:
    from cisim.model.scenario import Scenario


@dataclass(frozen=True)
class Clock:
    """When a command started, in UTC and on the monotonic clock."""

    utc: datetime
    monotonic: float

    @classmethod
    def start(cls) -> Clock:
        """Start now."""
        return cls(datetime.now(UTC), time.perf_counter())

    def seconds(self) -> float:
        """Seconds since the start."""
        return time.perf_counter() - self.monotonic


def manifest(
    clock: Clock, *, command: str, seed: int, replicates: int, **what: Any
) -> dict[str, Any]:
    """What was run (``what``: the scenario or scenarios), with which versions, when, how long."""
    import numpy as np
    import pandas as pd

    return {
        "cisim_version": __version__,
        "command": command,
        **what,
        "seed": seed,
        "replicates": replicates,
        "started_utc": utc_text(clock.utc),
        "finished_utc": utc_text(),
        "wall_time_seconds": round(clock.seconds(), 3),
        "git_commit": git_commit(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
    }


def scenario_record(scenario: Scenario) -> dict[str, str]:
    """A scenario as the manifest names it: its name and digest."""
    return {"name": scenario.name, "digest": scenario.digest}


def utc_text(moment: datetime | None = None) -> str:
    """A moment (default: now) as ISO 8601 in UTC to the second: ``2026-01-02T03:04:05Z``."""
    moment = datetime.now(UTC) if moment is None else moment
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def git_commit() -> str | None:
    """The commit of the repository holding the cisim package, or ``None`` outside one."""
    tracked = _git("ls-files", "--error-unmatch", "__init__.py")
    head = _git("rev-parse", "HEAD")
    if tracked is None or head is None:
        return None
    return head.strip() or None


def _git(*args: str) -> str | None:
    """What ``git ARGS`` prints, run in the package's directory (``None`` if it fails)."""
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None

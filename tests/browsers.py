"""Chromium for the tests that drive a real browser (the classroom app, the printed report)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


def chromium(what: str) -> str:
    """The path of Debian's Chromium, with Playwright importable; skip ``what`` if either is
    missing, except under ``CI=true``, where a missing browser fails it."""
    found = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    reason = None
    if found is None:
        reason = "Debian's chromium is not installed (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "playwright is not installed (pip install -e '.[dev]')"
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{what} must run in CI: {reason}")
        pytest.skip(reason)
    return str(found)

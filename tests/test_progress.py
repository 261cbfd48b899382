"""Progress on the terminal: a long wait is never silent, a short one prints nothing."""

from __future__ import annotations

import time

import pytest

from cisim.present.progress import heartbeat, progress_bar


def test_heartbeat__says_what_it_waits_for_then_how_long(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with heartbeat("cisim sweep: compiling the engine", first=0.05, every=0.1):
        time.sleep(0.4)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "cisim sweep: compiling the engine"
    assert len(lines) >= 2 and all(
        line.startswith("cisim sweep: still working (") for line in lines[1:]
    )


def test_heartbeat__a_quick_block_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    with heartbeat("cisim run: compiling the engine", first=1.0):
        pass
    assert capsys.readouterr().err == ""


def test_progress_bar__only_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with progress_bar(10, "cisim run") as advance:
        advance(10)
    assert capsys.readouterr().err == ""
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    with progress_bar(10, "cisim run") as advance:
        advance(10)
    assert "cisim run: 100%" in capsys.readouterr().err

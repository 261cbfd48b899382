"""End to end, in a real headless Chromium (Debian's, driven by Playwright): start ``cisim app``,
open the page (Mesa's SolaraViz), pick a preset, run twelve months, and check that the charts and
the story changed; then show two worlds side by side and play. Every file the page loads comes
from the app itself (nothing from elsewhere, nothing missing). Screenshots are kept in
``test-artifacts/app/``.

Without Chromium or Playwright the test is skipped, except in CI (``CI=true``), where it fails.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from browsers import chromium

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "app"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: The first start after an install compiles the engine.
START_TIMEOUT = 600


def _chromium() -> str:
    return chromium("the browser test")


@pytest.fixture(scope="module")
def app_url():
    """``cisim app --port 0`` in a subprocess; its address; Ctrl-C at the end (exit 0)."""
    _chromium()
    process = subprocess.Popen(
        [sys.executable, "-m", "cisim", "app", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    errors: list[str] = []
    threading.Thread(target=lambda: errors.extend(process.stderr), daemon=True).start()
    url = _read_url(process)
    yield url
    process.send_signal(signal.SIGINT)
    try:
        code = process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("cisim app did not stop on Ctrl-C")
    assert code == 0, "".join(errors)
    assert any("cisim app: stopped" in line for line in errors)


def _read_url(process: subprocess.Popen[str]) -> str:
    found: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            match = re.search(r"http://\S+", line)
            if match:
                found.append(match.group(0))
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(START_TIMEOUT)
    if not found:
        process.kill()
        pytest.fail(f"cisim app printed no address within {START_TIMEOUT} s")
    return found[0]


@pytest.fixture
def page(app_url, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), headless=True, args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 1500, "height": 1700})
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.on("request", lambda r: errors.extend(_elsewhere(r.url, app_url)))
        tab.on("response", lambda r: r.status >= 400 and errors.append(f"{r.status} {r.url}"))
        tab.goto(app_url)
        tab.get_by_text("Month 0", exact=False).first.wait_for(timeout=60_000)
        yield tab, errors
        context.close()
        browser.close()


def _elsewhere(url: str, app_url: str) -> list[str]:
    """``[url]`` if the page asked for it from anywhere but the app."""
    own = (app_url, app_url.replace("http://", "ws://"), "data:", "blob:", "about:")
    return [] if url.startswith(own) else [f"asked for {url}"]


def _shot(tab, tmp_path: Path, name: str) -> Path:
    tab.evaluate("for (const e of document.querySelectorAll('*')) if (e.scrollTop) e.scrollTop = 0")
    tab.wait_for_timeout(300)
    path = tmp_path / f"{name}.png"
    tab.screenshot(path=path, full_page=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, ARTIFACTS / path.name)
    return path


def _chart(tab, name: str) -> bytes:
    chart = tab.locator(f".cisim-{name} canvas, .cisim-{name} svg").first
    chart.wait_for(timeout=30_000)
    return bytes(tab.locator(f".cisim-{name}").first.screenshot())


def _status(tab) -> str:
    return tab.locator(".cisim-status").first.inner_text()


def test_browser__preset_a_year_of_months_and_two_worlds(page, tmp_path):
    tab, errors = page
    tab.locator(".v-select").filter(has_text="Preset").first.click()
    tab.locator(".v-list-item").filter(has_text="hartford").first.click()
    tab.get_by_text("Guide: Hartford").wait_for(timeout=30_000)
    tab.wait_for_timeout(1000)  # let Vega draw
    before = {name: _chart(tab, name) for name in ("trajectories", "responses", "network")}
    _shot(tab, tmp_path, "1-hartford-month-0")
    assert "Nothing yet" in tab.locator(".cisim-log").first.inner_text()

    for _ in range(12):  # twelve months, a click each, as a class would
        tab.get_by_role("button", name="Step").click()
        tab.wait_for_timeout(50)
    tab.wait_for_function(
        "document.querySelector('.cisim-status').innerText.includes('Month 12 ')",
        timeout=30_000,
    )
    tab.wait_for_timeout(1500)
    after = {name: _chart(tab, name) for name in before}
    _shot(tab, tmp_path, "2-hartford-month-12")
    changed = [name for name in before if before[name] != after[name]]
    assert changed == list(before), f"charts that did not change: {set(before) - set(changed)}"
    events = tab.locator(".cisim-event")
    assert events.count() > 0
    assert re.match(r"Month \d+: ", events.first.inner_text())
    assert "Month 12" in _status(tab)

    tab.locator("label", has_text="Show a second world").click()
    tab.get_by_text("The other world: with a navigator").first.wait_for(timeout=30_000)
    tab.get_by_role("button", name="▶").click()  # SolaraViz's play
    tab.wait_for_function(
        "[...document.querySelectorAll('.cisim-status')].every("
        "s => /Month (1[3-9]|[2-9]\\d|1\\d\\d) /.test(s.innerText))",
        timeout=60_000,
    )
    tab.get_by_role("button", name="❚❚").click()  # pause
    tab.wait_for_timeout(1500)
    statuses = [s.inner_text() for s in tab.locator(".cisim-status").all()]
    assert len(statuses) == 2
    assert statuses[0].split(" of ")[0] == statuses[1].split(" of ")[0]  # in step
    _shot(tab, tmp_path, "3-two-worlds")
    assert tab.locator(".vue-grid-item:not(.vue-grid-placeholder)").count() == 4  # SolaraViz grid
    assert not errors, errors

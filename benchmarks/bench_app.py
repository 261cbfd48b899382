"""How long the classroom takes to advance and redraw one month, with 60 organisations.

Two measurements:

* **server**: a click on SolaraViz's *Step* in Solara's test renderer (no browser): the month is
  simulated, the events derived, the charts' specifications built and the components
  re-rendered, as the server does for a browser; one world, then two worlds side by side;
* **browser** (``--browser``, needs Debian's chromium): ``cisim app`` in a subprocess, the page in
  headless Chromium; from the click on *Step* until the page shows the next month and the browser
  has painted two frames since.

Usage::

    .venv/bin/python benchmarks/bench_app.py [--months 40] [--browser]
"""

from __future__ import annotations

import argparse
import re
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORGANISATIONS = 60
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def summary(name: str, seconds: list[float]) -> str:
    ms = sorted(1000 * s for s in seconds)
    p90 = ms[min(len(ms) - 1, round(0.9 * (len(ms) - 1)))]
    median = statistics.median(ms)
    return f"{name}: median {median:.0f} ms, 90th percentile {p90:.0f} ms ({len(ms)} months)"


def server_side(months: int, two_worlds: bool) -> list[float]:
    """Seconds per click on Step, in Solara's test renderer."""
    import ipyvuetify as v
    import solara

    from cisim.app.classroom import Classroom, Twin
    from cisim.app.page import Page
    from cisim.app.world import Settings

    settings = Settings(seed=1, levers={"n_organisations": ORGANISATIONS})
    classroom = Classroom(settings, Twin("navigator") if two_worlds else None)
    _, rc = solara.render(Page(classroom=classroom))
    step = rc.find(v.Btn, children=["Step"]).widget
    step.click()  # warm up
    times = []
    for _ in range(months):
        started = time.perf_counter()
        step.click()
        times.append(time.perf_counter() - started)
    rc.close()
    return times


def browser_side(months: int) -> list[float]:
    """Seconds from a click on Step to the next month painted, in headless Chromium."""
    from playwright.sync_api import sync_playwright

    app = subprocess.Popen(
        [sys.executable, "-m", "cisim", "app", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert app.stdout is not None
    url = ""
    for line in app.stdout:
        match = re.search(r"http://\S+", line)
        if match:
            url = match.group(0)
            break
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_FLAGS
            )
            tab = browser.new_page(viewport={"width": 1500, "height": 1100})
            tab.goto(url)
            tab.get_by_text("Month 0").first.wait_for(timeout=120_000)
            lever = tab.locator(".v-input").filter(has_text="Organisations").last
            lever.locator("[role=slider]").first.focus()
            tab.keyboard.press("End")  # the slider's maximum: 60 organisations
            lever.locator(".v-slider__thumb-label").filter(has_text=str(ORGANISATIONS)).wait_for(
                timeout=30_000
            )
            tab.get_by_role("button", name="Reset", exact=True).click()  # SolaraViz: a new model
            tab.wait_for_timeout(3000)
            times = []
            for month in range(1, months + 1):
                started = time.perf_counter()
                tab.get_by_role("button", name="Step").click()
                tab.wait_for_function(
                    "m => document.querySelector('.cisim-status').innerText"
                    ".includes('Month ' + m + ' ')",
                    arg=month,
                    timeout=60_000,
                )
                tab.evaluate(
                    "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
                )
                times.append(time.perf_counter() - started)
            browser.close()
    finally:
        app.send_signal(signal.SIGINT)
        app.wait(timeout=30)
    return times


def _check_organisations() -> None:
    """The browser run sets the lever with the keyboard: make sure its maximum is 60."""
    from cisim.app.levers import LEVERS

    assert LEVERS["n_organisations"].hi == ORGANISATIONS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=40, help="months to time (default 40)")
    parser.add_argument("--browser", action="store_true", help="also time it in headless Chromium")
    args = parser.parse_args()
    print(f"{ORGANISATIONS} organisations, baseline preset, seed 1")
    print(summary("server, one world", server_side(args.months, two_worlds=False)))
    print(summary("server, two worlds", server_side(args.months, two_worlds=True)))
    if args.browser:
        _check_organisations()
        print(summary("browser, one world", browser_side(args.months)))


if __name__ == "__main__":
    main()

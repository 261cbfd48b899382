"""How long the classroom takes to advance and redraw one month, with 60 organisations.

Two measurements:

* **server**: a click on *Step* in Solara's test renderer (no browser): the month is simulated,
  the events derived, the charts' data built and the page's views re-rendered, as the server
  does for a browser; one world, then two worlds side by side;
* **browser** (``--browser``, needs Debian's chromium): ``cisim app`` in a subprocess, the page in
  headless Chromium at 1280 x 720; from the click on *Step* until the page shows the next month,
  every chart has drawn that month's data, and the browser has painted two frames since.

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
from typing import Any

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
    step = rc.find(v.Btn, class_="cisim-step").widget
    step.click()  # warm up
    times = []
    for _ in range(months):
        started = time.perf_counter()
        step.click()
        times.append(time.perf_counter() - started)
    rc.close()
    return times


#: In the page: click Step, then wait (a check every frame) until the status shows month ``m``
#: and every chart has drawn anew, then two more frames (the month painted); milliseconds.
IN_PAGE = """(m) => new Promise(done => {
  const charts = () => [...document.querySelectorAll('.cisim-vega')];
  const before = charts().map(c => c.dataset.drawn);
  const started = performance.now();
  document.querySelector('.cisim-step').click();
  const check = () => {
    const shown = document.querySelector('.cisim-status').innerText.startsWith('Month ' + m + ' ');
    if (shown && charts().every((c, i) => c.dataset.drawn !== before[i])) {
      requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - started)));
    } else {
      requestAnimationFrame(check);
    }
  };
  requestAnimationFrame(check);
})"""


def browser_side(months: int) -> tuple[list[float], list[float]]:
    """Seconds from a click on Step to the next month painted, in headless Chromium: timed in
    the page (the click and the clock in the page), and from Playwright (its click, then its
    checks, each a round trip to the browser: what the earlier figures measured)."""
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
            tab = browser.new_page(viewport={"width": 1280, "height": 720})
            tab.goto(url)
            tab.locator(".cisim-status").first.wait_for(timeout=120_000)
            tab.wait_for_timeout(2000)
            tab.locator(".cisim-slider-n_organisations [role=slider]").first.focus()
            tab.keyboard.press("End")  # the slider's maximum: 60 organisations (a new start)
            tab.locator(".cisim-lever-n_organisations").get_by_text(
                str(ORGANISATIONS), exact=True
            ).wait_for(timeout=30_000)
            tab.wait_for_timeout(3000)
            in_page = [tab.evaluate(IN_PAGE, month) / 1000 for month in range(1, months + 1)]
            driven = [_driven(tab, month) for month in range(months + 1, 2 * months + 1)]
            browser.close()
    finally:
        app.send_signal(signal.SIGINT)
        app.wait(timeout=30)
    return in_page, driven


def _driven(tab: Any, month: int) -> float:
    """Seconds from Playwright's click on Step until it sees month ``month`` painted."""
    before = tab.evaluate("[...document.querySelectorAll('.cisim-vega')].map(c => c.dataset.drawn)")
    started = time.perf_counter()
    tab.locator(".cisim-step").click()
    tab.wait_for_function(
        "([m, before]) => document.querySelector('.cisim-status').innerText"
        ".startsWith('Month ' + m + ' ') && [...document.querySelectorAll("
        "'.cisim-vega')].every((c, i) => c.dataset.drawn !== before[i])",
        arg=[month, before],
        timeout=60_000,
        polling="raf",
    )
    tab.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return time.perf_counter() - started


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
        in_page, driven = browser_side(args.months)
        print(summary("browser, one world, timed in the page", in_page))
        print(summary("browser, one world, driven by Playwright", driven))


if __name__ == "__main__":
    main()

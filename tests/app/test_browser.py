"""End to end, in a real headless Chromium (Debian's, driven by Playwright): start ``cisim app``
and use the page as a teacher would on a projector.

* At 1024 × 768, 1280 × 720 and 1920 × 1080: the controls, the whole network, the story and the
  panels are on the screen without scrolling; the smallest text is measured (at least
  :data:`~cisim.app.styles.MIN_TEXT_PX`, transforms counted); none of a framework's clutter.
* A lever moved mid-run changes the world from the next month and the story says so; Reset
  starts again.
* Two worlds: the lever that differs changes in the other world while this one goes on; both
  stories side by side, each world in its colour.

Every file the page loads comes from the app itself (nothing from elsewhere, nothing missing).
Screenshots and the measured text sizes are kept in ``test-artifacts/app/``. Without Chromium or
Playwright the tests are skipped, except in CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from browsers import chromium
from cisim.app.styles import MIN_TEXT_PX

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
SIZES = [(1024, 768), (1280, 720), (1920, 1080)]
CLUTTER = ("PAGE 0", "Render Interval", "Use Threads", "Time:", "runs on Solara")


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


@pytest.fixture(scope="module")
def browser(app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=_chromium(), headless=True, args=CHROMIUM_FLAGS
        )
        yield launched
        launched.close()


def open_page(browser, app_url, width: int, height: int):
    """A new tab at ``width`` × ``height`` showing the page (month 0, charts drawn), and the list
    its errors go to (page errors, requests elsewhere, missing files)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("request", lambda r: errors.extend(_elsewhere(r.url, app_url)))
    tab.on("response", lambda r: r.status >= 400 and errors.append(f"{r.status} {r.url}"))
    tab.goto(app_url)
    tab.locator(".cisim-status").first.wait_for(timeout=120_000)
    _drawn(tab)
    return tab, errors


def _elsewhere(url: str, app_url: str) -> list[str]:
    """``[url]`` if the page asked for it from anywhere but the app."""
    own = (app_url, app_url.replace("http://", "ws://"), "data:", "blob:", "about:")
    return [] if url.startswith(own) else [f"asked for {url}"]


def _drawn(tab) -> None:
    """Wait until every chart of the page has drawn (its SVG is there)."""
    tab.wait_for_function(
        "[...document.querySelectorAll('.cisim-chart')].every(c => c.querySelector('svg, canvas'))",
        timeout=60_000,
    )
    tab.wait_for_timeout(400)


def _month(tab, month: int, worlds: int = 1) -> None:
    """Wait until every world's status line shows ``month``."""
    tab.wait_for_function(
        "([m, n]) => { const s = [...document.querySelectorAll('.cisim-status')];"
        " return s.length === n && s.every(e => e.innerText.startsWith('Month ' + m + ' ')); }",
        arg=[month, worlds],
        timeout=60_000,
    )
    tab.wait_for_timeout(300)


def _shot(tab, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    tab.screenshot(path=path)
    return path


def _box(tab, selector: str) -> dict[str, float]:
    box = tab.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    return box


def _on_screen(tab, selector: str) -> None:
    """Every element matching ``selector`` lies wholly on the screen (no scrolling)."""
    view = tab.viewport_size
    boxes = tab.eval_on_selector_all(
        selector, "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return [r.left, r.top, r.right, r.bottom]; })",
    )  # fmt: skip
    assert boxes, f"nothing matches {selector}"
    for left, top, right, bottom in boxes:
        assert left >= -0.5 and top >= -0.5, (selector, left, top)
        assert right <= view["width"] + 0.5 and bottom <= view["height"] + 0.5, (
            selector,
            right,
            bottom,
            view,
        )
        assert right - left > 10 and bottom - top > 10, (selector, "too small to see")


SMALLEST_TEXT = """() => {
  const sizes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (!el || el.closest('style, script, title')) continue;
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || style.visibility === 'hidden' ||
        style.display === 'none' || parseFloat(style.opacity) === 0) continue;
    if (r.bottom <= 0 || r.top >= innerHeight || r.right <= 0 || r.left >= innerWidth) continue;
    // a transform (Vuetify shrinks a field's label above it) scales the text drawn
    const scale = el.offsetHeight ? r.height / el.offsetHeight : 1;
    const size = Math.round(parseFloat(style.fontSize) * scale * 10) / 10;
    sizes.push([size, node.textContent.trim().slice(0, 30)]);
  }
  sizes.sort((a, b) => a[0] - b[0]);
  return sizes;
}"""


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_browser__a_lesson_on_one_screen(browser, app_url, width, height):
    tab, errors = open_page(browser, app_url, width, height)
    tab.locator(".cisim-preset").click()
    tab.locator(".v-list-item").filter(has_text="hartford").first.click()
    tab.locator(".cisim-slider-resources").get_by_text("0.9").first.wait_for(state="attached")
    tab.locator(".cisim-year").click()
    _month(tab, 12)
    _drawn(tab)
    _on_screen(tab, ".cisim-network canvas")  # the whole network, at every size
    for controls in (".cisim-topbar .v-btn", ".cisim-preset", ".cisim-seed", ".cisim-lever"):
        _on_screen(tab, controls)  # (the issue asks for the rest at 1280 x 720: it holds at all)
    _on_screen(tab, ".cisim-chart svg, .cisim-chart canvas")
    _on_screen(tab, ".cisim-log")
    scroll = tab.evaluate(
        "[document.scrollingElement.scrollWidth, document.scrollingElement.scrollHeight]"
    )
    assert scroll[0] <= width and scroll[1] <= height, f"the page scrolls: {scroll}"
    sizes = tab.evaluate(SMALLEST_TEXT)
    smallest = sizes[0]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"text-sizes-{width}x{height}.json").write_text(json.dumps(sizes[:20]))
    print(f"\n{width}x{height}: smallest text {smallest[0]} px ({smallest[1]!r})")
    assert smallest[0] >= MIN_TEXT_PX, smallest
    shown = tab.locator("body").inner_text()
    assert not [word for word in CLUTTER if word in shown]
    _shot(tab, f"classroom-{width}x{height}")
    assert not errors, errors
    tab.context.close()


def test_browser__a_lever_mid_run_changes_the_world_and_the_story(browser, app_url):
    tab, errors = open_page(browser, app_url, 1280, 720)
    tab.locator(".cisim-year").click()
    _month(tab, 12)
    assert _gold_rings(tab) == 0  # the baseline has no navigator
    tab.locator(".cisim-lever-navigator").click()  # the switch "A navigator"
    log = tab.locator(".cisim-log").first
    log.get_by_text("Month 12: you added a navigator (it acts from month 13).").wait_for()
    assert tab.locator(".cisim-status").first.inner_text().startswith("Month 12 ")  # no restart
    tab.locator(".cisim-step").click()
    _month(tab, 13)
    log.get_by_text("Month 13: a navigator joined (your change).").wait_for()
    tab.locator(".cisim-year").click()
    _month(tab, 25)
    _drawn(tab)
    assert _gold_rings(tab) > 0  # the navigator attends to members: the world changed
    rules = tab.locator(
        ".cisim-mean_trust svg .mark-rule path, .cisim-mean_trust svg .mark-rule line"
    )
    assert rules.count() >= 1  # the change marked on the panels
    _shot(tab, "classroom-lever-mid-run")
    tab.locator(".cisim-reset").click()
    _month(tab, 0)
    assert "Nothing yet" in log.inner_text()
    assert tab.locator(".cisim-lever-navigator input").is_checked()  # the levers as they are
    assert not errors, errors
    tab.context.close()


def _gold_rings(tab) -> int:
    """Members the navigator attends to this month, as the network last drew them."""
    rows = tab.locator(".cisim-network .cisim-vega").first.get_attribute("data-rows")
    return json.loads(rows)["attended"]


def test_browser__two_worlds_one_changes_while_the_other_goes_on(browser, app_url):
    tab, errors = open_page(browser, app_url, 1280, 720)
    tab.locator(".cisim-second-world").click()
    tab.get_by_text("The other world: with a navigator").first.wait_for()
    tab.locator(".cisim-lever-other-navigator").click()  # month 0: both start without one
    tab.get_by_text("The other world: without a navigator").first.wait_for()
    tab.locator(".cisim-year").click()
    _month(tab, 12, worlds=2)
    tab.locator(".cisim-lever-other-navigator").click()  # the other world gets one, now
    other = tab.locator(".cisim-story-1 .cisim-log")
    other.get_by_text("Month 12: you added a navigator (it acts from month 13).").wait_for()
    assert "you added" not in tab.locator(".cisim-story-0 .cisim-log").inner_text()
    statuses = [s.inner_text() for s in tab.locator(".cisim-status").all()]
    assert all(s.startswith("Month 12 ") for s in statuses), statuses  # nobody restarted
    for _ in range(2):
        tab.locator(".cisim-year").click()
        tab.wait_for_timeout(300)
    _month(tab, 36, worlds=2)
    _drawn(tab)
    drawn = tab.locator(".cisim-network .cisim-vega").evaluate_all(
        "els => els.map(e => e.dataset.rows)"
    )
    rings = [json.loads(rows)["attended"] for rows in drawn]
    assert rings[0] == 0 and rings[1] > 0  # only the other world has a navigator at work
    for selector in (".cisim-network canvas", ".cisim-log", ".cisim-chart svg", ".cisim-lever"):
        _on_screen(tab, selector)
    swatches = tab.eval_on_selector_all(
        ".cisim-world-key .cisim-swatch", "els => els.map(e => getComputedStyle(e).backgroundColor)"
    )
    assert len(set(swatches)) == 2 and "rgb(0, 114, 178)" in swatches  # two colours, labelled
    _shot(tab, "classroom-two-worlds")
    assert not errors, errors
    tab.context.close()

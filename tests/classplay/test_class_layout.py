"""The class's screens at the sizes classrooms use: the teacher's on a projector, the students'
on phones (headless Chromium).

The teacher's screen must show, without scrolling, everything the lesson needs: the join
address, the code and its QR code, the pace controls, the whole network, this month's decisions
and the trust chart; its smallest text must be legible from the back of a room (14 px, as the
app's projector page). A student's page must fit a small phone's width (no sideways scrolling),
with the decision's controls reachable. Students join through the HTTP API (no browser each), so
the network carries their names as in a class.
"""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

import pytest

from browsers import chromium
from cisim.classplay.serve import serve_in_thread
from cisim.classplay.session import ClassSession, default_scenario

STUDENTS = 30  # seats
JOINED = 28  # two seats left for the phones' late joiners
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run"]
#: Everything the teacher needs during the lesson, by selector.
TEACHER_PARTS = {
    "join address": "#join-url",
    "code": "#code",
    "QR code": "#qr",
    "Start": "#start",
    "Pause": "#pause",
    "Next month": "#step",
    "End and debrief": "#end",
    "seconds per month": "#pace",
    "seconds to decide": "#limit",
    "Apply": "#apply",
    "status": "#status",
    "network": "#network",
    "decisions": "#decisions",
    "trust chart": "#chart",
}
SMALLEST_PX = 14.0

#: The parts of the page outside the viewport (by name), whether the page scrolls sideways, and
#: the smallest rendered text: HTML text by its computed size, the network's and the chart's
#: labels by their drawn height (an SVG's text is scaled with its viewBox).
MEASURE = """(parts) => {
  const w = innerWidth, h = innerHeight, out = [];
  for (const [name, sel] of Object.entries(parts)) {
    const r = document.querySelector(sel).getBoundingClientRect();
    if (r.width === 0 || r.left < -1 || r.top < -1 || r.right > w + 1 || r.bottom > h + 1)
      out.push(`${name} at ${[r.left, r.top, r.right, r.bottom].map(Math.round)}`);
  }
  let smallest = Infinity, where = "";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    const node = t.parentElement;
    if (!t.textContent.trim() || !node || node.closest("[hidden]")) continue;
    if (!node.getClientRects().length) continue;
    let px;
    if (node instanceof SVGElement) {
      const svg = node.ownerSVGElement, box = svg.viewBox.baseVal;
      const scale = Math.min(svg.clientWidth / box.width, svg.clientHeight / box.height);
      px = parseFloat(getComputedStyle(node).fontSize) * scale;
    } else {
      px = parseFloat(getComputedStyle(node).fontSize);
    }
    if (px < smallest) {
      smallest = px;
      where = (node.id || node.tagName) + ": " + t.textContent.trim().slice(0, 30);
    }
  }
  return {outside: out, sideways: document.documentElement.scrollWidth > w + 1, smallest, where};
}"""


def _post(url: str, path: str, body: dict, headers: dict | None = None) -> dict:
    conn = http.client.HTTPConnection(urlsplit(url).netloc, timeout=30)
    try:
        conn.request("POST", path, body=json.dumps(body).encode(),
                     headers={"Content-Type": "application/json", **(headers or {})})  # fmt: skip
        reply = conn.getresponse()
        data = json.loads(reply.read() or b"{}")
        assert reply.status == 200, (path, reply.status, data)
        return data
    finally:
        conn.close()


@pytest.fixture(scope="module")
def started():
    """A class of 30 seats, 28 students joined, started (a long pace: measured in one month)."""
    session = ClassSession(
        scenario=default_scenario(STUDENTS), seed=5, months=12, time_limit=60, pace=600
    )
    served = serve_in_thread(session)
    try:
        joined = [
            _post(served.url, "/api/join", {"code": session.code, "name": f"Student {k:02d}"})
            for k in range(JOINED)
        ]
        key = {"X-Key": served.server.teacher_key}
        _post(served.url, "/api/teacher/start", {}, key)
        yield served, joined
    finally:
        served.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = chromium("the class's layout test")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1024, 768), (1920, 1080)])
def test_teacher_screen__shows_the_lesson_without_scrolling(started, browser, width, height):
    served, _ = started
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(served.teacher_url)
        page.wait_for_function(f"document.querySelectorAll('#network text').length === {JOINED}")
        page.wait_for_function("document.getElementById('qr').naturalWidth > 0")
        page.wait_for_function("document.querySelectorAll('#chart *').length > 1")
        seen = page.evaluate(MEASURE, TEACHER_PARTS)
        assert seen["outside"] == [], f"{width}x{height}: {seen['outside']}"
        assert not seen["sideways"], f"{width}x{height}: the page scrolls sideways"
        # every student's organisation is drawn inside the network's box
        inside = page.evaluate(
            """() => {
              const box = document.getElementById("network").getBoundingClientRect();
              return [...document.querySelectorAll("#network text")].every((t) => {
                const r = t.getBoundingClientRect();
                return r.left >= box.left - 1 && r.right <= box.right + 1
                    && r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
              });
            }"""
        )
        assert inside, f"{width}x{height}: a student's label is cut off the network"
        if width >= 1280:  # a projector's sizes: legible from the back of the room
            assert seen["smallest"] >= SMALLEST_PX, f"{width}x{height}: {seen['where']}"
    finally:
        context.close()


@pytest.mark.parametrize(("width", "height"), [(360, 640), (390, 844)])
def test_student_page__fits_a_phone(started, browser, width, height):
    served, _ = started
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(served.join_url)
        page.fill("#name", "Late student")
        page.click("#join-button")
        page.wait_for_selector("#play:not([hidden])")
        seen = page.evaluate(MEASURE, {"organisation card": "#card"})
        assert not seen["sideways"], f"{width}x{height}: the page scrolls sideways"
        assert seen["outside"] == [], seen["outside"]
        assert seen["smallest"] >= 14.0, seen["where"]  # a phone held at arm's length
    finally:
        context.close()

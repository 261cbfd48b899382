"""The flagship report printed: in a real headless Chromium (Debian's, driven by Playwright), the
report of a small copy of the flagship study is laid out for print at A4 and printed to PDF. No
table and no figure may be wider than the printed text column (a wider table loses its last
columns on paper, as Table 2's final-trust column once did), and on screen no figure is shown
wider than the text column.

Without Chromium or Playwright the test is skipped, except in CI (``CI=true``), where it fails.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from browsers import chromium
from cisim import cli
from cisim.present.report.page import TEXT_WIDTH_PX

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "experiments" / "learning_vs_blame.toml"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
#: A4 less the report's @page margins (15 mm each side): 180 mm at 96 CSS px per inch.
A4_COLUMN_PX = 180 / 25.4 * 96
#: What each table and figure measures, in the page's own layout.
MEASURE = """() => {
  const column = document.querySelector('main').getBoundingClientRect().width;
  const wide = (el) => Math.max(el.scrollWidth, el.getBoundingClientRect().width);
  const each = (outer, inner) => [...document.querySelectorAll(outer)].map(
    o => [o.id, wide(o.querySelector(inner))]);
  return {column: column, tables: each('.table', 'table'), figures: each('figure', 'img')};
}"""


def _chromium() -> str:
    return chromium("the print test")


def _cisim(*argv: str | Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main([str(a) for a in argv])
    assert code == 0, err.getvalue()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The flagship experiment with 6 replicates of 36 months, swept and reported."""
    _chromium()
    root = tmp_path_factory.mktemp("flagship")
    text = FLAGSHIP.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^replicates = \d+$", "replicates = 6", text)
    text = re.sub(r"(?m)^horizon_months = \d+$", "horizon_months = 36", text)
    experiment = root / "flagship.toml"
    experiment.write_text(text, encoding="utf-8")
    _cisim("sweep", experiment, "--out", root / "sweep", "--workers", "1", "--no-progress")
    _cisim("report", root / "sweep")
    return root / "sweep" / "report.html"


def test_report__printed_at_a4_no_table_or_figure_overflows(report: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": round(A4_COLUMN_PX), "height": 1100})
            page.goto(report.as_uri())
            page.emulate_media(media="print")
            printed = page.evaluate(MEASURE)
            pdf = page.pdf(path=str(tmp_path / "report.pdf"), format="A4")
        finally:
            browser.close()
    column = printed["column"]
    assert column == pytest.approx(A4_COLUMN_PX, abs=2)
    assert len(printed["tables"]) >= 6 and len(printed["figures"]) >= 6
    measured = printed["tables"] + printed["figures"]
    assert [(name, width) for name, width in measured if width > column + 1] == []
    assert pdf.startswith(b"%PDF-")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes, "the PDF has no pages"
    for width, height in boxes:  # A4 is 595 x 842 points (Chromium rounds to whole CSS px)
        assert float(width) == pytest.approx(595.3, abs=1.5)
        assert float(height) == pytest.approx(841.9, abs=1.5)


def test_report__on_screen_no_figure_is_wider_than_the_text_column(report: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(report.as_uri())
            screen = page.evaluate(MEASURE)
            natural = page.evaluate(
                "() => [...document.querySelectorAll('figure img')].map(i => i.naturalWidth)"
            )
        finally:
            browser.close()
    column = screen["column"] - 48  # main's padding: 1.5rem each side
    assert column == pytest.approx(TEXT_WIDTH_PX, abs=1)
    assert [(n, w) for n, w in screen["figures"] if w > column + 1] == []
    # drawn no wider than the column (at 120 dpi, 96 CSS px per inch): shown at the drawn size,
    # so the figure's text is as large as it was drawn
    assert max(natural) * 96 / 120 <= TEXT_WIDTH_PX

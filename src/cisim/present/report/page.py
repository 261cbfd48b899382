"""The page: the HTML shell and its style sheet, escaping, and numbered figures and tables.

Everything is in the one file: figures are PNGs embedded as ``data:`` URIs, the style sheet is
inline, and there is no script. Every text that comes from data is escaped (:func:`esc`).
"""

from __future__ import annotations

import base64
import html
import re
import struct
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from cisim._version import __version__
from cisim.present.figures import DPI
from cisim.present.report.words import runs_phrase

if TYPE_CHECKING:
    from cisim.present.report.source import ReportSource

#: The text column: 60rem less 1.5rem of padding each side. No figure is shown wider; the
#: analysis draws its figures at most :data:`cisim.present.figures.COLUMN_INCHES` wide, so
#: they are shown at their drawn size (their text at its drawn size).
TEXT_WIDTH_PX = 912


@dataclass
class Section:
    """One part of the report: its anchor, heading and body (HTML)."""

    anchor: str
    title: str
    body: str


class Document:
    """The report being built: its inputs, and the numbers of its figures and tables so far."""

    def __init__(
        self,
        source: ReportSource,
        summary: Mapping[str, Any],
        analysis_dir: Path,
        report_dir: Path | None = None,
    ):
        self.source = source
        self.summary = summary
        self.dir = analysis_dir
        self.report_dir = report_dir  # where the report is written (for relative links)
        self.figures = 0
        self.tables = 0
        self._cache: dict[str, pd.DataFrame | None] = {}
        self.spans: dict[str, pd.DataFrame] = {}

    # ---- inputs --------------------------------------------------------------------------
    def table_of(self, name: str) -> pd.DataFrame | None:
        """An analysis table by name (``None`` if the analysis did not write it)."""
        if name not in self._cache:
            path = self.own_file("tables", name, ".csv")
            self._cache[name] = pd.read_csv(path) if path is not None else None
        return self._cache[name]

    def own_file(self, group: str, name: str, suffix: str) -> Path | None:
        """The analysis file ``summary[group][name]``, only if it is a plain ``suffix`` file in
        the analysis directory itself.

        The summary is data on disk (a shared sweep directory may carry a doctored one): a name
        that is absolute, climbs out (``..``), passes through a symbolic link or is not of the
        expected kind is ignored, so a report can embed nothing from outside its analysis.
        """
        entries = self.summary.get(group)
        file = entries.get(name) if isinstance(entries, Mapping) else None
        if not isinstance(file, str) or "\0" in file or Path(file).name != file:
            return None
        if not file.endswith(suffix) or file.startswith("."):
            return None
        path = self.dir / file
        if path.is_symlink() or not path.is_file():
            return None
        return path

    def filled(self, name: str) -> pd.DataFrame | None:
        """An analysis table by name, ``None`` if the analysis did not write it or it is empty."""
        table = self.table_of(name)
        return None if table is None or table.empty else table

    def has_figure(self, name: str) -> bool:
        """Whether the analysis drew figure ``name``."""
        return self._png(name) is not None

    def _png(self, name: str) -> bytes | None:
        path = self.own_file("figures", name, ".png")
        data = path.read_bytes() if path is not None else b""
        return data if data.startswith(b"\x89PNG\r\n\x1a\n") else None

    # ---- pieces ----------------------------------------------------------------------------
    def figure(self, name: str, caption: str) -> str:
        """The analysis figure ``name`` embedded as a numbered ``<figure>`` ('' if absent)."""
        data = self._png(name)
        if data is None:
            return ""
        self.figures += 1
        width = min(css_width(data), TEXT_WIDTH_PX)
        encoded = base64.b64encode(data).decode("ascii")
        return (
            f'<figure id="figure-{self.figures}">'
            f'<img src="data:image/png;base64,{encoded}" alt="{esc(caption)}" '
            f'style="width: {width}px">'
            f"<figcaption><b>Figure {self.figures}.</b> {inline(caption)}</figcaption></figure>"
        )

    def table(
        self,
        caption: str,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        numeric: int,
        *,
        nowrap: bool = False,
    ) -> str:
        """A numbered table; the last ``numeric`` columns are right-aligned numbers.

        ``nowrap`` keeps the first column (row labels) on one line.
        """
        self.tables += 1
        first = len(header) - numeric
        head = _cells("th", header, first, esc)
        body = "".join(f"<tr>{_cells('td', r, first, cell)}</tr>" for r in rows)
        return (
            f'<div class="table" id="table-{self.tables}">'
            f'<p class="caption"><b>Table {self.tables}.</b> {inline(caption)}</p>'
            f'<div class="scroll"><table{" class=labels" * nowrap}>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div></div>"
        )

    @property
    def next_figure(self) -> int:
        """The number the next figure will get."""
        return self.figures + 1

    @property
    def next_table(self) -> int:
        """The number the next table will get."""
        return self.tables + 1


def page(
    source: ReportSource, summary: Mapping[str, Any], top: Sequence[str], sections: list[Section]
) -> str:
    """The whole HTML document: the headline sentences ``top``, contents, then ``sections``."""
    toc = "".join(f'<li><a href="#{s.anchor}">{esc(s.title)}</a></li>' for s in sections)
    body = "".join(
        f'<section id="{s.anchor}"><h2>{esc(s.title)}</h2>{s.body}</section>' for s in sections
    )
    lead = esc(source.description) if source.question and source.description else ""
    answer = "".join(f"<li>{inline(line)}</li>" for line in top)
    return PAGE.format(
        title=esc(source.title),
        name=esc(source.name),
        lead=f'<p class="lead">{lead}</p>' if lead else "",
        byline=esc(byline(source, summary)),
        answer=answer,
        toc=toc,
        body=body,
        css=CSS,
        version=esc(__version__),
    )


def esc(text: Any) -> str:
    """HTML-escaped text."""
    return html.escape(str(text), quote=True)


#: A link in report text: ``[text](href)`` (the href without spaces or parentheses).
LINK = r"\[([^\]]+)\]\(([^()\s]+)\)"


def inline(text: str) -> str:
    """Escaped text with ``**bold**`` marks as ``<strong>`` and ``[text](href)`` as links."""
    bold = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", esc(text))
    return re.sub(LINK, r'<a href="\2">\1</a>', bold)


def paragraph(text: str) -> str:
    """A paragraph of ``text`` ('' for no text)."""
    return f"<p>{inline(text)}</p>" if text else ""


def cell(value: str) -> str:
    """A table cell: an estimate and its interval on two lines (``estimate|interval``)."""
    if "|" in value:
        estimate, interval = value.split("|", 1)
        return f'{esc(estimate)}<br><span class="ci">{esc(interval)}</span>'
    return esc(value)


def _cells(tag: str, texts: Sequence[str], first: int, fill: Callable[[str], str]) -> str:
    """A table row's cells; those from column ``first`` on are numbers."""
    return "".join(
        f"<{tag}{' class=num' if i >= first else ''}>{fill(t)}</{tag}>" for i, t in enumerate(texts)
    )


def byline(src: ReportSource, summary: Mapping[str, Any]) -> str:
    """The experiment, its runs, the cisim version and commit that ran it, and the date."""
    m = src.manifest
    when = str(m.get("ended_utc") or m.get("started_utc") or "")
    date = when[:10] if when else datetime.now().date().isoformat()
    commit = str(m.get("git_commit") or "")[:10] or "unknown commit"
    return (
        f"Experiment {src.name} · {runs_phrase(summary)} · "
        f"cisim {m.get('cisim_version', __version__)} ({commit}) · {date}"
    )


def css_width(png: bytes) -> int:
    """Display width (CSS px) of a PNG drawn at :data:`cisim.present.figures.DPI` (96 CSS px per
    inch).
    """
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        return TEXT_WIDTH_PX
    width = struct.unpack(">I", png[16:20])[0]
    return round(width * 96 / DPI)


CSS = """
:root { --ink: #1d1d1f; --muted: #5f6368; --rule: #d0d0d0; --lj: #1a9850; --bg: #e6550d; }
* { box-sizing: border-box; }
html { font-size: 100%; -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff;
  font-family: "Iowan Old Style", "Palatino Linotype", Palatino, "Book Antiqua", Georgia,
    "Times New Roman", serif;
  font-size: 1.0625rem; line-height: 1.6; }
main { max-width: 60rem; margin: 0 auto; padding: 2.5rem 1.5rem 4rem; }
h1, h2, h3, .byline, figcaption, .caption, nav, table, .kicker {
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 1.9rem; line-height: 1.25; margin: 0.2rem 0 0.6rem; font-weight: 650; }
h2 { font-size: 1.35rem; margin: 2.8rem 0 0.8rem; padding-top: 0.6rem;
  border-top: 1px solid var(--rule); font-weight: 600; }
.kicker { text-transform: uppercase; letter-spacing: 0.08em; font-size: 0.75rem;
  color: var(--muted); margin: 0; }
.lead { font-size: 1.15rem; color: #333; margin: 0.2rem 0 0.6rem; }
.byline { color: var(--muted); font-size: 0.85rem; margin: 0 0 1.6rem; }
.answer { background: #f4f8f5; border-left: 4px solid var(--lj); padding: 1rem 1.4rem 0.6rem;
  margin: 1.2rem 0 1.8rem; }
.answer h2 { border: 0; margin: 0 0 0.4rem; padding: 0; font-size: 1.15rem; }
.answer ul { margin: 0; padding-left: 1.1rem; }
.answer li { margin: 0 0 0.55rem; }
nav { font-size: 0.9rem; color: var(--muted); }
nav ol { columns: 2; column-gap: 2rem; margin: 0.3rem 0 0; padding-left: 1.3rem; }
nav a { color: inherit; }
a { color: #1a5fb4; }
figure { margin: 1.6rem 0; max-width: 100%; }
figure img { display: block; max-width: 100%; height: auto; margin: 0 auto; }
figcaption { font-size: 0.85rem; color: #444; margin: 0.5rem auto 0; max-width: 60rem;
  line-height: 1.45; }
.table { margin: 1.6rem 0; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.84rem; line-height: 1.35;
  font-variant-numeric: tabular-nums; }
.caption { font-size: 0.85rem; color: #444; margin: 0 0 0.5rem; line-height: 1.45; }
thead th { border-top: 1.5px solid var(--ink); border-bottom: 1px solid var(--ink);
  font-weight: 600; vertical-align: bottom; }
tbody tr:last-child td { border-bottom: 1.5px solid var(--ink); }
th, td { padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
tbody tr:nth-child(even) { background: #fafafa; }
.num { text-align: right; white-space: nowrap; }
table.labels td:first-child { white-space: nowrap; }
.ci { color: var(--muted); font-size: 0.76rem; }
pre { background: #f6f6f6; border: 1px solid #e2e2e2; padding: 0.9rem 1rem; overflow-x: auto;
  font-size: 0.8rem; line-height: 1.45; white-space: pre-wrap; overflow-wrap: anywhere; }
code, pre { font-family: ui-monospace, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1.2rem;
  font-size: 0.92rem; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
h3 { font-size: 1rem; margin: 1.8rem 0 0.4rem; font-weight: 600; }
ul.refs { list-style: none; padding-left: 0; font-size: 0.88rem; }
ul.refs li { padding-left: 1.5rem; text-indent: -1.5rem; margin-bottom: 0.3rem; }
footer { margin-top: 3rem; color: var(--muted); font-size: 0.8rem; }
@page { size: A4; margin: 16mm 15mm; }
@media print {
  body { font-size: 10pt; line-height: 1.45; }
  main { max-width: none; padding: 0; }
  a { color: inherit; }
  nav { display: none; }
  figure, .answer, thead, tr { break-inside: avoid; }
  figure img { width: auto !important; max-width: 100%; }
  figcaption { max-width: none; }
  h2, h3, .caption { break-after: avoid; }
  .scroll { overflow: visible; }
  table { font-size: 7.5pt; width: 100%; table-layout: auto; }
  th, td { padding: 0.15rem 0.3rem; }
  .num { white-space: normal; }
  table.labels td:first-child { white-space: normal; }
  .ci { font-size: 6.5pt; white-space: nowrap; }
  pre { font-size: 7pt; }
  dl.facts { font-size: 8.5pt; }
  dl.facts dd { overflow-wrap: anywhere; }
}
"""


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="cisim {version}">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<main>
<header>
<p class="kicker">cisim sweep report · {name}</p>
<h1>{title}</h1>
{lead}
<p class="byline">{byline}</p>
</header>
<section class="answer" id="headline">
<h2>The answer in brief</h2>
<ul>{answer}</ul>
</section>
<nav aria-label="Contents"><b>Contents</b><ol>{toc}</ol></nav>
{body}
<footer>Written by cisim {version}. Figures are embedded; the same PNGs and every table as CSV
are in the sweep's <code>analysis/</code> folder.</footer>
</main>
</body>
</html>
"""

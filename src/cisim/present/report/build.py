"""Build the report: the headline, the evidence sections, the methods and the experiment file
on one page, written atomically."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cisim.present.report.headlines import headline_lines, plain
from cisim.present.report.methods import experiment_section, methods_section
from cisim.present.report.page import Document, page
from cisim.present.report.sections import SECTIONS
from cisim.present.report.source import ReportSource


@dataclass(frozen=True)
class Written:
    """A written report: where, how many figures, how many bytes."""

    path: Path
    figures: int
    size: int


def write_report(
    source: ReportSource,
    summary: Mapping[str, Any],
    analysis_dir: Path,
    path: Path,
    trailer: Callable[[str], str] | None = None,
) -> Written:
    """Render the report and write it to ``path`` atomically (replacing an older one);
    ``trailer(text)``, if given, is appended as its last line (``cisim report``'s record)."""
    from cisim.study.sweeps.store import write_text_atomic

    document = Document(source, summary, Path(analysis_dir), report_dir=path.parent)
    text = render(document)
    if trailer is not None:
        text += trailer(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(text, path)
    return Written(path, document.figures, len(text.encode()))


def headline(source: ReportSource, summary: Mapping[str, Any], analysis_dir: Path) -> list[str]:
    """The headline answer as plain sentences (what ``cisim report`` prints)."""
    document = Document(source, summary, Path(analysis_dir))
    return [plain(line) for line in headline_lines(document)]


def render(doc: Document) -> str:
    """The whole HTML document."""
    top = headline_lines(doc)
    sections = [s for make in SECTIONS if (s := make(doc)) is not None]
    sections += [methods_section(doc), experiment_section(doc)]
    return page(doc.source, doc.summary, top, sections)

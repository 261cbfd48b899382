"""``cisim report``: a sweep's analysis as one self-contained HTML file.

The report opens with the experiment's question and a headline answer generated from the numbers
of :func:`cisim.analysis.analyze` (the lever that moves the share of learning journeys most, the
best and worst conditions, how early the regime can be told, the strongest warning signs, the most
influential parameters), then gives the evidence one analysis at a time (figure, table and one or
two sentences read off the numbers), the methods and the experiment file verbatim.

Everything is in the one file: figures are PNGs embedded as ``data:`` URIs, the style sheet is
inline, and there is no script. Every text that comes from data is escaped. Nothing here invents
a claim: each sentence is a template filled with numbers from the analysis tables (the CSV files
:func:`~cisim.analysis.analyze` writes) or its summary (``analysis.json``).

Modules: :mod:`.source` (what the report is about), :mod:`.build` (the report and its writing),
:mod:`.page` (HTML shell, style sheet, escaping, numbered figures and tables), :mod:`.words`
(numbers and names in words), :mod:`.headlines` (the answer in brief), :mod:`.sections` and its
``sections_*`` modules (the evidence), :mod:`.spans` (effects over a factor's whole range) and
:mod:`.methods` (methods, provenance, references, the experiment file).
"""

from __future__ import annotations

from cisim.present.report.build import Written, headline, render, write_report
from cisim.present.report.headlines import HEADLINE, plain, warning_phrase
from cisim.present.report.methods import ANALYSIS_MANIFEST, INTERVALS, REFERENCES
from cisim.present.report.page import CSS, PAGE, TEXT_WIDTH_PX, Document, Section, esc, inline
from cisim.present.report.sections import SECTIONS
from cisim.present.report.source import ReportSource
from cisim.present.report.spans import factor_effects, whole_range
from cisim.present.report.words import records

__all__ = [
    "ANALYSIS_MANIFEST",
    "CSS",
    "HEADLINE",
    "INTERVALS",
    "PAGE",
    "REFERENCES",
    "SECTIONS",
    "TEXT_WIDTH_PX",
    "Document",
    "ReportSource",
    "Section",
    "Written",
    "esc",
    "factor_effects",
    "headline",
    "inline",
    "plain",
    "records",
    "render",
    "warning_phrase",
    "whole_range",
    "write_report",
]

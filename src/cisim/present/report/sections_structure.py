"""The evidence section of a nested sweep: who is at the table, or what happens to them.

It reads the tables of :mod:`cisim.analysis.decomposition` (``nested_decomposition`` per design
point, ``nested_conditions`` across points) and says, from their numbers, how much of the
variance of the learning-journey indicator the population explains (structure), how much events
common to every population (history), how much their interaction and, across points, the
parameters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from cisim.analysis.decomposition import ALL_SOURCES, SOURCES
from cisim.analysis.effects import level_text
from cisim.present.report.page import Document, Section, paragraph
from cisim.present.report.words import bare, condition, pct, records, ref, words

#: Each source in words (what the share is the share of).
MEANING = {
    "parameters": "the parameters (between conditions)",
    "structure": "who is at the table (the population alone)",
    "history": "events common to every population (history)",
    "interaction": "how a population meets its events (the interaction)",
}


def nested_section(doc: Document) -> Section | None:
    """Structure, history and interaction per condition, and the parameters across them."""
    points = doc.filled("nested_decomposition")
    nested = doc.summary.get("nested")
    if points is None or not nested:
        return None
    across = doc.filled("nested_conditions")
    by = _conditions(points)
    fig = doc.next_figure if doc.has_figure("nested_decomposition") else None
    text = _text(points, across, nested, by, fig, doc.next_table)
    figure = doc.figure(
        "nested_decomposition",
        "Shares of the variance of the learning-journey indicator: structure (the population "
        "alone), history (events common to every population) and their interaction, per "
        "condition"
        + ("; across the conditions also the parameters." if across is not None else "."),
    )
    return Section(
        "nested",
        "Who is at the table, or what happens to them",
        paragraph(text) + figure + _table(doc, points, across, by),
    )


def nested_headline(doc: Document) -> list[str]:
    """The headline sentence of a nested sweep (none for plain replicates)."""
    points = doc.filled("nested_decomposition")
    if points is None or not doc.summary.get("nested"):
        return []
    rows = [r for r in records(points) if r["variance"] > 0]
    if not rows:
        return []
    if len(rows) == 1:
        (r,) = rows
        text = (
            f"**Who is at the table.** The population explains {pct(r['structure'])} "
            f"({_interval(r, 'structure')}) of the variance of the learning-journey indicator, "
            f"events common to every population {pct(r['history'])} and how a population meets "
            f"its events {pct(r['interaction'])}."
        )
    else:
        text = (
            f"**Who is at the table.** Within a condition, the population explains "
            f"{_range(rows, 'structure')} of the variance of the learning-journey indicator, "
            f"events common to every population {_range(rows, 'history')} and how a population "
            f"meets its events {_range(rows, 'interaction')}."
        )
    across = doc.filled("nested_conditions")
    if across is not None:
        share = {r["source"]: r for r in records(across)}
        text += (
            f" Across the conditions the parameters explain {pct(share['parameters']['share'])} "
            f"({_interval(share['parameters'])}) and the population "
            f"{pct(share['structure']['share'])} ({_interval(share['structure'])})."
        )
    return [text]


def _conditions(points: pd.DataFrame) -> list[str]:
    fixed = {"point", "outcome", "populations", "histories", "mean", "variance"}
    shares = {f"{s}{end}" for s in SOURCES for end in ("", "_low", "_high")}
    return [c for c in points.columns if c not in fixed | shares]


def _text(
    points: pd.DataFrame,
    across: pd.DataFrame | None,
    nested: Mapping[str, Any],
    by: Sequence[str],
    figure: int | None,
    table: int,
) -> str:
    design = (
        f"At each of the {len(points)} conditions, {nested['populations']} populations (who is "
        f"at the table) were each run under the same {nested['histories']} histories (the "
        "monthly events), and the variance of whether a run became a learning journey was split "
        f"three ways{ref(figure, table)}. "
        if len(points) > 1
        else f"{nested['populations']} populations (who is at the table) were each run under the "
        f"same {nested['histories']} histories (the monthly events){ref(figure, table)}. "
    )
    rows = [r for r in records(points) if r["variance"] > 0]
    if not rows:
        return design + "Every run had the same outcome, so there is no variance to split."
    text = design + _within(rows) + _largest(rows, by)
    flat = len(points) - len(rows)
    if flat:
        text += (
            f" At {flat} of the conditions every run had the same outcome, so there was "
            "nothing to split there."
        )
    if across is not None:
        text += " " + _across(across, len(points))
    return text


def _within(rows: list[dict[str, Any]]) -> str:
    if len(rows) == 1:
        (r,) = rows
        parts = [f"{pct(r[s])} ({_interval(r, s)})" for s in SOURCES]
        return (
            f"Of that variance, {MEANING['structure']} explains {parts[0]}, "
            f"{MEANING['history']} {parts[1]} and {MEANING['interaction']} {parts[2]}."
        )
    spans = [f"{MEANING[s]} between {_span(rows, s)}" for s in SOURCES]
    return (
        f"Within a condition, {MEANING['structure']} explains between "
        f"{_span(rows, 'structure')} of the variance, {spans[1]}, and {spans[2]}."
    )


def _span(rows: list[dict[str, Any]], source: str) -> str:
    values = [r[source] for r in rows]
    return f"{pct(min(values))} and {pct(max(values))}"


def _range(rows: list[dict[str, Any]], source: str) -> str:
    """'16–33%': the smallest and largest share of ``source`` over ``rows``."""
    values = [r[source] for r in rows]
    return f"{bare(min(values))}–{pct(max(values))}"


def _largest(rows: list[dict[str, Any]], by: Sequence[str]) -> str:
    largest = [max(SOURCES, key=r.__getitem__) for r in rows]
    if len(rows) == 1:
        return ""
    if len(set(largest)) == 1:
        return f" The {largest[0]} is the largest part at every condition."
    top = max(rows, key=lambda r: r["structure"])
    where = condition(top, by) if by else f"point {top['point']}"
    return (
        f" The largest part differs between conditions; who is at the table counts most at "
        f"{where} ({pct(top['structure'])})."
    )


def _across(across: pd.DataFrame, n: int) -> str:
    share = {r["source"]: r for r in records(across)}
    parts = [f"{s} {pct(share[s]['share'])} ({_interval(share[s])})" for s in ALL_SOURCES]
    return (
        f"Across the {n} conditions, on the same populations and histories, the parameters "
        f"explain {parts[0].removeprefix('parameters ')} of the variance, against "
        f"{', '.join(parts[1:3])} and {parts[3]}."
    )


def _interval(row: Mapping[str, Any], source: str | None = None) -> str:
    low, high = (f"{source}_low", f"{source}_high") if source else ("low", "high")
    return f"{bare(row[low])}–{bare(row[high])}"


def _table(
    doc: Document, points: pd.DataFrame, across: pd.DataFrame | None, by: Sequence[str]
) -> str:
    head = [*(words(c) for c in by)] or ["point"]
    sources = list(ALL_SOURCES) if across is not None else list(SOURCES)
    rows = []
    for r in records(points):
        labels = [level_text(r[c]) for c in by] or [str(r["point"])]
        cells = [f"{pct(r[s])}|{bare(r[f'{s}_low'])}–{bare(r[f'{s}_high'])}" for s in SOURCES]
        rows.append([*labels, pct(r["mean"]), *(["–"] if across is not None else []), *cells])
    if across is not None:
        share = {r["source"]: r for r in records(across)}
        cells = [
            f"{pct(share[s]['share'])}|{bare(share[s]['low'])}–{bare(share[s]['high'])}"
            for s in sources
        ]
        pooled = pct(float(points["mean"].mean()))
        rows.append(["across the conditions", *[""] * (len(head) - 1), pooled, *cells])
    header = [*head, "learning journeys", *sources]
    caption = (
        "Shares of the variance of the learning-journey indicator (95% intervals from a two-way "
        "bootstrap over populations and histories), and the share of runs that became learning "
        "journeys."
    )
    return doc.table(caption, header, rows, len(sources) + 1)

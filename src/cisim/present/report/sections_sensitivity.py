"""Evidence sections on which parameters matter and where: Sobol indices, Morris screening and
scenario discovery (PRIM).

Each section function reads the analysis summary and tables and returns a :class:`Section`, or
``None`` when the analysis did not run. Sobol and Morris give one part per outcome analysed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from cisim.present.report.page import Document, Section, paragraph
from cisim.present.report.words import (
    box_words,
    extremes,
    index_cell,
    index_ci,
    outcome_words,
    pct,
    ranked,
    records,
    ref,
    symbols,
    words,
)

#: One outcome's part of a sensitivity section: (document, outcome, its result) → HTML.
Part = Callable[[Document, str, Mapping[str, Any]], str]


# ---- Sobol and Morris ------------------------------------------------------------------------
def sobol_section(doc: Document) -> Section | None:
    """Sobol indices of each outcome analysed."""
    return _per_outcome(doc, "sobol", "Global sensitivity (Sobol)", _sobol_part)


def morris_section(doc: Document) -> Section | None:
    """Morris screening of each outcome analysed."""
    return _per_outcome(doc, "morris", "Screening (Morris)", _morris_part)


def _per_outcome(doc: Document, analysis: str, title: str, part: Part) -> Section | None:
    """The section ``analysis`` (also its anchor): one ``part`` per outcome in the summary."""
    results = doc.summary.get(analysis)
    if not results:
        return None
    body = "".join(part(doc, name, result) for name, result in results.items())
    return Section(analysis, title, body)


def _sobol_part(doc: Document, name: str, result: Mapping[str, Any]) -> str:
    rows, what = ranked(result, "ST"), outcome_words(name)
    text = _sobol_text(doc, what, rows, result.get("noise_share"))
    figures = doc.figure(
        f"sobol_{name}",
        f"Sobol indices of {what}: first-order (S1) and total (ST), "
        "95% two-level bootstrap intervals.",
    ) + doc.figure(
        f"sobol_convergence_{name}",
        f"Convergence of the Sobol indices of {what} with the base sample.",
    )
    heads = {"S1": "first-order S1", "ST": "total ST"}
    caption = f"Sobol indices of {what} (95% interval)."
    return paragraph(text) + figures + _index_table(doc, caption, rows, heads)


def _sobol_text(doc: Document, what: str, rows: list[dict[str, Any]], noise: float | None) -> str:
    text = f"Sobol indices of {what}"
    text += ", taken on the mean over replicates at each design point"
    text += f"{ref(doc.next_figure, None)}."
    if rows:
        top = rows[0]
        text += (
            f" The largest total index is that of {words(top['parameter'])}, ST = "
            f"{index_ci(top, 'ST')}; its first-order index (alone) is S1 = {top['S1']:.2f}"
        )
        text += (
            f", so interactions involving it account for a further "
            f"{top['ST'] - top['S1']:.2f} of the variance."
            if top["ST"] > top["S1"]
            else ", as large as its total: it acts alone."
        )
    if noise is not None:
        text += f" Replicate noise is {noise:.1%} of the variance of the point means."
    return text


def _morris_part(doc: Document, name: str, result: Mapping[str, Any]) -> str:
    rows, what = ranked(result, "mu_star"), outcome_words(name)
    text = (
        f"Morris elementary effects on {what}"
        f"{ref(doc.next_figure, None)}: μ* ranks the parameters by influence, σ measures how "
        "much an effect changes across the space (non-linearity or interactions)."
    )
    if rows:
        text += f" The most influential is {words(rows[0]['parameter'])} "
        text += f"(μ* = {rows[0]['mu_star']:.3g}, σ = {rows[0]['sigma']:.3g})."
    figure = doc.figure(f"morris_{name}", f"Morris screening of {what}: μ* and σ.")
    heads = {"mu_star": "μ*", "sigma": "σ"}
    caption = f"Morris indices of {what} (95% replicate-bootstrap interval)."
    return paragraph(text) + figure + _index_table(doc, caption, rows, heads)


def _index_table(
    doc: Document, caption: str, rows: list[dict[str, Any]], heads: Mapping[str, str]
) -> str:
    """A table of each parameter's indices: one column per key of ``heads`` (its head)."""
    cells = [[words(r["parameter"]), *(index_cell(r, key) for key in heads)] for r in rows]
    return doc.table(caption, ["parameter", *heads.values()], cells, len(heads))


# ---- scenario discovery ----------------------------------------------------------------------
def discovery_section(doc: Document) -> Section | None:
    """The PRIM box where learning journeys concentrate, and its peeling trajectory."""
    found = doc.summary.get("discovery")
    peel = doc.table_of("prim_trajectory")
    if not found or peel is None:
        return None
    text = _discovery_text(doc, found, peel)
    right = (
        "the chosen box's ranges with the quasi-p-value of each restriction"
        if found.get("restrictions")
        else "the chosen box, here the whole space"
    )
    figure = doc.figure(
        "prim",
        f"Scenario discovery (PRIM). Left: the peeling trajectory, coverage against density; "
        f"right: {right}.",
    )
    return Section(
        "discovery", "Scenario discovery", paragraph(text) + figure + _peeling_table(doc, peel)
    )


def _discovery_text(doc: Document, found: Mapping[str, Any], peel: pd.DataFrame) -> str:
    if found.get("restrictions"):
        return (
            f"PRIM looks for the region of the factors where learning journeys are most common"
            f"{ref(doc.next_figure, None)}. In the chosen box ({box_words(found)})"
            f" {pct(found['density'])} of runs are learning journeys against "
            f"{pct(found['base_rate'])} overall; it holds {pct(found['mass'])} of runs and "
            f"{pct(found['coverage'])} of all learning journeys."
        )
    densest = extremes(records(peel), "density")[0]
    return (
        "PRIM looks for the region of the factors where learning journeys are most common. "
        "Here no region balances coverage and density better than the whole space, so the "
        "chosen box restricts no factor. The densest box on the peeling trajectory "
        f"({symbols(str(densest['box']))}) has {pct(densest['density'])} learning "
        "journeys against "
        f"{pct(found['base_rate'])} overall, but holds only {pct(densest['coverage'])} of "
        f"them (Table {doc.next_table})."
    )


def _peeling_table(doc: Document, peel: pd.DataFrame) -> str:
    rows = [
        [
            symbols(r["box"]) if isinstance(r["box"], str) else "everything",
            f"{int(r['restricted'])}",
            f"{int(r['runs']):,}",
            pct(r["mass"]),
            pct(r["density"]),
            pct(r["coverage"]),
        ]
        for r in records(peel)
    ]
    header = ["box", "parameters restricted", "runs", "mass", "density", "coverage"]
    caption = (
        "PRIM peeling trajectory: each box, the share of all runs in it (mass), its share of "
        "learning journeys (density) and its share of all learning journeys (coverage)."
    )
    return doc.table(caption, header, rows, 5)

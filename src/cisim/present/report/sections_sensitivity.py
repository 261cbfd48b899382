"""Evidence sections on which parameters matter and where: Sobol indices, Morris screening and
scenario discovery (PRIM).

Each section function reads the analysis summary and tables and returns a :class:`Section`, or
``None`` when the analysis did not run. Sobol and Morris give one part per outcome analysed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

from cisim.analysis.sensitivity_effects import CONTESTED
from cisim.analysis.tables import outcome
from cisim.model.regimes import REGIMES
from cisim.present.report.page import Document, Section, paragraph
from cisim.present.report.words import (
    box_words,
    extremes,
    index_cell,
    index_ci,
    minus,
    outcome_words,
    pct,
    pp,
    pp_ci,
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
        "95% two-level bootstrap intervals" + _effects_caption(rows),
    ) + doc.figure(
        f"sobol_convergence_{name}",
        f"Convergence of the Sobol indices of {what} with the base sample.",
    )
    heads = {"S1": "first-order S1", "ST": "total ST"}
    caption = f"Sobol indices of {what} (95% interval){_effects_note(name, rows)}."
    reading = paragraph(reading_text(name, rows, result.get("contested") or CONTESTED))
    return paragraph(text) + figures + reading + _index_table(doc, caption, rows, heads, name)


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


def reading_text(name: str, rows: list[dict[str, Any]], band: Sequence[float] = CONTESTED) -> str:
    """How to read the indices beside the effects, with the clearest case in the table ('' if
    the table has no effects); ``band`` is where a regime share counts as contested."""
    if not rows or "effect" not in rows[0]:
        return ""
    text = (
        "An index is a share of the variance of the outcome over the ranges chosen (the "
        "methods give each range and why it was chosen): a parameter whose effect is moderate, "
        "or large only where the outcome is not already decided, gets a small index when "
        "others sweep the outcome from one extreme to the other. An interval that includes "
        "zero therefore does not mean that a parameter does not matter; its effect says how "
        "much it moves the outcome. The effect is the paired change between design points that "
        "differ in that parameter only, scaled to the whole range at the rate the pairs show"
    )
    low, high = band
    text += (
        f", overall and where the outcome is contested (the pair's mean share between "
        f"{pct(low)} and {pct(high)}); a contested effect beyond 100 points means that the "
        "parameter takes the share across the contested band within part of its range."
        if name in REGIMES
        else "."
    )
    quiet = quiet_parameter(rows)
    if quiet is not None:
        where = (
            f"; {effect_words(name, quiet, 'contested')} where the outcome is contested"
            if quiet.get("contested") is not None
            else ""
        )
        text += (
            f" Here {words(quiet['parameter'])} has ST = {minus(index_ci(quiet, 'ST'))}, yet "
            f"moving it from the low to the high end of its range changes the outcome by "
            f"{effect_words(name, quiet, 'effect')}{where}."
        )
    return text


def _morris_reading(name: str, rows: list[dict[str, Any]]) -> str:
    """How to read μ*, σ and the effect ('' if the table has no effects)."""
    if not rows or "effect" not in rows[0]:
        return ""
    share = name in REGIMES
    where = ", overall and where the outcome is contested" if share else ""
    units = " (μ* and σ as shares: 0.10 is 10 points)" if share else ""
    return (
        f"μ* is the mean size of a parameter's elementary effects whatever their sign, σ their "
        f"spread{units}; the effect beside them is their signed mean on the values the runs used "
        f"(integers rounded), scaled to the whole range{where}. An effect near zero with a "
        "large μ* means that the parameter acts in opposite directions in different parts of "
        "the space."
    )


def quiet_parameter(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The parameter with the largest clear effect among those whose ST interval includes 0 or
    whose ST is below 0.05 (None if there is none)."""
    small = [
        r
        for r in rows
        if r.get("ST") is not None
        and (r["ST"] < 0.05 or (r.get("ST_low") is not None and r["ST_low"] <= 0))
        and r.get("effect_low") is not None
        and (r["effect_low"] > 0 or r["effect_high"] < 0)
    ]
    return max(small, key=lambda r: abs(r["effect"]), default=None)


def effect_words(name: str, row: Mapping[str, Any], key: str) -> str:
    """'+7.5 points (95% interval +1.2 to +14.0)', or in the outcome's units."""
    low, high = row.get(f"{key}_low"), row.get(f"{key}_high")
    if name in REGIMES or outcome(name).unit == "share":
        if low is None or high is None:
            return f"{pp(row[key])} points"
        return pp_ci(row[key], low, high)
    value = minus(f"{row[key]:+.3g}")
    if low is None or high is None:
        return value
    return f"{value} (95% interval {minus(f'{low:+.3g}')} to {minus(f'{high:+.3g}')})"


def _effects_caption(rows: list[dict[str, Any]]) -> str:
    if not rows or "effect" not in rows[0]:
        return "."
    return "; below, each parameter's paired effect over its range, 95% bootstrap intervals."


def _effects_note(name: str, rows: list[dict[str, Any]]) -> str:
    if not rows or "effect" not in rows[0]:
        return ""
    unit = "percentage points" if name in REGIMES else "units of the outcome"
    return f"; effects beside them in {unit}, from the low to the high end of each range"


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
    caption = f"Morris indices of {what} (95% replicate-bootstrap interval)"
    caption += f"{_effects_note(name, rows)}."
    reading = paragraph(_morris_reading(name, rows))
    return paragraph(text) + figure + reading + _index_table(doc, caption, rows, heads, name)


def _index_table(
    doc: Document,
    caption: str,
    rows: list[dict[str, Any]],
    heads: Mapping[str, str],
    name: str,
) -> str:
    """A table of each parameter's indices (one column per key of ``heads``, its head), and its
    effects when the rows have them."""
    keys = dict(heads)
    if rows and "effect" in rows[0]:
        keys["effect"] = "effect over the range"
        if any(r.get("contested") is not None for r in rows):
            keys["contested"] = "where contested"
    cells = [
        [
            words(r["parameter"]),
            *(
                effect_cell(name, r, key) if key in ("effect", "contested") else index_cell(r, key)
                for key in keys
            ),
        ]
        for r in rows
    ]
    return doc.table(caption, ["parameter", *keys.values()], cells, len(keys))


def effect_cell(name: str, row: Mapping[str, Any], key: str) -> str:
    """A table cell of an effect with its interval (points for a share)."""
    if row.get(key) is None:
        return "n/a"
    low, high = row.get(f"{key}_low"), row.get(f"{key}_high")
    share = name in REGIMES or outcome(name).unit == "share"
    fmt = pp if share else (lambda v: minus(f"{v:+.3g}"))
    value = fmt(row[key])
    return value if low is None or high is None else f"{value}|{fmt(low)} to {fmt(high)}"


# ---- regional sensitivity of a yes/no outcome ---------------------------------------------------
def regional_section(doc: Document) -> Section | None:
    """Regional sensitivity (Monte Carlo filtering) of each regime outcome analysed."""
    return _per_outcome(
        doc, "regional", "Regional sensitivity of the regime (yes/no)", _regional_part
    )


def _regional_part(doc: Document, name: str, result: Mapping[str, Any]) -> str:
    rows = sorted(result["indices"], key=lambda r: -(r["ks"] or 0))
    what = words(name)
    text = (
        f"Which parameters separate the runs that became {what}s from the rest"
        f"{ref(doc.next_figure, doc.next_table)}? For each parameter the Kolmogorov–Smirnov "
        "distance (KS) is the largest gap between the distribution of its values over the runs "
        "in the regime and over the rest: 0 when its value tells nothing about the regime, 1 "
        "when a threshold on it separates them. The p-value comes from permuting whole blocks "
        "of the design (base samples or trajectories), which keeps the values a design repeats "
        "within a block together; a KS below the 95th percentile of the permutations ('inert "
        "below') is what a parameter without effect gives on this design. KS says how far "
        "apart the two groups lie, not how much a parameter moves the probability: the "
        "logistic effect gives that, in points, from the low to the high end of the range with "
        "the other parameters as sampled."
    )
    if rows:
        top = rows[0]
        clear = sum(1 for r in rows if r["p_value"] is not None and r["p_value"] < 0.05)
        text += (
            f" Here {words(top['parameter'])} separates them most (KS = {top['ks']:.2f}, "
            f"{_p_is(top['p_value'])}); {clear} of the {len(rows)} parameters differ at the "
            "5% level (not adjusted for the number of tests)."
        )
    if result.get("auc") is not None:
        text += (
            " One additive logistic index of the parameters tells the regime with an in-sample "
            f"AUC of {result['auc']:.2f}."
        )
    figure = doc.figure(
        f"regional_{name}",
        f"Regional sensitivity of {outcome_words(name)}: for each parameter, the share of runs "
        f"at or below each value, over the {what}s and over the rest.",
    )
    cells = [
        [
            words(r["parameter"]),
            f"{r['ks']:.2f}|inert below {r['ks_null95']:.2f}",
            _p_words(r["p_value"]),
            f"{_number(r['mean_in'])} / {_number(r['mean_out'])}",
            effect_cell(name, {"effect": r["logit_effect"]} | _bounds(r), "effect"),
        ]
        for r in rows
    ]
    head = ["parameter", "KS", "p", f"mean: {what} / rest", "logistic effect (points)"]
    caption = (
        f"Regional sensitivity of {outcome_words(name)} over {result['runs']:,} runs "
        f"({pct(result['share'])} in the regime; {result['permutations']:,} block permutations; "
        "logistic effects with 95% bootstrap intervals)."
    )
    return paragraph(text) + figure + doc.table(caption, head, cells, 4)


def _bounds(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"effect_low": row["logit_low"], "effect_high": row["logit_high"]}


def _p_words(p: float | None) -> str:
    """A p-value: '0.03', '≤ 0.001' (999 permutations cannot say less)."""
    if p is None:
        return "n/a"
    return "≤ 0.001" if p <= 0.001 else f"{p:.3f}" if p < 0.01 else f"{p:.2f}"


def _p_is(p: float | None) -> str:
    """'p = 0.03', 'p ≤ 0.001'."""
    text = _p_words(p)
    return f"p {text}" if text.startswith("≤") else f"p = {text}"


def _number(value: float | None) -> str:
    return "n/a" if value is None else minus(f"{value:.3g}")


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
        "Here no box on the peeling trajectory is reliably denser than the whole space (none "
        "is significantly above the base rate while holding at least 10% of them), so the "
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

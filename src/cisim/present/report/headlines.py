"""The answer in brief: the headline sentences at the top of the report.

Each part reads one analysis and gives a sentence or none: the overall regime shares, the factor
that moves the share of learning journeys most, the best and worst conditions, the largest gain of
a named condition, who is at the table (a nested sweep), how early the regime can be told, the
strongest warning signs, the most influential parameters (Sobol, Morris; with a parameter whose
index is small but whose effect is clear) and where learning journeys concentrate (PRIM). A
sentence's lead words are marked ``**bold**``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from cisim.analysis.tables import LJ
from cisim.present.report.mechanisms import mechanism_note
from cisim.present.report.page import LINK, Document
from cisim.present.report.sections_sensitivity import effect_words, quiet_parameter
from cisim.present.report.sections_structure import nested_headline
from cisim.present.report.sections_timeline import arrival_headline
from cisim.present.report.spans import factor_effects
from cisim.present.report.words import (
    BINARY_SIGNS,
    auc_ci,
    box_words,
    capital,
    condition,
    extremes,
    interval_note,
    move,
    number,
    outcome_words,
    pct,
    pp_ci,
    ranked,
    records,
    runs_phrase,
    share_ci,
    words,
)


def headline_lines(doc: Document) -> list[str]:
    """The headline sentences (with ``**bold**`` lead words)."""
    lines = [line for part in HEADLINE for line in part(doc)]
    return lines or [f"**What was run.** {runs_phrase(doc.summary)}."]


def plain(text: str) -> str:
    """A headline sentence without its ``**bold**`` marks and ``[text](href)`` links."""
    return re.sub(LINK, r"\1", text).replace("**", "")


def _overall(doc: Document) -> list[str]:
    """The share of runs in each regime."""
    overall = doc.summary.get("overall") or {}
    if not overall:
        return []
    lj, bg = overall.get(LJ), overall.get("blame_game")
    rest = [
        f"{pct(overall[r]['share'])} {r.replace('_', ' ')}"
        for r in ("stalled", "dissolved")
        if r in overall
    ]
    return [
        f"**Overall.** Of {runs_phrase(doc.summary)}, {share_ci(lj)} became learning journeys "
        f"and {share_ci(bg)} blame games" + (f"; {' and '.join(rest)}." if rest else ".")
    ]


def _levers(doc: Document) -> list[str]:
    """The factors ranked by a comparable measure, each effect with the mechanism behind it.

    Whole-range effects are not comparable across factors (a two-level lever against the range
    chosen for another), so the ranking is by each factor's share of the outcome's variance (eta
    squared, the first-order Sobol index of the full factorial) when the analysis gives it, and
    the sentence says which measure ranks.
    """
    effects = factor_effects(doc)
    if not effects:
        return []
    shares = {r["parameter"]: r["eta_squared"] for r in doc.summary.get("variance_shares") or []}
    comparable = len(effects) > 1 and all(e["parameter"] in shares for e in effects)
    key = (lambda e: -shares[e["parameter"]]) if comparable else (lambda e: -abs(e["effect"]))
    ranked = sorted(effects, key=key)
    top = ranked[0]
    moves = [
        capital(move(e, "the share of learning journeys" if e is top else "it"))
        + _mechanism(doc, str(e["parameter"]))
        for e in ranked
    ]
    text = "**What moves the odds most.** " + ". ".join(moves) + "."
    if comparable:
        order = ", ".join(
            f"{words(e['parameter'])} {100 * shares[e['parameter']]:.1f}%" for e in ranked
        )
        text += (
            f" Ranked by the share of the run-to-run variance of the outcome each factor explains "
            f"over the levels studied (η², the first-order Sobol index of the factorial): {order}. "
            "The effects above are not comparable with each other: each is over the levels its "
            "factor was given."
        )
    elif len(ranked) > 1:
        text += " Ranked by the size of the effect over each factor's levels, which depends on "
        text += "the levels each was given."
    levers = [e for e in ranked if doc.source.role(e["parameter"]) == "lever"]
    if levers and doc.source.role(top["parameter"]) == "uncertainty":
        text += f" Of the levers a collaboration controls, {words(levers[0]['parameter'])} "
        text += "matters most."
    return [text]


def _mechanism(doc: Document, parameter: str) -> str:
    """' (mechanism: ODD §7.7 Navigator; …)', each section linked when the ODD can be; ''."""
    note = mechanism_note(parameter, doc.report_dir)
    return f" (mechanism: {note})" if note else ""


def _cells(doc: Document) -> list[str]:
    """The conditions with the most and the fewest learning journeys."""
    table = doc.table_of("regime_shares")
    by = (doc.summary.get("shares") or {}).get("by") or []
    if table is None or not by:
        return []
    lj = table[table["regime"] == LJ].reset_index(drop=True)
    if len(lj) < 2:
        return []
    best, worst = extremes(records(lj), "share")
    return [
        f"**Best and worst conditions.** Learning journeys are most common with "
        f"{condition(best, by)}: {share_ci(best)} of runs; least common with "
        f"{condition(worst, by)}: {share_ci(worst)}."
    ]


def _named(doc: Document) -> list[str]:
    """The named condition that gains most over the reference."""
    rows = doc.summary.get("condition_effects") or []
    singles = [r for r in rows if " vs " in str(r["comparison"])]
    if not singles:
        return []
    best = max(singles, key=lambda r: r["effect"] if r["effect"] is not None else -math.inf)
    return [
        f"**Largest gain over the reference.** {best['comparison']}: "
        f"{pp_ci(best['effect'], best['low'], best['high'])} in the share of learning journeys."
    ]


def _how_early(doc: Document) -> list[str]:
    """The AUC of telling a learning journey by month 12 (and earlier and later)."""
    early = doc.summary.get("early") or {}
    rows = early.get("prediction") or []
    if not rows:
        return []
    main = next((r for r in rows if r["months"] == 12), rows[-1])
    others = [r for r in rows if r is not main and r["months"] in (rows[0]["months"], 24)]
    rest = " and ".join(f"{r['auc']:.2f} by month {r['months']}" for r in others)
    return [
        f"**How early the regime can be told.** By month {main['months']}, what a collaboration "
        f"shows predicts whether it becomes a learning journey with a cross-validated AUC of "
        f"{auc_ci(main)}" + (f"; the AUC is {rest}" if rest else "") + " (0.5 is chance, 1 a "
        "perfect call)."
    ]


def _warnings(doc: Document) -> list[str]:
    """The two strongest warning signs with a threshold."""
    signs = doc.filled("warning_list")
    if signs is None:
        return []
    month = (doc.summary.get("early") or {}).get("warning_months", 12)
    parts = [
        f"({i}) {warning_phrase(row)}"
        for i, row in enumerate(records(signs.head(2)), start=1)
        if math.isfinite(row.get("threshold", math.nan))
    ]
    if not parts:
        return []
    return [f"**The strongest warning signs at month {month}.** " + "; ".join(parts) + "."]


def _sobol(doc: Document) -> list[str]:
    """The parameters with the largest total Sobol indices of the first outcome."""
    name, rows = _first_ranked(doc, "sobol", "ST")
    if not rows:
        return []
    top, rest = rows[0], rows[1:3]
    others = " and ".join(f"{words(r['parameter'])} (ST {r['ST']:.2f})" for r in rest)
    text = (
        f"**What drives the variance.** For {outcome_words(name)}, {words(top['parameter'])} "
        f"has the largest total Sobol index, ST = {top['ST']:.2f} ({interval_note(top, 'ST')}"
        f"first-order S1 = {top['S1']:.2f})" + (f", followed by {others}." if others else ".")
    )
    quiet = quiet_parameter(rows)
    if quiet is not None:
        text += (
            f" A small index is not a small effect: {words(quiet['parameter'])} has ST = "
            f"{quiet['ST']:.2f}, yet moving it across its range changes the outcome by "
            f"{effect_words(name, quiet, 'effect')}."
        )
    return [text]


def _morris(doc: Document) -> list[str]:
    """The parameters with the largest Morris μ* for the first outcome."""
    name, rows = _first_ranked(doc, "morris", "mu_star")
    if not rows:
        return []
    top = ", ".join(f"{words(r['parameter'])} (μ* = {r['mu_star']:.3g})" for r in rows[:3])
    return [
        f"**Screening.** By Morris μ*, the most influential parameters for "
        f"{outcome_words(name)} are {top}."
    ]


def _regional(doc: Document) -> list[str]:
    """The parameters that separate the runs in the regime from the rest most clearly."""
    results = doc.summary.get("regional") or {}
    first = next(iter(results.items()), None)
    if first is None:
        return []
    name, result = first
    rows = sorted(result["indices"], key=lambda r: -(r["ks"] or 0))
    clear = [r for r in rows if r["p_value"] is not None and r["p_value"] < 0.05][:3]
    if not clear:
        return []
    parts = [
        f"{'higher' if r['mean_in'] > r['mean_out'] else 'lower'} {words(r['parameter'])} "
        f"(KS {r['ks']:.2f})"
        for r in clear
    ]
    return [
        f"**What separates the regimes.** Runs that became {words(name)}s came from "
        f"{', '.join(parts[:-1]) + ' and ' if len(parts) > 1 else ''}{parts[-1]} than the rest "
        "(regional sensitivity: the largest gap between the two distributions of a parameter)."
    ]


def _first_ranked(doc: Document, analysis: str, key: str) -> tuple[str, list[dict[str, Any]]]:
    """The first outcome of a sensitivity analysis and its index rows, the largest ``key`` first."""
    results = doc.summary.get(analysis) or {}
    first = next(iter(results.items()), None)
    return ("", []) if first is None else (first[0], ranked(first[1], key))


def _box(doc: Document) -> list[str]:
    """The PRIM box: its restrictions, density, mass and coverage."""
    found = doc.summary.get("discovery") or {}
    if not found.get("restrictions"):
        return []
    return [
        f"**Where learning journeys concentrate.** Where {box_words(found)}, "
        f"{pct(found['density'])} of runs are learning journeys (against "
        f"{pct(found['base_rate'])} overall); that region holds {pct(found['mass'])} of runs and "
        f"{pct(found['coverage'])} of all learning journeys."
    ]


HEADLINE: tuple[Callable[[Document], list[str]], ...] = (
    _overall,
    _levers,
    arrival_headline,
    _cells,
    _named,
    nested_headline,
    _how_early,
    _warnings,
    _sobol,
    _morris,
    _regional,
    _box,
)


def warning_phrase(row: Mapping[str, Any]) -> str:
    """A warning-list row as the side that warns: '<sign> above t: x% ..., against y% ...'."""
    sign, t = str(row["sign"]), number(row["threshold"])
    below, above = row["share_below"], row["share_above"]
    if row["feature"] in BINARY_SIGNS:
        side, bad, good = ("no", below, above) if below < above else ("yes", above, below)
        return f"{sign}: {side}: {pct(bad)} became learning journeys, against {pct(good)}"
    if above < below:
        return (
            f"{sign} above {t}: {pct(above)} of such runs became learning journeys, against "
            f"{pct(below)} of the rest"
        )
    return (
        f"{sign} at or below {t}: {pct(below)} of such runs became learning journeys, against "
        f"{pct(above)} of the rest"
    )

"""Evidence sections on what the design's factors do: regime shares per condition, paired effects
of each factor, named conditions against the reference, and the phase diagram.

Each section function reads its analysis tables and returns a :class:`Section`, or ``None``
when the analysis did not run. Sentences refer to the figure and table that follow them, so each
is written before its figure and table are numbered.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from cisim.analysis.effects import level_text
from cisim.analysis.tables import LJ
from cisim.model.regimes import REGIMES
from cisim.present.report.mechanisms import mechanism_note
from cisim.present.report.page import Document, Section, paragraph
from cisim.present.report.spans import factor_effects, whole_range
from cisim.present.report.words import (
    condition,
    contrast,
    effect_cell,
    extremes,
    move,
    outcome_head,
    pct,
    records,
    ref,
    runs_each,
    share_cell,
    share_ci,
    units,
    words,
)


# ---- regime shares ---------------------------------------------------------------------------
def shares_section(doc: Document) -> Section | None:
    """The share of runs in each regime, per condition."""
    table = doc.table_of("regime_shares")
    by = (doc.summary.get("shares") or {}).get("by") or []
    if table is None or not by:
        return None
    wide = _wide_shares(table, by)
    text = _shares_text(doc, wide)
    figure = doc.figure(
        "regime_shares",
        f"Share of runs ending in each regime, per condition ({runs_each(wide)} runs each). "
        "Whiskers: 95% Wilson intervals of the boundaries between regimes.",
    )
    return Section(
        "shares",
        "Regime shares per condition",
        paragraph(text) + figure + _shares_table(doc, wide, by),
    )


def _shares_text(doc: Document, wide: pd.DataFrame) -> str:
    lj, bg = wide[f"{LJ}_share"], wide["blame_game_share"]
    other = wide["stalled_share"] + wide["dissolved_share"]
    fig = doc.next_figure if doc.has_figure("regime_shares") else None
    return (
        f"Across the {len(wide)} conditions, the share of learning journeys ranges from "
        f"{pct(lj.min())} to {pct(lj.max())} and that of blame games from {pct(bg.min())} to "
        f"{pct(bg.max())}{ref(fig, doc.next_table)}. Stalled and dissolved runs together make up "
        f"at most {pct(other.max())} of any condition."
    )


def _shares_table(doc: Document, wide: pd.DataFrame, by: list[str]) -> str:
    rows = [
        [
            *(level_text(r[c]) for c in by),
            *(share_cell(r, regime) for regime in REGIMES),
            f"{int(r['runs']):,}",
        ]
        for r in records(wide)
    ]
    header = [*(words(c) for c in by), *(words(r) for r in REGIMES), "runs"]
    caption = "Regime shares per condition: share of runs (95% Wilson interval)."
    return doc.table(caption, header, rows, len(REGIMES) + 1)


def _wide_shares(table: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """One row per condition, with ``<regime>_share``, ``_low`` and ``_high`` columns."""
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in records(table):
        key = tuple(r[c] for c in by)
        row = rows.setdefault(key, {**{c: r[c] for c in by}, "runs": r["runs"]})
        for what in ("share", "low", "high"):
            row[f"{r['regime']}_{what}"] = r[what]
    frame = pd.DataFrame(list(rows.values()))
    for regime in REGIMES:
        for what in ("share", "low", "high"):
            if f"{regime}_{what}" not in frame:
                frame[f"{regime}_{what}"] = 0.0
    return frame


# ---- paired effects --------------------------------------------------------------------------
def effects_section(doc: Document) -> Section | None:
    """The paired effect of each factor's steps (and whole range) on the first four outcomes."""
    table = doc.filled("paired_effects")
    if table is None:
        return None
    outcomes = _outcomes(table)
    text = _effects_text(doc, int(table["replicates"].max()))
    figure = doc.figure(
        "paired_effects",
        "Paired effects of each factor (common random numbers): mean paired difference with its "
        "95% interval, one panel per outcome, all in points on one scale (final progress in "
        "hundredths of its 0–1 scale); open squares: a factor's lowest against its highest "
        "level (whole range).",
    )
    rows = _effect_rows(doc, table, outcomes)
    caption = "Paired effects with 95% intervals"
    return Section(
        "effects",
        "Paired effects of each factor",
        paragraph(text)
        + figure
        + _effects_table(doc, caption, "contrast", rows, outcomes, nowrap=True),
    )


def _effects_text(doc: Document, reps: int) -> str:
    whole = {e["parameter"]: e for e in factor_effects(doc)}
    order = sorted(whole.values(), key=lambda e: -abs(e["effect"]))
    zero = [e for e in order if e["low"] <= 0 <= e["high"]]
    text = (
        f"Each effect is the mean over {reps} replicates of paired differences between runs that "
        f"share their random numbers and differ only in the factor, averaged over the other "
        f"factors' levels{ref(doc.next_figure, doc.next_table)}. "
    )
    if not order:
        return text
    shares = {r["parameter"]: r["eta_squared"] for r in doc.summary.get("variance_shares") or []}
    if len(order) > 1 and all(e["parameter"] in shares for e in order):
        top = max(order, key=lambda e: shares[e["parameter"]])
        text += (
            f"The factor that explains the largest share of the variance of the outcome "
            f"(η² = {100 * shares[top['parameter']]:.1f}%): {words(top['parameter'])}; "
            f"{move(top)}. Effects over whole ranges are not compared across factors: a "
            "two-level lever and a range chosen for another factor are not on one scale. "
        )
    else:
        text += f"The largest effect on the share of learning journeys: {move(order[0])}. "
    text += _mechanisms_text(doc, order)
    if not zero:
        return text + "Every factor's interval excludes zero."
    names = ", ".join(words(e["parameter"]) for e in zero)
    return text + f"Not distinguishable from zero: {names}."


def _mechanisms_text(doc: Document, effects: list[dict[str, Any]]) -> str:
    """'Where the effects come from: navigator, ODD §7.7 Navigator; …. '"""
    notes = [
        f"{words(e['parameter'])}, {note}"
        for e in effects
        if (note := mechanism_note(str(e["parameter"]), doc.report_dir))
    ]
    return (
        f"Where the effects come from (the ODD's submodels): {' | '.join(notes)}. " if notes else ""
    )


def _effect_rows(doc: Document, table: pd.DataFrame, outcomes: list[str]) -> list[list[str]]:
    """Each step between adjacent levels, then the whole range of factors with more levels."""
    rows = []
    for param, steps in table.groupby("parameter", sort=False):
        for keys, part in steps.groupby(["low_level", "high_level"], sort=False):
            rows.append([contrast(param, *keys), *(effect_cell(part, o) for o in outcomes)])
        span = whole_range(doc, str(param)) if steps["low_level"].nunique() > 1 else None
        if span is not None and len(span):
            first = records(span)[0]
            label = f"{contrast(param, first['low_level'], first['high_level'])} (whole range)"
            rows.append([label, *(effect_cell(span, o) for o in outcomes)])
    return rows


def conditions_section(doc: Document) -> Section | None:
    """The paired effect of each named condition against the reference."""
    table = doc.filled("condition_effects")
    if table is None:
        return None
    outcomes = _outcomes(table)
    rows = [
        [str(c), *(effect_cell(part, o) for o in outcomes)]
        for c, part in table.groupby("comparison", sort=False)
    ]
    figure = doc.figure(
        "condition_effects", "Paired effects of each named condition against the reference."
    )
    caption = "Paired effects of the named conditions, with 95% intervals"
    text = (
        "Each condition is compared with the reference run on the same random numbers; "
        "'together minus sum' is the interaction of the conditions taken together."
    )
    return Section(
        "conditions",
        "Named conditions against the reference",
        paragraph(text) + figure + _effects_table(doc, caption, "comparison", rows, outcomes),
    )


def _outcomes(table: pd.DataFrame) -> list[str]:
    """The outcomes an effects table shows: the first four of the analysis."""
    return list(dict.fromkeys(table["outcome"]))[:4]


def _effects_table(
    doc: Document,
    caption: str,
    label: str,
    rows: list[list[str]],
    outcomes: list[str],
    *,
    nowrap: bool = False,
) -> str:
    """A table of effects: a ``label`` column, then one per outcome (units in the caption)."""
    header = [label, *(outcome_head(o) for o in outcomes)]
    caption += f"{units(outcomes)}."
    return doc.table(caption, header, rows, len(outcomes), nowrap=nowrap)


# ---- phase diagram ---------------------------------------------------------------------------
def phase_section(doc: Document) -> Section | None:
    """The share of learning journeys over two factors (a panel per level of a third)."""
    table, axes = doc.filled("phase"), doc.summary.get("phase")
    if table is None or not axes:
        return None
    keys = [k for k in (axes.get("facet"), axes["x"], axes["y"]) if k]
    best, worst = extremes(records(table), "share")
    text = (
        f"The share of learning journeys over {words(axes['x'])} and {words(axes['y'])}"
        + (f", one panel per level of {words(axes['facet'])}" if axes.get("facet") else "")
        + f"{ref(doc.next_figure, None)}: highest at {condition(best, keys)}, "
        f"{share_ci(best)}; lowest at {condition(worst, keys)}, {share_ci(worst)}."
    )
    figure = doc.figure(
        "phase",
        "Phase diagram: share of runs ending as learning journeys per cell (runs in brackets).",
    )
    return Section("phase", "Phase diagram", paragraph(text) + figure)

"""Evidence sections on how runs unfold: trajectories by regime, time to an entry point and a
first win, survival of collaborations, and early prediction with its warning signs.

Each section function reads its analysis tables and returns a :class:`Section`, or ``None``
when the analysis did not run.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from cisim.analysis.tables import LJ
from cisim.analysis.trajectories import EVENTS
from cisim.present.report.page import Document, Section, paragraph
from cisim.present.report.words import (
    after,
    capital,
    condition,
    iqr,
    month_cell,
    pct,
    records,
    ref,
    regime_words,
    share_ci,
    threshold_cell,
    words,
)


# ---- trajectories and timing -----------------------------------------------------------------
def trajectories_section(doc: Document) -> Section | None:
    """Mean trajectories of each metric by final regime."""
    table = doc.filled("regime_trajectories")
    if table is None:
        return None
    sentences = _trajectory_sentences(table)
    text = (
        f"Runs are grouped by the regime they ended in{ref(doc.next_figure, None)}. "
        + ("Mean values in learning journeys against blame games. " if sentences else "")
        + " ".join(sentences)
    )
    figure = doc.figure(
        "regime_trajectories",
        "How learning journeys and blame games differ over time: mean (line) and middle 50% of "
        "runs (band) of each metric, by final regime. What members do in a month (such as their "
        "mean contribution) starts at month 1: the model records month 0 before any month is "
        "simulated, when nobody has yet acted and such values are 0.",
    )
    return Section("trajectories", "Trajectories by regime", paragraph(text) + figure)


def _trajectory_sentences(table: pd.DataFrame) -> list[str]:
    """Trust, progress and understanding in learning journeys against blame games."""
    horizon = int(table["month"].max())
    means = {
        (str(r["metric"]), str(r["regime"]), int(r["month"])): float(r["mean"])
        for r in records(table)
        if int(r["month"]) in (12, horizon)
    }
    sentences = []
    for metric in ("mean_trust", "progress", "shared_understanding"):
        pairs = [
            f"{means[(metric, LJ, m)]:.2f} against {means[(metric, 'blame_game', m)]:.2f} at "
            f"month {m}"
            for m in dict.fromkeys((12, horizon))
            if (metric, LJ, m) in means and (metric, "blame_game", m) in means
        ]
        if pairs:
            sentences.append(f"{capital(words(metric))}: {' and '.join(pairs)}.")
    return sentences


def timing_section(doc: Document) -> Section | None:
    """Months to an entry point and to the first win, by final regime."""
    table = doc.filled("event_timing")
    if table is None:
        return None
    text = _timing_text(doc, table)
    figure = doc.figure(
        "event_timing",
        "Months to an entry point and to the first win, by final regime: median (dot) and "
        "25–75% range (bar) of the runs that got there; in brackets the share that never did.",
    )
    return Section(
        "timing",
        "Time to an entry point and a first win",
        paragraph(text) + figure + _timing_table(doc, table),
    )


def _timing_text(doc: Document, table: pd.DataFrame) -> str:
    facts = []
    for regime in (LJ, "blame_game"):
        median = {r["event"]: r["median"] for r in records(table) if r["regime"] == regime}
        got = [
            f"{EVENTS[e]} {after(median[e])}"
            for e in EVENTS
            if e in median and math.isfinite(median[e])
        ]
        if got:
            facts.append(f"{words(regime)}s found {' and '.join(got)}")
    if not facts:
        return ""
    return (
        f"Among the runs that got there{ref(doc.next_figure, doc.next_table)}, {'; '.join(facts)}."
    )


def _timing_table(doc: Document, table: pd.DataFrame) -> str:
    rows = [
        [
            regime_words(r["regime"]),
            EVENTS.get(r["event"], words(r["event"])),
            f"{int(r['runs']):,}",
            pct(r["share_never"]),
            month_cell(r["median"]),
            iqr(r),
        ]
        for r in records(table)
    ]
    header = ["regime", "event", "runs", "never", "median months", "25–75%"]
    caption = "Months to each event by final regime (among the runs that got there)."
    return doc.table(caption, header, rows, 4)


# ---- survival --------------------------------------------------------------------------------
def survival_section(doc: Document) -> Section | None:
    """The share of collaborations still running at the horizon (Kaplan–Meier)."""
    found = doc.summary.get("survival")
    if not found:
        return None
    text = _still_running(found, doc.summary.get("horizon"))
    gone = (doc.summary.get("overall") or {}).get("dissolved")
    if gone:
        text += f" Over all runs, {share_ci(gone)} ended dissolved."
    skipped = doc.summary.get("skipped", {}).get("survival figure")
    if skipped:
        text += f" No figure: {skipped}."
    elif doc.has_figure("survival"):
        text += f" See Figure {doc.next_figure}."
    figure = doc.figure(
        "survival",
        "Dissolution of collaborations: the Kaplan–Meier share dissolved by each month "
        "(1 − survival), with 95% pointwise intervals (Greenwood, complementary log–log). The "
        "axis runs from 0 to just above the largest upper bound, not to 100%, so that few "
        "dissolutions remain visible.",
    )
    return Section("survival", "Survival of collaborations", paragraph(text) + figure)


def _still_running(found: Mapping[str, Any], horizon: Any) -> str:
    """The share still running at the horizon: overall with its interval, or per condition."""
    final = found.get("at_horizon") or []
    if len(final) == 1:
        r = final[0]
        return (
            f"By month {horizon}, {share_ci({'share': r['survival']} | r)} of the "
            "collaborations were still running (Kaplan–Meier, 95% pointwise interval)."
        )
    by = found.get("by") or []
    per = "; ".join(f"{condition(r, by)}: {pct(r['survival'])}" for r in final)
    return f"Share still running at month {horizon}, per condition: {per}."


# ---- early prediction ------------------------------------------------------------------------
def early_section(doc: Document) -> Section | None:
    """How early the regime can be told, and the warning list."""
    early = doc.summary.get("early")
    prediction, signs = doc.table_of("early_prediction"), doc.filled("warning_list")
    if not early or prediction is None:
        return None
    month = early.get("warning_months", 12)
    text = _early_text(doc, prediction, signs, month)
    figure = doc.figure(
        "early_signs",
        "Early signs of a learning journey. Left: cross-validated AUC by months observed (95% "
        "bootstrap interval). Right: each sign alone; green: more of it, more learning journeys.",
    )
    parts = [paragraph(text), figure, _prediction_table(doc, prediction)]
    if signs is not None:
        parts.append(_warning_table(doc, signs, month))
    return Section("early", "Early prediction and warning signs", "".join(parts))


def _early_text(
    doc: Document, prediction: pd.DataFrame, signs: pd.DataFrame | None, month: int
) -> str:
    aucs = ", ".join(f"{r['auc']:.2f} after {int(r['months'])} months" for r in records(prediction))
    text = (
        "A ridge logistic model sees only what a collaboration shows in its first months and "
        "predicts whether it ends as a learning journey. Its skill is the cross-validated AUC, "
        f"where 0.5 is chance and 1 a perfect call{ref(doc.next_figure, doc.next_table)}: "
        f"{aucs}."
    )
    if signs is None:
        return text
    top = records(signs)[0]
    return text + (
        f" The strongest single sign at month {month} is “{top['sign']}” "
        f"(AUC alone {top['discrimination']:.2f}). The thresholds of the warning list are "
        "chosen on the same runs they are reported on, so the contrasts are optimistic; the "
        "AUCs are not."
    )


def _prediction_table(doc: Document, prediction: pd.DataFrame) -> str:
    rows = [
        [
            f"{int(r['months'])}",
            f"{int(r['runs']):,}",
            f"{int(r['learning_journeys']):,}",
            f"{r['auc']:.2f}",
            f"{r['low']:.2f}–{r['high']:.2f}",
        ]
        for r in records(prediction)
    ]
    return doc.table(
        "How early the regime can be told: cross-validated AUC of predicting a learning "
        "journey from the first months.",
        ["months observed", "runs", "learning journeys", "AUC", "95% interval"],
        rows,
        5,
    )


def _warning_table(doc: Document, signs: pd.DataFrame, month: int) -> str:
    rows = [_warning_row(i, r) for i, r in enumerate(records(signs.head(10)), start=1)]
    header = [
        "rank",
        f"sign at month {month}",
        "learning journeys",
        "AUC alone",
        "threshold",
        "LJ share at or below",
        "LJ share above",
    ]
    caption = (
        "Warning list: early signs ranked by how well each alone separates learning journeys from "
        "the rest, with the threshold that splits the runs best (Youden's J) and the share of "
        "learning journeys (LJ) on each side."
    )
    return doc.table(caption, header, rows, 4)


def _warning_row(rank: int, r: Mapping[str, Any]) -> list[str]:
    """A sign of the warning list; threshold and shares blank if it has no threshold."""
    has = math.isfinite(r.get("threshold", math.nan))
    return [
        f"{rank}",
        str(r["sign"]),
        "more → more" if r["direction"] > 0 else "more → fewer",
        f"{r['discrimination']:.2f}",
        threshold_cell(r) if has else "",
        f"{pct(r['share_below'])} (n={r['runs_below']:,.0f})" if has else "",
        f"{pct(r['share_above'])} (n={r['runs_above']:,.0f})" if has else "",
    ]

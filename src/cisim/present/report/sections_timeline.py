"""The report's section on timelines: when an intervention helps (:mod:`cisim.analysis.arrival`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cisim.analysis.arrival import EQUIVALENCE
from cisim.present.report.page import Document, Section, paragraph
from cisim.present.report.words import capital, contrast, effect_cell, pp_ci, words


def arrival_section(doc: Document) -> Section | None:
    """Each lever's paired effect by the month it arrives, and its point of no return."""
    table = doc.filled("arrival")
    info = doc.summary.get("arrival")
    if table is None or not info:
        return None
    text = (
        f"The same collaborations with the same luck, with and without the intervention, by the "
        f"month it arrives ({words(info['month'])}): each effect is a paired difference averaged "
        f"over the other factors' levels. The point of no return is the earliest month of arrival "
        f"from which the effect on the share of learning journeys is shown to be negligible at "
        f"that month and every later month tested: its 95% interval lies within "
        f"±{100 * EQUIVALENCE:.0f} points (an equivalence test). "
    )
    last = int(table["month"].max())
    horizon = doc.summary.get("horizon")
    if isinstance(horizon, int):
        text += (
            f"The latest arrival tested (month {last}) leaves {horizon - last} months before the "
            f"horizon, and the regime is judged on the closing months: an effect that fades "
            f"with a late arrival can also reflect less time to act. "
        )
    text += " ".join(arrival_sentence(lever) for lever in info["levers"])
    figure = doc.figure(
        "arrival",
        "Paired effect of each intervention by the month it arrives, with 95% intervals.",
    )
    outcomes = [o for o in dict.fromkeys(table["outcome"]) if o in ("learning_journey", "progress")]
    header = ["intervention", "month", *(words(o) for o in outcomes)]
    rows = [
        [contrast(p, lo, hi), str(m), *(effect_cell(part, o) for o in outcomes)]
        for (p, lo, hi, m), part in table.groupby(
            ["parameter", "low_level", "high_level", "month"], sort=False
        )
    ]
    caption = "Paired effects by month of arrival, with 95% intervals"
    body = paragraph(text) + figure + doc.table(caption, header, rows, len(outcomes), nowrap=True)
    return Section("arrival", "When the intervention arrives", body + _rescue(doc))


def _rescue(doc: Document) -> str:
    """The effects within each standing at arrival (blaming, learning, no setback met yet)."""
    table = doc.filled("rescue")
    if table is None or table.empty:
        return ""
    text = (
        "Can a late intervention rescue a collaboration already blaming? Paired runs share their "
        "history up to the month of arrival, so each pair is classed by where it stood then: "
        "blaming (more setbacks met by blame than by learning so far), learning, or no setback "
        "met yet. " + rescue_sentence(doc)
    )
    lj = table[table["outcome"] == "learning_journey"]
    header = ["intervention", "month", "standing at arrival", "pairs", "learning journeys"]
    rows = [
        [contrast(p, lo, hi), str(m), str(st), str(int(part["replicates"].iloc[0])),
         effect_cell(part, "learning_journey")]
        for (p, lo, hi, m, st), part in lj.groupby(
            ["parameter", "low_level", "high_level", "month", "standing"], sort=False
        )
    ]  # fmt: skip
    caption = "Paired effects on the share of learning journeys by standing at arrival"
    return paragraph(text) + doc.table(caption, header, rows, 2, nowrap=True)


def rescue_sentence(doc: Document) -> str:
    """Each lever's effect on collaborations already blaming, at the latest month with enough
    of them (at least 30 pairs)."""
    found = (doc.summary.get("arrival") or {}).get("rescue") or []
    out = []
    for param in dict.fromkeys(r["parameter"] for r in found):
        rows = [r for r in found if r["parameter"] == param and r["replicates"] >= 30]
        if rows:
            r = rows[-1]
            what = contrast(param, r["low_level"], r["high_level"])
            out.append(
                f"Arriving in month {r['month']} in collaborations already blaming "
                f"({r['replicates']} pairs), {what} changes the share of learning journeys by "
                f"{pp_ci(r['effect'], r['low'], r['high'])}."
            )
    return " ".join(out)


def arrival_sentence(lever: Mapping[str, Any]) -> str:
    """'Navigator at event 1: 0 → 1 changes the share of learning journeys by +15.6 points (...)
    arriving in month 1, +12.0 (...) in month 24 (the largest) and +7.9 (...) in month 96; ...'."""
    what = contrast(lever["parameter"], lever["low_level"], lever["high_level"])
    first, best, last = (
        (lever[f"{k}_month"], lever[f"{k}_effect"], lever[f"{k}_low"], lever[f"{k}_high"])
        for k in ("first", "best", "last")
    )
    text = f"{capital(what)} changes the share of learning journeys by {pp_ci(*first[1:])} "
    text += f"arriving in month {first[0]}"
    if best[0] not in (first[0], last[0]):
        text += f", {pp_ci(*best[1:])} in month {best[0]} (the largest)"
    text += f" and {pp_ci(*last[1:])} in month {last[0]}"
    if best[0] == first[0]:
        text += " (the largest at the first month)"
    margin = f"±{100 * EQUIVALENCE:.0f} points"
    if lever["no_return_month"] is None:
        text += "; no point of no return up to the latest month tested (no month from which the "
        text += f"effect is shown to lie within {margin})."
    elif lever["no_return_month"] == first[0]:
        text += f"; its effect lies within {margin} at every month tested."
    else:
        text += f"; from month {lever['no_return_month']} on its effect lies within {margin} (the "
        text += "point of no return)."
    return text


def arrival_headline(doc: Document) -> list[str]:
    """The headline: when each intervention helps most, and when it is too late."""
    info = doc.summary.get("arrival")
    if not info or not info.get("levers"):
        return []
    lines = " ".join(arrival_sentence(x) for x in info["levers"])
    rescue = rescue_sentence(doc)
    return ["**When it arrives.** " + lines + (" " + rescue if rescue else "")]

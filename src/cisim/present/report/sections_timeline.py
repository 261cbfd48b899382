"""The report's section on timelines: when an intervention helps (:mod:`cisim.analysis.arrival`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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
        f"from which the effect on the share of learning journeys is no longer distinguishable "
        f"from zero at that month and every later month tested. "
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
    return Section(
        "arrival",
        "When the intervention arrives",
        paragraph(text) + figure + doc.table(caption, header, rows, len(outcomes), nowrap=True),
    )


def arrival_sentence(lever: Mapping[str, Any]) -> str:
    """'Navigator at event 1: 0 → 1 helps most arriving in month 1 (+20.1 points ...); ...'."""
    what = contrast(lever["parameter"], lever["low_level"], lever["high_level"])
    best = pp_ci(lever["best_effect"], lever["best_low"], lever["best_high"])
    text = f"{capital(what)} helps most arriving in month {lever['best_month']} ({best})"
    if lever["no_return_month"] is None:
        text += "; its effect is still distinguishable from zero arriving in month "
        text += f"{lever['last_month']}, the latest tested."
    elif lever["no_return_month"] == lever["first_month"]:
        text += "; its effect is not distinguishable from zero at any month tested."
    else:
        text += f"; from month {lever['no_return_month']} on, it is not shown to change the share "
        text += "of learning journeys (the point of no return)."
    return text


def arrival_headline(doc: Document) -> list[str]:
    """The headline: when each intervention helps most, and when it is too late."""
    info = doc.summary.get("arrival")
    if not info or not info.get("levers"):
        return []
    return ["**When it arrives.** " + " ".join(arrival_sentence(x) for x in info["levers"])]

"""Words and numbers: how the report writes shares, effects, intervals, parameters and levels.

Plain text only (no HTML): the sentences and table cells of the report are built from these.
A table cell ``estimate|interval`` puts the interval on a second line (see
:func:`cisim.present.report.page.cell`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from cisim.analysis.early import FEATURES
from cisim.analysis.effects import level_text
from cisim.analysis.tables import OUTCOMES, outcome
from cisim.model.outcomes import NEVER
from cisim.model.regimes import REGIMES

#: The yes/no early signs (their warning-list threshold splits no from yes).
BINARY_SIGNS = frozenset(f.name for f in FEATURES if f.binary)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` as dicts keyed by column name."""
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


def extremes(rows: list[dict[str, Any]], key: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The rows with the largest and the smallest ``key`` (the first of ties)."""
    return max(rows, key=lambda r: r[key]), min(rows, key=lambda r: r[key])


def ranked(result: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    """A sensitivity result's index rows, the largest ``key`` first (a missing one as 0)."""
    return sorted(result["indices"], key=lambda r: -(r[key] or 0))


def minus(text: str) -> str:
    """``text`` with its hyphens as minus signs."""
    return text.replace("-", "−")


def pct(share: float | None) -> str:
    """A share as a percentage ('n/a' if missing)."""
    from cisim.present.runs import percent

    if share is None or not math.isfinite(share):
        return "n/a"
    return percent(float(share))


def share_ci(entry: Mapping[str, Any] | None) -> str:
    """'24% (17–33)': a ``share`` with its ``low``–``high`` interval ('n/a' if missing)."""
    if not entry:
        return "n/a"
    return f"{pct(entry['share'])} ({bare(entry['low'])}–{bare(entry['high'])})"


def share_cell(row: Mapping[str, Any], regime: str) -> str:
    """A table cell of ``regime``'s share and interval in a wide row of shares."""
    share, low, high = row[f"{regime}_share"], row[f"{regime}_low"], row[f"{regime}_high"]
    return f"{pct(share)}|{bare(low)}–{bare(high)}"


def bare(share: float) -> str:
    """A percentage without its % sign (an interval bound)."""
    return pct(share).rstrip("%")


def pp(value: float) -> str:
    """A difference of shares in signed percentage points: '+13.5', '−2.0'."""
    return minus(f"{100 * value:+.1f}")


def pp_ci(effect: float, low: float, high: float) -> str:
    """'+13.5 points (95% interval +10.6 to +16.3)'."""
    return f"{pp(effect)} points (95% interval {pp(low)} to {pp(high)})"


def pp_cell(row: Mapping[str, Any]) -> str:
    """A table cell of an effect on a share, in points, with its interval."""
    return f"{pp(row['effect'])}|{pp(row['low'])} to {pp(row['high'])}"


def effect_cell(part: pd.DataFrame, name: str) -> str:
    """A table cell of the effect on outcome ``name`` in ``part`` ('' if it has none)."""
    rows = part[part["outcome"] == name]
    if rows.empty:
        return ""
    r = records(rows)[0]
    if outcome(name).unit == "share":
        return pp_cell(r)
    digits = "{:+.1f}" if outcome(name).unit == "months" else "{:+.3f}"
    value, low, high = (minus(digits.format(r[k])) for k in ("effect", "low", "high"))
    return f"{value}|{low} to {high}"


def outcome_head(name: str) -> str:
    """A short column head for an outcome (units go in the caption)."""
    if outcome(name).unit == "share":
        return f"{words(name)} (points)"
    return _head(name)


def _head(name: str) -> str:
    """An outcome's label without its unit ('final progress')."""
    info = outcome(name)
    return info.label.removesuffix(f" ({info.unit})")


def units(outcomes: Sequence[str]) -> str:
    """': regime shares in percentage points; final progress (share of goal) 0-1; ...'."""
    parts = []
    if any(outcome(o).unit == "share" for o in outcomes):
        parts.append("regime shares in percentage points")
    scale = {"0-1": "on a 0–1 scale", "months": f"in months ({NEVER})"}
    parts += [
        f"{_head(o)} {scale.get(outcome(o).unit, outcome(o).unit)}".strip()
        for o in outcomes
        if o not in REGIMES
    ]
    return ": " + "; ".join(parts) if parts else ""


def outcome_words(name: str) -> str:
    """An outcome in words: 'the share of learning journeys', its label, or 'the outcome x'."""
    if name in REGIMES:
        return f"the share of {name.replace('_', ' ')}s"
    return outcome(name).label if name in OUTCOMES else f"the outcome {name}"


def move(e: Mapping[str, Any], what: str = "it") -> str:
    """'moving navigator from 0 to 1 raises it by 13.5 points (95% interval 10.6 to 16.3)'."""
    verb = "raises" if e["effect"] > 0 else "lowers"
    change = abs(100 * e["effect"])
    low, high = sorted((abs(100 * e["low"]), abs(100 * e["high"])))
    if e["low"] <= 0 <= e["high"]:
        verb, interval = "changes", f"{pp(e['low'])} to {pp(e['high'])}"
        amount = pp(e["effect"])
    else:
        interval, amount = f"{low:.1f} to {high:.1f}", f"{change:.1f}"
    return (
        f"moving {words(e['parameter'])} from {level_text(e['low_level'])} to "
        f"{level_text(e['high_level'])} {verb} "
        f"{what} by {amount} points (95% interval {interval})"
    )


def contrast(param: Any, low: Any, high: Any) -> str:
    """'navigator: 0 → 1'."""
    return f"{words(param)}: {level_text(low)} → {level_text(high)}"


def words(name: Any) -> str:
    """A parameter, outcome or metric name in words ('mean_trust' → 'mean trust'; an event's
    field 'timeline.1.month' → 'the month of event 1', 'timeline.1.data_use' → 'data use at
    event 1')."""
    parts = str(name).split(".")
    if len(parts) == 3 and parts[0] == "timeline":
        if parts[2] == "month":
            return f"the month of event {parts[1]}"
        return f"{parts[2].replace('_', ' ')} at event {parts[1]}"
    return str(name).replace("_", " ")


def regime_words(name: Any) -> str:
    """A regime in words ('all' → 'all runs')."""
    return "all runs" if name == "all" else words(name)


def symbols(text: str) -> str:
    """``text`` with ``<=`` and ``>=`` as ≤ and ≥."""
    return text.replace("<=", "≤").replace(">=", "≥")


def box_words(found: Mapping[str, Any]) -> str:
    """The restrictions of a PRIM box, '; '-separated."""
    return symbols("; ".join(found["restrictions"]))


def capital(text: str) -> str:
    """``text`` with its first letter in capitals."""
    return text[:1].upper() + text[1:]


def condition(row: Mapping[str, Any], by: Sequence[str]) -> str:
    """'navigator = 1, turnover = 0.01': the levels of ``by`` in ``row``."""
    return ", ".join(f"{words(c)} = {level_text(row[c])}" for c in by)


def runs_each(wide: pd.DataFrame) -> str:
    """The number of runs per condition, or its range: '30', '30–60'."""
    counts = sorted({int(n) for n in wide["runs"]})
    return f"{counts[0]:,}" if len(counts) == 1 else f"{counts[0]:,}–{counts[-1]:,}"


def runs_phrase(summary: Mapping[str, Any]) -> str:
    """'120 runs (4 design points × 30 replicates, 36 months each)'."""
    runs, points, reps = summary.get("runs", 0), summary.get("points", 0), summary.get("replicates")
    months = f", {summary['horizon']} months each" if summary.get("overall") else ""
    each = f"{reps:,} replicates"
    if summary.get("populations"):  # a nested sweep
        each = f"{summary['populations']:,} populations × {summary['histories']:,} histories"
    return f"{runs:,} runs ({points:,} design points × {each}{months})"


def after(months: float) -> str:
    """'after a median of 5 months' ('at the start' for month 0)."""
    return (
        "at the start (median month 0)" if months == 0 else f"after a median of {months:.0f} months"
    )


def month_cell(value: float) -> str:
    """A number of months in a table ('—' if never)."""
    return "—" if not math.isfinite(value) else f"{value:.0f}"


def iqr(row: Mapping[str, Any]) -> str:
    """A row's 25–75% range of months ('—' if none)."""
    if not math.isfinite(row["q25"]):
        return "—"
    return f"{row['q25']:.0f}–{row['q75']:.0f}"


def number(value: float) -> str:
    """A threshold: whole numbers as such, others to three significant digits."""
    return minus(f"{value:.0f}" if float(value).is_integer() else f"{value:.3g}")


def threshold_cell(row: Mapping[str, Any]) -> str:
    """A warning-list threshold; a yes/no sign splits into no (at or below) and yes (above)."""
    return "no / yes" if row["feature"] in BINARY_SIGNS else number(row["threshold"])


def auc_ci(row: Mapping[str, Any]) -> str:
    """'0.75 (95% interval 0.66–0.83)'."""
    return f"{row['auc']:.2f} (95% interval {row['low']:.2f}–{row['high']:.2f})"


def interval_note(row: Mapping[str, Any], key: str) -> str:
    """'95% interval a–b; ' for an index with bounds, else ''."""
    low, high = row.get(f"{key}_low"), row.get(f"{key}_high")
    return "" if low is None or high is None else f"95% interval {low:.2f}–{high:.2f}; "


def index_ci(row: Mapping[str, Any], key: str) -> str:
    """A sensitivity index ``key`` with its interval in brackets, when it has one."""
    low, high = row.get(f"{key}_low"), row.get(f"{key}_high")
    if low is None or high is None:
        return f"{row[key]:.2f}"
    return f"{row[key]:.2f} ({low:.2f}–{high:.2f})"


def index_cell(row: Mapping[str, Any], key: str) -> str:
    """A table cell of a sensitivity index ``key`` with its interval, when it has one."""
    low, high = row.get(f"{key}_low"), row.get(f"{key}_high")
    value = minus(f"{row[key]:.3g}") if row.get(key) is not None else "n/a"
    if low is None or high is None:
        return value
    return f"{value}|{minus(f'{low:.3g}')} to {minus(f'{high:.3g}')}"


def ref(figure: int | None, table: int | None) -> str:
    """' (Figure 1, Table 2)' for the numbers given, '' for none."""
    refs = [f"Figure {figure}" if figure else "", f"Table {table}" if table else ""]
    refs = [r for r in refs if r]
    return f" ({', '.join(refs)})" if refs else ""

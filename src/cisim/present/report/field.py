"""``cisim report DIR`` on a field's results: which platform, at what cost, for which cities.

The report answers the question of a field file (``experiments/platforms.toml``): which platform
strategy raises the field's share of learning journeys most, at what cost (service-years per
additional learning journey), and for which cities (the weakest or the strongest), with equity
(the spread of progress) and the speed of spread; with a sweep over platform levers, the effect
against the lever's value. Every number is read from the tables of :mod:`cisim.field.analysis`
(written as CSV beside the figures in ``DIR/analysis/``), and every sentence is a template filled
with them. Each section closes with where its findings come from: the seeds (004 and 001), the
literature the field model cites (ODD §7a), or the model itself.

It has the sweep report's look and machinery (:mod:`cisim.present.report.page`: one HTML file,
figures embedded, no script, every text from data escaped) and is also written as Markdown
(``report.md``, its figures linked from the analysis folder).
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from cisim._version import __version__
from cisim.field.analysis import SPLITS, THIRDS, Inputs, analyse, lookup, versus
from cisim.field.config import BASELINE
from cisim.field.coupling import ABSENCE, DECAY, funded_years
from cisim.field.platform import Platform
from cisim.present.report.page import CSS, PAGE, Document, esc, inline
from cisim.present.report.source import ReportSource
from cisim.present.report.words import capital, minus
from cisim.present.style import INTERVAL, caption, percent_axis, save, tidy_axes
from cisim.stats import Z95

#: What the Markdown report's first line holds: the proof cisim wrote it.
MARKDOWN_MARKER = "<!-- generator: cisim "
#: The sweep page's words that a field's report says otherwise.
_KICKER = ("cisim sweep report", "cisim field report")
_FOOTER = ("in the sweep's <code>analysis/</code> folder", "in the <code>analysis/</code> folder")
ACCENT = "#1a9850"
MUTED = "#7f7f7f"
THIRD_COLOURS = ("#d95f02", "#7570b3", "#1b9e77")

# ---- numbers in words -----------------------------------------------------------------------


def share(x: float) -> str:
    """A share as a percentage with one decimal: '60.8%'."""
    return "n/a" if not math.isfinite(x) else f"{100 * x:.1f}%"


def points(x: float) -> str:
    """A difference of shares in signed points: '+26.2', '−2.8'."""
    return "n/a" if not math.isfinite(x) else minus(f"{100 * x:+.1f}")


def points_ci(x: float, low: float, high: float) -> str:
    """'+26.2 points (95% interval +23.4 to +29.0)'."""
    return f"{points(x)} points (95% interval {points(low)} to {points(high)})"


def interval_cell(x: float, low: float, high: float, fmt: Callable[[float], str]) -> str:
    """A table cell: an estimate over its interval (``estimate|low to high``)."""
    if not math.isfinite(low):
        return fmt(x)
    return f"{fmt(x)}|{fmt(low)} to {fmt(high)}"


def cost(x: float) -> str:
    """Service-years per added journey: '37.2' ('—' if none was added, '∞' unbounded)."""
    if math.isinf(x):
        return "∞"
    return "—" if not math.isfinite(x) else f"{x:,.1f}"


def cost_range(row: Mapping[str, Any]) -> str:
    """'37.2 service-years per added journey (33.3 to 42.1)' ('no journey added' if none)."""
    if not math.isfinite(row["cost_per_journey"]):
        return "no journey added"
    text = f"{cost(row['cost_per_journey'])} service-years per added journey"
    if not math.isfinite(row["cost_low"]):
        return text
    return f"{text} ({cost(row['cost_low'])} to {cost(row['cost_high'])})"


def months(x: float) -> str:
    """A month, or 'never' within the horizon."""
    return "never" if not math.isfinite(x) else f"{x:.0f}"


def signed(x: float, digits: int = 3) -> str:
    return "n/a" if not math.isfinite(x) else minus(f"{x:+.{digits}f}")


def fixed(x: float, digits: int = 3) -> str:
    return "n/a" if not math.isfinite(x) else f"{x:.{digits}f}"


def clear(low: float, high: float) -> bool:
    """Whether an interval excludes zero."""
    return math.isfinite(low) and (low > 0 or high < 0)


# ---- the report as blocks, rendered to HTML or Markdown ---------------------------------------
@dataclass
class Block:
    """A paragraph (``p``), a numbered table or figure, or verbatim text (``pre``)."""

    kind: str
    text: str = ""
    header: Sequence[str] = ()
    rows: Sequence[Sequence[str]] = ()
    numeric: int = 0
    name: str = ""


@dataclass
class Part:
    """A section: anchor, title, blocks."""

    anchor: str
    title: str
    blocks: list[Block] = field(default_factory=list)

    def p(self, text: str) -> None:
        if text:
            self.blocks.append(Block("p", text))

    def table(
        self, text: str, header: Sequence[str], rows: Sequence[Sequence[str]], n: int
    ) -> None:
        self.blocks.append(Block("table", text, header, rows, n))

    def figure(self, name: str, text: str) -> None:
        self.blocks.append(Block("figure", text, name=name))


class Numbers:
    """Figure and table numbers as the parts are built (both renderings number alike)."""

    def __init__(self, figures: Mapping[str, str]) -> None:
        self.available = figures
        self.figures = 0
        self.tables = 0

    def next_figure(self, name: str) -> int | None:
        if name not in self.available:
            return None
        self.figures += 1
        return self.figures

    def next_table(self) -> int:
        self.tables += 1
        return self.tables


# ---- figures --------------------------------------------------------------------------------
def points_axis(ax: Any, axis: str = "x") -> None:
    """Format an axis of differences of shares as signed points (``+10``)."""
    from matplotlib.ticker import FuncFormatter

    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_formatter(FuncFormatter(lambda v, _: minus(f"{100 * v:+.0f}")))


def effects_figure(table: pd.DataFrame) -> Figure:
    """Each platform's difference against alone with its interval, and its cost per journey."""
    n = len(table)
    fig = Figure(figsize=(9.0, 1.6 + 0.32 * n), layout="constrained")
    left, right = fig.subplots(1, 2, sharey=True, width_ratios=(3, 2))
    y = np.arange(n)[::-1]
    best = int(np.nanargmax(table["difference"].to_numpy())) if n else -1
    colours = [ACCENT if i == best else INTERVAL for i in range(n)]
    for k in range(n):
        row = table.iloc[k]
        left.plot([row["low"], row["high"]], [y[k], y[k]], color=colours[k], lw=1.6)
        left.plot([row["difference"]], [y[k]], "o", color=colours[k], ms=5)
    left.axvline(0.0, color=MUTED, lw=0.8)
    left.set_yticks(y, list(table["platform"]))
    points_axis(left, "x")
    left.set_xlabel("learning journeys: difference against alone (points)")
    tidy_axes(left, grid="x")
    costs = table["cost_per_journey"].to_numpy(dtype=float)
    right.barh(y, np.where(np.isfinite(costs), costs, 0.0), color=colours, height=0.55)
    for k in range(n):
        if not math.isfinite(costs[k]):
            right.text(0, y[k], " none added", va="center", fontsize=8, color=MUTED)
    right.set_xlabel("service-years per added journey")
    tidy_axes(right, grid="x")
    fig.suptitle(
        "Which platform raises the share of learning journeys, and at what cost", fontweight="bold"
    )
    caption(
        fig,
        "Dots: paired difference against every city alone (same cities, same luck); "
        "lines: 95% intervals. The largest effect in green.",
    )
    return fig


def strength_figure(table: pd.DataFrame, names: Sequence[str]) -> Figure:
    """Each platform's difference within the thirds of the cities by their progress alone."""
    part = table[table["split"] == "baseline"]
    n = len(names)
    fig = Figure(figsize=(9.0, 1.6 + 0.36 * n), layout="constrained")
    ax = fig.subplots()
    y = np.arange(n)[::-1].astype(float)
    for j, third in enumerate(THIRDS):
        rows = part[part["third"] == third].set_index("platform").loc[list(names)]
        offset = (1 - j) * 0.22
        ax.errorbar(
            rows["difference"],
            y + offset,
            xerr=[rows["difference"] - rows["low"], rows["high"] - rows["difference"]],
            fmt="o",
            ms=4,
            color=THIRD_COLOURS[j],
            label=third,
            capsize=0,
            lw=1.2,
        )
    ax.axvline(0.0, color=MUTED, lw=0.8)
    ax.set_yticks(y, list(names))
    points_axis(ax, "x")
    ax.set_xlabel("learning journeys: difference against alone (points)")
    ax.legend(title="cities by their progress alone", frameon=False, loc="best", fontsize=8)
    tidy_axes(ax, grid="x")
    fig.suptitle("For which cities: the effect in each third of the field", fontweight="bold")
    caption(
        fig,
        "Thirds by each city's final progress with no platform; dots and 95% intervals "
        "paired by city.",
    )
    return fig


def equity_figure(table: pd.DataFrame) -> Figure:
    """Each platform's change in the Gini of progress, and progress's 10th and 90th
    percentiles."""
    rows = table[table["platform"] != BASELINE]
    n = len(rows)
    fig = Figure(figsize=(9.0, 1.6 + 0.32 * n), layout="constrained")
    left, right = fig.subplots(1, 2, sharey=True)
    y = np.arange(n)[::-1]
    d = rows["gini_difference"].to_numpy(dtype=float)
    left.errorbar(
        d,
        y,
        xerr=[
            d - rows["gini_low"].to_numpy(dtype=float),
            rows["gini_high"].to_numpy(dtype=float) - d,
        ],
        fmt="o",
        ms=4,
        color=INTERVAL,
        lw=1.2,
    )
    left.axvline(0.0, color=MUTED, lw=0.8)
    left.set_yticks(y, list(rows["platform"]))
    left.set_xlabel("Gini of progress: change against alone")
    tidy_axes(left, grid="x")
    alone = table[table["platform"] == BASELINE].iloc[0]
    for k in range(n):
        row = rows.iloc[k]
        right.plot([row["p10"], row["p90"]], [y[k], y[k]], color=ACCENT, lw=1.6)
        right.plot([row["p10"], row["p90"]], [y[k], y[k]], "|", color=ACCENT, ms=8)
    right.axvline(alone["p10"], color=MUTED, lw=0.8, ls="--")
    right.axvline(alone["p90"], color=MUTED, lw=0.8, ls="--")
    right.set_xlabel("final progress, p10 to p90 (dashed: alone)")
    tidy_axes(right, grid="x")
    fig.suptitle("Equity: how evenly progress is spread across the cities", fontweight="bold")
    caption(
        fig,
        "Left: paired bootstrap 95% intervals over cities (negative: more even). "
        "Right: the spread of final progress.",
    )
    return fig


def speed_figure(traj: pd.DataFrame, names: Sequence[str]) -> Figure:
    """Adoption of a programme and good practice over the months, per platform."""
    fig = Figure(figsize=(9.0, 3.6), layout="constrained")
    left, right = fig.subplots(1, 2, sharey=True)
    colours = _palette(len(names))
    for colour, name in zip(colours, names, strict=True):
        part = traj[traj["platform"] == name]
        left.plot(part["month"], part["adopted_share"], color=colour, lw=1.3, label=name)
        right.plot(part["month"], part["good_practice_share"], color=colour, lw=1.3, label=name)
    alone = traj[traj["platform"] == BASELINE]
    right.plot(
        alone["month"], alone["good_practice_share"], color="black", lw=1.0, ls="--", label=BASELINE
    )
    for ax, title in ((left, "adopted a programme"), (right, "at good practice")):
        ax.axhline(0.5, color=MUTED, lw=0.8, ls=":")
        ax.set_title(
            f"share of cities that {title}" if ax is left else f"share of cities {title}",
            fontsize=10,
        )
        ax.set_xlabel("month")
        percent_axis(ax)
        tidy_axes(ax)
    right.legend(frameon=False, fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.suptitle("Speed: how fast programmes and good practice spread", fontweight="bold")
    caption(
        fig,
        "At each platform step; dotted: half the field (Rogers' midpoint). Good "
        "practice: data use and joint problem solving at 0.45 or more.",
    )
    return fig


def lever_figure(part: pd.DataFrame, base: str, lever: str) -> Figure:
    """One swept lever: the effect and the cost per journey against its value."""
    fig = Figure(figsize=(9.0, 3.2), layout="constrained")
    left, right = fig.subplots(1, 2)
    values = part["value"].tolist()
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
    x = np.asarray(values, dtype=float) if numeric else np.arange(len(values), dtype=float)
    d = part["difference"].to_numpy(dtype=float)
    left.errorbar(
        x,
        d,
        yerr=[d - part["low"].to_numpy(dtype=float), part["high"].to_numpy(dtype=float) - d],
        fmt="o-",
        color=ACCENT,
        ms=4,
        lw=1.3,
    )
    left.axhline(0.0, color=MUTED, lw=0.8)
    points_axis(left, "y")
    left.set_ylabel("difference against alone (points)")
    right.plot(x, part["cost_per_journey"].to_numpy(dtype=float), "o-", color=INTERVAL, ms=4)
    right.set_ylabel("service-years per added journey")
    for ax in (left, right):
        if not numeric:
            ax.set_xticks(x, [str(v) for v in values])
        ax.set_xlabel(lever)
        tidy_axes(ax)
    fig.suptitle(f"{base}: the effect against {lever}", fontweight="bold")
    caption(
        fig,
        "Paired difference against alone with its 95% interval; cost per additional "
        "learning journey.",
    )
    return fig


def _palette(n: int) -> list[Any]:
    from matplotlib import colormaps

    cmap = colormaps["tab20"] if n > 10 else colormaps["tab10"]
    return [cmap(i % cmap.N) for i in range(n)]


# ---- the analysis directory -------------------------------------------------------------------
SUMMARY_FILE = "analysis.json"


def write_analysis(loaded: Any, out: Path, command: str | None = None) -> dict[str, Any]:
    """Write the field's analysis (CSV tables, PNG figures, ``analysis.json``) into ``out``
    (replaced only if cisim wrote it); return its summary."""
    from cisim.io import atomic_directory, write_csv, write_json
    from cisim.study import provenance

    clock = provenance.Clock.start()
    data = Inputs(dict(loaded.outcomes), dict(loaded.results), dict(loaded.variants))
    tables = analyse(data)
    with atomic_directory(out, kind="analysis") as temp:
        summary: dict[str, Any] = {"tables": {}, "figures": {}}
        for name, table in tables.items():
            file = f"{name}.csv"
            write_csv(table, temp / file, index=False)
            summary["tables"][name] = file
        for name, make in _figures(data, tables).items():
            path = temp / f"{name}.png"
            save(make(), path)
            summary["figures"][name] = path.name
        summary["cities"] = data.cities
        summary["platforms"] = data.platforms
        write_json(summary, temp / SUMMARY_FILE)
        record = provenance.manifest(
            clock,
            command=command or "",
            seed=int(loaded.manifest["seeds"]["seed"]),
            replicates=data.cities,
            field={"path": str(loaded.path), "sha256": loaded.manifest["field"]["sha256"]},
        )
        write_json(record, temp / "manifest.json")
    return summary


def _figures(data: Inputs, tables: Mapping[str, pd.DataFrame]) -> dict[str, Callable[[], Figure]]:
    names = data.strategies
    compared = [BASELINE, *names]
    effects = tables["effects"]
    equity = tables["equity"]
    out: dict[str, Callable[[], Figure]] = {
        "effects": lambda: effects_figure(effects[effects["platform"].isin(names)]),
        "by_strength": lambda: strength_figure(tables["by_strength"], names),
        "equity": lambda: equity_figure(equity[equity["platform"].isin(compared)]),
        "speed": lambda: speed_figure(tables["trajectories"], names),
    }
    lev = tables["levers"]
    for (base, lever), part in lev.groupby(["base", "lever"], sort=False):
        if part["others"].eq("").all():  # one lever swept: the effect against its value
            key = f"lever_{_safe(str(base))}_{_safe(str(lever))}"
            out[key] = functools.partial(lever_figure, part, str(base), str(lever))
    return out


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "_-" else "_" for c in text)


# ---- the parts --------------------------------------------------------------------------------
@dataclass
class View:
    """What the parts are built from: the tables, the manifest, and the numbering."""

    tables: Mapping[str, pd.DataFrame]
    manifest: Mapping[str, Any]
    inputs: Inputs
    numbers: Numbers

    @property
    def names(self) -> list[str]:
        """The platforms compared (not a sweep's values: :attr:`Inputs.strategies`)."""
        return self.inputs.strategies

    @property
    def effects(self) -> pd.DataFrame:
        """The effects of the platforms compared, in the file's order."""
        table = self.tables["effects"]
        return table[table["platform"].isin(self.names)].reset_index(drop=True)

    @property
    def best(self) -> Mapping[str, Any]:
        e = self.effects
        return dict(e.iloc[int(np.argmax(e["difference"].to_numpy()))])

    def levers_of(self, name: str) -> Mapping[str, Any]:
        return dict(self.manifest["platforms"][name]["levers"])


def headline(view: View) -> list[str]:
    """The answer in brief (sentences with ``**bold**``)."""
    e = view.effects
    if e.empty:
        return ["The field file names no platform to compare."]
    best = view.best
    alone = best["alone_share"]
    m = int(best["cities"])
    lines = []
    ranked = e.sort_values("difference", ascending=False)
    if best["difference"] > 0:
        verb = (
            "raises the field's share of learning journeys most"
            if clear(best["low"], best["high"])
            else "has the largest effect on the field's share of learning journeys, though its "
            "interval includes zero"
        )
        text = (
            f"**{best['platform']}** {verb}: "
            f"{share(best['share'])} of {m:,} cities against {share(alone)} with every city "
            f"alone, {points_ci(best['difference'], best['low'], best['high'])}"
        )
        if len(ranked) > 1:
            second = ranked.iloc[1]["platform"]
            d, lo, hi = versus(view.inputs, best["platform"], second)
            ahead = "ahead of" if clear(lo, hi) else "not clearly ahead of"
            text += f"; {ahead} {second} by {points_ci(d, lo, hi)}, paired by city"
        lines.append(text + ".")
    else:
        lines.append(
            f"No platform raises the share of learning journeys above {share(alone)} (every "
            f"city alone); the least harmful is {best['platform']}, "
            f"{points_ci(best['difference'], best['low'], best['high'])}."
        )
    lines.append(_cost_sentence(e, best))
    lines.append(f"For which cities: {_whom_sentence(view, best)}")
    lines.append(_equity_sentence(view, best))
    lines.append(_speed_sentence(view))
    lines.extend(_lever_sentences(view))
    lines.append(
        "The strategies and the directions come from seeds 004 and 001 and the diffusion and "
        "field-building literature; **every magnitude here is the model's** (each section says "
        "which is which)."
    )
    return [line for line in lines if line]


def _cost_sentence(e: pd.DataFrame, best: Mapping[str, Any]) -> str:
    """The best platform's cost per added journey, and a platform that costs less per journey
    with what it spent and added: cost per journey compares platforms only at equal spending (the
    effect need not grow in proportion to the money)."""
    if not best["low"] > 0 or not math.isfinite(best["cost_per_journey"]):
        return ""
    text = (
        f"Cost: {best['platform']} spent {best['spent']:,.0f} service-years (one city served with "
        f"one service for a year) for {cost_range(best)}"
    )
    cheaper = e[
        (e["low"] > 0)
        & np.isfinite(e["cost_per_journey"])
        & (e["cost_per_journey"] < best["cost_per_journey"])
    ]
    if not cheaper.empty:
        c = cheaper.loc[cheaper["cost_per_journey"].idxmin()]
        text += (
            f"; {c['platform']} costs less per journey, {cost_range(c)}, having spent "
            f"{c['spent']:,.0f} for {points(c['difference'])} points: cost per journey compares "
            f"platforms only at equal spending (the cost section)"
        )
    return text + "."


def _gap(part: pd.DataFrame, split: str, name: str) -> tuple[float, float]:
    """Platform ``name``'s effect in the weakest third minus the strongest, by ``split``, and its
    standard error (the thirds are disjoint sets of cities, so their estimates are independent)."""
    w = lookup(part, split=split, platform=name, third=THIRDS[0])
    s = lookup(part, split=split, platform=name, third=THIRDS[2])
    se = math.hypot(w["high"] - w["low"], s["high"] - s["low"]) / (2 * Z95)
    return float(w["difference"] - s["difference"]), se


def _whom_sentence(view: View, best: Mapping[str, Any]) -> str:
    """For which cities, by the thirds of their starting practices (a split that, unlike progress
    alone, does not condition on an outcome of the run)."""
    part = view.tables["by_strength"]
    rows = part[(part["split"] == "start") & (part["platform"] == best["platform"])]
    if rows.empty:
        return ""
    by = {r["third"]: r for r in rows.to_dict("records")}
    weak, mid, strong = (by[t] for t in THIRDS)
    gap, se = _gap(part, "start", best["platform"])
    if gap > 0:
        how = "the cities that started with the **weakest** practices more than the strongest"
    elif gap < 0:
        how = "the cities that started with the **strongest** practices more than the weakest"
    else:
        how = "the cities that started with the weakest and the strongest practices equally"
    gaps = [_gap(part, "start", name) for name in view.names]
    weaker = sum(1 for d, e in gaps if d > Z95 * e)
    stronger = sum(1 for d, e in gaps if d < -Z95 * e)
    text = (
        f"{best['platform']} helps {how}: "
        f"{points_ci(weak['difference'], weak['low'], weak['high'])} in the weakest third by "
        f"starting practices, {points(mid['difference'])} in the middle third and "
        f"{points(strong['difference'])} in the strongest (the gap between weakest and "
        f"strongest {points_ci(gap, gap - Z95 * se, gap + Z95 * se)}). Of the "
        f"{len(view.names)} platforms, {weaker} help the weakest third clearly more than the "
        f"strongest and {stronger} the strongest clearly more."
    )
    base = part[(part["split"] == "baseline") & (part["platform"] == best["platform"])]
    if len(base) == len(THIRDS):
        outcome_gap, _ = _gap(part, "baseline", best["platform"])
        text += (
            f" Split by progress alone, an outcome of the run, the same gap is "
            f"{points(outcome_gap)}: a city on a learning journey on its own cannot gain one."
        )
    return text


def _equity_sentence(view: View, best: Mapping[str, Any]) -> str:
    eq = view.tables["equity"]
    alone = lookup(eq, platform=BASELINE)
    row = lookup(eq, platform=best["platform"])
    d, lo, hi = row["gini_difference"], row["gini_low"], row["gini_high"]
    if clear(lo, hi):
        way = "more evenly" if d < 0 else "less evenly"
        verdict = f"progress is spread **{way}**"
    else:
        verdict = "the spread of progress does not clearly change"
    narrower = sum(
        1
        for r in eq.to_dict("records")
        if r["platform"] in view.names
        and clear(r["gini_low"], r["gini_high"])
        and r["gini_difference"] < 0
    )
    return (
        f"Equity: under {best['platform']} {verdict}: a Gini coefficient of progress of "
        f"{fixed(row['gini'], 2)} against {fixed(alone['gini'], 2)} alone ({signed(d, 3)}, 95% "
        f"interval {signed(lo, 3)} to {signed(hi, 3)}); {narrower} of the "
        f"{len(view.names)} platforms narrow it clearly."
    )


def _speed_sentence(view: View) -> str:
    sp = view.tables["speed"]
    sp = sp[sp["platform"].isin(view.names)]
    adopted = sp[np.isfinite(sp["months_to_half_adopted"])]
    good = sp[np.isfinite(sp["months_to_half_good_practice"])]
    parts = []
    if not adopted.empty:
        fast = adopted.loc[adopted["months_to_half_adopted"].idxmin()]
        parts.append(
            f"half the cities had adopted a programme by month "
            f"{months(fast['months_to_half_adopted'])} under {fast['platform']} "
            f"({len(adopted)} of {len(sp)} platforms reach half at all)"
        )
    if not good.empty:
        fast = good.loc[good["months_to_half_good_practice"].idxmin()]
        parts.append(
            f"half reached good practice by month {months(fast['months_to_half_good_practice'])} "
            f"under {fast['platform']} ({len(good)} of {len(sp)} platforms)"
        )
    else:
        parts.append("under no platform did half the cities reach good practice within the horizon")
    return "Speed: " + "; ".join(parts) + "."


def _lever_sentences(view: View) -> list[str]:
    lev = view.tables["levers"]
    out = []
    for (base, lever), part in lev.groupby(["base", "lever"], sort=False):
        if not part["others"].eq("").all():
            continue
        steps = "; ".join(
            f"{r['value']}: {points(r['difference'])} points, {cost(r['cost_per_journey'])}"
            for r in part.to_dict("records")
        )
        out.append(
            f"{base} against its {lever} (value: effect, service-years per added journey): {steps}."
        )
    return out


def effects_part(view: View) -> Part:
    part = Part("effects", "Which platform raises the share of learning journeys most")
    e = view.effects
    n = view.numbers
    fig = n.next_figure("effects")
    t = n.next_table()
    best = view.best
    ranked = e.sort_values("difference", ascending=False)["platform"].tolist()
    part.p(
        f"Each platform ran on the same {int(best['cities']):,} cities with the same luck as "
        f"every city on its own (alone: {share(best['alone_share'])} learning journeys); each "
        f"difference is paired by city (Table {t}"
        + (f", Figure {fig}" if fig else "")
        + f"). From the largest effect to the smallest: {', '.join(ranked)}."
        + (
            " The platforms of a sweep over a lever are shown against the lever's value in "
            "'Sweeps over platform levers'."
            if view.inputs.variants
            else ""
        )
    )
    rows = [
        [
            r["platform"],
            share(r["share"]),
            interval_cell(r["difference"], r["low"], r["high"], points),
            points(r["weaker_half"]),
            points(r["stronger_half"]),
        ]
        for r in e.to_dict("records")
    ]
    part.table(
        "The share of learning journeys under each platform and its difference against alone "
        "(points, 95% interval), and the difference in the weaker and the stronger half of the "
        "cities (by their progress alone).",
        ["platform", "learning journeys", "difference", "weaker half", "stronger half"],
        rows,
        4,
    )
    if fig:
        part.figure(
            "effects",
            "Each platform's difference against every city alone (95% "
            "interval), and its cost per additional learning journey.",
        )
    handover = [
        r
        for r in e.to_dict("records")
        if view.levers_of(r["platform"]).get("programme_entry") == "none"
    ]
    if handover:
        names = ", ".join(f"{r['platform']} {points(r['difference'])}" for r in handover)
        part.p(
            f"The rows whose programmes hand no entry point to a city still searching for one "
            f"(programme_entry = none) are a sensitivity check: {names}. What is left of a "
            f"programme's effect without that hand-over is small (ODD §7a.8)."
        )
    part.p(
        "**Where this comes from.** The strategies are seed 004's: every city starting from "
        "scratch (collective impact alone), replicating what was proven elsewhere with fidelity "
        "(scaling what works), a field-building platform that weaves the two, the sector's bias "
        "for programmes, infrastructure, and funders who fund inconsistently; seed 001 adds open "
        "data and many-to-many learning (the evidence and peer services). Seed 004 argues that "
        "the platform may give 'the greatest impact' but gives no magnitude, and neither does "
        "the literature the field model cites (ODD §7a.7). **The model's own**: the ranking and "
        "every effect size, and that nearly all of a programme's effect is the entry point it "
        "hands to a city still searching for one (ODD §7a.8)."
    )
    return part


def cost_part(view: View) -> Part:
    part = Part("cost", "At what cost")
    e = view.effects
    t = view.numbers.next_table()
    rows = [
        [
            r["platform"],
            f"{r['spent']:,.0f}",
            f"{r['added_journeys']:+,.1f}".replace("-", "−"),
            interval_cell(r["cost_per_journey"], r["cost_low"], r["cost_high"], cost)
            if math.isfinite(r["cost_per_journey"])
            else "—",
        ]
        for r in e.to_dict("records")
    ]
    finite = e[np.isfinite(e["cost_per_journey"]) & (e["low"] > 0)]
    if not finite.empty:
        lo = finite.loc[finite["cost_per_journey"].idxmin()]
        hi = finite.loc[finite["cost_per_journey"].idxmax()]
        span = f"the cheapest per added journey is {lo['platform']}: {cost_range(lo)}"
        if hi["platform"] != lo["platform"]:
            span += f"; the dearest is {hi['platform']}: {cost_range(hi)}"
        part.p(
            f"What each platform spent over the run, in service-years (one city served with one "
            f"service for a year), over the learning journeys it added (Table {t}). Among the "
            f"platforms whose effect is clearly above zero, {span}. The interval is the effect's "
            f"interval turned into a cost (spending is the platform's, not a draw); an effect "
            f"whose interval reaches zero has no upper bound (∞)."
        )
    unsteady = [
        r
        for r in e.to_dict("records")
        if float(view.levers_of(r["platform"]).get("funding_reliability", 1.0)) < 1.0
    ]
    if unsteady:
        words = ", ".join(
            f"{r['platform']} (spent {r['spent']:,.0f}, {cost(r['cost_per_journey'])} per journey; "
            f"funded in years {_funded_years(view, r['platform'])})"
            for r in unsteady
        )
        part.p(
            f"Funded inconsistently (funding_reliability below 1): {words}. That is one funding "
            f"history, drawn from the field's seed: another seed funds other years, and the "
            f"cost's interval does not include that luck. Compare it with a steady platform of "
            f"the same expected money in the table: seed 004's comment says inconsistent funding "
            f"costs more than its money; in the model the unfunded years only decay the knowledge "
            f"base and trust by {DECAY:g} and {ABSENCE:g} a quarter (ODD §7a.8)."
        )
    part.table(
        "Spending and cost per additional learning journey (service-years; 95% interval from "
        "the effect's interval; '—' where no journey was added).",
        ["platform", "spent", "journeys added", "cost per added journey"],
        rows,
        3,
    )
    part.p(
        "**Where this comes from.** Seed 004: 'the sector's bias for programs' leads to "
        "'systematic underinvestment' in training, technical assistance and technology; its "
        "comment: 'donors don't fund consistently from year to year' and 'a knowledge base need "
        "constant maintenance'. These set the strategies and the funding lever. **The model's "
        "own**: the unit (service-years per city per year), what a unit of budget buys (coverage "
        "of a share of the cities, ODD §7a.4), every price and so every cost per journey, and "
        "whether inconsistency costs more than its money."
    )
    return part


def _funded_years(view: View, name: str) -> str:
    """The years (1, 2, ...) in which platform ``name`` of the study had a funded step (its steps
    come after months ``step_months``, ``2 step_months``, ... before the horizon)."""
    seed = int(view.manifest["seeds"]["seed"])
    platform = Platform(**view.levers_of(name))
    years = funded_years(seed, platform, int(view.manifest["field"]["horizon_months"]))
    return ", ".join(map(str, years)) or "none"


def whom_part(view: View) -> Part:
    part = Part("whom", "For which cities: the weakest or the strongest")
    bs = view.tables["by_strength"]
    n = view.numbers
    fig = n.next_figure("by_strength")
    t1, t2 = n.next_table(), n.next_table()
    names = view.names
    part.p(
        f"The cities are split into thirds two ways, and each platform's difference is paired by "
        f"city within each third. By their final progress with no platform (the same city with "
        f"the same luck under alone; Table {t1}"
        + (f", Figure {fig}" if fig else "")
        + f"): the weakest third made the least progress on its own. That is an outcome of the "
        f"run, so it shows a ceiling: a city that is a learning journey on its own cannot gain "
        f"one. By their {SPLITS['start']}: Table {t2}; this split does not condition on an "
        f"outcome. " + capital(_whom_sentence(view, view.best))
    )
    part.table(
        "The difference in the share of learning journeys against alone within each third of the "
        "cities by their progress alone (points, 95% interval); the share alone in each third "
        "heads the column.",
        ["platform", *[f"{t} (alone {share(_third_alone(bs, 'baseline', t))})" for t in THIRDS]],
        [_third_row(bs, "baseline", name) for name in names],
        3,
    )
    if fig:
        part.figure(
            "by_strength",
            "Each platform's difference within the weakest, middle and "
            "strongest third of the cities (by their progress with no platform).",
        )
    part.table(
        "The same, with the cities split into thirds by their starting practices (points, 95% "
        "interval).",
        ["platform", *[f"{t} (alone {share(_third_alone(bs, 'start', t))})" for t in THIRDS]],
        [_third_row(bs, "start", name) for name in names],
        3,
    )
    targeted = [name for name in names if view.levers_of(name).get("target") != "random"]
    if targeted:
        part.p(
            "Platforms that serve some cities first (target): "
            + ", ".join(f"{name} ({view.levers_of(name)['target']})" for name in targeted)
            + "."
        )
    part.p(
        "**Where this comes from.** Issue 16 asks the question; the seeds are silent on whom a "
        "platform should serve first (ODD §7a.4). Absorptive capacity (Cohen & Levinthal 1990) "
        "says outside knowledge is taken up in proportion to related knowledge already held, "
        "which would favour the strong (a Matthew effect); the model carries it into every "
        "service. **The model's own**: that the gains fall where they do, and how much of that is "
        "the ceiling of the strongest cities, which are learning journeys anyway."
    )
    return part


def _third_alone(bs: pd.DataFrame, split: str, third: str) -> float:
    rows = bs[(bs["split"] == split) & (bs["third"] == third)]
    return float(rows["alone_share"].iloc[0]) if len(rows) else math.nan


def _third_row(bs: pd.DataFrame, split: str, name: str) -> list[str]:
    cells = [name]
    for third in THIRDS:
        r = lookup(bs, split=split, platform=name, third=third)
        cells.append(interval_cell(r["difference"], r["low"], r["high"], points))
    return cells


def equity_part(view: View) -> Part:
    part = Part("equity", "Equity: how evenly progress is spread")
    eq = view.tables["equity"]
    n = view.numbers
    fig = n.next_figure("equity")
    t = n.next_table()
    part.p(
        f"Progress summed over the field and spread across its cities: the mean and the Gini "
        f"coefficient of each city's final progress (0: all equal), with the paired differences "
        f"against alone (Table {t}"
        + (f", Figure {fig}" if fig else "")
        + "). "
        + _equity_sentence(view, view.best)
    )
    rows = [
        [
            r["platform"],
            interval_cell(
                r["progress_difference"],
                r["progress_low"],
                r["progress_high"],
                lambda x: signed(x, 3),
            )
            if r["platform"] != BASELINE
            else fixed(r["progress_mean"], 3),
            fixed(r["gini"], 3),
            interval_cell(
                r["gini_difference"], r["gini_low"], r["gini_high"], lambda x: signed(x, 3)
            )
            if r["platform"] != BASELINE
            else "",
            fixed(r["p10"], 3),
            fixed(r["p90"], 3),
        ]
        for r in eq.to_dict("records")
        if r["platform"] in [BASELINE, *view.names]
    ]
    part.table(
        "Final progress under each platform: mean progress (alone) and its paired difference "
        "(normal 95% interval), the Gini coefficient and its difference against alone (paired "
        "bootstrap over cities, 1,000 resamples, 95% percentile interval), and the 10th and "
        "90th percentiles.",
        ["platform", "mean progress (difference)", "Gini", "Gini difference", "p10", "p90"],
        rows,
        5,
    )
    if fig:
        part.figure(
            "equity",
            "The change in the Gini coefficient of progress against alone, and "
            "the spread of final progress.",
        )
    part.p(
        "**Where this comes from.** Equity is issue 16's outcome; the sources give no figure "
        "for it. Absorptive capacity (Cohen & Levinthal 1990) points towards a platform that "
        "widens gaps; targeting the weakest is a funder's choice the seeds do not make (ODD "
        "§7a.4). **The model's own**: every spread and its direction, including whether the "
        "platform narrows the gap by lifting cities over the threshold of a learning journey "
        "(ODD §7a.8: the gains are mostly there)."
    )
    return part


def speed_part(view: View) -> Part:
    part = Part("speed", "Speed: how fast good practice spreads")
    sp = view.tables["speed"]
    n = view.numbers
    fig = n.next_figure("speed")
    t = n.next_table()
    part.p(
        f"Months until half the cities had adopted a programme, and until half had data use and "
        f"joint problem solving at the key actions' level (0.45): the midpoint of the diffusion "
        f"curve, read as Rogers (2003) reads it (Table {t}"
        + (f", Figure {fig}" if fig else "")
        + "). "
        + _speed_sentence(view)
    )
    rows = [
        [
            r["platform"],
            months(r["months_to_half_adopted"]),
            months(r["months_to_half_good_practice"]),
            share(r["adopted_share"]),
            share(r["good_practice_share"]),
        ]
        for r in sp.to_dict("records")
        if r["platform"] in [BASELINE, *view.names]
    ]
    part.table(
        "Months to half the field ('never': not within the horizon), and the shares at the last "
        "platform step.",
        [
            "platform",
            "half adopted (month)",
            "half at good practice (month)",
            "adopted at the end",
            "at good practice at the end",
        ],
        rows,
        4,
    )
    if fig:
        part.figure(
            "speed",
            "The share of cities that adopted a programme, and at good practice, "
            "at each platform step.",
        )
    part.p(
        "**Where this comes from.** Diffusion of innovations (Rogers 2003): innovations spread "
        "along an S-shaped curve through interpersonal channels and results that can be observed "
        "(the peer service looks at peers' results); seed 001: many-to-many learning and open "
        "data. **The model's own**: every month, and the rates behind them (ODD §7a.7: TA_GAIN, "
        "PEER_RATE and the rest are assumptions)."
    )
    return part


def levers_part(view: View) -> Part | None:
    lev = view.tables["levers"]
    if lev.empty:
        return None
    part = Part("levers", "Sweeps over platform levers")
    n = view.numbers
    t = n.next_table()
    part.p(
        f"Platforms of a sweep are named NAME@lever=value; Table {t} gives each one's effect "
        "against alone and its cost against the lever's value. " + " ".join(_lever_sentences(view))
    )
    rows = [
        [
            r["base"],
            r["lever"],
            str(r["value"]),
            r["others"],
            share(r["share"]),
            interval_cell(r["difference"], r["low"], r["high"], points),
            cost(r["cost_per_journey"]),
        ]
        for r in lev.to_dict("records")
    ]
    part.table(
        "The swept platforms: learning journeys, the difference against alone (points, 95% "
        "interval) and the cost per additional journey (service-years), by lever value.",
        [
            "platform",
            "lever",
            "value",
            "other swept levers",
            "learning journeys",
            "difference",
            "cost per journey",
        ],
        rows,
        3,
    )
    for (base, lever), group in lev.groupby(["base", "lever"], sort=False):
        key = f"lever_{_safe(str(base))}_{_safe(str(lever))}"
        if group["others"].eq("").all() and n.next_figure(key):
            part.figure(
                key,
                f"{base}: the effect and the cost per additional learning journey against {lever}.",
            )
    part.p(
        "**Where this comes from.** The levers are the platform's (ODD §7a.4, each with its "
        "source): the budget (seed 004's underinvestment), fidelity against adaptation (Elliott "
        "& Mihalic 2004; Castro et al. 2004; Durlak & DuPre 2008), targeting (issue 16's "
        "question). **The model's own**: the shape of every curve."
    )
    return part


def sources_part(view: View) -> Part:
    part = Part("sources", "What comes from the seeds and the literature, and what is the model's")
    t = view.numbers.next_table()
    part.p(
        f"The sources say that platforms, evidence, training and peer learning matter and that "
        f"'not invented here', fidelity and inconsistent funding get in the way; they give no "
        f"magnitudes (Table {t}; ODD §7a.7 lists each rate the model assumes)."
    )
    rows = [
        [
            "Scaling what works and collective impact need not be a choice; a platform can weave "
            "them",
            "seed 004 (the question, not an answer)",
            "which platform wins, by how much",
        ],
        [
            "Donors favour programmes over infrastructure and fund inconsistently; knowledge bases "
            "need upkeep",
            "seed 004 and its comments",
            "the costs; that inconsistency costs only its money",
        ],
        [
            "Open data and many-to-many learning",
            "seed 001",
            "the evidence and peer services' rates",
        ],
        [
            "Innovations spread along an S-curve through observable results",
            "Rogers (2003)",
            "the months to half the field",
        ],
        [
            "Outside knowledge is taken up in proportion to related knowledge",
            "Cohen & Levinthal (1990)",
            "absorptive capacity as a mean of three state variables",
        ],
        [
            "Groups resist what was invented elsewhere",
            "Katz & Allen (1982); seed 004's comment",
            "that it acts on adoption, scaled by fidelity",
        ],
        [
            "Fidelity keeps a programme's core, adaptation its fit",
            "Elliott & Mihalic (2004); Castro et al. (2004); Durlak & DuPre (2008)",
            "the one-dimensional context, the linear fit, drift",
        ],
        [
            "Shared measurement makes a field's evidence",
            "Kania & Kramer (2011)",
            "noise falling with data use",
        ],
        [
            "A programme hands an entry point to a city still searching",
            "de Jong et al. (2023), seed 003 (an actionable opening)",
            "that this hand-over carries nearly all of a programme's effect (ODD §7a.8)",
        ],
        ["Who gains (the weakest or the strongest), equity, cost per journey", "none", "all of it"],
    ]
    part.table(
        "Each statement, where it comes from, and what the model adds.",
        ["statement", "source", "the model's own"],
        rows,
        0,
    )
    return part


def methods_part(view: View, loaded: Any) -> Part:
    m = view.manifest
    fld = m["field"]
    part = Part("methods", "Methods")
    scen = ", ".join(f"{name} ({info['digest']})" for name, info in fld["scenarios"].items())
    kind = (
        "a roster of scenarios"
        if fld.get("roster")
        else (
            f"cities drawn around the scenario, their starting data use, joint problem solving and "
            f"adaptability spread with sd {fld['spread']}"
        )
    )
    part.p(
        f"**The field.** {fld['cities']:,} cities ({kind}: {scen}), {fld['horizon_months']} "
        f"months each; the field's seed {m['seeds']['seed']}. City k is the same collaboration "
        f"(RunSpec(scenario, seed, replicate = k)) under every platform and under alone, and the "
        f"platform's draws are keyed by the seed and the step, so every comparison is paired by "
        f"city: common random numbers (ODD §7a.6)."
    )
    part.p(
        "**Estimates.** A difference in the share of learning journeys is the mean of the paired "
        "per-city differences, with a normal 95% interval; the same within thirds of the cities. "
        f"The thirds are by {SPLITS['baseline']}, and by {SPLITS['start']}, three near-equal "
        "groups, ties by city. The cost per additional journey is what the platform spent over "
        "the journeys it added, its interval the effect's. The Gini difference's interval is a "
        "paired percentile bootstrap over cities (1,000 resamples, seed 16016). Months to half "
        "the field are read at the platform steps."
    )
    run = m.get("run", {})
    facts = [
        ("results", str(loaded.path)),
        ("command", str(run.get("command") or "")),
        (
            "executor",
            f"{run.get('executor')}, {run.get('workers')} workers, {run.get('shards')} "
            "shards (the results do not depend on them)",
        ),
        (
            "cisim",
            f"{m.get('cisim_version')} (commit {str(m.get('git_commit') or 'unknown')[:10]})",
        ),
        (
            "ran",
            f"{run.get('started_utc')} to {run.get('ended_utc')} "
            f"({run.get('wall_time_seconds')} s)",
        ),
        ("files", f"{len(m.get('checksums', {})):,}, each checked against its SHA-256 when read"),
    ]
    part.blocks.append(Block("facts", rows=[list(f) for f in facts if f[1]]))
    return part


def file_part(view: View) -> Part:
    fld = view.manifest["field"]
    part = Part("file", "The field file")
    part.p(f"The field file ({fld['file']}, sha256 {str(fld['sha256'])[:12]}…), verbatim:")
    part.blocks.append(Block("pre", str(fld["text"])))
    return part


def parts(view: View, loaded: Any) -> list[Part]:
    made = [
        effects_part(view),
        cost_part(view),
        whom_part(view),
        equity_part(view),
        speed_part(view),
        levers_part(view),
        sources_part(view),
        methods_part(view, loaded),
        file_part(view),
    ]
    return [p for p in made if p is not None]


# ---- rendering --------------------------------------------------------------------------------
def render_html(
    loaded: Any, summary: Mapping[str, Any], analysis_dir: Path, report_dir: Path
) -> str:
    view = _view(loaded, summary, analysis_dir)
    top = headline(view)
    made = parts(view, loaded)
    source = _source(loaded)
    doc = Document(source, summary, analysis_dir, report_dir=report_dir)
    sections = []
    for part in made:
        body = ""
        for b in part.blocks:
            if b.kind == "p":
                body += f"<p>{inline(b.text)}</p>"
            elif b.kind == "table":
                body += doc.table(b.text, b.header, b.rows, b.numeric, nowrap=True)
            elif b.kind == "figure":
                body += doc.figure(b.name, b.text)
            elif b.kind == "pre":
                body += f"<pre><code>{esc(b.text)}</code></pre>"
            elif b.kind == "facts":
                items = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in b.rows)
                body += f'<dl class="facts">{items}</dl>'
        sections.append((part.anchor, part.title, body))
    return _page(source, loaded, top, sections)


def _page(
    source: ReportSource, loaded: Any, top: Sequence[str], sections: Sequence[tuple[str, str, str]]
) -> str:
    template = PAGE
    for old, new in (_KICKER, _FOOTER):
        if old not in template:  # the sweep page changed: say so rather than write a wrong one
            raise AssertionError(f"the report page no longer says {old!r}")
        template = template.replace(old, new)
    toc = "".join(f'<li><a href="#{a}">{esc(t)}</a></li>' for a, t, _ in sections)
    body = "".join(f'<section id="{a}"><h2>{esc(t)}</h2>{b}</section>' for a, t, b in sections)
    lead = esc(source.description) if source.description else ""
    return template.format(
        title=esc(source.title),
        name=esc(source.name),
        lead=f'<p class="lead">{lead}</p>' if lead else "",
        byline=esc(_byline(loaded)),
        answer="".join(f"<li>{inline(line)}</li>" for line in top),
        toc=toc,
        body=body,
        css=CSS,
        version=esc(__version__),
    )


def render_markdown(
    loaded: Any, summary: Mapping[str, Any], analysis_dir: Path, report_dir: Path
) -> str:
    view = _view(loaded, summary, analysis_dir)
    top = headline(view)
    made = parts(view, loaded)
    source = _source(loaded)
    link = Path(os.path.relpath(analysis_dir, report_dir)).as_posix()
    lines = [
        f"{MARKDOWN_MARKER}{__version__} -->",
        f"# {source.title}",
        "",
        f"*{_byline(loaded)}*",
        "",
    ]
    if source.description:
        lines += [source.description, ""]
    lines += ["## The answer in brief", ""] + [f"- {line}" for line in top] + [""]
    figures = tables = 0
    figs = summary.get("figures", {})
    for part in made:
        lines += [f"## {part.title}", ""]
        for b in part.blocks:
            if b.kind == "p":
                lines += [b.text, ""]
            elif b.kind == "table":
                tables += 1
                lines += [f"**Table {tables}.** {b.text}", "", *_md_table(b), ""]
            elif b.kind == "figure" and b.name in figs:
                figures += 1
                lines += [
                    f"![{b.text}]({link}/{figs[b.name]})",
                    "",
                    f"*Figure {figures}.* {b.text}",
                    "",
                ]
            elif b.kind == "pre":
                lines += ["```toml", b.text.rstrip("\n"), "```", ""]
            elif b.kind == "facts":
                lines += [f"- {k}: {v}" for k, v in b.rows] + [""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _md_table(b: Block) -> list[str]:
    def cell(text: str) -> str:
        text = text.replace("|", " (", 1) + ")" if "|" in text else text
        return text.replace("\n", " ").replace("|", "\\|")

    first = len(b.header) - b.numeric
    head = "| " + " | ".join(cell(h) for h in b.header) + " |"
    rule = "|" + "|".join("---:" if i >= first else "---" for i in range(len(b.header))) + "|"
    body = ["| " + " | ".join(cell(c) for c in row) + " |" for row in b.rows]
    return [head, rule, *body]


def _view(loaded: Any, summary: Mapping[str, Any], analysis_dir: Path) -> View:
    tables = {
        name: _read(analysis_dir / file)
        for name, file in summary.get("tables", {}).items()
        if isinstance(file, str) and Path(file).name == file
    }
    data = Inputs(dict(loaded.outcomes), dict(loaded.results), dict(loaded.variants))
    return View(tables, loaded.manifest, data, Numbers(summary.get("figures", {})))


def _read(path: Path) -> pd.DataFrame:
    table = pd.read_csv(path, dtype={"others": str, "levers": str})
    for column in ("others", "levers"):
        if column in table:
            table[column] = table[column].fillna("").astype(str)
    return table


def _source(loaded: Any) -> ReportSource:
    about = loaded.manifest.get("about") or {}
    name = about.get("name") or Path(str(loaded.manifest["field"]["file"])).stem
    question = about.get("question") or (
        "Which platform raises the field's share of learning journeys most, at what cost, and "
        "for which cities?"
    )
    return ReportSource(
        name=str(name),
        question=str(question),
        description=str(about.get("description") or ""),
        text=loaded.text,
        manifest=loaded.manifest,
    )


def _byline(loaded: Any) -> str:
    m = loaded.manifest
    run = m.get("run", {})
    date = str(run.get("ended_utc") or "")[:10]
    commit = str(m.get("git_commit") or "")[:10] or "unknown commit"
    n = len(loaded.platforms)
    return (
        f"Field {_source(loaded).name} · {m['field']['cities']:,} cities × {n} "
        f"platform{'s' if n != 1 else ''} and alone, {m['field']['horizon_months']} months · "
        f"cisim {m.get('cisim_version')} ({commit}) · {date}"
    )


# ---- writing ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class FieldReport:
    """A written field report: its HTML and Markdown files, figures, the headline."""

    html: Path
    markdown: Path
    figures: int
    size: int
    headline: list[str]


def write_field_report(
    loaded: Any, html: Path, analysis_dir: Path, command: str | None = None
) -> FieldReport:
    """Analyse ``loaded`` into ``analysis_dir`` and write its report to ``html`` and beside it
    as Markdown (``.md``), each replaced only if cisim wrote it."""
    from cisim.io import check_file_target
    from cisim.study.sweeps.store import write_text_atomic

    markdown = html.with_suffix(".md")
    check_file_target(html, marker='<meta name="generator" content="cisim ', what="a cisim report")
    check_file_target(markdown, marker=MARKDOWN_MARKER, what="a cisim report")
    summary = write_analysis(loaded, analysis_dir, command)
    text = render_html(loaded, summary, analysis_dir, html.parent)
    md = render_markdown(loaded, summary, analysis_dir, html.parent)
    html.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(text, html)
    write_text_atomic(md, markdown)
    return FieldReport(
        html,
        markdown,
        text.count("<figure"),
        len(text.encode()),
        plain_headline(loaded, summary, analysis_dir),
    )


def plain_headline(loaded: Any, summary: Mapping[str, Any], analysis_dir: Path) -> list[str]:
    """The report's answer in brief as plain sentences (what ``cisim report`` and ``cisim
    analyze`` print), read from the analysis in ``analysis_dir``."""
    from cisim.present.report.headlines import plain

    return [plain(line) for line in headline(_view(loaded, summary, analysis_dir))]


@dataclass(frozen=True)
class FieldAnalysis:
    """A written field analysis: its directory, how many tables and figures, the headline."""

    path: Path
    tables: int
    figures: int
    headline: list[str]


def write_field_analysis(
    loaded: Any, analysis_dir: Path, command: str | None = None
) -> FieldAnalysis:
    """Analyse ``loaded`` into ``analysis_dir`` (the tables and figures the report reads, no
    report: ``cisim analyze DIR``) and return the report's answer in brief."""
    summary = write_analysis(loaded, analysis_dir, command)
    return FieldAnalysis(
        analysis_dir,
        len(summary["tables"]),
        len(summary["figures"]),
        plain_headline(loaded, summary, analysis_dir),
    )


# ---- the figures the documentation quotes ------------------------------------------------------
def findings_markdown(loaded: Any, command: str, *, sweeps_only: bool = False) -> str:
    """The study's headline figures in Markdown (what ``experiments/README.md`` and the ODD
    quote, between markers, rewritten by ``tools/field_findings.py``): the report's answer in
    brief, each compared platform's effect with its interval, by thirds of the cities, and its
    cost; then each swept lever (with ``sweeps_only``, as for a sensitivity study, only the
    opening sentence and the swept levers). Every number is :mod:`cisim.field.analysis`'s, as
    in the report."""
    data = Inputs(dict(loaded.outcomes), dict(loaded.results), dict(loaded.variants))
    tables = analyse(data)
    effects, thirds_table = tables["effects"], tables["by_strength"]
    answer = headline(View(tables, loaded.manifest, data, Numbers({})))
    m = loaded.manifest
    fld = m["field"]
    scen = ", ".join(fld["scenarios"])
    first = effects.iloc[0] if len(effects) else None
    alone = share(float(first["alone_share"])) if first is not None else "n/a"
    commit = str(m.get("git_commit") or "unknown")[:10]
    lines = [
        f"`{command}` ({fld['cities']:,} {scen} cities, {fld['horizon_months']} months, seed "
        f"{m['seeds']['seed']}, cisim {m.get('cisim_version')} at {commit}). Alone (no "
        f"platform): {alone} learning journeys. Differences in points of the share of learning "
        "journeys against alone, paired by city, with 95% intervals; thirds of the cities by "
        "their progress alone; cost in service-years per additional learning journey (its "
        "interval from the effect's).",
    ]
    if not sweeps_only:
        lines += [
            "",
            *[f"- {line}" for line in answer],
            "",
            "| platform | learning journeys | difference | weakest third | middle third | "
            "strongest third | cost per added journey |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
    strategies = [] if sweeps_only else data.strategies
    for r in effects[effects["platform"].isin(strategies)].to_dict("records"):
        cells = [
            r["platform"],
            share(r["share"]),
            f"{points(r['difference'])} [{points(r['low'])}, {points(r['high'])}]",
        ]
        for third in THIRDS:
            t = lookup(thirds_table, split="baseline", platform=r["platform"], third=third)
            cells.append(points(t["difference"]))
        c = r["cost_per_journey"]
        if math.isfinite(c) and math.isfinite(r["cost_low"]):
            cells.append(f"{cost(c)} [{cost(r['cost_low'])}, {cost(r['cost_high'])}]")
        else:
            cells.append(cost(c))
        lines.append("| " + " | ".join(cells) + " |")
    sweeps = [name for name in effects["platform"] if name in data.variants]
    if sweeps:
        lines += [
            "",
            "| swept platform | lever = value | learning journeys | difference | cost per added "
            "journey |",
            "|---|---|---:|---:|---:|",
        ]
        for r in effects[effects["platform"].isin(sweeps)].to_dict("records"):
            v = data.variants[r["platform"]]
            lever = ", ".join(f"{k} = {val}" for k, val in v.levers.items())
            lines.append(
                f"| {v.base} | {lever} | {share(r['share'])} | {points(r['difference'])} "
                f"[{points(r['low'])}, {points(r['high'])}] | {cost(r['cost_per_journey'])} |"
            )
    return "\n".join(lines) + "\n"

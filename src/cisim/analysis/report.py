"""``cisim report``: a sweep's analysis as one self-contained HTML file.

The report opens with the experiment's question and a headline answer generated from the numbers
of :func:`cisim.analysis.analyze` (the lever that moves the share of learning journeys most, the
best and worst conditions, how early the regime can be told, the strongest warning signs, the most
influential parameters), then gives the evidence one analysis at a time (figure, table and one or
two sentences read off the numbers), the methods and the experiment file verbatim.

Everything is in the one file: figures are PNGs embedded as ``data:`` URIs, the style sheet is
inline, and there is no script. Every text that comes from data is escaped. Nothing here invents
a claim: each sentence is a template filled with numbers from the analysis tables (the CSV files
:func:`~cisim.analysis.analyze` writes) or its summary (``analysis.json``).
"""

from __future__ import annotations

import base64
import html
import math
import re
import struct
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from cisim._version import __version__
from cisim.analysis.early import FEATURES
from cisim.analysis.effects import level_text, paired_effects
from cisim.analysis.tables import LJ, OUTCOMES, outcome
from cisim.figures import DPI
from cisim.regimes import REGIMES

if TYPE_CHECKING:
    from cisim.sweeps.experiment import Factor
    from cisim.sweeps.store import SweepResults

TEXT_WIDTH_PX = 960  # 60rem: figures wider than this break out of the text column
ANALYSIS_MANIFEST = "manifest.json"
_BINARY_SIGNS = frozenset(f.name for f in FEATURES if f.binary)
_ROLE = {"levers": "lever", "uncertainties": "uncertainty"}


# ---- what the report is about ----------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class ReportSource:
    """What the report says about the sweep besides the analysis summary.

    Attributes
    ----------
    name, question, description
        The experiment's words.
    text
        The experiment file, verbatim.
    manifest
        The sweep's manifest (versions, commit, sessions, seed, fingerprint).
    model, design, samples, replicates, seed, base
        The experiment's settings.
    factors
        The varied parameters (levers, then uncertainties).
    constants, settings
        The experiment's constants, and every fixed parameter of the runs.
    design_table, runs
        The sweep's tables (for effects over a factor's whole range); may be ``None``.
    """

    name: str
    question: str
    description: str = ""
    text: str = ""
    manifest: Mapping[str, Any] = field(default_factory=dict)
    model: str = "cisim"
    design: str = "factorial"
    samples: int | None = None
    replicates: int = 1
    seed: int = 0
    base: str | None = None
    factors: tuple[Factor, ...] = ()
    constants: Mapping[str, Any] = field(default_factory=dict)
    settings: Mapping[str, Any] = field(default_factory=dict)
    design_table: pd.DataFrame | None = None
    runs: pd.DataFrame | None = None

    @classmethod
    def from_sweep(cls, sweep: SweepResults) -> ReportSource:
        """The report source of a sweep read with :func:`cisim.sweeps.load`."""
        ex = sweep.experiment
        return cls(
            name=ex.name,
            question=ex.question,
            description=ex.description,
            text=ex.toml,
            manifest=sweep.manifest,
            model=ex.model,
            design=ex.design,
            samples=ex.samples,
            replicates=ex.replicates,
            seed=ex.seed,
            base=ex.base_ref,
            factors=ex.factors,
            constants=dict(ex.constants),
            settings=dict(ex.settings),
            design_table=sweep.design,
            runs=sweep.runs,
        )

    @property
    def title(self) -> str:
        """The question, or failing that the description or the name."""
        return self.question or self.description or f"Experiment {self.name}"

    def role(self, name: str) -> str:
        """``lever`` or ``uncertainty`` (empty if the parameter is not a factor)."""
        roles = {f.name: _ROLE.get(f.role, f.role) for f in self.factors}
        return roles.get(name, "")


@dataclass(frozen=True)
class Written:
    """A written report: where, how many figures, how many bytes."""

    path: Path
    figures: int
    size: int


def write_report(
    source: ReportSource, summary: Mapping[str, Any], analysis_dir: Path, path: Path
) -> Written:
    """Render the report and write it to ``path`` atomically (replacing an older one)."""
    from cisim.sweeps.store import write_text_atomic

    document = Document(source, summary, Path(analysis_dir))
    text = document.render()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(text, path)
    return Written(path, document.figures, len(text.encode()))


def headline(source: ReportSource, summary: Mapping[str, Any], analysis_dir: Path) -> list[str]:
    """The headline answer as plain sentences (what ``cisim report`` prints)."""
    document = Document(source, summary, Path(analysis_dir))
    return [plain(line) for line in document.headline()]


def plain(text: str) -> str:
    """A headline sentence without its ``**bold**`` marks."""
    return text.replace("**", "")


# ---- the document ----------------------------------------------------------------------------
@dataclass
class Section:
    """One part of the report: its anchor, heading and body (HTML)."""

    anchor: str
    title: str
    body: str


class Document:
    """Builds the report; keeps the figure and table numbers and reads the analysis tables."""

    def __init__(self, source: ReportSource, summary: Mapping[str, Any], analysis_dir: Path):
        self.source = source
        self.summary = summary
        self.dir = analysis_dir
        self.figures = 0
        self.tables = 0
        self._cache: dict[str, pd.DataFrame | None] = {}
        self.spans: dict[str, pd.DataFrame] = {}

    # ---- inputs --------------------------------------------------------------------------
    def table_of(self, name: str) -> pd.DataFrame | None:
        """An analysis table by name (``None`` if the analysis did not write it)."""
        if name not in self._cache:
            file = self.summary.get("tables", {}).get(name)
            path = self.dir / file if file else None
            self._cache[name] = pd.read_csv(path) if path and path.is_file() else None
        return self._cache[name]

    def has_figure(self, name: str) -> bool:
        """Whether the analysis drew figure ``name``."""
        file = self.summary.get("figures", {}).get(name)
        return bool(file) and (self.dir / file).is_file()

    # ---- pieces ----------------------------------------------------------------------------
    def figure(self, name: str, caption: str) -> str:
        """The analysis figure ``name`` embedded as a numbered ``<figure>`` ('' if absent)."""
        if not self.has_figure(name):
            return ""
        data = (self.dir / self.summary["figures"][name]).read_bytes()
        self.figures += 1
        width = _css_width(data)
        wide = width > TEXT_WIDTH_PX
        attrs = f' class="wide" style="--w: {width}px"' if wide else ""
        encoded = base64.b64encode(data).decode("ascii")
        return (
            f'<figure id="figure-{self.figures}"{attrs}>'
            f'<img src="data:image/png;base64,{encoded}" alt="{esc(caption)}" '
            f'style="width: {width}px">'
            f"<figcaption><b>Figure {self.figures}.</b> {inline(caption)}</figcaption></figure>"
        )

    def table(
        self,
        caption: str,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        numeric: int,
        *,
        nowrap: bool = False,
    ) -> str:
        """A numbered table; the last ``numeric`` columns are right-aligned numbers.

        ``nowrap`` keeps the first column (row labels) on one line.
        """
        self.tables += 1
        first = len(header) - numeric
        head = "".join(
            f"<th{' class=num' if i >= first else ''}>{esc(h)}</th>" for i, h in enumerate(header)
        )
        body = "".join(
            "<tr>"
            + "".join(
                f"<td{' class=num' if i >= first else ''}>{_cell(c)}</td>" for i, c in enumerate(r)
            )
            + "</tr>"
            for r in rows
        )
        return (
            f'<div class="table" id="table-{self.tables}">'
            f'<p class="caption"><b>Table {self.tables}.</b> {inline(caption)}</p>'
            f'<div class="scroll"><table{" class=labels" * nowrap}>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div></div>"
        )

    @property
    def next_figure(self) -> int:
        """The number the next figure will get."""
        return self.figures + 1

    @property
    def next_table(self) -> int:
        """The number the next table will get."""
        return self.tables + 1

    # ---- assembly --------------------------------------------------------------------------
    def headline(self) -> list[str]:
        """The headline sentences (with ``**bold**`` lead words)."""
        lines = [line for part in HEADLINE for line in part(self)]
        return lines or [f"**What was run.** {_runs_phrase(self.summary)}."]

    def render(self) -> str:
        """The whole HTML document."""
        top = self.headline()
        sections = [s for make in SECTIONS if (s := make(self)) is not None]
        sections += [_methods_section(self), _experiment_section(self)]
        toc = "".join(f'<li><a href="#{s.anchor}">{esc(s.title)}</a></li>' for s in sections)
        body = "".join(
            f'<section id="{s.anchor}"><h2>{esc(s.title)}</h2>{s.body}</section>' for s in sections
        )
        src = self.source
        lead = esc(src.description) if src.question and src.description else ""
        answer = "".join(f"<li>{inline(line)}</li>" for line in top)
        return PAGE.format(
            title=esc(src.title),
            name=esc(src.name),
            lead=f'<p class="lead">{lead}</p>' if lead else "",
            byline=esc(_byline(src, self.summary)),
            answer=answer,
            toc=toc,
            body=body,
            css=CSS,
            version=esc(__version__),
        )


# ---- headline --------------------------------------------------------------------------------
def _overall(doc: Document) -> list[str]:
    overall = doc.summary.get("overall") or {}
    if not overall:
        return []
    lj, bg = overall.get(LJ), overall.get("blame_game")
    rest = [
        f"{_pct(overall[r]['share'])} {r.replace('_', ' ')}"
        for r in ("stalled", "dissolved")
        if r in overall
    ]
    return [
        f"**Overall.** Of {_runs_phrase(doc.summary)}, {_share_ci(lj)} became learning journeys "
        f"and {_share_ci(bg)} blame games" + (f"; {' and '.join(rest)}." if rest else ".")
    ]


def _levers(doc: Document) -> list[str]:
    effects = factor_effects(doc)
    if not effects:
        return []
    ranked = sorted(effects, key=lambda e: -abs(e["effect"]))
    top = ranked[0]
    text = f"**What moves the odds most.** {_capital(_move(top, 'the share of learning journeys'))}"
    if len(ranked) > 1:
        text += f", the largest effect of the {len(ranked)} factors varied"
    text += "."
    others = [_move(e) for e in ranked[1:]]
    if others:
        text += " " + _capital("; ".join(others)) + "."
    levers = [e for e in ranked if doc.source.role(e["parameter"]) == "lever"]
    if levers and doc.source.role(top["parameter"]) == "uncertainty":
        text += f" Of the levers a collaboration controls, {_param(levers[0]['parameter'])} "
        text += "matters most."
    return [text]


def _cells(doc: Document) -> list[str]:
    table = doc.table_of("regime_shares")
    by = (doc.summary.get("shares") or {}).get("by") or []
    if table is None or not by:
        return []
    lj = table[table["regime"] == LJ].reset_index(drop=True)
    if len(lj) < 2:
        return []
    best, worst = _extremes(records(lj), "share")
    return [
        f"**Best and worst conditions.** Learning journeys are most common with "
        f"{_condition(best, by)}: {_row_ci(best)} of runs; least common with "
        f"{_condition(worst, by)}: {_row_ci(worst)}."
    ]


def _named(doc: Document) -> list[str]:
    rows = doc.summary.get("condition_effects") or []
    singles = [r for r in rows if " vs " in str(r["comparison"])]
    if not singles:
        return []
    best = max(singles, key=lambda r: r["effect"] if r["effect"] is not None else -math.inf)
    return [
        f"**Largest gain over the reference.** {best['comparison']}: "
        f"{_pp_ci(best['effect'], best['low'], best['high'])} in the share of learning journeys."
    ]


def _how_early(doc: Document) -> list[str]:
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
        f"{_auc_ci(main)}" + (f"; the AUC is {rest}" if rest else "") + " (0.5 is chance, 1 a "
        "perfect call)."
    ]


def _warnings(doc: Document) -> list[str]:
    signs = doc.table_of("warning_list")
    if signs is None or signs.empty:
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
    results = doc.summary.get("sobol") or {}
    lines = []
    for name, result in list(results.items())[:1]:
        rows = sorted(result["indices"], key=lambda r: -(r["ST"] or 0))
        if not rows:
            continue
        top, rest = rows[0], rows[1:3]
        others = " and ".join(f"{_param(r['parameter'])} (ST {r['ST']:.2f})" for r in rest)
        lines.append(
            f"**What drives the variance.** For {_outcome_words(name)}, {_param(top['parameter'])} "
            f"has the largest total Sobol index, ST = {top['ST']:.2f} ({_interval(top, 'ST')}"
            f"first-order S1 = {top['S1']:.2f})" + (f", followed by {others}." if others else ".")
        )
    return lines


def _morris(doc: Document) -> list[str]:
    results = doc.summary.get("morris") or {}
    lines = []
    for name, result in list(results.items())[:1]:
        rows = sorted(result["indices"], key=lambda r: -(r["mu_star"] or 0))
        if not rows:
            continue
        top = ", ".join(f"{_param(r['parameter'])} (μ* = {r['mu_star']:.3g})" for r in rows[:3])
        lines.append(
            f"**Screening.** By Morris μ*, the most influential parameters for "
            f"{_outcome_words(name)} are {top}."
        )
    return lines


def _box(doc: Document) -> list[str]:
    found = doc.summary.get("discovery") or {}
    if not found.get("restrictions"):
        return []
    return [
        f"**Where learning journeys concentrate.** Where {_box_words(found)}, "
        f"{_pct(found['density'])} of runs are learning journeys (against "
        f"{_pct(found['base_rate'])} overall); that region holds {_pct(found['mass'])} of runs and "
        f"{_pct(found['coverage'])} of all learning journeys."
    ]


HEADLINE: tuple[Callable[[Document], list[str]], ...] = (
    _overall,
    _levers,
    _cells,
    _named,
    _how_early,
    _warnings,
    _sobol,
    _morris,
    _box,
)


def factor_effects(doc: Document) -> list[dict[str, Any]]:
    """Each factor's paired effect on the learning-journey share over its whole range.

    Two-level factors: their one contrast from the analysis. Factors with more levels: the lowest
    against the highest level, computed here from the runs (the analysis gives adjacent steps).
    """
    table = doc.table_of("paired_effects")
    if table is None or table.empty:
        return []
    out: list[dict[str, Any]] = []
    for param, part in table.groupby("parameter", sort=False):
        span = part if part["low_level"].nunique() == 1 else whole_range(doc, str(param))
        out.extend(r for r in records(span) if r["outcome"] == LJ)
    return out


def whole_range(doc: Document, param: str) -> pd.DataFrame:
    """Paired effects of ``param``'s lowest against its highest level, on every outcome.

    Empty without the sweep's tables (the analysis itself gives adjacent steps only).
    """
    src, table = doc.source, doc.table_of("paired_effects")
    if src.design_table is None or src.runs is None or table is None:
        return pd.DataFrame(columns=["outcome"])
    if param not in doc.spans:
        effects = paired_effects(
            src.design_table.drop(columns=["digest"], errors="ignore"),
            src.runs,
            horizon=int(doc.summary.get("horizon", 120)),
            outcomes=list(dict.fromkeys(table["outcome"])),
            parameters=[param],
            contrast="first",
        )
        last = effects["high_level"].iloc[-1] if len(effects) else None
        doc.spans[param] = effects[effects["high_level"] == last]
    return doc.spans[param]


def warning_phrase(row: Mapping[str, Any]) -> str:
    """A warning-list row as the side that warns: '<sign> above t: x% ..., against y% ...'."""
    sign, t = str(row["sign"]), _number(row["threshold"])
    below, above = row["share_below"], row["share_above"]
    if row["feature"] in _BINARY_SIGNS:
        side, bad, good = ("no", below, above) if below < above else ("yes", above, below)
        return f"{sign}: {side}: {_pct(bad)} became learning journeys, against {_pct(good)}"
    if above < below:
        return (
            f"{sign} above {t}: {_pct(above)} of such runs became learning journeys, against "
            f"{_pct(below)} of the rest"
        )
    return (
        f"{sign} at or below {t}: {_pct(below)} of such runs became learning journeys, against "
        f"{_pct(above)} of the rest"
    )


# ---- evidence sections -----------------------------------------------------------------------
def _shares_section(doc: Document) -> Section | None:
    table = doc.table_of("regime_shares")
    by = (doc.summary.get("shares") or {}).get("by") or []
    if table is None or not by:
        return None
    wide = _wide_shares(table, by)
    lj, bg = wide[f"{LJ}_share"], wide["blame_game_share"]
    other = wide["stalled_share"] + wide["dissolved_share"]
    n = len(wide)
    fig = doc.next_figure if doc.has_figure("regime_shares") else None
    text = (
        f"Across the {n} conditions, the share of learning journeys ranges from {_pct(lj.min())} "
        f"to {_pct(lj.max())} and that of blame games from {_pct(bg.min())} to {_pct(bg.max())}"
        f"{_ref(fig, doc.next_table)}. Stalled and dissolved runs together make up at most "
        f"{_pct(other.max())} of any condition."
    )
    figure = doc.figure(
        "regime_shares",
        f"Share of runs ending in each regime, per condition ({_runs_each(wide)} runs each). "
        "Whiskers: 95% Wilson intervals of the boundaries between regimes.",
    )
    rows = [
        [
            *(_level(r[c]) for c in by),
            *(_share_cell(r, regime) for regime in REGIMES),
            f"{int(r['runs']):,}",
        ]
        for r in records(wide)
    ]
    header = [*(_words(c) for c in by), *(r.replace("_", " ") for r in REGIMES), "runs"]
    caption = "Regime shares per condition: share of runs (95% Wilson interval)."
    return Section(
        "shares",
        "Regime shares per condition",
        _p(text) + figure + doc.table(caption, header, rows, len(REGIMES) + 1),
    )


def _wide_shares(table: pd.DataFrame, by: list[str]) -> pd.DataFrame:
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


def _effects_section(doc: Document) -> Section | None:
    table = doc.table_of("paired_effects")
    if table is None or table.empty:
        return None
    whole = {e["parameter"]: e for e in factor_effects(doc)}
    outcomes = list(dict.fromkeys(table["outcome"]))[:4]
    rows = []
    for param, steps in table.groupby("parameter", sort=False):
        for keys, part in steps.groupby(["low_level", "high_level"], sort=False):
            rows.append([_contrast(param, *keys), *(_effect_cell(part, o) for o in outcomes)])
        span = whole_range(doc, str(param)) if steps["low_level"].nunique() > 1 else None
        if span is not None and len(span):
            first = records(span)[0]
            label = f"{_contrast(param, first['low_level'], first['high_level'])} (whole range)"
            rows.append([label, *(_effect_cell(span, o) for o in outcomes)])
    ranked = sorted(whole.values(), key=lambda e: -abs(e["effect"]))
    zero = [e for e in ranked if e["low"] <= 0 <= e["high"]]
    reps = int(table["replicates"].max())
    text = (
        f"Each effect is the mean over {reps} replicates of paired differences between runs that "
        f"share their random numbers and differ only in the factor, averaged over the other "
        f"factors' levels{_ref(doc.next_figure, doc.next_table)}. "
    )
    if ranked:
        text += f"The largest effect on the share of learning journeys: {_move(ranked[0])}. "
        text += (
            "Every factor's interval excludes zero."
            if not zero
            else "Not distinguishable from zero: "
            + ", ".join(_param(e["parameter"]) for e in zero)
            + "."
        )
    figure = doc.figure(
        "paired_effects",
        "Paired effects of each factor (common random numbers): mean paired difference with its "
        "95% interval, one panel per outcome.",
    )
    header = ["contrast", *(_outcome_head(o) for o in outcomes)]
    caption = f"Paired effects with 95% intervals{_units(outcomes)}."
    return Section(
        "effects",
        "Paired effects of each factor",
        _p(text) + figure + doc.table(caption, header, rows, len(outcomes), nowrap=True),
    )


def _conditions_section(doc: Document) -> Section | None:
    table = doc.table_of("condition_effects")
    if table is None or table.empty:
        return None
    outcomes = list(dict.fromkeys(table["outcome"]))[:4]
    rows = [
        [str(c), *(_effect_cell(part, o) for o in outcomes)]
        for c, part in table.groupby("comparison", sort=False)
    ]
    figure = doc.figure(
        "condition_effects", "Paired effects of each named condition against the reference."
    )
    caption = f"Paired effects of the named conditions, with 95% intervals{_units(outcomes)}."
    text = (
        "Each condition is compared with the reference run on the same random numbers; "
        "'together minus sum' is the interaction of the conditions taken together."
    )
    header = ["comparison", *(_outcome_head(o) for o in outcomes)]
    return Section(
        "conditions",
        "Named conditions against the reference",
        _p(text) + figure + doc.table(caption, header, rows, len(outcomes)),
    )


def _phase_section(doc: Document) -> Section | None:
    table, axes = doc.table_of("phase"), doc.summary.get("phase")
    if table is None or not axes or table.empty:
        return None
    keys = [k for k in (axes.get("facet"), axes["x"], axes["y"]) if k]
    best, worst = _extremes(records(table), "share")
    text = (
        f"The share of learning journeys over {_param(axes['x'])} and {_param(axes['y'])}"
        + (f", one panel per level of {_param(axes['facet'])}" if axes.get("facet") else "")
        + f"{_ref(doc.next_figure, None)}: highest at {_condition(best, keys)}, "
        f"{_row_ci(best)}; lowest at {_condition(worst, keys)}, {_row_ci(worst)}."
    )
    figure = doc.figure(
        "phase",
        "Phase diagram: share of runs ending as learning journeys per cell (runs in brackets).",
    )
    return Section("phase", "Phase diagram", _p(text) + figure)


def _trajectories_section(doc: Document) -> Section | None:
    table = doc.table_of("regime_trajectories")
    if table is None or table.empty:
        return None
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
            sentences.append(f"{_capital(_words(metric))}: {' and '.join(pairs)}.")
    text = (
        f"Runs are grouped by the regime they ended in{_ref(doc.next_figure, None)}. "
        + ("Mean values in learning journeys against blame games. " if sentences else "")
        + " ".join(sentences)
    )
    figure = doc.figure(
        "regime_trajectories",
        "How learning journeys and blame games differ over time: mean (line) and middle 50% of "
        "runs (band) of each metric, by final regime.",
    )
    return Section("trajectories", "Trajectories by regime", _p(text) + figure)


def _timing_section(doc: Document) -> Section | None:
    table = doc.table_of("event_timing")
    if table is None or table.empty:
        return None
    events = {"months_to_entry_point": "an entry point", "months_to_first_win": "a first win"}
    facts = []
    for regime in (LJ, "blame_game"):
        median = {r["event"]: r["median"] for r in records(table) if r["regime"] == regime}
        got = [
            f"{events[e]} {_after(median[e])}"
            for e in events
            if e in median and math.isfinite(median[e])
        ]
        if got:
            facts.append(f"{regime.replace('_', ' ')}s found {' and '.join(got)}")
    text = (
        "Among the runs that got there"
        + _ref(doc.next_figure, doc.next_table)
        + ", "
        + "; ".join(facts)
        + "."
        if facts
        else ""
    )
    figure = doc.figure(
        "event_timing",
        "Months to an entry point and to the first win, by final regime: median (dot) and "
        "25–75% range (bar) of the runs that got there; in brackets the share that never did.",
    )
    rows = [
        [
            _regime_words(r["regime"]),
            events.get(r["event"], _words(r["event"])),
            f"{int(r['runs']):,}",
            _pct(r["share_never"]),
            _months(r["median"]),
            _iqr(r),
        ]
        for r in records(table)
    ]
    header = ["regime", "event", "runs", "never", "median months", "25–75%"]
    caption = "Months to each event by final regime (among the runs that got there)."
    return Section(
        "timing",
        "Time to an entry point and a first win",
        _p(text) + figure + doc.table(caption, header, rows, 4),
    )


def _survival_section(doc: Document) -> Section | None:
    found = doc.summary.get("survival")
    if not found:
        return None
    final = found.get("at_horizon") or []
    by = found.get("by") or []
    horizon = doc.summary.get("horizon")
    if len(final) == 1:
        r = final[0]
        text = (
            f"By month {horizon}, {_share_ci({'share': r['survival']} | r)} of the "
            "collaborations were still running (Kaplan–Meier, 95% pointwise interval)."
        )
    else:
        text = f"Share still running at month {horizon}, per condition: " + "; ".join(
            f"{_condition(r, by)}: {_pct(r['survival'])}" for r in final
        )
        text += "."
    gone = (doc.summary.get("overall") or {}).get("dissolved")
    if gone:
        text += f" Over all runs, {_share_ci(gone)} ended dissolved."
    skipped = doc.summary.get("skipped", {}).get("survival figure")
    if skipped:
        text += f" No figure: {skipped}."
    elif doc.has_figure("survival"):
        text += f" See Figure {doc.next_figure}."
    figure = doc.figure(
        "survival",
        "Survival of collaborations: Kaplan–Meier share not yet dissolved, with 95% pointwise "
        "intervals (Greenwood, complementary log–log).",
    )
    return Section("survival", "Survival of collaborations", _p(text) + figure)


def _early_section(doc: Document) -> Section | None:
    early = doc.summary.get("early")
    prediction, signs = doc.table_of("early_prediction"), doc.table_of("warning_list")
    if not early or prediction is None:
        return None
    aucs = ", ".join(f"{r['auc']:.2f} after {int(r['months'])} months" for r in records(prediction))
    month = early.get("warning_months", 12)
    text = (
        "A ridge logistic model sees only what a collaboration shows in its first months and "
        "predicts whether it ends as a learning journey. Its skill is the cross-validated AUC, "
        f"where 0.5 is chance and 1 a perfect call{_ref(doc.next_figure, doc.next_table)}: "
        f"{aucs}."
    )
    if signs is not None and not signs.empty:
        top = records(signs)[0]
        text += (
            f" The strongest single sign at month {month} is “{top['sign']}” "
            f"(AUC alone {top['discrimination']:.2f}). The thresholds of the warning list are "
            "chosen on the same runs they are reported on, so the contrasts are optimistic; the "
            "AUCs are not."
        )
    figure = doc.figure(
        "early_signs",
        "Early signs of a learning journey. Left: cross-validated AUC by months observed (95% "
        "bootstrap interval). Right: each sign alone; green: more of it, more learning journeys.",
    )
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
    parts = [
        _p(text),
        figure,
        doc.table(
            "How early the regime can be told: cross-validated AUC of predicting a learning "
            "journey from the first months.",
            ["months observed", "runs", "learning journeys", "AUC", "95% interval"],
            rows,
            5,
        ),
    ]
    if signs is not None and not signs.empty:
        parts.append(_warning_table(doc, signs, month))
    return Section("early", "Early prediction and warning signs", "".join(parts))


def _warning_table(doc: Document, signs: pd.DataFrame, month: int) -> str:
    rows = []
    for i, r in enumerate(records(signs.head(10)), start=1):
        has = math.isfinite(r.get("threshold", math.nan))
        rows.append(
            [
                f"{i}",
                str(r["sign"]),
                "more → more" if r["direction"] > 0 else "more → fewer",
                f"{r['discrimination']:.2f}",
                _threshold(r) if has else "",
                f"{_pct(r['share_below'])} (n={r['runs_below']:,.0f})" if has else "",
                f"{_pct(r['share_above'])} (n={r['runs_above']:,.0f})" if has else "",
            ]
        )
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


def _sobol_section(doc: Document) -> Section | None:
    results = doc.summary.get("sobol")
    if not results:
        return None
    parts = []
    for name, result in results.items():
        rows = sorted(result["indices"], key=lambda r: -(r["ST"] or 0))
        noise = result.get("noise_share")
        top = rows[0] if rows else None
        text = f"Sobol indices of {_outcome_words(name)}"
        text += ", taken on the mean over replicates at each design point"
        text += f"{_ref(doc.next_figure, None)}."
        if top is not None:
            text += (
                f" The largest total index is that of {_param(top['parameter'])}, ST = "
                f"{_index_ci(top, 'ST')}; its first-order index (alone) is S1 = {top['S1']:.2f}"
                + (
                    f", so interactions involving it account for a further "
                    f"{top['ST'] - top['S1']:.2f} of the variance."
                    if top["ST"] > top["S1"]
                    else ", as large as its total: it acts alone."
                )
            )
        if noise is not None:
            text += f" Replicate noise is {noise:.1%} of the variance of the point means."
        parts.append(_p(text))
        parts.append(
            doc.figure(
                f"sobol_{name}",
                f"Sobol indices of {_outcome_words(name)}: first-order (S1) and total (ST), "
                "95% two-level bootstrap intervals.",
            )
        )
        parts.append(
            doc.figure(
                f"sobol_convergence_{name}",
                f"Convergence of the Sobol indices of {_outcome_words(name)} with the base sample.",
            )
        )
        table_rows = [
            [_words(r["parameter"]), _index_cell(r, "S1"), _index_cell(r, "ST")] for r in rows
        ]
        parts.append(
            doc.table(
                f"Sobol indices of {_outcome_words(name)} (95% interval).",
                ["parameter", "first-order S1", "total ST"],
                table_rows,
                2,
            )
        )
    return Section("sobol", "Global sensitivity (Sobol)", "".join(parts))


def _morris_section(doc: Document) -> Section | None:
    results = doc.summary.get("morris")
    if not results:
        return None
    parts = []
    for name, result in results.items():
        rows = sorted(result["indices"], key=lambda r: -(r["mu_star"] or 0))
        text = (
            f"Morris elementary effects on {_outcome_words(name)}"
            f"{_ref(doc.next_figure, None)}: μ* ranks the parameters by influence, σ measures how "
            "much an effect changes across the space (non-linearity or interactions)."
        )
        if rows:
            text += f" The most influential is {_param(rows[0]['parameter'])} "
            text += f"(μ* = {rows[0]['mu_star']:.3g}, σ = {rows[0]['sigma']:.3g})."
        parts.append(_p(text))
        parts.append(
            doc.figure(f"morris_{name}", f"Morris screening of {_outcome_words(name)}: μ* and σ.")
        )
        table_rows = [
            [_words(r["parameter"]), _index_cell(r, "mu_star"), _index_cell(r, "sigma")]
            for r in rows
        ]
        parts.append(
            doc.table(
                f"Morris indices of {_outcome_words(name)} (95% replicate-bootstrap interval).",
                ["parameter", "μ*", "σ"],
                table_rows,
                2,
            )
        )
    return Section("morris", "Screening (Morris)", "".join(parts))


def _discovery_section(doc: Document) -> Section | None:
    found = doc.summary.get("discovery")
    peel = doc.table_of("prim_trajectory")
    if not found or peel is None:
        return None
    if found.get("restrictions"):
        text = (
            f"PRIM looks for the region of the factors where learning journeys are most common"
            f"{_ref(doc.next_figure, None)}. In the chosen box ({_box_words(found)})"
            f" {_pct(found['density'])} of runs are learning journeys against "
            f"{_pct(found['base_rate'])} overall; it holds {_pct(found['mass'])} of runs and "
            f"{_pct(found['coverage'])} of all learning journeys."
        )
    else:
        densest = _extremes(records(peel), "density")[0]
        text = (
            "PRIM looks for the region of the factors where learning journeys are most common. "
            "Here no region balances coverage and density better than the whole space, so the "
            "chosen box restricts no factor. The densest box on the peeling trajectory "
            f"({_symbols(str(densest['box']))}) has {_pct(densest['density'])} learning "
            "journeys against "
            f"{_pct(found['base_rate'])} overall, but holds only {_pct(densest['coverage'])} of "
            f"them (Table {doc.next_table})."
        )
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
    rows = [
        [
            _symbols(r["box"]) if isinstance(r["box"], str) else "everything",
            f"{int(r['restricted'])}",
            f"{int(r['runs']):,}",
            _pct(r["mass"]),
            _pct(r["density"]),
            _pct(r["coverage"]),
        ]
        for r in records(peel)
    ]
    header = ["box", "parameters restricted", "runs", "mass", "density", "coverage"]
    caption = (
        "PRIM peeling trajectory: each box, the share of all runs in it (mass), its share of "
        "learning journeys (density) and its share of all learning journeys (coverage)."
    )
    return Section(
        "discovery",
        "Scenario discovery",
        _p(text) + figure + doc.table(caption, header, rows, 5),
    )


def _caveats_section(doc: Document) -> Section | None:
    notes = [str(w) for w in doc.summary.get("warnings", [])]
    skipped = doc.summary.get("skipped", {})
    notes += [f"Not shown: {k} ({v})." for k, v in skipped.items() if k != "survival figure"]
    if not notes:
        return None
    items = "".join(f"<li>{esc(n)}</li>" for n in notes)
    return Section("caveats", "Caveats", f"<ul>{items}</ul>")


SECTIONS: tuple[Callable[[Document], Section | None], ...] = (
    _shares_section,
    _effects_section,
    _conditions_section,
    _phase_section,
    _trajectories_section,
    _timing_section,
    _survival_section,
    _early_section,
    _sobol_section,
    _morris_section,
    _discovery_section,
    _caveats_section,
)


# ---- methods and the experiment file -----------------------------------------------------------
_DESIGNS = {
    "factorial": "A full factorial design",
    "lhs": "A Latin hypercube sample",
    "sobol": "A Sobol design (Saltelli's sampling scheme, SALib)",
    "morris": "A Morris design (SALib)",
}


def _methods_section(doc: Document) -> Section:
    src, s = doc.source, doc.summary
    body = _p(_design_text(src, s, doc.next_table)) + _factor_table(doc)
    body += "".join(_p(t) for t in (_randomness_text(src), _regime_text(src)) if t)
    texts = _interval_texts(s)
    intervals = "".join(f"<li>{inline(t)}</li>" for t in texts)
    if intervals:
        body += f"<p>Estimates and intervals (all 95%):</p><ul>{intervals}</ul>"
    facts = "".join(
        f"<dt>{esc(k)}</dt><dd>{_fact(v)}</dd>" for k, v in _provenance(doc).items() if v
    )
    body += f'<dl class="facts">{facts}</dl>' + _references(texts)
    return Section("methods", "Methods", body)


def _fact(value: str) -> str:
    if value.startswith("$ "):
        return f"<code>{esc(value[2:])}</code>"
    return esc(value)


def _design_text(src: ReportSource, s: Mapping[str, Any], table: int) -> str:
    size = {"lhs": "{:,} points", "sobol": "base sample N = {:,}", "morris": "{:,} trajectories"}
    sampled = (
        ", " + size[src.design].format(src.samples) if src.samples and src.design in size else ""
    )
    text = (
        f"**Design.** {_DESIGNS.get(src.design, src.design)} over {len(src.factors)} "
        f"{'factor' if len(src.factors) == 1 else 'factors'} (Table {table}){sampled}: "
        f"{s.get('points', 0):,} design points × {src.replicates:,} replicates = "
        f"{s.get('runs', 0):,} runs"
    )
    if src.model == "cisim":
        text += f", each simulated for {s.get('horizon')} months on the base scenario "
        text += f"'{src.base or 'given'}'"
    else:
        text += f" of the test model '{src.model}'"
    if src.constants:
        held = ", ".join(f"{k} = {v}" for k, v in src.constants.items())
        text += f"; held fixed: {held}"
    if src.model == "cisim":
        text += ". Levers are what a collaboration can choose, uncertainties what it cannot"
    return text + "."


def _factor_table(doc: Document) -> str:
    rows = [[f.name, _ROLE.get(f.role, f.role), _factor_values(f)] for f in doc.source.factors]
    caption = "The factors varied: the experiment's keys, their role and their levels or range."
    return doc.table(caption, ["factor", "role", "levels or range"], rows, 0, nowrap=True)


def _factor_values(f: Factor) -> str:
    if f.is_range:
        return _minus(f"{f.low:g} to {f.high:g} (uniform)")
    return ", ".join(_minus(level_text(v)) for v in f.levels)


def _randomness_text(src: ReportSource) -> str:
    return (
        f"**Randomness.** Root seed {src.seed}. Replicate k of every design point draws its random "
        f"numbers from the stream SeedSequence({src.seed}, spawn_key=(k,)), so runs with the "
        "same replicate number at different points share their luck (common random numbers): "
        "comparisons between points are paired, and their intervals leave out the noise the "
        "pairs share. "
        "The same experiment gives the same results on any number of workers."
    )


def _regime_text(src: ReportSource) -> str:
    if src.model != "cisim":
        return ""
    s = src.settings
    varied = {f.name for f in src.factors}
    note = (
        " (thresholds varied in this experiment are given at their base values)"
        if varied & {"dissolution_share", "regime_blame_share", "regime_min_progress"}
        else ""
    )
    return (
        "**Regimes.** Each run is classified from its trajectory, in this order: dissolved if its "
        "active members fell below max(2, ⌈"
        f"{s.get('dissolution_share')} × initial members⌉) in some month; otherwise stalled if it "
        "never found an entry point; otherwise a blame game if blame made up at least "
        f"{_pct(s.get('regime_blame_share'))} of all responses to setbacks; otherwise a learning "
        f"journey if its final progress reached {s.get('regime_min_progress')}; otherwise "
        f"stalled{note}."
    )


def _interval_texts(s: Mapping[str, Any]) -> list[str]:
    """One sentence per analysis in the summary: its estimator, interval and sources."""
    from cisim.analysis.analyze import AnalysisOptions

    o = AnalysisOptions()
    texts = {
        "shares": "**Regime shares**: Wilson score intervals over a condition's runs, on Kish's "
        "effective sample size when a condition pools design points (Wilson 1927; Kish 1965).",
        "effects": "**Paired effects**: per replicate, the mean over the other factors' cells of "
        "the paired difference between two levels; the effect is the mean over replicates, with "
        "a normal interval from its standard error over replicates (Law 2015; Kleijnen 2008).",
        "condition_effects": "**Named conditions**: per-replicate paired differences against the "
        "reference, mean and normal interval over replicates (Law 2015).",
        "phase": "**Phase diagram**: Wilson intervals per cell (in the CSV table; Wilson 1927).",
        "event_timing": "**Trajectories and timing**: means and 25–75% ranges over the runs of "
        "each final regime (descriptive, not intervals).",
        "survival": "**Survival**: Kaplan–Meier estimator with pointwise intervals from "
        "Greenwood's variance on the complementary log–log scale (Kaplan & Meier 1958; "
        "Kalbfleisch & Prentice 2002).",
        "early": f"**Early prediction**: ridge logistic regression on standardised early signs, "
        f"{o.folds}-fold cross-validation with all runs of one replicate number in the same fold, "
        "AUC of the pooled out-of-fold predictions with a stratified bootstrap interval (Hanley & "
        "McNeil 1982); warning thresholds maximise Youden's J with at least 5% of runs on each "
        "side (Youden 1950).",
        "sobol": "**Sobol indices** of the point means with SALib (Saltelli et al. 2010; Herman & "
        f"Usher 2017): two-level bootstrap ({o.bootstrap} replicate resamples × "
        f"{o.num_resamples} SALib resamples), adjusted for replicate noise.",
        "morris": "**Morris indices** of the point means (Campolongo et al. 2007): bootstrap over "
        f"replicates ({o.bootstrap} resamples).",
        "discovery": "**Scenario discovery**: PRIM peeling 5% per step, the box with the best "
        "harmonic mean of coverage and density, quasi-p-values of each restriction (Friedman & "
        "Fisher 1999; Bryant & Lempert 2010).",
    }
    return [text for key, text in texts.items() if s.get(key)]


#: The works the methods cite, by the key the text cites them with.
REFERENCES: dict[str, str] = {
    "Bryant & Lempert 2010": "Bryant, B. P., & Lempert, R. J. (2010). Thinking inside the box: "
    "a participatory, computer-assisted approach to scenario discovery. Technological "
    "Forecasting & Social Change 77(1), 34–49.",
    "Campolongo et al. 2007": "Campolongo, F., Cariboni, J., & Saltelli, A. (2007). An effective "
    "screening design for sensitivity analysis of large models. Environmental Modelling & "
    "Software 22(10), 1509–1518.",
    "Friedman & Fisher 1999": "Friedman, J. H., & Fisher, N. I. (1999). Bump hunting in "
    "high-dimensional data. Statistics and Computing 9(2), 123–143.",
    "Hanley & McNeil 1982": "Hanley, J. A., & McNeil, B. J. (1982). The meaning and use of the "
    "area under a receiver operating characteristic (ROC) curve. Radiology 143(1), 29–36.",
    "Herman & Usher 2017": "Herman, J., & Usher, W. (2017). SALib: an open-source Python library "
    "for sensitivity analysis. Journal of Open Source Software 2(9), 97.",
    "Kalbfleisch & Prentice 2002": "Kalbfleisch, J. D., & Prentice, R. L. (2002). The Statistical "
    "Analysis of Failure Time Data (2nd ed.). Wiley.",
    "Kaplan & Meier 1958": "Kaplan, E. L., & Meier, P. (1958). Nonparametric estimation from "
    "incomplete observations. JASA 53(282), 457–481.",
    "Kish 1965": "Kish, L. (1965). Survey Sampling. Wiley.",
    "Kleijnen 2008": "Kleijnen, J. P. C. (2008). Design and Analysis of Simulation Experiments. "
    "Springer.",
    "Law 2015": "Law, A. M. (2015). Simulation Modeling and Analysis (5th ed.). McGraw-Hill.",
    "Saltelli et al. 2010": "Saltelli, A., et al. (2010). Variance based sensitivity analysis of "
    "model output. Computer Physics Communications 181(2), 259–270.",
    "Wilson 1927": "Wilson, E. B. (1927). Probable inference, the law of succession, and "
    "statistical inference. JASA 22(158), 209–212.",
    "Youden 1950": "Youden, W. J. (1950). Index for rating diagnostic tests. Cancer 3(1), 32–35.",
}


def _references(texts: Sequence[str]) -> str:
    """The reference list of the works ``texts`` cite (alphabetical)."""
    joined = " ".join(texts)
    cited = [ref for key, ref in sorted(REFERENCES.items()) if key in joined]
    if not cited:
        return ""
    items = "".join(f"<li>{esc(ref)}</li>" for ref in cited)
    return f'<h3>References</h3><ul class="refs">{items}</ul>'


def _provenance(doc: Document) -> dict[str, str]:
    m, src = doc.source.manifest, doc.source
    record = _analysis_record(doc.dir)
    file = (m.get("experiment") or {}).get("file") or f"{src.name}.toml"
    sessions = m.get("sessions") or []
    return {
        "cisim": f"{m.get('cisim_version', '?')}, git commit {m.get('git_commit') or 'unknown'}",
        "Python": str(m.get("python") or ""),
        "Sweep": f"{m.get('started_utc', '?')} to {m.get('ended_utc') or '?'}; wall time "
        f"{_duration(_session_seconds(sessions))} over {len(sessions)} "
        f"{'session' if len(sessions) == 1 else 'sessions'} of cisim sweep",
        "Analysis": (
            f"{record.get('finished_utc', '?')}; wall time "
            f"{_duration(float(record.get('wall_time_seconds', 0)))}; cisim "
            f"{record.get('cisim_version', '?')}, git commit "
            f"{record.get('git_commit') or 'unknown'}"
            if record
            else ""
        ),
        "Fingerprint": str(m.get("fingerprint") or "")[:16],
        "Command": f"$ {m['command']}" if m.get("command") else "",
        "Reproduce": f"$ cisim sweep {file} --out DIR && cisim report DIR",
    }


def _analysis_record(directory: Path) -> dict[str, Any]:
    import json

    try:
        data = json.loads((directory / ANALYSIS_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _session_seconds(sessions: Sequence[Mapping[str, Any]]) -> float:
    total = 0.0
    for session in sessions:
        start, end = session.get("started_utc"), session.get("ended_utc")
        if start and end:
            total += (_when(end) - _when(start)).total_seconds()
    return total


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 90:
        return f"{minutes} min {rest} s"
    return f"{minutes // 60} h {minutes % 60} min"


def _experiment_section(doc: Document) -> Section:
    m = doc.source.manifest.get("experiment") or {}
    where = f"{m['file']}, " if m.get("file") else ""
    digest = str(m.get("sha256") or "")[:12]
    note = f"The experiment file ({where}sha256 {digest}…), verbatim:" if digest else "Verbatim:"
    return Section(
        "experiment",
        "The experiment file",
        _p(note) + f"<pre><code>{esc(doc.source.text)}</code></pre>",
    )


# ---- words and numbers -----------------------------------------------------------------------
def esc(text: Any) -> str:
    """HTML-escaped text."""
    return html.escape(str(text), quote=True)


def inline(text: str) -> str:
    """Escaped text with ``**bold**`` marks as ``<strong>``."""
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", esc(text))


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` as dicts keyed by column name."""
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


def _extremes(rows: list[dict[str, Any]], key: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The rows with the largest and the smallest ``key`` (the first of ties)."""
    return max(rows, key=lambda r: r[key]), min(rows, key=lambda r: r[key])


def _p(text: str) -> str:
    return f"<p>{inline(text)}</p>" if text else ""


def _cell(value: str) -> str:
    """A table cell: an estimate and its interval on two lines (``estimate|interval``)."""
    if "|" in value:
        estimate, interval = value.split("|", 1)
        return f'{esc(estimate)}<br><span class="ci">{esc(interval)}</span>'
    return esc(value)


def _minus(text: str) -> str:
    return text.replace("-", "−")


def _pct(share: float | None) -> str:
    from cisim.report import percent

    if share is None or not math.isfinite(share):
        return "n/a"
    return percent(float(share))


def _share_ci(entry: Mapping[str, Any] | None) -> str:
    if not entry:
        return "n/a"
    return f"{_pct(entry['share'])} ({_bare(entry['low'])}–{_bare(entry['high'])})"


def _row_ci(row: Mapping[str, Any]) -> str:
    return _share_ci({"share": row["share"], "low": row["low"], "high": row["high"]})


def _share_cell(row: Mapping[str, Any], regime: str) -> str:
    share, low, high = row[f"{regime}_share"], row[f"{regime}_low"], row[f"{regime}_high"]
    return f"{_pct(share)}|{_bare(low)}–{_bare(high)}"


def _bare(share: float) -> str:
    return _pct(share).rstrip("%")


def _pp(value: float) -> str:
    return _minus(f"{100 * value:+.1f}")


def _pp_ci(effect: float, low: float, high: float) -> str:
    return f"{_pp(effect)} points (95% interval {_pp(low)} to {_pp(high)})"


def _pp_cell(row: Mapping[str, Any]) -> str:
    return f"{_pp(row['effect'])}|{_pp(row['low'])} to {_pp(row['high'])}"


def _effect_cell(part: pd.DataFrame, name: str) -> str:
    rows = part[part["outcome"] == name]
    if rows.empty:
        return ""
    r = records(rows)[0]
    if outcome(name).unit == "share":
        return _pp_cell(r)
    digits = "{:+.1f}" if outcome(name).unit == "months" else "{:+.3f}"
    value, low, high = (_minus(digits.format(r[k])) for k in ("effect", "low", "high"))
    return f"{value}|{low} to {high}"


_HEADS = {"progress": "final progress", "final_trust": "final trust"}


def _outcome_head(name: str) -> str:
    """A short column head for an outcome (units go in the caption)."""
    if outcome(name).unit == "share":
        return f"{_words(name)} (points)"
    return _HEADS.get(name, _words(name))


def _units(outcomes: Sequence[str]) -> str:
    """': regime shares in percentage points; final progress (share of goal) 0-1; ...'."""
    parts = []
    if any(outcome(o).unit == "share" for o in outcomes):
        parts.append("regime shares in percentage points")
    words = {"0-1": "on a 0–1 scale", "months": "in months (never: the horizon + 1)"}
    parts += [
        f"{_HEADS.get(o, _words(o))} {words.get(outcome(o).unit, outcome(o).unit)}".strip()
        for o in outcomes
        if o not in REGIMES
    ]
    return ": " + "; ".join(parts) if parts else ""


def _outcome_words(name: str) -> str:
    if name in REGIMES:
        return f"the share of {name.replace('_', ' ')}s"
    return outcome(name).label if name in OUTCOMES else f"the outcome {name}"


def _move(e: Mapping[str, Any], what: str = "it") -> str:
    """'moving navigator from 0 to 1 raises it by 13.5 points (95% interval 10.6 to 16.3)'."""
    verb = "raises" if e["effect"] > 0 else "lowers"
    change = abs(100 * e["effect"])
    low, high = sorted((abs(100 * e["low"]), abs(100 * e["high"])))
    if e["low"] <= 0 <= e["high"]:
        verb, interval = "changes", f"{_pp(e['low'])} to {_pp(e['high'])}"
        amount = _pp(e["effect"])
    else:
        interval, amount = f"{low:.1f} to {high:.1f}", f"{change:.1f}"
    return (
        f"moving {_param(e['parameter'])} from {_level(e['low_level'])} to "
        f"{_level(e['high_level'])} {verb} "
        f"{what} by {amount} points (95% interval {interval})"
    )


def _contrast(param: Any, low: Any, high: Any) -> str:
    return f"{_words(param)}: {_level(low)} → {_level(high)}"


def _param(name: Any) -> str:
    return str(name).replace("_", " ")


_words = _param


def _regime_words(name: Any) -> str:
    return "all runs" if name == "all" else str(name).replace("_", " ")


def _symbols(text: str) -> str:
    return text.replace("<=", "≤").replace(">=", "≥")


def _box_words(found: Mapping[str, Any]) -> str:
    return _symbols("; ".join(found["restrictions"]))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _level(value: Any) -> str:
    return level_text(value)


def _condition(row: Mapping[str, Any], by: Sequence[str]) -> str:
    return ", ".join(f"{_words(c)} = {_level(row[c])}" for c in by)


def _runs_each(wide: pd.DataFrame) -> str:
    counts = sorted({int(n) for n in wide["runs"]})
    return f"{counts[0]:,}" if len(counts) == 1 else f"{counts[0]:,}–{counts[-1]:,}"


def _runs_phrase(summary: Mapping[str, Any]) -> str:
    runs, points, reps = summary.get("runs", 0), summary.get("points", 0), summary.get("replicates")
    months = f", {summary['horizon']} months each" if summary.get("overall") else ""
    return f"{runs:,} runs ({points:,} design points × {reps:,} replicates{months})"


def _after(months: float) -> str:
    return (
        "at the start (median month 0)" if months == 0 else f"after a median of {months:.0f} months"
    )


def _months(value: float) -> str:
    return "—" if not math.isfinite(value) else f"{value:.0f}"


def _iqr(row: Mapping[str, Any]) -> str:
    if not math.isfinite(row["q25"]):
        return "—"
    return f"{row['q25']:.0f}–{row['q75']:.0f}"


def _number(value: float) -> str:
    return _minus(f"{value:.0f}" if float(value).is_integer() else f"{value:.3g}")


def _threshold(row: Mapping[str, Any]) -> str:
    """A warning-list threshold; a yes/no sign splits into no (at or below) and yes (above)."""
    return "no / yes" if row["feature"] in _BINARY_SIGNS else _number(row["threshold"])


def _auc_ci(row: Mapping[str, Any]) -> str:
    return f"{row['auc']:.2f} (95% interval {row['low']:.2f}–{row['high']:.2f})"


def _interval(row: Mapping[str, Any], key: str) -> str:
    """'95% interval a–b; ' for an index with bounds, else ''."""
    low, high = row.get(f"{key}_low"), row.get(f"{key}_high")
    return "" if low is None or high is None else f"95% interval {low:.2f}–{high:.2f}; "


def _index_ci(row: Mapping[str, Any], key: str) -> str:
    low, high = row.get(f"{key}_low"), row.get(f"{key}_high")
    if low is None or high is None:
        return f"{row[key]:.2f}"
    return f"{row[key]:.2f} ({low:.2f}–{high:.2f})"


def _index_cell(row: Mapping[str, Any], key: str) -> str:
    low, high = row.get(f"{key}_low"), row.get(f"{key}_high")
    value = _minus(f"{row[key]:.3g}") if row.get(key) is not None else "n/a"
    if low is None or high is None:
        return value
    return f"{value}|{_minus(f'{low:.3g}')} to {_minus(f'{high:.3g}')}"


def _ref(figure: int | None, table: int | None) -> str:
    refs = [f"Figure {figure}" if figure else "", f"Table {table}" if table else ""]
    refs = [r for r in refs if r]
    return f" ({', '.join(refs)})" if refs else ""


def _byline(src: ReportSource, summary: Mapping[str, Any]) -> str:
    m = src.manifest
    when = str(m.get("ended_utc") or m.get("started_utc") or "")
    date = when[:10] if when else datetime.now().date().isoformat()
    commit = str(m.get("git_commit") or "")[:10] or "unknown commit"
    return (
        f"Experiment {src.name} · {_runs_phrase(summary)} · "
        f"cisim {m.get('cisim_version', __version__)} ({commit}) · {date}"
    )


def _css_width(png: bytes) -> int:
    """Display width (CSS px) of a PNG drawn at :data:`cisim.figures.DPI` (96 CSS px per inch)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        return TEXT_WIDTH_PX
    width = struct.unpack(">I", png[16:20])[0]
    return round(width * 96 / DPI)


# ---- page ------------------------------------------------------------------------------------
CSS = """
:root { --ink: #1d1d1f; --muted: #5f6368; --rule: #d0d0d0; --lj: #1a9850; --bg: #e6550d; }
* { box-sizing: border-box; }
html { font-size: 100%; -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff;
  font-family: "Iowan Old Style", "Palatino Linotype", Palatino, "Book Antiqua", Georgia,
    "Times New Roman", serif;
  font-size: 1.0625rem; line-height: 1.6; }
main { max-width: 60rem; margin: 0 auto; padding: 2.5rem 1.5rem 4rem; }
h1, h2, h3, .byline, figcaption, .caption, nav, table, .kicker {
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 1.9rem; line-height: 1.25; margin: 0.2rem 0 0.6rem; font-weight: 650; }
h2 { font-size: 1.35rem; margin: 2.8rem 0 0.8rem; padding-top: 0.6rem;
  border-top: 1px solid var(--rule); font-weight: 600; }
.kicker { text-transform: uppercase; letter-spacing: 0.08em; font-size: 0.75rem;
  color: var(--muted); margin: 0; }
.lead { font-size: 1.15rem; color: #333; margin: 0.2rem 0 0.6rem; }
.byline { color: var(--muted); font-size: 0.85rem; margin: 0 0 1.6rem; }
.answer { background: #f4f8f5; border-left: 4px solid var(--lj); padding: 1rem 1.4rem 0.6rem;
  margin: 1.2rem 0 1.8rem; }
.answer h2 { border: 0; margin: 0 0 0.4rem; padding: 0; font-size: 1.15rem; }
.answer ul { margin: 0; padding-left: 1.1rem; }
.answer li { margin: 0 0 0.55rem; }
nav { font-size: 0.9rem; color: var(--muted); }
nav ol { columns: 2; column-gap: 2rem; margin: 0.3rem 0 0; padding-left: 1.3rem; }
nav a { color: inherit; }
a { color: #1a5fb4; }
figure { margin: 1.6rem 0; max-width: 100%; }
figure img { display: block; max-width: 100%; height: auto; margin: 0 auto; }
figure.wide { width: min(var(--w), calc(100vw - 2rem)); max-width: none; position: relative;
  left: 50%; transform: translateX(-50%); }
figcaption { font-size: 0.85rem; color: #444; margin: 0.5rem auto 0; max-width: 60rem;
  line-height: 1.45; }
.table { margin: 1.6rem 0; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.84rem; line-height: 1.35;
  font-variant-numeric: tabular-nums; }
.caption { font-size: 0.85rem; color: #444; margin: 0 0 0.5rem; line-height: 1.45; }
thead th { border-top: 1.5px solid var(--ink); border-bottom: 1px solid var(--ink);
  font-weight: 600; vertical-align: bottom; }
tbody tr:last-child td { border-bottom: 1.5px solid var(--ink); }
th, td { padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
tbody tr:nth-child(even) { background: #fafafa; }
.num { text-align: right; white-space: nowrap; }
table.labels td:first-child { white-space: nowrap; }
.ci { color: var(--muted); font-size: 0.76rem; }
pre { background: #f6f6f6; border: 1px solid #e2e2e2; padding: 0.9rem 1rem; overflow-x: auto;
  font-size: 0.8rem; line-height: 1.45; white-space: pre-wrap; overflow-wrap: anywhere; }
code, pre { font-family: ui-monospace, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1.2rem;
  font-size: 0.92rem; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
h3 { font-size: 1rem; margin: 1.8rem 0 0.4rem; font-weight: 600; }
ul.refs { list-style: none; padding-left: 0; font-size: 0.88rem; }
ul.refs li { padding-left: 1.5rem; text-indent: -1.5rem; margin-bottom: 0.3rem; }
footer { margin-top: 3rem; color: var(--muted); font-size: 0.8rem; }
@media print {
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  figure, .table, .answer { break-inside: avoid; }
  figure.wide { width: 100%; left: 0; transform: none; }
  h2 { break-after: avoid; }
}
"""

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="cisim {version}">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<main>
<header>
<p class="kicker">cisim sweep report · {name}</p>
<h1>{title}</h1>
{lead}
<p class="byline">{byline}</p>
</header>
<section class="answer" id="headline">
<h2>The answer in brief</h2>
<ul>{answer}</ul>
</section>
<nav aria-label="Contents"><b>Contents</b><ol>{toc}</ol></nav>
{body}
<footer>Written by cisim {version}. Figures are embedded; the same PNGs and every table as CSV
are in the sweep's <code>analysis/</code> folder.</footer>
</main>
</body>
</html>
"""

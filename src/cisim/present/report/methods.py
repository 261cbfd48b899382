"""The methods, provenance and experiment-file sections that close the report.

The methods say how the sweep was designed and seeded, how regimes are classified, and how each
analysis estimates and bounds its numbers, with the works they cite; the provenance gives the
versions, commits, times and commands that produced the sweep and its analysis.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cisim.analysis.effects import level_text
from cisim.present.report.page import Document, Section, esc, inline, paragraph
from cisim.present.report.source import ROLE, ReportSource
from cisim.present.report.words import minus, pct

if TYPE_CHECKING:
    from cisim.study.sweeps.factors import Factor

#: The analysis's record of its run, in the analysis directory.
ANALYSIS_MANIFEST = "manifest.json"


_DESIGNS = {
    "factorial": "A full factorial design",
    "lhs": "A Latin hypercube sample",
    "sobol": "A Sobol design (Saltelli's sampling scheme, SALib)",
    "morris": "A Morris design (SALib)",
}


def methods_section(doc: Document) -> Section:
    """Design, randomness, regimes, estimators and intervals, provenance and references."""
    src, s = doc.source, doc.summary
    body = paragraph(_design_text(src, s, doc.next_table)) + _factor_table(doc)
    body += "".join(paragraph(t) for t in (_randomness_text(src), _regime_text(src)) if t)
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
        f"{s.get('points', 0):,} design points × {_each(src)} = {s.get('runs', 0):,} runs"
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


def _each(src: ReportSource) -> str:
    """'250 replicates', or a nested design's '30 populations × 30 histories'."""
    if src.populations and src.histories:
        return f"{src.populations:,} populations × {src.histories:,} histories"
    return f"{src.replicates:,} replicates"


def _factor_table(doc: Document) -> str:
    factors = doc.source.factors
    rows = [[f.name, ROLE.get(f.role, f.role), _factor_values(f)] for f in factors]
    header = ["factor", "role", "levels or range"]
    caption = "The factors varied: the experiment's keys, their role and their levels or range"
    if any(f.why for f in factors):
        rows = [[*row, f.why] for row, f in zip(rows, factors, strict=True)]
        header.append("why this range")
        caption += ", and what the ends stand for (the experiment file's justification)"
    return doc.table(caption + ".", header, rows, 0, nowrap=True)


def _factor_values(f: Factor) -> str:
    if f.is_range:
        return minus(f"{f.low:g} to {f.high:g} (uniform)")
    return ", ".join(minus(level_text(v)) for v in f.levels)


def _randomness_text(src: ReportSource) -> str:
    if src.populations and src.histories:
        return (
            f"**Randomness.** Root seed {src.seed}. A nested design: run k of every design point "
            f"is population p = k // {src.histories} under history h = k % {src.histories}. "
            "Population p is the organisations, their traits, their ties and starting trust of "
            f"replicate p (stream SeedSequence({src.seed}, spawn_key=(p,))); history h is the "
            "monthly random events of replicate h. Every population meets the same histories, "
            "and population p and history h are the same draws at every point (common random "
            "numbers), so comparisons between points are paired. The same experiment gives the "
            "same results on any number of workers."
        )
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
        if varied & {"regime_blame_share", "regime_min_progress", "regime_window_months"}
        else ""
    )
    return (
        "**Regimes.** Each run is classified from its trajectory, in this order: dissolved if it "
        "came apart (fewer than two active members were left); otherwise stalled if it never "
        "found an entry point; otherwise a blame game if at least "
        f"{pct(s.get('regime_blame_share'))} of its setbacks in its last "
        f"{s.get('regime_window_months')} months were met by blame (more members blaming than "
        "learning; an even split counts half); otherwise a learning journey if its final "
        f"progress reached {s.get('regime_min_progress')}; otherwise stalled{note}."
    )


def _interval_texts(s: Mapping[str, Any]) -> list[str]:
    """One sentence per analysis in the summary: its estimator, interval and sources."""
    from cisim.analysis.pipeline import AnalysisOptions

    o = AnalysisOptions()
    given = {"folds": o.folds, "bootstrap": o.bootstrap, "num_resamples": o.num_resamples}
    return [text.format(**given) for key, text in INTERVALS.items() if s.get(key)]


#: Each analysis's estimator, interval and sources, by its key in the summary (``{folds}``,
#: ``{bootstrap}`` and ``{num_resamples}`` are the analysis options).
INTERVALS: dict[str, str] = {
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
    "early": "**Early prediction**: ridge logistic regression on standardised early signs, "
    "{folds}-fold cross-validation with all runs of one replicate number in the same fold, "
    "AUC of the pooled out-of-fold predictions with a stratified bootstrap interval (Hanley & "
    "McNeil 1982); warning thresholds maximise Youden's J with at least 5% of runs on each "
    "side (Youden 1950).",
    "sobol": "**Sobol indices** of the point means (Saltelli et al. 2010 first order, Jansen 1999 "
    "total order; SALib's uncorrected values alongside, Herman & Usher 2017), corrected per "
    "parameter for replicate noise from the paired per-replicate differences; two-level "
    "bootstrap ({bootstrap} replicate resamples × {num_resamples} base-sample resamples). "
    "Beside them, each parameter's **effect**: the least-squares slope of the paired changes of "
    "the point means between the rows A and AB that differ in that parameter only, on the move "
    "as a share of its range (each pair's elementary effect weighted by the square of its move; "
    "Morris 1991), overall and over the pairs whose mean share is contested (20–80%); "
    "bootstrap over base samples and replicates.",
    "morris": "**Morris indices** of the point means (Campolongo et al. 2007): bootstrap over "
    "replicates ({bootstrap} resamples). Beside them, each parameter's signed mean elementary "
    "effect on the values the runs used (Morris 1991), overall and where the outcome is "
    "contested; bootstrap over trajectories and replicates.",
    "regional": "**Regional sensitivity** of the regime (Monte Carlo filtering; Spear & "
    "Hornberger 1980; Saltelli et al. 2008): per parameter, the Kolmogorov–Smirnov distance "
    "between its values over the runs in the regime and over the rest, with a p-value from "
    "permutations of whole blocks of the design (base samples or trajectories); a logistic "
    "regression of the indicator on the standardised parameters gives each one's mean change "
    "in probability from the low to the high end of its range (bootstrap over blocks and "
    "replicates).",
    "nested": "**Who is at the table**: per condition, the variance of the learning-journey "
    "indicator split into structure (population), history and their interaction by the two-way "
    "crossed random-effects model of a balanced design with one run per cell, negative "
    "components set to zero (Searle et al. 1992); across conditions, the parameters' share is "
    "the variance of the conditions' means less what the runs' own variation puts into them; "
    "95% intervals from a two-way bootstrap that resamples populations and histories (the same "
    "draw at every condition; McCullagh 2000).",
    "discovery": "**Scenario discovery**: PRIM peeling 5% per step; the chosen box is the one "
    "with the largest weighted relative accuracy, mass × (density − base rate), among the boxes "
    "holding at least 10% of the learning journeys whose density is significantly above the "
    "base rate (one-sided binomial test at 5%, Bonferroni-corrected over the trajectory), or "
    "the whole space if none is; quasi-p-values of each restriction (Friedman & Fisher 1999; "
    "Lavrač et al. 2004; Bryant & Lempert 2010).",
}


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
    "Jansen 1999": "Jansen, M. J. W. (1999). Analysis of variance designs for model output. "
    "Computer Physics Communications 117(1–2), 35–43.",
    "Herman & Usher 2017": "Herman, J., & Usher, W. (2017). SALib: an open-source Python library "
    "for sensitivity analysis. Journal of Open Source Software 2(9), 97.",
    "Kalbfleisch & Prentice 2002": "Kalbfleisch, J. D., & Prentice, R. L. (2002). The Statistical "
    "Analysis of Failure Time Data (2nd ed.). Wiley.",
    "Kaplan & Meier 1958": "Kaplan, E. L., & Meier, P. (1958). Nonparametric estimation from "
    "incomplete observations. JASA 53(282), 457–481.",
    "Kish 1965": "Kish, L. (1965). Survey Sampling. Wiley.",
    "Morris 1991": "Morris, M. D. (1991). Factorial sampling plans for preliminary computational "
    "experiments. Technometrics 33(2), 161–174.",
    "Kleijnen 2008": "Kleijnen, J. P. C. (2008). Design and Analysis of Simulation Experiments. "
    "Springer.",
    "Lavrač et al. 2004": "Lavrač, N., Kavšek, B., Flach, P., & Todorovski, L. (2004). Subgroup "
    "discovery with CN2-SD. Journal of Machine Learning Research 5, 153–188.",
    "Law 2015": "Law, A. M. (2015). Simulation Modeling and Analysis (5th ed.). McGraw-Hill.",
    "McCullagh 2000": "McCullagh, P. (2000). Resampling and exchangeable arrays. Bernoulli 6(2), "
    "285–301.",
    "Searle et al. 1992": "Searle, S. R., Casella, G., & McCulloch, C. E. (1992). Variance "
    "Components. Wiley.",
    "Saltelli et al. 2008": "Saltelli, A., Ratto, M., Andres, T., Campolongo, F., Cariboni, J., "
    "Gatelli, D., Saisana, M., & Tarantola, S. (2008). Global Sensitivity Analysis: The Primer. "
    "Wiley.",
    "Spear & Hornberger 1980": "Spear, R. C., & Hornberger, G. M. (1980). Eutrophication in "
    "Peel Inlet II: identification of critical uncertainties via generalized sensitivity "
    "analysis. Water Research 14(1), 43–49.",
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
    """The analysis's run record (empty if missing or unreadable)."""
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


def experiment_section(doc: Document) -> Section:
    """The experiment file, verbatim, with its path and digest."""
    m = doc.source.manifest.get("experiment") or {}
    where = f"{m['file']}, " if m.get("file") else ""
    digest = str(m.get("sha256") or "")[:12]
    note = f"The experiment file ({where}sha256 {digest}…), verbatim:" if digest else "Verbatim:"
    return Section(
        "experiment",
        "The experiment file",
        paragraph(note) + f"<pre><code>{esc(doc.source.text)}</code></pre>",
    )

"""Reports of runs and of preset comparisons: what the command line prints and writes.

- One scenario: :func:`regime_table` (runs and share per regime with a 95% interval) and
  :func:`format_run`, the text ``cisim run`` prints.
- Several scenarios run with the same seed: :func:`comparison_table` (``comparison.csv``),
  :func:`comparison_markdown` (``comparison.md``), :func:`format_comparison` and
  :func:`headline` (the terminal), and :func:`render_report` (the study's ``report.md``).

What was run (``manifest.json``: versions, seed, command, timings) is recorded by
:mod:`cisim.study.provenance`.

Shares of runs carry 95% Wilson intervals (:func:`cisim.stats.wilson`).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from cisim.io import safe_name
from cisim.model.regimes import REGIMES
from cisim.stats import wilson
from cisim.study.simulate import Results


# ---- one scenario ----------------------------------------------------------------------------
def regime_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Per regime: runs, share and 95% Wilson interval (every regime listed)."""
    counts = summary["regime"].astype(str).value_counts().reindex(list(REGIMES), fill_value=0)
    runs = len(summary)
    intervals = [wilson(int(k), runs) for k in counts]
    columns = {
        "runs": counts,
        "share": counts / runs,
        "lo": [e.low for e in intervals],
        "hi": [e.high for e in intervals],
    }
    return pd.DataFrame(columns, index=counts.index)


def format_regime_table(summary: pd.DataFrame, *, title: str) -> str:
    """The regime-share table of one scenario as aligned text."""
    table = regime_table(summary)
    lines = [title, f"  {'regime':<18}{'runs':>6}{'share':>8}   95% interval"]
    for regime, row in table.iterrows():
        label = str(regime).replace("_", " ")
        lines.append(
            f"  {label:<18}{int(row.runs):>6}{row.share:>8.1%}   {row.lo:.1%} – {row.hi:.1%}"
        )
    return "\n".join(lines)


def format_run(results: Results) -> str:
    """The regime table of one scenario's results, titled with what was run."""
    title = (
        f"{results.scenario.name}: {len(results.summary)} replicates, seed {results.seed} "
        f"(scenario digest {results.scenario.digest})"
    )
    return format_regime_table(results.summary, title=title)


# ---- comparing scenarios -----------------------------------------------------------------------
def comparison_table(results: list[Results]) -> pd.DataFrame:
    """One row per scenario: regime shares with intervals and the mean or median outcomes."""
    rows = {r.scenario.name: _comparison_row(r.summary) for r in results}
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "scenario"
    return frame


def _comparison_row(summary: pd.DataFrame) -> dict[str, float]:
    row: dict[str, float] = {"replicates": len(summary)}
    for regime, entry in regime_table(summary).iterrows():
        row.update({f"{regime}_share": entry.share, f"{regime}_lo": entry.lo})
        row[f"{regime}_hi"] = entry.hi
    row["mean_progress"] = summary["progress"].mean()
    row["mean_final_trust"] = summary["final_trust"].mean()
    for column in ("months_to_entry_point", "months_to_first_win"):
        row[f"median_{column}"] = _median(summary[column])
        row[f"share_{column.removeprefix('months_to_')}"] = summary[column].notna().mean()
    row["mean_learning_responses"] = summary["learning_responses"].mean()
    row["mean_blame_responses"] = summary["blame_responses"].mean()
    return row


def _median(values: pd.Series) -> float:
    present = values.dropna()
    return float(present.median()) if len(present) else math.nan


def comparison_markdown(table: pd.DataFrame) -> str:
    """The comparison table as a Markdown table people can read."""
    head = [
        "scenario",
        *[r.replace("_", " ") for r in REGIMES],
        "mean progress",
        "mean final trust",
        "median months to entry point",
        "median months to first win",
        "mean learning responses",
        "mean blame responses",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, row in table.iterrows():
        cells = [f"**{name}**", *[_share_cell(row, regime) for regime in REGIMES]]
        cells += [f"{row.mean_progress:.2f}", f"{row.mean_final_trust:.2f}"]
        cells += [_months_cell(row, "entry_point"), _months_cell(row, "first_win")]
        cells += [f"{row.mean_learning_responses:.0f}", f"{row.mean_blame_responses:.0f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _share_cell(row: pd.Series, regime: str) -> str:
    share, lo, hi = row[f"{regime}_share"], row[f"{regime}_lo"], row[f"{regime}_hi"]
    return f"{percent(share)} ({percent(lo)}–{percent(hi)})"


def percent(share: float) -> str:
    """A share as a whole percentage, with one decimal near 0% and 100% (``0.4%``, ``99.6%``)."""
    if 0 < share < 0.0005 or 0.9995 < share < 1:
        return "<0.1%" if share < 0.5 else ">99.9%"
    near_edge = 0 < share < 0.0095 or 0.9905 < share < 1
    return f"{share:.1%}" if near_edge else f"{share:.0%}"


def _months_cell(row: pd.Series, event: str) -> str:
    median, reached = row[f"median_months_to_{event}"], row[f"share_{event}"]
    if math.isnan(median):
        return "never"
    return f"{median:.0f}" + ("" if reached == 1 else f" ({percent(reached)} of runs)")


def format_comparison(table: pd.DataFrame) -> str:
    """Regime shares per scenario as aligned text for the terminal."""
    width = max(len("scenario"), *(len(str(n)) for n in table.index))
    labels = [r.replace("_", " ") for r in REGIMES]
    lines = [f"{'scenario':<{width}}" + "".join(f"{label:>24}" for label in labels)]
    for name, row in table.iterrows():
        cells = "".join(f"{_share_cell(row, regime):>24}" for regime in REGIMES)
        lines.append(f"{name!s:<{width}}{cells}")
    return "\n".join(lines)


def headline(table: pd.DataFrame) -> str:
    """One or two sentences on what the comparison shows, generated from the numbers."""
    sentences = [
        _leader(table, "learning_journey", "learning journeys"),
        _leader(table, "blame_game", "blame games"),
    ]
    return " ".join(s for s in sentences if s)


def _leader(table: pd.DataFrame, regime: str, words: str) -> str:
    """Which scenario has the highest share of ``regime``, and whether that lead is clear."""
    if len(table) < 2:
        (name, row), *_ = table.iterrows()
        return f"{name} ends in {words} in {_share_cell(row, regime)} of runs."
    ranked = table.sort_values(f"{regime}_share", ascending=False)
    (first, top), (second, runner) = list(ranked.iterrows())[:2]
    if top[f"{regime}_share"] == 0:
        return f"No scenario produced {words}."
    lead = f"{first} has the most {words}: {_share_cell(top, regime)} of runs"
    if top[f"{regime}_lo"] > runner[f"{regime}_hi"]:
        return f"{lead}, clearly ahead of {second} ({runner[f'{regime}_share']:.0%})."
    runner_share = f"{second} ({runner[f'{regime}_share']:.0%})"
    return f"{lead}, though its 95% interval overlaps that of {runner_share}."


# ---- the study's report ------------------------------------------------------------------------
def render_report(table: pd.DataFrame, results: list[Results], manifest: dict[str, Any]) -> str:
    """The study's ``report.md``: what was run, the headline, the table and the figures."""
    parts = [
        f"# cisim study: comparing {len(results)} scenarios",
        f"**{headline(table)}**",
        "## What was run",
        _what_was_run(results, manifest),
        _scenario_list(results),
        "## Regimes and outcomes",
        comparison_markdown(table),
        "Shares are of runs, with 95% Wilson intervals. Median months count only the runs in "
        "which the event happened (the share of those runs is given when it is not all). "
        "Responses are members' responses to setbacks over the whole run.",
        "## Figures",
        "![Regime shares per scenario](figures/regime_shares.png)",
        "![Mean trust and progress per scenario](figures/trajectories.png)",
        "Each scenario's trajectories, split by regime: "
        + "; ".join(_figure_links(r.scenario.name) for r in results)
        + ".",
        "## Files",
        "`comparison.csv` (the table above, machine-readable), `presets/<scenario>/` "
        "(`summary.parquet`: one row per run; `trajectories.parquet`: one row per run and month; "
        "`scenario.toml`: the scenario as run), `manifest.json` (versions, seed, timings).",
    ]
    return "\n\n".join(parts) + "\n"


def _what_was_run(results: list[Results], manifest: dict[str, Any]) -> str:
    commit = manifest["git_commit"] or "unknown"
    return (
        f"{len(results)} scenarios, {manifest['replicates']} replicates each, root seed "
        f"{manifest['seed']}. Every scenario uses the same random streams for replicate *k* "
        "(common random numbers), so differences between scenarios come from their parameters, "
        f"not from luck. cisim {manifest['cisim_version']} (commit {commit}), run on "
        f"{manifest['finished_utc']} in {manifest['wall_time_seconds']:.0f} s: "
        f"`{manifest['command']}`."
    )


def _scenario_list(results: list[Results]) -> str:
    lines = []
    for r in results:
        about = " ".join(r.scenario.description.split()) or "(no description)"
        lines.append(f"- **{r.scenario.name}** (digest `{r.scenario.digest}`): {about}")
    return "\n".join(lines)


def _figure_links(name: str) -> str:
    folder = f"presets/{safe_name(name)}/figures"
    stems = ("trust", "shared_understanding", "progress", "responses")
    links = ", ".join(f"[{stem.replace('_', ' ')}]({folder}/{stem}.png)" for stem in stems)
    return f"{name} ({links})"

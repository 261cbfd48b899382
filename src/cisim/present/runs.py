"""Reports of runs and of preset comparisons: what the command line prints and writes.

- One scenario: :func:`regime_table` (runs and share per regime with a 95% interval) and
  :func:`format_run`, the text ``cisim run`` prints.
- Several scenarios run with the same seed: :func:`comparison_table` (``comparison.csv``),
  :func:`comparison_markdown` (``comparison.md``), :func:`format_comparison` and
  :func:`headline` (the terminal), and :func:`render_report` (the study's ``report.md``), with
  :func:`nested_markdown`, who is at the table in each scenario (a nested design's variance
  decomposition, :func:`cisim.analysis.decomposition.scenario_decompositions`).

What was run (``manifest.json``: versions, seed, command, timings) is recorded by
:mod:`cisim.study.provenance`.

Shares of runs carry 95% Wilson intervals (:func:`cisim.stats.wilson`).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from cisim.io import md_text, safe_name
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
        cells = [f"**{md_text(name)}**", *[_share_cell(row, regime) for regime in REGIMES]]
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
def render_report(
    table: pd.DataFrame,
    results: list[Results],
    manifest: dict[str, Any],
    *,
    nested: pd.DataFrame | None = None,
) -> str:
    """The study's ``report.md``: what was run, the headline, the table, who is at the table
    (when ``nested`` gives each scenario's variance decomposition) and the figures."""
    parts = [
        f"# cisim study: comparing {len(results)} scenarios",
        f"**{headline(table.rename(index=md_text))}**",  # user text: inert Markdown
        "## What was run",
        _what_was_run(results, manifest),
        _scenario_list(results),
        "## Regimes and outcomes",
        comparison_markdown(table),
        "Shares are of runs, with 95% Wilson intervals. Median months count only the runs in "
        "which the event happened (the share of those runs is given when it is not all). "
        "Responses are members' responses to setbacks over the whole run.",
        *(
            nested_markdown(nested.rename(index=md_text), manifest["seed"])
            if nested is not None
            else []
        ),
        "## Figures",
        "![Regime shares per scenario](figures/regime_shares.png)",
        "![Mean trust and progress per scenario](figures/trajectories.png)",
        "Each scenario's trajectories, split by regime: "
        + "; ".join(_figure_links(r.scenario.name) for r in results)
        + ".",
        "## Files",
        "`comparison.csv` (the table above, machine-readable), "
        + ("`who_is_at_the_table.csv` (the variance decomposition), " if nested is not None else "")
        + "`presets/<scenario>/` "
        "(`summary.parquet`: one row per run; `trajectories.parquet`: one row per run and month; "
        "`scenario.toml`: the scenario as run), `manifest.json` (versions, seed, timings).",
    ]
    return "\n\n".join(parts) + "\n"


#: Below this share of runs (or above one less it), a regime indicator barely varies.
RARE = 0.05


def nested_markdown(nested: pd.DataFrame, seed: int) -> list[str]:
    """The "Who is at the table" part of ``report.md``: heading, sentences and table."""
    first = nested.iloc[0]
    p, h = int(first["populations"]), int(first["histories"])
    rows = [
        "| scenario | learning journeys | structure | history | interaction | regime: "
        "structure | regime: history | regime: interaction |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, r in nested.iterrows():
        cells = [f"**{name}**", percent(r["learning_journey"])]
        cells += [_share_interval(r, s) for s in ("structure", "history", "interaction")]
        cells += [
            _share_interval(r, f"regime_{s}") for s in ("structure", "history", "interaction")
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return [
        "## Who is at the table",
        f"Each scenario was also run as a nested design: {p} populations (who is at the table: "
        f"the organisations, their traits, their ties and starting trust), each under the same "
        f"{h} histories (the monthly random events), root seed {seed}. The variance of whether "
        "a run became a learning journey, and of its regime as a whole (all four regimes), is "
        "split into *structure* (the population alone), *history* (events that push every "
        "population the same way) and their *interaction* (how this population meets these "
        "events), with 95% intervals from resampling populations and histories "
        "(`cisim.study.nested`; docs/ODD.md §4.2). " + _nested_sentence(nested),
        _margin_sentence(nested),
        "\n".join(rows),
    ]


def _margin_sentence(nested: pd.DataFrame) -> str:
    """How far the nested share of learning journeys may differ by chance, from its components:
    the variance of a balanced crossed mean is σ²_structure / P + σ²_history / H +
    σ²_interaction / (P H)."""
    p, h = nested["populations"], nested["histories"]
    var = nested["variance"] * (
        nested["structure"] / p + nested["history"] / h + nested["interaction"] / (p * h)
    )
    margin = 1.96 * var.pow(0.5)
    widest = margin.idxmax()
    return (
        "The share of learning journeys in this table is over the runs of the nested design, "
        "whose runs share populations and histories; so it can differ by chance from the "
        "comparison above, by up to "
        f"±{100 * float(margin.max()):.0f} points (95%, from its own variance components; "
        f"{widest})."
    )


def _share_interval(row: pd.Series, key: str) -> str:
    return f"{percent(row[key])} ({percent(row[f'{key}_low'])}–{percent(row[f'{key}_high'])})"


def _nested_sentence(nested: pd.DataFrame) -> str:
    """Where the regime depends most and least on who is at the table, read off the numbers;
    where learning journeys are rare or nearly certain, the regime as a whole (or, if nearly
    every run ends in one regime, that there is little to split)."""
    lj = nested["learning_journey"]
    varied = nested[(lj >= RARE) & (lj <= 1 - RARE)]
    text = ""
    if len(varied) > 1:
        most, least = varied["structure"].idxmax(), varied["structure"].idxmin()
        largest = _count_of(varied, "interaction")
        where = f"all {len(varied)}" if largest == len(varied) else f"{largest} of {len(varied)}"
        text = (
            "Where learning journeys are neither rare nor nearly certain, who is at the table "
            f"explains most of their variance in {most} ({_pct(varied, most, 'structure')}) "
            f"and least in {least} ({_pct(varied, least, 'structure')}); the interaction is the "
            f"largest part in {where} of these scenarios."
        )
    # the regime's variance (about the Gini-Simpson index of its shares) below what one regime
    # in (1 - RARE) of the runs leaves: nearly every run ends in one regime
    flat = nested[(lj < RARE) | (lj > 1 - RARE)]
    single = flat["regime_variance"] < 2 * RARE * (1 - RARE)
    for names, note in (
        (flat.index[~single], "so read the regime as a whole there"),
        (flat.index[single], "and nearly every run ends in the same regime: little to split"),
    ):
        if len(names):
            listed = _and(
                [f"{n} ({_pct(flat, n, 'learning_journey')} learning journeys)" for n in names]
            )
            text += f" In {listed} the learning-journey indicator barely varies, {note}."
    return text.strip()


def _pct(frame: pd.DataFrame, row: Any, column: str) -> str:
    return percent(float(frame[column].loc[row]))


def _and(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _count_of(frame: pd.DataFrame, source: str) -> int:
    """How many rows have ``source`` as their largest part."""
    sources = ["structure", "history", "interaction"]
    return int((frame[sources].idxmax(axis=1) == source).sum())


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
        about = md_text(r.scenario.description) or "(no description)"
        lines.append(f"- **{md_text(r.scenario.name)}** (digest `{r.scenario.digest}`): {about}")
    return "\n".join(lines)


def _figure_links(name: str) -> str:
    folder = f"presets/{safe_name(name)}/figures"
    stems = ("trust", "shared_understanding", "progress", "responses")
    links = ", ".join(f"[{stem.replace('_', ' ')}]({folder}/{stem}.png)" for stem in stems)
    return f"{md_text(name)} ({links})"

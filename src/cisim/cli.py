"""The ``cisim`` command line: run a scenario, list presets, check a config, run the main study.

::

    cisim run CONFIG_OR_PRESET [--replicates N] [--seed S] [--out DIR]
    cisim presets
    cisim validate CONFIG
    cisim study [--replicates N] [--seed S] [--out DIR] [--scenarios NAME_OR_TOML ...]

Bad input (a :class:`~cisim.errors.CisimError` or a bad option) prints one line,
``cisim: error: ...``, on stderr and exits with code 2; nothing is left behind, because every
output directory is written by :func:`cisim.io.atomic_directory`. Unexpected errors exit with 1
(set ``CISIM_DEBUG=1`` for the traceback), an interrupt with 130.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import re
import shlex
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from cisim._version import __version__
from cisim.errors import CisimError, ConfigError
from cisim.io import atomic_directory, check_target, write_json, write_table
from cisim.regimes import REGIMES
from cisim.scenario import PRESET_NAMES, Scenario
from cisim.simulate import Results, simulate

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
DESCRIPTION = "Simulate cross-sector collaborations: learning journeys or blame games."
STUDY_OUTPUTS = ("presets", "figures", "comparison.csv", "comparison.md", "report.md")


class UsageError(CisimError):
    """A command line that argparse rejected."""


# ---- entry point -----------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``cisim`` command line and return its exit code.

    Parameters
    ----------
    argv
        The arguments after the program name (``sys.argv[1:]`` when ``None``).

    Returns
    -------
    int
        0 on success, 2 for bad input, 1 for an unexpected error, 130 when interrupted.
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(args_list)
        handler: Callable[[argparse.Namespace], int] = args.handler
        return handler(_with_command(args, args_list))
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except CisimError as exc:
        return _fail(f"error: {exc}", EXIT_USAGE)
    except KeyboardInterrupt:
        return _fail("interrupted", EXIT_INTERRUPTED)
    except BrokenPipeError:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return EXIT_FAILURE
    except Exception as exc:
        if os.environ.get("CISIM_DEBUG"):
            traceback.print_exc()
        hint = "please report this; set CISIM_DEBUG=1 for the traceback"
        return _fail(f"internal error: {type(exc).__name__}: {exc} ({hint})", EXIT_FAILURE)


def _fail(message: str, code: int) -> int:
    print(f"cisim: {' '.join(message.split())}", file=sys.stderr)
    return code


def _with_command(args: argparse.Namespace, argv: list[str]) -> argparse.Namespace:
    args.command_line = shlex.join(["cisim", *argv])
    return args


# ---- parser ----------------------------------------------------------------------------------
class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors become one-line :class:`UsageError` s."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _count(least: int) -> Callable[[str], int]:
    """An argparse type: a whole number ``>= least``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < least:
            raise argparse.ArgumentTypeError(f"{text!r} is not allowed: a whole number >= {least}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    """The ``cisim`` argument parser with its four subcommands."""
    parser = _Parser(prog="cisim", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"cisim {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    run = commands.add_parser("run", help="simulate one scenario and write its results")
    run.add_argument("config", metavar="CONFIG_OR_PRESET", help="a preset name or a .toml file")
    _add_common(run, replicates=200, seed=0, out="results/<scenario name>")
    run.set_defaults(handler=run_command)
    presets = commands.add_parser("presets", help="list the presets")
    presets.set_defaults(handler=presets_command)
    validate = commands.add_parser("validate", help="check a scenario file")
    validate.add_argument("config", metavar="CONFIG", help="a .toml file (or a preset name)")
    validate.set_defaults(handler=validate_command)
    study = commands.add_parser("study", help="the main job: compare the presets")
    _add_common(study, replicates=1000, seed=2026, out="results")
    study.add_argument(
        "--scenarios",
        nargs="+",
        metavar="NAME_OR_TOML",
        default=None,
        help="scenarios to compare (default: every preset)",
    )
    study.set_defaults(handler=study_command)
    return parser


def _add_common(parser: argparse.ArgumentParser, *, replicates: int, seed: int, out: str) -> None:
    parser.add_argument(
        "--replicates",
        "-n",
        type=_count(1),
        default=replicates,
        help=f"runs per scenario (default {replicates})",
    )
    parser.add_argument(
        "--seed", "-s", type=_count(0), default=seed, help=f"root seed (default {seed})"
    )
    parser.add_argument(
        "--out",
        "-o",
        type=Path,
        default=None,
        help=f"output directory, replaced when complete (default {out})",
    )


# ---- cisim presets / validate ----------------------------------------------------------------
def presets_command(args: argparse.Namespace) -> int:
    """Print one line per preset: its name and description."""
    width = max(len(name) for name in PRESET_NAMES)
    broken: list[str] = []
    for name in PRESET_NAMES:
        try:
            about = " ".join(Scenario.preset(name).description.split()) or "(no description)"
        except CisimError as exc:
            broken.append(name)
            about = f"(cannot be loaded: {exc})"
        print(f"{name:<{width}}  {about}")
    if broken:
        raise CisimError(f"{len(broken)} preset(s) cannot be loaded: {', '.join(broken)}")
    return EXIT_OK


def validate_command(args: argparse.Namespace) -> int:
    """Load a config; print one line saying what it describes."""
    scenario = Scenario.load(args.config)
    print(
        f"{args.config}: valid ({scenario.n_organisations} organisations, "
        f"{scenario.horizon_months} months, entry point: {scenario.entry_point})"
    )
    return EXIT_OK


# ---- cisim run -------------------------------------------------------------------------------
def run_command(args: argparse.Namespace) -> int:
    """Simulate one scenario; write tables, figures, the scenario and a manifest."""
    clock = Clock.start()
    scenario = Scenario.load(args.config)
    out = args.out if args.out is not None else Path("results") / _safe_name(scenario.name)
    check_target(out)
    results = simulate(scenario, replicates=args.replicates, seed=args.seed)
    with atomic_directory(out) as temp:
        write_run(results, temp, csv=True)
        manifest = _manifest(args, clock, scenario={"source": args.config, **_about(scenario)})
        write_json(manifest, temp / "manifest.json")
    print(format_regime_table(results.summary, title=_run_title(results)))
    print(f"wrote {out}/ in {clock.seconds():.1f} s")
    return EXIT_OK


def write_run(results: Results, directory: Path, *, csv: bool) -> None:
    """Write one scenario's summary, trajectories, resolved scenario and figures."""
    from cisim.figures import save_regime_figures

    write_table(results.summary, directory, "summary", csv=csv)
    write_table(results.trajectories, directory, "trajectories", csv=csv)
    results.scenario.to_toml(directory / "scenario.toml")
    save_regime_figures(
        results.summary, results.trajectories, directory / "figures", name=results.scenario.name
    )


def _run_title(results: Results) -> str:
    return (
        f"{results.scenario.name}: {len(results.summary)} replicates, seed {results.seed} "
        f"(scenario digest {results.scenario.digest})"
    )


# ---- cisim study -----------------------------------------------------------------------------
def study_command(args: argparse.Namespace) -> int:
    """Run every preset with the same seed and write their comparison and a report."""
    clock = Clock.start()
    scenarios = _study_scenarios(args.scenarios or PRESET_NAMES)
    out = args.out if args.out is not None else Path("results")
    check_target(out, carry_over=True, new_names=(*STUDY_OUTPUTS, "manifest.json"))
    _progress(f"{len(scenarios)} scenarios × {args.replicates} replicates, seed {args.seed}")
    with atomic_directory(out, carry_over=True) as temp:
        results = _run_all(scenarios, args, temp / "presets")
        table = comparison_table(results)
        write_comparison(table, results, temp)
        manifest = _manifest(args, clock, scenarios=[_about(r.scenario) for r in results])
        (temp / "report.md").write_text(render_report(table, results, manifest), "utf-8")
        write_json(manifest, temp / "manifest.json")
    print(format_comparison(table))
    print(headline(table))
    print(f"wrote {out}/ (report: {out / 'report.md'}) in {clock.seconds():.1f} s")
    return EXIT_OK


def _study_scenarios(sources: Sequence[str]) -> list[Scenario]:
    """Load every scenario first, so that a bad one fails before anything runs."""
    scenarios = [Scenario.load(source) for source in sources]
    names = [_safe_name(s.name) for s in scenarios]
    for name in names:
        if names.count(name) > 1:
            raise ConfigError("scenarios", name, "scenarios with different names")
    return scenarios


def _run_all(scenarios: list[Scenario], args: argparse.Namespace, where: Path) -> list[Results]:
    """Simulate each scenario with the same seed (common random numbers) and write it."""
    done: list[Results] = []
    for index, scenario in enumerate(scenarios, start=1):
        started = time.perf_counter()
        results = simulate(scenario, replicates=args.replicates, seed=args.seed)
        directory = where / _safe_name(scenario.name)
        directory.mkdir(parents=True)
        write_run(results, directory, csv=False)
        shares = results.regime_shares()
        _progress(
            f"[{index}/{len(scenarios)}] {scenario.name}: {shares['learning_journey']:.0%} "
            f"learning journeys, {shares['blame_game']:.0%} blame games "
            f"({time.perf_counter() - started:.1f} s)"
        )
        done.append(results)
    return done


def write_comparison(table: pd.DataFrame, results: list[Results], directory: Path) -> None:
    """Write ``comparison.csv``, ``comparison.md`` and the comparison figures."""
    from cisim.figures import regime_shares_figure, save, scenario_trajectories_figure

    table.to_csv(directory / "comparison.csv", index_label="scenario")
    (directory / "comparison.md").write_text(comparison_markdown(table) + "\n", "utf-8")
    figures = directory / "figures"
    figures.mkdir()
    save(regime_shares_figure(table), figures / "regime_shares.png")
    paths = {r.scenario.name: r.trajectories for r in results}
    save(scenario_trajectories_figure(paths), figures / "trajectories.png")


def _progress(message: str) -> None:
    print(f"cisim study: {message}", file=sys.stderr, flush=True)


# ---- tables ----------------------------------------------------------------------------------
def wilson_interval(successes: np.ndarray, trials: int) -> tuple[np.ndarray, np.ndarray]:
    """95% Wilson score interval of a binomial proportion, for each count (lower, upper)."""
    from scipy.stats import binomtest

    bounds = [binomtest(int(k), trials).proportion_ci(0.95, method="wilson") for k in successes]
    return np.array([b.low for b in bounds]), np.array([b.high for b in bounds])


def regime_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Per regime: runs, share and 95% Wilson interval (every regime listed)."""
    counts = summary["regime"].astype(str).value_counts().reindex(list(REGIMES), fill_value=0)
    lo, hi = wilson_interval(counts.to_numpy(), len(summary))
    share = counts / len(summary)
    return pd.DataFrame({"runs": counts, "share": share, "lo": lo, "hi": hi}, index=counts.index)


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


# ---- report ----------------------------------------------------------------------------------
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
    folder = f"presets/{_safe_name(name)}/figures"
    stems = ("trust", "shared_understanding", "progress", "responses")
    links = ", ".join(f"[{stem.replace('_', ' ')}]({folder}/{stem}.png)" for stem in stems)
    return f"{name} ({links})"


# ---- manifest --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Clock:
    """When a command started, in UTC and on the monotonic clock."""

    utc: datetime
    monotonic: float

    @classmethod
    def start(cls) -> Clock:
        """Start now."""
        return cls(datetime.now(UTC), time.perf_counter())

    def seconds(self) -> float:
        """Seconds since the start."""
        return time.perf_counter() - self.monotonic


def _manifest(args: argparse.Namespace, clock: Clock, **what: Any) -> dict[str, Any]:
    import numpy
    import pandas

    return {
        "cisim_version": __version__,
        "command": args.command_line,
        **what,
        "seed": args.seed,
        "replicates": args.replicates,
        "started_utc": _iso(clock.utc),
        "finished_utc": _iso(datetime.now(UTC)),
        "wall_time_seconds": round(clock.seconds(), 3),
        "git_commit": git_commit(),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "pandas": pandas.__version__,
    }


def _about(scenario: Scenario) -> dict[str, str]:
    return {"name": scenario.name, "digest": scenario.digest}


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def git_commit() -> str | None:
    """The commit of the repository holding the cisim package, or ``None`` outside one."""
    package = Path(__file__).resolve().parent
    try:
        tracked = subprocess.run(
            ["git", "ls-files", "--error-unmatch", "__init__.py"],
            cwd=package,
            capture_output=True,
            timeout=10,
            check=False,
        )
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=package,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if tracked.returncode != 0 or head.returncode != 0:
        return None
    return head.stdout.strip() or None


def _safe_name(name: str) -> str:
    """A scenario name usable as a directory name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip(".") or "scenario"

"""The ``cisim`` command line: run a scenario, list presets, check a config, compare presets, and
sweep, analyse and report an experiment.

::

    cisim run CONFIG_OR_PRESET [--replicates N] [--seed S] [--out DIR]
    cisim presets
    cisim validate CONFIG
    cisim study [--replicates N] [--seed S] [--out DIR] [--scenarios NAME_OR_TOML ...] [--nested N]
    cisim sweep EXPERIMENT --out DIR [--workers N] [--dask ADDRESS|local] [--no-progress]
    cisim analyze DIR [--out DIR/analysis]
    cisim report DIR [--out DIR/report.html] [--analysis DIR/analysis]
    cisim app [--host 127.0.0.1] [--port 8765]
    cisim class [--host 127.0.0.1] [--port 8766] [--time-limit 45] ...

Bad input (a :class:`~cisim.errors.CisimError` or a bad option) prints one line,
``cisim: error: ...``, on stderr and exits with code 2; nothing is left behind, because every
output directory is written by :func:`cisim.io.atomic_directory`. A refusal of the system (a full
disk, a read-only directory: :class:`~cisim.errors.SystemRefusal`) prints one ``cisim: error:
cannot write PATH: reason`` line naming the file and exits with 1, as do unexpected errors (set
``CISIM_DEBUG=1`` for the traceback); Ctrl-C exits with 130, SIGTERM with 143
(:mod:`cisim.signals`).

This module parses and dispatches; the tables, texts and manifest come from
:mod:`cisim.present.runs`, files are written by :mod:`cisim.io` and figures drawn by
:mod:`cisim.present.figures`. ``sweep`` is :mod:`cisim.study.sweeps.cli`; ``analyze`` runs
:func:`cisim.analysis.analyze` on a finished sweep and ``report`` turns its results into one HTML
file (:mod:`cisim.present.report`).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, cast

from cisim._version import DISTRIBUTION, __version__
from cisim.classplay import command as class_cli
from cisim.errors import CisimError, ConfigError, SystemRefusal, one_line, shown
from cisim.field import cli as field_cli
from cisim.inputs import MAX_COUNT, MAX_SEED, parse_whole
from cisim.io import (
    STUDY_OUTPUTS,
    atomic_directory,
    check_target,
    safe_name,
    write_csv,
    write_json,
    write_table,
)
from cisim.signals import EXIT_TERMINATED, Terminated, terminated_as_interrupt
from cisim.study import provenance
from cisim.study.sweeps import cli as sweep_cli
from cisim.sweep_commands import (  # noqa: F401 - the handlers, and re-exported
    ANALYSIS_DIR,
    REPORT_FILE,
    SUMMARY_FILE,
    analysis_is_current,
    analyze_command,
    load_sweep,
    progress,
    report_command,
    run_analysis,
)

if TYPE_CHECKING:  # imported by the commands that use them, so that --help is quick
    import pandas as pd

    from cisim.model.scenario import Scenario
    from cisim.study.simulate import Results

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
DESCRIPTION = "Simulate cross-sector collaborations: learning journeys or blame games."
#: Populations and histories of each scenario's nested design in ``cisim study``.
STUDY_NESTED = 30


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
        0 on success, 2 for bad input, 1 for a refusal of the system or an unexpected error,
        130 when interrupted, 143 when stopped by SIGTERM.
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    with terminated_as_interrupt() as terminated:
        code = _main(args_list)
    return EXIT_TERMINATED if terminated else code


def _main(args_list: list[str]) -> int:
    try:
        _check_arguments(args_list)
        args = build_parser().parse_args(args_list)
        _refuse_field_sweep(args)
        handler: Callable[[argparse.Namespace], int] = args.handler
        return handler(_with_command(args, args_list))
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except SystemRefusal as exc:  # a full disk, a read-only directory: not the input's fault
        return _fail(f"error: {exc}", EXIT_FAILURE)
    except CisimError as exc:
        return _fail(f"error: {exc}", EXIT_USAGE)
    except Terminated:
        return _fail("stopped by SIGTERM", EXIT_TERMINATED)
    except KeyboardInterrupt:
        return _fail("interrupted", EXIT_INTERRUPTED)
    except BrokenPipeError:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return EXIT_FAILURE
    except OSError as exc:  # the disk or the system refused: full, read-only, no permission
        return _fail(f"error: {_describe_os_error(exc)}", EXIT_FAILURE)
    except Exception as exc:
        if os.environ.get("CISIM_DEBUG"):
            traceback.print_exc()
        hint = "please report this; set CISIM_DEBUG=1 for the traceback"
        return _fail(f"internal error: {type(exc).__name__}: {exc} ({hint})", EXIT_FAILURE)


def _refuse_field_sweep(args: argparse.Namespace) -> None:
    """``cisim sweep`` given a field file: one line saying which command runs it."""
    target = getattr(args, "experiment", None)
    if getattr(args, "handler", None) is not sweep_cli.run or not isinstance(target, str):
        return
    if target.endswith(".toml") and field_cli.is_field_file(Path(target)):
        raise UsageError(
            f"{target} is a field file, not an experiment: run it with 'cisim field {target} "
            "--out DIR'"
        )


def _describe_os_error(exc: OSError) -> str:
    """``PATH: reason`` for an error of the operating system (no traceback, no class name)."""
    reason = exc.strerror or str(exc)
    where = exc.filename if exc.filename is not None else None
    return f"{where}: {reason}" if where is not None else reason


def _fail(message: str, code: int) -> int:
    print(f"cisim: {one_line(message)}", file=sys.stderr)
    return code


def _check_arguments(args: list[str]) -> None:
    """No argument holds a NUL character (a real command line cannot; a script's list can)."""
    for number, arg in enumerate(args, start=1):
        if not isinstance(arg, str) or "\0" in arg:
            raise UsageError(
                f"argument {number} ({one_line(repr(arg))}) is not allowed: text "
                "without a NUL character"
            )


def _with_command(args: argparse.Namespace, argv: list[str]) -> argparse.Namespace:
    args.command_line = shlex.join(["cisim", *argv])
    return args


# ---- parser ----------------------------------------------------------------------------------
class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors become one-line :class:`UsageError` s."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _count(least: int, most: int = MAX_COUNT) -> Callable[[str], int]:
    """An argparse type: a whole number from ``least`` to ``most``."""

    def parse(text: str) -> int:
        value = parse_whole(text)  # plain ASCII digits: no 1_000, no other scripts' digits
        if value is None or not least <= value <= most:
            raise argparse.ArgumentTypeError(
                f"{shown(text)} is not allowed: a whole number from {least} to {most:,}"
            )
        return value

    return parse


def _nested_size(text: str) -> int:
    """An argparse type: 0 (no nested design) or a whole number >= 2."""
    value = _count(0)(text)
    if value == 1:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not allowed: 0 (none) or a whole number >= 2"
        )
    return value


def build_parser() -> argparse.ArgumentParser:
    """The ``cisim`` argument parser with its eight subcommands."""
    parser = _Parser(prog="cisim", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"cisim {__version__}")
    commands = cast(  # subparsers are _Parsers too; register() takes the base type
        "argparse._SubParsersAction[argparse.ArgumentParser]",
        parser.add_subparsers(dest="command", metavar="COMMAND", required=True),
    )
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
    study.add_argument(
        "--nested",
        metavar="N",
        type=_nested_size,
        default=STUDY_NESTED,
        help="who is at the table: N populations x N histories of each scenario, whose variance "
        f"is split into structure, history and interaction (default {STUDY_NESTED}; 0 leaves "
        "it out)",
    )
    study.set_defaults(handler=study_command)
    sweep_cli.register(commands)
    field_cli.register(commands)
    _add_sweep_readers(commands)
    _add_app(commands)
    class_cli.register(commands)
    return parser


def _add_sweep_readers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``analyze`` and ``report`` subcommands (both read a finished sweep or field)."""
    analyze = commands.add_parser(
        "analyze",
        help="analyse a finished sweep or field: tables, figures and a summary",
        description="Run every analysis that applies to the sweep (or field) in DIR; print the "
        "key numbers and write CSV tables, PNG figures and analysis.json.",
    )
    analyze.add_argument(
        "directory",
        metavar="DIR",
        type=Path,
        help="a 'cisim sweep --out' or 'cisim field --out' DIR",
    )
    analyze.add_argument(
        "--out", "-o", type=Path, default=None, help="output directory (default DIR/analysis)"
    )
    analyze.set_defaults(handler=analyze_command)
    report_ = commands.add_parser(
        "report",
        help="write a sweep's report: one self-contained HTML file",
        description="Write one HTML file (figures embedded) with the headline answer, the "
        "evidence and the methods; analyse the sweep first if DIR/analysis is missing or older "
        "than the results.",
    )
    report_.add_argument(
        "directory",
        metavar="DIR",
        type=Path,
        help="a 'cisim sweep --out' or 'cisim field --out' DIR",
    )
    report_.add_argument(
        "--out", "-o", type=Path, default=None, help="the HTML file (default DIR/report.html)"
    )
    report_.add_argument(
        "--analysis",
        type=Path,
        default=None,
        help="where the analysis is read and, if missing or stale, written (default "
        "DIR/analysis; beside the report when DIR is read-only)",
    )
    report_.set_defaults(handler=report_command)


def _add_common(parser: argparse.ArgumentParser, *, replicates: int, seed: int, out: str) -> None:
    parser.add_argument(
        "--replicates",
        "-n",
        type=_count(1),
        default=replicates,
        help=f"runs per scenario (default {replicates})",
    )
    parser.add_argument(
        "--seed", "-s", type=_count(0, MAX_SEED), default=seed, help=f"root seed (default {seed})"
    )
    parser.add_argument(
        "--out",
        "-o",
        type=Path,
        default=None,
        help=f"output directory, replaced when complete (default {out})",
    )


def _add_app(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``app`` subcommand: the classroom in the browser."""
    app = commands.add_parser(
        "app",
        help="serve the classroom: watch a collaboration in the browser",
        description="Serve the classroom app (presets, levers, two worlds side by side, the "
        "story in plain words) until Ctrl-C; open the address it prints.",
    )
    app.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    app.add_argument(
        "--port", type=_count(0), default=8765, help="port (default 8765; 0: a free one)"
    )
    app.set_defaults(handler=app_command)


#: What the app extra installs that ``cisim app`` imports (the top-level modules).
APP_MODULES = ("solara", "ipyvue", "ipyvuetify", "uvicorn", "altair")


def app_command(args: argparse.Namespace) -> int:
    """Serve the classroom app until interrupted."""
    _check_app_extra()
    try:
        from cisim.app.server import serve
    except ModuleNotFoundError as exc:  # a part of the extra that find_spec did not see
        raise _app_extra_missing(exc.name or "?") from None

    if not _loopback(args.host):  # every address of this machine, or one others can reach
        print(
            f"cisim app: warning: listening on {args.host}, not only this machine: anyone who "
            "can reach it on the network can use the app (the default, 127.0.0.1, is private)",
            file=sys.stderr,
        )
    return serve(args.host, args.port)


def _loopback(host: str) -> bool:
    """Whether ``host`` is reachable only from this machine: every address it names is a
    loopback address (127.0.0.0/8, ::1). A name that does not resolve counts as loopback here:
    serving on it fails with its own one-line error."""
    import ipaddress
    import socket

    if host in ("", "0.0.0.0", "::"):
        return False
    try:
        found = socket.getaddrinfo(host.strip("[]"), None)
    except (OSError, UnicodeError):
        return True
    return all(ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_loopback for info in found)


def _check_app_extra() -> None:
    """A one-line :class:`CisimError` naming the extra if the app's packages are missing."""
    import importlib.util

    for module in APP_MODULES:
        if importlib.util.find_spec(module) is None:
            raise _app_extra_missing(module)


def _app_extra_missing(module: str) -> CisimError:
    return CisimError(
        f"cisim app needs the 'app' extra, which is not installed (no module {module!r}): "
        f"pip install '{DISTRIBUTION}[app]'"
    )


# ---- cisim presets / validate ----------------------------------------------------------------
def presets_command(args: argparse.Namespace) -> int:
    """Print one line per preset: its name and description."""
    from cisim.model.scenario import PRESET_NAMES, Scenario

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
    from cisim.model.scenario import Scenario

    scenario = Scenario.load(args.config)
    events = len(scenario.timeline)
    timeline = f", {events} event{'s' * (events != 1)} on its timeline" if events else ""
    print(
        f"{args.config}: valid ({scenario.n_organisations} organisations, "
        f"{scenario.horizon_months} months, entry point: {scenario.entry_point}{timeline})"
        + _sets_nothing_note(args.config)
    )
    return EXIT_OK


def _sets_nothing_note(config: str) -> str:
    """'; note: ... sets nothing ...' for a scenario file without a single key, else ''."""
    from cisim.inputs import parse_toml, read_text

    path = Path(config)
    if path.suffix.lower() != ".toml" or not path.is_file():
        return ""  # a preset name
    if parse_toml(read_text(path), str(path)):  # already validated: cannot fail here
        return ""
    return "; note: the file sets nothing, so every parameter takes its default (docs/ODD.md §9)"


# ---- cisim run -------------------------------------------------------------------------------
def run_command(args: argparse.Namespace) -> int:
    """Simulate one scenario; write tables, figures, the scenario and a manifest."""
    from cisim.model.scenario import Scenario
    from cisim.present import runs as report

    clock = provenance.Clock.start()
    scenario = Scenario.load(args.config)
    out = args.out if args.out is not None else Path("results") / safe_name(scenario.name)
    check_target(out, kind="run")
    results = _simulate(scenario, args, "run")
    with atomic_directory(out, kind="run") as temp:
        write_run(results, temp, csv=True)
        record = {"source": args.config, **provenance.scenario_record(scenario)}
        write_json(_manifest(args, clock, scenario=record), temp / "manifest.json")
    print(report.format_run(results))
    print(f"wrote {out}/ in {clock.seconds():.1f} s")
    return EXIT_OK


def write_run(results: Results, directory: Path, *, csv: bool) -> None:
    """Write one scenario's summary, trajectories, resolved scenario and figures."""
    from cisim.present.figures import save_regime_figures

    write_table(results.summary, directory, "summary", csv=csv)
    write_table(results.trajectories, directory, "trajectories", csv=csv)
    results.scenario.to_toml(directory / "scenario.toml")
    save_regime_figures(
        results.summary, results.trajectories, directory / "figures", name=results.scenario.name
    )


def _simulate(scenario: Scenario, args: argparse.Namespace, what: str) -> Results:
    """:func:`~cisim.study.simulate.simulate` with a progress bar of runs on a terminal."""
    from cisim.present.progress import compiled_engine, progress_bar
    from cisim.study.simulate import simulate

    compiled_engine(what.split(" ", 1)[0])
    with progress_bar(args.replicates, f"cisim {what}", unit="run") as advance:
        return simulate(scenario, replicates=args.replicates, seed=args.seed, progress=advance)


# ---- cisim study -----------------------------------------------------------------------------
def study_command(args: argparse.Namespace) -> int:
    """Run every preset with the same seed and write their comparison and a report."""
    from cisim.model.scenario import PRESET_NAMES
    from cisim.present import runs as report

    clock = provenance.Clock.start()
    scenarios = _study_scenarios(args.scenarios or PRESET_NAMES)
    out = args.out if args.out is not None else Path("results")
    check_target(out, kind="study", carry_over=True, new_names=(*STUDY_OUTPUTS, "manifest.json"))
    progress(f"{len(scenarios)} scenarios × {args.replicates} replicates, seed {args.seed}")
    with atomic_directory(out, kind="study", carry_over=True) as temp:
        results = _run_all(scenarios, args, temp / "presets")
        table = report.comparison_table(results)
        write_comparison(table, results, temp)
        nested = _who_is_at_the_table(scenarios, args.nested, args.seed)
        if nested is not None:
            write_csv(nested, temp / "who_is_at_the_table.csv")
        manifest = _manifest(
            args, clock, scenarios=[provenance.scenario_record(r.scenario) for r in results]
        )
        if nested is not None:
            manifest["nested"] = {"populations": args.nested, "histories": args.nested}
        text = report.render_report(table, results, manifest, nested=nested)
        (temp / "report.md").write_text(text, "utf-8")
        write_json(manifest, temp / "manifest.json")
    print(report.format_comparison(table))
    print(report.headline(table))
    print(f"wrote {out}/ (report: {out / 'report.md'}) in {clock.seconds():.1f} s")
    return EXIT_OK


def _study_scenarios(sources: Sequence[str]) -> list[Scenario]:
    """Load every scenario first, so that a bad one fails before anything runs."""
    from cisim.model.scenario import Scenario

    scenarios = [Scenario.load(source) for source in sources]
    names = [safe_name(s.name) for s in scenarios]
    for name in names:
        if names.count(name) > 1:
            raise ConfigError("scenarios", name, "scenarios with different names")
    return scenarios


def _run_all(scenarios: list[Scenario], args: argparse.Namespace, where: Path) -> list[Results]:
    """Simulate each scenario with the same seed (common random numbers) and write it."""
    done: list[Results] = []
    for index, scenario in enumerate(scenarios, start=1):
        started = time.perf_counter()
        results = _simulate(scenario, args, f"study [{index}/{len(scenarios)}] {scenario.name}")
        directory = where / safe_name(scenario.name)
        directory.mkdir(parents=True)
        write_run(results, directory, csv=False)
        shares = results.regime_shares()
        progress(
            f"[{index}/{len(scenarios)}] {scenario.name}: {shares['learning_journey']:.0%} "
            f"learning journeys, {shares['blame_game']:.0%} blame games "
            f"({time.perf_counter() - started:.1f} s)"
        )
        done.append(results)
    return done


def _who_is_at_the_table(scenarios: list[Scenario], size: int, seed: int) -> pd.DataFrame | None:
    """Each scenario's nested design (``size x size``) and its variance decomposition."""
    if not size:
        return None
    from cisim.analysis.decomposition import scenario_decompositions

    started = time.perf_counter()
    table = scenario_decompositions(scenarios, populations=size, histories=size, seed=seed)
    progress(
        f"who is at the table: {len(scenarios)} scenarios x {size} populations x {size} "
        f"histories ({time.perf_counter() - started:.1f} s)"
    )
    return table


def write_comparison(table: pd.DataFrame, results: list[Results], directory: Path) -> None:
    """Write ``comparison.csv``, ``comparison.md`` and the comparison figures."""
    from cisim.present import runs as report
    from cisim.present.figures import regime_shares_figure, save, scenario_trajectories_figure

    write_csv(table, directory / "comparison.csv", index_label="scenario")
    (directory / "comparison.md").write_text(report.comparison_markdown(table) + "\n", "utf-8")
    figures = directory / "figures"
    figures.mkdir()
    save(regime_shares_figure(table), figures / "regime_shares.png")
    paths = {r.scenario.name: r.trajectories for r in results}
    save(scenario_trajectories_figure(paths), figures / "trajectories.png")


# ---- manifest --------------------------------------------------------------------------------
def _manifest(args: argparse.Namespace, clock: provenance.Clock, **what: Any) -> dict[str, Any]:
    return provenance.manifest(
        clock, command=args.command_line, seed=args.seed, replicates=args.replicates, **what
    )

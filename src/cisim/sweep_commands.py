"""``cisim analyze`` and ``cisim report``: a finished sweep analysed, and its HTML report.

``analyze`` runs :func:`cisim.analysis.analyze` into ``DIR/analysis`` (or ``--out``), replaced
only when complete and only if it is an analysis cisim wrote. ``report`` writes one HTML file,
analysing first when the analysis is missing, stale, incomplete or unreadable; it replaces only
a cisim report. A read-only sweep is reported on by writing elsewhere: ``--out`` for the report,
whose analysis then goes beside it (or ``--analysis``); the sweep's directory is only read.

Both also read a field's results directory (``cisim field FILE --out DIR``, told by its
manifest): ``analyze`` writes the field's tables and figures and prints the report's answer in
brief, without a report; ``report`` writes its HTML and Markdown report.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cisim._version import __version__
from cisim.errors import CisimError
from cisim.io import atomic_directory, check_file_target, check_target, write_json
from cisim.study import provenance

if TYPE_CHECKING:
    from cisim.study.sweeps.results import SweepResults

EXIT_OK = 0
ANALYSIS_DIR, REPORT_FILE, SUMMARY_FILE = "analysis", "report.html", "analysis.json"
#: What every report's head holds (``<meta name="generator" ...>``): the proof cisim wrote it.
REPORT_MARKER = '<meta name="generator" content="cisim '


def progress(message: str, command: str = "study") -> None:
    print(f"cisim {command}: {message}", file=sys.stderr, flush=True)


# ---- cisim analyze / report ------------------------------------------------------------------
def analyze_command(args: argparse.Namespace) -> int:
    """Analyse a finished sweep; print the key numbers; write the analysis directory (or a
    field's: ``cisim field FILE --out DIR``, told by its manifest)."""
    if _is_field(args.directory):
        return field_analyze_command(args)
    from cisim.analysis import summarise_text

    clock = provenance.Clock.start()
    sweep = load_sweep(args.directory)
    out = args.out if args.out is not None else args.directory / ANALYSIS_DIR
    summary = run_analysis(sweep, out, args.command_line, "analyze")
    print(summarise_text(summary))
    print(f"wrote {out}/ in {clock.seconds():.1f} s")
    return EXIT_OK


def report_command(args: argparse.Namespace) -> int:
    """Write a sweep's HTML report (analysing it first if its analysis is missing or stale), or
    a field's (``cisim field FILE --out DIR``: told by its manifest)."""
    if _is_field(args.directory):
        return field_report_command(args)
    clock = provenance.Clock.start()
    path = args.out if args.out is not None else args.directory / REPORT_FILE
    printed = _up_to_date(args, path)
    if printed is not None:  # nothing new: say so at once (delete the report to write it again)
        print("\n".join(printed))
        print(
            f"{path} is up to date: nothing changed since it was written ({clock.seconds():.1f} s)"
        )
        return EXIT_OK
    from cisim.present.progress import heartbeat
    from cisim.present.report import ReportSource, headline, write_report

    sweep = load_sweep(args.directory)
    if path.is_dir():
        raise CisimError(f"{path} is a directory; give the HTML file to write with --out")
    check_file_target(path, marker=REPORT_MARKER, what="a cisim report")
    analysis = _report_analysis(args, sweep, path)
    summary = _read_summary(analysis) if analysis_is_current(sweep, analysis) else None
    if summary is None:  # missing, stale, incomplete or unreadable: analyse again
        progress(f"analysing {len(sweep.runs):,} runs first ({analysis}/)", "report")
        summary = run_analysis(sweep, analysis, args.command_line, "report")
    source = ReportSource.from_sweep(sweep)
    printed = headline(source, summary, analysis)
    with heartbeat(f"cisim report: writing {path}", first=5.0):
        written = write_report(
            source, summary, analysis, path, trailer=report_record(analysis, path, printed)
        )
    print("\n".join(printed))
    print(
        f"wrote {path} ({written.figures} figure{'' if written.figures == 1 else 's'}, "
        f"{written.size / 1e6:.1f} MB; PNGs and CSV "
        f"tables in {analysis}/) in {clock.seconds():.1f} s"
    )
    return EXIT_OK


def _is_field(directory: Path) -> bool:
    """Whether ``directory`` holds a field's results (its manifest's format says so)."""
    try:
        data = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and str(data.get("format", "")).startswith("cisim-field/")


def field_report_command(args: argparse.Namespace) -> int:
    """Write a field's report (HTML and Markdown) and its analysis (tables and figures)."""
    from cisim.field.store import load
    from cisim.present.progress import heartbeat
    from cisim.present.report.field import write_field_report

    clock = provenance.Clock.start()
    loaded = load(args.directory)
    path = args.out if args.out is not None else args.directory / REPORT_FILE
    if path.is_dir():
        raise CisimError(f"{path} is a directory; give the HTML file to write with --out")
    analysis = getattr(args, "analysis", None)
    if analysis is None:
        analysis = args.directory / ANALYSIS_DIR
        if not _writable(args.directory):
            if not _writable(path.parent):
                raise CisimError(
                    f"{args.directory} is read-only: give the report a place outside it with "
                    "--out FILE (its analysis goes beside it), or --analysis DIR"
                )
            analysis = path.with_name(f"{path.stem}-analysis")
    with heartbeat(f"cisim report: writing {path}", first=5.0):
        written = write_field_report(loaded, path, Path(analysis), args.command_line)
    print("\n".join(written.headline))
    print(
        f"wrote {path} and {written.markdown} ({written.figures} figures, "
        f"{written.size / 1e6:.1f} MB; PNGs and CSV tables in {analysis}/) in "
        f"{clock.seconds():.1f} s"
    )
    return EXIT_OK


def field_analyze_command(args: argparse.Namespace) -> int:
    """Write a field's analysis (CSV tables, PNG figures, ``analysis.json``) into
    ``DIR/analysis`` or ``--out``, and print the report's answer in brief; no report."""
    from cisim.field.store import load
    from cisim.present.progress import heartbeat
    from cisim.present.report.field import write_field_analysis

    clock = provenance.Clock.start()
    loaded = load(args.directory)
    out = args.out if args.out is not None else args.directory / ANALYSIS_DIR
    if args.out is None and not _writable(args.directory):
        raise CisimError(
            f"{args.directory} is read-only: give the analysis a place outside it with --out DIR"
        )
    check_target(out, kind="analysis")  # refused before anything is computed
    cities = int(loaded.manifest["field"]["cities"])
    with heartbeat(f"cisim analyze: analysing {cities:,} cities", first=5.0):
        written = write_field_analysis(loaded, out, args.command_line)
    print("\n".join(written.headline))
    print(
        f"wrote {out}/ ({written.tables} tables, {written.figures} figures; 'cisim report "
        f"{args.directory}' writes the report) in {clock.seconds():.1f} s"
    )
    return EXIT_OK


def _report_analysis(args: argparse.Namespace, sweep: SweepResults, report: Path) -> Path:
    """Where the report reads its analysis, and writes it if it must: ``--analysis``; else
    ``DIR/analysis``, unless that is not current and DIR cannot be written (a read-only sweep),
    when the analysis goes beside the report (``REPORT-analysis/``)."""
    given = getattr(args, "analysis", None)
    if given is not None:
        return Path(given)
    default = args.directory / ANALYSIS_DIR
    if _writable(args.directory) or analysis_is_current(sweep, default):
        return default
    if not _writable(report.parent):
        raise CisimError(
            f"{args.directory} is read-only and its analysis must be written: give the report a "
            "place outside it with --out FILE (its analysis goes beside it), or --analysis DIR"
        )
    return report.with_name(f"{report.stem}-analysis")


def _writable(directory: Path) -> bool:
    """Whether new files can be made in ``directory`` (false on a read-only mount)."""
    return os.access(directory, os.W_OK | os.X_OK)


def load_sweep(directory: Path) -> SweepResults:
    """A finished sweep, or a one-line :class:`~cisim.study.sweeps.SweepError` saying what to do."""
    from cisim.study.sweeps import SweepError, load

    if not directory.is_dir():
        raise SweepError(
            f"{directory} is not a directory; give the --out directory of 'cisim sweep'"
        )
    try:
        sweep = load(directory, allow_incomplete=True)
    except SweepError as exc:
        if (directory / "manifest.json").is_file():
            raise
        raise SweepError(f"{exc}; run 'cisim sweep EXPERIMENT --out {directory}' first") from None
    if not sweep.complete:
        raise SweepError(
            f"{directory} holds {len(sweep.runs):,} of {sweep.manifest['runs']:,} runs: the "
            f"sweep is incomplete; finish it with: {_resume_command(sweep)}"
        )
    return sweep


def _resume_command(sweep: SweepResults) -> str:
    """``cisim sweep FILE --out DIR`` for the sweep's experiment file and this directory."""
    source = (sweep.manifest.get("experiment") or {}).get("file") or "EXPERIMENT"
    return shlex.join(["cisim", "sweep", str(source), "--out", str(sweep.path)])


def run_analysis(sweep: SweepResults, out: Path, command: str, name: str) -> dict[str, Any]:
    """Analyse ``sweep`` into ``out`` (replaced only when complete); return the summary."""
    from cisim.analysis import SweepMeta, analyze
    from cisim.present.progress import heartbeat

    clock = provenance.Clock.start()
    check_target(out, kind="analysis")
    trajectories = sweep.trajectories() if sweep.experiment.trajectories else None
    meta = SweepMeta.from_sweep(sweep)
    with atomic_directory(out, kind="analysis") as temp:
        with heartbeat(f"cisim {name}: analysing {len(sweep.runs):,} runs", first=5.0):
            summary = analyze(sweep.design, sweep.runs, trajectories, meta, temp)
        record = {"path": str(sweep.path), "runs": len(sweep.runs)}
        record["fingerprint"] = sweep.manifest.get("fingerprint")
        record["engine"] = sweep.manifest.get("engine")
        ex = sweep.experiment
        manifest = provenance.manifest(
            clock, command=command, seed=ex.seed, replicates=ex.replicates, sweep=record
        )
        write_json(manifest, temp / "manifest.json")
    progress(f"analysed {len(sweep.runs):,} runs in {clock.seconds():.1f} s", name)
    return summary


def analysis_is_current(sweep: SweepResults, analysis: Path) -> bool:
    """Whether ``analysis`` holds this cisim's analysis of this sweep, newer than its results.

    "This cisim": the same version and git commit (so an update re-analyses), of a sweep with
    the same engine digest; "holds": every file its manifest lists is there (one deleted, and
    the sweep is analysed again rather than reported without it).
    """
    return _analysis_current(sweep.manifest, len(sweep.runs), sweep.path, analysis)


def _analysis_current(manifest: dict[str, Any], runs: int, directory: Path, analysis: Path) -> bool:
    """:func:`analysis_is_current` of the sweep in ``directory`` with ``manifest`` and ``runs``."""
    summary, record = analysis / SUMMARY_FILE, analysis / "manifest.json"
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
        written = summary.stat().st_mtime
    except (OSError, ValueError):
        return False
    of = data.get("sweep") if isinstance(data, dict) else None
    same = (
        isinstance(of, dict)
        and data.get("cisim_version") == __version__
        and data.get("git_commit") == provenance.git_commit()
        and of.get("fingerprint") == manifest.get("fingerprint")
        and of.get("runs") == runs
        and of.get("engine") == manifest.get("engine")
        and isinstance(data.get("files"), list)
        and all(isinstance(f, str) and (analysis / f).exists() for f in data["files"])
    )
    return same and written >= _results_time(directory)


# ---- a report with nothing new to say ----------------------------------------------------------
#: The report's last line: what it was written from, by which cisim, and what ``cisim report``
#: printed then (base64 of JSON, inside an HTML comment), so that a re-run with nothing new
#: prints it again at once instead of writing the same report.
RECORD_MARK = "<!-- cisim-report-record "


def _made_from(analysis: Path, path: Path) -> dict[str, Any]:
    """What makes a report of ``analysis`` at ``path`` the same report again."""
    return {
        "report": str(path.resolve()),
        "cisim_version": __version__,
        "git_commit": provenance.git_commit(),
        "analysis_manifest": _sha256((analysis / "manifest.json").read_bytes()),
    }


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def report_record(analysis: Path, path: Path, printed: list[str]) -> Callable[[str], str]:
    """The report's last line, given its text: its record, sealed with the text's digest."""

    def trailer(text: str) -> str:
        import base64

        record = {
            "made_from": _made_from(analysis, path),
            "printed": printed,
            "body_sha256": _sha256(text.encode()),
        }
        encoded = base64.b64encode(json.dumps(record).encode()).decode("ascii")
        return f"{RECORD_MARK}{encoded} -->\n"

    return trailer


def _up_to_date(args: argparse.Namespace, path: Path) -> list[str] | None:
    """What the last ``cisim report`` printed, if the report at ``path`` is still what this one
    would write: unchanged since it was written, by the same cisim (version and commit), from
    the same analysis, itself current for the sweep as it is (told by its manifest, without
    loading the runs). ``None`` when any of that is not so: the report is written again."""
    import base64

    if getattr(args, "analysis", None) is not None:
        return None
    directory = args.directory
    analysis = directory / ANALYSIS_DIR
    try:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        data = path.read_bytes()
        body, mark, rest = data.rpartition(RECORD_MARK.encode())
        encoded = rest.removesuffix(b" -->\n")  # the file's very end: nothing after it
        record = json.loads(base64.b64decode(encoded, validate=True))
        made_from = _made_from(analysis, path)
    except (OSError, ValueError):
        return None
    if not mark or not isinstance(manifest, dict) or manifest.get("status") != "complete":
        return None
    if not isinstance(record, dict) or not isinstance(record.get("printed"), list):
        return None
    same = (
        record.get("body_sha256") == _sha256(body)
        and record.get("made_from") == made_from
        and _analysis_current(manifest, int(manifest.get("runs", -1)), directory, analysis)
    )
    return [str(line) for line in record["printed"]] if same else None


def _read_summary(analysis: Path) -> dict[str, Any] | None:
    """``analysis.json`` as a dictionary, or ``None`` if it is missing, cut short or not JSON."""
    try:
        data = json.loads((analysis / SUMMARY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _results_time(directory: Path) -> float:
    """When the sweep's results last changed (design and shards, not the manifest)."""
    files = [directory / "design.parquet"]
    for sub in ("runs", "trajectories"):
        if (directory / sub).is_dir():
            files.extend((directory / sub).glob("task-*.parquet"))
    return max((f.stat().st_mtime for f in files if f.exists()), default=0.0)

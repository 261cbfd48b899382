"""A field's results on disk: ``cisim field FILE --out DIR`` and what ``cisim report DIR`` reads.

Layout::

    DIR/manifest.json                         the field file (text and SHA-256), the cities'
                                              scenarios, cisim's version and commit, the seeds,
                                              each platform's levers, status and summary, every
                                              result file's SHA-256; written last
    DIR/field.toml                            a copy of the field file
    DIR/outcomes/NAME/cities-A-B.parquet      one row per city A..B under platform NAME (and
                                              under ``alone``, the baseline: no platform),
                                              written by the worker that ran those cities
    DIR/platform/NAME.parquet                 the platform's trajectory: one row per step
    DIR/checksums/NAME.sha256                 SHA-256 of NAME's files (``sha256sum -c`` format,
                                              paths relative to DIR); written after them, it
                                              marks the platform finished
    DIR/table.csv                             the table ``cisim field`` prints
    DIR/.lock                                 held while the field runs

Each city's row (:data:`OUTCOME_COLUMNS`) has its draw (its scenario, the practices it started
with, its context and resistance to outside ideas) and its strength with no platform
(``baseline_progress``: its final progress under ``alone``, the same city with the same luck),
so effects can be split by city; then its regime and outcomes under the platform.

Where the cities are held by workers (worker processes, Dask actors) each worker writes its own
cities' file (:func:`write_shard`) and the parent receives only its name, digest and rows; the
parent writes the platform's trajectory, the checksum file and the manifest. Every file is
written atomically (:func:`cisim.study.sweeps.store.write_parquet_atomic`), so a file is whole or
absent. The files depend only on the field file and the number of shards: the same on threads,
worker processes and Dask (byte for byte); other shard counts split the same rows otherwise.

A directory cisim did not write is refused (one line, exit 2), as ``cisim sweep`` does: ``DIR``
must be new, empty, or a field's results directory of the same field file (whose results are
then replaced: every platform runs again).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import math
import re
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from numpy.typing import NDArray

from cisim._version import __version__
from cisim.errors import CisimError
from cisim.field.cities import SPREAD, Field
from cisim.field.config import BASELINE, FieldFile, Variant
from cisim.field.coupling import CITY_KEY, FUNDING_KEY, STEP_KEY
from cisim.field.outcomes import FieldResult
from cisim.field.shards import OUTCOME_COLUMNS

FORMAT = "cisim-field/1"
MANIFEST = "manifest.json"
FIELD_COPY = "field.toml"
OUTCOMES, PLATFORM, CHECKSUMS = "outcomes", "platform", "checksums"
TABLE = "table.csv"
LOCK = ".lock"
#: What ``cisim report DIR`` adds to a field's directory (removed when the field runs again).
REPORT_OUTPUTS = ("report.html", "report.md", "analysis")
SHARD = re.compile(r"^cities-(\d{6,})-(\d{6,})\.parquet$")

#: The columns of :attr:`FieldResult.cities` (a subset of the file's).
RESULT_COLUMNS: tuple[str, ...] = (
    "city",
    "context",
    "not_invented_here",
    "regime",
    "final_progress",
    "wins",
    "programmes_adopted",
    "programmes_failed",
    "data_use",
    "joint_problem_solving",
    "trust_in_platform",
)
#: The random streams of a field (SeedSequence entropy after the field's seed).
STREAMS = {
    "cities' context, resistance and peers": CITY_KEY,
    "platform steps": STEP_KEY,
    "funding years": FUNDING_KEY,
    "cities' starting practices": 16_004,
}


class FieldStoreError(CisimError):
    """A results directory that cannot be used (not cisim's, another field's, damaged)."""


# ---- in the parent ----------------------------------------------------------------------------
@dataclass
class Written:
    """A field's results written: the table printed, and each platform's result."""

    path: Path
    table: pd.DataFrame
    results: dict[str, FieldResult]


def write_results(
    spec: FieldFile,
    source: Path,
    directory: Path,
    *,
    hosts: Any,
    shards: int,
    workers: int,
    executor: str,
    command: str | None = None,
) -> Written:
    """Run the baseline and every platform of ``spec`` (read from ``source``) into
    ``directory``: each shard writes its cities' outcomes, the parent the rest, the manifest
    last. Returns the table and the results (as :func:`cisim.field.compare` gives them)."""
    from cisim.field.api import table_of
    from cisim.field.outcomes import result_of
    from cisim.field.platform import strategy
    from cisim.field.run import run_field
    from cisim.io import csv_text
    from cisim.study.provenance import Clock, utc_text
    from cisim.study.sweeps.store import write_text_atomic

    text = source.read_text(encoding="utf-8")
    fld = spec.field
    check_directory(directory, hashlib.sha256(text.encode()).hexdigest())
    clock = Clock.start()
    names = [BASELINE, *spec.platforms]
    platforms = {BASELINE: strategy(BASELINE), **spec.platforms}
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FieldStoreError(f"cannot create {directory}: {exc.strerror}") from None
    with _locked(directory):
        _clear(directory)
        manifest = new_manifest(spec, source, text)
        manifest["run"] = {
            "command": command,
            "executor": executor,
            "workers": workers,
            "shards": shards,
            "started_utc": utc_text(clock.utc),
        }
        write_text_atomic(text, directory / FIELD_COPY)
        _write_manifest(directory, manifest)
        columns = static_columns(fld)
        scenarios = fld.scenarios()
        results: dict[str, FieldResult] = {}
        for name in names:
            start = Clock.start()
            entry = manifest["platforms"][name]
            entry["status"] = "running"
            _write_manifest(directory, manifest)
            where = directory / OUTCOMES / name
            where.mkdir(parents=True, exist_ok=True)
            if name != BASELINE:
                columns["baseline_progress"] = results[BASELINE].cities["final_progress"].to_numpy()
            fr = run_field(
                fld,
                platforms[name],
                shards=shards,
                workers=workers,
                hosts=hosts,
                keep="outcomes",
                write_to=str(where.resolve()),
                columns=columns,
            )
            result = result_of(fr, scenarios)
            results[name] = result
            sums = {f"{OUTCOMES}/{name}/{file}": digest for file, digest, _ in fr.written}
            record = f"{PLATFORM}/{name}.parquet"
            sums[record] = _write_record(result.record, directory / record)
            _write_checksums(directory, name, sums)
            entry.update(
                status="complete",
                spent=result.spent,
                summary=_plain(result.summary),
                files=sorted(sums),
            )
            manifest["run"].setdefault("seconds", {})[name] = round(start.seconds(), 3)
            manifest["checksums"].update(sums)
            mark = f"{CHECKSUMS}/{name}.sha256"
            manifest["checksums"][mark] = _sha256_of(directory / mark)
            _write_manifest(directory, manifest)
        alone = results.pop(BASELINE)
        table = table_of(results, alone)
        write_text_atomic(csv_text(table.reset_index(), index=False), directory / TABLE)
        manifest["checksums"][TABLE] = _sha256_of(directory / TABLE)
        manifest["checksums"][FIELD_COPY] = manifest["field"]["sha256"]
        manifest["run"]["ended_utc"] = utc_text()
        manifest["run"]["wall_time_seconds"] = round(clock.seconds(), 3)
        manifest["status"] = "complete"
        _write_manifest(directory, manifest)
    return Written(directory, table, {BASELINE: alone, **results})


def new_manifest(spec: FieldFile, source: Path, text: str) -> dict[str, Any]:
    """The manifest of a field about to run: every platform ``pending``. What depends on how
    it runs (the command, executor, workers, shards, times) goes under ``run``, added later."""
    import platform as system

    from cisim.study.provenance import git_commit

    fld = spec.field
    scenarios = {sc.name: sc for sc in fld.scenarios()}
    levers = {BASELINE: _levers(BASELINE, None, spec)}
    levers.update({name: _levers(name, p, spec) for name, p in spec.platforms.items()})
    return {
        "format": FORMAT,
        "status": "running",
        "about": dict(spec.about),
        "field": {
            "file": str(source),
            "text": text,
            "sha256": hashlib.sha256(text.encode()).hexdigest(),
            "cities": fld.size,
            "horizon_months": fld.horizon,
            "spread": fld.spread,
            "roster": bool(fld.roster),
            "scenarios": {
                name: {"digest": sc.digest, "scenario": sc.to_dict()}
                for name, sc in scenarios.items()
            },
        },
        "cisim_version": __version__,
        "git_commit": git_commit(),
        "python": system.python_version(),
        "seeds": {
            "seed": fld.seed,
            "cities": "city k is the run RunSpec(its scenario, seed, replicate=k) under every "
            "platform (common random numbers)",
            "streams": {k: [fld.seed, v] for k, v in STREAMS.items()},
        },
        "baseline": BASELINE,
        "platforms": levers,
        "checksums": {},
        "columns": list(OUTCOME_COLUMNS),
    }


def _levers(name: str, platform: Any, spec: FieldFile) -> dict[str, Any]:
    from cisim.field.platform import strategy

    chosen = strategy(BASELINE) if platform is None else platform
    variant = spec.variants.get(name)
    return {
        "status": "pending",
        "base": variant.base if variant else name,
        "swept": dict(variant.levers) if variant else {},
        "levers": dataclasses.asdict(chosen),
    }


def static_columns(fld: Field) -> dict[str, NDArray[Any]]:
    """Each city's draw, field-wide: its scenario's name and the practices it starts with."""
    scenarios = fld.scenarios()
    practices = fld.practices()
    out: dict[str, NDArray[Any]] = {"scenario": np.array([sc.name for sc in scenarios], object)}
    for name in SPREAD:
        values = practices[name] if practices is not None else None
        if values is None:
            values = np.array([float(getattr(sc, name)) for sc in scenarios])
        out[f"start_{name}"] = values
    return out


def _write_record(record: pd.DataFrame, path: Path) -> str:
    from cisim.study.sweeps.store import write_parquet_atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.table({c: pa.array(record[c].to_numpy(), pa.float64()) for c in record.columns})
    return write_parquet_atomic(table, path)


def _write_checksums(directory: Path, name: str, sums: Mapping[str, str]) -> None:
    from cisim.study.sweeps.store import write_text_atomic

    (directory / CHECKSUMS).mkdir(exist_ok=True)
    text = "".join(f"{digest}  {path}\n" for path, digest in sorted(sums.items()))
    write_text_atomic(text, directory / CHECKSUMS / f"{name}.sha256")


def _write_manifest(directory: Path, manifest: dict[str, Any]) -> None:
    from cisim.study.sweeps.store import write_text_atomic

    write_text_atomic(json.dumps(manifest, indent=1, allow_nan=False) + "\n", directory / MANIFEST)


def _plain(values: Mapping[str, float]) -> dict[str, float | None]:
    """Numbers for JSON: NaN as ``null``."""
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in values.items()}


def _sha256_of(path: Path) -> str:
    from cisim.study.sweeps.store import file_sha256

    return file_sha256(path)


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    from cisim.study.sweeps.store import locked

    try:
        with locked(directory):
            yield
    except CisimError as exc:
        text = str(exc)
        if "another sweep" not in text:
            raise
        raise FieldStoreError(text.replace("another sweep", "another cisim run")) from None


# ---- which directories may be written -----------------------------------------------------------
def check_directory(directory: Path, digest: str) -> None:
    """Refuse, before anything is written, a directory that is not new, empty, or this field
    file's results (``digest``: the SHA-256 of the field file's text)."""
    from cisim.io import not_written_by, output_entries

    entries = output_entries(directory, lock=LOCK, error=FieldStoreError)
    if not entries:
        return
    manifest = _read_json(directory / MANIFEST)
    if manifest is None or manifest.get("format") != FORMAT:
        if manifest is not None:
            raise FieldStoreError(
                f"{directory} holds another output (its {MANIFEST} is not a field's); choose "
                "another --out"
            )
        raise not_written_by(directory, entries, "field", FieldStoreError)
    field = manifest.get("field")
    if not isinstance(field, dict) or field.get("sha256") != digest:
        source = field.get("file") if isinstance(field, dict) else None
        raise FieldStoreError(
            f"{directory} holds the results of another field file ({source or 'unknown'}); "
            "choose another --out"
        )


def _clear(directory: Path) -> None:
    """Remove an earlier run's results of this field (the directory is known to be one): its
    outcome, platform and checksum files, its table, and a report of them."""
    for sub, pattern in ((OUTCOMES, None), (PLATFORM, "*.parquet"), (CHECKSUMS, "*.sha256")):
        root = directory / sub
        if not root.is_dir() or root.is_symlink():
            continue
        if pattern is None:
            for child in root.iterdir():
                if child.is_dir() and not child.is_symlink():
                    for file in child.iterdir():
                        if SHARD.match(file.name) or ".tmp-" in file.name:
                            file.unlink()
                    with contextlib.suppress(OSError):
                        child.rmdir()
        else:
            for file in root.glob(pattern):
                file.unlink()
    marks = {TABLE: b"platform,", "report.html": b'<meta name="generator" content="cisim ',
             "report.md": b"<!-- generator: cisim "}  # fmt: skip
    for name, mark in marks.items():  # only what cisim wrote: its first bytes say so
        path = directory / name
        if path.is_file() and not path.is_symlink():
            with open(path, "rb") as handle:
                head = handle.read(4096)
            if mark in head:
                path.unlink()
    analysis = directory / "analysis"
    record = _read_json(analysis / MANIFEST)
    if analysis.is_dir() and not analysis.is_symlink() and record and record.get("field"):
        shutil.rmtree(analysis)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 50_000_000:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def is_field_results(directory: Path) -> bool:
    """Whether ``directory`` holds a field's results (its manifest says so)."""
    manifest = _read_json(Path(directory) / MANIFEST)
    return manifest is not None and manifest.get("format") == FORMAT


# ---- reading back -------------------------------------------------------------------------------
@dataclass
class FieldResults:
    """A field's results read back from its directory (every file checked against its digest).

    Attributes
    ----------
    path, manifest
        The directory and its manifest.
    outcomes
        Each platform's (and ``alone``'s) per-city table (:data:`OUTCOME_COLUMNS`), by city.
    results
        The same as :class:`FieldResult` s: what :func:`cisim.field.field` returned in memory.
    variants
        Each swept platform's table and lever values.
    """

    path: Path
    manifest: dict[str, Any]
    outcomes: dict[str, pd.DataFrame]
    results: dict[str, FieldResult]
    variants: dict[str, Variant]

    @property
    def text(self) -> str:
        """The field file, verbatim."""
        return str(self.manifest["field"]["text"])

    @property
    def platforms(self) -> list[str]:
        """The platforms, in the file's order (not the baseline)."""
        return [name for name in self.manifest["platforms"] if name != BASELINE]


def load(directory: str | Path) -> FieldResults:
    """A finished field's results; a one-line :class:`FieldStoreError` if the directory is not
    one, is unfinished, or a file does not match its checksum."""
    from cisim.study.sweeps.store import file_sha256

    path = Path(directory)
    manifest = _read_json(path / MANIFEST)
    if manifest is None or manifest.get("format") != FORMAT:
        raise FieldStoreError(
            f"{path} holds no field's results (no {MANIFEST} of cisim field); run 'cisim field "
            f"FILE --out {path}' first"
        )
    try:
        if manifest["status"] != "complete":
            raise FieldStoreError(
                f"{path} holds an unfinished field (status {manifest['status']!r}); run it again: "
                f"cisim field {manifest['field']['file']} --out {path}"
            )
        cities = int(manifest["field"]["cities"])
        sums = dict(manifest["checksums"])
        outcomes: dict[str, pd.DataFrame] = {}
        results: dict[str, FieldResult] = {}
        variants: dict[str, Variant] = {}
        for name, entry in manifest["platforms"].items():
            frames = []
            for relative in entry["files"]:
                file = _inside(path, relative)
                if sums.get(relative) != file_sha256(file):
                    raise FieldStoreError(
                        f"{file} does not match its checksum in {path / MANIFEST}: the file was "
                        "changed or damaged; run the field again"
                    )
                if relative.startswith(f"{OUTCOMES}/"):
                    frames.append(pd.read_parquet(file))
            table = pd.concat(frames, ignore_index=True).sort_values("city", ignore_index=True)
            if list(table["city"]) != list(range(cities)):
                raise FieldStoreError(
                    f"{path / OUTCOMES / name} does not hold each of the {cities:,} cities once"
                )
            record = pd.read_parquet(_inside(path, f"{PLATFORM}/{name}.parquet"))
            outcomes[name] = table
            results[name] = FieldResult(
                cities=table[list(RESULT_COLUMNS)].copy(), record=record, spent=entry["spent"]
            )
            if entry.get("swept"):
                variants[name] = Variant(str(entry["base"]), dict(entry["swept"]))
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, FieldStoreError):
            raise
        raise FieldStoreError(
            f"{path / MANIFEST} is not a readable field manifest ({type(exc).__name__}: {exc})"
        ) from None
    except OSError as exc:
        raise FieldStoreError(f"cannot read {path}: {exc.strerror or exc}") from None
    return FieldResults(path, manifest, outcomes, results, variants)


def _inside(root: Path, relative: str) -> Path:
    """``root/relative``, refused if it leaves ``root`` or passes through a link (the manifest
    is data on disk)."""
    parts = Path(relative).parts
    if not parts or Path(relative).is_absolute() or ".." in parts or "\0" in relative:
        raise FieldStoreError(f"{root / MANIFEST} names a file outside the directory: {relative}")
    path = root.joinpath(*parts)
    here = root
    for part in parts:
        here = here / part
        if here.is_symlink():
            raise FieldStoreError(f"{here} is a symbolic link; a field's files are plain files")
    return path

"""The sweep directory: Parquet shards keyed by run, a manifest, a lock; resuming and loading.

Layout::

    DIR/manifest.json                   what was run, by whom, when; status running or complete
    DIR/experiment.toml                 a copy of the experiment file
    DIR/design.parquet                  the design points (point, parameters, digest)
    DIR/runs/task-000123.parquet        one row per run of task 123
    DIR/trajectories/task-000123.parquet  one row per run and month of task 123
    DIR/.lock                           held (flock) while a sweep writes

Every file is written atomically (a temporary file in the same directory, fsync, rename). A
task's trajectories shard is written before its runs shard: the runs shard is the task's commit
mark. A sweep started again in the same directory skips the tasks whose runs shard reads back
whole, and redoes the others, so after any interruption no run is lost or duplicated.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import platform
import re
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from cisim._version import __version__
from cisim.errors import CisimError
from cisim.regimes import REGIMES
from cisim.report import git_commit
from cisim.scenario import Scenario
from cisim.sweeps.designs import design_table, point_values
from cisim.sweeps.experiment import Experiment
from cisim.sweeps.tasks import RUN_KEY, TaskResult, n_tasks

FORMAT = "cisim-sweep/1"
MANIFEST = "manifest.json"
EXPERIMENT_COPY = "experiment.toml"
DESIGN = "design.parquet"
RUNS, TRAJECTORIES = "runs", "trajectories"
LOCK = ".lock"
_SHARD = re.compile(r"^task-(\d{6,})\.parquet$")
_OURS = frozenset({MANIFEST, EXPERIMENT_COPY, DESIGN, RUNS, TRAJECTORIES, LOCK})


class SweepError(CisimError):
    """A sweep directory that cannot be used (locked, another experiment, incomplete)."""


def shard_name(index: int) -> str:
    """The file name of task ``index``'s shards."""
    return f"task-{index:06d}.parquet"


# ---- atomic writes ---------------------------------------------------------------------------
def write_parquet_atomic(table: pa.Table, path: Path) -> None:
    """Write ``table`` to ``path`` so that it appears whole or not at all."""
    temp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        with open(temp, "wb") as handle:
            pq.write_table(table, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


def write_text_atomic(text: str, path: Path) -> None:
    """Write ``text`` to ``path`` so that it appears whole or not at all."""
    temp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        with open(temp, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---- the lock --------------------------------------------------------------------------------
@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Hold ``DIR/.lock`` exclusively; raise :class:`SweepError` if another sweep holds it."""
    fd = os.open(directory / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            raise SweepError(
                f"{directory} is in use by another sweep (pid {holder}); wait for it to finish "
                "or choose another --out"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock


# ---- the store -------------------------------------------------------------------------------
@dataclass
class SweepStore:
    """A sweep directory being written (use :func:`open_store`)."""

    path: Path
    experiment: Experiment
    manifest: dict[str, Any]
    done: frozenset[int] = field(default_factory=frozenset)
    redone: int = 0

    @property
    def runs_done(self) -> int:
        """Runs in the finished tasks."""
        bounds = (_task_bounds(self.manifest, i) for i in self.done)
        return sum(stop - first for first, stop in bounds)

    def write(self, result: TaskResult) -> None:
        """Write a task's shards: trajectories first, then runs (the commit mark)."""
        name = shard_name(result.index)
        if self.experiment.trajectories:
            write_parquet_atomic(result.trajectories, self.path / TRAJECTORIES / name)
        write_parquet_atomic(result.runs, self.path / RUNS / name)

    def finish(self, *, complete: bool) -> None:
        """Record the end of this session (and the sweep's, when ``complete``)."""
        now = _now()
        self.manifest["sessions"][-1]["ended_utc"] = now
        if complete:
            self.manifest["status"] = "complete"
            self.manifest["ended_utc"] = now
        _write_manifest(self.path, self.manifest)


@contextlib.contextmanager
def open_store(
    path: str | Path, experiment: Experiment, design: pd.DataFrame, *, command: str | None
) -> Iterator[SweepStore]:
    """Open (create or resume) the sweep directory for ``experiment``, holding its lock.

    Raises
    ------
    SweepError
        If another sweep holds the directory, it holds another experiment's sweep, or it
        exists and was not written by ``cisim sweep``.
    """
    directory = Path(path)
    _check_directory(directory)
    directory.mkdir(parents=True, exist_ok=True)
    with locked(directory):
        manifest = _read_manifest(directory) if (directory / MANIFEST).exists() else None
        if manifest is None:
            manifest = new_manifest(experiment, design, command=command)
        else:
            _check_same(directory, manifest, experiment)
            manifest["status"] = "running"
            manifest["sessions"].append(_session(command))
        _write_manifest(directory, manifest)
        _write_inputs(directory, experiment, design)
        store = SweepStore(directory, experiment, manifest)
        store.done, store.redone = _scan(directory, experiment, design, manifest)
        yield store


def new_manifest(
    experiment: Experiment, design: pd.DataFrame, *, command: str | None
) -> dict[str, Any]:
    """The manifest of a new sweep (status ``running``)."""
    text = experiment.toml
    runs = len(design) * experiment.replicates
    return {
        "format": FORMAT,
        "experiment": {
            "name": experiment.name,
            "file": experiment.source,
            "text": text,
            "sha256": _sha256(text),
            "base": experiment.base_ref,
            "base_scenario": None if experiment.base is None else experiment.base.to_dict(),
        },
        "fingerprint": experiment.fingerprint,
        "cisim_version": __version__,
        "git_commit": git_commit(),
        "python": platform.python_version(),
        "model": experiment.model,
        "design": experiment.design,
        "seed": experiment.seed,
        "seeds": "replicate k of every point: numpy SeedSequence(seed, spawn_key=(k,))",
        "replicates": experiment.replicates,
        "points": len(design),
        "runs": runs,
        "tasks": n_tasks(runs, experiment.task_size),
        "task_size": experiment.task_size,
        "started_utc": _now(),
        "ended_utc": None,
        "status": "running",
        "command": command,
        "sessions": [_session(command)],
    }


def _session(command: str | None) -> dict[str, Any]:
    return {"started_utc": _now(), "ended_utc": None, "command": command, "pid": os.getpid()}


def _check_directory(directory: Path) -> None:
    if directory.exists() and not directory.is_dir():
        raise SweepError(f"{directory} exists and is not a directory; choose another --out")
    if not directory.is_dir():
        return
    foreign = sorted(e.name for e in directory.iterdir() if e.name not in _OURS)
    foreign = [name for name in foreign if not name.startswith(".")]
    if foreign and not (directory / MANIFEST).exists():
        raise SweepError(
            f"{directory} exists and was not written by cisim sweep (it holds "
            f"{', '.join(foreign[:3])}{', ...' if len(foreign) > 3 else ''}); choose another --out"
        )


def _check_same(directory: Path, manifest: dict[str, Any], experiment: Experiment) -> None:
    if manifest.get("format") != FORMAT:
        raise SweepError(
            f"{directory} holds another cisim output, not a sweep; choose another --out"
        )
    if manifest.get("fingerprint") != experiment.fingerprint:
        name = manifest.get("experiment", {}).get("name")
        raise SweepError(
            f"{directory} holds a sweep of another experiment ({name!r}, or this one with other "
            "settings); choose a new --out, or remove the directory to start again"
        )
    stored = directory / DESIGN
    if stored.exists():
        old = pd.read_parquet(stored).drop(columns="digest")
        if not old.equals(design_table(experiment)):
            raise SweepError(
                f"{directory}: the experiment's design differs from the one stored (another "
                "SciPy or SALib version?); choose a new --out"
            )


def _write_inputs(directory: Path, experiment: Experiment, design: pd.DataFrame) -> None:
    for sub in (RUNS, TRAJECTORIES):
        (directory / sub).mkdir(exist_ok=True)
    if not (directory / EXPERIMENT_COPY).exists():
        write_text_atomic(experiment.toml, directory / EXPERIMENT_COPY)
    if not (directory / DESIGN).exists():
        write_parquet_atomic(_with_digests(experiment, design), directory / DESIGN)


def _with_digests(experiment: Experiment, design: pd.DataFrame) -> pa.Table:
    model, settings = experiment.sweep_model, experiment.settings
    frame = design.copy()
    frame["digest"] = pd.Series(
        [model.digest(settings, v) for v in point_values(design)], dtype="str"
    )
    return pa.Table.from_pandas(frame, preserve_index=False)


# ---- resuming --------------------------------------------------------------------------------
def _scan(
    directory: Path, experiment: Experiment, design: pd.DataFrame, manifest: dict[str, Any]
) -> tuple[frozenset[int], int]:
    """Finished tasks (shards that read back whole) and how many damaged ones were removed."""
    _remove_temporaries(directory)
    done: set[int] = set()
    damaged = 0
    for index, path in _shards(directory / RUNS):
        if index < manifest["tasks"] and _valid(directory, experiment, design, manifest, index):
            done.add(index)
        else:
            path.unlink()
            damaged += 1
    for index, path in _shards(directory / TRAJECTORIES):
        if index not in done:
            path.unlink()
    return frozenset(done), damaged


def _remove_temporaries(directory: Path) -> None:
    for sub in (directory, directory / RUNS, directory / TRAJECTORIES):
        for entry in sub.glob(".*.tmp-*"):
            if not entry.is_dir():  # a directory is another writer's (cisim analyze's), not ours
                entry.unlink(missing_ok=True)


def _shards(directory: Path) -> list[tuple[int, Path]]:
    out = []
    for entry in directory.iterdir():
        match = _SHARD.match(entry.name)
        if match:
            out.append((int(match.group(1)), entry))
    return sorted(out)


def _valid(
    directory: Path,
    experiment: Experiment,
    design: pd.DataFrame,
    manifest: dict[str, Any],
    index: int,
) -> bool:
    """Whether task ``index``'s shards read back with exactly the runs (and rows) expected."""
    first, stop = _task_bounds(manifest, index)
    reps = manifest["replicates"]
    try:
        runs = pq.read_table(directory / RUNS / shard_name(index))
        run_numbers = runs["point"].to_numpy() * reps + runs["replicate"].to_numpy()
        if run_numbers.tolist() != list(range(first, stop)):
            return False
        if not experiment.trajectories:
            return True
        meta = pq.read_metadata(directory / TRAJECTORIES / shard_name(index))
        return meta.num_rows == _trajectory_rows(experiment, design, first, stop)
    except (OSError, pa.ArrowException, KeyError):
        return False


def _task_bounds(manifest: dict[str, Any], index: int) -> tuple[int, int]:
    size = manifest["task_size"]
    return index * size, min((index + 1) * size, manifest["runs"])


def _trajectory_rows(experiment: Experiment, design: pd.DataFrame, first: int, stop: int) -> int:
    reps = experiment.replicates
    rows_of_task = design.iloc[first // reps : (stop - 1) // reps + 1]
    model, settings = experiment.sweep_model, experiment.settings
    rows = 0
    for offset, values in enumerate(point_values(rows_of_task)):
        point = first // reps + offset
        count = min(stop, (point + 1) * reps) - max(first, point * reps)
        rows += count * (model.months(settings, values) + 1)
    return rows


# ---- manifest --------------------------------------------------------------------------------
def _read_manifest(directory: Path) -> dict[str, Any]:
    try:
        data = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SweepError(f"{directory / MANIFEST} cannot be read ({exc})") from None
    if not isinstance(data, dict):
        raise SweepError(f"{directory / MANIFEST} is not a sweep manifest")
    return data


def _write_manifest(directory: Path, manifest: dict[str, Any]) -> None:
    text = json.dumps(manifest, indent=2, default=str) + "\n"
    write_text_atomic(text, directory / MANIFEST)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# ---- loading ---------------------------------------------------------------------------------
@dataclass
class SweepResults:
    """A sweep read back from its directory (see :func:`load`).

    Attributes
    ----------
    path
        The directory.
    manifest
        The manifest (what was run, when, status).
    experiment
        The experiment, rebuilt from the stored text and base scenario.
    design
        The design points: ``point``, the varied parameters and ``digest``.
    runs
        One row per finished run, sorted by point then replicate.
    """

    path: Path
    manifest: dict[str, Any]
    experiment: Experiment
    design: pd.DataFrame
    runs: pd.DataFrame

    @property
    def complete(self) -> bool:
        """Whether every run of the design is in :attr:`runs`."""
        return len(self.runs) == self.manifest["runs"]

    def trajectories(
        self, columns: Sequence[str] | None = None, points: Sequence[int] | None = None
    ) -> pd.DataFrame:
        """Monthly trajectories, read from the shards on demand.

        Parameters
        ----------
        columns
            Metrics to read (default: all stored); ``point``, ``replicate`` and ``month`` always
            come too.
        points
            Design points to read (default: all).

        Returns
        -------
        pandas.DataFrame
            Sorted by point, replicate and month.
        """
        files = self._trajectory_files()
        keys = ["point", "replicate", "month"]
        wanted = keys + [c for c in (columns or self.experiment.trajectories) if c not in keys]
        if not files:
            return pd.DataFrame({c: pd.Series(dtype="float32") for c in wanted})
        dataset = pads.dataset([str(f) for f in files], format="parquet")
        filt = None if points is None else pads.field("point").isin([int(p) for p in points])
        table = dataset.to_table(columns=wanted, filter=filt)
        frame = table.to_pandas()
        return frame.sort_values(keys, kind="stable", ignore_index=True)

    def _trajectory_files(self) -> list[Path]:
        committed = {index for index, _ in _shards(self.path / RUNS)}
        return [p for i, p in _shards(self.path / TRAJECTORIES) if i in committed]


def load(path: str | Path, *, allow_incomplete: bool = False) -> SweepResults:
    """Read a sweep directory.

    Parameters
    ----------
    path
        The ``--out`` directory of ``cisim sweep``.
    allow_incomplete
        Read an unfinished sweep's finished runs instead of raising.

    Raises
    ------
    SweepError
        If the directory holds no sweep, or an incomplete one (unless ``allow_incomplete``).
    """
    directory = Path(path)
    if not (directory / MANIFEST).is_file():
        raise SweepError(f"{directory} holds no sweep (no {MANIFEST})")
    manifest = _read_manifest(directory)
    if manifest.get("format") != FORMAT:
        raise SweepError(f"{directory} holds another cisim output, not a sweep")
    runs = _read_runs(directory)
    if len(runs) != manifest["runs"] and not allow_incomplete:
        raise SweepError(
            f"{directory} holds {len(runs):,} of {manifest['runs']:,} runs: the sweep is "
            "incomplete; run the same 'cisim sweep' command again to finish it, or load it "
            "with allow_incomplete=True"
        )
    return SweepResults(
        path=directory,
        manifest=manifest,
        experiment=_stored_experiment(directory, manifest),
        design=pd.read_parquet(directory / DESIGN),
        runs=runs,
    )


def _read_runs(directory: Path) -> pd.DataFrame:
    files = [str(p) for _, p in _shards(directory / RUNS)]
    if not files:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in (*RUN_KEY, "seed")})
    frame = pads.dataset(files, format="parquet").to_table().to_pandas()
    if "regime" in frame.columns:
        frame["regime"] = pd.Categorical(frame["regime"], categories=list(REGIMES))
    return frame.sort_values(list(RUN_KEY), kind="stable", ignore_index=True)


def _stored_experiment(directory: Path, manifest: dict[str, Any]) -> Experiment:
    record = manifest["experiment"]
    base_data = record.get("base_scenario")
    base = None if base_data is None else Scenario.from_dict(base_data)
    return Experiment.from_text(record["text"], source=record.get("file") or "<sweep>", base=base)

"""The sweep directory: Parquet shards keyed by run, a manifest, a lock; resuming and loading.

Layout::

    DIR/manifest.json                   what was run, by whom, when; status running or complete
    DIR/experiment.toml                 a copy of the experiment file
    DIR/design.parquet                  the design points (point, parameters, digest)
    DIR/runs/task-000123.parquet        one row per run of task 123
    DIR/trajectories/task-000123.parquet  one row per run and month of task 123
    DIR/checksums/task-000123.sha256    SHA-256 of task 123's shards (``sha256sum -c`` format)
    DIR/.lock                           held while a sweep writes (the system's lock: flock on
                                        POSIX, LockFileEx on Windows, through filelock)

Every file is written atomically (a temporary file in the same directory, fsync, rename). A
task's trajectories shard is written first, then its runs shard, then its checksum file: the
checksum file is the task's commit mark. Who writes a task's three files depends on how the sweep
runs (``run_sweep(writer=...)``, ``cisim sweep --shards-by``): with a process pool or a Dask
cluster each worker writes its own task's files (:class:`ShardWriter`) and sends back only a
:class:`Receipt`, which the sweep's process checks (:meth:`SweepStore.accept`) before counting the
task; run inline, or with ``writer="parent"``, the sweep's process writes them
(:meth:`SweepStore.write`). Both go through :func:`write_shards`, so the files are the same byte
for byte, and a task written twice (sent again after its worker was lost) is the same bytes under
the same names. Only the sweep's process writes the manifest, the experiment copy, the design
and the lock. Workers that write their shards must see the sweep directory at the same path: on a
cluster of several machines it must be on a file system they all share (an object store path
such as ``s3://`` is not supported). A sweep started again in the same directory skips the
tasks whose shards match their checksums and read back whole, and redoes the others, so after any
interruption no run is lost or duplicated. Reading a sweep back
(:func:`cisim.study.sweeps.results.load`) checks every shard it reads against its checksum: a
shard damaged on disk is an error naming it, never a wrong table. Problems of the disk itself
(full, read-only, permission denied) are :class:`SweepError` s that name the file and say how to
resume.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import socket
import stat
import sys
import time
import uuid
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from filelock import lock_descriptor

from cisim.errors import CisimWarning, refusal_reason
from cisim.io import not_written_by, output_entries
from cisim.study.provenance import utc_text
from cisim.study.sweeps.designs import point_values
from cisim.study.sweeps.experiment import Experiment
from cisim.study.sweeps.record import (
    FORMAT,
    MANIFEST,
    SweepDiskError,
    SweepError,
    check_same,
    manifest_text,
    new_manifest,
    read_manifest,
    session,
)
from cisim.study.sweeps.tasks import Task, TaskResult, run_task

EXPERIMENT_COPY = "experiment.toml"
DESIGN = "design.parquet"
RUNS, TRAJECTORIES, CHECKSUMS = "runs", "trajectories", "checksums"
LOCK = ".lock"
SHARD_FILE = re.compile(r"^task-(\d{6,})\.parquet$")
CHECKSUM_FILE = re.compile(r"^task-(\d{6,})\.sha256$")


def shard_name(index: int) -> str:
    """The file name of task ``index``'s shards."""
    return f"task-{index:06d}.parquet"


def checksum_name(index: int) -> str:
    """The file name of task ``index``'s checksum file."""
    return f"task-{index:06d}.sha256"


def disk_error(exc: OSError, action: str, path: Path | str) -> SweepError:
    """A one-line :class:`SweepDiskError` for a problem of the disk (full, read-only, no
    access); the command line exits with 1 for it."""
    return SweepDiskError(f"cannot {action} {path}: {refusal_reason(exc)}")


# ---- atomic writes ---------------------------------------------------------------------------
def write_parquet_atomic(table: pa.Table, path: Path) -> str:
    """Write ``table`` to ``path`` so that it appears whole or not at all; return its SHA-256."""
    return _write_parquet_sized(table, path)[0]


def _write_parquet_sized(table: pa.Table, path: Path) -> tuple[str, int]:
    """:func:`write_parquet_atomic`, also returning the file's size in bytes."""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    data = sink.getvalue().to_pybytes()
    _write_bytes_atomic(data, path)
    return hashlib.sha256(data).hexdigest(), len(data)


def _write_bytes_atomic(data: bytes, path: Path) -> None:
    temp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW  # a new file, never a link's
        with open(os.open(temp, flags, 0o666), "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


def write_text_atomic(text: str, path: Path) -> None:
    """Write ``text`` to ``path`` so that it appears whole or not at all."""
    _write_bytes_atomic(text.encode("utf-8"), path)


def _fsync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable (POSIX; Windows cannot open a directory as a file,
    and NTFS journals the rename itself)."""
    if sys.platform == "win32":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---- a task's shards -------------------------------------------------------------------------
#: What to do when the workers cannot write into the sweep directory.
SHARED_HINT = (
    "with shards written by the workers the sweep directory must be one every worker sees at the "
    "same path (a shared file system); run with --shards-by parent (run_sweep(..., "
    "writer='parent')) to have the sweep's own process write them"
)
#: Pauses (seconds) before a worker's files missing from this process's view count as missing.
_RECEIPT_WAITS = (0.05, 0.2, 0.5, 1.0)


@dataclass(frozen=True)
class Receipt:
    """What a worker that wrote its task's shards sends back (a few hundred bytes).

    Attributes
    ----------
    index
        The task.
    runs, trajectory_rows
        Rows of its runs and trajectories shards.
    checksums
        The text of its checksum file (one ``sha256  path`` line per shard).
    sizes
        Each shard's relative path and size in bytes.
    host
        The host name of the process that wrote them (for messages).
    """

    index: int
    runs: int
    trajectory_rows: int
    checksums: str
    sizes: tuple[tuple[str, int], ...]
    host: str


def write_shards(directory: Path, result: TaskResult, *, trajectories: bool) -> Receipt:
    """Write a task's shards into the sweep ``directory``: trajectories (if the sweep keeps
    them), runs, then their checksum file (the commit mark); return the receipt.

    The one function both writers use (the sweep's process, or the worker that ran the task), so
    the files are the same bytes whoever writes them. Raises :class:`SweepError` if the disk
    refuses (full, read-only); nothing of the task is left half-written.
    """
    name = shard_name(result.index)
    files: list[tuple[str, pa.Table]] = []
    if trajectories:
        files.append((f"{TRAJECTORIES}/{name}", result.trajectories))
    files.append((f"{RUNS}/{name}", result.runs))
    lines, sizes = [], []
    target = directory
    try:
        for relative, table in files:
            target = directory / relative
            digest, size = _write_parquet_sized(table, target)
            lines.append(f"{digest}  {relative}\n")
            sizes.append((relative, size))
        target = directory / CHECKSUMS / checksum_name(result.index)
        text = "".join(lines)
        write_text_atomic(text, target)
    except OSError as exc:
        raise disk_error(exc, "write", target) from None
    traj_rows = result.trajectories.num_rows if trajectories else 0
    return Receipt(
        result.index, result.runs.num_rows, traj_rows, text, tuple(sizes), socket.gethostname()
    )


@dataclass(frozen=True)
class ShardWriter:
    """The worker function when workers write their shards: run a task, write its shards into
    the sweep directory (:func:`write_shards`), return only the :class:`Receipt`.

    Plain data, so it travels to process pools and Dask workers. ``directory`` must be the sweep
    directory as the worker sees it: on a cluster of several machines, a path on a file system
    every worker shares. A worker that cannot see it fails before running the task, with a
    :class:`SweepError` saying to use ``--shards-by parent``.
    """

    directory: str
    trajectories: bool

    def __call__(self, task: Task) -> Receipt:
        """Run ``task`` and write its shards; return the receipt."""
        path = Path(self.directory)
        if not ((path / CHECKSUMS).is_dir() and (path / RUNS).is_dir()):
            raise SweepError(
                f"the worker on {socket.gethostname()} (pid {os.getpid()}) cannot see the sweep "
                f"directory {path}; {SHARED_HINT}"
            )
        return write_shards(path, run_task(task), trajectories=self.trajectories)


def _missing(directory: Path, receipt: Receipt) -> str | None:
    """What of a receipt's files this process does not see as reported (``None``: all is)."""
    mark = directory / CHECKSUMS / checksum_name(receipt.index)
    try:
        text = mark.read_text(encoding="utf-8")
    except FileNotFoundError:
        return f"no {CHECKSUMS}/{mark.name}"
    except (OSError, UnicodeDecodeError) as exc:
        return f"{CHECKSUMS}/{mark.name} cannot be read: {exc}"
    if text != receipt.checksums:
        return f"{CHECKSUMS}/{mark.name} differs from the worker's"
    for relative, size in receipt.sizes:
        try:
            found = (directory / relative).stat().st_size
        except OSError:
            return f"no {relative}"
        if found != size:
            return f"{relative} has {found} bytes, not {size}"
    return None


# ---- the lock --------------------------------------------------------------------------------
@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Hold ``DIR/.lock`` exclusively; raise :class:`SweepError` if another sweep holds it.

    The lock file is opened without following a symbolic link, and used only if it is a plain
    file of its own (one link, a few bytes: a pid): a ``.lock`` that is a link to somebody's
    file, a FIFO or a directory is refused, never truncated or written through. The lock is the
    system's own on the open descriptor (:func:`filelock.lock_descriptor`: ``flock`` on POSIX,
    ``LockFileEx`` on Windows), released when the descriptor is closed, even by a crash.
    """
    path = directory / LOCK
    if not _NOFOLLOW and path.is_symlink():  # a system without O_NOFOLLOW (Windows)
        raise _not_our_lock(path)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW | _NONBLOCK | _BINARY, 0o644)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EISDIR, errno.ENXIO) or path.is_dir():
            raise _not_our_lock(path) from None
        raise disk_error(exc, "write to", directory) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1 or info.st_size > 64:
            raise _not_our_lock(path)
        if not _lock(fd, directory):
            raise SweepError(
                f"{directory} is in use by another sweep (pid {_holder(fd)}); wait for it to "
                "finish or choose another --out"
            )
        os.ftruncate(fd, 0)
        _write_at_start(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)  # closing releases the lock


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO named .lock must not block the open
_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation


def _lock(fd: int, directory: Path) -> bool:
    """Lock ``fd`` without waiting: ``False`` if another process holds it. A system with no file
    lock at all (``ENOSYS``) gets a warning and no lock."""
    try:
        return lock_descriptor(fd, blocking=False)
    except OSError as exc:
        if exc.errno != errno.ENOSYS:
            raise
    warnings.warn(
        f"this system offers no file lock, so nothing stops a second sweep from writing into "
        f"{directory} at the same time: run one sweep per directory",
        CisimWarning,
        stacklevel=4,
    )
    return True


def _holder(fd: int) -> str:
    """The pid the holder wrote, or ``unknown`` (Windows forbids reading a locked byte)."""
    try:
        text = _read_at_start(fd, 64).decode(errors="replace").strip()
    except OSError:
        text = ""
    return text or "unknown"


def _read_at_start(fd: int, size: int) -> bytes:
    """Up to ``size`` bytes from the start of ``fd`` (``os.pread`` where the system has it)."""
    if hasattr(os, "pread"):
        return os.pread(fd, size, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    return os.read(fd, size)


def _write_at_start(fd: int, data: bytes) -> None:
    """Write ``data`` at the start of ``fd`` (``os.pwrite`` where the system has it)."""
    if hasattr(os, "pwrite"):
        os.pwrite(fd, data, 0)
        return
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, data)


def _not_our_lock(path: Path) -> SweepError:
    return SweepError(
        f"{path} is not cisim's lock file (a symbolic link, a second name of another file, a "
        "FIFO or a directory); it is left as it is: remove it yourself, or choose another --out"
    )


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

    def write(self, result: TaskResult) -> Receipt:
        """Write a task's shards here (the parent writes): see :func:`write_shards`.

        Raises :class:`SweepError` if the disk refuses (full, read-only); nothing of the task is
        left half-written, and the tasks written before are kept.
        """
        return write_shards(self.path, result, trajectories=bool(self.experiment.trajectories))

    def accept(self, receipt: Receipt) -> Receipt:
        """Check a worker's receipt for the shards it wrote (the workers write).

        The task's checksum file must be here with exactly the receipt's text, and its shards
        with the receipt's sizes, and the runs must be the task's. A worker that wrote elsewhere
        (its own disk, not this directory) is a :class:`SweepError` saying to let this process
        write the shards (``--shards-by parent``); nothing is counted that is not on this disk.
        """
        first, stop = _task_bounds(self.manifest, receipt.index)
        if not 0 <= receipt.index < self.manifest["tasks"] or receipt.runs != stop - first:
            raise SweepError(
                f"a worker on {receipt.host} sent a receipt for task {receipt.index} with "
                f"{receipt.runs} runs, which is not a task of this sweep ({self.path})"
            )
        problem = _missing(self.path, receipt)
        for pause in _RECEIPT_WAITS:  # a shared file system may show another host's file late
            if problem is None:
                return receipt
            time.sleep(pause)
            problem = _missing(self.path, receipt)
        if problem is None:
            return receipt
        raise SweepError(
            f"task {receipt.index}'s shards, written by a worker on {receipt.host}, are not in "
            f"{self.path} as the worker reported ({problem}): the workers do not write to the "
            f"directory this process reads; {SHARED_HINT}"
        )

    def finish(self, *, complete: bool, stopped: str | None = None) -> None:
        """Record the end of this session (and the sweep's, when ``complete``); ``stopped``
        says what stopped an unfinished session (``"SIGTERM"``, ``"interrupted (Ctrl-C)"``)."""
        now = utc_text()
        self.manifest["sessions"][-1]["ended_utc"] = now
        if stopped is not None:
            self.manifest["sessions"][-1]["stopped"] = stopped
        if complete:
            self.manifest["status"] = "complete"
            self.manifest["ended_utc"] = now
        try:
            _write_manifest(self.path, self.manifest)
        except OSError as exc:
            raise disk_error(exc, "write", self.path / MANIFEST) from None

    def finish_quietly(self, stopped: str | None = None) -> None:
        """Record an interrupted session if the disk allows (a failing disk must not mask why)."""
        with contextlib.suppress(OSError, SweepError):
            self.finish(complete=False, stopped=stopped)


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
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise disk_error(exc, "create", directory) from None
    with locked(directory):
        manifest = read_manifest(directory) if (directory / MANIFEST).exists() else None
        if manifest is None:
            manifest = new_manifest(experiment, design, command=command)
        else:
            check_same(directory, manifest, experiment)
            _check_design(directory, design)
            manifest["status"] = "running"
            manifest["sessions"].append(session(command))
        try:
            _write_manifest(directory, manifest)
            _write_inputs(directory, experiment, design)
            store = SweepStore(directory, experiment, manifest)
            store.done, store.redone = _scan(directory, experiment, design, manifest)
        except OSError as exc:
            raise disk_error(exc, "write to", directory) from None
        yield store


def _check_directory(directory: Path) -> None:
    """Refuse, before anything is written (not even the lock), a directory that is not a sweep:
    one that holds anything but a sweep's manifest is somebody else's."""
    entries = output_entries(directory, lock=LOCK, error=SweepError)
    if not entries:
        return
    if (directory / MANIFEST).is_file():
        if read_manifest(directory).get("format") == FORMAT:
            return
        raise SweepError(
            f"{directory} holds another output (its {MANIFEST} is not a sweep's); choose "
            "another --out"
        )
    raise not_written_by(directory, entries, "sweep", SweepError)


def _check_design(directory: Path, design: pd.DataFrame) -> None:
    stored = directory / DESIGN
    if stored.exists():
        try:
            old = pd.read_parquet(stored).drop(columns="digest")
        except (OSError, pa.ArrowException, KeyError):
            stored.unlink()  # damaged: it is rewritten from the experiment
            return
        if not old.equals(design):
            raise SweepError(
                f"{directory}: the experiment's design differs from the one stored (another "
                "SciPy or SALib version?); choose a new --out"
            )


def _write_inputs(directory: Path, experiment: Experiment, design: pd.DataFrame) -> None:
    for sub in (RUNS, TRAJECTORIES, CHECKSUMS):
        path = directory / sub
        if path.is_symlink() or (path.exists() and not path.is_dir()):
            raise SweepError(
                f"{path} is not a folder of this sweep (a symbolic link or a file): nothing is "
                "written or removed through it; choose another --out"
            )
        path.mkdir(exist_ok=True)
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
    """Finished tasks (shards that match their checksums and read back whole) and how many
    damaged or half-committed ones were removed."""
    remove_temporaries(directory)
    done: set[int] = set()
    damaged = 0
    for index, path in shards(directory / RUNS):
        if index < manifest["tasks"] and _valid(directory, experiment, design, manifest, index):
            done.add(index)
        else:
            path.unlink()
            damaged += 1
    for sub, pattern in ((TRAJECTORIES, SHARD_FILE), (CHECKSUMS, CHECKSUM_FILE)):
        for index, path in numbered(directory / sub, pattern):
            if index not in done:
                path.unlink()
    return frozenset(done), damaged


def remove_temporaries(directory: Path) -> None:
    """Remove the temporary files of writes that never finished (a process ended mid-write)."""
    for sub in (directory, directory / RUNS, directory / TRAJECTORIES, directory / CHECKSUMS):
        for entry in sub.glob(".*.tmp-*"):
            if not entry.is_dir():  # a directory is another writer's (cisim analyze's), not ours
                entry.unlink(missing_ok=True)


def shards(directory: Path) -> list[tuple[int, Path]]:
    """The task shards in a directory, as ``(task, path)`` in task order."""
    return numbered(directory, SHARD_FILE)


def numbered(directory: Path, pattern: re.Pattern[str]) -> list[tuple[int, Path]]:
    """The files of ``directory`` whose names match ``pattern``, as ``(task, path)`` in order."""
    if not directory.is_dir():
        return []
    out = []
    for entry in directory.iterdir():
        match = pattern.match(entry.name)
        if match:
            out.append((int(match.group(1)), entry))
    return sorted(out)


def checksums_required(manifest: dict[str, Any]) -> bool:
    """Whether the sweep writes checksum files (every sweep since checksums were added)."""
    return "checksums" in manifest


def expected_checksums(directory: Path, index: int) -> dict[str, str] | None:
    """The ``{relative path: sha256}`` of task ``index``, or ``None`` if it has none (yet)."""
    path = directory / CHECKSUMS / checksum_name(index)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        return {}
    out: dict[str, str] = {}
    for line in text.splitlines():
        digest, _, relative = line.partition("  ")
        if len(digest) != 64 or not relative:
            return {}
        out[relative] = digest
    return out


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _matches(directory: Path, index: int, tables: Sequence[str]) -> bool:
    """Whether task ``index`` has a checksum file naming exactly ``tables`` and they match."""
    expected = expected_checksums(directory, index)
    wanted = {f"{table}/{shard_name(index)}" for table in tables}
    if expected is None or set(expected) != wanted:
        return False
    return all(file_sha256(directory / rel) == digest for rel, digest in expected.items())


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
        if checksums_required(manifest):
            tables = (TRAJECTORIES, RUNS) if experiment.trajectories else (RUNS,)
            if not _matches(directory, index, tables):
                return False
        runs = pq.read_table(directory / RUNS / shard_name(index))
        run_numbers = runs["point"].to_numpy() * reps + runs["replicate"].to_numpy()
        if run_numbers.tolist() != list(range(first, stop)):
            return False
        if experiment.histories is not None:  # nested: who and what happened, as keyed
            cells = runs["population"].to_numpy() * experiment.histories
            cells = cells + runs["history"].to_numpy()
            if cells.tolist() != runs["replicate"].to_numpy().tolist():
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
def _write_manifest(directory: Path, manifest: dict[str, Any]) -> None:
    write_text_atomic(manifest_text(manifest), directory / MANIFEST)

"""Writing outputs safely: an output directory appears complete, or not at all.

:func:`atomic_directory` hands out a fresh temporary directory next to the target; when the
``with`` block finishes, the temporary directory takes the target's place in two renames. If the
block fails (or is interrupted) the temporary directory is removed and an existing target is left
as it was.

The rule that keeps everything else safe: an output command replaces only what it can prove it
wrote. Every output directory's ``manifest.json`` records which command wrote it (``"output":
"run"``, ``"study"``, ``"analysis"``) and every file it wrote (``"files"``, relative paths);
:func:`atomic_directory` adds both itself, so no command can forget them. :func:`check_target`
lets a command replace an existing directory only if it is empty, or its manifest says the same
command wrote it and it holds no file that manifest does not list (at any depth). A sweep
directory, somebody's project with its own ``manifest.json``, another command's output: all are
refused.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import unicodedata
import uuid
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cisim.errors import CisimError, SystemRefusal, refusal_reason

if TYPE_CHECKING:  # pandas is imported where a table is written, not with this module
    import pandas as pd

#: The file that marks a directory as a cisim output (and so as safe to replace).
MANIFEST = "manifest.json"
_TEMP_MARK = ".tmp-"
_ASIDE_MARK = ".old-"


class OutputError(CisimError):
    """An output directory that cannot be written, or must not be replaced."""


class OutputDiskError(OutputError, SystemRefusal):
    """The disk refused an output's write (full, read-only, no permission)."""


@contextmanager
def atomic_directory(path: str | Path, *, kind: str, carry_over: bool = False) -> Iterator[Path]:
    """Build a directory in a temporary place and move it to ``path`` only when complete.

    Parameters
    ----------
    path
        The target directory. Missing parents are created (and removed again on failure).
    kind
        The command writing it (``"run"``, ``"study"``, ``"analysis"``): only an earlier output
        of the same kind is replaced. The block must write ``manifest.json``; its ``output``
        (``kind``) and ``files`` (every entry written) are added before the swap.
    carry_over
        If true, entries of an existing target whose names the new directory does not use are
        moved into the new directory instead of being deleted (so ``results/README.md``
        survives a study written to ``results/``).

    Yields
    ------
    Path
        The temporary directory (``.NAME.tmp-XXXX`` in the target's parent) to write into.

    Raises
    ------
    OutputError
        If the target exists but is not a directory, is (or contains) the working directory,
        or holds files cisim did not write that the new output would replace.
    """
    target = Path(path)
    check_target(target, kind=kind, carry_over=carry_over)
    created = _make_parents(target.parent)
    _remove_abandoned(target)
    try:
        prefix = f".{target.name}{_TEMP_MARK}{os.getpid()}-"
        temp = Path(tempfile.mkdtemp(prefix=prefix, dir=target.parent))
        temp.chmod(0o777 & ~_umask())  # mkdtemp makes it private; results follow the umask
    except OSError as exc:
        _remove_empty(created)
        raise OutputError(f"{target}: cannot create an output directory ({exc.strerror})") from None
    try:
        try:
            yield temp
            _stamp(temp, kind)
            _swap_in(temp, target, kind=kind, carry_over=carry_over)
        except OSError as exc:  # the disk refused: name the output, not the temporary name
            where = str(exc.filename or target).replace(str(temp), str(target))
            raise OutputDiskError(f"cannot write {where}: {refusal_reason(exc)}") from None
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        _remove_empty(created)
        raise


def check_target(
    path: str | Path, *, kind: str, carry_over: bool = False, new_names: Collection[str] = ()
) -> None:
    """Raise :class:`OutputError` if ``path`` must not become (or be replaced by) a ``kind`` output.

    An existing directory may be replaced when it is empty, or when its ``manifest.json`` says a
    ``kind`` command wrote it and every entry in it is one that manifest lists. With
    ``carry_over``, entries the manifest does not list are kept (moved into the new output) as
    long as none of ``new_names`` would overwrite one of them.
    """
    target = Path(path)
    if target.is_symlink():
        raise OutputError(f"{target} is a symbolic link; give the directory itself")
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target} exists and is not a directory")
    if not target.is_dir():
        return
    if Path.cwd().resolve().is_relative_to(target.resolve()):
        raise OutputError(f"{target} is (or contains) the working directory; choose another")
    files = _all_files(target)
    if not files and not any(target.iterdir()):
        return
    written = _written_by(target, kind, files)
    if written is None and not carry_over:
        raise OutputError(f"{target} {_whose(target)}; choose another output directory")
    foreign = sorted(files - (written or set()) - ({MANIFEST} if written is not None else set()))
    if carry_over:
        foreign = [name for name in foreign if name.split("/")[0] in set(new_names)]
    if foreign:
        raise OutputError(
            f"{target} holds {_listing(foreign)}, not written by cisim {kind}; choose another "
            "output directory or move them"
        )


def output_entries(directory: Path, *, lock: str, error: type[CisimError]) -> list[str]:
    """The names in ``directory``, an output a command is about to write (a sweep's, a field's),
    without its ``lock`` and cisim's temporaries: ``[]`` when it does not exist or is empty.
    Raises ``error`` (one line) for a symbolic link or something that is not a directory."""
    if directory.is_symlink() or (directory.exists() and not directory.is_dir()):
        raise error(f"{directory} exists and is not a directory; choose another --out")
    if not directory.is_dir():
        return []
    return sorted(e.name for e in directory.iterdir() if e.name != lock and ".tmp-" not in e.name)


def not_written_by(
    directory: Path, entries: list[str], command: str, error: type[CisimError]
) -> CisimError:
    """The refusal of a directory ``cisim COMMAND`` did not write, naming what it holds."""
    shown = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
    return error(
        f"{directory} exists and was not written by cisim {command} (it holds {shown}); choose "
        "another --out"
    )


def _all_files(root: Path) -> set[str]:
    """Every file (and symbolic link) under ``root``, as relative POSIX paths; cisim's own
    temporary and set-aside directories left out."""
    out: set[str] = set()
    for here, dirs, names in os.walk(root):
        base = Path(here).relative_to(root)
        if base == Path("."):
            dirs[:] = [d for d in dirs if not _is_ours_in_flight(d)]
        for name in names + [d for d in dirs if (Path(here) / d).is_symlink()]:
            out.add((base / name).as_posix())
    return out


def check_file_target(path: str | Path, *, marker: str, what: str) -> None:
    """Raise :class:`OutputError` unless ``path`` is new or a file cisim wrote (its first bytes
    hold ``marker``); ``what`` names the kind of file (``"a cisim report"``)."""
    target = Path(path)
    if target.is_symlink():
        raise OutputError(f"{target} is a symbolic link; give the file itself")
    if not target.exists():
        return
    if not target.is_file():
        raise OutputError(f"{target} exists and is not a regular file; choose another")
    try:
        with open(target, "rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise OutputError(f"{target}: cannot be read ({exc.strerror})") from None
    if marker.encode() not in head:
        raise OutputError(
            f"{target} exists and is not {what}; cisim replaces only a file it wrote: choose "
            "another file name"
        )


def _written_by(target: Path, kind: str, files: set[str]) -> set[str] | None:
    """The files (relative paths) a ``kind`` output in ``target`` wrote, by its manifest; ``None``
    if it is not (provably) a ``kind`` output."""
    record = _read_record(target / MANIFEST)
    if record is None or "format" in record:  # "format": a sweep, never another command's
        return None
    listed = record.get("files")
    if record.get("output") == kind and isinstance(listed, list):
        return {name for name in listed if isinstance(name, str)}
    if "output" in record or kind not in _LEGACY_KEY:
        return None
    # written before manifests named their command and files: known names only
    if _LEGACY_KEY[kind] not in record or not isinstance(record.get("cisim_version"), str):
        return None
    return {name for name in files if _legacy_name(kind, target, name)}


#: What ``cisim study`` writes into its output directory (beside ``manifest.json``).
STUDY_OUTPUTS: tuple[str, ...] = (
    "presets",
    "figures",
    "comparison.csv",
    "comparison.md",
    "report.md",
    "who_is_at_the_table.csv",
)
#: A key only that command's manifests had before they recorded ``output`` and ``files``.
_LEGACY_KEY = {"run": "scenario", "study": "scenarios", "analysis": "sweep"}
_LEGACY_NAMES = {
    "run": {
        "summary.parquet",
        "summary.csv",
        "trajectories.parquet",
        "trajectories.csv",
        "scenario.toml",
        "figures",
    },
    "study": set(STUDY_OUTPUTS),
}


def _legacy_name(kind: str, target: Path, name: str) -> bool:
    top = name.split("/")[0]
    if (target / top).is_symlink():
        return False
    if kind == "analysis":  # flat CSV, PNG and JSON files
        return "/" not in name and Path(name).suffix in {".csv", ".png", ".json"}
    return top in _LEGACY_NAMES[kind]


def _read_record(path: Path) -> dict[str, Any] | None:
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 10_000_000:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _whose(target: Path) -> str:
    """What ``target`` is, in words, for a refusal."""
    record = _read_record(target / MANIFEST)
    if record is not None and "format" in record:
        return "holds a cisim sweep (its runs are never replaced by another command)"
    if record is not None and isinstance(record.get("output"), str):
        return f"holds the output of cisim {record['output']}, another command"
    if (target / MANIFEST).exists():
        return f"already exists and its {MANIFEST} was not written by this cisim command"
    names = sorted(e.name for e in target.iterdir() if not _is_ours_in_flight(e.name))
    return f"already exists and was not written by cisim (it holds {_listing(names)})"


def _listing(names: list[str]) -> str:
    return f"{', '.join(names[:3])}{', ...' if len(names) > 3 else ''}"


def _stamp(temp: Path, kind: str) -> None:
    """Add ``output`` and ``files`` to the new output's manifest (what proves it is cisim's)."""
    path = temp / MANIFEST
    record = _read_record(path)
    if record is None:
        raise OutputError(f"{temp}: an output must write its {MANIFEST} (a bug in cisim)")
    record["output"] = kind
    record["files"] = sorted(_all_files(temp) | {MANIFEST})
    write_json(record, path)


def write_table(frame: pd.DataFrame, directory: Path, stem: str, *, csv: bool = True) -> None:
    """Write ``frame`` as ``STEM.parquet`` (and ``STEM.csv``) in ``directory``."""
    frame.to_parquet(directory / f"{stem}.parquet", index=False)
    if csv:
        write_csv(frame, directory / f"{stem}.csv", index=False)


def write_json(data: Any, path: Path) -> None:
    """Write ``data`` as indented JSON with a final newline."""
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")


def refresh_text(path: Path, fresh: str, *, check: bool, stale: str, written: str) -> int:
    """Bring a generated file up to date: write ``fresh`` to ``path`` when it differs, saying
    ``written`` on stderr; with ``check``, write nothing and say ``stale`` instead. Returns the
    exit status: 1 when ``check`` finds the file out of date, else 0."""
    current = path.read_text(encoding="utf-8") if path.exists() else None
    if fresh == current:
        return 0
    if check:
        print(f"{path}: {stale}", file=sys.stderr)
        return 1
    path.write_text(fresh, encoding="utf-8")
    print(f"{path}: {written}", file=sys.stderr)
    return 0


def safe_name(name: str) -> str:
    """A directory name for a scenario name: readable, and different for different names.

    Letters and digits of every script are kept (``Ростов`` stays ``Ростов``); other characters
    become ``_``. Unless the result is the name itself (all lower case, at most 60 characters),
    the first 12 hex digits of the name's SHA-256 are appended, so two different names never
    share a directory (``a/b`` and ``a_b``, ``Москва`` and ``Ростов``, ``A`` and ``a`` on a
    file system that ignores case) and no name is too long for the file system.
    """
    slug = re.sub(r"[^\w.-]+", "_", unicodedata.normalize("NFC", name)).strip("._-")[:60]
    if slug and slug == name and slug == slug.lower():
        return slug
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{slug or 'scenario'}-{digest}"


#: The first characters that make a spreadsheet read a cell as a formula (OWASP's list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_cell(value: Any) -> Any:
    """A text cell a spreadsheet shows as text: one starting like a formula gets a ``'``."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(frame: pd.DataFrame, path: Path, **options: Any) -> None:
    """``frame.to_csv(path, **options)`` with every text cell (and index label) made inert for
    spreadsheets (:func:`csv_cell`). Every CSV file cisim writes goes through here (or through
    :func:`csv_text`, for a file written atomically)."""
    _inert(frame).to_csv(path, **{"lineterminator": "\r\n", **options})


def csv_text(frame: pd.DataFrame, **options: Any) -> str:
    """The text :func:`write_csv` would write, for a caller that writes it atomically."""
    text = _inert(frame).to_csv(None, **{"lineterminator": "\r\n", **options})
    return str(text)


def _inert(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells, index labels and column names are inert
    (:func:`csv_cell`). CRLF ends a record (RFC 4180), so a cell holding a lone CR or LF is
    quoted, never split."""
    out = frame.copy()
    for column in out.columns:
        if _textual(out[column]):
            out[column] = out[column].astype(object).map(csv_cell)
    if _textual(out.index):
        out.index = out.index.map(csv_cell)
    out.columns = [csv_cell(c) for c in out.columns]
    return out


def _textual(values: pd.Series | pd.Index) -> bool:
    import pandas as pd

    kind = values.dtype
    return not (
        pd.api.types.is_numeric_dtype(kind)
        or pd.api.types.is_bool_dtype(kind)
        or pd.api.types.is_datetime64_any_dtype(kind)
    )


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def md_text(text: Any) -> str:
    """User text (a name, a description) as inert Markdown on one line: HTML special characters
    become entities (``<img onerror=...>`` shows as text), Markdown punctuation is escaped (a
    ``|`` cannot split a table cell, ``[x](y)`` is no link), line breaks become spaces."""
    plain = " ".join(str(text).split())
    plain = plain.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", plain)


# ---- helpers ---------------------------------------------------------------------------------
def _swap_in(temp: Path, target: Path, *, kind: str, carry_over: bool) -> None:
    """Put ``temp`` in ``target``'s place; the old target is deleted only afterwards."""
    if not target.exists():
        os.rename(temp, target)
        return
    moved = _carry(target, temp, kind) if carry_over else []
    aside = target.with_name(f".{target.name}{_ASIDE_MARK}{uuid.uuid4().hex[:8]}")
    try:
        os.rename(target, aside)
    except BaseException:
        _uncarry(moved, temp, target)
        raise
    try:
        os.rename(temp, target)
    except BaseException:
        os.rename(aside, target)
        _uncarry(moved, temp, target)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def _carry(old: Path, new: Path, kind: str) -> list[str]:
    """Move entries of ``old`` that are not ``kind``'s own output (and that ``new`` lacks) into
    ``new``; return their names. The old output's own entries go with it."""
    check_target(old, kind=kind, carry_over=True, new_names={e.name for e in new.iterdir()})
    ours = {name.split("/")[0] for name in _written_by(old, kind, _all_files(old)) or ()}
    moved: list[str] = []
    for entry in sorted(old.iterdir()):
        if _is_ours_in_flight(entry.name) or entry.name in ours or (new / entry.name).exists():
            continue
        os.rename(entry, new / entry.name)
        moved.append(entry.name)
    return moved


def _uncarry(names: list[str], new: Path, old: Path) -> None:
    for name in names:
        os.rename(new / name, old / name)


def _remove_abandoned(target: Path) -> None:
    """Remove the temporary directories of earlier writes of ``target`` whose process is gone
    (killed with SIGKILL, or the machine stopped): they are named ``.NAME.tmp-PID-XXXX``."""
    pattern = re.compile(re.escape(f".{target.name}{_TEMP_MARK}") + r"(\d+)-[^/]+")
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match and entry.is_dir() and not entry.is_symlink() and not _alive(int(match[1])):
            shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process: alive
        return True
    return True


def _is_ours_in_flight(name: str) -> bool:
    """Temporary or set-aside directories of a cisim write in progress (never carried)."""
    return name.startswith(".") and (_TEMP_MARK in name or _ASIDE_MARK in name)


def _make_parents(parent: Path) -> list[Path]:
    """Create ``parent`` and its missing ancestors; return those created, deepest first."""
    missing: list[Path] = []
    here = parent
    while not here.exists():
        missing.append(here)
        here = here.parent
    if not here.is_dir():
        raise OutputError(f"{here} exists and is not a directory")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{parent}: cannot create the directory ({exc.strerror})") from None
    return missing


def _remove_empty(directories: list[Path]) -> None:
    for directory in directories:
        try:
            directory.rmdir()
        except OSError:
            return


def _umask() -> int:
    """The process's file-creation mask (read without changing it for long)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask

"""Writing outputs safely: an output directory appears complete, or not at all.

:func:`atomic_directory` hands out a fresh temporary directory next to the target; when the
``with`` block finishes, the temporary directory takes the target's place in two renames. If the
block fails (or is interrupted) the temporary directory is removed and an existing target is left
as it was. A directory that cisim did not write is never replaced (see :func:`check_target`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
import uuid
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from cisim.errors import CisimError

#: The file that marks a directory as a cisim output (and so as safe to replace).
MANIFEST = "manifest.json"
_TEMP_MARK = ".tmp-"
_ASIDE_MARK = ".old-"


class OutputError(CisimError):
    """An output directory that cannot be written, or must not be replaced."""


@contextmanager
def atomic_directory(path: str | Path, *, carry_over: bool = False) -> Iterator[Path]:
    """Build a directory in a temporary place and move it to ``path`` only when complete.

    Parameters
    ----------
    path
        The target directory. Missing parents are created (and removed again on failure).
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
    check_target(target, carry_over=carry_over)
    created = _make_parents(target.parent)
    try:
        temp = Path(tempfile.mkdtemp(prefix=f".{target.name}{_TEMP_MARK}", dir=target.parent))
        temp.chmod(0o777 & ~_umask())  # mkdtemp makes it private; results follow the umask
    except OSError as exc:
        _remove_empty(created)
        raise OutputError(f"{target}: cannot create an output directory ({exc.strerror})") from None
    try:
        yield temp
        _swap_in(temp, target, carry_over=carry_over)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        _remove_empty(created)
        raise


def check_target(
    path: str | Path, *, carry_over: bool = False, new_names: Collection[str] = ()
) -> None:
    """Raise :class:`OutputError` if ``path`` must not become (or be replaced by) an output.

    An existing directory may be replaced when it is empty or holds a ``manifest.json`` (cisim
    wrote it). With ``carry_over``, a directory cisim did not write is accepted as long as none
    of ``new_names`` would overwrite one of its entries.
    """
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target} exists and is not a directory")
    if not target.is_dir():
        return
    if Path.cwd().resolve().is_relative_to(target.resolve()):
        raise OutputError(f"{target} is (or contains) the working directory; choose another")
    entries = {entry.name for entry in target.iterdir() if not _is_ours_in_flight(entry.name)}
    if not entries or MANIFEST in entries:
        return
    clashes = sorted(entries & set(new_names)) if carry_over else sorted(entries)
    if clashes:
        raise OutputError(
            f"{target} already exists and was not written by cisim (no {MANIFEST}; it holds "
            f"{', '.join(clashes[:3])}{', ...' if len(clashes) > 3 else ''}); "
            "choose another output directory or remove it"
        )


def write_table(frame: pd.DataFrame, directory: Path, stem: str, *, csv: bool = True) -> None:
    """Write ``frame`` as ``STEM.parquet`` (and ``STEM.csv``) in ``directory``."""
    frame.to_parquet(directory / f"{stem}.parquet", index=False)
    if csv:
        frame.to_csv(directory / f"{stem}.csv", index=False)


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
    """A scenario name usable as a directory name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip(".") or "scenario"


# ---- helpers ---------------------------------------------------------------------------------
def _swap_in(temp: Path, target: Path, *, carry_over: bool) -> None:
    """Put ``temp`` in ``target``'s place; the old target is deleted only afterwards."""
    if not target.exists():
        os.rename(temp, target)
        return
    moved = _carry(target, temp) if carry_over else []
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


def _carry(old: Path, new: Path) -> list[str]:
    """Move entries of ``old`` that ``new`` lacks into ``new``; return their names."""
    check_target(old, carry_over=True, new_names={e.name for e in new.iterdir()})
    moved: list[str] = []
    for entry in sorted(old.iterdir()):
        if _is_ours_in_flight(entry.name) or (new / entry.name).exists():
            continue
        os.rename(entry, new / entry.name)
        moved.append(entry.name)
    return moved


def _uncarry(names: list[str], new: Path, old: Path) -> None:
    for name in names:
        os.rename(new / name, old / name)


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

"""Reading what a user hands in: files, TOML, numbers written as text, paths.

Every file cisim reads on a user's behalf (a scenario, an experiment, a roster) is read by
:func:`read_text`, every TOML text parsed by :func:`parse_toml` and every number written as text
(a roster's cells, a command-line count) parsed by :func:`parse_number`. They raise only
:class:`~cisim.errors.ConfigError` s, so bad input is one readable line, never a crash or a hang:

- only a regular file is read, never a FIFO, a device or a socket (which could block forever or
  never end), and at most :data:`MAX_INPUT_BYTES`;
- a path holding a NUL character, or too long for the system, is refused by name;
- TOML nested too deeply is refused instead of exhausting Python's stack; a UTF-8 byte-order mark
  (as some editors write) is accepted;
- a number is plain ASCII decimal notation (``0.5``, ``-1``, ``2e-3``): no underscores
  (``0_1``), no other scripts' digits, no ``nan`` or ``infinity``, no inner spaces.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

from cisim.errors import ConfigError, FileFormatError

#: The largest input file read (scenario, experiment, roster).
MAX_INPUT_BYTES = 50_000_000
#: The largest root seed (numpy's SeedSequence takes any; 63 bits keep it an int64 column).
MAX_SEED = 2**63 - 1
#: The largest count of replicates, populations, histories or a batch.
MAX_COUNT = 1_000_000
_BOM = "\ufeff"
#: Never block on a FIFO (POSIX), no newline translation (Windows), not inherited by children.
_OPEN_FLAGS = sum(getattr(os, flag, 0) for flag in ("O_NONBLOCK", "O_BINARY", "O_CLOEXEC"))
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_WHOLE = re.compile(r"[+-]?\d+", re.ASCII)
_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
)


def check_path(value: str | os.PathLike[str], field: str = "path") -> Path:
    """``value`` as a :class:`Path`, or a :class:`ConfigError` if no file could have that name."""
    text = os.fspath(value)
    if "\0" in text:
        raise ConfigError(field, text, "a path without a NUL character")
    return Path(text)


def read_text(path: str | os.PathLike[str], *, limit: int = MAX_INPUT_BYTES) -> str:
    """The UTF-8 text of a regular file (a leading byte-order mark removed).

    Raises :class:`FileFormatError` naming the file if it is missing, not a regular file (a FIFO,
    a device, a directory), larger than ``limit`` bytes, unreadable or not UTF-8.
    """
    path = check_path(path)
    try:
        fd = os.open(path, os.O_RDONLY | _OPEN_FLAGS)
    except FileNotFoundError:
        raise FileFormatError(str(path), "no such file") from None
    except IsADirectoryError:
        raise FileFormatError(str(path), "is a directory, not a file") from None
    except OSError as exc:
        raise FileFormatError(str(path), f"cannot be read ({_reason(exc)})") from None
    try:
        data = _read_regular(fd, str(path), limit)
    finally:
        os.close(fd)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise FileFormatError(str(path), "is not UTF-8 text") from None
    return text.removeprefix(_BOM)


def _read_regular(fd: int, where: str, limit: int) -> bytes:
    info = os.fstat(fd)  # of the file opened, not of whatever the name points at later
    for test, kind in _KINDS:
        if test(info.st_mode):
            raise FileFormatError(where, f"is {kind}, not a regular file")
    if info.st_size > limit:
        raise FileFormatError(
            where, f"is too large ({info.st_size:,} bytes; at most {limit:,} are read)"
        )
    chunks, size = [], 0
    try:
        while block := os.read(fd, 1 << 20):
            chunks.append(block)
            size += len(block)
            if size > limit:
                raise FileFormatError(where, f"is too large (more than {limit:,} bytes)")
    except OSError as exc:
        raise FileFormatError(where, f"cannot be read ({_reason(exc)})") from None
    return b"".join(chunks)


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENAMETOOLONG:
        return "the path is too long"
    return exc.strerror or type(exc).__name__


def parse_toml(text: str, where: str) -> dict[str, Any]:
    """Parse TOML text; :class:`FileFormatError` naming ``where`` if it is not valid TOML."""
    try:
        return tomllib.loads(text.removeprefix(_BOM))
    except tomllib.TOMLDecodeError as exc:
        raise FileFormatError(where, f"malformed TOML: {exc}") from None
    except RecursionError:
        raise FileFormatError(where, "malformed TOML: nested too deeply") from None


def parse_number(text: str) -> float | None:
    """A finite number written in plain ASCII decimal notation, or ``None``.

    Surrounding spaces are ignored; ``float``'s other leniencies (``1_0``, ``nan``, ``inf``,
    digits of other scripts such as ``٠.٥``) are not numbers here.
    """
    stripped = text.strip()
    if not _NUMBER.fullmatch(stripped):
        return None
    value = float(stripped)
    return value if value not in (float("inf"), float("-inf")) else None


def parse_whole(text: str) -> int | None:
    """A whole number written in plain ASCII digits (optional sign), or ``None``."""
    stripped = text.strip()
    if len(stripped) > 30 or not _WHOLE.fullmatch(stripped):
        return None
    return int(stripped)

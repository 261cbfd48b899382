"""The project's own exceptions and warnings.

Every problem with user input is a :class:`ConfigError` (or a subclass): it names the field, the
value and what is allowed, and, for files, where in the file. The CLI prints ``str(error)`` as one
line and exits with code 2.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any


class CisimError(Exception):
    """Base class of every error cisim raises on purpose."""


class ConfigError(CisimError, ValueError):
    """A scenario, roster or experiment that cannot be accepted.

    Parameters
    ----------
    field
        Dotted name of the offending field (``"turnover"``, ``"sectors.public.authority"``).
    value
        The value that was given (``None`` when a field is missing).
    allowed
        What would have been accepted, in words (``"a number from 0 to 1"``).
    where
        Where the value came from (``"configs/x.toml, line 4"``, ``"roster.csv, row 3"``).
    """

    def __init__(self, field: str, value: Any, allowed: str, where: str | None = None) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        self.where = where
        super().__init__(self._message())

    def _message(self) -> str:
        head = f"{self.where}: " if self.where else ""
        return f"{head}{self.field} = {shown(self.value)} is not allowed: {self.allowed}"

    def located(self, where: str) -> ConfigError:
        """Return a copy of this error that says where the value came from."""
        err = type(self).__new__(type(self))
        ConfigError.__init__(err, self.field, self.value, self.allowed, where)
        return err


class FileFormatError(ConfigError):
    """A file that cannot be read at all (malformed TOML or CSV, missing file)."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        CisimError.__init__(self, f"{path}: {problem}")
        self.field, self.value, self.allowed, self.where = "file", path, problem, None

    def _message(self) -> str:
        return f"{self.path}: {self.problem}"


class SystemRefusal(CisimError):
    """The system refused what cisim asked (a full disk, a read-only directory, no permission):
    one line naming the file and the reason, exit code 1 (bad input exits with 2)."""


def refusal_reason(exc: OSError) -> str:
    """Why the system refused, with what to do about the usual reasons."""
    import errno

    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        reason += " (free some space or choose another --out)"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        reason += " (check the directory's permissions or choose another --out)"
    return reason


class CisimWarning(UserWarning):
    """A warning about something cisim did on the user's behalf."""


#: The longest value an error shows, and the longest line cisim prints for one error.
SHOWN_VALUE, ERROR_LINE = 200, 2000


def shown(value: Any, limit: int = SHOWN_VALUE) -> str:
    """``repr(value)``, cut to ``limit`` characters (a 5 MB value makes a short message)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 40]}... ({len(text):,} characters)"


def one_line(message: str, limit: int = ERROR_LINE) -> str:
    """``message`` on one line (whitespace runs become one space), cut to ``limit`` characters."""
    line = " ".join(message.split())
    return line if len(line) <= limit else f"{line[: limit - 40]}... ({len(line):,} characters)"


def did_you_mean(given: object, choices: Iterable[str], *, ignore_case: bool = False) -> str:
    """``"; did you mean 'x'?"`` when one of ``choices`` is close to ``given``, else ``""``: the
    one suggestion every refusal of an unknown name makes (``ignore_case``: compared in lower
    case, and the choice suggested as written)."""
    options = {(c.lower() if ignore_case else c): c for c in choices}
    word = str(given).lower() if ignore_case else str(given)
    close = difflib.get_close_matches(word, list(options), n=1)
    return f"; did you mean {options[close[0]]!r}?" if close else ""

"""Public names imported on first use (PEP 562), so that ``cisim --help`` and commands that need
little stay quick: a package lists each public name and the module that defines it, and its
``__getattr__`` imports that module when the name is first asked for."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def attributes(
    package: str, names: Mapping[str, str], namespace: dict[str, Any]
) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``.

    Parameters
    ----------
    package
        The package's name (for the error of an unknown name).
    names
        Each public name and where it is defined: ``"module"``, or ``"module:attribute"`` when the
        attribute's own name differs.
    namespace
        The package's ``globals()``: a name imported once is put there, so the next lookup finds
        it directly.
    """

    def __getattr__(name: str) -> Any:
        try:
            module, _, attribute = names[name].partition(":")
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(module), attribute or name)
        namespace[name] = value
        return value

    return __getattr__

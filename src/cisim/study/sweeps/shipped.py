"""The studies that ship with cisim, found by name: ``cisim sweep learning_vs_blame``.

They are the experiment files of the package's ``experiments`` folder (package data, so they are
in every installed copy; a clone also reaches them as ``experiments/`` at its top). A field file
there (one with a ``[field]`` table, run by ``cisim field``) is not a sweep and is left out.
"""

from __future__ import annotations

from pathlib import Path

from cisim.errors import CisimError, ConfigError, did_you_mean
from cisim.inputs import parse_toml, read_text

#: Where the shipped experiment files are.
EXPERIMENT_DIR = Path(__file__).resolve().parents[2] / "experiments"


def names() -> tuple[str, ...]:
    """The shipped studies' names, sorted (each is its file's stem); field files left out."""
    return tuple(sorted(p.stem for p in EXPERIMENT_DIR.glob("*.toml") if not is_field_file(p)))


def is_field_file(path: Path) -> bool:
    """Whether ``path`` is a field file (``cisim field``'s, with a ``[field]`` table); ``False``
    for anything cisim's reader refuses (it then says why when the file is used)."""
    try:
        data = parse_toml(read_text(path), str(path))
    except CisimError:
        return False
    return isinstance(data.get("field"), dict)


def path_of(name: str) -> Path:
    """The file of the shipped study ``name``; a :class:`ConfigError` with the names if none."""
    shipped = names()
    if name not in shipped:
        hint = did_you_mean(name, shipped)
        raise ConfigError(
            "experiment",
            name,
            f"a shipped study ({', '.join(shipped)}) or an experiment .toml file{hint}",
        )
    return EXPERIMENT_DIR / f"{name}.toml"


def resolve(text: str) -> Path:
    """What ``cisim sweep`` runs: a shipped study's name, or else a path to an experiment file.

    As with presets, a name is taken first; text that is neither a name nor a path (no
    ``.toml``, no folder, no such file) is an error listing the names.
    """
    if text in names():
        return path_of(text)
    if text.endswith(".toml") or "/" in text or "\\" in text or Path(text).exists():
        return Path(text)
    return path_of(text)

"""Rosters: a real collaboration's named organisations, their traits and known relationships.

A roster is given inline in a scenario's TOML (``[[roster.organisations]]`` and
``[[roster.relationships]]``) or as CSV files named in ``[roster]``::

    [roster]
    organisations = "cabinet.csv"  # name, sector[, authority, capacity, alignment, turnover]
    relationships = "relationships.csv"  # source, target, trust[, prior, mutual]

Traits left empty take the scenario's (or its sector's) mean. A relationship sets the initial
trust of ``source`` in ``target`` and, unless ``mutual`` is false, of ``target`` in ``source``;
``prior`` marks a prior working relationship (social capital). Organisations with no listed
relationship have no tie at the start (a navigator can broker one).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cisim.errors import ConfigError, FileFormatError, did_you_mean
from cisim.inputs import check_path, parse_number, read_text
from cisim.model.parameters import SECTOR_TRAITS, SECTORS, SPECS
from cisim.model.spec import finite

_ORG_KEYS = ("name", "sector", *SECTOR_TRAITS)
_REL_KEYS = ("source", "target", "trust", "prior", "mutual")


@dataclass(frozen=True)
class Organisation:
    """One named organisation; ``None`` traits take the scenario's sector mean."""

    name: str
    sector: str
    authority: float | None = None
    capacity: float | None = None
    alignment: float | None = None
    turnover: float | None = None


@dataclass(frozen=True)
class Relationship:
    """A known relationship: initial trust of ``source`` in ``target``."""

    source: str
    target: str
    trust: float
    prior: bool = False
    mutual: bool = True


@dataclass(frozen=True)
class Roster:
    """Named organisations and their known relationships."""

    organisations: tuple[Organisation, ...]
    relationships: tuple[Relationship, ...] = ()

    def __post_init__(self) -> None:
        if len(self.organisations) < 2:
            raise ConfigError("roster.organisations", len(self.organisations), "at least 2 rows")
        names = [o.name for o in self.organisations]
        index = {name: i for i, name in enumerate(names)}
        for row, rel in enumerate(self.relationships, start=1):
            for end in ("source", "target"):
                if getattr(rel, end) not in index:
                    raise ConfigError(
                        f"relationships.{end}",
                        getattr(rel, end),
                        "a name listed in the roster's organisations",
                        f"relationship {row}",
                    )
            if rel.source == rel.target:
                raise ConfigError(
                    "relationships.target",
                    rel.target,
                    "a different organisation from source",
                    f"relationship {row}",
                )

    @property
    def names(self) -> tuple[str, ...]:
        """Organisation names in roster order."""
        return tuple(o.name for o in self.organisations)

    def to_dict(self) -> dict[str, Any]:
        """Plain data shaped like the inline TOML form."""
        orgs = [{k: v for k, v in vars(o).items() if v is not None} for o in self.organisations]
        rels = [dict(vars(r)) for r in self.relationships]
        return {"organisations": orgs, "relationships": rels}

    # ---- loading -------------------------------------------------------------------------
    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, base_dir: Path) -> Roster:
        """From a ``[roster]`` table: inline lists of tables, or CSV paths."""
        for key in data:
            if key not in ("organisations", "relationships"):
                raise ConfigError(f"roster.{key}", data[key], "'organisations' or 'relationships'")
        orgs_src = data.get("organisations")
        if orgs_src is None:
            raise ConfigError("roster.organisations", None, "a CSV path or a list of tables")
        rels_src = data.get("relationships", [])
        orgs = _rows(orgs_src, base_dir, "roster.organisations")
        rels = _rows(rels_src, base_dir, "roster.relationships")
        return cls.from_rows(orgs, rels)

    @classmethod
    def from_csv(cls, organisations: str | Path, relationships: str | Path | None = None) -> Roster:
        """From an organisations CSV and, optionally, a relationships CSV."""
        orgs = _read_csv(Path(organisations))
        rels = _read_csv(Path(relationships)) if relationships is not None else []
        try:
            return cls.from_rows(orgs, rels)
        except ConfigError as exc:
            raise exc.located(exc.where or str(organisations)) from None

    @classmethod
    def from_rows(
        cls,
        organisations: Iterable[tuple[str, Mapping[str, Any]]],
        relationships: Iterable[tuple[str, Mapping[str, Any]]] = (),
    ) -> Roster:
        """From rows labelled with where they came from (``"cabinet.csv, row 3"``)."""
        orgs: list[Organisation] = []
        seen: dict[str, str] = {}
        for where, row in organisations:
            org = _organisation(row, where)
            if org.name in seen:
                raise ConfigError(
                    "name",
                    org.name,
                    f"a name not used before (first used at {seen[org.name]})",
                    where,
                )
            seen[org.name] = where
            orgs.append(org)
        rels: list[Relationship] = []
        given: dict[tuple[str, str], str] = {}
        for where, row in relationships:
            rel = _relationship(row, where)
            for end in ("source", "target"):
                if getattr(rel, end) not in seen:
                    raise ConfigError(
                        end,
                        getattr(rel, end),
                        "a name listed in the roster's organisations"
                        + did_you_mean(getattr(rel, end), seen, ignore_case=True),
                        where,
                    )
            _check_not_given(rel, where, given)
            rels.append(rel)
        return cls(tuple(orgs), tuple(rels))


def _check_not_given(rel: Relationship, where: str, given: dict[tuple[str, str], str]) -> None:
    """Refuse a relationship that sets a trust an earlier one already set."""
    pairs = [(rel.source, rel.target)] + ([(rel.target, rel.source)] if rel.mutual else [])
    for pair in pairs:
        if pair in given:
            raise ConfigError(
                "target",
                rel.target,
                f"a relationship not given before (the trust of {pair[0]!r} in {pair[1]!r} is "
                f"already set at {given[pair]}; set mutual = false for one-way trust)",
                where,
            )
    for pair in pairs:
        given[pair] = where


# ---- parsing helpers ---------------------------------------------------------------------------
def _rows(src: Any, base_dir: Path, label: str) -> list[tuple[str, Mapping[str, Any]]]:
    if isinstance(src, str):
        return _read_csv(_inside(src, base_dir, label))
    if isinstance(src, list) and all(isinstance(r, Mapping) for r in src):
        return [(f"{label}[{i}]", r) for i, r in enumerate(src, start=1)]
    raise ConfigError(label, src, "a CSV path or a list of tables")


def _inside(src: str, base_dir: Path, label: str) -> Path:
    """The CSV a scenario file names: a ``.csv`` file in the scenario file's directory (or below).

    A scenario file may come from someone else (a shared config, the classroom app), so the files
    it names are kept where it lives: no absolute paths, no ``..`` out of its directory.
    """
    allowed = "a .csv file in the scenario file's directory or below (no absolute path, no '..')"
    path = check_path(src, label)  # a NUL character is refused, not a crash
    if path.suffix.lower() != ".csv" or path.is_absolute():
        raise ConfigError(label, src, allowed)
    base = base_dir.resolve()
    full = (base / path).resolve()
    if not full.is_relative_to(base):
        raise ConfigError(label, src, allowed)
    return base_dir / path


def _read_csv(path: Path) -> list[tuple[str, Mapping[str, Any]]]:
    text = read_text(path)  # a regular file only (never a FIFO), size-capped, BOM removed
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        if reader.fieldnames is None:
            raise FileFormatError(str(path), "is empty: it needs a header row")
        _check_header(path, reader.fieldnames)
        rows: list[tuple[str, Mapping[str, Any]]] = []
        for row in reader:
            if None in row:
                raise FileFormatError(
                    str(path), f"row {reader.line_num}: more cells than header columns"
                )
            cleaned = {k.strip(): (v.strip() if v is not None else "") for k, v in row.items()}
            rows.append((f"{path}, row {reader.line_num}", cleaned))
        return rows
    except csv.Error as exc:
        raise FileFormatError(str(path), f"malformed CSV: {exc}") from None


def _check_header(path: Path, names: Sequence[str]) -> None:
    cleaned = [name.strip() for name in names]
    for number, name in enumerate(cleaned, start=1):
        if not name:
            raise FileFormatError(str(path), f"row 1: column {number} has no name")
        if cleaned.index(name) != number - 1:
            raise FileFormatError(str(path), f"row 1: column {name!r} appears twice")


def _organisation(row: Mapping[str, Any], where: str) -> Organisation:
    _check_columns(row, _ORG_KEYS, ("name", "sector"), where)
    name = _text(row, "name", where)
    given = _text(row, "sector", where)
    sector = given.lower()  # "Public" is public
    if sector not in SECTORS:
        allowed = (
            "one of "
            + ", ".join(SECTORS)
            + " (any case)"
            + did_you_mean(sector, SECTORS, ignore_case=True)
        )
        raise ConfigError("sector", given, allowed, where)
    traits: dict[str, float | None] = {}
    for trait in SECTOR_TRAITS:
        raw = row.get(trait)
        if raw in (None, ""):
            traits[trait] = None
            continue
        spec = SPECS[trait]
        try:
            traits[trait] = spec.check(trait, _number(raw, trait, where, spec.allowed()))
        except ConfigError as exc:
            raise exc.located(exc.where or where) from None
    return Organisation(name=name, sector=sector, **traits)


def _relationship(row: Mapping[str, Any], where: str) -> Relationship:
    _check_columns(row, _REL_KEYS, ("source", "target", "trust"), where)
    source, target = _text(row, "source", where), _text(row, "target", where)
    if source == target:
        raise ConfigError("target", target, "a different organisation from source", where)
    allowed = "a number from 0 to 1 (trust of source in target)"
    trust = _number(row.get("trust"), "trust", where, allowed)
    if not 0.0 <= trust <= 1.0:
        raise ConfigError("trust", row.get("trust"), allowed, where)
    return Relationship(
        source, target, trust, _flag(row, "prior", False, where), _flag(row, "mutual", True, where)
    )


def _check_columns(
    row: Mapping[str, Any], known: tuple[str, ...], required: tuple[str, ...], where: str
) -> None:
    for key in row:
        if key not in known:
            raise ConfigError(
                key,
                row[key],
                f"column {key!r} is not a roster column: use one of "
                + ", ".join(known)
                + did_you_mean(key, known, ignore_case=True),
                where,
            )
    for key in required:
        if row.get(key) in (None, ""):
            raise ConfigError(key, row.get(key), "a value (this column is required)", where)


def _text(row: Mapping[str, Any], key: str, where: str) -> str:
    value = row.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(key, value, "a non-empty name", where)
    return value.strip()


def _number(raw: Any, key: str, where: str, allowed: str) -> float:
    if isinstance(raw, bool):
        raise ConfigError(key, raw, allowed, where)
    if isinstance(raw, int | float):
        number = finite(raw)
        if number is None:
            raise ConfigError(key, raw, allowed, where)
        return number
    number = parse_number(raw) if isinstance(raw, str) else None  # no 0_1, nan, other digits
    if number is None:
        raise ConfigError(key, raw, allowed, where)
    return number


def _flag(row: Mapping[str, Any], key: str, default: bool, where: str) -> bool:
    raw = row.get(key)
    if raw in (None, ""):
        return default
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    raise ConfigError(key, raw, "true or false", where)

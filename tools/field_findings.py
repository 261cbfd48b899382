"""Rewrite a field study's figures where the documentation quotes them, from its results.

    cisim field experiments/platforms.toml --workers 2 --out results/platforms
    python tools/field_findings.py results/platforms            # rewrite the blocks
    python tools/field_findings.py results/platforms --check    # exit 1 if a block is stale

    cisim field experiments/platforms_sensitivity.toml --workers 2 \\
        --out results/platforms_sensitivity
    python tools/field_findings.py results/platforms_sensitivity --block sensitivity

The flagship's blocks sit between ``<!-- field-findings:start -->`` and
``<!-- field-findings:end -->`` in ``experiments/README.md`` and ``docs/ODD.md`` (§7a.8); a named
block (``--block NAME``) between ``<!-- field-findings:NAME:start -->`` and its end marker, in
the same two files, and holds only the swept levers. Their tables are
:func:`cisim.present.report.field.findings_markdown`: the same numbers as ``cisim report DIR``
(every effect paired by city, with its 95 % interval). Regenerate them after any change to the
model or the field; never edit the numbers by hand.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cisim.field.store import load
from cisim.io import refresh_text
from cisim.present.report.field import findings_markdown

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = (ROOT / "experiments" / "README.md", ROOT / "docs" / "ODD.md")
#: The command that writes each block's results, by block ("" is the flagship's).
COMMANDS = {
    "": "cisim field experiments/platforms.toml --workers 2 --out results/platforms",
    "sensitivity": "cisim field experiments/platforms_sensitivity.toml --workers 2 "
    "--out results/platforms_sensitivity",
}


def markers(block: str) -> tuple[str, str]:
    """The start and end markers of ``block`` ("" for the flagship's)."""
    name = f"field-findings:{block}:" if block else "field-findings:"
    return f"<!-- {name}start -->", f"<!-- {name}end -->"


def replaced(text: str, fresh: str, path: Path, block: str = "") -> str:
    """``text`` with the block between its markers replaced."""
    start, end = markers(block)
    if text.count(start) != 1 or text.count(end) != 1:
        raise SystemExit(f"{path}: needs exactly one {start} ... {end} block")
    head, rest = text.split(start)
    _, tail = rest.split(end)
    return f"{head}{start}\n{fresh}{end}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, help="the field's results directory")
    parser.add_argument("--block", default="", choices=sorted(COMMANDS), help="a named block")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    fresh = findings_markdown(
        load(args.results), COMMANDS[args.block], sweeps_only=bool(args.block)
    )
    status = 0
    for path in DOCUMENTS:
        text = replaced(path.read_text(encoding="utf-8"), fresh, path, args.block)
        status |= refresh_text(
            path,
            text,
            check=args.check,
            stale="the field study's figures are out of date",
            written="the field study's figures rewritten",
        )
    return status


if __name__ == "__main__":
    raise SystemExit(main())

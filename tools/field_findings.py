"""Rewrite the field study's figures where the documentation quotes them, from its results.

    cisim field experiments/platforms.toml --workers 2 --out results/platforms
    python tools/field_findings.py results/platforms            # rewrite the blocks
    python tools/field_findings.py results/platforms --check    # exit 1 if a block is stale

The blocks sit between ``<!-- field-findings:start -->`` and ``<!-- field-findings:end -->`` in
``experiments/README.md`` and ``docs/ODD.md`` (§7a.8). Their tables are
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
START, END = "<!-- field-findings:start -->", "<!-- field-findings:end -->"
DOCUMENTS = (ROOT / "experiments" / "README.md", ROOT / "docs" / "ODD.md")
COMMAND = "cisim field experiments/platforms.toml --workers 2 --out results/platforms"


def replaced(text: str, block: str, path: Path) -> str:
    """``text`` with the block between the markers replaced."""
    if text.count(START) != 1 or text.count(END) != 1:
        raise SystemExit(f"{path}: needs exactly one {START} ... {END} block")
    head, rest = text.split(START)
    _, tail = rest.split(END)
    return f"{head}{START}\n{block}{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, help="the field's results directory")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    block = findings_markdown(load(args.results), COMMAND)
    status = 0
    for path in DOCUMENTS:
        fresh = replaced(path.read_text(encoding="utf-8"), block, path)
        status |= refresh_text(
            path,
            fresh,
            check=args.check,
            stale="the field study's figures are out of date",
            written="the field study's figures rewritten",
        )
    return status


if __name__ == "__main__":
    raise SystemExit(main())

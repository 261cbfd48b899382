"""A field study's platforms under other field seeds: does its ranking hold? (ODD §7a.8)

    python tools/field_seeds.py experiments/platforms.toml --seeds 2026 2027 2028 --workers 2
    python tools/field_seeds.py ... --write      # rewrite the block in docs/ODD.md (§7a.8)
    python tools/field_seeds.py ... --check      # exit 1 if that block is stale

Runs every platform of the file that is not a sweep's (the sweeps' values are left out) on the
file's cities drawn under each seed in turn, against no platform on the same cities, and prints
one table of effects (points of learning journeys, paired by city, 95 % intervals) with the
platforms in the order of the first seed's effects, and the years in which each platform with
unsteady funding had a funded step under each seed. A field's seed draws the cities, their
histories, the platform's luck and the funding years, so this is the field-level replication a
single study cannot show. The study file itself is not changed. The block sits between
``<!-- field-seeds:start -->`` and ``<!-- field-seeds:end -->`` in ``docs/ODD.md``; regenerate it
after any change to the model or the field, never edit it by hand.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from cisim.field import compare
from cisim.field.config import load
from cisim.field.coupling import funded_years
from cisim.io import refresh_text
from cisim.present.report.field import points

ODD = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"
START, END = "<!-- field-seeds:start -->", "<!-- field-seeds:end -->"
DIFFERENCE = ("difference", "difference_low", "difference_high")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="a field .toml file")
    parser.add_argument("--seeds", type=int, nargs="+", required=True, help="field seeds")
    parser.add_argument("--workers", type=int, default=2, help="threads running the cities")
    parser.add_argument("--write", action="store_true", help="rewrite the block in docs/ODD.md")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    spec = load(args.file)
    platforms = {n: p for n, p in spec.platforms.items() if n not in spec.variants}
    horizon = spec.field.scenarios()[0].horizon_months
    cells: dict[str, list[str]] = {}
    order: list[str] = []
    notes = []
    for seed in args.seeds:
        fld = dataclasses.replace(spec.field, seed=seed)
        table = compare(fld, platforms, shards=args.workers, workers=args.workers)
        if not order:
            order = list(table.sort_values("difference", ascending=False).index)
        for name in order:
            d, low, high = map(float, table.loc[name, list(DIFFERENCE)].to_numpy(dtype=float))
            cells.setdefault(name, []).append(f"{points(d)} [{points(low)}, {points(high)}]")
        for name, p in platforms.items():
            if p.funding_reliability < 1.0:
                years = ", ".join(map(str, funded_years(seed, p, horizon))) or "none"
                notes.append(f"seed {seed}: {name} funded in years {years}")
    seeds = " ".join(map(str, args.seeds))
    lines = [
        f"`python tools/field_seeds.py {args.file.as_posix()} --seeds {seeds} --workers "
        f"{args.workers}` (effects in points of learning journeys against alone, paired by city, "
        "95% intervals):",
        "",
        f"| platform | {' | '.join(f'seed {s}' for s in args.seeds)} |",
        f"|---|{'---:|' * len(args.seeds)}",
        *(f"| {name} | {' | '.join(cells[name])} |" for name in order),
    ]
    if notes:
        lines += ["", "Funding: " + "; ".join(notes) + "."]
    fresh = "\n".join(lines) + "\n"
    if not (args.write or args.check):
        print(fresh, end="")
        return 0
    text = ODD.read_text(encoding="utf-8")
    if text.count(START) != 1 or text.count(END) != 1:
        raise SystemExit(f"{ODD}: needs exactly one {START} ... {END} block")
    head, rest = text.split(START)
    _, tail = rest.split(END)
    return refresh_text(
        ODD,
        f"{head}{START}\n{fresh}{END}{tail}",
        check=args.check,
        stale="the field's seeds table is out of date",
        written="the field's seeds table rewritten",
    )


if __name__ == "__main__":
    raise SystemExit(main())

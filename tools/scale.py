"""Does the size of a collaboration change its outcomes, in the ways the sources say? (issue 14,
concept 5; ``docs/ODD.md`` §7.1b).

Every comparison uses common random numbers (the same seed and replicate numbers in both arms) and
95 % intervals: Wilson intervals for a share, normal intervals of the paired differences for an
effect. The "before" arm runs the same scenarios on another checkout of the package (the model
before the scale mechanism, commit 57c2e32) in a subprocess, with the same seed::

    git worktree add --detach /tmp/scale-before 57c2e32
    .venv/bin/python tools/scale.py --before /tmp/scale-before
    .venv/bin/python tools/scale.py --sections open modes   # some sections
    .venv/bin/python tools/scale.py --json out.json         # also the numbers

Sections: ``sizes`` learning journeys by size, before and after; ``baseline`` the baseline's
regime shares (n = 20, 1,000 runs) before and after; ``open`` open accountability at 20 and 150
members, and at low trust (where naming can feed blame); ``modes`` the governance modes at 8, 20
and 150 members; ``backbone`` a backbone at 20 and 150 members.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

import cisim
from cisim.stats import paired_difference, wilson

SEED = 2026
SIZES = (8, 20, 60, 150, 300)
LJ, BG = "learning_journey", "blame_game"


def base(**changes: Any) -> cisim.Scenario:
    sc = cisim.Scenario.preset("baseline")
    return sc.replace(**changes) if changes else sc


def regimes(sc: cisim.Scenario, n: int) -> np.ndarray:
    """Each replicate's regime (strings), replicate order."""
    res = cisim.simulate(sc, replicates=n, seed=SEED)
    return res.summary.sort_values("replicate")["regime"].astype(str).to_numpy()


def progress_effect(a: cisim.Scenario, b: cisim.Scenario, n: int) -> dict[str, float]:
    """Paired effect of ``a`` -> ``b`` on final progress (0-1)."""
    est = cisim.compare(a, b, replicates=n, seed=SEED, outcomes=("progress",)).effect("progress")
    return {"value": est.value, "low": est.low, "high": est.high}


def pfmt(x: dict[str, float]) -> str:
    return f"{x['value']:+.3f} [{x['low']:+.3f}, {x['high']:+.3f}]"


def share(reg: np.ndarray, regime: str = LJ) -> dict[str, float]:
    est = wilson(int((reg == regime).sum()), len(reg))
    return {"value": 100 * est.value, "low": 100 * est.low, "high": 100 * est.high}


def diff(a: np.ndarray, b: np.ndarray, regime: str = LJ) -> dict[str, float]:
    """Paired effect of ``a`` -> ``b`` on the share of ``regime``, in points."""
    est = paired_difference((a == regime).astype(float), (b == regime).astype(float))
    return {"value": 100 * est.value, "low": 100 * est.low, "high": 100 * est.high}


def fmt(x: dict[str, float]) -> str:
    return f"{x['value']:+6.1f} [{x['low']:+6.1f}, {x['high']:+6.1f}]"


def fshare(x: dict[str, float]) -> str:
    return f"{x['value']:5.1f} [{x['low']:5.1f}, {x['high']:5.1f}]"


# ---- the arms that also run on the "before" checkout ----------------------------------------
def indicators(replicates: int, baseline_replicates: int) -> dict[str, list[str]]:
    """The regimes of every run of the sizes and the baseline (what the before arm needs)."""
    out = {f"n{n}": regimes(base(n_organisations=n), replicates).tolist() for n in SIZES}
    out["baseline"] = regimes(base(), baseline_replicates).tolist()
    return out


def before_indicators(path: Path, replicates: int, baseline_replicates: int) -> dict[str, Any]:
    """:func:`indicators` run on the package at ``path`` (a checkout) in a subprocess."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "before.json"
        env = dict(os.environ, PYTHONPATH=str(path / "src"))
        cmd = [sys.executable, __file__, "--indicators", str(out), "--replicates",
               str(replicates), "--baseline-replicates", str(baseline_replicates)]  # fmt: skip
        subprocess.run(cmd, env=env, check=True)
        return json.loads(out.read_text())


# ---- sections -------------------------------------------------------------------------------
def sizes(after: dict[str, Any], before: dict[str, Any] | None) -> dict[str, Any]:
    print("\n## Learning journeys by size (% of runs; Wilson 95 %; Δ paired, points)")
    head = f"{'n':>5} {'before':>22} {'after':>22} {'after - before':>26}"
    print(head + "   after: BG / stalled / dissolved")
    out: dict[str, Any] = {}
    for n in SIZES:
        a = np.asarray(after[f"n{n}"])
        row: dict[str, Any] = {"after": share(a), "after_bg": share(a, BG)}
        line = f"{n:>5} "
        if before is not None:
            b = np.asarray(before[f"n{n}"])
            row["before"] = share(b)
            row["change"] = diff(b, a)
            line += f"{fshare(row['before']):>22} {fshare(row['after']):>22} "
            line += f"{fmt(row['change']):>26}"
        else:
            line += f"{'':>22} {fshare(row['after']):>22} {'':>26}"
        rest = [100 * np.mean(a == r) for r in (BG, "stalled", "dissolved")]
        print(line + "   " + " / ".join(f"{x:4.1f}" for x in rest))
        out[n] = row
    a20 = np.asarray(after["n20"])
    for n in (8, 60, 150, 300):
        # sizes are different populations: an unpaired difference of two shares
        a = np.asarray(after[f"n{n}"])
        p1, p2 = (a20 == LJ).mean(), (a == LJ).mean()
        se = np.sqrt(p1 * (1 - p1) / len(a20) + p2 * (1 - p2) / len(a))
        d = {"value": 100 * (p2 - p1), "low": 100 * (p2 - p1 - 1.96 * se),
             "high": 100 * (p2 - p1 + 1.96 * se)}  # fmt: skip
        out[f"after_{n}_minus_20"] = d
        print(f"   after: n = {n} minus n = 20 (two proportions): {fmt(d)}")
    return out


def baseline(after: dict[str, Any], before: dict[str, Any] | None) -> dict[str, Any]:
    a = np.asarray(after["baseline"])
    print(f"\n## The baseline (n = 20), {len(a)} runs, seed {SEED}")
    out: dict[str, Any] = {}
    for r in cisim.REGIMES:
        row: dict[str, Any] = {"after": share(a, r)}
        line = f"{r:>17}: after {fshare(row['after'])}"
        if before is not None:
            b = np.asarray(before["baseline"])
            row["before"] = share(b, r)
            row["change"] = diff(b, a, r)
            line += f"   before {fshare(row['before'])}   Δ {fmt(row['change'])}"
        print(line)
        out[r] = row
    if before is not None:
        flips = float(np.mean(np.asarray(before["baseline"]) != a))
        out["flipped"] = 100 * flips
        print(f"   runs whose regime changed: {100 * flips:.1f} %")
    return out


def _lever(sc: cisim.Scenario, name: str, lo: Any, hi: Any, n: int) -> dict[str, Any]:
    a, b = regimes(sc.replace(**{name: lo}), n), regimes(sc.replace(**{name: hi}), n)
    return {"lj_low": share(a), "lj_high": share(b), "d_lj": diff(a, b), "d_bg": diff(a, b, BG)}


def open_accountability(replicates: int) -> dict[str, Any]:
    print("\n## Open accountability 0 → 1 (paired, points)")
    out: dict[str, Any] = {}
    cases = [
        ("n = 20", base()),
        ("n = 150", base(n_organisations=150)),
        ("n = 20, initial trust 0.35", base(initial_trust=0.35)),
        ("n = 150, initial trust 0.35", base(n_organisations=150, initial_trust=0.35)),
        ("n = 20, initial trust 0.65", base(initial_trust=0.65)),
    ]
    for label, sc in cases:
        r = _lever(sc, "open_accountability", 0.0, 1.0, replicates)
        out[label] = r
        print(f"{label:>28}: LJ {r['lj_low']['value']:5.1f} → {r['lj_high']['value']:5.1f}   "
              f"Δ LJ {fmt(r['d_lj'])}   Δ BG {fmt(r['d_bg'])}")  # fmt: skip
    a = np.asarray(regimes(base(n_organisations=150, open_accountability=1.0), replicates))
    b = np.asarray(regimes(base(n_organisations=20), replicates))
    p1, p2 = (b == LJ).mean(), (a == LJ).mean()
    print(
        f"   n = 150 with open accountability {100 * p2:.1f} % against n = 20 without "
        f"{100 * p1:.1f} %"
    )
    return out


def modes(replicates: int) -> dict[str, Any]:
    print("\n## Governance modes by size (LJ %, Wilson 95 %; Δ paired against shared, points)")
    out: dict[str, Any] = {}
    names = ("shared", "lead_organisation", "administrative_organisation")
    for n in (8, 20, 150):
        got = {m: regimes(base(n_organisations=n, governance_mode=m), replicates) for m in names}
        row: dict[str, Any] = {m: share(got[m]) for m in names}
        for m in names[1:]:
            row[f"{m}_minus_shared"] = diff(got["shared"], got[m])
            row[f"{m}_minus_shared_progress"] = progress_effect(
                base(n_organisations=n), base(n_organisations=n, governance_mode=m), replicates
            )
        out[n] = row
        print(f"n = {n:>3}: " + "   ".join(f"{m[:5]} {fshare(row[m])}" for m in names))
        print("         " + "   ".join(f"{m[:5]} - shared {fmt(row[f'{m}_minus_shared'])}"
                                     for m in names[1:]))  # fmt: skip
        print(
            "         progress: "
            + "   ".join(
                f"{m[:5]} - shared {pfmt(row[f'{m}_minus_shared_progress'])}" for m in names[1:]
            )
        )
    return out


def backbone(replicates: int) -> dict[str, Any]:
    print("\n## A backbone 0 → 1 by size (paired, points)")
    out: dict[str, Any] = {}
    for n in (8, 20, 150):
        r = _lever(base(n_organisations=n), "backbone", 0.0, 1.0, replicates)
        r["d_progress"] = progress_effect(
            base(n_organisations=n), base(n_organisations=n, backbone=1.0), replicates
        )
        out[n] = r
        print(f"n = {n:>3}: LJ {r['lj_low']['value']:5.1f} → {r['lj_high']['value']:5.1f}   "
              f"Δ LJ {fmt(r['d_lj'])}   Δ BG {fmt(r['d_bg'])}   "
              f"Δ progress {pfmt(r['d_progress'])}")  # fmt: skip
    return out


SECTIONS = ("sizes", "baseline", "open", "modes", "backbone")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sections", nargs="*", choices=SECTIONS, default=list(SECTIONS))
    parser.add_argument("--replicates", type=int, default=400)
    parser.add_argument("--baseline-replicates", type=int, default=1000)
    parser.add_argument("--before", type=Path, default=None, help="a checkout of the model before")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--indicators", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.indicators is not None:  # the before arm, in its own interpreter
        data = indicators(args.replicates, args.baseline_replicates)
        args.indicators.write_text(json.dumps(data))
        return 0
    print(f"cisim {cisim.__version__} from {Path(cisim.__file__).parent}; seed {SEED}")
    out: dict[str, Any] = {}
    if "sizes" in args.sections or "baseline" in args.sections:
        after = indicators(args.replicates, args.baseline_replicates)
        before = None
        if args.before is not None:
            before = before_indicators(args.before, args.replicates, args.baseline_replicates)
        if "sizes" in args.sections:
            out["sizes"] = sizes(after, before)
        if "baseline" in args.sections:
            out["baseline"] = baseline(after, before)
    if "open" in args.sections:
        out["open"] = open_accountability(args.replicates)
    if "modes" in args.sections:
        out["modes"] = modes(args.replicates)
    if "backbone" in args.sections:
        out["backbone"] = backbone(args.replicates)
    if args.json is not None:
        args.json.write_text(json.dumps(out, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A/B of the engine's cost per replicate-month against an earlier commit, in one process.

The earlier commit's ``src/cisim`` is exported (``git archive``) into a temporary directory as a
package named ``cisim_base`` (its imports rewritten), so both engines are imported side by side and
timed alternately in the same process, on the same scenarios and replicates: A, B, A, B, ... The
figure is the median over the rounds of the ratio B / A of seconds per replicate-month (the
monthly step and the month's metrics: ``engine.run``, initialisation excluded), with the range of
the ratios. Machines here are noisy; the ratio within a round is what is compared.

    python benchmarks/bench_ab.py --base af94437            # the end of issue 9
    python benchmarks/bench_ab.py --base af94437 --json out.json
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from statistics import median
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
#: The scenarios timed: presets that both versions define alike, and variants of the baseline
#: (Hartford is left out: its preset gained a timeline and an imposed entry point in v8, and a
#: backbone in v8d, when Louisville gained one too).
CASES: dict[str, dict[str, Any]] = {
    "baseline": {},
    "strong_start": {},
    "baseline, navigator, turnover 0.05": {"navigator": 1, "turnover": 0.05},
    "baseline, designed entry, grant": {"entry_point": "designed", "resources": 0.9},
}


def export_base(commit: str, into: Path) -> Path:
    """``src/cisim`` of ``commit`` as package ``cisim_base`` under ``into`` (returned)."""
    blob = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, "src/cisim", "configs"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
        tar.extractall(into, filter="data")
    package = into / "cisim_base"
    (into / "src" / "cisim").rename(package)
    presets = package / "model" / "presets"  # a link to configs/ in the repository
    if presets.is_symlink() or not presets.exists():
        presets.unlink(missing_ok=True)
        (into / "configs").rename(presets)
    pattern = re.compile(r"\bcisim(?=[.\s])")
    for path in package.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        path.write_text(pattern.sub("cisim_base", text), encoding="utf-8")
    return into


def timer(package: str) -> Any:
    """A function ``(case, replicates, seed) -> seconds per replicate-month`` of ``package``."""
    engine = importlib.import_module(f"{package}.engine")
    population = importlib.import_module(f"{package}.model.population")
    scenario = importlib.import_module(f"{package}.model.scenario")

    def seconds(case: str, replicates: int, seed: int) -> float:
        preset = case.split(",")[0]
        sc = scenario.Scenario.preset(preset).replace(**CASES[case])
        specs = [population.RunSpec(sc, seed, k) for k in range(replicates)]
        st, p = population.build_state(specs)
        start = time.perf_counter()
        engine.run(st, p, sc.horizon_months)
        return (time.perf_counter() - start) / (replicates * sc.horizon_months)

    seconds("baseline", 4, 0)  # compile (or load from the cache) outside the timing
    return seconds


def measure(base: str, rounds: int, replicates: int) -> dict[str, Any]:
    """Alternate the two engines ``rounds`` times over every case; ratios new / base."""
    with tempfile.TemporaryDirectory() as tmp:
        sys.path.insert(0, str(export_base(base, Path(tmp))))
        old, new = timer("cisim_base"), timer("cisim")
        per_case: dict[str, list[float]] = {c: [] for c in CASES}
        totals: list[float] = []
        for k in range(rounds):
            a = b = 0.0
            for case in CASES:
                ta = old(case, replicates, 1000 + k)
                tb = new(case, replicates, 1000 + k)
                per_case[case].append(tb / ta)
                a, b = a + ta, b + tb
            totals.append(b / a)
    return {
        "base": base,
        "rounds": rounds,
        "replicates": replicates,
        "ratio_total_median": median(totals),
        "ratio_total_range": [min(totals), max(totals)],
        "ratio_by_case_median": {c: median(v) for c, v in per_case.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the commit to compare with")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--replicates", type=int, default=400)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    result = measure(args.base, args.rounds, args.replicates)
    lo, hi = result["ratio_total_range"]
    print(
        f"cost per replicate-month, this tree / {args.base}: {result['ratio_total_median']:.3f} "
        f"(median of {args.rounds} rounds; range {lo:.3f}-{hi:.3f}; {args.replicates} "
        f"replicates x {len(CASES)} presets per round)"
    )
    for case, ratio in result["ratio_by_case_median"].items():
        print(f"  {case:36s} {ratio:.3f}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

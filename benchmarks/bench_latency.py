"""How long a newcomer waits: the command line's quick commands and a re-run of the flagship.

Each command is run as a whole process, alternately with the baseline ``python -c pass`` (the
same interpreter), ``--runs`` times after one warm-up; the table gives each command's median wall
time, its min-max, and the median of the pairwise ratios to the baseline (a ratio holds when the
machine's speed drifts). Measured:

* ``cisim --help``, ``cisim presets``, ``cisim validate configs/hartford.toml``: the quick
  commands (goal: under 0.5 s);
* ``python -c "import cisim"``;
* with ``--rerun DIR``: the second ``cisim sweep learning_vs_blame --out DIR`` (every run kept)
  and ``cisim report DIR`` (analysis current), the two commands of a ``./dev main`` re-run. DIR
  must hold the finished flagship sweep; it is not changed apart from the report's rewrite.

Usage::

    .venv/bin/python benchmarks/bench_latency.py [--runs 7] [--rerun results/learning_vs_blame]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BASELINE = [sys.executable, "-c", "pass"]


def commands(rerun: Path | None) -> dict[str, list[str]]:
    """The commands timed, by label."""
    cisim = str(BIN / "cisim")
    timed = {
        "cisim --help": [cisim, "--help"],
        "cisim presets": [cisim, "presets"],
        "cisim validate FILE": [cisim, "validate", "configs/hartford.toml"],
        "import cisim": [sys.executable, "-c", "import cisim"],
    }
    if rerun is not None:
        timed["cisim sweep (nothing to do)"] = [
            cisim, "sweep", "learning_vs_blame", "--out", str(rerun), "--no-progress",
        ]  # fmt: skip
        timed["cisim report (analysis current)"] = [cisim, "report", str(rerun)]
    return timed


def wall(argv: list[str]) -> float:
    """Seconds from start to exit of one process (its output discarded; it must succeed)."""
    start = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def measure(argv: list[str], runs: int) -> dict[str, float]:
    """Median, min and max wall seconds of ``argv`` and its median ratio to the baseline."""
    wall(argv), wall(BASELINE)  # warm-up: file caches, numba's cache
    times, ratios = [], []
    for _ in range(runs):
        seconds, base = wall(argv), wall(BASELINE)
        times.append(seconds)
        ratios.append(seconds / base)
    return {
        "median_s": statistics.median(times),
        "min_s": min(times),
        "max_s": max(times),
        "ratio_to_python": statistics.median(ratios),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rerun", type=Path, default=None, help="a finished flagship sweep")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/bench_latency.json")
    args = parser.parse_args()
    base = measure(BASELINE, args.runs)
    print(f"baseline python -c pass: median {base['median_s']:.3f} s")
    print(f"{'command':<34} {'median':>8} {'min-max':>15} {'x python':>9}")
    results = {"baseline": base}
    for label, argv in commands(args.rerun).items():
        row = results[label] = measure(argv, args.runs)
        span = f"{row['min_s']:.2f}-{row['max_s']:.2f} s"
        print(f"{label:<34} {row['median_s']:>6.2f} s {span:>15} {row['ratio_to_python']:>9.1f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

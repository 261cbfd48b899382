"""Quick docking check: the Mesa reference model against cisim's engine on ``baseline``.

Not a test: prints regime shares side by side, mean progress and final trust, and the reference's
seconds per run. Run with ``.venv/bin/python benchmarks/dock_check.py [replicates]``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reference_mesa import run

import cisim
from cisim import Scenario
from cisim.regimes import REGIMES


def main(replicates: int = 100, seed: int = 1) -> None:
    scenario = Scenario.preset("baseline")
    start = time.perf_counter()
    rows = [run(scenario, seed * 100_003 + k) for k in range(replicates)]
    per_run = (time.perf_counter() - start) / replicates
    ref = pd.DataFrame(rows)

    start = time.perf_counter()
    eng = cisim.simulate(scenario, replicates=replicates, seed=seed).summary
    engine_seconds = time.perf_counter() - start

    def shares(frame: pd.DataFrame) -> pd.Series:
        counts = frame["regime"].astype(str).value_counts()
        return pd.Series({r: counts.get(r, 0) / len(frame) for r in REGIMES})

    table = pd.DataFrame({"reference (Mesa)": shares(ref), "engine": shares(eng)})
    print(f"baseline, {replicates} replicates each\n")
    print("regime shares:")
    print(table.to_string(float_format=lambda x: f"{x:.2f}"))
    print()
    for name in ("progress", "final_trust", "learning_responses", "blame_responses"):
        r = pd.to_numeric(ref[name]).astype(float)
        e = pd.to_numeric(eng[name]).astype(float)
        print(f"mean {name:<22} reference {r.mean():8.3f}   engine {e.mean():8.3f}")
    for name in ("months_to_entry_point", "months_to_first_win"):
        r = pd.to_numeric(ref[name], errors="coerce").astype(float)
        e = pd.to_numeric(eng[name], errors="coerce").astype(float)
        print(
            f"median {name:<20} reference {np.nanmedian(r):8.1f}   engine {np.nanmedian(e):8.1f}"
            f"   (found: {r.notna().mean():.2f} vs {e.notna().mean():.2f})"
        )
    print()
    print(f"reference: {per_run:.3f} s per run")
    print(f"engine:    {engine_seconds / replicates:.4f} s per run ({engine_seconds:.2f} s in all)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)

"""The field's speed: M cities x 60 organisations x 120 months, a platform step every 3 months.

In one process, alternately (A, B, A, B, ...): **uncoupled** (every city's whole run in one call
of the engine per shard: what cisim.simulate does) and **coupled** (the ``platform`` strategy,
a platform step every 3 months; :func:`cisim.field.field`), on the same cities. Both include
building the cities; the figures are the median of each over the rounds (wall time, and the
process's CPU time over all threads, less sensitive to other work on a shared machine) and the
ratio coupled / uncoupled within a round. Peak memory is the process's peak resident set size
(``ru_maxrss``) after the rounds, and the bytes the cities' state and parameters hold.

    python benchmarks/bench_field.py --cities 1000 --workers 2 --rounds 3
    python benchmarks/bench_field.py --cities 10000 --workers 2 --rounds 1 --json out.json
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields
from statistics import median
from typing import Any

import numpy as np

from cisim import engine
from cisim.field import Field, field, strategy
from cisim.field.cities import build_cities
from cisim.field.run import shard_rows
from cisim.model.scenario import Scenario


def uncoupled(fld: Field, shards: int, workers: int) -> None:
    """Every city's whole run, one engine call per shard (no platform, no chunks)."""

    def one(rows: Any) -> None:
        st, p = build_cities(fld, rows)
        engine.run(st, p, fld.horizon)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, shard_rows(fld.size, shards)))


def state_bytes(fld: Field, cities: int) -> int:
    """Bytes of the state and parameters of ``cities`` cities (measured on a sample)."""
    sample = min(cities, 200)
    st, p = build_cities(fld, np.arange(sample))
    arrays = [getattr(st, f.name) for f in fields(st)] + list(p)
    total = sum(a.nbytes for a in arrays if isinstance(a, np.ndarray))
    return int(total * cities / sample)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cities", type=int, default=1000)
    ap.add_argument("--organisations", type=int, default=60)
    ap.add_argument("--months", type=int, default=120)
    ap.add_argument("--step", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--shards", type=int, default=0, help="default: 4 per worker")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    shards = a.shards or 4 * a.workers
    sc = Scenario.preset("baseline").replace(
        n_organisations=a.organisations, horizon_months=a.months
    )
    fld = Field(scenario=sc, cities=a.cities, seed=2026)
    platform = strategy("platform").replace(step_months=a.step)
    engine.warm()
    field(Field(scenario=sc, cities=4, seed=1), platform)  # warm the field's code too
    warm_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    times: dict[str, list[float]] = {"uncoupled": [], "coupled": []}
    cpu: dict[str, list[float]] = {"uncoupled": [], "coupled": []}
    for _ in range(a.rounds):
        t, c = time.perf_counter(), time.process_time()
        uncoupled(fld, shards, a.workers)
        times["uncoupled"].append(time.perf_counter() - t)
        cpu["uncoupled"].append(time.process_time() - c)
        t, c = time.perf_counter(), time.process_time()
        result = field(fld, platform, shards=shards, workers=a.workers)
        times["coupled"].append(time.perf_counter() - t)
        cpu["coupled"].append(time.process_time() - c)
    ratios = [c / u for c, u in zip(times["coupled"], times["uncoupled"], strict=True)]
    cpu_ratios = [c / u for c, u in zip(cpu["coupled"], cpu["uncoupled"], strict=True)]
    out = {
        "cities": a.cities,
        "organisations": a.organisations,
        "months": a.months,
        "step_months": a.step,
        "workers": a.workers,
        "shards": shards,
        "uncoupled_s": median(times["uncoupled"]),
        "coupled_s": median(times["coupled"]),
        "ratio": median(ratios),
        "ratio_range": [min(ratios), max(ratios)],
        "rounds": times,
        "uncoupled_cpu_s": median(cpu["uncoupled"]),
        "coupled_cpu_s": median(cpu["coupled"]),
        "cpu_ratio": median(cpu_ratios),
        "cpu_ratio_range": [min(cpu_ratios), max(cpu_ratios)],
        "peak_rss_mb_after_warm": warm_rss,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "state_mb": state_bytes(fld, a.cities) / 2**20,
        "learning_journey_share": result.summary["learning_journey_share"],
    }
    print(json.dumps(out, indent=2))
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(out, fh, indent=2)


if __name__ == "__main__":
    main()

"""A field through a Dask LocalCluster of worker processes against the same field in one process.

M baseline cities x 60 organisations x 120 months, the ``platform`` strategy (a platform step
every 3 months). **In process**: the shards on threads of this process
(:func:`cisim.field.run.run_field`).
**Dask**: the same shards as Dask actors on a ``LocalCluster`` of ``--workers`` processes with one
thread each (each shard built and held on its worker for the whole run). Reported: wall time, this
process's CPU time, the workers' CPU time, the bytes each coupling period moves (the cities'
reports up, the step's new values down: ``FieldRun.traffic``), the bytes gathered at the end
(every city's trajectories, or with ``--keep outcomes`` only its regime, final progress and
wins), what each worker's shards hold and each worker's peak resident set. Both
runs must give the same trajectories (checked).

    python benchmarks/bench_field_dask.py --cities 10000 --workers 2
    python benchmarks/bench_field_dask.py --cities 100000 --workers 2 --skip-in-process
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from statistics import mean
from typing import Any

import numpy as np

from cisim import engine
from cisim.field import Field, strategy
from cisim.field.hosts import dask_hosts
from cisim.field.run import KEPT, FieldRun, run_field
from cisim.model.scenario import Scenario

try:
    from bench_field import state_bytes
except ImportError:  # run from the repository's root
    from benchmarks.bench_field import state_bytes


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def traffic(fr: FieldRun) -> dict[str, float]:
    ups = [u for u, _ in fr.traffic]
    downs = [d for _, d in fr.traffic]
    gathered = fr.trajectories if fr.outcomes is None else fr.outcomes
    ends = sum(a.nbytes for a in gathered.values())
    return {
        "periods": len(ups),
        "up_bytes_per_period": mean(ups),
        "down_bytes_per_period_mean": mean(downs),
        "down_bytes_per_period_max": max(downs),
        "bytes_gathered_at_end": ends,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cities", type=int, default=10_000)
    ap.add_argument("--organisations", type=int, default=60)
    ap.add_argument("--months", type=int, default=120)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--shards", type=int, default=0, help="default: 4 per worker")
    ap.add_argument("--skip-in-process", action="store_true")
    ap.add_argument(
        "--keep", default="trajectories", choices=("trajectories", "outcomes"),
        help="what the shards send at the end: every city's trajectories, or only its outcomes",
    )  # fmt: skip
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    shards = a.shards or 4 * a.workers
    sc = Scenario.preset("baseline").replace(
        n_organisations=a.organisations, horizon_months=a.months
    )
    fld = Field(scenario=sc, cities=a.cities, seed=2026)
    platform = strategy("platform")
    engine.warm()
    run_field(Field(scenario=sc, cities=4, seed=1), platform)
    out: dict[str, Any] = {
        "cities": a.cities, "workers": a.workers, "shards": shards, "keep": a.keep
    }  # fmt: skip

    with dask_hosts("local", a.workers) as hosts:
        client = hosts.client
        client.run(engine.warm)
        run_field(Field(scenario=sc, cities=4, seed=1), platform, shards=a.workers, hosts=hosts)
        before = client.run(_cpu)
        t, c = time.perf_counter(), _cpu()
        dask_run = run_field(fld, platform, shards=shards, hosts=hosts, keep=a.keep)
        wall, cpu = time.perf_counter() - t, _cpu() - c
        after = client.run(_cpu)
        peaks = client.run(_peak_mb)
        out["dask"] = {
            "wall_s": wall,
            "parent_cpu_s": cpu,
            "workers_cpu_s": sum(after[w] - before[w] for w in after),
            "worker_peak_rss_mb": sorted(peaks.values()),
            "state_bytes_per_worker": state_bytes(fld, a.cities) // a.workers,
            **traffic(dask_run),
        }
        print(json.dumps(out["dask"], indent=1), flush=True)

    if not a.skip_in_process and a.keep == "trajectories":
        t, c = time.perf_counter(), _cpu()
        local = run_field(fld, platform, shards=shards, workers=a.workers)
        out["in_process"] = {
            "wall_s": time.perf_counter() - t,
            "cpu_s": _cpu() - c,
            "peak_rss_mb": _peak_mb(),
        }
        same = all(
            np.array_equal(local.trajectories[k], dask_run.trajectories[k]) for k in KEPT
        ) and (local.record == dask_run.record)
        out["identical"] = bool(same)
        print(json.dumps(out["in_process"], indent=1), "identical:", same, flush=True)
    out["parent_peak_rss_mb"] = _peak_mb()
    print(json.dumps(out, indent=1))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()

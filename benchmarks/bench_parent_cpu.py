"""Who writes the shards (issue 16): the sweep's own process's CPU when it writes every shard
(``--shards-by parent``) against when the workers write their own (``--shards-by workers``).

The same sweep, run again and again into fresh directories: the flagship study
(``experiments/learning_vs_blame.toml``: 24 cells, 120 months, 9 trajectory metrics) with
``--replicates`` runs per cell cut into tasks of ``--batch`` runs, so that there are many shards
and the trajectories make writing them matter. Each pair runs both writers on a pool of
``--workers`` spawned processes (``run_sweep(workers=N, writer=...)``, a new pool each run, as
``cisim sweep`` does), the order alternating from pair to pair. For each run it records:

- the parent's CPU seconds: ``resource.getrusage(RUSAGE_SELF)`` (user + system, every thread of
  this process, none of its children) before and after ``run_sweep``;
- the workers' CPU seconds: ``RUSAGE_CHILDREN`` before and after (the pool's processes are
  waited for when it closes);
- the parent's wall time spent committing tasks: in ``SweepStore.write`` (encoding, hashing,
  writing and fsyncing the shards) or ``SweepStore.accept`` (checking a worker's receipt);
- the wall time.

It prints the medians, and the pair-by-pair ratio workers / parent of the parent's CPU with its
minimum and maximum over the pairs. The first pair's two directories are checked to hold the
same files, byte for byte.

With ``--dask`` the same pairs run on a Dask ``LocalCluster`` of ``--workers`` worker processes
(one thread each) started in a separate process, so that this process is only the Dask client,
as the sweep's process is on a real cluster (a ``LocalCluster`` started inside it would add its
scheduler's and nannies' threads to its CPU). The workers' CPU is not measured there.

Usage::

    .venv/bin/python benchmarks/bench_parent_cpu.py [--pairs 3] [--replicates 125] [--batch 20]
        [--workers 2] [--dask] [--out FILE.json]
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENT = ROOT / "experiments" / "learning_vs_blame.toml"
WRITERS = ("parent", "workers")

#: Started in its own process: a LocalCluster of N worker processes; prints its address.
CLUSTER = """
import sys
from distributed import LocalCluster
from cisim.study.sweeps.executors import _engine_friendly_dask_config

with _engine_friendly_dask_config():
    cluster = LocalCluster(
        n_workers=int(sys.argv[1]), threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None, scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
    )
print(cluster.scheduler_address, flush=True)
sys.stdin.read()  # until the benchmark closes our stdin
cluster.close()
"""


def cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


#: Wall seconds the parent spent in ``SweepStore.write`` and ``SweepStore.accept``.
COMMITTING = [0.0]


def timed(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            COMMITTING[0] += time.perf_counter() - start

    return wrapper


def one_run(experiment: Any, out: Path, writer: str, workers: int, executor: Any) -> dict:
    from cisim.study.sweeps import run_sweep

    shutil.rmtree(out, ignore_errors=True)
    parent0, children0 = cpu(resource.RUSAGE_SELF), cpu(resource.RUSAGE_CHILDREN)
    COMMITTING[0] = 0.0
    start = time.perf_counter()
    run_sweep(experiment, out, executor=executor, workers=workers, progress=False, writer=writer)
    wall = time.perf_counter() - start
    parent, children = cpu(resource.RUSAGE_SELF) - parent0, cpu(resource.RUSAGE_CHILDREN)
    return {
        "writer": writer,
        "parent_cpu": parent,
        "workers_cpu": None if executor is not None else children - children0,
        "committing": COMMITTING[0],
        "wall": wall,
    }


def same_files(a: Path, b: Path) -> bool:
    def files(d: Path) -> dict[str, bytes]:
        return {
            str(p.relative_to(d)): p.read_bytes()
            for p in sorted(d.rglob("*"))
            if p.is_file() and p.name not in ("manifest.json", ".lock")
        }

    return files(a) == files(b)


@contextlib.contextmanager
def dask_cluster(workers: int) -> Iterator[Any]:
    """A Dask executor on a LocalCluster running in another process."""
    from distributed import Client

    process = subprocess.Popen(
        [sys.executable, "-c", CLUSTER, str(workers)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        address = process.stdout.readline().strip()  # type: ignore[union-attr]
        with Client(address) as client:
            yield client.get_executor(pure=False)
    finally:
        process.stdin.close()  # type: ignore[union-attr]
        process.wait(timeout=60)


def pairs(label: str, experiment: Any, args: argparse.Namespace, root: Path, executor: Any) -> dict:
    rows = []
    for pair in range(args.pairs):
        order = WRITERS if pair % 2 == 0 else WRITERS[::-1]
        result = {}
        for writer in order:
            out = root / f"{label}-{pair}-{writer}"
            result[writer] = one_run(experiment, out, writer, args.workers, executor)
            r = result[writer]
            workers_cpu = "" if r["workers_cpu"] is None else f", workers {r['workers_cpu']:.2f} s"
            print(
                f"{label} pair {pair + 1} {writer:>7}: parent CPU {r['parent_cpu']:.2f} s"
                f"{workers_cpu}, parent committing {r['committing']:.2f} s, wall {r['wall']:.2f} s",
                flush=True,
            )
        if pair == 0:
            a, b = (root / f"{label}-0-{w}" for w in WRITERS)
            assert same_files(a, b), "the two writers wrote different files"
        for writer in WRITERS:
            shutil.rmtree(root / f"{label}-{pair}-{writer}", ignore_errors=True)
        rows.append(result)
    return summarise(label, rows)


def summarise(label: str, rows: list[dict]) -> dict:
    def median(writer: str, key: str) -> float | None:
        values = [row[writer][key] for row in rows]
        return None if values[0] is None else statistics.median(values)

    ratios = [row["workers"]["parent_cpu"] / row["parent"]["parent_cpu"] for row in rows]
    walls = [row["workers"]["wall"] / row["parent"]["wall"] for row in rows]
    out = {
        "label": label,
        "pairs": rows,
        "median": {
            w: {k: median(w, k) for k in ("parent_cpu", "workers_cpu", "committing", "wall")}
            for w in WRITERS
        },
        "parent_cpu_ratio": {
            "median": statistics.median(ratios),
            "min": min(ratios),
            "max": max(ratios),
        },
        "wall_ratio": {"median": statistics.median(walls), "min": min(walls), "max": max(walls)},
    }
    print(f"\n{label}: medians of {len(rows)} pairs")
    for writer in WRITERS:
        m = out["median"][writer]
        workers_cpu = "" if m["workers_cpu"] is None else f", workers' CPU {m['workers_cpu']:.2f} s"
        print(
            f"  {writer:>7} writes: parent CPU {m['parent_cpu']:.2f} s{workers_cpu}, "
            f"parent committing {m['committing']:.2f} s, wall {m['wall']:.2f} s"
        )
    r, w = out["parent_cpu_ratio"], out["wall_ratio"]
    print(
        f"  parent CPU, workers/parent: {r['median']:.3f} (pairs {r['min']:.3f} to {r['max']:.3f})"
    )
    print(f"  wall, workers/parent: {w['median']:.3f} (pairs {w['min']:.3f} to {w['max']:.3f})\n")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--replicates", type=int, default=125, help="runs per cell (24 cells)")
    parser.add_argument("--batch", type=int, default=20, help="runs per task (shard)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--dask", action="store_true", help="also on a Dask LocalCluster")
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON")
    args = parser.parse_args()

    from cisim.engine import warm
    from cisim.study.sweeps import Experiment

    warm()
    from cisim.study.sweeps.store import SweepStore

    SweepStore.write = timed(SweepStore.write)  # type: ignore[method-assign]
    SweepStore.accept = timed(SweepStore.accept)  # type: ignore[method-assign]
    experiment = dataclasses.replace(
        Experiment.from_toml(EXPERIMENT),
        replicates=args.replicates,
        batch_size=args.batch,
        text=None,
    )
    runs = 24 * args.replicates
    print(
        f"{runs:,} runs of 120 months in {-(-runs // args.batch):,} tasks of {args.batch}, "
        f"{len(experiment.trajectories)} trajectory metrics; {args.workers} workers; "
        f"load average {os.getloadavg()[0]:.1f} at the start",
        flush=True,
    )
    report: dict[str, Any] = {"runs": runs, "batch": args.batch, "workers": args.workers}
    report["load_start"] = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-parent-cpu-") as temp:
        root = Path(temp)
        warmup = dataclasses.replace(experiment, replicates=2)
        one_run(warmup, root / "warm", "workers", args.workers, None)  # the page cache, numba's
        report["pool"] = pairs("process pool", experiment, args, root, None)
        if args.dask:
            with dask_cluster(args.workers) as executor:
                one_run(warmup, root / "warm", "workers", args.workers, executor)  # load engine
                report["dask"] = pairs("Dask LocalCluster", experiment, args, root, executor)
    report["load_end"] = os.getloadavg()
    print(f"load average at the end {report['load_end'][0]:.1f}")
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

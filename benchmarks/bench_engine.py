"""Benchmark cisim's engine against the idiomatic Mesa reference, in the same run.

Usage::

    .venv/bin/python benchmarks/bench_engine.py            # full: about 4 minutes
    .venv/bin/python benchmarks/bench_engine.py --quick    # smaller sizes, no sweeps: ~2 minutes
    .venv/bin/python benchmarks/bench_engine.py --docs     # full, and rewrite the generated part
                                                           # of docs/performance.md and its plot

Every measurement runs in its own subprocess (so its peak memory is its own, and numba's cache is
loaded the way a user's process loads it), on ``Scenario.preset("baseline")`` changed only as
stated, seed 1. Single-process measurements are timed in CPU seconds of the process
(``time.process_time``) as well as wall seconds; ratios between two single-process measurements
use CPU seconds, which a busy machine disturbs far less than wall time. Measurements with
several processes (the two-core figures, the sweeps) use wall time.

What is measured:

1. **Sizes.** For N = 20, 60, 200, 1,000, 5,000 organisations over the default horizon
   (120 months): ``cisim.simulate`` (initialisation, the compiled run and the tables, each
   timed) and the Mesa reference (``benchmarks/reference_mesa.py``); runs/s,
   organisation-months/s, ratios, peak memory.
2. **Single runs.** One run of 1,000 organisations (engine against reference) and one run of
   2,000 organisations (wall time).
3. **Batch size** at N = 60.
4. **Exponents.** log-log slopes of the compiled run's seconds per run against organisations,
   ties per organisation (``mean_degree`` 2 to 16 at N = 200) and horizon (60 to 480 months).
5. **Where the time goes.** The phases of ``simulate`` at N = 60, and each compiled mechanism's
   cost per replicate-month (the processor's cycle counter read between the mechanisms in a
   driver that is ``cisim.engine.step.run_rows`` with the schedule written out; its total is
   given next to the plain run's).
6. **Two cores.** 1,000 runs at N = 60 on two processes, engine and reference.
7. **Sweeps** (full mode only). ``cisim sweep experiments/sensitivity.toml --workers 2`` (76,800
   runs) and a 100,000-run Latin hypercube sweep: wall time and the peak resident memory of the
   whole process tree (sampled every 0.2 s from /proc).

Results go to ``benchmarks/results/bench_engine[_quick].json``; a readable report is printed.
With ``--docs`` the section between ``<!-- bench:begin -->`` and ``<!-- bench:end -->`` of
``docs/performance.md`` is rewritten from the results and ``docs/figures/performance/cost.png``
is redrawn.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DOC = ROOT / "docs" / "performance.md"
FIGURE = ROOT / "docs" / "figures" / "performance" / "cost.png"

# (organisations, engine replicates, reference runs)
SIZES_FULL = [
    (20, 1000, 20),
    (60, 1000, 10),
    (200, 200, 3),
    (1000, 20, 1),
    (5000, 4, 1),
]
SIZES_QUICK = [
    (20, 200, 3),
    (60, 200, 2),
    (200, 40, 1),
    (1000, 4, 1),
    (5000, 1, 0),
]
BATCH_FULL = [(1, 50), (10, 200), (100, 500), (500, 1000), (1000, 1000)]
BATCH_QUICK = [(1, 20), (10, 50), (100, 200)]
DEGREES = [2.0, 4.0, 8.0, 16.0]
HORIZONS = [60, 120, 240, 480]


# ---- workers (each in a fresh process) ---------------------------------------------------------
def _maxrss_mib() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def _scenario(n: int, mean_degree: float | None = None, horizon: int | None = None) -> Any:
    from cisim import Scenario

    changes: dict[str, Any] = {"n_organisations": n}
    if mean_degree is not None:
        changes["mean_degree"] = mean_degree
    if horizon is not None:
        changes["horizon_months"] = horizon
    return Scenario.preset("baseline").replace(**changes)


def _reference() -> Any:
    spec = importlib.util.spec_from_file_location("reference_mesa", HERE / "reference_mesa.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Clock:
    """Wall and CPU seconds of a block."""

    def __enter__(self) -> _Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def _simulate_phases(sc: Any, replicates: int, batch_size: int) -> dict:
    """``cisim.simulate`` phase by phase, each phase timed."""
    from cisim import engine
    from cisim.model.metrics import REGISTRY
    from cisim.model.population import RunSpec, build_state
    from cisim.study.simulate import summarise, tidy

    t = {"init_cpu": 0.0, "run_cpu": 0.0, "init_wall": 0.0, "run_wall": 0.0}
    numbers = np.arange(replicates)
    parts: dict[str, list[np.ndarray]] = {name: [] for name in REGISTRY}
    for i in range(0, replicates, batch_size):
        specs = [RunSpec(sc, 1, int(k)) for k in numbers[i : i + batch_size]]
        with _Clock() as c1:
            state, params = build_state(specs)
        with _Clock() as c2:
            out = engine.run(state, params, sc.horizon_months)
        t["init_cpu"] += c1.cpu
        t["init_wall"] += c1.wall
        t["run_cpu"] += c2.cpu
        t["run_wall"] += c2.wall
        for name in REGISTRY:
            parts[name].append(out[name])
    with _Clock() as c3:
        merged = {name: np.concatenate(p, axis=1) for name, p in parts.items()}
        summarise(merged, sc, 1, numbers)
        tidy(merged, numbers)
    t["tables_cpu"], t["tables_wall"] = c3.cpu, c3.wall
    t["total_cpu"] = t["init_cpu"] + t["run_cpu"] + t["tables_cpu"]
    t["total_wall"] = t["init_wall"] + t["run_wall"] + t["tables_wall"]
    return t


def _work_engine(spec: dict[str, Any]) -> dict[str, Any]:
    from cisim.study.simulate import DEFAULT_BATCH

    sc = _scenario(spec["n"], spec.get("mean_degree"), spec.get("horizon"))
    _simulate_phases(sc, 1, 1)  # imports, numba cache, lazy setup
    base = _maxrss_mib()
    reps = [
        _simulate_phases(sc, spec["replicates"], spec.get("batch_size") or DEFAULT_BATCH)
        for _ in range(spec["repeats"])
    ]
    med = {k: statistics.median(r[k] for r in reps) for k in reps[0]}
    return {
        **med,
        "rss_peak_mib": _maxrss_mib(),
        "rss_base_mib": base,
        "horizon": sc.horizon_months,
        "n": sc.n_organisations,
    }


def _work_reference(spec: dict[str, Any]) -> dict[str, Any]:
    ref = _reference()
    sc = _scenario(spec["n"])
    with _Clock() as c:
        for seed in range(spec["runs"]):
            ref.run(sc, seed)
    return {"cpu": c.cpu, "wall": c.wall, "rss_peak_mib": _maxrss_mib()}


def _work_single(spec: dict[str, Any]) -> dict[str, Any]:
    from cisim import simulate

    sc = _scenario(spec["n"])
    simulate(_scenario(20), replicates=1, seed=1)  # imports and compiled code loaded
    with _Clock() as c:
        simulate(sc, replicates=1, seed=1)
    return {"cpu": c.cpu, "wall": c.wall, "rss_peak_mib": _maxrss_mib()}


def _work_mechanisms(spec: dict[str, Any]) -> dict[str, Any]:
    """Where the compiled step's time goes, nanoseconds per replicate-month.

    A driver that is :func:`cisim.engine.step.run_rows` with the schedule
    (:func:`cisim.model.mechanisms.monthly_step`) written out, compiled the same way, reads the
    processor's cycle counter between the mechanisms (and around the metrics, which also find the
    next month's masks); cycles become nanoseconds by the driver's own wall time. Reading the
    counter costs a few nanoseconds a segment, so the segments add up to slightly more than the
    uninstrumented run, which is also reported. The driver's metrics must equal the run's, and its
    mechanisms are checked against the schedule, so it cannot drift from the model unnoticed.
    """
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return {"skipped": f"needs x86-64's cycle counter, not {platform.machine()}"}
    import numba
    from llvmlite import ir
    from numba.core.extending import intrinsic

    from cisim import engine
    from cisim.engine.step import adjacency, run_rows
    from cisim.model.compiled import work
    from cisim.model.mechanisms import (
        SCHEDULE,
        adaptation,
        community,
        contribution,
        entry_point,
        joint_work,
        membership,
        navigator,
        setback_response,
        trust,
        turnover,
    )
    from cisim.model.metrics import REGISTRY, measure_row
    from cisim.model.population import RunSpec, build_state
    from cisim.model.streams import SHOCKS, normal

    driven_mechanisms = (
        turnover.turnover,
        entry_point.entry_point,
        contribution.contribution,
        joint_work.joint_work,
        setback_response.setback_response,
        trust.trust,
        navigator.navigator,
        community.community,
        adaptation.adaptation,
        membership.membership,
    )
    if driven_mechanisms != SCHEDULE:
        raise RuntimeError("the instrumented driver no longer calls the schedule's mechanisms")

    @intrinsic
    def cycles(typingctx: Any) -> Any:
        def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
            fn = builder.module.declare_intrinsic(
                "llvm.readcyclecounter", fnty=ir.FunctionType(ir.IntType(64), [])
            )
            return builder.call(fn, [])

        return numba.types.uint64(), codegen

    @numba.njit(_nrt=False)
    def driven(s: Any, p: Any, month: int, shocks: Any, out: Any, w: Any, tm: Any) -> None:
        for r in range(s.status.shape[0]):
            adjacency(s.src[r], s.dst[r], w)
            for t in range(shocks.shape[0] + 1):
                if t > 0:
                    m = month + t
                    w.shock[0] = shocks[t - 1, r, 0]
                    w.shock[1] = shocks[t - 1, r, 1]
                    c0 = cycles()
                    turnover.turnover(s, p, r, m, w)
                    c1 = cycles()
                    entry_point.entry_point(s, p, r, m, w)
                    c2 = cycles()
                    contribution.contribution(s, p, r, m, w)
                    c3 = cycles()
                    joint_work.joint_work(s, p, r, m, w)
                    c4 = cycles()
                    setback_response.setback_response(s, p, r, m, w)
                    c5 = cycles()
                    trust.trust(s, p, r, m, w)
                    c6 = cycles()
                    navigator.navigator(s, p, r, m, w)
                    c7 = cycles()
                    community.community(s, p, r, m, w)
                    c8 = cycles()
                    adaptation.adaptation(s, p, r, m, w)
                    c9 = cycles()
                    membership.membership(s, p, r, m, w)
                    c10 = cycles()
                    for k, (a, b) in enumerate(
                        (
                            (c0, c1),
                            (c1, c2),
                            (c2, c3),
                            (c3, c4),
                            (c4, c5),
                            (c5, c6),
                            (c6, c7),
                            (c7, c8),
                            (c8, c9),
                            (c9, c10),
                        )
                    ):
                        tm[k] += float(b - a)
                c11 = cycles()
                measure_row(s, r, out[r, t], w)
                tm[10] += float(cycles() - c11)

    sc = _scenario(spec["n"]).replace(navigator=1, entry_point="designed")
    months = sc.horizon_months

    def batch() -> tuple[Any, ...]:
        st, p = build_state([RunSpec(sc, 1, k) for k in range(spec["replicates"])])
        shocks = np.empty((months, st.replicates, len(SHOCKS)))
        for t in range(months):
            for k, stream in enumerate(SHOCKS):
                shocks[t, :, k] = normal(st.keys, stream, 1 + t)
        out = np.empty((st.replicates, months + 1, len(REGISTRY)))
        w = work(st.slots, st.src.shape[1])
        return engine.state_arrays(st), engine.param_arrays(p), 0, shocks, out, w

    driven(*batch(), np.zeros(11))  # compile
    # instrumented and plain runs alternate, three each, on fresh copies of the same batch
    shares, instrumented, plain = [], [], []
    for _ in range(3):
        tm = np.zeros(11)
        args = batch()
        with _Clock() as c:
            driven(*args, tm)
        shares.append(tm / tm.sum())
        instrumented.append(c.wall)
        again = batch()
        with _Clock() as c:
            run_rows(*again)
        plain.append(c.wall)
        if not np.array_equal(args[4], again[4]):  # the driver must be the run, timed
            raise RuntimeError("the instrumented driver no longer matches engine.step.run_rows")
    replicate_months = months * spec["replicates"]
    per = statistics.median(instrumented) / replicate_months * 1e9
    share = np.median(np.array(shares), axis=0)
    names = [*(m.__name__ for m in SCHEDULE), "metrics and masks"]
    return {
        "ns_per_replicate_month": {name: share[k] * per for k, name in enumerate(names)},
        "instrumented_ns": per,
        "plain_ns": statistics.median(plain) / replicate_months * 1e9,
        "n": spec["n"],
    }


def _ref_chunk(args: tuple[int, list[int]]) -> int:
    ref = _reference()
    sc = _scenario(args[0])
    for seed in args[1]:
        ref.run(sc, seed)
    return len(args[1])


def _sim_chunk(args: tuple[int, int, int]) -> int:
    from cisim import simulate

    n, first, count = args
    simulate(_scenario(n), replicates=count, seed=1, first_replicate=first)
    return count


def _work_parallel(spec: dict[str, Any]) -> dict[str, Any]:
    n, runs, ref_runs = spec["n"], spec["runs"], spec["ref_runs"]
    ctx = get_context("forkserver")
    with ProcessPoolExecutor(2, mp_context=ctx) as pool:
        list(pool.map(_sim_chunk, [(n, 0, 1), (n, 1, 1)]))  # start and warm both workers
        half = runs // 2
        with _Clock() as c:
            list(pool.map(_sim_chunk, [(n, 0, half), (n, half, runs - half)]))
        engine_wall = c.wall
    with ProcessPoolExecutor(2, mp_context=ctx) as pool:
        list(pool.map(_ref_chunk, [(20, [0]), (20, [1])]))
        seeds = list(range(ref_runs))
        with _Clock() as c:
            list(pool.map(_ref_chunk, [(n, seeds[0::2]), (n, seeds[1::2])]))
        ref_wall = c.wall
    return {
        "engine_runs_per_s": runs / engine_wall,
        "reference_runs_per_s": ref_runs / ref_wall,
        "runs": runs,
        "ref_runs": ref_runs,
        "n": n,
    }


WORKERS = {
    "engine": _work_engine,
    "reference": _work_reference,
    "single": _work_single,
    "mechanisms": _work_mechanisms,
    "parallel": _work_parallel,
}


# ---- the driver ----------------------------------------------------------------------------------
def _in_subprocess(kind: str, spec: dict[str, Any]) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", kind, json.dumps(spec)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"measurement {kind} {spec} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


class _TreeMemory:
    """Peak resident memory of a process and its descendants, sampled from /proc."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_mib, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _tree_rss(self) -> float:
        children: dict[int, list[int]] = {}
        rss: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
                rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
            except (OSError, IndexError, ValueError):
                continue
        total, todo = 0, [self.pid]
        while todo:
            pid = todo.pop()
            total += rss.get(pid, 0)
            todo.extend(children.get(pid, []))
        return total / 2**20

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.peak_mib = max(self.peak_mib, self._tree_rss())
            self._stop.wait(0.2)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_mib


def _sweep(experiment: Path, workers: int = 2) -> dict[str, Any]:
    cisim = Path(sys.executable).with_name("cisim")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [
                str(cisim),
                "sweep",
                str(experiment),
                "--out",
                f"{tmp}/out",
                "--workers",
                str(workers),
                "--no-progress",
            ],
            stdout=subprocess.DEVNULL,
        )
        memory = _TreeMemory(proc.pid)
        code = proc.wait()
        wall = time.perf_counter() - start
        peak = memory.stop()
        if code != 0:
            raise RuntimeError(f"cisim sweep {experiment} exited with {code}")
        runs = _count_runs(Path(tmp) / "out")
    return {
        "wall_s": wall,
        "peak_tree_mib": peak,
        "runs": runs,
        "workers": workers,
        "experiment": experiment.name,
    }


def _count_runs(out: Path) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(f).metadata.num_rows for f in (out / "runs").glob("task-*.parquet"))


HUNDRED_K = """\
name = "bench_100k"
description = "100,000 runs for the memory benchmark"
question = "How much memory does a 100,000-run sweep take?"
base = "baseline"
design = "lhs"
samples = 1000
replicates = 100
seed = 7
trajectories = "none"

[levers]
navigator = { low = 0, high = 1 }
data_use = { low = 0.0, high = 0.8 }

[uncertainties]
initial_trust = { low = 0.2, high = 0.8 }
turnover = { low = 0.0, high = 0.08 }
"""


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of log(y) on log(x)."""
    return float(np.polyfit(np.log(xs), np.log(ys), 1)[0])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes, no sweeps (~2 min)")
    ap.add_argument("--docs", action="store_true", help="rewrite docs/performance.md's tables")
    ap.add_argument("--out", type=Path, help="JSON results file")
    ap.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(WORKERS[args.worker[0]](json.loads(args.worker[1]))))
        return 0
    quick = args.quick
    out = args.out or HERE / "results" / (
        "bench_engine_quick.json" if quick else "bench_engine.json"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    def say(msg: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {msg}", file=sys.stderr, flush=True)

    res: dict[str, Any] = {"mode": "quick" if quick else "full", "environment": _env()}
    repeats = 1 if quick else 3
    sizes = []
    for n, r, ref_runs in SIZES_QUICK if quick else SIZES_FULL:
        say(f"N={n}: engine R={r}, reference {ref_runs} runs")
        row: dict[str, Any] = {"n": n, "replicates": r, "reference_runs": ref_runs}
        row["engine"] = _in_subprocess("engine", {"n": n, "replicates": r, "repeats": repeats})
        if ref_runs:
            row["reference"] = _in_subprocess("reference", {"n": n, "runs": ref_runs})
        sizes.append(row)
    res["sizes"] = sizes

    say("single runs: 1,000 organisations (engine), 2,000 organisations")
    res["single_1000"] = _in_subprocess("single", {"n": 1000})
    res["single_2000"] = _in_subprocess("single", {"n": 2000})

    res["batch"] = []
    for bs, r in BATCH_QUICK if quick else BATCH_FULL:
        say(f"batch size {bs} (N=60, R={r})")
        m = _in_subprocess(
            "engine", {"n": 60, "replicates": r, "repeats": repeats, "batch_size": bs}
        )
        res["batch"].append({"batch_size": bs, "replicates": r, **m})

    deg_r, hor_r = (10, 40) if quick else (50, 200)
    res["degree"] = []
    for d in DEGREES:
        say(f"mean_degree {d} (N=200, R={deg_r})")
        m = _in_subprocess(
            "engine", {"n": 200, "replicates": deg_r, "repeats": repeats, "mean_degree": d}
        )
        res["degree"].append({"mean_degree": d, "replicates": deg_r, **m})
    res["horizon"] = []
    for h in HORIZONS:
        say(f"horizon {h} (N=60, R={hor_r})")
        m = _in_subprocess(
            "engine", {"n": 60, "replicates": hor_r, "repeats": repeats, "horizon": h}
        )
        res["horizon"].append({"horizon": h, "replicates": hor_r, **m})

    say("compiled mechanisms one by one (N=60)")
    res["mechanisms"] = _in_subprocess("mechanisms", {"n": 60, "replicates": 100 if quick else 400})
    say("two cores (N=60)")
    res["parallel"] = _in_subprocess(
        "parallel", {"n": 60, "runs": 200 if quick else 1000, "ref_runs": 2 if quick else 8}
    )
    if not quick:
        say("cisim sweep experiments/sensitivity.toml --workers 2")
        res["sweep_sensitivity"] = _sweep(ROOT / "experiments" / "sensitivity.toml")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench_100k.toml"
            path.write_text(HUNDRED_K)
            say("a 100,000-run sweep --workers 2")
            res["sweep_100k"] = _sweep(path)
    res["derived"] = derive(res)
    res["elapsed_s"] = time.perf_counter() - started
    out.write_text(json.dumps(res, indent=2))
    text = report(res)
    print(text)
    if args.docs:
        write_docs(res, text)
    print(f"\nJSON: {out}")
    return 0


def _env() -> dict[str, Any]:
    import mesa
    import numba

    import cisim

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return {
        "cisim": cisim.__version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": numba.__version__,
        "mesa": mesa.__version__,
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "load_at_start": load,
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }


def derive(res: dict[str, Any]) -> dict[str, Any]:
    """Ratios, rates and exponents from the raw measurements."""
    d: dict[str, Any] = {"sizes": []}
    for row in res["sizes"]:
        n, e = row["n"], row["engine"]
        org_months = n * e["horizon"]
        item = {
            "n": n,
            "engine_runs_per_s": row["replicates"] / e["total_cpu"],
            "engine_org_months_per_s": row["replicates"] * org_months / e["total_cpu"],
            "engine_run_only_org_months_per_s": row["replicates"] * org_months / e["run_cpu"],
            "engine_peak_mib": e["rss_peak_mib"],
            "engine_ms_per_run": e["total_cpu"] / row["replicates"] * 1e3,
            "init_share": e["init_cpu"] / e["total_cpu"],
            "run_share": e["run_cpu"] / e["total_cpu"],
            "tables_share": e["tables_cpu"] / e["total_cpu"],
        }
        if "reference" in row:
            ref = row["reference"]
            item["reference_runs_per_s"] = row["reference_runs"] / ref["cpu"]
            item["reference_s_per_run"] = ref["cpu"] / row["reference_runs"]
            item["reference_peak_mib"] = ref["rss_peak_mib"]
            item["ratio"] = item["engine_runs_per_s"] / item["reference_runs_per_s"]
        d["sizes"].append(item)
    ref_1000 = next((s for s in d["sizes"] if s["n"] == 1000 and "reference_s_per_run" in s), None)
    if ref_1000:
        d["single_1000_ratio"] = ref_1000["reference_s_per_run"] / res["single_1000"]["cpu"]
    d["single_2000_wall_s"] = res["single_2000"]["wall"]
    sizes = res["sizes"]
    d["exponent_organisations"] = slope(
        [s["n"] for s in sizes], [s["engine"]["run_cpu"] / s["replicates"] for s in sizes]
    )
    big = [s for s in sizes if s["n"] >= 200]
    d["exponent_organisations_n200"] = slope(
        [s["n"] for s in big], [s["engine"]["run_cpu"] / s["replicates"] for s in big]
    )
    d["exponent_degree"] = slope(
        [m["mean_degree"] for m in res["degree"]],
        [m["run_cpu"] / m["replicates"] for m in res["degree"]],
    )
    d["exponent_horizon"] = slope(
        [m["horizon"] for m in res["horizon"]],
        [m["run_cpu"] / m["replicates"] for m in res["horizon"]],
    )
    par = res["parallel"]
    d["two_core_ratio"] = par["engine_runs_per_s"] / par["reference_runs_per_s"]
    return d


def targets(res: dict[str, Any]) -> list[str]:
    """The issue's targets, each with its measured figure."""
    d = res["derived"]
    n60 = next(s for s in d["sizes"] if s["n"] == 60)
    rows = [
        (
            "≥ 100× the reference's runs/s at 60 organisations (1,000 replicates)",
            f"{n60.get('ratio', float('nan')):.0f}× on one core each; "
            f"{d['two_core_ratio']:.0f}× on two cores each",
            n60.get("ratio", 0) >= 100,
        ),
        (
            "≥ 20× for a single run of 1,000 organisations",
            f"{d.get('single_1000_ratio', float('nan')):.0f}×",
            d.get("single_1000_ratio", 0) >= 20,
        ),
        (
            "a 2,000-organisation run over the default horizon in < 2 s",
            f"{d['single_2000_wall_s']:.2f} s wall",
            d["single_2000_wall_s"] < 2,
        ),
    ]
    if "sweep_sensitivity" in res:
        sens, big = res["sweep_sensitivity"], res["sweep_100k"]
        rows += [
            (
                "`sensitivity` (13 parameters, N = 1,024, 5 replicates) in < 3 min on 2 workers",
                f"{sens['wall_s']:.0f} s ({sens['runs']:,} runs)",
                sens["wall_s"] < 180,
            ),
            (
                "a 100,000-run sweep under 2 GB of peak memory",
                f"{big['peak_tree_mib']:,.0f} MiB (process tree, {big['runs']:,} runs)",
                big["peak_tree_mib"] < 2048,
            ),
        ]
    out = ["| target | measured | met |", "|---|---|---|"]
    out += [f"| {t} | {m} | {'yes' if ok else '**no**'} |" for t, m, ok in rows]
    return out


def _mechanism_lines(m: dict[str, Any]) -> list[str]:
    """Table 5's costs per mechanism (or why they were not measured)."""
    if "skipped" in m:
        return [f"(Not measured here: {m['skipped']}.)"]
    costs = m["ns_per_replicate_month"]
    return [
        "| " + " | ".join(costs) + " |",
        "|" + "---|" * len(costs),
        "| " + " | ".join(f"{v:,.0f}" for v in costs.values()) + " |",
        "",
        f"(Read from the processor's cycle counter between mechanisms: the instrumented step took "
        f"{m['instrumented_ns']:,.0f} ns per replicate-month, the same step without the counter "
        f"{m['plain_ns']:,.0f} ns.)",
    ]


def report(res: dict[str, Any]) -> str:
    """The figures as Markdown (printed, and written into docs/performance.md by --docs)."""
    env, d = res["environment"], res["derived"]
    ref_1000 = next(s["reference_s_per_run"] for s in d["sizes"] if s["n"] == 1000)
    lines = [
        *targets(res),
        "",
        f"Measured {env['date']} on {env['platform']}, {env['cpu_count']} CPUs (load average "
        f"{env['load_at_start']:.1f} at the start), Python {env['python']}, numpy {env['numpy']}, "
        f"numba {env['numba']}, Mesa {env['mesa']}, cisim {env['cisim']}; mode {res['mode']}. "
        "Single-process figures in CPU seconds (median of repeats for the engine).",
        "",
        "**1. Sizes** (baseline, 120 months; engine = `cisim.simulate` including initialisation "
        "and tables; ratio = engine runs/s ÷ reference runs/s, one core each)",
        "",
        "| organisations | engine runs/s | engine org-months/s | compiled run only org-months/s "
        "| reference runs/s | **ratio** | engine peak MiB | reference peak MiB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in d["sizes"]:
        lines.append(
            f"| {s['n']:,} | {s['engine_runs_per_s']:,.1f} | {s['engine_org_months_per_s']:.3g} "
            f"| {s['engine_run_only_org_months_per_s']:.3g} "
            f"| {s.get('reference_runs_per_s', float('nan')):.3g} "
            f"| **{s.get('ratio', float('nan')):.0f}×** | {s['engine_peak_mib']:.0f} "
            f"| {s.get('reference_peak_mib', float('nan')):.0f} |"
        )
    lines += [
        "",
        "**2. Single runs**: one run of 1,000 organisations "
        f"{res['single_1000']['cpu']:.3f} s CPU ({res['single_1000']['wall']:.3f} s wall) against "
        f"the reference's {ref_1000:.2f} s: "
        f"**{d.get('single_1000_ratio', float('nan')):.0f}×**; one run of 2,000 organisations "
        f"**{d['single_2000_wall_s']:.3f} s** wall ({res['single_2000']['cpu']:.3f} s CPU, "
        f"peak {res['single_2000']['rss_peak_mib']:.0f} MiB).",
        "",
        "**3. Batch size** (N = 60)",
        "",
        "| batch size | replicates | runs/s | ms per run |",
        "|---|---|---|---|",
    ]
    for m in res["batch"]:
        lines.append(
            f"| {m['batch_size']} | {m['replicates']} | {m['replicates'] / m['total_cpu']:,.0f} "
            f"| {m['total_cpu'] / m['replicates'] * 1e3:.2f} |"
        )
    lines += [
        "",
        "**4. Exponents** (log-log slope of the compiled run's CPU seconds per run): organisations "
        f"{d['exponent_organisations']:.2f} (N ≥ 200: {d['exponent_organisations_n200']:.2f}), "
        f"ties per organisation {d['exponent_degree']:.2f}, horizon {d['exponent_horizon']:.2f}.",
        "",
        "**5. Where the time goes** (N = 60): share of `simulate`'s CPU time in initialisation "
        + ", ".join(
            f"{s['init_share']:.0%} / run {s['run_share']:.0%} / tables {s['tables_share']:.0%}"
            for s in d["sizes"]
            if s["n"] == 60
        )
        + "; inside the compiled step, nanoseconds per replicate-month (N = 60, a navigator, "
        "a designed entry point):",
        "",
        *_mechanism_lines(res["mechanisms"]),
        "",
        f"**6. Two cores** (N = 60, wall time): engine {res['parallel']['engine_runs_per_s']:,.0f} "
        f"runs/s, reference {res['parallel']['reference_runs_per_s']:.2f} runs/s: "
        f"**{d['two_core_ratio']:.0f}×**.",
    ]
    if "sweep_sensitivity" in res:
        s, h = res["sweep_sensitivity"], res["sweep_100k"]
        lines += [
            "",
            f"**7. Sweeps** (2 workers, wall time): `cisim sweep experiments/sensitivity.toml` "
            f"{s['runs']:,} runs in **{s['wall_s']:.0f} s** ({s['runs'] / s['wall_s']:,.0f} "
            f"runs/s), process tree peak {s['peak_tree_mib']:,.0f} MiB; a {h['runs']:,}-run "
            f"Latin hypercube sweep in {h['wall_s']:.0f} s, process tree peak "
            f"**{h['peak_tree_mib']:,.0f} MiB**.",
        ]
    return "\n".join(lines)


def write_docs(res: dict[str, Any], text: str) -> None:
    """Rewrite the generated section of docs/performance.md and the cost plot."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    d = res["derived"]
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for key, style, label in (
        ("engine_runs_per_s", "o-", "cisim (compiled), per run in a batch"),
        ("reference_runs_per_s", "^-", "idiomatic Mesa reference"),
    ):
        sizes = [s for s in d["sizes"] if key in s]
        ax.loglog([s["n"] for s in sizes], [1e3 / s[key] for s in sizes], style, label=label)
    ax.set_xlabel("organisations")
    ax.set_ylabel("CPU milliseconds per run of 120 months")
    ax.set_title("Cost of a run against its size (one core)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    FIGURE.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(FIGURE, dpi=120)
    plt.close(fig)
    begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
    doc = DOC.read_text() if DOC.exists() else f"# Performance\n\n{begin}\n{end}\n"
    if begin not in doc:
        doc += f"\n{begin}\n{end}\n"
    head, rest = doc.split(begin, 1)
    tail = rest.split(end, 1)[1]
    note = "<!-- generated by benchmarks/bench_engine.py --docs; do not edit -->"
    body = f"{begin}\n{note}\n\n{text}\n\n{end}"
    DOC.write_text(head + body + tail)


if __name__ == "__main__":
    raise SystemExit(main())

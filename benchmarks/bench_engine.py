"""Benchmark cisim's batched numpy engine.

Usage::

    .venv/bin/python benchmarks/bench_engine.py [--quick] [--out FILE.json]

Measures, for ``Scenario.preset("baseline")``:

1. throughput (runs/s and organisation-months/s) against the number of organisations, timing
   initialisation (``population.build_state``), the simulation (``engine.run``) and the tables
   (``simulate.summarise`` and ``simulate.tidy``) separately, exactly as ``cisim.simulate`` chains
   them;
2. the effect of ``batch_size`` at 60 organisations;
3. the peak resident memory of each measurement (each runs in its own subprocess);
4. fitted log-log exponents of the cost per run against organisations, ties per organisation
   (``mean_degree``) and horizon;
5. a cProfile of one batch (top 15 functions by cumulative time).

Each measurement is repeated (3 times, once with ``--quick``) and the median is reported. Results
go to a JSON file (default ``benchmarks/results/bench_engine[_quick].json``) and the profile to a
text file next to it; a readable table is printed.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent

# (organisations, replicates): R chosen so one measurement takes a few seconds.
SCALING_FULL = [(20, 300), (60, 150), (200, 40), (1000, 8), (5000, 1)]
SCALING_QUICK = [(20, 40), (60, 30), (200, 8), (1000, 2), (5000, 1)]
# (batch_size, replicates) at N = 60; replicates a multiple of the batch size.
BATCH_FULL = [(1, 20), (10, 100), (100, 200), (500, 500), (1000, 1000)]
BATCH_QUICK = [(1, 5), (10, 20), (100, 100)]
DEGREES = [2.0, 4.0, 8.0, 16.0]
HORIZONS = [60, 120, 240, 480]


# --------------------------------------------------------------------------------------------
# Worker: one measurement, in a fresh process so that its peak memory is its own.
# --------------------------------------------------------------------------------------------


def _maxrss_mib() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def _scenario(n: int, mean_degree: float | None, horizon: int | None) -> Any:
    from cisim import Scenario

    changes: dict[str, Any] = {"n_organisations": n}
    if mean_degree is not None:
        changes["mean_degree"] = mean_degree
    if horizon is not None:
        changes["horizon_months"] = horizon
    return Scenario.preset("baseline").replace(**changes)


def _one_simulate(sc: Any, replicates: int, batch_size: int, seed: int = 1) -> dict[str, float]:
    """``cisim.simulate`` step by step, with each phase timed."""
    from cisim import engine
    from cisim.metrics import REGISTRY
    from cisim.population import RunSpec, build_state
    from cisim.simulate import summarise, tidy

    init_s = run_s = 0.0
    numbers = np.arange(replicates)
    arrays: dict[str, list[np.ndarray]] = {name: [] for name in REGISTRY}
    for i in range(0, replicates, batch_size):
        specs = [RunSpec(sc, seed, int(k)) for k in numbers[i : i + batch_size]]
        t0 = time.perf_counter()
        state, params = build_state(specs)
        t1 = time.perf_counter()
        out = engine.run(state, params, sc.horizon_months)
        t2 = time.perf_counter()
        init_s += t1 - t0
        run_s += t2 - t1
        for name in REGISTRY:
            arrays[name].append(out[name])
    t3 = time.perf_counter()
    merged = {name: np.concatenate(parts, axis=1) for name, parts in arrays.items()}
    summarise(merged, sc, seed, numbers)
    tidy(merged, numbers)
    tables_s = time.perf_counter() - t3
    return {"init_s": init_s, "run_s": run_s, "tables_s": tables_s}


def worker(spec: dict[str, Any]) -> dict[str, Any]:
    import cisim  # noqa: F401  (import cost outside the baseline memory)

    sc = _scenario(spec["n"], spec.get("mean_degree"), spec.get("horizon"))
    _one_simulate(sc, 1, 1)  # warm caches and lazy imports
    base = _maxrss_mib()
    reps = [
        _one_simulate(sc, spec["replicates"], spec["batch_size"]) for _ in range(spec["repeats"])
    ]
    return {
        "repeats": reps,
        "rss_baseline_mib": base,
        "rss_peak_mib": _maxrss_mib(),
        "n_organisations": sc.n_organisations,
        "mean_degree": sc.mean_degree,
        "horizon_months": sc.horizon_months,
    }


# --------------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------------


def measure(
    n: int,
    replicates: int,
    repeats: int,
    *,
    batch_size: int | None = None,
    mean_degree: float | None = None,
    horizon: int | None = None,
) -> dict[str, Any]:
    """Run one measurement in a subprocess and summarise it (medians over repeats)."""
    from cisim.simulate import DEFAULT_BATCH

    spec = {
        "n": n,
        "replicates": replicates,
        "repeats": repeats,
        "batch_size": batch_size or DEFAULT_BATCH,
        "mean_degree": mean_degree,
        "horizon": horizon,
    }
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", json.dumps(spec)],
        check=True,
        capture_output=True,
        text=True,
    )
    raw = json.loads(proc.stdout.strip().splitlines()[-1])
    med = {k: statistics.median(r[k] for r in raw["repeats"]) for k in raw["repeats"][0]}
    totals = [r["init_s"] + r["run_s"] + r["tables_s"] for r in raw["repeats"]]
    sims = [r["run_s"] for r in raw["repeats"]]
    total = statistics.median(totals)
    sim = statistics.median(sims)
    org_months = replicates * raw["n_organisations"] * raw["horizon_months"]
    return {
        **spec,
        "n_organisations": raw["n_organisations"],
        "mean_degree": raw["mean_degree"],
        "horizon_months": raw["horizon_months"],
        "init_s": med["init_s"],
        "run_s": sim,
        "tables_s": med["tables_s"],
        "total_s": total,
        "runs_per_s": replicates / total,
        "runs_per_s_sim_only": replicates / sim,
        "org_months_per_s": org_months / total,
        "org_months_per_s_sim_only": org_months / sim,
        "run_s_per_run": sim / replicates,
        "total_s_per_run": total / replicates,
        "rss_baseline_mib": raw["rss_baseline_mib"],
        "rss_peak_mib": raw["rss_peak_mib"],
        "rss_extra_mib": raw["rss_peak_mib"] - raw["rss_baseline_mib"],
        "all_repeats": raw["repeats"],
    }


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of log(y) on log(x)."""
    return float(np.polyfit(np.log(xs), np.log(ys), 1)[0])


def profile(n: int, replicates: int, path: Path) -> dict[str, Any]:
    """cProfile of one batch (initialisation and run) of ``replicates`` runs."""
    from cisim import engine
    from cisim.population import RunSpec, build_state

    sc = _scenario(n, None, None)
    specs = [RunSpec(sc, 1, k) for k in range(replicates)]
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    state, params = build_state(specs)
    engine.run(state, params, sc.horizon_months)
    prof.disable()
    wall = time.perf_counter() - t0
    stats = pstats.Stats(prof)
    rows = []
    for (file, line, func), (_cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append(
            {
                "function": f"{_short(file)}:{line}({func})",
                "ncalls": nc,
                "tottime_s": tt,
                "cumtime_s": ct,
            }
        )
    by_cum = sorted(rows, key=lambda r: r["cumtime_s"], reverse=True)[:15]
    by_tot = sorted(rows, key=lambda r: r["tottime_s"], reverse=True)[:15]
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).strip_dirs().sort_stats("cumulative").print_stats(15)
    text = buf.getvalue()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).strip_dirs().sort_stats("tottime").print_stats(15)
    text_tot = buf.getvalue()
    path.write_text(
        f"cProfile of one batch: N={n}, R={replicates}, {sc.horizon_months} months "
        f"(wall {wall:.2f} s under the profiler)\n\n== by cumulative time ==\n{text}\n"
        f"== by own time ==\n{text_tot}"
    )
    return {
        "n_organisations": n,
        "replicates": replicates,
        "wall_s_under_profiler": wall,
        "top_cumulative": by_cum,
        "top_tottime": by_tot,
        "text_file": str(path),
    }


def _short(file: str) -> str:
    marker = os.sep + "cisim" + os.sep
    if marker in file:
        return "cisim/" + file.split(marker, 1)[1]
    return os.path.basename(file) if file != "~" else "~"


def _env() -> dict[str, Any]:
    import cisim

    return {
        "cisim": getattr(cisim, "__version__", "?"),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, one repeat (< ~60 s)")
    ap.add_argument("--out", type=Path, help="JSON results file")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(json.loads(args.worker))))
        return 0

    quick = args.quick
    repeats = 1 if quick else 3
    name = "bench_engine_quick.json" if quick else "bench_engine.json"
    out = args.out or HERE / "results" / name
    out.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    def say(msg: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {msg}", file=sys.stderr, flush=True)

    results: dict[str, Any] = {"mode": "quick" if quick else "full", "repeats": repeats}
    results["environment"] = _env()

    scaling = []
    for n, r in SCALING_QUICK if quick else SCALING_FULL:
        say(f"organisations N={n} R={r}")
        scaling.append(measure(n, r, repeats))
    results["scaling_organisations"] = scaling

    batches = []
    for bs, r in BATCH_QUICK if quick else BATCH_FULL:
        say(f"batch_size={bs} R={r} (N=60)")
        batches.append(measure(60, r, repeats, batch_size=bs))
    results["batch_size"] = batches

    degree_r = 5 if quick else 30
    degrees = []
    for d in DEGREES:
        say(f"mean_degree={d} (N=200, R={degree_r})")
        degrees.append(measure(200, degree_r, repeats, mean_degree=d))
    results["scaling_mean_degree"] = degrees

    horizon_r = 10 if quick else 50
    horizons = []
    for h in HORIZONS:
        say(f"horizon={h} (N=60, R={horizon_r})")
        horizons.append(measure(60, horizon_r, repeats, horizon=h))
    results["scaling_horizon"] = horizons

    big = [m for m in scaling if m["n_organisations"] >= 200]
    results["exponents"] = {
        "organisations_sim": slope(
            [m["n_organisations"] for m in scaling], [m["run_s_per_run"] for m in scaling]
        ),
        "organisations_sim_N>=200": slope(
            [m["n_organisations"] for m in big], [m["run_s_per_run"] for m in big]
        ),
        "organisations_total": slope(
            [m["n_organisations"] for m in scaling], [m["total_s_per_run"] for m in scaling]
        ),
        "mean_degree_sim": slope(
            [m["mean_degree"] for m in degrees], [m["run_s_per_run"] for m in degrees]
        ),
        "horizon_sim": slope(
            [m["horizon_months"] for m in horizons], [m["run_s_per_run"] for m in horizons]
        ),
        "note": "log-log slope of seconds per run; R differs across N (batch fill differs)",
    }

    prof_r = 100 if quick else 500
    say(f"profile (N=60, R={prof_r})")
    results["profile"] = profile(60, prof_r, out.with_suffix(".profile.txt"))
    results["elapsed_s"] = time.perf_counter() - started

    out.write_text(json.dumps(results, indent=2))
    report(results)
    print(f"\nJSON: {out}\nprofile: {results['profile']['text_file']}")
    return 0


def report(res: dict[str, Any]) -> None:
    env = res["environment"]
    print(
        f"cisim {env['cisim']} | Python {env['python']} | numpy {env['numpy']} | "
        f"{env['platform']} | {env['cpu_count']} CPUs | mode {res['mode']}, "
        f"median of {res['repeats']}"
    )
    head = (
        f"{'N':>5} {'R':>5} {'init s':>7} {'sim s':>7} {'tables s':>8} {'runs/s':>8} "
        f"{'runs/s sim':>10} {'org-mo/s':>10} {'org-mo/s sim':>12} {'peak MiB':>8} {'+MiB':>6}"
    )

    def row(m: dict[str, Any]) -> str:
        return (
            f"{m['n_organisations']:>5} {m['replicates']:>5} {m['init_s']:>7.2f} "
            f"{m['run_s']:>7.2f} {m['tables_s']:>8.2f} {m['runs_per_s']:>8.1f} "
            f"{m['runs_per_s_sim_only']:>10.1f} {m['org_months_per_s']:>10.3g} "
            f"{m['org_months_per_s_sim_only']:>12.3g} {m['rss_peak_mib']:>8.0f} "
            f"{m['rss_extra_mib']:>6.0f}"
        )

    print("\n1. Organisations (baseline, 120 months, batch 500)")
    print(head)
    for m in res["scaling_organisations"]:
        print(row(m))
    print("\n2. Batch size (N=60)")
    print(f"{'batch':>6} " + head)
    for m in res["batch_size"]:
        print(f"{m['batch_size']:>6} " + row(m))
    print("\n4a. Ties per organisation (N=200)")
    print(f"{'degree':>6} " + head)
    for m in res["scaling_mean_degree"]:
        print(f"{m['mean_degree']:>6g} " + row(m))
    print("\n4b. Horizon (N=60)")
    print(f"{'months':>6} " + head)
    for m in res["scaling_horizon"]:
        print(f"{m['horizon_months']:>6} " + row(m))
    print("\n4. Fitted exponents (log-log slope of seconds per run)")
    for k, v in res["exponents"].items():
        if k != "note":
            print(f"  {k:<26} {v:6.2f}")
    p = res["profile"]
    print(
        f"\n5. Profile of one batch (N={p['n_organisations']}, R={p['replicates']}), "
        "top 15 by cumulative time"
    )
    print(f"  {'cum s':>7} {'own s':>7} {'calls':>8}  function")
    for r in p["top_cumulative"]:
        print(f"  {r['cumtime_s']:>7.2f} {r['tottime_s']:>7.2f} {r['ncalls']:>8}  {r['function']}")
    print("  top 8 by own time")
    for r in p["top_tottime"][:8]:
        print(f"  {r['cumtime_s']:>7.2f} {r['tottime_s']:>7.2f} {r['ncalls']:>8}  {r['function']}")


if __name__ == "__main__":
    raise SystemExit(main())

"""Docking: the Mesa reference model against cisim's engine (Axtell et al. 1996).

Distributional equivalence of two independent implementations of the ODD: for each preset, many
runs of the reference (``reference_mesa.py``, one Mesa model per run) and of the engine
(``cisim.simulate``) are compared on

* **regime shares**: for each of the four regimes, the share of runs in it, by a two-sided Fisher
  exact test of the 2 x 2 table (reference / engine x in the regime / not);
* **per-run outcome distributions**: two-sample Kolmogorov–Smirnov tests (asymptotic p-values) on
  the outcomes of ``OUTCOMES``. Months to the entry point and to the first win count runs that
  never got there as ``horizon + 1``; the blame shares (of the whole run, and of its closing
  period, which the regime rule reads) leave out runs without setback responses (in that period).

The p-values of one preset form one family, corrected by Holm's step-down method; the preset docks
when no corrected p-value is below ``ALPHA``. The minimum detectable difference (MDD) of each test
is given at the strictest Holm level ``ALPHA / k`` (what one deviating outcome alone must beat),
two-sided, with 80 % power for shares (normal approximation) and as the critical KS distance for
distributions (a gap between the two CDFs larger than it is detected with at least 50 % power; for
a normal outcome it is a location shift of ``2 Phi^-1((1 + D) / 2)`` standard deviations). The
variance of a share's MDD is taken half way to the alternative, so a share of 0 (no blame games in
``strong_start``) has a meaningful MDD too.

``tests/docking/test_docking.py`` runs the same functions with the same replicates and seeds.
Run this file for the table of every preset (``-j 2`` runs the reference on two processes)::

    .venv/bin/python benchmarks/dock_check.py [--presets baseline,louisville] [--reference 400]
        [--engine 2400] [-j 2]

An entry of ``--presets`` may set levers on its preset, ``baseline:triangle=1,triangle_focus=0.5``
(entries are separated by ``;`` when one sets more than one lever), to dock a lever no preset
uses.

When a preset does not dock, ``--monthly`` finds where the two implementations part: for every
monthly metric (``cisim.model.metrics.REGISTRY``) the month in which the two means differ most
(z from the pooled variance), the metrics sorted by it. A diagnostic, not a test: with 121
months and many metrics, |z| of 3 to 4 somewhere is expected by chance alone, more for the lumpy
monthly counts of setback responses::

    .venv/bin/python benchmarks/dock_check.py --monthly --presets louisville [--reference 200]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parent))

import reference_mesa

import cisim
from cisim import Scenario
from cisim.model.outcomes import values
from cisim.model.regimes import REGIMES

PRESETS: tuple[str, ...] = ("baseline", "hartford", "louisville", "strong_start")
#: Reference runs per preset; reference run ``k`` uses seed ``REFERENCE_SEED + k``.
REFERENCE_RUNS = 400
REFERENCE_SEED = 20_250_000
#: Engine runs per preset (replicates 0 .. ENGINE_RUNS - 1 of ``cisim.simulate`` under ENGINE_SEED).
ENGINE_RUNS = 2400
ENGINE_SEED = 1
#: Family-wise error rate per preset (Holm).
ALPHA = 0.01
POWER = 0.8

#: Per-run outcomes compared by distribution (columns of ``cisim.simulate``'s summary).
OUTCOMES: tuple[str, ...] = (
    "progress",
    "final_trust",
    "final_understanding",
    "final_legitimacy",
    "final_members",
    "months_to_entry_point",
    "months_to_first_win",
    "wins",
    "blame_share",
    "closing_blame_share",
    "turnover_events",
    "peak_conflict",
)


def scenario_of(spec: str) -> Scenario:
    """The scenario a ``--presets`` entry names: a preset, optionally with levers set, as
    ``baseline:triangle=1,triangle_focus=0.5`` (so that a lever no preset uses can be docked)."""
    name, _, settings = spec.partition(":")
    levers: dict[str, object] = {}
    for item in filter(None, settings.split(",")):
        key, _, text = item.partition("=")
        levers[key.strip()] = _value(text.strip())
    return Scenario.preset(name).replace(**levers)


def _value(text: str) -> object:
    """A lever's value from its text: a whole number, a real number, or a word."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def reference_summaries(preset: str, first: int, count: int, jobs: int = 1) -> pd.DataFrame:
    """Summaries of reference runs ``first .. first + count - 1`` of ``preset``."""
    seeds = [REFERENCE_SEED + k for k in range(first, first + count)]
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            rows = list(pool.map(_reference_run, [preset] * count, seeds, chunksize=8))
    else:
        rows = [_reference_run(preset, seed) for seed in seeds]
    return pd.DataFrame(rows, columns=list(reference_mesa.SUMMARY_COLUMNS))


def _reference_run(preset: str, seed: int) -> dict[str, object]:
    return reference_mesa.run(scenario_of(preset), seed)


def engine_summaries(preset: str, replicates: int = ENGINE_RUNS) -> pd.DataFrame:
    """Summaries of ``replicates`` engine runs of ``preset``."""
    summary = cisim.simulate(scenario_of(preset), replicates=replicates, seed=ENGINE_SEED)
    return summary.summary


def reference_trajectories(preset: str, count: int, jobs: int = 1) -> pd.DataFrame:
    """Monthly metrics of reference runs ``0 .. count - 1`` of ``preset``, one row per run and
    month (columns ``replicate``, ``month`` and the metrics)."""
    seeds = [REFERENCE_SEED + k for k in range(count)]
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            frames = list(pool.map(_reference_trajectory, [preset] * count, seeds, chunksize=8))
    else:
        frames = [_reference_trajectory(preset, seed) for seed in seeds]
    for k, frame in enumerate(frames):
        frame.insert(0, "month", np.arange(len(frame)))
        frame.insert(0, "replicate", k)
    return pd.concat(frames, ignore_index=True)


def _reference_trajectory(preset: str, seed: int) -> pd.DataFrame:
    out = reference_mesa.run(scenario_of(preset), seed, trajectories=True)["trajectories"]
    return out.reset_index(drop=True)


def engine_trajectories(preset: str, replicates: int = ENGINE_RUNS) -> pd.DataFrame:
    """Monthly metrics of ``replicates`` engine runs of ``preset`` (as
    :func:`reference_trajectories`)."""
    runs = cisim.simulate(scenario_of(preset), replicates=replicates, seed=ENGINE_SEED)
    return runs.trajectories


def monthly_gaps(ref: pd.DataFrame, eng: pd.DataFrame) -> pd.DataFrame:
    """For every metric, the month whose reference and engine means differ most by z (the mean
    difference over its standard error under equal distributions, from the pooled variance: a
    rare event one sample lacks does not shrink it), sorted by |z|: where to look first. Means
    that differ by rounding only count as equal."""
    rows = []
    metrics = [c for c in ref.columns if c not in ("replicate", "month")]
    a, b = ref.groupby("month"), eng.groupby("month")
    for name in metrics:
        mean_a, mean_b = a[name].mean(), b[name].mean()
        n, m = a[name].count(), b[name].count()
        pooled = ((n - 1) * a[name].var() + (m - 1) * b[name].var()) / (n + m - 2)
        se = np.sqrt(pooled * (1 / n + 1 / m))
        gap = (mean_a - mean_b).where((mean_a - mean_b).abs() > 1e-9 * (1 + mean_b.abs()), 0.0)
        z = (gap / se.where(se > 0)).fillna(0.0)
        month = int(z.abs().idxmax())
        rows.append((name, month, mean_a[month], mean_b[month], float(z[month])))
    table = pd.DataFrame(rows, columns=["metric", "month", "reference", "engine", "z"])
    return table.sort_values("z", key=np.abs, ascending=False, ignore_index=True)


def holm(pvalues: Sequence[float]) -> np.ndarray:
    """Holm's step-down adjusted p-values."""
    p = np.asarray(pvalues, dtype=float)
    order = np.argsort(p, kind="stable")
    k = len(p)
    adjusted = np.empty(k)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, (k - rank) * p[i])
        adjusted[i] = min(1.0, running)
    return adjusted


def share_mdd(base: float, n: int, m: int, z: float) -> float:
    """The smallest difference from a share ``base`` that a test at ``z`` detects.

    ``z`` is the two-sided critical value plus the power's quantile; the variance is taken at the
    midpoint of the two shares (towards 1/2), so that a share of 0 or 1 has a useful answer.
    """
    d = 0.5
    for _ in range(100):
        q = base + d / 2 if base <= 0.5 else base - d / 2
        d = z * math.sqrt(q * (1 - q) * (1 / n + 1 / m))
    return d


def outcome_values(frame: pd.DataFrame, name: str, horizon: int) -> np.ndarray:
    """One outcome of every run as floats (the registry's rule: a time to an event that never
    happened counts as ``horizon + 1``), runs without a value left out."""
    out = values(frame, name, horizon)
    return out[~np.isnan(out)]


@dataclass(frozen=True)
class Docking:
    """The docking tests of one preset: one row per test, and the verdict."""

    preset: str
    reference_runs: int
    engine_runs: int
    table: pd.DataFrame

    @property
    def docks(self) -> bool:
        """No Holm-adjusted p-value is below ``ALPHA``."""
        return bool((self.table["p_holm"] >= ALPHA).all())

    def failures(self) -> pd.DataFrame:
        return self.table[self.table["p_holm"] < ALPHA]


def dock(preset: str, ref: pd.DataFrame, eng: pd.DataFrame) -> Docking:
    """Regime-share and outcome-distribution tests of reference ``ref`` against engine ``eng``."""
    horizon = scenario_of(preset).horizon_months
    n, m = len(ref), len(eng)
    k = len(REGIMES) + len(OUTCOMES)
    level = ALPHA / k  # the strictest Holm level
    z = stats.norm.ppf(1 - level / 2) + stats.norm.ppf(POWER)
    rows = []
    ref_regime, eng_regime = ref["regime"].astype(str), eng["regime"].astype(str)
    for regime in REGIMES:
        a, b = int((ref_regime == regime).sum()), int((eng_regime == regime).sum())
        p = stats.fisher_exact([[a, n - a], [b, m - b]]).pvalue
        mdd = share_mdd(b / m, n, m, z)
        rows.append(("share", regime, a / n, b / m, a / n - b / m, p, mdd))
    d_crit = math.sqrt(-0.5 * math.log(level / 2)) * math.sqrt((n + m) / (n * m))
    for name in OUTCOMES:
        x, y = outcome_values(ref, name, horizon), outcome_values(eng, name, horizon)
        ks = stats.ks_2samp(x, y, method="asymp")
        d_mdd = math.sqrt(-0.5 * math.log(level / 2)) * math.sqrt(
            (len(x) + len(y)) / (len(x) * len(y))
        )
        rows.append(("KS", name, x.mean(), y.mean(), float(ks.statistic), ks.pvalue, d_mdd))
    table = pd.DataFrame(
        rows, columns=["test", "quantity", "reference", "engine", "difference", "p", "mdd"]
    )
    table["p_holm"] = holm(table["p"])
    table.attrs["d_crit"] = d_crit
    return Docking(preset, n, m, table)


def normal_shift(d: float) -> float:
    """The location shift (in sd) of two normals whose CDFs differ by at most ``d``."""
    return 2.0 * float(stats.norm.ppf((1.0 + d) / 2.0))


def report(result: Docking) -> str:
    """A readable table of one preset's docking."""
    t = result.table.copy()
    head = (
        f"{result.preset}: {result.reference_runs} reference runs, {result.engine_runs} engine "
        f"runs; Holm family of {len(t)} tests at alpha {ALPHA}: "
        + ("DOCKS" if result.docks else "DOES NOT DOCK")
    )
    lines = [head, ""]
    lines.append(
        f"{'test':<6}{'quantity':<24}{'reference':>10}{'engine':>10}{'diff / D':>10}"
        f"{'p':>10}{'p Holm':>9}{'MDD':>8}"
    )
    for row in t.itertuples():
        lines.append(
            f"{row.test:<6}{row.quantity:<24}{row.reference:>10.3f}{row.engine:>10.3f}"
            f"{row.difference:>10.3f}{row.p:>10.3g}{row.p_holm:>9.3g}{row.mdd:>8.3f}"
        )
    d = t.attrs["d_crit"]
    lines.append("")
    lines.append(
        "Shares: reference and engine share, their difference, MDD at 80 % power. KS: reference "
        "and engine mean, KS distance D, MDD = critical D"
    )
    lines.append(f"(D = {d:.3f} is a shift of {normal_shift(d):.2f} sd between normal outcomes).")
    return "\n".join(lines)


def _entries(text: str) -> list[str]:
    """The ``--presets`` entries: separated by ``;`` if any sets levers, else by ``,``."""
    return text.split(";") if ":" in text else text.split(",")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", default=",".join(PRESETS))
    parser.add_argument("--reference", type=int, default=REFERENCE_RUNS)
    parser.add_argument("--engine", type=int, default=ENGINE_RUNS)
    parser.add_argument("-j", "--jobs", type=int, default=1)
    parser.add_argument(
        "--monthly", action="store_true", help="per-month means of the metrics, not the tests"
    )
    args = parser.parse_args(argv)
    if args.monthly:
        for preset in _entries(args.presets):
            ref = reference_trajectories(preset, args.reference, args.jobs)
            eng = engine_trajectories(preset, args.engine)
            print(f"{preset}: {args.reference} reference runs, {args.engine} engine runs")
            print(monthly_gaps(ref, eng).to_string(float_format=lambda x: f"{x:.4g}"), "\n")
        return 0
    ok = True
    for preset in _entries(args.presets):
        start = time.perf_counter()
        ref = reference_summaries(preset, 0, args.reference, args.jobs)
        ref_seconds = time.perf_counter() - start
        start = time.perf_counter()
        eng = engine_summaries(preset, args.engine)
        eng_seconds = time.perf_counter() - start
        result = dock(preset, ref, eng)
        ok &= result.docks
        print(report(result))
        print(
            f"time: reference {ref_seconds:.1f} s ({ref_seconds * args.jobs / args.reference:.3f}"
            f" s per run per process), engine {eng_seconds:.1f} s\n"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

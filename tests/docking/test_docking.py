"""Docking: the idiomatic Mesa reference (``benchmarks/reference_mesa.py``) against the engine.

Distributional equivalence in the sense of Axtell, Axelrod, Epstein & Cohen (1996): two independent
implementations of the ODD give statistically indistinguishable results. For each of the presets
``baseline``, ``louisville`` and ``strong_start``:

* **Replicates.** 400 reference runs (one Mesa model each, seeds ``REFERENCE_SEED + k`` for
  k = 0..399) against 2,400 engine runs (replicates 0..2399 of ``cisim.simulate`` under seed 1).
  The engine is some 40 times cheaper per run, so it gets six times the runs (near the
  cost-optimal ratio, the square root of the cost ratio). Everything is seeded: the test is
  deterministic.
* **Regime shares.** For each of the four regimes a two-sided Fisher exact test of the 2 x 2 table
  (implementation x in the regime or not).
* **Per-run outcome distributions.** Two-sample Kolmogorov–Smirnov tests on final progress, final
  trust, final understanding, final legitimacy, final members, months to the entry point and to
  the first win (never = horizon + 1), wins, blame share (runs with setback responses), closing
  blame share (the share of blame in the last ``regime_window_months`` months, which the regime
  rule reads; runs with setback responses then), turnover events and peak conflict.
* **Decision.** The 16 p-values of a preset are one family, Holm-corrected; the preset docks when
  no corrected p-value is below ``ALPHA = 0.01`` (so equivalent implementations fail a preset by
  chance at most 1 % of the time).
* **Power** (minimum detectable differences at the strictest Holm level, 0.01 / 16, two-sided):
  a regime share near 50 % that differs by 0.114 (near 8 %: 0.074; near 2 %: 0.047; a regime
  neither implementation produces, as dissolution in ``louisville`` and ``strong_start``: 0.026)
  is detected with 80 % power; a gap of 0.108 between the two outcome CDFs (a shift of 0.27 sd
  between normal outcomes) with at least 50 % power. ``benchmarks/dock_check.py`` prints every
  test's MDD, runs larger samples on request and, with ``--monthly``, compares the monthly means
  of every metric; ``docs/performance.md`` ("Docking against the Mesa reference") has the
  results.

The reference runs of a preset are cut into ``PARTS`` parts, one test item each, so that
``pytest -n 2`` spreads the reference runs over both workers. Each item runs its own part (and
any part no item has started yet: parts are claimed with a file in the session's shared temporary
directory); the item that finishes a preset's last part loads all parts, runs the engine and the
tests, and asserts. The file takes about 80 s on two idle cores with ``-n 2`` (the reference costs
about 0.08, 0.11 and 0.10 s of CPU per run of these presets, the engine about 2 ms).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cisim.model.regimes import REGIMES

from .loader import DOCK, REFERENCE

PARTS = 4
PER_PART = DOCK.REFERENCE_RUNS // PARTS


@pytest.fixture(scope="session")
def shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory every pytest-xdist worker of this session sees (the session's base temp)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    out = shared / "docking"
    out.mkdir(exist_ok=True)
    return out


def _part_file(shared: Path, preset: str, part: int) -> Path:
    return shared / f"{preset}-{part}.pkl"


def _run_part_unless_claimed(shared: Path, preset: str, part: int) -> None:
    """Run reference part ``part`` of ``preset`` and save it, unless another item claimed it."""
    try:
        os.close(os.open(shared / f"{preset}-{part}.claim", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return
    frame = DOCK.reference_summaries(preset, part * PER_PART, PER_PART)
    assert list(frame.columns) == list(REFERENCE.SUMMARY_COLUMNS)
    target = _part_file(shared, preset, part)
    scratch = target.with_suffix(".tmp")
    frame.to_pickle(scratch)
    os.replace(scratch, target)  # atomic: a part file is complete or absent


def test_docking__parts_cover_the_reference_runs():
    assert PER_PART * PARTS == DOCK.REFERENCE_RUNS


@pytest.mark.slow
@pytest.mark.parametrize("part", range(PARTS))
@pytest.mark.parametrize("preset", DOCK.PRESETS)
def test_docking__reference_and_engine_are_indistinguishable(preset, part, shared_dir):
    for k in (part, *(j for j in range(PARTS) if j != part)):
        _run_part_unless_claimed(shared_dir, preset, k)
    files = [_part_file(shared_dir, preset, k) for k in range(PARTS)]
    if not all(f.exists() for f in files):
        return  # another item is still running a part of this preset; it will test
    ref = pd.concat([pd.read_pickle(f) for f in files], ignore_index=True)
    assert len(ref) == DOCK.REFERENCE_RUNS
    eng = DOCK.engine_summaries(preset, DOCK.ENGINE_RUNS)
    result = DOCK.dock(preset, ref, eng)
    print(DOCK.report(result))
    assert result.docks, DOCK.report(result)


def _synthetic(runs: int, seed: int, *, shift: float = 0.0, learning: float = 0.47) -> pd.DataFrame:
    """Per-run summaries with made-up regimes and standard normal outcomes."""
    rng = np.random.default_rng(seed)
    rest = 1.0 - learning - 0.06
    regimes = rng.choice(list(REGIMES), size=runs, p=[learning, rest, 0.03, 0.03])
    frame = pd.DataFrame({"regime": regimes})
    for name in DOCK.OUTCOMES:
        frame[name] = rng.normal(shift if name == "progress" else 0.0, 1.0, runs)
    return frame


def test_docking__holm_adjusts_step_down():
    assert DOCK.holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert DOCK.holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])


def test_docking__the_same_distributions_dock():
    result = DOCK.dock("baseline", _synthetic(500, 1), _synthetic(3000, 2))
    assert result.docks, DOCK.report(result)


def test_docking__a_planted_difference_above_the_mdd_is_caught():
    ref, eng = _synthetic(500, 1), _synthetic(3000, 2)
    shifted = DOCK.dock("baseline", _synthetic(500, 1, shift=0.4), eng)
    assert list(shifted.failures()["quantity"]) == ["progress"]
    regimes = DOCK.dock("baseline", _synthetic(500, 1, learning=0.60), eng)
    assert "learning_journey" in set(regimes.failures()["quantity"])
    assert DOCK.dock("baseline", ref, eng).docks

"""Synthetic sweeps with known answers, and a small real one, for the analysis tests.

Synthetic sweeps imitate the sweep runner's three tables. Common random numbers are imitated by a
uniform ``u_k`` per replicate shared by every point: run ``(p, k)`` is a learning journey when
``u_k < P_p``, so the paired difference of two points is known exactly in expectation.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest

import cisim

LJ, BG = "learning_journey", "blame_game"


@dataclass(frozen=True)
class Sweep:
    """The three tables of a sweep and its metadata."""

    design: pd.DataFrame
    runs: pd.DataFrame
    trajectories: pd.DataFrame | None
    meta: dict[str, Any]


def factorial_design(levels: Mapping[str, Sequence[Any]]) -> pd.DataFrame:
    """Every combination of the levels, later parameters varying fastest."""
    rows = list(itertools.product(*levels.values()))
    design = pd.DataFrame(rows, columns=list(levels))
    design.insert(0, "point", np.arange(len(rows), dtype=np.int64))
    return design


def crn_runs(
    design: pd.DataFrame,
    probability: Callable[[Any], float],
    replicates: int,
    seed: int = 0,
    horizon: int = 60,
) -> pd.DataFrame:
    """Runs whose regime is a learning journey when the replicate's ``u_k < probability(point)``.

    Non-learning runs are blame games when ``u_k > 0.85``, stalled otherwise. ``progress`` is the
    point's probability plus replicate noise shared across points; the first win comes at month
    ``10 + 20 u_k`` for learning journeys and never otherwise.
    """
    rng = np.random.default_rng(seed)
    u = rng.random(replicates)
    shared_noise = rng.normal(0.0, 0.05, replicates)
    frames = []
    for row in design.itertuples(index=False):
        p = probability(row)
        lj = u < p
        regime = np.where(lj, LJ, np.where(u > 0.85, BG, "stalled"))
        win = pd.array(np.where(lj, np.round(10 + 20 * u), 0).astype(np.int64), dtype="Int64")
        win[~lj] = pd.NA
        frames.append(
            pd.DataFrame(
                {
                    "point": row.point,
                    "replicate": np.arange(replicates, dtype=np.int64),
                    "seed": seed,
                    "regime": pd.Categorical(regime, categories=list(cisim.REGIMES)),
                    "progress": p + shared_noise,
                    "final_trust": 0.5 + 0.1 * lj,
                    "months_to_entry_point": pd.array([5] * replicates, dtype="Int64"),
                    "months_to_first_win": win,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def planted_trajectories(
    runs: pd.DataFrame, horizon: int, *, signal: bool, seed: int = 1
) -> pd.DataFrame:
    """Monthly trajectories; with ``signal``, non-learning runs blame in their first months.

    Every metric is noise except, with ``signal``, ``blame_responses``: runs that will not be
    learning journeys blame once a month with chance 0.5 over months 1-12, the others with
    chance 0.1.
    """
    rng = np.random.default_rng(seed)
    n, months = len(runs), horizon + 1
    lj = np.asarray(runs["regime"].astype(str) == LJ)
    rate = np.where(lj, 0.1, 0.5) if signal else np.full(n, 0.3)
    blame = (rng.random((n, months)) < rate[:, None]).astype(float)
    blame[:, 0] = 0.0
    noise = {
        "mean_trust": 0.5 + rng.normal(0, 0.05, (n, months)),
        "shared_understanding": 0.3 + rng.normal(0, 0.05, (n, months)),
        "progress": np.cumsum(rng.random((n, months)) * 0.01, axis=1),
        "mean_contribution": 0.5 + rng.normal(0, 0.05, (n, months)),
        "active_members": np.full((n, months), 20.0),
        "learning_responses": (rng.random((n, months)) < 0.2).astype(float),
        "blame_responses": blame,
        "entry_found": (np.arange(months)[None, :] >= rng.integers(1, 30, n)[:, None]) * 1.0,
        "wins": np.zeros((n, months)),
    }
    frame = {
        "point": np.repeat(runs["point"].to_numpy(), months),
        "replicate": np.repeat(runs["replicate"].to_numpy(), months),
        "month": np.tile(np.arange(months), n),
    }
    frame |= {k: v.reshape(-1).astype(np.float32) for k, v in noise.items()}
    return pd.DataFrame(frame)


def simulate_design(
    base: cisim.Scenario, design: pd.DataFrame, replicates: int, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Real cisim runs of every design point (common random numbers across points)."""
    params = [c for c in design.columns if c != "point"]
    runs, trajectories = [], []
    for row in design.itertuples(index=False):
        scenario = base.replace(**{p: getattr(row, p) for p in params})
        result = cisim.simulate(scenario, replicates=replicates, seed=seed)
        runs.append(result.summary.assign(point=row.point))
        trajectories.append(result.trajectories.assign(point=row.point))
    return pd.concat(runs, ignore_index=True), pd.concat(trajectories, ignore_index=True)


@pytest.fixture(scope="session")
def real_factorial() -> Sweep:
    """A small real factorial sweep: navigator x prior ties, 60 replicates, 36 months."""
    base = cisim.Scenario.preset("baseline").replace(horizon_months=36)
    design = factorial_design({"navigator": [0, 1], "prior_ties": [0.1, 0.5]})
    runs, trajectories = simulate_design(base, design, replicates=60, seed=11)
    return Sweep(design, runs, trajectories, {"kind": "factorial", "horizon": 36, "seed": 11})

"""Reproducibility: the same seed gives byte-identical results whatever the batching.

Replicate ``k`` of a run depends only on (scenario, seed, k): not on how many replicates are run,
on the batch size, on which other runs share its batch, on the process, or on a second try; and
replicate ``k`` of two scenarios shares its random numbers (common random numbers).
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

import cisim
from cisim import Organisation, Relationship, Roster, engine
from cisim.model.population import RunSpec, build_state

SEED = 5


@pytest.fixture(scope="module")
def scenario() -> cisim.Scenario:
    return cisim.Scenario.preset("baseline").replace(horizon_months=36, navigator=1)


@pytest.fixture(scope="module")
def thirty(scenario) -> cisim.Results:
    return cisim.simulate(scenario, replicates=30, seed=SEED)


def _roster_with_candidates() -> cisim.Scenario:
    """Candidates tie to random members, so runs differ in their number of tie slots."""
    sectors = ("public", "private", "nonprofit", "community", "philanthropy")
    orgs = tuple(Organisation(f"org{i}", sectors[i % 5]) for i in range(40))
    rels = tuple(
        Relationship(f"org{i}", f"org{(i + j) % 40}", 0.6) for i in range(40) for j in (1, 2, 3)
    )
    return cisim.Scenario(roster=Roster(orgs, rels), candidate_share=1.0, horizon_months=36)


def _same(a: cisim.Results, b: cisim.Results) -> None:
    pd.testing.assert_frame_equal(a.summary, b.summary, check_exact=True)
    pd.testing.assert_frame_equal(a.trajectories, b.trajectories, check_exact=True)


def _rows(results: cisim.Results, replicates) -> cisim.Results:
    """The results of some replicates only, re-indexed (a view for comparison)."""
    keep = list(replicates)
    summary = results.summary[results.summary["replicate"].isin(keep)].reset_index(drop=True)
    traj = results.trajectories
    traj = traj[traj["replicate"].isin(keep)].reset_index(drop=True)
    return cisim.Results(results.scenario, results.seed, summary, traj)


def _parquet(results: cisim.Results, path) -> bytes:
    results.summary.to_parquet(path / "summary.parquet")
    results.trajectories.to_parquet(path / "trajectories.parquet")
    return (path / "summary.parquet").read_bytes() + (path / "trajectories.parquet").read_bytes()


def test_reproducibility__fewer_replicates_are_a_prefix(scenario, thirty):
    ten = cisim.simulate(scenario, replicates=10, seed=SEED)
    _same(ten, _rows(thirty, range(10)))


def test_reproducibility__first_replicate_continues_the_sequence(scenario, thirty):
    later = cisim.simulate(scenario, replicates=6, seed=SEED, first_replicate=4)
    assert later.summary["replicate"].tolist() == list(range(4, 10))
    _same(later, _rows(thirty, range(4, 10)))


@pytest.mark.parametrize("batch_size", [1, 3, 7])
def test_reproducibility__batch_size_does_not_matter(scenario, thirty, batch_size):
    _same(cisim.simulate(scenario, replicates=30, seed=SEED, batch_size=batch_size), thirty)


@pytest.mark.parametrize("batch_size", [1, 3, 7])
def test_reproducibility__batch_size_does_not_matter_with_uneven_runs(batch_size):
    sc = _roster_with_candidates()
    slots = {build_state([RunSpec(sc, SEED, k)])[0].trust.shape[1] for k in range(12)}
    assert len(slots) > 1  # the runs really are padded differently in different batches
    default = cisim.simulate(sc, replicates=12, seed=SEED)
    _same(cisim.simulate(sc, replicates=12, seed=SEED, batch_size=batch_size), default)


def test_reproducibility__a_run_is_the_same_in_a_mixed_batch():
    small = cisim.Scenario.preset("baseline").replace(n_organisations=12, horizon_months=36)
    big = cisim.Scenario.preset("louisville").replace(n_organisations=40, mean_degree=12)
    alone_state, alone_params = build_state([RunSpec(small, SEED, 3)])
    mixed_state, mixed_params = build_state(
        [RunSpec(big, SEED, 0), RunSpec(small, SEED, 3), RunSpec(big, SEED + 1, 9)]
    )
    assert mixed_state.slots > alone_state.slots
    alone = engine.run(alone_state, alone_params, 36)
    mixed = engine.run(mixed_state, mixed_params, 36)
    for name, values in alone.items():
        assert np.array_equal(values[:, 0], mixed[name][:, 1]), name


def test_reproducibility__same_seed_same_bytes(scenario, thirty, tmp_path):
    again = cisim.simulate(scenario, replicates=30, seed=SEED)
    _same(again, thirty)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert _parquet(again, tmp_path / "a") == _parquet(thirty, tmp_path / "b")


def test_reproducibility__another_process_gives_the_same_bytes(scenario, tmp_path):
    code = textwrap.dedent(
        f"""
        import hashlib, cisim
        sc = cisim.Scenario.preset("baseline").replace(horizon_months=36, navigator=1)
        r = cisim.simulate(sc, replicates=8, seed={SEED}, batch_size=3)
        r.trajectories.to_parquet({str(tmp_path / "child.parquet")!r})
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    mine = cisim.simulate(scenario, replicates=8, seed=SEED)
    mine.trajectories.to_parquet(tmp_path / "parent.parquet")
    digest = [
        hashlib.sha256((tmp_path / n).read_bytes()).hexdigest()
        for n in ("child.parquet", "parent.parquet")
    ]
    assert digest[0] == digest[1]


def test_reproducibility__different_seeds_differ(scenario, thirty):
    other = cisim.simulate(scenario, replicates=30, seed=SEED + 1)
    assert not other.trajectories["mean_trust"].equals(thirty.trajectories["mean_trust"])


def _turnover_events(sc: cisim.Scenario, replicates: int, seed: int) -> np.ndarray:
    """Whose representative left in which month, ``(months, R, N)``, by stepping the engine."""
    st, p = build_state([RunSpec(sc, seed, k) for k in range(replicates)])
    events = []
    for _ in range(sc.horizon_months):
        engine.step(st, p)
        events.append(st.left_now.copy())
    return np.stack(events)


def test_reproducibility__common_random_numbers_for_turnover():
    base = cisim.Scenario.preset("baseline").replace(
        horizon_months=48, exit_base_rate=0.0, join_base_rate=0.0, turnover=0.08
    )
    plain = _turnover_events(base, 20, SEED)
    navigated = _turnover_events(base.replace(navigator=1), 20, SEED)
    assert plain.sum() > 50  # enough events for the comparison to mean something
    assert np.array_equal(plain, navigated)


def test_summary__no_outcome_column_shadows_a_parameter() -> None:
    """Outcome columns are joined to design parameters in sweeps: their names must not clash."""
    from cisim.model.parameters import SPECS

    summary = cisim.simulate(cisim.Scenario(horizon_months=3), replicates=2, seed=0).summary
    assert not set(summary.columns) & set(SPECS)

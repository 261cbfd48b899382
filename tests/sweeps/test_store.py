"""The sweep directory: manifest, atomic shards, resume, damaged shards, the lock, refusals."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from cisim.model.regimes import REGIMES
from cisim.model.scenario import Scenario
from cisim.study.sweeps import (
    Experiment,
    SerialExecutor,
    SweepError,
    SweepInterrupted,
    design_table,
    load,
    run_sweep,
)
from cisim.study.sweeps.store import locked, write_parquet_atomic

from .conftest import DESIGNS, WriteExperiment
from .helpers import CountingExecutor, assert_same_sweep

FACTORIAL = DESIGNS["factorial"]  # 4 points x 3 replicates = 12 runs in 3 tasks of 4


@pytest.fixture
def experiment(write_experiment: WriteExperiment) -> Experiment:
    return Experiment.from_toml(write_experiment(FACTORIAL))


@pytest.fixture
def reference(experiment: Experiment, tmp_path: Path) -> Path:
    """The same sweep, uninterrupted."""
    out = tmp_path / "reference"
    run_sweep(experiment, out, executor=SerialExecutor(), progress=False)
    return out


def _interrupt_after(experiment: Experiment, out: Path, tasks: int) -> None:
    with pytest.raises(SweepInterrupted, match="run the same command again to resume"):
        run_sweep(experiment, out, executor=CountingExecutor(stop_at=tasks), progress=False)


# ---- what a finished sweep holds -----------------------------------------------------------------
def test_store__manifest_records_what_was_run(experiment: Experiment, reference: Path) -> None:
    manifest = json.loads((reference / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["experiment"]["text"] == experiment.text
    assert manifest["experiment"]["sha256"] == hashlib.sha256(experiment.text.encode()).hexdigest()
    assert manifest["fingerprint"] == experiment.fingerprint
    assert (manifest["seed"], manifest["replicates"]) == (11, 3)
    assert "spawn_key=(k,)" in manifest["seeds"]
    assert (manifest["points"], manifest["runs"], manifest["tasks"], manifest["task_size"]) == (
        4,
        12,
        3,
        4,
    )
    assert manifest["cisim_version"]
    assert manifest["git_commit"] is None or len(manifest["git_commit"]) == 40
    assert manifest["started_utc"] <= manifest["ended_utc"]
    assert (reference / "experiment.toml").read_text() == experiment.text


def test_store__layout_has_one_shard_pair_per_task(reference: Path) -> None:
    names = [f"task-{i:06d}.parquet" for i in range(3)]
    assert sorted(p.name for p in (reference / "runs").iterdir()) == names
    assert sorted(p.name for p in (reference / "trajectories").iterdir()) == names
    assert not [p for p in reference.rglob("*") if ".tmp-" in p.name]


def test_load__reads_runs_design_and_trajectories(experiment: Experiment, reference: Path) -> None:
    results = load(reference)
    assert results.complete and results.experiment == experiment
    assert results.runs[["point", "replicate"]].values.tolist() == [
        [p, r] for p in range(4) for r in range(3)
    ]
    assert list(results.runs["regime"].cat.categories) == list(REGIMES)
    assert results.runs["months_to_entry_point"].dtype == "Int64"
    assert results.experiment.base is not None
    base = Scenario.preset("baseline").replace(horizon_months=12)
    digests = [
        base.replace(navigator=n, entry_point=e).digest
        for n in (0, 1)
        for e in ("search", "designed")
    ]
    assert results.design["digest"].tolist() == digests
    pd.testing.assert_frame_equal(results.design.drop(columns="digest"), design_table(experiment))
    trajectories = results.trajectories(["progress"], points=[2, 3])
    assert list(trajectories.columns) == ["point", "replicate", "month", "progress"]
    assert len(trajectories) == 2 * 3 * 13
    assert sorted(trajectories["point"].unique()) == [2, 3]


def test_load__reads_the_experiment_without_its_base_file(tmp_path: Path) -> None:
    scenario = Scenario.preset("baseline").replace(name="mine", horizon_months=6)
    scenario.to_toml(tmp_path / "mine.toml")
    text = FACTORIAL.replace('"baseline"', '"mine.toml"').replace("horizon_months = 12", "")
    (tmp_path / "e.toml").write_text(text)
    run_sweep(tmp_path / "e.toml", tmp_path / "out", executor=SerialExecutor(), progress=False)
    (tmp_path / "mine.toml").unlink()
    assert load(tmp_path / "out").experiment.base == scenario


# ---- resume ------------------------------------------------------------------------------------
def test_resume__skips_finished_tasks(
    experiment: Experiment, reference: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    _interrupt_after(experiment, out, tasks=2)
    with pytest.raises(SweepError, match="8 of 12 runs"):
        load(out)
    assert len(load(out, allow_incomplete=True).runs) == 8
    assert json.loads((out / "manifest.json").read_text())["status"] == "running"
    counter = CountingExecutor()
    summary = run_sweep(experiment, out, executor=counter, progress=False)
    assert counter.submitted == 1
    assert (summary.runs_before, summary.runs_now) == (8, 4)
    assert_same_sweep(out, reference)
    again = CountingExecutor()
    run_sweep(experiment, out, executor=again, progress=False)
    assert again.submitted == 0
    sessions = json.loads((out / "manifest.json").read_text())["sessions"]
    assert len(sessions) == 3


def test_resume__a_comment_in_the_file_does_not_matter(
    experiment: Experiment, reference: Path, tmp_path: Path, write_experiment: WriteExperiment
) -> None:
    out = tmp_path / "out"
    _interrupt_after(experiment, out, tasks=1)
    edited = Experiment.from_toml(write_experiment("# a note\n" + FACTORIAL, "edited.toml"))
    run_sweep(edited, out, executor=SerialExecutor(), progress=False)
    assert_same_sweep(out, reference)


@pytest.mark.parametrize("table", ["runs", "trajectories"])
@pytest.mark.parametrize("damage", ["truncate", "garbage", "wrong rows"])
def test_resume__damaged_shard_is_redone(
    table: str, damage: str, experiment: Experiment, reference: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run_sweep(experiment, out, executor=SerialExecutor(), progress=False)
    shard = out / table / "task-000001.parquet"
    if damage == "truncate":
        shard.write_bytes(shard.read_bytes()[: shard.stat().st_size // 2])
    elif damage == "garbage":
        shard.write_bytes(b"PAR1" + b"\x00" * 100)
    else:
        write_parquet_atomic(pq.read_table(shard).slice(0, 3), shard)
    counter = CountingExecutor()
    summary = run_sweep(experiment, out, executor=counter, progress=False)
    assert (counter.submitted, summary.redone) == (1, 1)
    assert_same_sweep(out, reference)


def test_resume__leftovers_of_a_killed_write_are_cleared(
    experiment: Experiment, reference: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    _interrupt_after(experiment, out, tasks=1)
    (out / "runs" / ".task-000001.parquet.tmp-1234abcd").write_bytes(b"half")
    orphan = out / "trajectories" / "task-000002.parquet"
    orphan.write_bytes((out / "trajectories" / "task-000000.parquet").read_bytes())
    assert len(load(out, allow_incomplete=True).trajectories()) == 4 * 13  # orphan not read
    run_sweep(experiment, out, executor=SerialExecutor(), progress=False)
    assert_same_sweep(out, reference)
    assert not list(out.rglob(".*.tmp-*"))


# ---- refusals ----------------------------------------------------------------------------------
def test_refuse__a_directory_in_use_by_another_sweep(
    experiment: Experiment, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with locked(out), pytest.raises(SweepError, match="in use by another sweep"):
        run_sweep(experiment, out, executor=SerialExecutor(), progress=False)
    run_sweep(experiment, out, executor=SerialExecutor(), progress=False)  # free again


def test_refuse__another_experiment_in_the_same_directory(
    reference: Path, write_experiment: WriteExperiment
) -> None:
    other = Experiment.from_toml(write_experiment(FACTORIAL.replace("seed = 11", "seed = 12")))
    with pytest.raises(SweepError, match=r"another experiment.*new --out"):
        run_sweep(other, reference, executor=SerialExecutor(), progress=False)
    assert load(reference).experiment.seed == 11


def test_refuse__a_directory_cisim_did_not_write(experiment: Experiment, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("precious")
    with pytest.raises(SweepError, match="not written by cisim sweep"):
        run_sweep(experiment, out, executor=SerialExecutor(), progress=False)
    assert (out / "notes.txt").read_text() == "precious"
    with pytest.raises(SweepError, match="holds no sweep"):
        load(out)


def test_write_parquet_atomic__leaves_nothing_on_failure(tmp_path: Path) -> None:
    with pytest.raises(AttributeError):
        write_parquet_atomic("not a table", tmp_path / "x.parquet")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []

"""Runs and tasks: the partition, the worker function, and agreement with ``cisim.simulate``."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pyarrow as pa

from cisim.model.scenario import Scenario
from cisim.study.simulate import simulate
from cisim.study.sweeps import Experiment, design_table
from cisim.study.sweeps.designs import point_values
from cisim.study.sweeps.tasks import iter_tasks, n_tasks, run_task

from .conftest import DESIGNS, ISHIGAMI, WriteExperiment


def _tasks(ex: Experiment, skip: frozenset[int] = frozenset()) -> list:
    return list(iter_tasks(ex, design_table(ex), skip))


def test_tasks__cover_every_run_once_in_point_major_order(
    write_experiment: WriteExperiment,
) -> None:
    ex = Experiment.from_toml(write_experiment(DESIGNS["morris"]))  # 9 points x 2, tasks of 7
    tasks = _tasks(ex)
    assert len(tasks) == n_tasks(18, 7) == 3
    assert [t.size for t in tasks] == [7, 7, 4]
    points = np.concatenate([t.points for t in tasks])
    replicates = np.concatenate([t.replicate_numbers for t in tasks])
    assert list(zip(points, replicates, strict=True)) == [(p, r) for p in range(9) for r in (0, 1)]
    assert sorted(tasks[0].values) == [0, 1, 2, 3]  # the points its runs touch, no more
    assert [t.index for t in _tasks(ex, frozenset({1}))] == [0, 2]


def test_tasks__carry_plain_picklable_data(write_experiment: WriteExperiment) -> None:
    task = _tasks(Experiment.from_toml(write_experiment(DESIGNS["lhs"])))[0]
    assert pickle.loads(pickle.dumps(task)) == task
    for values in task.values.values():
        assert all(type(v) in (int, float, str) for v in values.values())


def test_run_task__equals_simulate_of_each_point(write_experiment: WriteExperiment) -> None:
    ex = Experiment.from_toml(write_experiment(DESIGNS["factorial"]))  # 4 points x 3, tasks of 4
    design = design_table(ex)
    runs = pd.concat([run_task(t).runs.to_pandas() for t in _tasks(ex)], ignore_index=True)
    assert runs[["point", "replicate"]].values.tolist() == [
        [p, r] for p in range(4) for r in range(3)
    ]
    assert (runs["seed"] == 11).all()
    base = Scenario.preset("baseline").replace(horizon_months=12)
    for point, values in enumerate(point_values(design)):
        expected = simulate(base.replace(**values), replicates=3, seed=11).summary
        got = runs[runs["point"] == point].drop(columns="point").reset_index(drop=True)
        expected = expected.assign(regime=expected["regime"].astype(str))[got.columns]
        pd.testing.assert_frame_equal(got, expected, check_exact=True, check_dtype=False)


def test_run_task__trajectories_are_float32_months_of_each_run(
    write_experiment: WriteExperiment,
) -> None:
    ex = Experiment.from_toml(write_experiment(DESIGNS["factorial"]))
    task = _tasks(ex)[1]  # runs 4-7: point 1 replicates 1, 2; point 2 replicates 0, 1
    table = run_task(task).trajectories
    assert table.column_names == ["point", "replicate", "month", *ex.trajectories]
    assert table.schema.field("mean_trust").type == pa.float32()
    assert table.num_rows == 4 * 13
    frame = table.to_pandas()
    keys = frame[["point", "replicate"]].drop_duplicates().values.tolist()
    assert keys == [[1, 1], [1, 2], [2, 0], [2, 1]]
    assert frame["month"].tolist() == list(range(13)) * 4
    base = Scenario.preset("baseline").replace(
        horizon_months=12, navigator=0, entry_point="designed"
    )
    reference = simulate(base, replicates=3, seed=11).trajectories
    got = frame[(frame.point == 1) & (frame.replicate == 2)]["progress"].to_numpy()
    want = reference[reference.replicate == 2]["progress"].to_numpy(dtype=np.float32)
    np.testing.assert_array_equal(got, want)


def test_run_task__outcomes_keep_only_the_named_columns(write_experiment: WriteExperiment) -> None:
    text = DESIGNS["factorial"].replace("seed = 11", 'seed = 11\noutcomes = ["regime", "progress"]')
    runs = run_task(_tasks(Experiment.from_toml(write_experiment(text)))[0]).runs
    assert runs.column_names == ["point", "replicate", "seed", "regime", "progress"]


def test_run_task__ishigami_is_the_function_plus_common_noise(
    write_experiment: WriteExperiment,
) -> None:
    ex = Experiment.from_toml(write_experiment(ISHIGAMI))
    design = design_table(ex)
    runs = pd.concat([run_task(t).runs.to_pandas() for t in _tasks(ex)], ignore_index=True)
    x = design.set_index("point").loc[runs["point"]]
    exact = (
        np.sin(x["x1"]) + 7 * np.sin(x["x2"]) ** 2 + 0.1 * x["x3"] ** 4 * np.sin(x["x1"])
    ).to_numpy()
    noise = (runs["y"] - exact) / 0.5
    for r in (0, 1):
        draws = noise[runs["replicate"] == r].to_numpy()
        np.testing.assert_allclose(draws, draws[0], rtol=1e-12, atol=1e-12)
        rng = np.random.default_rng(np.random.SeedSequence(3, spawn_key=(r,)))
        assert abs(draws[0] - rng.standard_normal()) < 1e-9

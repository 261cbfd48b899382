"""Reading the sweep's tables and metadata."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cisim.analysis.tables import (
    SweepMeta,
    align_runs,
    join_design,
    outcome_values,
    parameters_of,
    trajectory_arrays,
)
from cisim.errors import ConfigError


def test_meta__reads_the_runners_spellings() -> None:
    design = pd.DataFrame({"point": [0, 1], "a": [0, 1], "digest": ["x", "y"]})
    meta = SweepMeta.from_mapping({"design": "factorial", "horizon_months": 48}, design)
    assert meta.kind == "factorial" and meta.horizon == 48 and meta.parameters == ("a",)
    problem = {"names": ["x1", "x2"], "bounds": [[0, 1], [0, 1]]}
    sobol = SweepMeta.from_mapping({"kind": "sobol", "problem": problem}, design)
    assert sobol.parameters == ("x1", "x2")


def test_meta__horizon_from_trajectories_and_validation() -> None:
    design = pd.DataFrame({"point": [0]})
    traj = pd.DataFrame({"point": 0, "replicate": 0, "month": range(25)})
    assert SweepMeta.from_mapping({"kind": "lhs"}, design, traj).horizon == 24
    with pytest.raises(ConfigError, match=r"meta\.kind"):
        SweepMeta.from_mapping({"kind": "grid"}, design)
    with pytest.raises(ConfigError, match=r"meta\.problem"):
        SweepMeta.from_mapping({"kind": "sobol"}, design)


def test_tables__join_design_and_parameters() -> None:
    design = pd.DataFrame({"point": [0, 1], "a": [0.1, 0.2], "fixed": [1, 1], "digest": ["p", "q"]})
    runs = pd.DataFrame({"point": [1, 0, 1], "replicate": [0, 0, 1], "regime": ["stalled"] * 3})
    joined = join_design(design, runs)
    assert joined["a"].tolist() == [0.2, 0.1, 0.2]
    assert parameters_of(design) == ["a"]
    with pytest.raises(ConfigError, match="runs"):
        join_design(design, runs.drop(columns="replicate"))


def test_tables__outcomes_censor_never_at_horizon_plus_one() -> None:
    runs = pd.DataFrame(
        {"regime": ["learning_journey", "stalled"], "y": [1.5, 2.5]}
        | {"months_to_first_win": pd.array([7, pd.NA], dtype="Int64")}
    )
    assert outcome_values(runs, "learning_journey", 60).tolist() == [1.0, 0.0]
    assert outcome_values(runs, "months_to_first_win", 60).tolist() == [7.0, 61.0]
    assert outcome_values(runs, "y", 60).tolist() == [1.5, 2.5]
    with pytest.raises(ConfigError, match="outcome"):
        outcome_values(runs, "happiness", 60)


def test_tables__trajectory_arrays_align_with_runs_whatever_the_row_order() -> None:
    traj = pd.DataFrame(
        {"point": [1, 0, 1, 0], "replicate": [0, 0, 0, 0], "month": [1, 1, 0, 0]}
        | {"mean_trust": np.array([0.4, 0.2, 0.3, 0.1], dtype=np.float32)}
    )
    arrays = trajectory_arrays(traj)
    assert arrays.keys.to_dict("list") == {"point": [0, 1], "replicate": [0, 0]}
    assert arrays["mean_trust"] == pytest.approx(np.array([[0.1, 0.2], [0.3, 0.4]]))
    runs = pd.DataFrame({"point": [1, 0], "replicate": [0, 0], "tag": ["b", "a"]})
    aligned = align_runs(runs, arrays.keys)
    assert aligned["tag"].tolist() == ["a", "b"] and aligned["row"].tolist() == [0, 1]
    assert arrays.upto(0)["mean_trust"].shape == (2, 1)

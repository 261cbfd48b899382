"""Design tables: factorial order, Latin hypercube strata, SALib samples, determinism."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from SALib.sample import morris, sobol

from cisim.errors import ConfigError
from cisim.study.sweeps import Experiment, design_table, salib_problem, salib_sample
from cisim.study.sweeps.designs import n_points, point_values

from .conftest import DESIGNS, WriteExperiment


def _load(text: str, write: WriteExperiment) -> Experiment:
    return Experiment.from_toml(write(text))


def test_design__factorial_is_the_full_product_later_factors_fastest(
    write_experiment: WriteExperiment,
) -> None:
    ex = _load(DESIGNS["factorial"], write_experiment)
    table = design_table(ex)
    assert list(table.columns) == ["point", "navigator", "entry_point"]
    assert table["point"].tolist() == [0, 1, 2, 3]
    assert table["navigator"].tolist() == [0, 0, 1, 1]
    assert table["entry_point"].tolist() == ["search", "designed", "search", "designed"]
    assert table["navigator"].dtype == np.int64


def test_design__factorial_without_factors_is_the_base(write_experiment: WriteExperiment) -> None:
    text = DESIGNS["factorial"].split("[levers]")[0]
    table = design_table(_load(text, write_experiment))
    assert table.to_dict("list") == {"point": [0]}
    assert point_values(table) == [{}]


def test_design__lhs_has_one_point_per_stratum_and_rounds_integers(
    write_experiment: WriteExperiment,
) -> None:
    text = DESIGNS["lhs"].replace("samples = 6", "samples = 50")
    ex = _load(text, write_experiment)
    table = design_table(ex)
    assert len(table) == 50
    strata = np.floor((table["initial_trust"] - 0.2) / 0.6 * 50).astype(int)
    assert sorted(strata) == list(range(50))
    assert table["navigator"].dtype == np.int64
    assert set(table["navigator"]) == {0, 1, 2, 3}
    assert set(table["entry_point"]) == {"search", "designed"}
    assert (table["entry_point"] == "search").sum() == 25  # a categorical's levels are strata too


def test_design__sobol_is_salib_saltelli_sample(write_experiment: WriteExperiment) -> None:
    ex = _load(DESIGNS["sobol"], write_experiment)
    table = design_table(ex)
    problem = salib_problem(ex)
    assert problem == {
        "num_vars": 2,
        "names": ["initial_trust", "turnover"],
        "bounds": [[0.2, 0.8], [0.0, 0.1]],
    }
    expected = sobol.sample(problem, 4, calc_second_order=False, scramble=True, seed=11)
    assert len(table) == 4 * (2 + 2)
    np.testing.assert_array_equal(table[problem["names"]].to_numpy(), expected)
    np.testing.assert_array_equal(salib_sample(ex), expected)


def test_design__morris_is_salib_trajectories_with_integers_rounded(
    write_experiment: WriteExperiment,
) -> None:
    ex = _load(DESIGNS["morris"], write_experiment)
    table = design_table(ex)
    expected = morris.sample(salib_problem(ex), 3, num_levels=4, seed=11)
    assert len(table) == 3 * (2 + 1)
    np.testing.assert_array_equal(table["initial_trust"], expected[:, 1])
    np.testing.assert_array_equal(table["navigator"], np.rint(expected[:, 0]).astype(int))


@pytest.mark.parametrize("kind", sorted(DESIGNS))
def test_design__is_deterministic_and_sized_as_promised(
    kind: str, write_experiment: WriteExperiment
) -> None:
    ex = _load(DESIGNS[kind], write_experiment)
    first, second = design_table(ex), design_table(ex)
    pd.testing.assert_frame_equal(first, second, check_exact=True)
    assert len(first) == n_points(ex)
    other = _load(DESIGNS[kind].replace("seed = 11", "seed = 12"), write_experiment)
    if kind != "factorial":
        assert not design_table(other).equals(first)


@pytest.mark.parametrize("kind", sorted(DESIGNS))
def test_design__every_point_is_a_valid_scenario(
    kind: str, write_experiment: WriteExperiment
) -> None:
    ex = _load(DESIGNS[kind], write_experiment)
    assert ex.base is not None
    for values in point_values(design_table(ex)):
        assert all(type(v) in (int, float, str) for v in values.values())
        ex.base.replace(**values)


def test_design__salib_problem_refuses_categoricals(write_experiment: WriteExperiment) -> None:
    ex = _load(DESIGNS["lhs"], write_experiment)
    with pytest.raises(ConfigError, match=r"uncertainties\.entry_point"):
        salib_problem(ex)

"""Effects beside indices: paired effects from Sobol and Morris designs, where the answer is known.

The Ishigami function's paired effect over a range is ``Cov(y, x_i) / Var(x_i)`` times the range
(the weighted slope of the A/AB pairs): ``6 (1 + pi^4 / 50) / pi`` for x1 and 0 for x2 and x3,
whose total indices are large (x2 acts through ``sin^2``, x3 only with x1). A yes/no model where
one parameter saturates the outcome shows the opposite: a parameter with a clear effect where the
outcome is contested and a total index near zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from SALib.analyze import morris as salib_morris
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from cisim.analysis.sensitivity_effects import (
    EFFECT_COLUMNS,
    design_effects,
    morris_pairs,
    sobol_pairs,
)
from cisim.analysis.sobol import sobol_indices
from cisim.errors import ConfigError

from .test_sensitivity import PROBLEM, ishigami, runs_of

#: The Ishigami function's paired effect of x1 over its range, Cov(y, x1) / Var(x1) * 2 pi.
X1_EFFECT = 6 * (1 + np.pi**4 / 50) / np.pi


def binary_runs(p: np.ndarray, replicates: int, seed: int = 0) -> pd.DataFrame:
    """Yes/no runs with common random numbers: run (i, k) is 1 when ``u_k < p_i``."""
    u = np.random.default_rng(seed).random(replicates)
    y = (u[None, :] < p[:, None]).astype(float)
    return pd.DataFrame(
        {
            "point": np.repeat(np.arange(len(p)), replicates),
            "replicate": np.tile(np.arange(replicates), len(p)),
            "y": y.reshape(-1),
        }
    )


@pytest.fixture(scope="module")
def sample() -> np.ndarray:
    return sobol_sample.sample(PROBLEM, 1024, calc_second_order=False, seed=1)


def test_sobol_pairs__are_the_rows_a_and_ab_i_of_salibs_layout() -> None:
    pairs = sobol_pairs(10, 3)  # two base samples of A, AB_1, AB_2, AB_3, B
    assert pairs.first.tolist() == [0, 0, 0, 5, 5, 5]
    assert pairs.second.tolist() == [1, 2, 3, 6, 7, 8]
    assert pairs.parameter.tolist() == [0, 1, 2, 0, 1, 2]
    assert pairs.block.tolist() == [0, 0, 0, 1, 1, 1] and pairs.blocks == 2
    second = sobol_pairs(16, 3, calc_second_order=True)  # 2d + 2 rows per base sample
    assert second.first.tolist() == [0, 0, 0, 8, 8, 8]
    with pytest.raises(ConfigError, match="multiple of 5"):
        sobol_pairs(12, 3)


def test_sobol_pairs__differ_in_their_parameter_only(sample) -> None:
    pairs = sobol_pairs(len(sample), 3)
    moved = sample[pairs.second] != sample[pairs.first]
    assert (moved.sum(axis=1) == 1).all()
    assert (moved.argmax(axis=1) == pairs.parameter).all()


def test_design_effects__ishigami_sobol_recovers_the_known_effects(sample) -> None:
    runs = runs_of(ishigami(sample), 1, 0.0, crn=False)
    table = design_effects(
        runs, sample, sobol_pairs(len(sample), 3), PROBLEM, outcome_name="y", bootstrap=300
    ).set_index("parameter")
    assert list(table.columns) == list(EFFECT_COLUMNS)
    truth = np.array([X1_EFFECT, 0.0, 0.0])
    assert table["effect"].to_numpy() == pytest.approx(truth, abs=0.3)
    assert (table["effect_low"] <= truth).all() and (truth <= table["effect_high"]).all()
    assert table.loc["x1", "effect_low"] > 4.0  # clearly away from zero
    assert table["contested"].isna().all() and (table["pairs"] == 1024).all()
    # and the indices tell another story: x2 and x3 have large totals but no mean effect
    st = sobol_indices(runs, PROBLEM, outcome_name="y", bootstrap=1).indices["ST"].to_numpy()
    assert st[1] > 0.35 and st[2] > 0.2


def test_design_effects__noise_shared_by_every_point_cancels_in_the_pairs(sample) -> None:
    y = ishigami(sample)
    plain = design_effects(
        runs_of(y, 1, 0.0, crn=False),
        sample,
        sobol_pairs(len(sample), 3),
        PROBLEM,
        outcome_name="y",
        bootstrap=0,
    )
    noisy = design_effects(
        runs_of(y, 5, 3.0, crn=True),
        sample,
        sobol_pairs(len(sample), 3),
        PROBLEM,
        outcome_name="y",
        bootstrap=50,
    )
    assert noisy["effect"].to_numpy() == pytest.approx(plain["effect"].to_numpy(), abs=1e-9)
    assert plain["effect_low"].isna().all()  # no bootstrap, no interval


def test_design_effects__morris_effect_is_salibs_mu_on_a_continuous_design() -> None:
    x = morris_sample.sample(PROBLEM, 40, num_levels=4, seed=2)
    y = ishigami(x)
    table = design_effects(
        runs_of(y, 1, 0.0, crn=False),
        x,
        morris_pairs(x),
        PROBLEM,
        outcome_name="y",
        bootstrap=0,
    )
    mu = salib_morris.analyze(PROBLEM, x, y, num_levels=4)["mu"]
    assert table["effect"].to_numpy() == pytest.approx(np.asarray(mu), abs=1e-9)


def test_design_effects__an_integer_parameter_moves_by_its_rounded_values() -> None:
    # a 0/1 switch sampled on [0, 1] and rounded: its effect is the change when it switches
    problem = {"num_vars": 2, "names": ["switch", "a"], "bounds": [[0, 1], [0, 1]]}
    raw = morris_sample.sample(problem, 30, num_levels=4, seed=4)
    values = raw.copy()
    values[:, 0] = np.round(raw[:, 0])
    y = 0.3 * values[:, 0] + 0.5 * values[:, 1]
    table = design_effects(
        runs_of(y, 1, 0.0, crn=False),
        values,
        morris_pairs(raw),
        problem,
        outcome_name="y",
        bootstrap=0,
    ).set_index("parameter")
    assert table.loc["switch", "effect"] == pytest.approx(0.3)
    assert table.loc["a", "effect"] == pytest.approx(0.5)
    mu = salib_morris.analyze(problem, raw, y, num_levels=4)["mu"]
    assert mu[0] == pytest.approx(0.45)  # SALib divides by the unrounded step of 2/3


def test_design_effects__small_index_clear_effect_where_contested() -> None:
    # x1 sweeps the outcome from never to always; x2 adds 20 points over its range, but only
    # where x1 leaves the outcome undecided: its total index is near 0, its effect is not
    problem = {"num_vars": 2, "names": ["x1", "x2"], "bounds": [[0, 1], [0, 1]]}
    x = sobol_sample.sample(problem, 1024, calc_second_order=False, seed=3)
    p = np.clip(0.5 + 3.0 * (x[:, 0] - 0.5) + 0.2 * (x[:, 1] - 0.5), 0.0, 1.0)
    runs = binary_runs(p, 40, seed=1)
    pairs = sobol_pairs(len(x), 2)
    table = design_effects(
        runs, x, pairs, problem, outcome_name="y", band=(0.2, 0.8), bootstrap=300, seed=2
    ).set_index("parameter")
    st = sobol_indices(runs, problem, outcome_name="y", bootstrap=20, num_resamples=50)
    st_x2 = st.indices.set_index("parameter").loc["x2"]
    assert st_x2["ST"] < 0.03
    x2 = table.loc["x2"]
    assert x2["contested"] == pytest.approx(0.2, abs=0.05)
    assert x2["contested_low"] > 0.1
    assert x2["effect_low"] > 0 and x2["effect"] < x2["contested"]
    assert 0 < x2["contested_pairs"] < x2["pairs"]


def test_design_effects__missing_runs_and_parameters_without_moves(sample) -> None:
    runs = runs_of(ishigami(sample), 2, 0.5, crn=False)
    runs = runs[~((runs["point"] == 1) & (runs["replicate"] == 0))]  # one run lost
    runs = runs[runs["point"] != 2]  # a whole point lost
    values = sample.copy()
    values[:, 2] = 0.0  # x3 never moves
    table = design_effects(
        runs, values, sobol_pairs(len(sample), 3), PROBLEM, outcome_name="y", bootstrap=20
    ).set_index("parameter")
    assert np.isfinite(table.loc["x1", "effect"]) and table.loc["x2", "pairs"] == 1023
    assert np.isnan(table.loc["x3", "effect"]) and table.loc["x3", "pairs"] == 0


def test_morris_pairs__one_parameter_per_step() -> None:
    x = morris_sample.sample(PROBLEM, 5, num_levels=4, seed=1)
    pairs = morris_pairs(x)
    assert len(pairs.first) == 15 and pairs.blocks == 5
    assert sorted(pairs.parameter[:3].tolist()) == [0, 1, 2]  # each once per trajectory
    bad = x.copy()
    bad[1] = bad[0] + 0.1
    with pytest.raises(ConfigError, match="one parameter"):
        morris_pairs(bad)
    still = x.copy()
    first = pairs.parameter[0]
    still[1:4, first] = still[0, first]  # its first step moves nothing (as rounding may do)
    runs = runs_of(ishigami(still), 1, 0.0, crn=False)
    table = design_effects(runs, still, morris_pairs(still), PROBLEM, outcome_name="y", bootstrap=0)
    assert table["pairs"].sum() == 14

"""Sobol and Morris indices of stochastic outputs: the Ishigami function and a linear model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from cisim.analysis.morris import morris_indices
from cisim.analysis.sensitivity import noise_share
from cisim.analysis.sensitivity_figures import (
    _LABEL_SIZE,
    _label_offsets,
    convergence_figure,
    morris_figure,
    sobol_figure,
)
from cisim.analysis.sobol import sobol_convergence, sobol_indices
from cisim.errors import ConfigError

PROBLEM = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
S1 = np.array([0.3139, 0.4424, 0.0])
ST = np.array([0.5576, 0.4424, 0.2437])
ISHIGAMI_VARIANCE = 13.8445  # a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def runs_of(y: np.ndarray, replicates: int, noise: float, *, crn: bool, seed: int = 0):
    """Runs table of a deterministic ``y`` per point plus noise (shared per replicate if crn)."""
    rng = np.random.default_rng(seed)
    points = len(y)
    eps = rng.normal(0, noise, replicates) if crn else rng.normal(0, noise, (points, replicates))
    values = y[:, None] + (eps[None, :] if crn else eps)
    return pd.DataFrame(
        {
            "point": np.repeat(np.arange(points), replicates),
            "replicate": np.tile(np.arange(replicates), points),
            "y": values.reshape(-1),
        }
    )


@pytest.fixture(scope="module")
def sample() -> np.ndarray:
    return sobol_sample.sample(PROBLEM, 1024, calc_second_order=False, seed=1)


def _check(result, tolerance: float = 0.05) -> None:
    table = result.indices.set_index("parameter")
    assert table["S1"].to_numpy() == pytest.approx(S1, abs=tolerance)
    assert table["ST"].to_numpy() == pytest.approx(ST, abs=tolerance)
    for name, truth in (("S1", S1), ("ST", ST)):
        assert (table[f"{name}_low"].to_numpy() <= truth).all()
        assert (truth <= table[f"{name}_high"].to_numpy()).all()


def test_sobol__ishigami_deterministic_recovers_the_analytic_indices(sample) -> None:
    result = sobol_indices(runs_of(ishigami(sample), 1, 0.0, crn=False), PROBLEM, outcome_name="y")
    _check(result)
    assert np.isnan(result.noise_share) and result.replicates == 1
    assert result.base_samples == 1024


def test_sobol__ishigami_with_noise_and_replicates(sample) -> None:
    runs = runs_of(ishigami(sample), 8, 2.0, crn=False, seed=3)
    result = sobol_indices(
        runs, PROBLEM, outcome_name="y", bootstrap=40, shared_replicates=False, seed=1
    )
    _check(result)
    expected = (4.0 / 8) / (ISHIGAMI_VARIANCE + 4.0 / 8)
    assert result.noise_share == pytest.approx(expected, abs=0.01)
    assert (result.indices["S1_noise_sd"] > 0).all()
    assert result.warnings == []


def test_sobol__strong_noise_is_adjusted_for(sample) -> None:
    # noise sd 6 over 8 replicates: a quarter of the variance of the point means is noise
    runs = runs_of(ishigami(sample), 8, 6.0, crn=False, seed=0)
    result = sobol_indices(
        runs, PROBLEM, outcome_name="y", bootstrap=40, shared_replicates=False, seed=0
    )
    assert result.noise_share == pytest.approx(0.245, abs=0.02)
    table = result.indices.set_index("parameter")
    assert table.loc["x3", "ST_raw"] > ST[2] + 0.15  # SALib on noisy means: far too high
    _check(result, tolerance=0.1)
    assert "corrected" in result.warnings[0]


def test_sobol__noise_shared_by_every_point_changes_nothing(sample) -> None:
    y = ishigami(sample)
    deterministic = sobol_indices(runs_of(y, 1, 0.0, crn=False), PROBLEM, outcome_name="y")
    crn = sobol_indices(runs_of(y, 6, 3.0, crn=True), PROBLEM, outcome_name="y", bootstrap=10)
    for name in ("S1", "ST"):
        assert crn.indices[name].to_numpy() == pytest.approx(deterministic.indices[name], abs=1e-9)
    assert crn.noise_share == pytest.approx(0.0, abs=1e-9)


def test_sobol__large_noise_is_flagged() -> None:
    matrix = np.random.default_rng(0).normal(size=(50, 4))  # pure noise
    assert noise_share(matrix, shared=False) > 0.5
    x = sobol_sample.sample(PROBLEM, 64, calc_second_order=False, seed=2)
    runs = runs_of(ishigami(x), 2, 10.0, crn=False)
    result = sobol_indices(runs, PROBLEM, outcome_name="y", bootstrap=5, shared_replicates=False)
    assert result.warnings and "add replicates" in result.warnings[0]


def test_sobol__convergence_uses_nested_prefixes(sample) -> None:
    runs = runs_of(ishigami(sample), 1, 0.0, crn=False)
    table = sobol_convergence(runs, PROBLEM, outcome_name="y", bootstrap=1)
    assert sorted(set(table["base_samples"])) == [128, 256, 512, 1024]
    full = sobol_indices(runs, PROBLEM, outcome_name="y").indices.set_index("parameter")
    last = table[(table["base_samples"] == 1024) & (table["index"] == "ST")]
    assert last.set_index("parameter")["value"].to_numpy() == pytest.approx(full["ST"].to_numpy())
    assert isinstance(convergence_figure(table, "y"), Figure)


def test_sobol__a_design_not_in_salib_layout_is_an_error() -> None:
    runs = runs_of(np.arange(7.0), 1, 0.0, crn=False)
    with pytest.raises(ConfigError, match="multiple of 5"):
        sobol_indices(runs, PROBLEM, outcome_name="y")


def test_sobol__figure(sample) -> None:
    result = sobol_indices(runs_of(ishigami(sample), 1, 0.0, crn=False), PROBLEM, outcome_name="y")
    fig = sobol_figure(result)
    assert isinstance(fig, Figure) and "Sobol" in fig.get_suptitle()


def test_morris__linear_model_mu_star_is_the_slope_times_the_range() -> None:
    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1], [0, 2], [0, 1]]}
    x = morris_sample.sample(problem, 40, num_levels=4, seed=3)
    y = 2.0 * x[:, 0] + 0.5 * x[:, 1]
    design = pd.DataFrame(x, columns=problem["names"]).assign(point=np.arange(len(x)))
    runs = runs_of(y, 6, 0.01, crn=False, seed=4)
    result = morris_indices(
        design, runs, problem, outcome_name="y", bootstrap=50, shared_replicates=False
    )
    table = result.indices.set_index("parameter")
    assert table["mu_star"].to_numpy() == pytest.approx([2.0, 1.0, 0.0], abs=0.05)
    for name, truth in zip("abc", (2.0, 1.0, 0.0), strict=True):
        assert table.loc[name, "mu_star_low"] <= truth + 0.02
        assert truth - 0.02 <= table.loc[name, "mu_star_high"]
    assert (table["sigma"] < 0.1).all()
    assert isinstance(morris_figure(result), Figure)


# ---- common random numbers and an inert input ---------------------------------------------------
PROBLEM4 = {
    "num_vars": 4,
    "names": ["x1", "x2", "x3", "x4"],
    "bounds": [[-np.pi, np.pi]] * 4,
}
S1_4, ST_4 = np.append(S1, 0.0), np.append(ST, 0.0)


def noisy_runs(x: np.ndarray, replicates: int, kind: str, seed: int = 0) -> pd.DataFrame:
    """Runs of the Ishigami function of ``x`` (a 4th column, if any, has no effect) plus noise.

    ``"crn"``: common random numbers. Replicate ``r`` draws ``z_r`` once for every point and
    the point scales it, ``2 z_r (1 + cos x1)``, plus a small independent part (sd 0.3): the
    noise is shared across points but not equal, so it does not cancel in the variance of the
    point means, yet cancels in the paired rows A, AB_i that share ``x1`` (i = 2, 3, 4). (A
    factor uncorrelated with the function, unlike ``1 + 0.1 x1`` with ``sin x1``, so that the
    mean over the replicates of the shared draws does not tilt the function itself much.)
    ``"independent"``: independent noise of sd 2 at every point.
    """
    rng = np.random.default_rng(seed)
    points = len(x)
    if kind == "crn":
        z = rng.normal(size=replicates)
        shared = 2.0 * z[None, :] * (1.0 + np.cos(x[:, [0]]))
        noise = shared + rng.normal(0, 0.3, (points, replicates))
    else:
        noise = rng.normal(0, 2.0, (points, replicates))
    values = ishigami(x)[:, None] + noise
    return pd.DataFrame(
        {
            "point": np.repeat(np.arange(points), replicates),
            "replicate": np.tile(np.arange(replicates), points),
            "y": values.reshape(-1),
        }
    )


@pytest.fixture(scope="module")
def sample4() -> np.ndarray:
    return sobol_sample.sample(PROBLEM4, 1024, calc_second_order=False, seed=5)


def test_sobol__ishigami_with_common_random_numbers(sample) -> None:
    # noise shared by replicate but point-dependent: a global noise share (the former adjustment)
    # over-corrects the total indices of inputs whose paired rows cancel it (x2, x3)
    runs = noisy_runs(sample, 8, "crn", seed=2)
    result = sobol_indices(runs, PROBLEM, outcome_name="y", bootstrap=30, num_resamples=50, seed=2)
    _check(result)
    table = result.indices.set_index("parameter")
    assert table.loc["x3", "S1_low"] <= 0.0 <= table.loc["x3", "S1_high"]
    assert (table["ST_high"] > 0).all()
    assert (table["ST"] >= table["S1"] - 0.02).all()


@pytest.mark.parametrize("kind", ["crn", "independent"])
def test_sobol__an_inert_input_has_indices_near_zero(sample4, kind: str) -> None:
    runs = noisy_runs(sample4, 8, kind, seed=3)
    result = sobol_indices(runs, PROBLEM4, outcome_name="y", bootstrap=30, num_resamples=50, seed=3)
    table = result.indices.set_index("parameter")
    for name in ("S1", "ST"):
        assert table.loc["x4", name] == pytest.approx(0.0, abs=0.03)
        assert table.loc["x4", f"{name}_low"] <= 0.0 <= table.loc["x4", f"{name}_high"]
    assert table["ST"].to_numpy() == pytest.approx(ST_4, abs=0.05)
    assert table["S1"].to_numpy() == pytest.approx(S1_4, abs=0.05)
    assert (table["ST_high"] > 0).all()


def test_sobol__uncorrected_estimator_is_salibs(sample) -> None:
    # the layout (A, AB_1..AB_D, B per base sample) and both estimators match SALib's
    runs = noisy_runs(sample, 4, "crn", seed=4)
    result = sobol_indices(runs, PROBLEM, outcome_name="y", bootstrap=1, adjust_noise=False)
    table = result.indices
    for name in ("S1", "ST"):
        assert table[name].to_numpy() == pytest.approx(table[f"{name}_raw"].to_numpy(), abs=1e-9)


def test_morris__labels_of_clustered_points_do_not_overlap() -> None:
    x = np.array([0.14, 0.145, 0.15, 0.148, 0.5, 0.07])
    y = np.array([0.30, 0.31, 0.305, 0.30, 0.7, 0.19])
    labels = ["navigator", "aspiration", "turnover", "authority", "data use", "credibility"]
    axes = (400.0, 300.0)
    offsets = _label_offsets(x, y, labels, axes=axes)
    boxes = [
        (px * axes[0] + dx, px * axes[0] + dx + 0.56 * _LABEL_SIZE * len(label), py * axes[1] + dy)
        for px, py, (dx, dy), label in zip(x, y, offsets, labels, strict=True)
    ]
    height = 1.3 * _LABEL_SIZE
    for i, (l1, r1, b1) in enumerate(boxes):
        for l2, r2, b2 in boxes[i + 1 :]:
            assert not (l1 < r2 and l2 < r1 and b1 < b2 + height and b2 < b1 + height)
    assert offsets[4] == (4.0, 4.0)  # a lone point keeps its label right above it

"""Regional sensitivity of a yes/no outcome: synthetic models where the answer is known.

With ``P(yes | x) = x1`` on [0, 1] and nothing else mattering, x1 has density ``2x`` over the
runs in the regime and ``2(1 - x)`` over the rest, so the KS distance is ``max(2t - 2t^2) = 0.5``;
a threshold on x1 separates the two sets (KS = 1); an inert parameter's distance is what the
permutations give. A logistic probability ``expit(6 (x1 - 0.5))`` moves by
``expit(3) - expit(-3)`` from the low to the high end of x1's range.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from scipy.special import expit
from scipy.stats import ks_2samp

from cisim.analysis.regional import ks_distance, regional_sensitivity
from cisim.analysis.sensitivity_figures import regional_figure
from cisim.errors import ConfigError

PROBLEM = {"names": ["x1", "x2", "x3"], "bounds": [[0.0, 1.0]] * 3}


def runs_of(p: np.ndarray, replicates: int, seed: int = 0) -> pd.DataFrame:
    """Independent yes/no runs: run (i, k) is 1 with probability ``p_i``."""
    rng = np.random.default_rng(seed)
    y = (rng.random((len(p), replicates)) < p[:, None]).astype(float)
    return pd.DataFrame(
        {
            "point": np.repeat(np.arange(len(p)), replicates),
            "replicate": np.tile(np.arange(replicates), len(p)),
            "y": y.reshape(-1),
        }
    )


def sobol_layout(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """SALib's layout of base samples ``a`` and ``b`` (rows A, AB_1..AB_d, B per base sample)."""
    n, d = a.shape
    rows = np.repeat(a, d + 2, axis=0).reshape(n, d + 2, d)
    for i in range(d):
        rows[:, i + 1, i] = b[:, i]
    rows[:, d + 1] = b
    return rows.reshape(-1, d)


def test_ks_distance__is_the_two_sample_ks_of_the_runs() -> None:
    rng = np.random.default_rng(0)
    x = np.round(rng.random(200), 1)  # many ties
    inside = rng.integers(0, 4, 200).astype(float)
    outside = 3.0 - inside
    expanded_in = np.repeat(x, inside.astype(int))
    expanded_out = np.repeat(x, outside.astype(int))
    truth = ks_2samp(expanded_in, expanded_out).statistic
    assert ks_distance(x, inside, outside) == pytest.approx(truth)
    both = ks_distance(x, np.stack([inside, outside]), np.stack([outside, inside]))
    assert both == pytest.approx([truth, truth])


def test_regional__a_deciding_parameter_and_an_inert_one() -> None:
    x = np.random.default_rng(1).random((2000, 3))
    result = regional_sensitivity(
        x, runs_of(x[:, 0], 4, seed=2), PROBLEM, outcome_name="y", permutations=199, bootstrap=0
    )
    table = result.indices.set_index("parameter")
    assert table.loc["x1", "ks"] == pytest.approx(0.5, abs=0.04)
    assert table.loc["x1", "p_value"] == pytest.approx(1 / 200)  # beyond every permutation
    assert table.loc["x1", "mean_in"] == pytest.approx(2 / 3, abs=0.02)  # E[x | yes] = 2/3
    assert table.loc["x1", "mean_out"] == pytest.approx(1 / 3, abs=0.02)
    for name in ("x2", "x3"):
        assert table.loc[name, "ks"] < table.loc["x1", "ks_null95"] * 1.5
        assert table.loc[name, "p_value"] > 0.01
    assert result.share == pytest.approx(0.5, abs=0.02) and result.runs == 8000
    assert table["logit_low"].isna().all()  # no bootstrap, no interval


def test_regional__a_threshold_separates_the_runs_completely() -> None:
    x = np.random.default_rng(3).random((300, 3))
    result = regional_sensitivity(
        x, runs_of((x[:, 1] > 0.4).astype(float), 2), PROBLEM, outcome_name="y", permutations=99
    )
    table = result.indices.set_index("parameter")
    assert table.loc["x2", "ks"] == pytest.approx(1.0)
    cdf = result.cdfs[result.cdfs["parameter"] == "x2"]
    assert (cdf.loc[cdf["value"] <= 0.4, "inside"] == 0).all()  # no yes below the threshold
    assert (cdf.loc[cdf["value"] > 0.4, "outside"] == 1).all()  # no no above it
    assert result.auc > 0.99


def test_regional__logistic_effect_is_the_change_from_low_to_high_end() -> None:
    x = np.random.default_rng(4).random((3000, 3))
    p = expit(6.0 * (x[:, 0] - 0.5))
    result = regional_sensitivity(
        x, runs_of(p, 3, seed=5), PROBLEM, outcome_name="y", permutations=19, bootstrap=60
    )
    table = result.indices.set_index("parameter")
    truth = expit(3.0) - expit(-3.0)
    assert table.loc["x1", "logit_effect"] == pytest.approx(truth, abs=0.04)
    assert table.loc["x1", "logit_low"] <= truth <= table.loc["x1", "logit_high"]
    for name in ("x2", "x3"):
        assert table.loc[name, "logit_low"] <= 0 <= table.loc[name, "logit_high"]


def test_regional__block_permutations_hold_their_level_on_a_sobol_layout() -> None:
    # an inert x2 in SALib's layout, where each block repeats its values: permuting whole
    # blocks keeps the false-alarm rate at its nominal 5%
    problem = {"names": ["x1", "x2", "x3"], "bounds": [[0.0, 1.0]] * 3}
    alarms = []
    for seed in range(80):
        rng = np.random.default_rng(seed)
        x = sobol_layout(rng.random((40, 3)), rng.random((40, 3)))
        p = 0.1 + 0.4 * (x[:, 0] > 0.5) + 0.4 * x[:, 2]
        result = regional_sensitivity(
            x,
            runs_of(p, 4, seed=seed),
            problem,
            outcome_name="y",
            block_size=5,
            permutations=99,
            bootstrap=0,
            seed=seed,
        )
        alarms.append(result.indices["p_value"].iloc[1] <= 0.05)
    assert np.mean(alarms) <= 0.1


def test_regional__needs_a_yes_no_outcome_with_both_answers() -> None:
    x = np.random.default_rng(0).random((20, 3))
    runs = runs_of(np.full(20, 0.5), 2)
    with pytest.raises(ConfigError, match="yes/no"):
        regional_sensitivity(x, runs.assign(y=runs["y"] * 0.5), PROBLEM, outcome_name="y")
    with pytest.raises(ConfigError, match="both in and out"):
        regional_sensitivity(x, runs.assign(y=1.0), PROBLEM, outcome_name="y")
    with pytest.raises(ConfigError, match="divisor"):
        regional_sensitivity(x, runs, PROBLEM, outcome_name="y", block_size=3)


def test_regional__summary_and_figure() -> None:
    x = np.random.default_rng(6).random((200, 3))
    result = regional_sensitivity(
        x, runs_of(x[:, 0], 2), PROBLEM, outcome_name="y", permutations=19, bootstrap=5
    )
    summary = result.summary()
    assert summary["outcome"] == "y" and len(summary["indices"]) == 3
    assert {"ks", "ks_null95", "p_value", "logit_effect"} <= set(summary["indices"][0])
    fig = regional_figure(result)
    assert isinstance(fig, Figure) and "Regional sensitivity" in fig.get_suptitle()
    assert sum(ax.get_visible() for ax in fig.axes) == 3

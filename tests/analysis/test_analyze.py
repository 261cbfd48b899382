"""analyze(): every applicable analysis, written to disk; the design-run-analyze path."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from SALib.sample import sobol as sobol_sample

from cisim.analysis import AnalysisOptions, SweepMeta, analyze, summarise_text
from cisim.analysis.key_numbers import READING
from cisim.study.sweeps import Experiment, SerialExecutor, load, run_sweep

from .conftest import crn_runs, planted_trajectories
from .test_sensitivity import S1, ST
from .test_sensitivity_effects import X1_EFFECT

FAST = AnalysisOptions(
    bootstrap=20, num_resamples=50, convergence_bootstrap=3, effect_bootstrap=100, permutations=99
)

ISHIGAMI = """
name = "ishigami"
model = "ishigami"
design = "{design}"
samples = {samples}
replicates = 4
seed = 3
[constants]
noise = 1.0
[uncertainties]
x1 = {{ low = -3.141592653589793, high = 3.141592653589793 }}
x2 = {{ low = -3.141592653589793, high = 3.141592653589793 }}
x3 = {{ low = -3.141592653589793, high = 3.141592653589793 }}
"""


def test_analyze__real_factorial_writes_every_analysis(real_factorial, tmp_path: Path) -> None:
    s = real_factorial
    summary = analyze(s.design, s.runs, s.trajectories, s.meta, tmp_path, FAST)
    for key in ("shares", "effects", "phase", "event_timing", "survival", "early", "discovery"):
        assert key in summary, key
    for name in summary["tables"].values():
        assert (tmp_path / name).stat().st_size > 0
    for name in summary["figures"].values():
        assert (tmp_path / name).read_bytes()[:4] == b"\x89PNG"
    assert {"regime_shares", "paired_effects", "early_signs", "prim"} <= set(summary["figures"])
    assert json.loads((tmp_path / "analysis.json").read_text())["runs"] == len(s.runs)
    lj = summary["overall"]["learning_journey"]
    assert lj["low"] <= lj["share"] <= lj["high"]
    prior = next(e for e in summary["effects"] if e["parameter"] == "prior_ties")
    assert prior["low"] > 0  # prior relationships raise the share of learning journeys
    text = summarise_text(summary)
    assert "paired effects" in text and "cross-validated AUC" in text and "PRIM" in text


def test_analyze__named_conditions_and_missing_trajectories(tmp_path: Path) -> None:
    names = ["baseline", "navigator", "data_use", "all"]
    design = pd.DataFrame({"point": range(4), "condition": names, "navigator": [0, 1, 0, 1]})
    lift = {"baseline": 0.0, "navigator": 0.1, "data_use": 0.15, "all": 0.3}
    runs = crn_runs(design, lambda row: 0.2 + lift[row.condition], 100)
    runs = runs.drop(columns="final_trust")  # an experiment may keep only some outcomes
    summary = analyze(design, runs, None, {"kind": "factorial", "horizon": 60}, tmp_path, FAST)
    table = pd.read_csv(tmp_path / "condition_effects.csv")
    assert "final_trust" not in set(table["outcome"]) and "progress" in set(table["outcome"])
    comparisons = {row["comparison"] for row in summary["condition_effects"]}
    assert "together minus sum" in comparisons
    assert summary["skipped"]["early"] == "no trajectories"
    assert "regime_shares" in summary["tables"] and "paired_effects" not in summary["tables"]
    assert "navigator vs baseline" in summarise_text(summary)


def test_analyze__lhs_bins_the_phase_diagram(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    design = pd.DataFrame({"point": range(60), "a": rng.random(60), "b": rng.random(60)})
    runs = crn_runs(design, lambda row: 0.8 * row.a * (row.b > 0.3), 20, seed=2)
    traj = planted_trajectories(runs, 24, signal=True)
    summary = analyze(design, runs, traj, {"kind": "lhs"}, tmp_path, FAST)
    assert summary["horizon"] == 24
    assert "regime_shares" not in summary["tables"] and "paired_effects" not in summary["tables"]
    phase = pd.read_csv(tmp_path / "phase.csv")
    assert phase["a"].nunique() <= 5
    assert summary["discovery"]["restrictions"]
    assert summary["early"]["prediction"][-1]["months"] == 24
    regional = pd.read_csv(tmp_path / "regional_learning_journey.csv").set_index("parameter")
    assert regional.loc["a", "ks"] > regional.loc["a", "ks_null95"]  # a Latin hypercube too


def test_analyze__ishigami_through_the_sweep_runner_gives_its_sobol_indices(
    tmp_path: Path,
) -> None:
    experiment = Experiment.from_text(ISHIGAMI.format(design="sobol", samples=1024))
    run_sweep(experiment, tmp_path / "sweep", executor=SerialExecutor(), progress=False)
    results = load(tmp_path / "sweep")
    summary = analyze(
        results.design,
        results.runs,
        results.trajectories(),
        SweepMeta.from_sweep(results),
        tmp_path / "analysis",
        FAST,
    )
    table = pd.DataFrame(summary["sobol"]["y"]["indices"]).set_index("parameter")
    assert table["S1"].to_numpy() == pytest.approx(S1, abs=0.05)
    assert table["ST"].to_numpy() == pytest.approx(ST, abs=0.05)
    for name, truth in (("S1", S1), ("ST", ST)):
        assert (table[f"{name}_low"].to_numpy() <= truth).all()
        assert (truth <= table[f"{name}_high"].to_numpy()).all()
    # the runner's noise is one draw per replicate, shared by every point: it changes no index
    assert summary["sobol"]["y"]["noise_share"] == pytest.approx(0.0, abs=1e-9)
    convergence = pd.read_csv(tmp_path / "analysis" / "sobol_convergence_y.csv")
    assert sorted(convergence["base_samples"].unique()) == [128, 256, 512, 1024]
    # each parameter's effect beside its indices: x1's is Cov(y, x1) / Var(x1) over its range
    assert table["effect"].to_numpy() == pytest.approx([X1_EFFECT, 0.0, 0.0], abs=0.4)
    assert (table["effect_low"] <= table["effect"]).all()
    assert table["contested"].isna().all()  # y is no share: nothing is contested
    written = pd.read_csv(tmp_path / "analysis" / "sobol_y.csv")
    assert {"S1", "ST", "effect", "effect_low", "contested"} <= set(written.columns)
    assert "regional" not in summary  # a continuous outcome has no regime
    text = summarise_text(summary)
    assert "sobol indices of y" in text and f"effect +{table.loc['x1', 'effect']:.3g}" in text
    assert READING in text


def test_analyze__morris_through_the_sweep_runner(tmp_path: Path) -> None:
    experiment = Experiment.from_text(ISHIGAMI.format(design="morris", samples=50))
    run_sweep(experiment, tmp_path / "sweep", executor=SerialExecutor(), progress=False)
    results = load(tmp_path / "sweep")
    meta = SweepMeta.from_sweep(results)
    summary = analyze(results.design, results.runs, None, meta, tmp_path / "out", FAST)
    table = pd.DataFrame(summary["morris"]["y"]["indices"]).set_index("parameter")
    assert (table["mu_star"] > 0).all()
    assert (table["mu_star_low"] <= table["mu_star"]).all()
    assert (tmp_path / "out" / "morris_y.png").exists()
    # the effect beside mu*: the signed mean elementary effect, SALib's mu on continuous ranges
    assert table["effect"].to_numpy() == pytest.approx(table["mu"].to_numpy(), abs=1e-9)


def test_analyze__sobol_of_a_regime_gives_effects_and_regional_sensitivity(
    tmp_path: Path,
) -> None:
    # P(learning journey) rises with a across its range and saturates; b moves it by 10 points
    # where a leaves it open; c does nothing
    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0.0, 1.0]] * 3}
    x = sobol_sample.sample(problem, 128, calc_second_order=False, seed=7)
    design = pd.DataFrame(x, columns=problem["names"]).assign(point=np.arange(len(x)))

    def chance(row) -> float:
        return float(np.clip(0.5 + 2.0 * (row.a - 0.5) + 0.1 * (row.b - 0.5), 0.0, 1.0))

    runs = crn_runs(design[["point", *problem["names"]]], chance, 20, seed=4)
    meta = {"kind": "sobol", "problem": problem, "horizon": 60}
    summary = analyze(design, runs, None, meta, tmp_path, FAST)
    sobol = pd.DataFrame(summary["sobol"]["learning_journey"]["indices"]).set_index("parameter")
    assert sobol.loc["b", "ST"] < 0.05 < sobol.loc["a", "ST"]
    assert sobol.loc["b", "contested"] == pytest.approx(0.1, abs=0.04)
    assert sobol.loc["b", "contested_low"] > 0 and sobol.loc["b", "effect_low"] > 0
    assert sobol.loc["c", "effect"] == pytest.approx(0.0, abs=1e-9)  # common random numbers
    regional = pd.DataFrame(summary["regional"]["learning_journey"]["indices"])
    regional = regional.set_index("parameter")
    assert regional.loc["a", "ks"] > 0.5 and regional.loc["a", "p_value"] <= 0.01
    assert regional.loc["c", "p_value"] > 0.05
    assert regional.loc["a", "logit_effect"] > 0.8
    assert {"regional_learning_journey", "regional_cdf_learning_journey"} <= set(summary["tables"])
    assert (tmp_path / "regional_learning_journey.png").read_bytes()[:4] == b"\x89PNG"
    text = summarise_text(summary)
    assert "regional sensitivity of learning_journey" in text and "contested" in text
    assert READING in text

"""PRIM scenario discovery: a planted box is found, with its coverage, density and quasi-p."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from cisim.analysis.discovery import choose_by_wracc, discover, prim
from cisim.analysis.discovery_figures import prim_figure
from cisim.errors import ConfigError

from .conftest import crn_runs, factorial_design


def _planted(n: int = 4000, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """y = 1 with chance 0.9 inside x1 > 0.6, x2 < 0.4, governance 'shared'; 0.02 outside."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(
        {
            "x1": rng.random(n),
            "x2": rng.random(n),
            "x3": rng.random(n),
            "governance": rng.choice(["shared", "lead", "nao"], n),
        }
    )
    inside = (x["x1"] > 0.6) & (x["x2"] < 0.4) & (x["governance"] == "shared")
    y = np.where(inside, rng.random(n) < 0.9, rng.random(n) < 0.02).astype(float)
    return x, y


def test_prim__finds_the_planted_box() -> None:
    x, y = _planted()
    result = prim(x, y)
    box = result.box.set_index("parameter")
    assert set(box.index) == {"x1", "x2", "governance"}
    assert box.loc["x1", "low"] == pytest.approx(0.6, abs=0.05)
    assert box.loc["x2", "high"] == pytest.approx(0.4, abs=0.05)
    assert box.loc["governance", "levels"] == ["shared"]
    assert result.density > 0.8 and result.coverage > 0.6  # 0.72 of the ones fall inside
    assert (box["quasi_p"] < 1e-6).all()
    assert result.base_rate == pytest.approx(y.mean())


def test_prim__trajectory_starts_with_everything_and_respects_the_minimum_mass() -> None:
    x, y = _planted()
    result = prim(x, y, mass_min=0.05)
    t = result.trajectory
    assert t.iloc[0][["coverage", "mass"]].tolist() == [1.0, 1.0]
    assert t.iloc[0]["density"] == pytest.approx(y.mean())
    assert (t["mass"] >= 0.05).all()
    assert (np.diff(t["mass"]) < 0).all()
    assert len(result.boxes) == len(t)


def test_prim__a_target_density_picks_the_widest_box_reaching_it() -> None:
    x, y = _planted()
    result = prim(x, y, min_density=0.5)
    t = result.trajectory
    reaching = t[t["density"] >= 0.5]
    assert result.chosen == reaching["coverage"].idxmax()


def test_prim__pasting_never_lowers_the_density() -> None:
    x, y = _planted(seed=1)
    plain, pasted = prim(x, y), prim(x, y, paste=True)
    assert pasted.density >= plain.density - 1e-12


def test_prim__irrelevant_parameter_is_not_significant() -> None:
    x, y = _planted(seed=2)
    result = prim(x, y)
    if "x3" in set(result.box["parameter"]):
        assert result.box.set_index("parameter").loc["x3", "quasi_p"] > 1e-3


def test_prim__bad_inputs_are_config_errors() -> None:
    x, y = _planted(n=100)
    with pytest.raises(ConfigError, match="objective"):
        prim(x, y, objective="greedy")
    with pytest.raises(ConfigError):
        prim(x, y[:50])


def test_discover__joins_the_design_to_the_runs() -> None:
    design = factorial_design({"a": [0.0, 0.5, 1.0], "b": [0, 1], "c": ["x", "y"]})
    runs = crn_runs(design, lambda row: 0.9 if (row.a >= 0.5 and row.b == 1) else 0.05, 100)
    result = discover(design, runs)
    box = result.box.set_index("parameter")
    assert box.loc["a", "low"] == 0.5 and box.loc["b", "low"] == 1
    assert "c" not in box.index
    assert set(result.summary()["restrictions"]) == {"a >= 0.5", "b = 1"}
    assert result.trajectory["box"].iloc[0] == ""  # the whole space
    assert isinstance(prim_figure(result), Figure)


def test_prim__agrees_with_the_ema_workbench() -> None:
    prim_ema = pytest.importorskip("ema_workbench.analysis.prim")
    x, y = _planted()
    x = x.drop(columns="governance")  # EMA's categorical peeling differs in detail
    ours = prim(x, y)
    box = prim_ema.Prim(x, y.astype(bool)).find_box()
    theirs = box.peeling_trajectory
    assert ours.trajectory["density"].max() == pytest.approx(theirs["density"].max(), abs=0.05)
    best = int(theirs["density"].idxmax())
    lims = box.box_lims[best]
    ours_box = ours.box.set_index("parameter")
    assert ours_box.loc["x1", "low"] == pytest.approx(lims.loc[0, "x1"], abs=0.1)
    assert ours_box.loc["x2", "high"] == pytest.approx(lims.loc[1, "x2"], abs=0.1)


def _common(
    n: int = 6000, seed: int = 0, inside_p: float = 0.97
) -> tuple[pd.DataFrame, np.ndarray]:
    """Learning journeys are common everywhere (80 %) and commoner (97 %) in x1 > 0.5, x2 < 0.5."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame({"x1": rng.random(n), "x2": rng.random(n), "x3": rng.random(n)})
    inside = (x["x1"] > 0.5) & (x["x2"] < 0.5)
    y = (rng.random(n) < np.where(inside, inside_p, 0.80)).astype(float)
    return x, y


def test_prim__a_common_outcome_still_finds_the_planted_box() -> None:
    # the harmonic mean of coverage and density chose the whole space here (base rate 85 %): the
    # whole space scores 2 * 0.85 / 1.85 = 0.92, the box found 2 * 0.32 * 0.97 / 1.29 = 0.48
    x, y = _common()
    result = prim(x, y)
    box = result.box.set_index("parameter")
    assert set(box.index) == {"x1", "x2"}
    assert box.loc["x1", "low"] == pytest.approx(0.5, abs=0.06)
    assert box.loc["x2", "high"] == pytest.approx(0.5, abs=0.06)
    assert result.density > 0.94 and result.mass == pytest.approx(0.25, abs=0.05)


def test_prim__no_planted_box_chooses_the_whole_space() -> None:
    for seed in range(3):
        x, y = _common(seed=seed, inside_p=0.80)  # the same everywhere: a denser box is luck
        result = prim(x, y)
        assert result.chosen == 0 and result.box.empty, result.trajectory.iloc[result.chosen]


def test_choose_by_wracc__needs_significance_and_coverage() -> None:
    y = np.array([1.0] * 80 + [0.0] * 20)  # base rate 0.8
    whole = np.ones(100, bool)
    small_pure = np.zeros(100, bool)
    small_pure[:5] = True  # density 1, but 5 of 80 (6 %) of the ones and not significant
    big = np.zeros(100, bool)
    big[:60] = True  # density 1: 60 of 80, p = 0.8**60
    assert choose_by_wracc(y, [whole, small_pure]) == 0
    assert choose_by_wracc(y, [whole, small_pure, big]) == 2

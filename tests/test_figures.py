"""Figures: built without pyplot, one colour per regime, the numbers they promise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgb

from cisim.model.regimes import REGIMES
from cisim.model.scenario import Scenario
from cisim.present import figures
from cisim.study.simulate import Results, simulate


@pytest.fixture(scope="module")
def results() -> Results:
    return simulate(Scenario.preset("baseline").replace(horizon_months=30), replicates=24, seed=4)


def test_figures__render_without_pyplot(tmp_path: Path) -> None:
    code = (
        "import sys, pathlib, pandas as pd; from cisim.present import figures; "
        "t = pd.DataFrame({'replicates': [10], 'learning_journey_share': [1.0], "
        "'blame_game_share': [0.0], 'stalled_share': [0.0], 'dissolved_share': [0.0]}, "
        "index=['a']); "
        f"out = pathlib.Path({str(tmp_path)!r}) / 'f.png'; "
        "figures.save(figures.regime_shares_figure(t), out); "
        "assert 'matplotlib.pyplot' not in sys.modules"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "f.png").stat().st_size > 1000


def test_figures__importing_cisim_does_not_import_matplotlib() -> None:
    code = "import sys, cisim; assert 'matplotlib' not in sys.modules"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_regime_colours__one_distinct_colour_per_regime() -> None:
    assert set(figures.REGIME_COLOURS) == set(REGIMES)
    assert len({to_rgb(c) for c in figures.REGIME_COLOURS.values()}) == len(REGIMES)
    green = to_rgb(figures.REGIME_COLOURS["learning_journey"])
    assert green[1] > max(green[0], green[2])


def test_rolling_sum__sums_the_last_window_months() -> None:
    values = np.array([[1.0, 0.0, 2.0, 0.0, 3.0, 1.0]])
    assert figures._rolling_sum(values, 3).tolist() == [[1.0, 1.0, 3.0, 2.0, 5.0, 4.0]]


def test_regime_figure__one_line_per_occurring_regime_with_counts(results: Results) -> None:
    fig = figures.regime_figure(
        results.summary, results.trajectories, [figures.TRUST], title="Trust", name="x"
    )
    (ax,) = fig.axes
    labels = [line.get_label() for line in ax.get_lines()]
    counts = results.summary["regime"].astype(str).value_counts()
    assert labels == [
        f"{figures.REGIME_LABELS[r]} (n={counts[r]})" for r in REGIMES if counts.get(r, 0) > 0
    ]
    assert ax.get_ylim() == (0.0, 1.0)
    assert ax.get_xlabel() == "month"


def test_regime_figure__mean_line_is_the_mean_over_the_regimes_runs(results: Results) -> None:
    fig = figures.regime_figure(
        results.summary, results.trajectories, [figures.PROGRESS], title="Progress", name="x"
    )
    line = fig.axes[0].get_lines()[0]
    regime = line.get_label().split(" (")[0].replace(" ", "_")
    runs = results.summary.loc[results.summary["regime"] == regime, "replicate"]
    chosen = results.trajectories[results.trajectories["replicate"].isin(runs)]
    expected = chosen.groupby("month")["progress"].mean().to_numpy()
    np.testing.assert_allclose(line.get_ydata(), expected)


def test_save_regime_figures__writes_four_pngs(results: Results, tmp_path: Path) -> None:
    paths = figures.save_regime_figures(
        results.summary, results.trajectories, tmp_path / "figs", name="baseline"
    )
    assert sorted(p.name for p in paths) == [
        "progress.png",
        "responses.png",
        "shared_understanding.png",
        "trust.png",
    ]
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in paths)


def test_regime_shares_figure__bars_add_up_to_one_per_scenario() -> None:
    table = pd.DataFrame(
        {
            "replicates": [100, 100],
            "learning_journey_share": [0.5, 0.0],
            "blame_game_share": [0.3, 0.9],
            "stalled_share": [0.0, 0.1],
            "dissolved_share": [0.2, 0.0],
        },
        index=["a", "b"],
    )
    fig = figures.regime_shares_figure(table)
    ax = fig.axes[0]
    widths = np.array([patch.get_width() for patch in ax.patches]).reshape(len(REGIMES), 2)
    np.testing.assert_allclose(widths.sum(axis=0), [1.0, 1.0])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a\n(100 runs)", "b\n(100 runs)"]

"""Phase diagrams: the learning-journey share over two parameters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from cisim.analysis.phase import choose_axes, phase_figure, phase_table
from cisim.stats import wilson

from .conftest import crn_runs, factorial_design


def _probability(row) -> float:
    return 0.1 + 0.4 * row.trust + 0.3 * row.resources * row.navigator


@pytest.fixture(scope="module")
def sweep() -> tuple[pd.DataFrame, pd.DataFrame]:
    design = factorial_design(
        {"trust": [0.0, 0.5, 1.0], "resources": [0.0, 1.0], "navigator": [0, 1], "noise": [1, 2]}
    )
    return design, crn_runs(design, _probability, 300, seed=9)


def test_phase__share_per_cell_with_wilson_intervals(sweep) -> None:
    design, runs = sweep
    table = phase_table(design, runs, "trust", "resources", facet="navigator")
    assert list(table.columns[:3]) == ["navigator", "trust", "resources"]
    assert len(table) == 12 and (table["runs"] == 600).all()
    row = table.iloc[0]
    assert (row.low, row.high) == pytest.approx(
        (wilson(row["count"], row.runs).low, wilson(row["count"], row.runs).high)
    )
    cell = table.set_index(["navigator", "trust", "resources"]).loc[(1, 1.0, 1.0)]
    assert cell["share"] == pytest.approx(0.8, abs=0.06)


def test_phase__choose_axes_ranks_parameters_by_what_they_explain(sweep) -> None:
    design, runs = sweep
    x, y, facet = choose_axes(design, runs)
    assert x == "trust" and {y, facet} == {"resources", "navigator"}


def test_phase__continuous_parameters_are_binned() -> None:
    rng = np.random.default_rng(0)
    design = pd.DataFrame({"point": range(200), "a": rng.random(200), "b": rng.random(200)})
    runs = crn_runs(design, lambda row: row.a, 20, seed=1)
    table = phase_table(design, runs, "a", "b", bins=4)
    assert table["a"].nunique() == 4 and table["b"].nunique() == 4
    assert table["runs"].sum() == len(runs)
    means = table.groupby("a").apply(lambda t: t["count"].sum() / t["runs"].sum())
    assert (np.diff(means.to_numpy()) > 0).all()


def test_phase__figure_has_a_panel_per_facet_and_a_colour_bar(sweep) -> None:
    design, runs = sweep
    table = phase_table(design, runs, "trust", "resources", facet="navigator")
    fig = phase_figure(table, "trust", "resources", facet="navigator")
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 3  # two facets and the colour bar
    assert fig.axes[0].get_xlabel() == "trust"


def test_phase__text_levels_keep_the_design_order() -> None:
    # the design's order (search, designed, imposed), as everywhere else, not alphabetical
    design = factorial_design(
        {"entry_point": ["search", "designed", "imposed"], "x": [0.0, 1.0], "y": [0, 1]}
    )
    runs = crn_runs(design, lambda row: 0.5, 20, seed=1)
    table = phase_table(design, runs, "x", "y", facet="entry_point")
    assert list(dict.fromkeys(table["entry_point"])) == ["search", "designed", "imposed"]
    fig = phase_figure(table, "x", "y", facet="entry_point")
    titles = [ax.get_title() for ax in fig.axes[:3]]
    assert titles == [f"entry point = {level}" for level in ("search", "designed", "imposed")]
    cell_sizes = {text.get_fontsize() for ax in fig.axes[:3] for text in ax.texts}
    assert min(cell_sizes) >= 9  # legible: at least 12 CSS px in the report
    assert fig.get_size_inches()[0] <= 9.5

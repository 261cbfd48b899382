"""Who is at the table, or what happens to them: the variance decomposition of a nested sweep.

A nested sweep (an experiment with ``populations`` and ``histories``; see
:mod:`cisim.study.sweeps.experiment`) runs, at every design point, each population (who is at the
table: the organisations, their traits, their ties and starting trust) under each history (the
monthly random events). Its ``runs`` table has ``population`` and ``history`` columns, and the
same population ``p`` and history ``h`` are the same draws at every point.

- :func:`point_decompositions`: per design point, the share of the variance of an outcome (by
  default the learning-journey indicator) that the population explains (*structure*), that events
  common to every population explain (*history*) and their *interaction* (how this population
  meets these events), by the two-way crossed random-effects model of
  :func:`cisim.study.nested.decompose` (Searle, Casella & McCulloch 1992), with 95 % intervals
  from a two-way bootstrap (populations and histories resampled).
- :func:`conditions_decomposition`: across the points, the share the *parameters* explain beside
  the three (:func:`cisim.study.nested.decompose_conditions`), with 95 % intervals from the same
  two-way bootstrap, applied to every point at once (the points themselves are designed, not
  sampled).
- :func:`regime_decomposition`: the same split for the regime as a whole (all four regimes): the
  components of the four regime indicators summed, the variance of a categorical outcome as the
  trace of its indicators' covariance (Light & Margolin 1971). It still says something where one
  regime never or always happens (a preset with no learning journeys).
- :func:`scenario_decompositions`: both splits for each of several scenarios (the presets, in
  ``cisim study``), each run as its own nested design.
- :func:`decomposition_figure`: stacked bars of the shares, one per point and one across points.

References
----------
Searle, S. R., Casella, G., & McCulloch, C. E. (1992). Variance Components. Wiley.
Light, R. J., & Margolin, B. H. (1971). An analysis of variance for categorical data. JASA
66(335), 534-544.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from cisim.analysis.tables import LJ, parameters_of
from cisim.model.regimes import REGIMES
from cisim.model.scenario import Scenario
from cisim.present.style import caption, percent_axis, tidy_axes
from cisim.study.nested import (
    BOOTSTRAP,
    SOURCES,
    bootstrap_components,
    components,
    decompose,
    decompose_conditions,
    nested,
    outcome_grid,
)

#: The columns that make a sweep nested.
NESTED_KEYS: tuple[str, ...] = ("population", "history")
#: The sources of variance across points: the parameters, then those within a point.
ALL_SOURCES: tuple[str, ...] = ("parameters", *SOURCES)
#: Colours of the sources in the figure (parameters, structure, history, interaction).
COLOURS = {
    "parameters": "#4c72b0",
    "structure": "#1a9850",
    "history": "#fdae61",
    "interaction": "#bdbdbd",
}
#: At most this many points get their own bar in the figure.
MAX_BARS = 30


def is_nested(runs: pd.DataFrame) -> bool:
    """Whether ``runs`` come from a nested sweep (they have populations and histories)."""
    return all(key in runs.columns for key in NESTED_KEYS)


def grids(
    design: pd.DataFrame, runs: pd.DataFrame, *, horizon: int, outcome: str = LJ
) -> dict[int, np.ndarray]:
    """Each design point's outcome as a ``(populations, histories)`` grid, by point."""
    out: dict[int, np.ndarray] = {}
    for point in design["point"].tolist():
        part = runs[runs["point"] == point]
        out[int(point)] = outcome_grid(part, outcome, _horizon(design, point, horizon))
    return out


def point_decompositions(
    design: pd.DataFrame,
    runs: pd.DataFrame,
    *,
    horizon: int,
    outcome: str = LJ,
    seed: int = 0,
    bootstrap: int = BOOTSTRAP,
) -> pd.DataFrame:
    """Structure, history and interaction at every design point, with 95 % intervals.

    Parameters
    ----------
    design, runs
        The sweep's tables; ``runs`` with ``population`` and ``history`` (every population under
        every history at every point).
    horizon
        Months simulated (for outcomes censored at the horizon; a ``horizon_months`` column of
        the design overrides it per point).
    outcome
        An outcome of :data:`cisim.model.outcomes.NUMBERS` (default: the learning-journey
        indicator).
    seed, bootstrap
        The two-way bootstrap (the same seed at every point).

    Returns
    -------
    pandas.DataFrame
        One row per point: ``point``, the varied parameters, ``outcome``, ``populations``,
        ``histories``, ``mean`` (the share of learning journeys, for the indicator),
        ``variance`` (the sum of the three components), and for each source ``<source>``
        (its share of the variance), ``<source>_low`` and ``<source>_high``.
    """
    params = parameters_of(design)
    rows = []
    for point, y in grids(design, runs, horizon=horizon, outcome=outcome).items():
        table = decompose(y, seed=seed, bootstrap=bootstrap)
        row = {"point": point, **_values(design, point, params), "outcome": outcome}
        row |= {"populations": y.shape[0], "histories": y.shape[1], "mean": float(y.mean())}
        row["variance"] = float(table["variance"].sum())
        for source, entry in table.iterrows():
            row[str(source)] = float(entry["share"])
            row[f"{source}_low"] = float(entry["low"])
            row[f"{source}_high"] = float(entry["high"])
        rows.append(row)
    return pd.DataFrame(rows)


def conditions_decomposition(
    point_grids: Sequence[np.ndarray], *, seed: int = 0, bootstrap: int = BOOTSTRAP
) -> pd.DataFrame:
    """Parameters, structure, history and interaction across points, with 95 % intervals.

    Parameters
    ----------
    point_grids
        One ``(populations, histories)`` grid per point (at least two), the same populations and
        histories in each (common random numbers).
    seed, bootstrap
        The two-way bootstrap: each resample draws populations and histories with replacement
        and applies the same draw to every point.

    Returns
    -------
    pandas.DataFrame
        One row per source (``parameters``, ``structure``, ``history``, ``interaction``):
        ``source``, ``share``, ``low``, ``high``.
    """
    point = _conditions_or_zero(list(point_grids))
    p, h = point_grids[0].shape
    rng = np.random.default_rng(seed)
    draws = np.empty((bootstrap, len(ALL_SOURCES)))
    for b in range(bootstrap):
        rows, cols = rng.integers(0, p, p), rng.integers(0, h, h)
        resampled = [g[rows][:, cols] for g in point_grids]
        draws[b] = _conditions_or_zero(resampled)
    low, high = np.percentile(draws, [2.5, 97.5], axis=0)
    return pd.DataFrame({"source": list(ALL_SOURCES), "share": point, "low": low, "high": high})


def _conditions_or_zero(point_grids: list[np.ndarray]) -> np.ndarray:
    """:func:`decompose_conditions` of a resample; zeros when nothing varies in it."""
    means = np.array([g.mean() for g in point_grids])
    if np.ptp(means) == 0 and all(np.ptp(g) == 0 for g in point_grids):
        return np.zeros(len(ALL_SOURCES))
    return decompose_conditions(point_grids).to_numpy()


def regime_decomposition(
    runs: pd.DataFrame, *, seed: int = 0, bootstrap: int = BOOTSTRAP
) -> pd.DataFrame:
    """Structure, history and interaction of the regime as a whole (all four regimes).

    The components of the four regime indicators, summed (the variance of a categorical outcome
    as the trace of its indicators' covariance), each a share of their total, with 95 % intervals
    from a two-way bootstrap (the same resample for the four indicators).

    Parameters
    ----------
    runs
        One nested design's runs (``population``, ``history``, ``regime``), every population
        under every history.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``source`` (structure, history, interaction): ``variance``, ``share``,
        ``low``, ``high``, as :func:`cisim.study.nested.decompose`.
    """
    stack = np.stack([outcome_grid(runs, regime, 0) for regime in REGIMES])
    return bootstrap_components(stack, _regime_components, seed=seed, bootstrap=bootstrap)


def scenario_decompositions(
    scenarios: Sequence[Scenario],
    *,
    populations: int = 30,
    histories: int = 30,
    seed: int = 0,
    bootstrap: int = BOOTSTRAP,
) -> pd.DataFrame:
    """Who is at the table in each scenario: a nested design of each, and both splits.

    Parameters
    ----------
    scenarios
        The scenarios (each run as ``populations x histories`` with :func:`cisim.study.nested.
        nested`, the same root seed for all: common random numbers).
    populations, histories, seed
        The nested design.
    bootstrap
        Two-way bootstrap resamples of each interval (seeded with 0).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``scenario``: ``populations``, ``histories``, ``learning_journey`` (the share
        of runs), the learning-journey indicator's ``variance`` and ``<source>``,
        ``<source>_low``, ``<source>_high`` for structure, history and interaction, then the same
        for the regime as a whole (all four regimes) as ``regime_variance`` and
        ``regime_<source>``, ``regime_<source>_low``, ``regime_<source>_high``.
    """
    rows = {}
    for scenario in scenarios:
        runs = nested(scenario, populations, histories, seed).runs
        y = outcome_grid(runs, LJ, scenario.horizon_months)
        row: dict[str, Any] = {"populations": populations, "histories": histories}
        row["learning_journey"] = float(y.mean())
        for prefix, table in (
            ("", decompose(y, bootstrap=bootstrap)),
            ("regime_", regime_decomposition(runs, bootstrap=bootstrap)),
        ):
            row[f"{prefix}variance"] = float(table["variance"].sum())
            for source, entry in table.iterrows():
                for key, column in (("", "share"), ("_low", "low"), ("_high", "high")):
                    row[f"{prefix}{source}{key}"] = float(entry[column])
        rows[scenario.name] = row
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "scenario"
    return frame


def _regime_components(stack: np.ndarray) -> np.ndarray:
    return np.sum([components(y) for y in stack], axis=0)


def decomposition_figure(points: pd.DataFrame, across: pd.DataFrame | None) -> Figure:
    """Stacked bars: the shares of structure, history and interaction at each point (at most
    :data:`MAX_BARS`), and of the parameters and the three across points."""
    if len(points) > MAX_BARS:
        raise ValueError(f"{len(points)} points do not fit one bar chart (at most {MAX_BARS})")
    labels = [point_label(row, _params(points)) for row in points.to_dict("records")]
    bars = [[0.0, *(float(row[s]) for s in SOURCES)] for row in points.to_dict("records")]
    if across is not None:
        labels.append("across the points")
        bars.append([float(s) for s in across.set_index("source")["share"][list(ALL_SOURCES)]])
    shares = np.array(bars)
    fig = Figure(figsize=(7.5, 1.4 + 0.36 * len(labels)), layout="constrained")
    ax = fig.subplots()
    positions = np.arange(len(labels))[::-1]
    left = np.zeros(len(labels))
    for i, source in enumerate(ALL_SOURCES):
        if across is None and source == "parameters":
            continue
        ax.barh(positions, shares[:, i], left=left, color=COLOURS[source], label=source, height=0.7)
        left += shares[:, i]
    ax.set_yticks(positions, labels)
    ax.set_xlim(0, 1)
    percent_axis(ax, "x")
    tidy_axes(ax, grid="x")
    ax.set_xlabel("share of the variance of the learning-journey indicator")
    ax.legend(ncols=4, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=8)
    fig.suptitle("Who is at the table, or what happens to them", fontweight="bold")
    caption(
        fig,
        "Structure: the population alone. History: events common to every population.\n"
        "Interaction: how a population meets its events. Parameters: between design points.",
    )
    return fig


def point_label(row: Mapping[Any, Any], params: Sequence[str]) -> str:
    """'navigator 1, turnover 0.06' (or 'point 3' when nothing varies)."""
    if not params:
        return f"point {row['point']}"
    return ", ".join(f"{p} {_level(row[p])}" for p in params)


def _level(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _params(points: pd.DataFrame) -> list[str]:
    fixed = {"point", "outcome", "populations", "histories", "mean", "variance"}
    sources = {f"{s}{end}" for s in SOURCES for end in ("", "_low", "_high")}
    return [c for c in points.columns if c not in fixed | sources]


def _values(design: pd.DataFrame, point: int, params: Sequence[str]) -> dict[str, object]:
    at = design.index[design["point"] == point][0]
    return {p: _plain(design.at[at, p]) for p in params}  # by column: no upcast of a row


def _plain(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value


def _horizon(design: pd.DataFrame, point: int, horizon: int) -> int:
    if "horizon_months" not in design.columns:
        return horizon
    return int(design.loc[design["point"] == point, "horizon_months"].iloc[0])

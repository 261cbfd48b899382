"""Paired effects of each lever, using common random numbers.

Method
------
In a factorial sweep, replicate ``k`` of every point runs on the same random numbers (common random
numbers, CRN): the same representatives leave in the same months, the same reviews go well or
badly. The effect of moving parameter ``p`` from level ``a`` to level ``b`` is estimated from pairs
that differ only in ``p``:

1. for each *cell* ``c`` (a combination of the other parameters' levels) and each replicate ``k``,
   the difference ``d_ck = y(p=b, c, k) - y(p=a, c, k)``;
2. the cell differences of one replicate are averaged, ``d_k = mean_c d_ck``: the effect in
   world ``k``, averaged over the other parameters (the main effect);
3. the effect is ``mean_k d_k`` with the paired-difference standard error ``sd(d_k) / sqrt(R)``
   and a normal 95 % interval (:func:`cisim.stats.mean_ci`).

The replicate is the pairing unit: the cells of one replicate share their random numbers, so their
differences are correlated, and treating the ``R`` replicate means as the independent units is what
makes the standard error honest (Law 2015, sec. 11.2 on CRN; Kleijnen 2008, ch. 3). The variance of
``d_k`` excludes the luck the paired runs share, so the intervals are much narrower than those of
two independent samples.

Outcomes are per-run numbers (:data:`cisim.model.outcomes.NUMBERS`): the learning-journey and
blame-game indicators (their effects are changes in the share of runs, in points of probability),
final progress, final trust and months to the first win (censored by
:func:`cisim.model.outcomes.censor`: runs without a win count as the horizon + 1, which makes the
effect a difference of censored means, a lower bound in size).

For designs whose points are named conditions (``condition`` column, e.g. the five actions
one at a time and all together), :func:`condition_effects` compares each condition with the
reference condition in the same paired way, and the all-together condition with the sum of the
one-at-a-time effects (their interaction).

References
----------
Law, A. M. (2015). Simulation Modeling and Analysis (5th ed.). McGraw-Hill.
Kleijnen, J. P. C. (2008). Design and Analysis of Simulation Experiments. Springer.
Saltelli, A., et al. (2008). Global Sensitivity Analysis: The Primer. Wiley.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from cisim.analysis.tables import (
    EFFECT_OUTCOMES,
    LJ,
    join_design,
    ordered_levels,
    outcome,
    outcome_values,
    parameters_of,
    replicate_matrix,
)
from cisim.errors import ConfigError
from cisim.present.style import COLUMN_INCHES, INTERVAL, caption, tidy_axes
from cisim.stats import Estimate, eta_squared, mean_ci

CONTRASTS = ("adjacent", "first")
TOGETHER_NAMES = ("all", "all_actions", "all_five", "together", "all_together", "combined")


def paired_effects(
    design: pd.DataFrame,
    runs: pd.DataFrame,
    *,
    horizon: int,
    outcomes: Sequence[str] = EFFECT_OUTCOMES,
    parameters: Sequence[str] | None = None,
    contrast: str = "adjacent",
) -> pd.DataFrame:
    """Paired main effects of each varied parameter (see the module docstring for the method).

    Parameters
    ----------
    design, runs
        The sweep's tables; replicate ``k`` of every point shares its random numbers.
    horizon
        Months simulated (to censor months-to-event outcomes at ``horizon + 1``).
    outcomes
        Outcome names (:data:`~cisim.analysis.tables.OUTCOMES` or numeric columns of ``runs``).
    parameters
        The levers to assess (default: every varied design parameter).
    contrast
        ``"adjacent"``: each level against the one below it; ``"first"``: each level against the
        first (lowest) level.

    Returns
    -------
    pandas.DataFrame
        One row per parameter, contrast and outcome: ``parameter``, ``low_level`` and
        ``high_level`` (as text), ``outcome``, ``mean_low`` and ``mean_high`` (the outcome's mean at
        each level), ``effect`` (mean paired difference high - low), ``low`` and ``high`` (its 95 %
        interval), ``cells`` (combinations of the other parameters paired), ``replicates`` (the
        pairing units).
    """
    if contrast not in CONTRASTS:
        raise ConfigError("contrast", contrast, f"one of {', '.join(CONTRASTS)}")
    params = list(parameters) if parameters is not None else parameters_of(design)
    points = int(max(design["point"].max(), runs["point"].max())) + 1  # design may be a part
    matrices = {
        name: replicate_matrix(runs, outcome_values(runs, name, horizon), points)
        for name in outcomes
    }
    rows: list[dict[str, Any]] = []
    for param in params:
        for low, high, pairs in _contrasts(design, param, params, contrast):
            for name, matrix in matrices.items():
                rows.append(_effect_row(param, low, high, name, matrix, pairs))
    return pd.DataFrame(rows)


def _contrasts(
    design: pd.DataFrame, param: str, params: Sequence[str], contrast: str
) -> list[tuple[Any, Any, np.ndarray]]:
    """``(low level, high level, (cells, 2) point pairs)`` for each contrast of ``param``."""
    levels = ordered_levels(design[param])
    others = [p for p in params if p != param]
    if contrast == "adjacent":
        steps = list(pairwise(levels))
    else:
        steps = [(levels[0], level) for level in levels[1:]]
    contrasts = [(a, b, _point_pairs(design, param, others, a, b)) for a, b in steps]
    return [c for c in contrasts if len(c[2])]  # levels never paired are not compared


def _point_pairs(design: pd.DataFrame, param: str, others: list[str], a: Any, b: Any) -> np.ndarray:
    """Pairs of points (``param == a``, ``param == b``) that agree on every other parameter."""
    left = design.loc[design[param] == a, ["point", *others]]
    right = design.loc[design[param] == b, ["point", *others]]
    if others:
        merged = left.merge(right, on=others, suffixes=("_a", "_b"))
    else:
        merged = left.merge(right, how="cross", suffixes=("_a", "_b"))
    return merged[["point_a", "point_b"]].to_numpy(dtype=np.int64)


def _effect_row(
    param: str, low: Any, high: Any, name: str, matrix: np.ndarray, pairs: np.ndarray
) -> dict[str, Any]:
    per_replicate = _replicate_means(matrix[pairs[:, 1]] - matrix[pairs[:, 0]])
    est = mean_ci(per_replicate)
    return {
        "parameter": param,
        "low_level": level_text(low),
        "high_level": level_text(high),
        "outcome": name,
        "mean_low": _mean(matrix[pairs[:, 0]]),
        "mean_high": _mean(matrix[pairs[:, 1]]),
        "effect": est.value,
        "low": est.low,
        "high": est.high,
        "cells": len(pairs),
        "replicates": int(np.isfinite(per_replicate).sum()),
    }


def level_text(value: Any) -> str:
    """A level as text: whole numbers without a decimal point, others in short form."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, float | np.floating):
        return f"{float(value):.6g}"
    return str(value)


def variance_shares(
    design: pd.DataFrame, runs: pd.DataFrame, *, horizon: int, outcome_name: str = LJ
) -> pd.DataFrame:
    """Each factor's share of the outcome's variance over the runs (eta squared), largest first.

    A comparable measure of how much each factor matters: the paired effects are in the units of
    each factor's own contrast (a two-level lever against the range chosen for another), while
    eta squared is the share of the run-to-run variance of the outcome that the factor's main
    effect explains. In a balanced full factorial it is the first-order Sobol index of the factor
    over the levels studied, each level weighted equally (Saltelli et al. 2008, ch. 4); like
    any such measure it depends on the levels chosen.

    Returns
    -------
    pandas.DataFrame
        ``parameter``, ``eta_squared``, ``levels``.
    """
    frame = join_design(design, runs)
    y = outcome_values(frame, outcome_name, horizon)
    keep = np.isfinite(y)
    rows = [
        {
            "parameter": param,
            "eta_squared": eta_squared(frame[param].astype(str).to_numpy()[keep], y[keep]),
            "levels": int(frame[param].nunique()),
        }
        for param in parameters_of(design)
    ]
    table = pd.DataFrame(rows, columns=["parameter", "eta_squared", "levels"])
    return table.sort_values("eta_squared", ascending=False, kind="stable").reset_index(drop=True)


def _replicate_means(diffs: np.ndarray) -> np.ndarray:
    """Mean over cells (rows) of each replicate's differences, ignoring missing ones."""
    ok = np.isfinite(diffs)
    count = ok.sum(axis=0)
    total = np.where(ok, diffs, 0.0).sum(axis=0)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _mean(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if finite.size else float("nan")


# ---- named conditions: one at a time and all together ----------------------------------------
def condition_effects(
    design: pd.DataFrame,
    runs: pd.DataFrame,
    *,
    horizon: int,
    outcomes: Sequence[str] = EFFECT_OUTCOMES,
    reference: str | None = None,
    together: str | None = None,
) -> pd.DataFrame:
    """Paired effects of named conditions against a reference, and all-together against the sum.

    Parameters
    ----------
    design, runs
        The sweep's tables; the design has a ``condition`` column naming its points.
    horizon
        Months simulated (censoring of months-to-event outcomes).
    outcomes
        Outcome names.
    reference
        The condition the others are compared with: ``baseline`` if there is one, else the first.
    together
        The condition combining all the others (its effect is compared with the sum of the
        one-at-a-time effects). Default: a condition named ``all``, ``together``, ``combined``
        (or starting with ``all_``), if exactly one is; none otherwise.

    Returns
    -------
    pandas.DataFrame
        One row per comparison and outcome: ``comparison`` (``"<condition> vs <reference>"``,
        ``"sum of one at a time"``, or ``"together minus sum"``: the interaction), ``condition``,
        ``outcome``, ``effect``, ``low``, ``high`` and ``replicates``. Each is a mean over
        replicates of a per-replicate paired quantity, with the paired-difference interval.
    """
    frame = join_design(design, runs)
    names = [str(c) for c in pd.unique(design["condition"])]
    ref = reference if reference is not None else ("baseline" if "baseline" in names else names[0])
    both = together if together is not None else _detect_together(names, ref)
    for given, label in ((ref, "reference"), (both, "together")):
        if given is not None and given not in names:
            raise ConfigError(label, given, f"one of the conditions {', '.join(names)}")
    singles = [n for n in names if n not in (ref, both)]
    rows: list[dict[str, Any]] = []
    for name in outcomes:
        per_condition = _condition_matrix(frame, outcome_values(frame, name, horizon), names)
        rows.extend(_condition_rows(per_condition, name, ref, singles, both))
    return pd.DataFrame(rows)


def _detect_together(names: Sequence[str], reference: str) -> str | None:
    found = [
        n for n in names if n != reference and (n.lower() in TOGETHER_NAMES or n.startswith("all_"))
    ]
    return found[0] if len(found) == 1 else None


def _condition_matrix(
    frame: pd.DataFrame, values: np.ndarray, names: Sequence[str]
) -> dict[str, np.ndarray]:
    """condition -> per-replicate outcome (averaged over the condition's points, if several)."""
    table = pd.DataFrame(
        {"condition": frame["condition"].astype(str), "replicate": frame["replicate"], "y": values}
    )
    wide = table.pivot_table(index="replicate", columns="condition", values="y", aggfunc="mean")
    wide = wide.reindex(columns=list(names))
    return {n: wide[n].to_numpy(dtype=float) for n in names}


def _condition_rows(
    y: dict[str, np.ndarray], name: str, ref: str, singles: list[str], together: str | None
) -> list[dict[str, Any]]:
    rows = [
        _row(f"{c} vs {ref}", c, name, y[c] - y[ref])
        for c in [*singles, *([together] if together else [])]
    ]
    if together is not None and singles:
        summed = np.sum([y[c] - y[ref] for c in singles], axis=0)
        rows.append(_row("sum of one at a time", "sum", name, summed))
        rows.append(_row("together minus sum", together, name, (y[together] - y[ref]) - summed))
    return rows


def _row(comparison: str, condition: str, name: str, diffs: np.ndarray) -> dict[str, Any]:
    est: Estimate = mean_ci(diffs)
    return {
        "comparison": comparison,
        "condition": condition,
        "outcome": name,
        "effect": est.value,
        "low": est.low,
        "high": est.high,
        "replicates": int(np.isfinite(diffs).sum()),
    }


# ---- figure ----------------------------------------------------------------------------------
#: Outcomes on a 0-1 scale are drawn in points (x 100), as the report's text and tables give them.
POINT_UNITS = ("share", "0-1")


def effects_figure(
    table: pd.DataFrame,
    outcomes: Sequence[str] = (LJ, "blame_game", "progress"),
    ranges: pd.DataFrame | None = None,
) -> Figure:
    """Forest plot: each contrast's paired effect with its 95 % interval, one panel per outcome.

    ``table`` is the output of :func:`paired_effects` (rows labelled ``parameter: a → b``) or of
    :func:`condition_effects` (rows labelled by ``comparison``). ``ranges`` (optional, from
    :func:`range_effects`) adds each multi-level factor's lowest-against-highest contrast under
    its steps, drawn as an open square. Outcomes on a 0-1 scale are in points and share one
    x-axis, so that the panels' effects can be compared by eye.
    """
    shown = [o for o in outcomes if o in set(table["outcome"])]
    rows = _figure_rows(table, ranges)
    labels = _contrast_labels(rows[rows["outcome"] == shown[0]])
    fig = Figure(figsize=(COLUMN_INCHES, 1.5 + 0.3 * len(labels)), layout="constrained")
    axes = fig.subplots(1, len(shown), sharey=True, squeeze=False)[0]
    positions = dict(zip(labels, np.arange(len(labels))[::-1], strict=True))
    for ax, name in zip(axes, shown, strict=True):
        _forest(ax, rows[rows["outcome"] == name], positions, name)
    _share_points_axis(axes, shown)
    axes[0].set_yticks(list(positions.values()), list(positions), fontsize=8)
    fig.suptitle("Paired effects of each factor (common random numbers)", fontweight="bold")
    whole = " Open squares: lowest against highest level." if "range" in rows else ""
    caption(fig, "Dots: mean paired difference over replicates; whiskers: 95% interval." + whole)
    return fig


def range_effects(
    design: pd.DataFrame, runs: pd.DataFrame, *, horizon: int, outcomes: Sequence[str]
) -> pd.DataFrame:
    """Each factor with more than two levels: its lowest against its highest level (paired)."""
    parts = []
    for param in parameters_of(design):
        effects = paired_effects(
            design, runs, horizon=horizon, outcomes=outcomes, parameters=[param], contrast="first"
        )
        if effects["high_level"].nunique() > 1:
            parts.append(effects[effects["high_level"] == effects["high_level"].iloc[-1]])
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["outcome"])


def _figure_rows(table: pd.DataFrame, ranges: pd.DataFrame | None) -> pd.DataFrame:
    """The table's rows, each factor's whole range (marked ``range``) after its steps."""
    if ranges is None or ranges.empty or "parameter" not in table.columns:
        return table
    parts = []
    for param, steps in table.groupby("parameter", sort=False):
        parts.append(steps)
        span = ranges[ranges["parameter"] == param]
        parts.append(span.assign(range=True))
    return pd.concat(parts, ignore_index=True).assign(range=lambda t: t["range"].eq(True))


def _forest(ax: Axes, part: pd.DataFrame, positions: dict[str, int], name: str) -> None:
    """One panel: each row's effect at the position of its label (rows of other labels skipped)."""
    scale = 100.0 if outcome(name).unit in POINT_UNITS else 1.0
    part = part.assign(_y=[positions.get(label, -1) for label in _contrast_labels(part)])
    part = part[part["_y"] >= 0]
    whole = part["range"].to_numpy(bool) if "range" in part else np.zeros(len(part), bool)
    for mask, marker in ((~whole, "o"), (whole, "s")):
        if not mask.any():
            continue
        sub = part[mask]
        ax.errorbar(
            sub["effect"] * scale,
            sub["_y"],
            xerr=[(sub["effect"] - sub["low"]) * scale, (sub["high"] - sub["effect"]) * scale],
            fmt=marker,
            color=INTERVAL,
            ecolor=INTERVAL,
            mfc="white" if marker == "s" else INTERVAL,
            capsize=3,
            markersize=4,
        )
    ax.axvline(0.0, color="#999999", linewidth=1.0, zorder=0)
    ax.set_title(outcome(name).label.replace(" (0-1)", ""), fontsize=9)
    ax.set_xlabel(_effect_unit(name), fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    tidy_axes(ax, grid="x")


def _share_points_axis(axes: Sequence[Axes], shown: Sequence[str]) -> None:
    """One x-range for every panel in points, so equal lengths are equal effects."""
    pointed = [ax for ax, n in zip(axes, shown, strict=True) if outcome(n).unit in POINT_UNITS]
    if len(pointed) < 2:
        return
    low = min(ax.get_xlim()[0] for ax in pointed)
    high = max(ax.get_xlim()[1] for ax in pointed)
    for ax in pointed:
        ax.set_xlim(low, high)


def _contrast_labels(part: pd.DataFrame) -> list[str]:
    if "comparison" in part.columns:
        return part["comparison"].astype(str).tolist()
    whole = part["range"].to_numpy(bool) if "range" in part else np.zeros(len(part), bool)
    return [
        f"{p.replace('_', ' ')}: {a} → {b}" + (" (whole range)" if w else "")
        for p, a, b, w in zip(
            part["parameter"], part["low_level"], part["high_level"], whole, strict=True
        )
    ]


def _effect_unit(name: str) -> str:
    unit = outcome(name).unit
    if unit == "share":
        return "change in share of runs (points)"
    if unit == "0-1":
        return "change (points of the 0–1 scale)"
    if unit == "months":
        return "change in months"
    return f"change ({unit})" if unit else "change"

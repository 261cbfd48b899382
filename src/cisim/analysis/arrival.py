"""When an intervention arrives: the paired effect of a timeline event's levers by its month.

A sweep that varies an event's month (``timeline.K.month``) and what the event sets
(``timeline.K.navigator``, ``timeline.K.data_use``, ...) asks when an intervention helps most.
At each month of arrival the effect of each of the event's levers is the paired main effect of
:func:`cisim.analysis.effects.paired_effects` among the points of that month (common random
numbers: the same collaborations with the same luck, with and without the intervention).

The **point of no return** of a lever is the earliest month of arrival from which its effect on the
outcome is shown to be negligible at that month and at every later month tested: its 95 % interval
lies within ``±EQUIVALENCE`` (2 points of a share), an equivalence test (two one-sided tests at
2.5 % each). An intervention arriving then or later is shown not to change the outcome by as much.
``None`` if no such month: either the effect lasts, or the runs cannot tell (an interval that
reaches zero but also beyond the margin is absence of evidence, not evidence of no effect, and is
not a point of no return). More replicates can only make the margin easier to show, never move a
point of no return earlier by chance.

**Can it rescue a collaboration already blaming?** Paired runs share their history up to the month
of arrival (the timeline has not acted yet), so each pair can be classed by where it stood then,
the same in both arms: *blaming* (more setback responses by blame than by learning so far),
*learning* (at least as many by learning, and some), or *no setback met yet*.
:func:`rescue_effects` gives each lever's paired effect within each class: the effect on
collaborations that were already blaming when the intervention arrived.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from cisim.analysis.effects import paired_effects
from cisim.analysis.tables import (
    LJ,
    TrajectoryArrays,
    ordered_levels,
    outcome,
    parameters_of,
)
from cisim.present.style import COLUMN_INCHES, caption, tidy_axes

_MONTH = re.compile(r"^timeline\.(\d+)\.month$")


def arrival_factors(design: pd.DataFrame) -> list[tuple[str, list[str]]]:
    """Each varied event month (``timeline.K.month``) with the varied levers of the same event."""
    varied = parameters_of(design)
    out = []
    for name in varied:
        match = _MONTH.match(name)
        if match:
            prefix = f"timeline.{match.group(1)}."
            levers = [p for p in varied if p.startswith(prefix) and p != name]
            if levers:
                out.append((name, levers))
    return out


def effects_by_arrival(
    design: pd.DataFrame,
    runs: pd.DataFrame,
    month: str,
    levers: Sequence[str],
    *,
    horizon: int,
    outcomes: Sequence[str],
) -> pd.DataFrame:
    """The paired effect of each lever at each month of arrival: :func:`paired_effects`'s columns
    (contrasts from each lever's first level) with ``month`` in front."""
    frames = []
    for m in ordered_levels(design[month]):
        part = design[design[month] == m].drop(columns=[month])
        table = paired_effects(part, runs, horizon=horizon, outcomes=outcomes, contrast="first")
        table = table[table["parameter"].isin(levers)]
        frames.append(table.assign(month=int(m)))
    table = pd.concat(frames, ignore_index=True)
    return table[["month", *[c for c in table.columns if c != "month"]]]


#: The margin within which an effect on a share counts as negligible (2 points).
EQUIVALENCE = 0.02

#: Where a collaboration stood when the intervention arrived (see the module docstring).
STANDINGS = ("blaming", "learning", "no setback met yet")


def standing_at(arrays: TrajectoryArrays, points: Sequence[int], month: int) -> pd.Series:
    """Each replicate's standing before ``month`` (index: replicate), read from the runs of the
    first of ``points`` (all share their history up to ``month``)."""
    keys = arrays.keys
    rows = np.flatnonzero(keys["point"].to_numpy() == int(points[0]))
    before = (arrays.months > 0) & (arrays.months < month)
    blame = np.nansum(arrays["blame_responses"][rows][:, before], axis=1)
    learn = np.nansum(arrays["learning_responses"][rows][:, before], axis=1)
    standing = np.where(
        blame > learn, STANDINGS[0], np.where(learn > 0, STANDINGS[1], STANDINGS[2])
    )
    return pd.Series(standing, index=keys["replicate"].to_numpy()[rows])


def rescue_effects(
    design: pd.DataFrame,
    runs: pd.DataFrame,
    arrays: TrajectoryArrays,
    month: str,
    levers: Sequence[str],
    *,
    horizon: int,
    outcomes: Sequence[str],
) -> pd.DataFrame:
    """Each lever's paired effect at each month of arrival, within each standing
    (:data:`STANDINGS`): :func:`effects_by_arrival`'s columns with ``standing`` after ``month``."""
    frames = []
    for m in ordered_levels(design[month]):
        part = design[design[month] == m].drop(columns=[month])
        standing = standing_at(arrays, part["point"].tolist(), int(m))
        for name in STANDINGS:
            chosen = standing.index[standing == name]
            if len(chosen) < 2:
                continue
            some = runs[runs["point"].isin(part["point"]) & runs["replicate"].isin(chosen)]
            table = paired_effects(part, some, horizon=horizon, outcomes=outcomes, contrast="first")
            frames.append(
                table[table["parameter"].isin(levers)].assign(month=int(m), standing=name)
            )
    if not frames:
        return pd.DataFrame()
    table = pd.concat(frames, ignore_index=True)
    return table[
        ["month", "standing", *[c for c in table.columns if c not in ("month", "standing")]]
    ]


def turning_points(table: pd.DataFrame, outcome_name: str = LJ) -> list[dict[str, Any]]:
    """Per lever contrast: the best month of arrival and the point of no return (module doc)."""
    out = []
    part = table[table["outcome"] == outcome_name]
    for (param, low, high), rows in part.groupby(
        ["parameter", "low_level", "high_level"], sort=False
    ):
        rows = rows.sort_values("month").reset_index(drop=True)
        best = rows.iloc[int(np.argmax(rows["effect"].to_numpy()))]
        negligible = ((rows["low"] >= -EQUIVALENCE) & (rows["high"] <= EQUIVALENCE)).to_numpy()
        # the earliest month from which every later month's interval lies within the margin
        tail = np.flatnonzero(~negligible)
        start = 0 if len(tail) == 0 else tail[-1] + 1
        no_return = int(rows["month"].iloc[start]) if start < len(rows) else None
        out.append(
            {
                "parameter": param,
                "low_level": low,
                "high_level": high,
                "best_month": int(best["month"]),
                "best_effect": float(best["effect"]),
                "best_low": float(best["low"]),
                "best_high": float(best["high"]),
                **_at(rows.iloc[0], "first"),
                **_at(rows.iloc[-1], "last"),
                "no_return_month": no_return,
            }
        )
    return out


def _at(row: pd.Series, key: str) -> dict[str, Any]:
    return {
        f"{key}_month": int(row["month"]),
        f"{key}_effect": float(row["effect"]),
        f"{key}_low": float(row["low"]),
        f"{key}_high": float(row["high"]),
    }


def arrival_figure(table: pd.DataFrame, outcomes: Sequence[str]) -> Figure:
    """Each lever's paired effect against its month of arrival, with 95 % intervals."""
    shown = [o for o in outcomes if o in set(table["outcome"])]
    fig = Figure(figsize=(min(COLUMN_INCHES, 4.2 * len(shown) + 0.6), 3.6), layout="constrained")
    axes = fig.subplots(1, len(shown), squeeze=False, sharex=True)[0]
    for ax, name in zip(axes, shown, strict=True):
        part = table[table["outcome"] == name]
        for (param, low, high), rows in part.groupby(
            ["parameter", "low_level", "high_level"], sort=False
        ):
            rows = rows.sort_values("month")
            label = f"{str(param).split('.')[-1].replace('_', ' ')}: {low} → {high}"
            ax.errorbar(
                rows["month"],
                rows["effect"],
                yerr=[rows["effect"] - rows["low"], rows["high"] - rows["effect"]],
                fmt="o-",
                capsize=3,
                markersize=4,
                label=label,
            )
        ax.axhline(0.0, color="#999999", linewidth=1.0, zorder=0)
        ax.set_title(outcome(name).label, fontsize=10)
        ax.set_xlabel("month the intervention arrives")
        tidy_axes(ax, grid="y")
    axes[0].set_ylabel("paired effect")
    axes[0].legend(fontsize=8, frameon=False)
    fig.suptitle("When does the intervention help? Effect by month of arrival", fontweight="bold")
    caption(fig, "Dots: mean paired difference over replicates; whiskers: 95% interval.")
    return fig

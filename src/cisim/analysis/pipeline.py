"""``analyze``: every analysis that applies to a sweep, written as CSV tables and PNG figures.

What runs depends on the design (:class:`~cisim.analysis.tables.SweepMeta` ``kind``):

============================  =========  ===  =====  ======
analysis                      factorial  lhs  sobol  morris
============================  =========  ===  =====  ======
regime shares per condition   yes        .    .      .
paired effects of each lever  yes        .    .      .
effects by month of arrival   a factorial varying an event's month and what it sets
named conditions vs reference if a ``condition`` column
phase diagram                 >= 2 numeric varied parameters
trajectories by regime        yes        yes  yes    yes
months to entry point / win   yes        yes  yes    yes
survival (Kaplan-Meier)       yes        yes  yes    yes
early prediction, warnings    yes        yes  yes    yes
scenario discovery (PRIM)     >= 1 varied parameter
Sobol indices + convergence   .          .    yes    .
Morris screening              .          .    .      yes
effects beside the indices    .          .    yes    yes
regional sensitivity (RSA)    .          yes  yes    yes
who is at the table           a nested sweep (populations x histories), any design
============================  =========  ===  =====  ======

Regional sensitivity applies to regime outcomes (yes/no). The sensitivity steps are in
:mod:`cisim.analysis.sensitivity_steps`. "Who is at the table" splits the variance of the
learning-journey indicator into structure, history and interaction at every point, and adds the
parameters' share across points (:mod:`cisim.analysis.decomposition`).

Every analysis also works alone on the same tables (see the modules of :mod:`cisim.analysis`);
:func:`cisim.analysis.key_numbers.summarise_text` puts the summary's key numbers in words.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cisim.analysis import (
    arrival,
    decomposition,
    discovery,
    discovery_figures,
    early,
    effects,
    phase,
    sensitivity_steps,
    shares,
    survival,
)
from cisim.analysis import trajectories as trajectory_analysis
from cisim.analysis.context import AnalysisOptions, Context
from cisim.analysis.tables import (
    LJ,
    SweepMeta,
    TrajectoryArrays,
    condition_columns,
    outcome,
    parameters_of,
    trajectory_arrays,
)
from cisim.model.regimes import REGIMES
from cisim.stats import wilson

SUMMARY_FILE = "analysis.json"


def analyze(
    design: pd.DataFrame,
    runs: pd.DataFrame,
    trajectories: pd.DataFrame | None,
    meta: Mapping[str, Any] | SweepMeta,
    out: Path,
    options: AnalysisOptions | None = None,
) -> dict[str, Any]:
    """Run every analysis that applies to the sweep; write tables, figures and a JSON summary.

    Parameters
    ----------
    design, runs, trajectories
        The sweep's tables (:mod:`cisim.analysis.tables`); ``trajectories`` may be ``None`` (the
        analyses over time are then skipped).
    meta
        The sweep's metadata (a mapping as written by the sweep runner, or a
        :class:`~cisim.analysis.tables.SweepMeta`).
    out
        Directory for ``<analysis>.csv``, ``<analysis>.png`` and ``analysis.json`` (created).
    options
        Settings; see :class:`AnalysisOptions`.

    Returns
    -------
    dict
        A JSON-ready summary: the sweep (``kind``, ``points``, ``runs``, ...), ``overall``
        regime shares, one entry per analysis with its key numbers, ``tables`` and ``figures``
        (file names inside ``out``), ``skipped`` analyses with the reason, and ``warnings``.
    """
    info = (
        meta if isinstance(meta, SweepMeta) else SweepMeta.from_mapping(meta, design, trajectories)
    )
    out.mkdir(parents=True, exist_ok=True)
    design = design.drop(columns=["digest"], errors="ignore")
    arrays = _arrays(trajectories) if "regime" in runs.columns else None
    ctx = Context(design, runs, arrays, info, out, options or AnalysisOptions())
    ctx.summary = _header(ctx)
    for step in _STEPS:
        step(ctx)
    (out / SUMMARY_FILE).write_text(json.dumps(ctx.summary, indent=2, default=_json_default))
    return ctx.summary


def _arrays(trajectories: pd.DataFrame | None) -> TrajectoryArrays | None:
    if trajectories is None or trajectories.empty:
        return None
    wanted = {*trajectory_analysis.DEFAULT_METRICS, *early.FEATURE_METRICS, "active_members"}
    metrics = [c for c in trajectories.columns if c in wanted]
    return trajectory_arrays(trajectories, metrics)


def _header(ctx: Context) -> dict[str, Any]:
    runs, meta = ctx.runs, ctx.meta
    overall = {}
    regime = runs["regime"].astype(str) if ctx.regimes else pd.Series(dtype=str)
    for name in REGIMES if ctx.regimes else ():
        est = wilson(int((regime == name).sum()), len(runs))
        overall[name] = {"share": est.value, "low": est.low, "high": est.high}
    return {
        "kind": meta.kind,
        "parameters": list(meta.parameters),
        "points": int(ctx.design["point"].nunique()),
        "runs": len(runs),
        "replicates": int(runs["replicate"].nunique()),
        **_nested_header(runs),
        "horizon": meta.horizon,
        "overall": overall,
        "tables": {},
        "figures": {},
        "skipped": {},
        "warnings": [],
    }


# ---- the steps -------------------------------------------------------------------------------
def _shares(ctx: Context) -> None:
    if not ctx.regimes or (ctx.meta.kind != "factorial" and "condition" not in ctx.design):
        return
    by = condition_columns(ctx.design)
    table = shares.regime_shares(ctx.design, ctx.runs, by=by)
    ctx.table("regime_shares", table)
    conditions = len(table) // len(REGIMES)
    if conditions <= shares.MAX_BARS:
        ctx.figure("regime_shares", shares.shares_figure(table, by))
    ctx.summary["shares"] = {"by": by, "conditions": conditions}


def _effects(ctx: Context) -> None:
    if ctx.meta.kind != "factorial" or "condition" in ctx.design or not parameters_of(ctx.design):
        return  # named conditions are compared by _conditions
    table = effects.paired_effects(
        ctx.design, ctx.runs, horizon=ctx.meta.horizon, outcomes=ctx.outcomes
    )
    ranges = effects.range_effects(
        ctx.design, ctx.runs, horizon=ctx.meta.horizon, outcomes=ctx.outcomes
    )
    ctx.table("paired_effects", table)
    ctx.table("range_effects", ranges)
    ctx.figure("paired_effects", effects.effects_figure(table, ctx.outcomes[:3], ranges))
    lj = table[table["outcome"] == ctx.outcomes[0]].assign(size=lambda t: t["effect"].abs())
    ctx.summary["effects"] = _records(lj.sort_values("size", ascending=False).drop(columns="size"))
    ctx.summary["effects_outcome"] = _outcome_info(ctx.outcomes[0])
    shares = effects.variance_shares(
        ctx.design, ctx.runs, horizon=ctx.meta.horizon, outcome_name=ctx.outcomes[0]
    )
    ctx.summary["variance_shares"] = _records(shares)


def _arrival(ctx: Context) -> None:
    if ctx.meta.kind != "factorial":
        return
    found = arrival.arrival_factors(ctx.design)
    if not found:
        return
    month, levers = found[0]
    table = arrival.effects_by_arrival(
        ctx.design, ctx.runs, month, levers, horizon=ctx.meta.horizon, outcomes=ctx.outcomes
    )
    ctx.table("arrival", table)
    ctx.figure("arrival", arrival.arrival_figure(table, ctx.outcomes[:2]))
    ctx.summary["arrival"] = {
        "month": month,
        "outcome": ctx.outcomes[0],
        "levers": arrival.turning_points(table, ctx.outcomes[0]),
    }
    if ctx.arrays is None or not {"blame_responses", "learning_responses"} <= set(
        ctx.arrays.values
    ):
        ctx.skip("rescue", "no trajectories of blame and learning responses")
        return
    rescue = arrival.rescue_effects(
        ctx.design,
        ctx.runs,
        ctx.arrays,
        month,
        levers,
        horizon=ctx.meta.horizon,
        outcomes=ctx.outcomes[:2],
    )
    ctx.table("rescue", rescue)
    blaming = rescue[(rescue["standing"] == "blaming") & (rescue["outcome"] == ctx.outcomes[0])]
    ctx.summary["arrival"]["rescue"] = _records(blaming)


def _conditions(ctx: Context) -> None:
    if "condition" not in ctx.design.columns or ctx.design["condition"].nunique() < 2:
        return
    table = effects.condition_effects(
        ctx.design, ctx.runs, horizon=ctx.meta.horizon, outcomes=ctx.outcomes
    )
    ctx.table("condition_effects", table)
    ctx.figure("condition_effects", effects.effects_figure(table, ctx.outcomes[:3]))
    ctx.summary["condition_effects"] = _records(table[table["outcome"] == ctx.outcomes[0]])
    ctx.summary["effects_outcome"] = _outcome_info(ctx.outcomes[0])


def _phase(ctx: Context) -> None:
    if not ctx.regimes or ctx.meta.kind not in ("factorial", "lhs"):
        return
    axes = phase.choose_axes(ctx.design, ctx.runs)
    if axes is None:
        ctx.skip("phase", "fewer than two numeric varied parameters")
        return
    x, y, facet = axes
    table = phase.phase_table(ctx.design, ctx.runs, x, y, facet=facet)
    ctx.table("phase", table)
    ctx.figure("phase", phase.phase_figure(table, x, y, facet=facet))
    ctx.summary["phase"] = {"x": x, "y": y, "facet": facet}


def _trajectories(ctx: Context) -> None:
    if not ctx.regimes:
        return
    timing = trajectory_analysis.event_timing(ctx.runs)
    ctx.table("event_timing", timing)
    ctx.figure("event_timing", trajectory_analysis.timing_figure(timing))
    ctx.summary["event_timing"] = _records(timing)
    if ctx.arrays is None:
        ctx.skip("trajectories", "no trajectories")
        return
    table = trajectory_analysis.regime_trajectories(ctx.runs, ctx.arrays, ctx.options.metrics)
    ctx.table("regime_trajectories", table)
    ctx.figure("regime_trajectories", trajectory_analysis.trajectories_figure(table))


def _survival(ctx: Context) -> None:
    if not ctx.regimes:
        return
    by = condition_columns(ctx.design) if ctx.meta.kind == "factorial" else []
    if by and ctx.design[by].drop_duplicates().shape[0] > survival.MAX_CURVES:
        by = []
    table = survival.survival_curves(
        ctx.runs,
        ctx.arrays,
        horizon=ctx.meta.horizon,
        design=ctx.design,
        by=by,
    )
    ctx.table("survival", table)
    if table["events"].sum() == 0:
        ctx.skip("survival figure", "no collaboration dissolved")
    else:
        ctx.figure("survival", survival.survival_figure(table, by))
    final = table[table["month"] == ctx.meta.horizon]
    ctx.summary["survival"] = {"by": by, "at_horizon": _records(final)}


def _early(ctx: Context) -> None:
    if not ctx.regimes:
        return
    if ctx.arrays is None:
        ctx.skip("early", "no trajectories")
        return
    if not _both_classes(ctx.runs):
        ctx.skip("early", "every run has the same learning-journey outcome")
        return
    o = ctx.options
    prediction = early.early_prediction(
        ctx.runs, ctx.arrays, months=o.early_months, folds=o.folds, seed=o.seed
    )
    months = min(early.WARNING_MONTHS, int(ctx.arrays.months.max()))
    signs = early.warning_list(ctx.runs, ctx.arrays, months=months)
    ctx.table("early_prediction", prediction)
    ctx.table("warning_list", signs)
    ctx.figure("early_signs", early.early_figure(prediction, signs))
    ctx.summary["early"] = {
        "prediction": _records(prediction),
        "warning_months": months,
        "warning_list": _records(
            signs[["feature", "sign", "auc", "discrimination", "direction", "advice"]]
        ),
    }


def _discovery(ctx: Context) -> None:
    if not ctx.regimes or not parameters_of(ctx.design):
        return
    if not _both_classes(ctx.runs):
        ctx.skip("discovery", "every run has the same learning-journey outcome")
        return
    result = discovery.discover(ctx.design, ctx.runs)
    ctx.table("prim_trajectory", result.trajectory)
    ctx.table("prim_box", result.box)
    ctx.figure("prim", discovery_figures.prim_figure(result))
    ctx.summary["discovery"] = result.summary()


def _nested(ctx: Context) -> None:
    """Who is at the table: the variance decomposition of a nested sweep."""
    if not ctx.regimes or not decomposition.is_nested(ctx.runs):
        return
    o, horizon = ctx.options, ctx.meta.horizon
    points = decomposition.point_decompositions(
        ctx.design, ctx.runs, horizon=horizon, seed=o.seed, bootstrap=o.nested_bootstrap
    )
    ctx.table("nested_decomposition", points)
    across = None
    if len(points) >= 2:
        grids = decomposition.grids(ctx.design, ctx.runs, horizon=horizon)
        across = decomposition.conditions_decomposition(
            list(grids.values()), seed=o.seed, bootstrap=o.nested_bootstrap
        )
        ctx.table("nested_conditions", across)
    if len(points) <= decomposition.MAX_BARS:
        ctx.figure("nested_decomposition", decomposition.decomposition_figure(points, across))
    ctx.summary["nested"] = {
        "outcome": LJ,
        "populations": int(points["populations"].iloc[0]),
        "histories": int(points["histories"].iloc[0]),
        "points": _records(points),
        "across": None if across is None else _records(across),
    }
    ctx.summary["warnings"].append(
        "The runs of a point are populations crossed with histories: runs that share a "
        "population or a history are not independent, so the intervals of the other analyses, "
        "which treat runs as independent replicates, may be too narrow; the variance "
        "decomposition resamples populations and histories."
    )


_STEPS: tuple[Callable[[Context], None], ...] = (
    _shares,
    _effects,
    _arrival,
    _conditions,
    _phase,
    _trajectories,
    _survival,
    _early,
    _discovery,
    sensitivity_steps.sobol_step,
    sensitivity_steps.morris_step,
    sensitivity_steps.regional_step,
    _nested,
)


# ---- helpers ---------------------------------------------------------------------------------
def _nested_header(runs: pd.DataFrame) -> dict[str, int]:
    if not decomposition.is_nested(runs):
        return {}
    return {
        "populations": int(runs["population"].nunique()),
        "histories": int(runs["history"].nunique()),
    }


def _outcome_info(name: str) -> dict[str, str]:
    info = outcome(name)
    return {"name": name, "label": info.label, "unit": info.unit}


def _both_classes(runs: pd.DataFrame) -> bool:
    lj = runs["regime"].astype(str) == LJ
    return bool(lj.any() and not lj.all())


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): _json_default(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, np.ndarray | frozenset | set | tuple):
        return [_json_default(v) for v in value]
    if value is pd.NA:
        return None
    return value

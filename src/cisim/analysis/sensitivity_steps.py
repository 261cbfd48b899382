"""The sensitivity steps of :func:`cisim.analysis.analyze`: Sobol indices and Morris screening with
each parameter's effect beside its indices, and regional sensitivity of a yes/no outcome.

For each outcome analysed, the Sobol and Morris tables (``sobol_<outcome>.csv``,
``morris_<outcome>.csv``) hold the indices and, in the same rows, the paired effects of
:func:`cisim.analysis.sensitivity_effects.design_effects` (its :data:`EFFECT_COLUMNS`). For a
regime outcome (a yes/no indicator), a Sobol, Morris or Latin hypercube design also gets
``regional_<outcome>.csv`` (KS distances, permutation p-values, logistic effects),
``regional_cdf_<outcome>.csv`` and the figure of the distribution functions.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cisim.analysis import morris, regional, sobol
from cisim.analysis import sensitivity_figures as plots
from cisim.analysis.context import Context
from cisim.analysis.sensitivity import SensitivityResult
from cisim.analysis.sensitivity_effects import (
    Pairs,
    design_effects,
    design_values,
    morris_pairs,
    sobol_pairs,
)
from cisim.analysis.tables import is_numeric, parameters_of
from cisim.model.regimes import REGIMES


def sobol_step(ctx: Context) -> None:
    """Sobol indices, their convergence and the paired effects of each outcome."""
    if ctx.meta.kind != "sobol" or ctx.meta.problem is None:
        return
    o, problem, results = ctx.options, ctx.meta.problem, {}
    points = int(ctx.design["point"].max()) + 1
    pairs = sobol_pairs(points, len(problem["names"]), calc_second_order=ctx.meta.calc_second_order)
    for name in sensitivity_outcomes(ctx):
        kw: dict[str, Any] = {"outcome_name": name, "horizon": ctx.meta.horizon, "seed": o.seed}
        kw["calc_second_order"] = ctx.meta.calc_second_order
        result = sobol.sobol_indices(
            ctx.runs, problem, bootstrap=o.bootstrap, num_resamples=o.num_resamples, **kw
        )
        _with_effects(ctx, result, pairs)
        conv = sobol.sobol_convergence(ctx.runs, problem, bootstrap=o.convergence_bootstrap, **kw)
        ctx.table(f"sobol_{name}", result.indices)
        ctx.table(f"sobol_convergence_{name}", conv)
        ctx.figure(f"sobol_{name}", plots.sobol_figure(result))
        ctx.figure(f"sobol_convergence_{name}", plots.convergence_figure(conv, name))
        ctx.summary["warnings"].extend(result.warnings)
        results[name] = result.summary() | _band(ctx, name)
    ctx.summary["sobol"] = results


def morris_step(ctx: Context) -> None:
    """Morris screening and the paired effects of each outcome."""
    if ctx.meta.kind != "morris" or ctx.meta.problem is None:
        return
    o, results = ctx.options, {}
    sample = ctx.meta.extra.get("salib_sample")
    raw = design_values(ctx.design, ctx.meta.problem["names"]) if sample is None else sample
    pairs = morris_pairs(np.asarray(raw, dtype=float))
    for name in sensitivity_outcomes(ctx):
        result = morris.morris_indices(
            ctx.design,
            ctx.runs,
            ctx.meta.problem,
            outcome_name=name,
            horizon=ctx.meta.horizon,
            num_levels=ctx.meta.num_levels,
            bootstrap=o.bootstrap,
            seed=o.seed,
            sample=sample,
        )
        _with_effects(ctx, result, pairs)
        ctx.table(f"morris_{name}", result.indices)
        ctx.figure(f"morris_{name}", plots.morris_figure(result))
        ctx.summary["warnings"].extend(result.warnings)
        results[name] = result.summary() | _band(ctx, name)
    ctx.summary["morris"] = results


def _with_effects(ctx: Context, result: SensitivityResult, pairs: Pairs) -> None:
    """Put each parameter's paired effects (in outcome units) beside its indices."""
    assert ctx.meta.problem is not None
    o = ctx.options
    effects = design_effects(
        ctx.runs,
        design_values(ctx.design, ctx.meta.problem["names"]),
        pairs,
        ctx.meta.problem,
        outcome_name=result.outcome,
        horizon=ctx.meta.horizon,
        band=o.contested if result.outcome in REGIMES else None,
        bootstrap=o.effect_bootstrap,
        seed=o.seed,
    )
    result.indices = result.indices.merge(effects, on="parameter", how="left")


def _band(ctx: Context, name: str) -> dict[str, Any]:
    """The contested band of a regime outcome, for the summary (empty for another outcome)."""
    return {"contested": list(ctx.options.contested)} if name in REGIMES else {}


def regional_step(ctx: Context) -> None:
    """Regional sensitivity of each regime outcome analysed, over a sampled design."""
    if not ctx.regimes or ctx.meta.kind not in ("sobol", "morris", "lhs"):
        return
    names = [p for p in parameters_of(ctx.design) if is_numeric(ctx.design[p])]
    regimes = [n for n in sensitivity_outcomes(ctx) if n in REGIMES]
    if not names or not regimes:
        return
    values = design_values(ctx.design, names)
    problem = ctx.meta.problem
    if problem is None or list(problem["names"]) != names:
        problem = {"names": names, "bounds": np.c_[values.min(axis=0), values.max(axis=0)]}
    block = {"sobol": len(names) + 2, "morris": len(names) + 1}.get(ctx.meta.kind, 1)
    if ctx.meta.kind == "sobol" and ctx.meta.calc_second_order:
        block = 2 * len(names) + 2
    o, results = ctx.options, {}
    for name in regimes:
        counts = ctx.runs["regime"].astype(str) == name
        if counts.all() or not counts.any():
            ctx.skip(f"regional {name}", f"every run has the same {name} outcome")
            continue
        result = regional.regional_sensitivity(
            values,
            ctx.runs,
            problem,
            outcome_name=name,
            horizon=ctx.meta.horizon,
            block_size=block,
            permutations=o.permutations,
            bootstrap=o.bootstrap,
            seed=o.seed,
        )
        ctx.table(f"regional_{name}", result.indices)
        ctx.table(f"regional_cdf_{name}", result.cdfs)
        ctx.figure(f"regional_{name}", plots.regional_figure(result))
        results[name] = result.summary()
    if results:
        ctx.summary["regional"] = results


def sensitivity_outcomes(ctx: Context) -> list[str]:
    """The configured outcomes the runs table can give (``regime`` outcomes or columns)."""
    wanted = ctx.options.sensitivity_outcomes
    found = [n for n in wanted if (n in REGIMES and ctx.regimes) or n in ctx.runs.columns]
    return found or ctx.outcomes

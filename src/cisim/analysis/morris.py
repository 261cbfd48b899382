"""Morris screening of the expected outcome, with replicate-bootstrap intervals.

Method
    Elementary effects on the point means (SALib's ``morris.analyze``; mu, mu*, sigma; Campolongo
    et al. 2007), with the outer replicate bootstrap for intervals of mu* and sigma. Noise in the
    point means inflates mu* (a mean of absolute values) and sigma; it is reported, not corrected.

The point means and the replicate bootstrap are those of :mod:`cisim.analysis.sensitivity`.

References
----------
Morris, M. D. (1991). Factorial sampling plans for preliminary computational experiments.
Technometrics 33(2), 161-174.
Campolongo, F., Cariboni, J., & Saltelli, A. (2007). An effective screening design for
sensitivity analysis of large models. Environmental Modelling & Software 22(10), 1509-1518.
Herman, J., & Usher, W. (2017). SALib: an open-source Python library for sensitivity analysis.
Journal of Open Source Software 2(9), 97. doi:10.21105/joss.00097
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import morris as salib_morris

from cisim.analysis.sensitivity import (
    SensitivityResult,
    noise_share,
    noise_warning,
    point_matrix,
    replicate_bootstrap,
    row_means,
    salib_seeds,
)
from cisim.analysis.tables import LJ, require


def _salib_morris(
    problem: Mapping[str, Any], x: np.ndarray, y: np.ndarray, *, levels: int, seed: int
) -> dict[str, np.ndarray]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # constant effects: sigma of one value
        mi = salib_morris.analyze(
            dict(problem), x, np.asarray(y, float), num_levels=levels, seed=int(seed)
        )
    return {k: np.asarray(mi[k], dtype=float) for k in ("mu", "mu_star", "sigma", "mu_star_conf")}


def morris_indices(
    design: pd.DataFrame,
    runs: pd.DataFrame,
    problem: Mapping[str, Any],
    *,
    outcome_name: str = LJ,
    horizon: int = 120,
    num_levels: int = 4,
    bootstrap: int = 100,
    seed: int = 0,
    shared_replicates: bool = True,
    sample: np.ndarray | None = None,
) -> SensitivityResult:
    """Morris mu, mu* and sigma of the point means, with replicate-bootstrap intervals.

    Parameters
    ----------
    design
        The Morris design (``point`` and one column per name of ``problem``), in SALib's order.
    runs, problem, outcome_name, horizon, bootstrap, seed, shared_replicates
        As in :func:`sobol_indices`.
    num_levels
        The Morris grid levels the design was sampled with.
    sample
        SALib's raw sample matrix ``(points, D)`` in point order, if the design's columns were
        rounded (integer parameters); default: the design's columns.

    Returns
    -------
    SensitivityResult
        ``indices`` columns: ``parameter``, ``mu``, ``mu_star``, ``mu_star_conf`` (SALib's, over
        trajectories), ``mu_star_low``/``mu_star_high`` and ``sigma``, ``sigma_low``/
        ``sigma_high`` (percentile intervals over replicate resamples).
    """
    names = list(problem["names"])
    require(design, ["point", *names], "design")
    x = (
        design.sort_values("point")[names].to_numpy(dtype=float)
        if sample is None
        else np.asarray(sample, dtype=float)
    )
    matrix = point_matrix(runs, len(x), outcome_name=outcome_name, horizon=horizon)
    seeds = salib_seeds(seed, bootstrap + 1)

    def analyse(m: np.ndarray, s: int) -> dict[str, np.ndarray]:
        return _salib_morris(problem, x, row_means(m), levels=num_levels, seed=s)

    full = analyse(matrix, int(seeds[0]))
    draws = replicate_bootstrap(matrix, bootstrap, seed, shared_replicates, analyse, seeds[1:])
    table = pd.DataFrame({"parameter": names, "mu": full["mu"], "mu_star": full["mu_star"]})
    table["mu_star_conf"] = full["mu_star_conf"]
    for name in ("mu_star", "sigma"):
        outer = np.array([d[name] for d in draws])
        if name == "sigma":
            table["sigma"] = full["sigma"]
        table[f"{name}_low"], table[f"{name}_high"] = np.percentile(outer, [2.5, 97.5], axis=0)
    share = noise_share(matrix, shared=shared_replicates)
    trajectories = len(x) // (len(names) + 1)
    return SensitivityResult(
        "morris",
        outcome_name,
        table,
        share,
        trajectories,
        matrix.shape[1],
        noise_warning(share, outcome_name, "mu* and sigma are biased up by it"),
    )

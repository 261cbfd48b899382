"""Designs: the table of design points an experiment runs.

- ``factorial``: every combination of the levels; later parameters vary fastest.
- ``lhs``: a Latin hypercube of ``samples`` points (:class:`scipy.stats.qmc.LatinHypercube`).
- ``sobol``: Saltelli's extension of a scrambled Sobol sequence (SALib), ``N (d + 2)`` points
  for first- and total-order indices (Saltelli et al. 2010).
- ``morris``: ``samples`` elementary-effect trajectories on four levels (SALib), ``N (d + 1)``
  points (Morris 1991; Campolongo et al. 2007).

Ranges are sampled uniformly and integers rounded; a categorical in a Latin hypercube takes
level ``floor(u L)`` of its ``L`` levels. The table depends only on the experiment and its seed.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pandas as pd

from cisim.errors import ConfigError
from cisim.study.sweeps.experiment import Experiment, Factor


def design_table(experiment: Experiment) -> pd.DataFrame:
    """The design points: ``point`` (0 to P - 1), then one column per varied parameter.

    Parameters
    ----------
    experiment
        The experiment (its factors, design, samples and seed).

    Returns
    -------
    pandas.DataFrame
        One row per design point, columns in the order levers then uncertainties, each with
        the parameter's type (int64, float64 or str). A factorial design without factors has
        one point, the base.
    """
    factors = experiment.factors
    if experiment.design == "factorial":
        rows: list[tuple[Any, ...]] = list(itertools.product(*(f.levels for f in factors)))
    else:
        rows = _sampled_rows(experiment)
    columns = {f.name: _column(f, [row[i] for row in rows]) for i, f in enumerate(factors)}
    table = pd.DataFrame({"point": np.arange(len(rows), dtype=np.int64), **columns})
    return table


def point_values(design: pd.DataFrame) -> list[dict[str, Any]]:
    """Each design point's parameter values as plain Python data (what a model receives)."""
    names = [c for c in design.columns if c not in ("point", "digest")]
    return [dict(zip(names, row, strict=True)) for row in _plain_rows(design[names])]


def salib_problem(experiment: Experiment) -> dict[str, Any]:
    """The SALib problem of the experiment's factors: ``num_vars``, ``names``, ``bounds``.

    Raises
    ------
    ConfigError
        If a factor is categorical (levels, not a range): SALib samples ranges only.
    """
    for f in experiment.factors:
        if not f.is_range:
            raise ConfigError(f.key, list(f.levels), "a range { low, high } for SALib")
    return {
        "num_vars": len(experiment.factors),
        "names": [f.name for f in experiment.factors],
        "bounds": [[f.low, f.high] for f in experiment.factors],
    }


def salib_sample(experiment: Experiment) -> np.ndarray:
    """The raw SALib sample ``(points, d)`` of a Sobol or Morris design, before rounding.

    Row ``i`` is design point ``i``; integers are rounded only in :func:`design_table`. The
    Morris analysis needs this matrix (SALib's ``morris.analyze(problem, X, Y)``).
    """
    from SALib.sample import morris, sobol

    problem = salib_problem(experiment)
    n, seed = experiment.samples, experiment.seed
    if experiment.design == "sobol":
        sample = sobol.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
    elif experiment.design == "morris":
        sample = morris.sample(problem, n, num_levels=4, seed=seed)
    else:
        raise ConfigError("design", experiment.design, "'sobol' or 'morris' for a SALib sample")
    return np.asarray(sample, dtype=float)


def n_points(experiment: Experiment) -> int:
    """The number of design points, without building the design."""
    d = len(experiment.factors)
    samples = experiment.samples or 0
    if experiment.design == "factorial":
        return math.prod(len(f.levels) for f in experiment.factors)  # no overflow
    if experiment.design == "sobol":
        return samples * (d + 2)
    if experiment.design == "morris":
        return samples * (d + 1)
    return samples


# ---- helpers ---------------------------------------------------------------------------------
def _sampled_rows(experiment: Experiment) -> list[tuple[Any, ...]]:
    factors = experiment.factors
    if experiment.design == "lhs":
        unit = _latin_hypercube(len(factors), experiment.samples or 0, experiment.seed)
        return [tuple(f.from_unit(u) for f, u in zip(factors, row, strict=True)) for row in unit]
    sample = salib_sample(experiment)
    return [tuple(f.canonical(x) for f, x in zip(factors, row, strict=True)) for row in sample]


def _latin_hypercube(d: int, n: int, seed: int) -> np.ndarray:
    from scipy.stats import qmc

    return qmc.LatinHypercube(d, rng=np.random.default_rng(seed)).random(n)


def _column(factor: Factor, values: list[Any]) -> pd.Series:
    dtype = {"int": "int64", "float": "float64"}.get(factor.kind, "str")
    return pd.Series(values, dtype=dtype, name=factor.name)


def _plain_rows(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    """Rows with Python ints, floats and strs (not NumPy scalars)."""
    columns = [frame[c].astype(object).tolist() for c in frame.columns]
    plain = [[v.item() if isinstance(v, np.generic) else v for v in col] for col in columns]
    return list(zip(*plain, strict=True)) if plain else [() for _ in range(len(frame))]

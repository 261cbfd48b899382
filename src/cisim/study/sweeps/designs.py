"""Designs: the table of design points an experiment runs.

- ``factorial``: every combination of the levels; later parameters vary fastest.
- ``lhs``: a Latin hypercube of ``samples`` points (:class:`scipy.stats.qmc.LatinHypercube`).
- ``sobol``: Saltelli's extension of a scrambled Sobol sequence (SALib), ``N (d + 2)`` points
  for first- and total-order indices (Saltelli et al. 2010).
- ``morris``: ``samples`` elementary-effect trajectories on four levels (SALib), ``N (d + 1)``
  points (Morris 1991; Campolongo et al. 2007).

Ranges are sampled uniformly and integers rounded; a categorical in a Latin hypercube takes
level ``floor(u L)`` of its ``L`` levels. The table depends only on the experiment and its seed.

Each design registers itself in :data:`DESIGNS` (:func:`register`): what it samples, how many
points it makes and how it draws them. An experiment looks its design up there.
"""

from __future__ import annotations

import itertools
import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar, Protocol

import numpy as np
import pandas as pd

from cisim.errors import ConfigError
from cisim.study.sweeps.factors import Factor

Row = tuple[Any, ...]


class Plan(Protocol):
    """What a design needs of an experiment (:class:`cisim.study.sweeps.Experiment` has it)."""

    @property
    def design(self) -> str: ...

    @property
    def factors(self) -> tuple[Factor, ...]: ...

    @property
    def samples(self) -> int | None: ...

    @property
    def seed(self) -> int: ...


class Design(ABC):
    """A kind of design: what it varies, how many points it makes and how it draws them.

    Attributes
    ----------
    name
        Its name in an experiment file (``design = "lhs"``).
    sampled
        Whether it draws ``samples`` points from ranges (else it takes every level).
    categorical
        Whether it can vary a categorical parameter (levels).
    """

    name: ClassVar[str]
    sampled: ClassVar[bool] = True
    categorical: ClassVar[bool] = False

    @property
    def a(self) -> str:
        """Its name with the indefinite article ("an lhs", "a sobol")."""
        return f"an {self.name}" if self.name == "lhs" else f"a {self.name}"

    def samples_needed(self, samples: int) -> str | None:
        """What ``samples`` must be, when the design cannot take it (else ``None``)."""
        return None

    def points(self, factors: Sequence[Factor], samples: int) -> int:
        """The number of design points, without drawing them."""
        return samples

    @abstractmethod
    def rows(self, plan: Plan) -> list[Row]:
        """The design points, one tuple of factor values each."""


#: name -> Design, in the order they registered.
DESIGNS: dict[str, Design] = {}


def register(kind: type[Design]) -> type[Design]:
    """Register a design under its name (a class decorator)."""
    DESIGNS[kind.name] = kind()
    return kind


@register
class Factorial(Design):
    """Every combination of the levels; later parameters vary fastest."""

    name = "factorial"
    sampled = False
    categorical = True

    def points(self, factors: Sequence[Factor], samples: int) -> int:
        return math.prod(len(f.levels) for f in factors)  # no overflow

    def rows(self, plan: Plan) -> list[Row]:
        return list(itertools.product(*(f.levels for f in plan.factors)))


@register
class LatinHypercube(Design):
    """A Latin hypercube of ``samples`` points; a categorical takes level ``floor(u L)``."""

    name = "lhs"
    categorical = True

    def rows(self, plan: Plan) -> list[Row]:
        factors = plan.factors
        unit = _latin_hypercube(len(factors), plan.samples or 0, plan.seed)
        return [tuple(f.from_unit(u) for f, u in zip(factors, row, strict=True)) for row in unit]


class SALibDesign(Design):
    """A design SALib samples (ranges only), its rows rounded to the factors' kinds."""

    @abstractmethod
    def sample(self, problem: dict[str, Any], plan: Plan) -> np.ndarray:
        """SALib's raw sample ``(points, d)``."""

    def rows(self, plan: Plan) -> list[Row]:
        factors = plan.factors
        sample = salib_sample(plan)
        return [tuple(f.canonical(x) for f, x in zip(factors, row, strict=True)) for row in sample]


@register
class Sobol(SALibDesign):
    """Saltelli's extension of a scrambled Sobol sequence: ``N (d + 2)`` points."""

    name = "sobol"

    def samples_needed(self, samples: int) -> str | None:
        return "a power of two (Sobol base sample N)" if samples & (samples - 1) else None

    def points(self, factors: Sequence[Factor], samples: int) -> int:
        return samples * (len(factors) + 2)

    def sample(self, problem: dict[str, Any], plan: Plan) -> np.ndarray:
        from SALib.sample import sobol

        n = plan.samples or 0
        return sobol.sample(problem, n, calc_second_order=False, scramble=True, seed=plan.seed)


@register
class Morris(SALibDesign):
    """Elementary-effect trajectories on four levels: ``N (d + 1)`` points."""

    name = "morris"

    def points(self, factors: Sequence[Factor], samples: int) -> int:
        return samples * (len(factors) + 1)

    def sample(self, problem: dict[str, Any], plan: Plan) -> np.ndarray:
        from SALib.sample import morris

        return morris.sample(problem, plan.samples or 0, num_levels=4, seed=plan.seed)


# ---- the design table --------------------------------------------------------------------------
def design_table(experiment: Plan) -> pd.DataFrame:
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
    rows = DESIGNS[experiment.design].rows(experiment)
    columns = {f.name: _column(f, [row[i] for row in rows]) for i, f in enumerate(factors)}
    return pd.DataFrame({"point": np.arange(len(rows), dtype=np.int64), **columns})


def point_values(design: pd.DataFrame) -> list[dict[str, Any]]:
    """Each design point's parameter values as plain Python data (what a model receives)."""
    names = [c for c in design.columns if c not in ("point", "digest")]
    return [dict(zip(names, row, strict=True)) for row in _plain_rows(design[names])]


def salib_problem(experiment: Plan) -> dict[str, Any]:
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


def salib_sample(experiment: Plan) -> np.ndarray:
    """The raw SALib sample ``(points, d)`` of a Sobol or Morris design, before rounding.

    Row ``i`` is design point ``i``; integers are rounded only in :func:`design_table`. The
    Morris analysis needs this matrix (SALib's ``morris.analyze(problem, X, Y)``).
    """
    problem = salib_problem(experiment)
    design = DESIGNS[experiment.design]
    if not isinstance(design, SALibDesign):
        salib = " or ".join(repr(n) for n, d in DESIGNS.items() if isinstance(d, SALibDesign))
        raise ConfigError("design", experiment.design, f"{salib} for a SALib sample")
    return np.asarray(design.sample(problem, experiment), dtype=float)


def n_points(experiment: Plan) -> int:
    """The number of design points, without building the design."""
    return DESIGNS[experiment.design].points(experiment.factors, experiment.samples or 0)


# ---- helpers ---------------------------------------------------------------------------------
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

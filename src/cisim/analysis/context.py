"""What the analyses of a sweep share: their settings and the context every step reads and writes.

:func:`cisim.analysis.pipeline.analyze` builds one :class:`Context` and passes it to each step
(its own and those of :mod:`cisim.analysis.sensitivity_steps`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from cisim.analysis import decomposition, early
from cisim.analysis import trajectories as trajectory_analysis
from cisim.analysis.sensitivity_effects import CONTESTED
from cisim.analysis.tables import EFFECT_OUTCOMES, LJ, SweepMeta, TrajectoryArrays
from cisim.io import write_csv
from cisim.model.regimes import REGIMES
from cisim.present.style import save


@dataclass(frozen=True, kw_only=True)
class AnalysisOptions:
    """Settings of :func:`analyze` (defaults suit a sweep of a few thousand runs).

    Attributes
    ----------
    sensitivity_outcomes
        Outcomes whose point means get Sobol or Morris indices (and, for a regime, regional
        sensitivity).
    bootstrap, num_resamples
        Outer (replicate) and inner (SALib) bootstrap resamples of the sensitivity indices; the
        bootstrap resamples of the logistic effects of regional sensitivity.
    nested_bootstrap
        Two-way bootstrap resamples of the variance decomposition of a nested sweep.
    effect_bootstrap
        Bootstrap resamples of the paired effects beside the indices.
    contested
        The band of a regime's point means (share of runs) where it counts as contested.
    permutations
        Block permutations of the regional sensitivity test.
    convergence_bootstrap
        Outer resamples for each step of the Sobol convergence table.
    early_months, folds
        Months observed for early prediction, and cross-validation folds.
    metrics
        Metrics of the trajectories by regime.
    seed
        Seed of every resampling.
    """

    sensitivity_outcomes: tuple[str, ...] = (LJ, "progress")
    bootstrap: int = 100
    num_resamples: int = 100
    nested_bootstrap: int = decomposition.BOOTSTRAP
    convergence_bootstrap: int = 30
    effect_bootstrap: int = 1000
    contested: tuple[float, float] = CONTESTED
    permutations: int = 999
    early_months: tuple[int, ...] = early.HORIZONS
    folds: int = 5
    metrics: tuple[str, ...] = trajectory_analysis.DEFAULT_METRICS
    seed: int = 0


@dataclass
class Context:
    """What every step reads (the tables) and writes (files and the summary)."""

    design: pd.DataFrame
    runs: pd.DataFrame
    arrays: TrajectoryArrays | None
    meta: SweepMeta
    out: Path
    options: AnalysisOptions
    summary: dict[str, Any] = field(default_factory=dict)

    def table(self, name: str, frame: pd.DataFrame) -> None:
        path = self.out / f"{name}.csv"
        write_csv(frame, path, index=False)
        self.summary["tables"][name] = path.name

    def figure(self, name: str, fig: Figure) -> None:
        save(fig, self.out / f"{name}.png")
        self.summary["figures"][name] = f"{name}.png"

    def skip(self, name: str, reason: str) -> None:
        self.summary["skipped"][name] = reason

    @property
    def regimes(self) -> bool:
        """Whether the runs have regimes (a cisim sweep, not a test function)."""
        return "regime" in self.runs.columns

    @property
    def outcomes(self) -> list[str]:
        """Outcomes for effects: the registered ones with regimes, else the numeric columns."""
        if self.regimes:
            return [o for o in EFFECT_OUTCOMES if o in REGIMES or o in self.runs.columns]
        keys = ("point", "replicate", "seed", *decomposition.NESTED_KEYS)
        columns = [c for c in self.runs.columns if c not in keys]
        return [c for c in columns if pd.api.types.is_numeric_dtype(self.runs[c])]

"""Outcomes at the field level, and the comparison of platforms on the same cities.

A city's regime is the collaboration's (:func:`cisim.model.regimes.classify`); the field's
outcomes are the share of its cities on learning journeys, its progress summed and spread across
cities (equity: sd, Gini, the 10th and 90th percentiles), how fast good practice spreads (months
until half the cities reach the key actions' level of data use and joint problem solving, and
until half have adopted a programme: Rogers' (2003) diffusion curve, read at its midpoint), and
what the platform spent. Against the same field with no platform, a platform's cost per
additional learning journey is what it spent over the learning journeys it added.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from cisim.field.run import FieldRun
from cisim.model.regimes import Thresholds, classify
from cisim.model.scenario import Scenario

Z95 = 1.959963984540054


def gini(values: NDArray[np.float64]) -> float:
    """The Gini coefficient of non-negative values (0: all equal; NaN if all are zero)."""
    x = np.sort(np.asarray(values, dtype=float))
    n, total = x.shape[0], x.sum()
    if n == 0 or total <= 0:
        return math.nan
    return float((2.0 * np.arange(1, n + 1) - n - 1) @ x / (n * total))


def months_to_half(months: list[float], shares: list[float]) -> float:
    """The first month at which a share reached one half (NaN if it never did)."""
    for month, share in zip(months, shares, strict=True):
        if share >= 0.5:
            return month
    return math.nan


@dataclass(frozen=True)
class FieldResult:
    """A field's run under one platform.

    Attributes
    ----------
    cities
        One row per city: its context, resistance to outside ideas, regime, final progress,
        programmes adopted and failed, final data use and joint problem solving, and trust in
        the platform.
    record
        One row per platform step: the knowledge base, the programme's context, what was spent
        so far, trust in the platform, the shares that adopted a programme and that reached
        good practice, mean data use.
    spent
        Service-years the platform spent over the run.
    """

    cities: pd.DataFrame
    record: pd.DataFrame
    spent: float

    @property
    def learning_journeys(self) -> NDArray[np.bool_]:
        """Whether each city ended on a learning journey."""
        return np.asarray(self.cities["regime"] == "learning_journey")

    @property
    def summary(self) -> dict[str, float]:
        """The field's outcomes (see the module's docstring)."""
        progress = self.cities["final_progress"].to_numpy()
        months = self.record["month"].tolist() if len(self.record) else []

        def half(column: str) -> float:
            return months_to_half(months, self.record[column].tolist()) if months else math.nan

        return {
            "cities": float(len(self.cities)),
            "learning_journey_share": float(self.learning_journeys.mean()),
            "progress_total": float(progress.sum()),
            "progress_sd": float(progress.std(ddof=1)) if len(progress) > 1 else math.nan,
            "progress_gini": gini(progress),
            "progress_p10": float(np.percentile(progress, 10)),
            "progress_p90": float(np.percentile(progress, 90)),
            "months_to_half_good_practice": half("good_practice_share"),
            "months_to_half_adopted": half("adopted_share"),
            "spent": self.spent,
        }


def result_of(fr: FieldRun, scenarios: list[Scenario]) -> FieldResult:
    """A :class:`FieldResult` from a finished run."""
    if fr.outcomes is not None:  # read on the shards (run_field's keep="outcomes")
        regimes, progress, wins = (fr.outcomes[k] for k in ("regime", "final_progress", "wins"))
    else:
        regimes = classify(fr.trajectories, Thresholds.of_runs(scenarios))
        progress, wins = fr.trajectories["progress"][-1], fr.trajectories["wins"][-1]
    ps, sm = fr.platform, fr.final
    cities = pd.DataFrame(
        {
            "city": np.arange(len(regimes)),
            "context": fr.cities.context,
            "not_invented_here": fr.cities.nih,
            "regime": regimes.astype(str),
            "final_progress": progress,
            "wins": wins,
            "programmes_adopted": ps.adopted,
            "programmes_failed": ps.failed,
            "data_use": sm.data_use,
            "joint_problem_solving": sm.joint_problem_solving,
            "trust_in_platform": ps.trust,
        }
    )
    return FieldResult(cities=cities, record=pd.DataFrame(fr.record), spent=ps.spent)


def paired(d: NDArray[np.float64]) -> tuple[float, float, float]:
    """Mean of paired differences and its 95 % normal interval."""
    n = d.shape[0]
    mean = float(d.mean()) if n else math.nan
    half = Z95 * float(d.std(ddof=1)) / math.sqrt(n) if n > 1 else math.nan
    return mean, mean - half, mean + half


@dataclass(frozen=True)
class Effect:
    """A platform's effect on the share of learning journeys against no platform, paired by
    city (the same cities with the same luck), with its 95 % interval; the same among the
    weaker and the stronger half of the cities (by the progress each makes with no platform);
    and the cost per additional learning journey."""

    difference: float
    low: float
    high: float
    weaker: float  # the difference among the half of the cities that progress least alone
    stronger: float  # ... and among the half that progress most
    cost_per_journey: float  # service-years per additional learning journey (NaN if none added)

    @classmethod
    def of(cls, result: FieldResult, alone: FieldResult) -> Effect:
        d = result.learning_journeys.astype(float) - alone.learning_journeys.astype(float)
        mean, low, high = paired(d)
        alone_progress = alone.cities["final_progress"].to_numpy()
        order = np.argsort(alone_progress, kind="stable")
        half = d.shape[0] // 2
        weaker, stronger = d[order[:half]], d[order[half:]]
        added = mean * d.shape[0]
        cost = result.spent / added if added > 0 else math.nan
        return cls(mean, low, high, paired(weaker)[0], paired(stronger)[0], cost)

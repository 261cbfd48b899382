"""Regimes: classifying a run from its trajectory.

The rule, applied in this order (thresholds are scenario parameters):

1. ``dissolved``: active members fell below ``max(2, ceil(dissolution_share * initial members))``
   in some month.
2. ``stalled``: no entry point was ever found.
3. ``blame_game``: blame made up at least ``regime_blame_share`` of all setback responses.
4. ``learning_journey``: final progress reached ``regime_min_progress``.
5. ``stalled``: otherwise (the collaboration talks without progress).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cisim.model.mechanisms.membership import dissolution_threshold

if TYPE_CHECKING:
    from cisim.model.scenario import Scenario

REGIMES: tuple[str, ...] = ("learning_journey", "blame_game", "stalled", "dissolved")

#: Trajectories of some runs: metric name -> array ``(months + 1, R)``.
Trajectories = Mapping[str, np.ndarray]


@dataclass(frozen=True)
class Thresholds:
    """The rule's thresholds: one value for every run, or one per run ``(R,)``.

    Attributes
    ----------
    dissolution_share
        Share of the initial members below which a collaboration has dissolved.
    regime_blame_share
        Share of setback responses that were blame from which a run is a blame game.
    regime_min_progress
        Final progress from which a run is a learning journey.
    """

    dissolution_share: float | np.ndarray
    regime_blame_share: float | np.ndarray
    regime_min_progress: float | np.ndarray

    @classmethod
    def of(cls, scenario: Scenario) -> Thresholds:
        """The thresholds of one scenario, for all its runs."""
        return cls(
            scenario.dissolution_share, scenario.regime_blame_share, scenario.regime_min_progress
        )

    @classmethod
    def of_runs(cls, scenarios: Sequence[Scenario]) -> Thresholds:
        """The thresholds of each run's scenario, one value per run."""

        def per_run(name: str) -> np.ndarray:
            return np.array([getattr(s, name) for s in scenarios], dtype=float)

        return cls(
            per_run("dissolution_share"),
            per_run("regime_blame_share"),
            per_run("regime_min_progress"),
        )


def setback_responses(trajectories: Trajectories) -> tuple[np.ndarray, np.ndarray]:
    """Setbacks met by learning and by blame over each run, ``(R,)`` each."""
    learning = trajectories["learning_responses"].sum(axis=0)
    blame = trajectories["blame_responses"].sum(axis=0)
    return learning, blame


def blame_share(trajectories: Trajectories) -> np.ndarray:
    """Share of each run's setback responses that were blame (NaN in a run without any)."""
    learning, blame = setback_responses(trajectories)
    responses = learning + blame
    return np.where(responses > 0, blame / np.maximum(responses, 1), np.nan)


def ever_dissolved(trajectories: Trajectories, dissolution_share: float | np.ndarray) -> np.ndarray:
    """Whether each run's active members fell below the dissolution threshold in some month."""
    members = trajectories["active_members"]
    threshold = dissolution_threshold(members[0], np.asarray(dissolution_share, dtype=float))
    return np.asarray((members < threshold[None, :]).any(axis=0))


def classify(
    trajectories: Trajectories,
    *,
    dissolution_share: float | np.ndarray,
    regime_blame_share: float | np.ndarray,
    regime_min_progress: float | np.ndarray,
) -> np.ndarray:
    """Regime of each run from its trajectories (arrays shaped ``(months + 1, R)``)."""
    dissolved = ever_dissolved(trajectories, dissolution_share)
    found = trajectories["entry_found"][-1] > 0
    blame_game = blame_share(trajectories) >= regime_blame_share  # NaN (no responses): False
    learning_journey = trajectories["progress"][-1] >= regime_min_progress
    out = np.full(dissolved.shape[0], "stalled", dtype=object)
    out[learning_journey] = "learning_journey"
    out[blame_game] = "blame_game"
    out[~found] = "stalled"
    out[dissolved] = "dissolved"
    return out

"""Regimes: classifying a run from its trajectory.

The rule, applied in this order (thresholds are scenario parameters):

1. ``dissolved``: the collaboration came apart (fewer than two active members were left; exits
   beget exits, so one that starts to come apart tends to come apart altogether: membership).
2. ``stalled``: no entry point was ever found.
3. ``blame_game``: in the run's closing period (its last ``regime_window_months`` months), at
   least ``regime_blame_share`` of the setbacks were met by blame: more of the members who
   responded blamed than learned (an even split counts half).
4. ``learning_journey``: final progress reached ``regime_min_progress``.
5. ``stalled``: otherwise (the collaboration talks without progress).

A run is judged by how it ends as well as by how it went: a collaboration that blamed its way
through its first setbacks and then learned to meet them together is a learning journey (the
sources' coalition whose ballot measure failed, which "worked out why it had failed and adapted"
and passed a new one two years later), and one that learned at first and then "succumbed to
infighting and inaction" is a blame game (Pulido-Gómez et al. 2025). The window is long enough
(four years by default) to hold a dozen reviews.

The unit is the setback, not the single response: the sources describe how a collaboration meets
its setbacks, by learning or by blame, and counting setbacks gives every setback one voice
whatever the number of members who responded to it. A collaboration whose members' cultures are
still mixed at the end sits near the threshold whatever the unit; counted by setbacks, fewer runs
do (``docs/validation.md``, the rule's robustness).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

import numpy as np

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
    regime_blame_share
        Share of the closing period's setback responses that were blame from which a run is a
        blame game.
    regime_min_progress
        Final progress from which a run is a learning journey.
    regime_window_months
        The closing period: the run's last months whose setback responses count.
    """

    regime_blame_share: float | np.ndarray
    regime_min_progress: float | np.ndarray
    regime_window_months: float | np.ndarray

    @classmethod
    def of(cls, scenario: Scenario) -> Thresholds:
        """The thresholds of one scenario, for all its runs."""
        return cls(**{f.name: getattr(scenario, f.name) for f in fields(cls)})

    @classmethod
    def of_runs(cls, scenarios: Sequence[Scenario]) -> Thresholds:
        """The thresholds of each run's scenario, one value per run."""
        return cls(
            **{
                f.name: np.array([getattr(s, f.name) for s in scenarios], dtype=float)
                for f in fields(cls)
            }
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


def came_apart(trajectories: Trajectories) -> np.ndarray:
    """Whether each run's collaboration came apart (fewer than two active members were left)."""
    return np.asarray(trajectories["running"][-1] < 1)


def met_by_blame(learning: np.ndarray, blame: np.ndarray) -> np.ndarray:
    """How far a setback with these numbers of learning and blame responses was met by blame: 1
    when more members blamed than learned, 0 when fewer, one half for an even split."""
    return np.where(blame > learning, 1.0, np.where(blame == learning, 0.5, 0.0))


def closing_blame_share(trajectories: Trajectories, window: float | np.ndarray) -> np.ndarray:
    """Share of each run's setbacks in its last ``window`` months that were met by blame
    (:func:`met_by_blame`; NaN in a run without any setback responses then)."""
    months = trajectories["blame_responses"].shape[0] - 1
    closing = np.arange(months + 1)[:, None] > months - np.asarray(window, dtype=float)
    learning = trajectories["learning_responses"]
    blame = trajectories["blame_responses"]
    met = closing & (learning + blame > 0)  # a month with responses is a month with a setback
    setbacks = met.sum(axis=0)
    by_blame = np.where(met, met_by_blame(learning, blame), 0.0).sum(axis=0)
    return np.where(setbacks > 0, by_blame / np.maximum(setbacks, 1), np.nan)


def classify(trajectories: Trajectories, thresholds: Thresholds) -> np.ndarray:
    """Regime of each run from its trajectories (arrays shaped ``(months + 1, R)``)."""
    th = thresholds
    dissolved = came_apart(trajectories)
    found = trajectories["entry_found"][-1] > 0
    closing = closing_blame_share(trajectories, th.regime_window_months)
    blame_game = closing >= th.regime_blame_share  # NaN (no responses): False
    learning_journey = trajectories["progress"][-1] >= th.regime_min_progress
    out = np.full(dissolved.shape[0], "stalled", dtype=object)
    out[learning_journey] = "learning_journey"
    out[blame_game] = "blame_game"
    out[~found] = "stalled"
    out[dissolved] = "dissolved"
    return out

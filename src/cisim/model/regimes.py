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

import numpy as np

from cisim.model.mechanisms.membership import dissolution_threshold

REGIMES: tuple[str, ...] = ("learning_journey", "blame_game", "stalled", "dissolved")


def classify(
    trajectories: dict[str, np.ndarray],
    *,
    dissolution_share: float | np.ndarray,
    regime_blame_share: float | np.ndarray,
    regime_min_progress: float | np.ndarray,
) -> np.ndarray:
    """Regime of each run from its trajectories (arrays shaped ``(months + 1, R)``)."""
    members = trajectories["active_members"]
    threshold = dissolution_threshold(members[0], np.asarray(dissolution_share, dtype=float))
    dissolved = (members < threshold[None, :]).any(axis=0)
    found = trajectories["entry_found"][-1] > 0
    blame = trajectories["blame_responses"].sum(axis=0)
    learning = trajectories["learning_responses"].sum(axis=0)
    responses = blame + learning
    blame_share = np.where(responses > 0, blame / np.maximum(responses, 1), 0.0)
    blame_game = (responses > 0) & (blame_share >= regime_blame_share)
    learning_journey = trajectories["progress"][-1] >= regime_min_progress
    out = np.full(members.shape[1], "stalled", dtype=object)
    out[learning_journey] = "learning_journey"
    out[blame_game] = "blame_game"
    out[~found] = "stalled"
    out[dissolved] = "dissolved"
    return out

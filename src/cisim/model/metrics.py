"""The metric registry: every monthly measure, its construct, range and unit.

The registry's names are the columns of :attr:`cisim.Results.trajectories`, the reporters of the
Mesa face's DataCollector and the metrics the app plots. Each metric is a function of the state
returning one value per replicate row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from cisim.model.state import State, row_mean


@dataclass(frozen=True)
class Metric:
    """One monthly measure.

    Attributes
    ----------
    name
        The metric's column name in the trajectories.
    construct
        What it measures, in the model's terms.
    lo, hi
        Its range. ``hi`` is ``None`` for a count with no fixed upper bound: its bound depends on
        the run and on what ``unit`` counts (``organisations``: the organisation slots;
        ``count`` of wins: at most one per review, so the months; ``ties``: the directed ties
        among ``N`` members, ``N (N - 1)``).
    unit
        The unit of its values.
    fn
        The measure: a state to one value per replicate row, ``(R,)``.
    """

    name: str
    construct: str
    lo: float
    hi: float | None  # None: a count with no fixed upper bound (see unit)
    unit: str
    fn: Callable[[State], np.ndarray]


def _sd(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    mean = row_mean(values, mask)
    var = row_mean((values - mean[:, None]) ** 2, mask)
    return np.sqrt(np.maximum(var, 0.0))


def _live_trust_sd(st: State) -> np.ndarray:
    return _sd(st.trust, st.member_ties)


def _contribution_share(st: State) -> np.ndarray:
    return np.where(st.capacity > 0, st.contribution / np.maximum(st.capacity, 1e-12), 0.0)


_METRICS: tuple[Metric, ...] = (
    Metric(
        "mean_trust",
        "mean trust of members in their partners (live ties)",
        0,
        1,
        "0-1",
        lambda st: row_mean(st.trust, st.member_ties),
    ),
    Metric("trust_sd", "spread of trust across live ties", 0, 0.5, "sd", _live_trust_sd),
    Metric(
        "shared_understanding",
        "members' mean grasp of the shared problem and goal",
        0,
        1,
        "0-1",
        lambda st: row_mean(st.understanding, st.members),
    ),
    Metric(
        "understanding_sd",
        "spread of understanding across members",
        0,
        0.5,
        "sd",
        lambda st: _sd(st.understanding, st.members),
    ),
    Metric(
        "progress",
        "public value achieved (share of the goal)",
        0,
        1,
        "0-1",
        lambda st: st.progress.copy(),
    ),
    Metric(
        "legitimacy",
        "legitimacy and support of the collaboration",
        0,
        1,
        "0-1",
        lambda st: st.legitimacy.copy(),
    ),
    Metric(
        "community_support", "support of the community", 0, 1, "0-1", lambda st: st.support.copy()
    ),
    Metric("knowledge", "knowledge of what works", 0, 1, "0-1", lambda st: st.knowledge.copy()),
    Metric(
        "operational_capacity",
        "routines and division of labour",
        0,
        1,
        "0-1",
        lambda st: st.operational_capacity.copy(),
    ),
    Metric(
        "mean_contribution",
        "mean share of capacity members commit",
        0,
        1,
        "0-1",
        lambda st: row_mean(_contribution_share(st), st.members),
    ),
    Metric(
        "contribution_sd",
        "spread of commitment across members",
        0,
        0.5,
        "sd",
        lambda st: _sd(_contribution_share(st), st.members),
    ),
    Metric(
        "active_members",
        "active member organisations",
        0,
        None,
        "organisations",
        lambda st: st.members.sum(axis=1).astype(float),
    ),
    Metric(
        "learning_responses",
        "members who responded to a setback by learning this month",
        0,
        None,
        "organisations",
        lambda st: st.learning_now.astype(float),
    ),
    Metric(
        "blame_responses",
        "members who blamed a partner for a setback this month",
        0,
        None,
        "organisations",
        lambda st: st.blame_now.astype(float),
    ),
    Metric(
        "navigator_activity",
        "members the navigators attended to this month",
        0,
        None,
        "organisations",
        lambda st: st.navigator_activity.astype(float),
    ),
    Metric(
        "turnover_events",
        "representatives who left this month",
        0,
        None,
        "organisations",
        lambda st: (st.left_now & (st.status == 2)).sum(axis=1).astype(float),
    ),
    Metric("conflict", "open conflict over governance", 0, 1, "0-1", lambda st: st.conflict.copy()),
    Metric(
        "blame_climate",
        "how ready members are to blame (self-confirming blame)",
        0,
        1,
        "0-1",
        lambda st: st.blame_climate.copy(),
    ),
    Metric(
        "entry_found",
        "an entry point has been found",
        0,
        1,
        "0/1",
        lambda st: st.entry_found.astype(float),
    ),
    Metric(
        "wins",
        "reviews that met the task (cumulative)",
        0,
        None,
        "count",
        lambda st: st.wins.astype(float),
    ),
    Metric(
        "live_ties",
        "working relationships between active members",
        0,
        None,
        "ties",
        lambda st: st.member_ties.sum(axis=1).astype(float),
    ),
    Metric(
        "governance_mode",
        "0 shared, 1 lead organisation, 2 administrative organisation",
        0,
        2,
        "code",
        lambda st: st.governance.astype(float),
    ),
    Metric(
        "running",
        "the collaboration is still running (1) or has dissolved (0)",
        0,
        1,
        "0/1",
        lambda st: st.alive.astype(float),
    ),
)

#: name -> Metric, in display order.
REGISTRY: dict[str, Metric] = {m.name: m for m in _METRICS}


def measure(st: State) -> dict[str, np.ndarray]:
    """Every registered metric for every replicate row."""
    return {name: m.fn(st) for name, m in REGISTRY.items()}

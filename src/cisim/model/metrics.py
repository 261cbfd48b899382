"""The metric registry: every monthly measure, its construct, range and unit, and how it is taken.

The registry's names are the columns of :attr:`cisim.Results.trajectories`, the reporters of the
Mesa face's DataCollector and the metrics the app plots. :func:`measure_row` takes every metric of
one replicate row, compiled, as the engine records it each month (month 0 included); while it
measures it also finds the masks the next month's step starts from.

Metrics describe the *members*: the active organisations, also of a dissolved collaboration (its
last state, frozen), and the ties between them (existing, not dormant).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from cisim.model.compiled import inline, masked_mean
from cisim.model.mechanisms.scale import COORDINATION_MAX
from cisim.model.state import ACTIVE


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
    """

    name: str
    construct: str
    lo: float
    hi: float | None  # None: a count with no fixed upper bound (see unit)
    unit: str


_METRICS: tuple[Metric, ...] = (
    Metric("mean_trust", "mean trust of members in their partners (live ties)", 0, 1, "0-1"),
    Metric("trust_sd", "spread of trust across live ties", 0, 0.5, "sd"),
    Metric(
        "shared_understanding", "members' mean grasp of the shared problem and goal", 0, 1, "0-1"
    ),
    Metric("understanding_sd", "spread of understanding across members", 0, 0.5, "sd"),
    Metric("progress", "public value achieved (share of the goal)", 0, 1, "0-1"),
    Metric("legitimacy", "legitimacy and support of the collaboration", 0, 1, "0-1"),
    Metric("community_support", "support of the community", 0, 1, "0-1"),
    Metric("knowledge", "knowledge of what works", 0, 1, "0-1"),
    Metric("operational_capacity", "routines and division of labour", 0, 1, "0-1"),
    Metric(
        "weakest_corner",
        "the strategic triangle's weakest corner: least of legitimacy, shared understanding "
        "and operational capacity",
        0,
        1,
        "0-1",
    ),
    Metric("mean_contribution", "mean share of capacity members commit", 0, 1, "0-1"),
    Metric("contribution_sd", "spread of commitment across members", 0, 0.5, "sd"),
    Metric("active_members", "active member organisations", 0, None, "organisations"),
    Metric(
        "learning_responses",
        "members who responded to a setback by learning this month",
        0,
        None,
        "organisations",
    ),
    Metric(
        "blame_responses",
        "members who blamed a partner for a setback this month",
        0,
        None,
        "organisations",
    ),
    Metric(
        "navigator_activity",
        "members the navigators attended to this month",
        0,
        None,
        "organisations",
    ),
    Metric("turnover_events", "representatives who left this month", 0, None, "organisations"),
    Metric("conflict", "open conflict over governance", 0, 1, "0-1"),
    Metric("task_conflict", "disagreement about the substance of the work", 0, 1, "0-1"),
    Metric("director", "the backbone's executive director is in post", 0, 1, "0/1"),
    Metric(
        "coordination",
        "what coordinating this many members leaves of the joint work (1 at 20 convened)",
        0,
        COORDINATION_MAX,
        "multiplier",
    ),
    Metric(
        "visibility", "share of the collaboration that sees a member's contribution", 0, 1, "0-1"
    ),
    Metric("blame_climate", "members' mean readiness to blame (their habits)", 0, 1, "0-1"),
    Metric("entry_found", "an entry point has been found", 0, 1, "0/1"),
    Metric("wins", "reviews that met the task (cumulative)", 0, None, "count"),
    Metric("live_ties", "working relationships between active members", 0, None, "ties"),
    Metric(
        "governance_mode",
        "0 shared, 1 lead organisation, 2 administrative organisation",
        0,
        2,
        "code",
    ),
    Metric("running", "the collaboration is still running (1) or has dissolved (0)", 0, 1, "0/1"),
)

#: name -> Metric, in display order (the order of :func:`measure_row`'s output).
REGISTRY: dict[str, Metric] = {m.name: m for m in _METRICS}

# each metric's place in measure_row's output (a name missing from the registry fails here)
_AT = {name: k for k, name in enumerate(REGISTRY)}
MEAN_TRUST, TRUST_SD = _AT["mean_trust"], _AT["trust_sd"]
UNDERSTANDING, UNDERSTANDING_SD = _AT["shared_understanding"], _AT["understanding_sd"]
PROGRESS, LEGITIMACY = _AT["progress"], _AT["legitimacy"]
SUPPORT, KNOWLEDGE = _AT["community_support"], _AT["knowledge"]
CAPACITY, CORNER = _AT["operational_capacity"], _AT["weakest_corner"]
CONTRIBUTION, CONTRIBUTION_SD = _AT["mean_contribution"], _AT["contribution_sd"]
MEMBERS, LEARNING, BLAME = _AT["active_members"], _AT["learning_responses"], _AT["blame_responses"]
NAVIGATOR, TURNOVER = _AT["navigator_activity"], _AT["turnover_events"]
CONFLICT, CLIMATE, ENTRY = _AT["conflict"], _AT["blame_climate"], _AT["entry_found"]
TASK_CONFLICT, DIRECTOR = _AT["task_conflict"], _AT["director"]
COORDINATION, VISIBILITY = _AT["coordination"], _AT["visibility"]
WINS, TIES, GOVERNANCE, RUNNING = (
    _AT["wins"],
    _AT["live_ties"],
    _AT["governance_mode"],
    _AT["running"],
)


@inline
def _mean_sd(values: Any, mask: Any) -> Any:
    """Mean and population standard deviation of the masked values (0, 0 if none)."""
    mean = masked_mean(values, mask)
    squares = 0.0
    count = 0
    for i in range(values.shape[0]):
        if mask[i]:
            d = values[i] - mean
            squares += d * d
            count += 1
    var = squares / max(count, 1) if count > 0 else 0.0
    return mean, math.sqrt(max(var, 0.0))


@inline
def measure_row(s: Any, r: int, out: Any, w: Any) -> None:
    """Every metric of row ``r`` into ``out`` (in the registry's order).

    Leaves the masks of active members and live ties for the next month's step in ``w.act``,
    ``w.live`` and ``w.end``: while the collaboration runs, its members are its active members and
    the ties between them its live ties (passes over live ties need go no further than ``w.end``:
    dormant ties sit at the end of a row, and so, in generated networks, do most ties between
    outsiders who have not joined). A dissolved collaboration has none.
    """
    n = s.status.shape[1]
    members, live, share = w.act, w.live, w.org[0]
    n_members = 0
    turnover_events = 0
    for i in range(n):
        members[i] = s.status[r, i] == ACTIVE
        n_members += members[i]
        turnover_events += members[i] and s.left_now[r, i]
        cap = s.capacity[r, i]
        share[i] = s.contribution[r, i] / max(cap, 1e-12) if cap > 0 else 0.0
    # trust over the ties between members: the mean in the same pass that finds them
    ties = w.live_slots
    n_ties = 0
    total = 0.0
    for e in range(s.src.shape[1]):
        live[e] = False
        if s.exists[r, e] and not s.dormant[r, e] and members[s.src[r, e]] and members[s.dst[r, e]]:
            ties[n_ties] = e
            n_ties += 1
            total += s.trust[r, e]
            live[e] = True
    mean = total / max(n_ties, 1) if n_ties > 0 else 0.0
    squares = 0.0
    for k in range(n_ties):
        d = s.trust[r, ties[k]] - mean
        squares += d * d
    var = squares / max(n_ties, 1) if n_ties > 0 else 0.0
    out[MEAN_TRUST], out[TRUST_SD] = mean, math.sqrt(max(var, 0.0))
    out[UNDERSTANDING], out[UNDERSTANDING_SD] = _mean_sd(s.understanding[r], members)
    out[PROGRESS] = s.progress[r]
    out[LEGITIMACY] = s.legitimacy[r]
    out[SUPPORT] = s.support[r]
    out[KNOWLEDGE] = s.knowledge[r]
    out[CAPACITY] = s.operational_capacity[r]
    out[CORNER] = min(s.legitimacy[r], out[UNDERSTANDING], s.operational_capacity[r])
    out[CONTRIBUTION], out[CONTRIBUTION_SD] = _mean_sd(share, members)
    out[MEMBERS] = n_members
    out[LEARNING] = s.learning_now[r]
    out[BLAME] = s.blame_now[r]
    out[NAVIGATOR] = s.navigator_activity[r]
    out[TURNOVER] = turnover_events
    out[CONFLICT] = s.conflict[r]
    out[TASK_CONFLICT] = s.task_conflict[r]
    out[DIRECTOR] = s.director[r]
    out[COORDINATION] = s.coordination[r]
    out[VISIBILITY] = s.visibility[r]
    out[CLIMATE] = masked_mean(s.habit[r], members)
    out[ENTRY] = 1.0 if s.entry_found[r] else 0.0
    out[WINS] = s.wins[r]
    out[TIES] = n_ties
    out[GOVERNANCE] = s.governance[r]
    out[RUNNING] = 1.0 if s.alive[r] else 0.0
    w.end[0] = ties[n_ties - 1] + 1 if n_ties > 0 and s.alive[r] else 0
    if not s.alive[r]:
        members[:] = False
        live[:] = False

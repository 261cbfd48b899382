"""The simulation state: plain arrays for a batch of replicates.

Shapes: ``(R, N)`` for organisations (``N`` slots, padded: a slot can be absent, a candidate that
may join, an active member or an exited one), ``(R, E)`` for directed ties (``E`` slots, padded;
a slot holds a tie ``src -> dst`` that is live, dormant or empty), ``(R,)`` for the collaboration.
Parameters broadcast the same way: :class:`Params` holds one value per replicate row, so one batch
can hold many points of a design.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

F = NDArray[np.float64]
I = NDArray[np.int64]  # noqa: E741
B = NDArray[np.bool_]

# organisation status codes
ABSENT, CANDIDATE, ACTIVE, EXITED = 0, 1, 2, 3
# governance modes (Provan & Kenis 2008)
GOVERNANCE_MODES: tuple[str, ...] = ("shared", "lead_organisation", "administrative_organisation")
NETWORKS: tuple[str, ...] = ("small_world", "random", "clustered", "complete", "roster")
ENTRY_POINTS: tuple[str, ...] = ("search", "designed", "none")
AUTHORITY_SOURCES: tuple[str, ...] = ("granted", "self_assigned")


@dataclass
class Params:
    """Scenario parameters broadcast to one value per replicate row (all shape ``(R,)``)."""

    n_organisations: I
    authority_self_assigned: B
    navigator: I
    navigator_capacity: I
    navigator_credibility: F
    entry_point: I
    community_engagement: F
    data_use: F
    joint_problem_solving: F
    aspiration: F
    resources: F
    authority_contest: F
    adaptability: F
    initial_trust: F
    trust_build_rate: F
    trust_erosion_rate: F
    trust_spillover: F
    reputation_weight: F
    blame_severity: F
    institutional_memory: F
    institutional_trust_rate: F
    onboarding_months: F
    review_months: I
    outcome_noise: F
    entry_base_rate: F
    exit_base_rate: F
    join_base_rate: F
    dissolution_share: F

    @property
    def rows(self) -> int:
        """Number of replicate rows."""
        return int(self.n_organisations.shape[0])

    def take(self, rows: I) -> Params:
        """The parameters of a subset of rows."""
        return Params(**{f.name: getattr(self, f.name)[rows] for f in fields(self)})


@dataclass
class State:
    """Everything that changes during a run, for a batch of ``R`` replicates."""

    keys: NDArray[np.uint64]  # (R, streams, 2) counter-based stream keys
    month: int
    # organisations (R, N)
    sector: NDArray[np.int8]
    status: NDArray[np.int8]
    authority: F
    capacity: F
    alignment: F
    turnover: F
    tenure: I
    representatives: I
    onboarding: F
    understanding: F
    contribution: F
    frustration: F
    blamed: F  # recent blame received (decays)
    attended: B  # navigator attention this month
    learned_now: B
    blamed_now: B  # blamed a partner this month
    left_now: B  # representative left this month
    # ties (R, E)
    src: I
    dst: I
    rev: I  # slot of the reverse tie (j -> i) in the same row
    exists: B  # the slot holds a tie (possibly dormant)
    dormant: B  # a potential tie not yet brokered
    trust: F
    institutional_trust: F
    prior: B
    experience: F  # this month's experiences, consumed by the trust mechanism
    last_blame: I  # month blame last crossed the tie (-1 never)
    # collaboration (R,)
    alive: B
    dissolved_month: I
    entry_found: B
    entry_month: I
    first_win_month: I
    task_scope: F
    task_effort: F
    task_months: I
    aspiration_level: F
    performance: F  # last review's outcome
    shortfall: F  # last review's shortfall against aspiration (0 if none)
    progress: F
    legitimacy: F
    support: F  # community support
    knowledge: F  # knowledge of what works
    operational_capacity: F
    conflict: F
    blame_climate: F
    governance: I
    governance_changes: I
    credibility: F  # navigators' credibility
    setbacks_in_row: I
    reviewed_now: B
    won_now: B
    setback_now: B
    wins: I
    learning_total: I
    blame_total: I
    learning_now: I
    blame_now: I
    navigator_activity: I
    initial_members: I
    extra: dict[str, Any] = field(default_factory=dict)

    # ---- shape helpers --------------------------------------------------------------------
    @property
    def replicates(self) -> int:
        """Number of replicate rows ``R``."""
        return int(self.status.shape[0])

    @property
    def slots(self) -> int:
        """Organisation slots per row ``N``."""
        return int(self.status.shape[1])

    @property
    def active(self) -> B:
        """Active members of collaborations still running, ``(R, N)``."""
        return (self.status == ACTIVE) & self.alive[:, None]

    @property
    def members(self) -> B:
        """Active members, also of dissolved collaborations (frozen), for recording, ``(R, N)``."""
        return self.status == ACTIVE

    @property
    def member_ties(self) -> B:
        """Ties between members, also of dissolved collaborations, for recording, ``(R, E)``."""
        return self._between(self.members)

    @property
    def live(self) -> B:
        """Ties that exist, are not dormant, and join two active members, ``(R, E)``."""
        return self._between(self.active)

    @property
    def n_active(self) -> I:
        """Active members per row, ``(R,)``."""
        return np.asarray(self.active.sum(axis=1), dtype=np.int64)

    def _between(self, orgs: B) -> B:
        """Existing, not dormant ties whose two ends are both in ``orgs``, ``(R, E)``."""
        ends = np.take_along_axis(orgs, self.src, 1) & np.take_along_axis(orgs, self.dst, 1)
        return self.exists & ~self.dormant & ends

    def take(self, rows: I) -> State:
        """A copy of a subset of replicate rows."""
        data: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, np.ndarray):
                data[f.name] = value[rows].copy()
            elif f.name == "extra":
                data[f.name] = {}
            else:
                data[f.name] = value
        return State(**data)

"""The simulation state: plain arrays for a batch of replicates.

Shapes: ``(R, N)`` for organisations (``N`` slots, padded: a slot can be absent, a candidate that
may join, an active member or an exited one), ``(R, E)`` for directed ties (``E`` slots, padded;
a slot holds a tie ``src -> dst`` that is live, dormant or empty), ``(R,)`` for the collaboration.
Parameters broadcast the same way: :class:`Params` holds one value per replicate row, so one batch
can hold many points of a design.
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from cisim.model.parameters import SPECS
from cisim.model.timeline import Schedule

F = NDArray[np.float64]
I = NDArray[np.int64]  # noqa: E741
B = NDArray[np.bool_]

# organisation status codes
ABSENT, CANDIDATE, ACTIVE, EXITED = 0, 1, 2, 3
# the decision hook (cisim.model.decisions): a setback response decided by the model, or learn or
# blame from outside; an effort of MODEL_EFFORT is the model's own
MODEL, LEARN, BLAME = 0, 1, 2
MODEL_EFFORT = -1.0
# the choices of the categorical parameters, in the order of their codes
GOVERNANCE_MODES: tuple[str, ...] = SPECS["governance_mode"].choices  # Provan & Kenis 2008
NETWORKS: tuple[str, ...] = SPECS["network"].choices
ENTRY_POINTS: tuple[str, ...] = SPECS["entry_point"].choices
AUTHORITY_SOURCES: tuple[str, ...] = SPECS["authority_source"].choices
SELF_ASSIGNED = AUTHORITY_SOURCES.index("self_assigned")
JOBS: tuple[str, ...] = SPECS["job"].choices  # seed 000: think, do, or think and do
THINK, DO = JOBS.index("think"), JOBS.index("do")

#: The parameters the compiled step sees: every scalar parameter of
#: :data:`cisim.model.parameters.SPECS`, in its order.
PARAMETERS: tuple[str, ...] = tuple(name for name, spec in SPECS.items() if spec.dtype is not None)

#: Scenario parameters broadcast to one value per replicate row: one array ``(R,)`` per name of
#: :data:`PARAMETERS` (a choice as its index in the parameter's choices), so one batch can hold
#: many points of a design. A named tuple, as the compiled step takes it.
if TYPE_CHECKING:  # its fields are made at run time
    Params = Any
else:
    Params = namedtuple("Params", PARAMETERS)


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
    habit: F  # readiness to blame after a setback, learnt from its own responses
    attended: B  # navigator attention this month
    learned_now: B
    blamed_now: B  # blamed a partner this month
    left_now: B  # representative left this month
    # the decision hook (R, N): responses that come from outside the model (cisim.model.decisions)
    decide_response: NDArray[np.int8]  # after a setback: 0 the model decides, 1 learn, 2 blame
    decide_target: I  # whom it blames: an organisation slot (-1: the model chooses)
    decide_effort: F  # the share of its capacity it puts in, in [0, 1] (-1: the model decides)
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
    entry_fit: F  # how meaningful and actionable the entry point is (0 before one is found)
    entry_acceptance: F  # how acceptable it is to the members (0 before one is found)
    entry_revisions: I
    entry_imposed: B  # the entry point was imposed from outside (not held provisionally)
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
    task_conflict: F  # disagreement about the substance of the work (not blame)
    governance: I
    governance_changes: I
    credibility: F  # navigators' credibility
    director: F  # 1 while the backbone's executive director is in post, else 0
    coordination: F  # what coordinating this many members leaves of the joint work (1 at 20)
    visibility: F  # share of the collaboration that sees a member's contribution
    breadth: F  # log(active members / 20): how broad the coalition is
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
    #: the rows' timelines as the engine applies them (None: no row has events)
    schedule: Schedule | None = None

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
            elif f.name == "schedule":
                data[f.name] = None if value is None else value.take(rows)
            else:
                data[f.name] = value
        return State(**data)

"""The mechanisms of the ODD's process overview, one module each, in the order of the step.

Every mechanism is a function ``mechanism(state, params) -> None`` that reads and writes named
fields of a :class:`cisim.model.state.State` for all replicates at once.
"""

from cisim.model.mechanisms.adaptation import adaptation
from cisim.model.mechanisms.community import community
from cisim.model.mechanisms.contribution import contribution
from cisim.model.mechanisms.entry_point import entry_point
from cisim.model.mechanisms.joint_work import joint_work
from cisim.model.mechanisms.membership import membership
from cisim.model.mechanisms.navigator import navigator
from cisim.model.mechanisms.setback_response import setback_response
from cisim.model.mechanisms.trust import trust
from cisim.model.mechanisms.turnover import turnover

#: The monthly schedule (ODD element 3).
SCHEDULE = (
    turnover,
    entry_point,
    contribution,
    joint_work,
    setback_response,
    trust,
    navigator,
    community,
    adaptation,
    membership,
)

__all__ = [
    "SCHEDULE",
    "adaptation",
    "community",
    "contribution",
    "entry_point",
    "joint_work",
    "membership",
    "navigator",
    "setback_response",
    "trust",
    "turnover",
]

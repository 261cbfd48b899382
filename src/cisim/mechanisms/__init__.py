"""The mechanisms of the ODD's process overview, one module each, in the order of the step.

Every mechanism is a function ``mechanism(state, params) -> None`` that reads and writes named
fields of a :class:`cisim.state.State` for all replicates at once.
"""

from cisim.mechanisms.adaptation import adaptation
from cisim.mechanisms.community import community
from cisim.mechanisms.contribution import contribution
from cisim.mechanisms.entry_point import entry_point
from cisim.mechanisms.joint_work import joint_work
from cisim.mechanisms.membership import membership
from cisim.mechanisms.navigator import navigator
from cisim.mechanisms.setback_response import setback_response
from cisim.mechanisms.trust import trust
from cisim.mechanisms.turnover import turnover

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

"""The mechanisms of the ODD's process overview, one module each, in the order of the step.

Each mechanism is one compiled function of one replicate row, ``mechanism(s, p, r, month, w)``:
``s`` the state's arrays (:class:`cisim.model.state.State`, as a tuple), ``p`` the parameters'
arrays (one value per row), ``r`` the row, ``month`` the month being stepped and ``w`` the row's
scratch and the month's masks and draws (:class:`cisim.model.compiled.Work`). It reads and writes
the state in place. Beside it, its module names

* its coefficients, once (the Mesa reference in ``benchmarks/`` reads them from there);
* ``READS`` and ``WRITES``: the state fields whose values it uses and those it may change, and
  ``PARAMETERS``: the scenario parameters it uses. A contract test holds every mechanism to them
  (``tests/model/mechanisms/test_contract.py``); every mechanism also uses the row's structure
  (``keys``, ``src``, ``dst``, ``rev``, ``exists``, ``status``, ``alive``) and the month's masks.

:func:`monthly_step` is the schedule (ODD element 3): one month of one row, the mechanisms called
in turn; the engine runs it on every row (:mod:`cisim.engine.step`). To add a mechanism, write its
module and call it there (``docs/extending.md``).
"""

from types import ModuleType
from typing import Any

from cisim.model.compiled import inline
from cisim.model.mechanisms import (
    adaptation,
    backbone,
    community,
    context,
    contribution,
    deliberation,
    entry_point,
    joint_work,
    membership,
    navigator,
    scale,
    setback_response,
    triangle,
    trust,
    turnover,
)


@inline
def monthly_step(s: Any, p: Any, r: int, month: int, w: Any) -> None:
    """One month of row ``r``: every mechanism in turn, in the ODD's order (element 3)."""
    context.context(s, p, r, month, w)
    turnover.turnover(s, p, r, month, w)
    backbone.backbone(s, p, r, month, w)
    scale.scale(s, p, r, month, w)
    entry_point.entry_point(s, p, r, month, w)
    contribution.contribution(s, p, r, month, w)
    deliberation.deliberation(s, p, r, month, w)
    joint_work.joint_work(s, p, r, month, w)
    setback_response.setback_response(s, p, r, month, w)
    trust.trust(s, p, r, month, w)
    navigator.navigator(s, p, r, month, w)
    community.community(s, p, r, month, w)
    triangle.triangle(s, p, r, month, w)
    adaptation.adaptation(s, p, r, month, w)
    membership.membership(s, p, r, month, w)


def _called_by(step: Any) -> tuple[Any, ...]:
    """The mechanisms ``step`` calls (``module.mechanism``), in the order it calls them."""
    found = []
    for name in step.py_func.__code__.co_names:
        module = globals().get(name)
        if isinstance(module, ModuleType) and hasattr(module, name):
            found.append(getattr(module, name))
    return tuple(found)


#: The mechanisms in the order :func:`monthly_step` calls them.
SCHEDULE: tuple[Any, ...] = _called_by(monthly_step)

__all__ = [
    "SCHEDULE",
    "adaptation",
    "backbone",
    "community",
    "context",
    "contribution",
    "deliberation",
    "entry_point",
    "joint_work",
    "membership",
    "monthly_step",
    "navigator",
    "scale",
    "setback_response",
    "triangle",
    "trust",
    "turnover",
]

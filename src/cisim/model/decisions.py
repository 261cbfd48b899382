"""The decision hook: an organisation's responses can come from outside the model.

Three arrays of the state (:class:`~cisim.model.state.State`), one value per organisation slot
of each replicate row, hold decisions made outside the model; the mechanisms read them:

* ``decide_response``: how the organisation meets a setback (:data:`MODEL`: the model's own
  draw, :data:`LEARN` or :data:`BLAME`), read by
  :mod:`~cisim.model.mechanisms.setback_response`;
* ``decide_target``: whom it blames when it blames (an organisation slot; :data:`NO_TARGET`: the
  partner the model chooses). Only a live partner can be blamed: a named organisation it has no
  live tie to leaves the model's choice;
* ``decide_effort``: the share of its capacity it puts in this month, in [0, 1], in place of
  the model's willingness (:data:`MODEL_EFFORT`: the model decides), read by
  :mod:`~cisim.model.mechanisms.contribution`.

A decision holds until it is changed or cleared (:func:`clear`). By default the model decides
everything, and a run is bit for bit what it was without the hook.

Whether an organisation meets a setback in a month does not depend on that month's responses:
the setback is found by joint work, which runs before the setback response in the month, and the
random numbers are keyed by seed, replicate, month and slot (common random numbers). So a month
can be previewed on a copy of the state (:func:`cisim.engine.preview_setbacks`) to learn who
meets a setback, the decisions asked for, and the real month run with them. The effort decided
then acts on the contributions of the following months (contribution runs before joint work).

Examples
--------
>>> from cisim.model.population import RunSpec, build_state
>>> from cisim.model.scenario import Scenario
>>> st, p = build_state([RunSpec(Scenario.preset("baseline"), 1, 0)])
>>> decide(st, 3, response="learn")  # organisation 3 always learns, in every row
>>> int(st.decide_response[0, 3])
1
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from cisim.errors import ConfigError
from cisim.model.state import BLAME, LEARN, MODEL, MODEL_EFFORT

__all__ = [
    "BLAME",
    "LEARN",
    "MODEL",
    "MODEL_EFFORT",
    "NO_TARGET",
    "RESPONSES",
    "clear",
    "decide",
]

#: The responses by name, as ``decide`` takes them (``"model"``: the model's own).
RESPONSES: dict[str, int] = {"model": MODEL, "learn": LEARN, "blame": BLAME}
NO_TARGET = -1
_FIELDS = ("decide_response", "decide_target", "decide_effort")


def decide(
    st: Any,
    org: int | Any,
    *,
    response: str | None = None,
    target: int | None = None,
    effort: float | None = None,
    rows: Any = None,
) -> None:
    """Set decisions of organisation(s) ``org`` in ``rows`` (default: every row) of ``st``.

    Parameters
    ----------
    st
        A :class:`~cisim.model.state.State` (changed in place).
    org
        An organisation slot, or an array of slots.
    response
        ``"learn"``, ``"blame"`` or ``"model"`` (the model's own draw); ``None`` leaves it.
    target
        The slot of the organisation it blames, ``-1`` for the model's choice; ``None`` leaves it.
    effort
        The share of its capacity it puts in, in [0, 1], ``-1`` for the model's; ``None`` leaves
        it.
    rows
        Replicate rows (an index, a slice or a mask); default: all.

    Raises
    ------
    ConfigError
        A response, target or effort out of range, or an organisation slot that does not exist.
    """
    where = (slice(None) if rows is None else rows, org)
    _check_slots(st, org, "org")
    if response is not None:
        if response not in RESPONSES:
            raise ConfigError("response", response, f"one of {', '.join(RESPONSES)}")
        st.decide_response[where] = RESPONSES[response]
    if target is not None:
        if target != NO_TARGET:
            _check_slots(st, target, "target")
        st.decide_target[where] = target
    if effort is not None:
        value = float(effort)
        if value != MODEL_EFFORT and not 0.0 <= value <= 1.0:
            raise ConfigError("effort", effort, "a share from 0 to 1 (or -1: the model decides)")
        st.decide_effort[where] = value


def clear(st: Any, org: int | Any | None = None, rows: Any = None) -> None:
    """Give decisions back to the model: of ``org`` (default: every organisation) in ``rows``."""
    where = (slice(None) if rows is None else rows, slice(None) if org is None else org)
    st.decide_response[where] = MODEL
    st.decide_target[where] = NO_TARGET
    st.decide_effort[where] = MODEL_EFFORT


def _check_slots(st: Any, org: Any, name: str) -> None:
    slots = np.asarray(org)
    if slots.dtype == np.bool_:
        return
    n = st.status.shape[1]
    if not np.issubdtype(slots.dtype, np.integer) or ((slots < 0) | (slots >= n)).any():
        raise ConfigError(name, org, f"an organisation slot from 0 to {n - 1}")


def decisions_of(st: Any) -> dict[str, NDArray[Any]]:
    """Copies of the three decision arrays, by field name."""
    return {name: getattr(st, name).copy() for name in _FIELDS}

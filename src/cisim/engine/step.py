"""Running the rows: each replicate row through all its months, compiled.

:func:`run_rows` runs each replicate row through all its months in turn, so that its organisations
and ties stay in the processor's cache: a month is :func:`cisim.model.mechanisms.monthly_step`
(into which numba inlines every mechanism: one piece of machine code), then the month's metrics
(:func:`cisim.model.metrics.measure_row`), which also find the masks the next month starts from.
"""

from __future__ import annotations

import types
from typing import Any

from cisim.model.compiled import inline, jit, jit_uncached
from cisim.model.mechanisms import SCHEDULE, monthly_step
from cisim.model.metrics import measure_row


@inline
def adjacency(src: Any, dst: Any, w: Any) -> None:
    """Each organisation's outgoing and incoming tie slots, in slot order (fixed for a run),
    into ``w``: organisation ``i``'s are ``out_slots[out_start[i]:out_start[i + 1]]``."""
    out_start, out_slots, in_start, in_slots, cursor = (
        w.out_start,
        w.out_slots,
        w.in_start,
        w.in_slots,
        w.cursor,
    )
    out_start[:] = 0
    in_start[:] = 0
    for e in range(src.shape[0]):
        out_start[src[e] + 1] += 1
        in_start[dst[e] + 1] += 1
    for i in range(cursor.shape[0]):
        out_start[i + 1] += out_start[i]
        in_start[i + 1] += in_start[i]
    for i in range(cursor.shape[0]):
        cursor[i] = out_start[i]
    for e in range(src.shape[0]):
        out_slots[cursor[src[e]]] = e
        cursor[src[e]] += 1
    for i in range(cursor.shape[0]):
        cursor[i] = in_start[i]
    for e in range(src.shape[0]):
        in_slots[cursor[dst[e]]] = e
        cursor[dst[e]] += 1


@jit
def run_rows(s: Any, p: Any, month: int, shocks: Any, pulses: Any, out: Any, w: Any) -> None:
    """Each row runs every month in turn, measuring as it goes.

    ``shocks[t, r]`` holds row ``r``'s normal draws of month ``month + 1 + t`` (outcome noise,
    setback salience), ``pulses[t, r]`` its timeline's changes of that month
    (:mod:`cisim.model.timeline`); ``out[r, t]`` receives its metrics of month ``month + t``.
    """
    months = shocks.shape[0]
    for r in range(s.status.shape[0]):
        adjacency(s.src[r], s.dst[r], w)
        for t in range(months + 1):
            if t > 0:
                w.shock[0] = shocks[t - 1, r, 0]
                w.shock[1] = shocks[t - 1, r, 1]
                for k in range(w.pulse.shape[0]):
                    w.pulse[k] = pulses[t - 1, r, k]
                monthly_step(s, p, r, month + t, w)
            measure_row(s, r, out[r, t], w)


@jit
def measure_rows(s: Any, out: Any, w: Any) -> None:
    """The metrics of every row, ``out[r]``."""
    for r in range(s.status.shape[0]):
        measure_row(s, r, out[r], w)


#: The mechanism a copy of :func:`_apply_each_row` calls: each copy (:func:`applier`) binds its own
#: in its globals, so numba compiles the mechanism into it as it would a module-level function.
mechanism: Any = None


def _apply_each_row(
    s: Any, p: Any, month: int, shocks: Any, pulses: Any, scratch: Any, w: Any
) -> None:
    """One mechanism on every row, from the masks of the row's current state (the template of
    :func:`applier`'s functions; not compiled itself)."""
    for r in range(s.status.shape[0]):
        adjacency(s.src[r], s.dst[r], w)
        measure_row(s, r, scratch, w)
        w.shock[0] = shocks[r, 0]
        w.shock[1] = shocks[r, 1]
        for k in range(w.pulse.shape[0]):
            w.pulse[k] = pulses[r, k]
        mechanism(s, p, r, month, w)


def _bind(bound: Any, name: str, compile_with: Any) -> Any:
    """:func:`_apply_each_row` calling ``bound``, named ``name``, compiled with ``compile_with``."""
    template = _apply_each_row
    namespace = {**template.__globals__, "mechanism": bound}
    func = types.FunctionType(template.__code__, namespace, name)
    func.__qualname__ = name  # numba's cache files are named after it
    func.__doc__ = f"{bound.__name__} on every row (:func:`applier`)."
    return compile_with(func)


#: The functions applying each mechanism of the schedule, compiled once and cached on disk like
#: the step (a function taking the mechanism as an argument could not be: numba would key its
#: cache on the mechanism's identity, which differs from one process to the next).
_SCHEDULED: dict[Any, Any] = {m: _bind(m, f"apply_{m.__name__}", jit) for m in SCHEDULE}
#: Those of other mechanisms (one's own, a test's), compiled in each process that applies them:
#: a cache named after a function's name would mistake one such function for another.
_OTHERS: dict[Any, Any] = {}


def applier(bound: Any) -> Any:
    """The compiled function ``f(s, p, month, shocks, pulses, scratch, w)`` that runs the
    mechanism ``bound`` on every row (see :func:`cisim.engine.apply`).

    Parameters
    ----------
    bound
        A compiled mechanism, ``mechanism(s, p, r, month, w)``.

    Returns
    -------
    Any
        Cached on disk for a mechanism of :data:`~cisim.model.mechanisms.SCHEDULE`; compiled
        anew in each process for any other.
    """
    found = _SCHEDULED.get(bound)
    if found is None:
        found = _OTHERS.get(bound)
    if found is None:
        found = _OTHERS[bound] = _bind(bound, f"apply_other_{bound.__name__}", jit_uncached)
    return found

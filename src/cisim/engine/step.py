"""Running the rows: each replicate row through all its months, compiled.

:func:`run_rows` runs each replicate row through all its months in turn, so that its organisations
and ties stay in the processor's cache: a month is :func:`cisim.model.mechanisms.monthly_step`
(into which numba inlines every mechanism: one piece of machine code), then the month's metrics
(:func:`cisim.model.metrics.measure_row`), which also find the masks the next month starts from.
"""

from __future__ import annotations

from typing import Any

from cisim.model.compiled import inline, jit, jit_uncached
from cisim.model.mechanisms import monthly_step
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


@jit_uncached
def apply_rows(
    mechanism: Any, s: Any, p: Any, month: int, shocks: Any, pulses: Any, scratch: Any, w: Any
) -> None:
    """One mechanism on every row, from the masks of the row's current state.

    Not cached: numba would key its cache on the mechanism's identity, which differs from one
    process to the next, and fill the cache with a copy per process.
    """
    for r in range(s.status.shape[0]):
        adjacency(s.src[r], s.dst[r], w)
        measure_row(s, r, scratch, w)
        w.shock[0] = shocks[r, 0]
        w.shock[1] = shocks[r, 1]
        for k in range(w.pulse.shape[0]):
            w.pulse[k] = pulses[r, k]
        mechanism(s, p, r, month, w)

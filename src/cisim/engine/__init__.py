"""The engine: the monthly step over a batch, and a run to the horizon with recording.

:func:`step` runs the compiled step (:mod:`cisim.engine.kernel`); :func:`step_arrays` runs the same
mechanisms as array code (:data:`cisim.model.mechanisms.SCHEDULE`), the readable specification the
compiled step is tested against, bit for bit.
"""

from __future__ import annotations

import numpy as np

from cisim.engine import kernel
from cisim.model.mechanisms import SCHEDULE
from cisim.model.metrics import REGISTRY, measure
from cisim.model.state import Params, State


def step(st: State, p: Params) -> None:
    """Advance every replicate in the batch by one month."""
    kernel.step(st, p)


def step_arrays(st: State, p: Params) -> None:
    """Advance every replicate by one month with the array implementation of the mechanisms."""
    st.month += 1
    for mechanism in SCHEDULE:
        mechanism(st, p)


def run(st: State, p: Params, months: int) -> dict[str, np.ndarray]:
    """Run ``months`` steps; return each metric as an array ``(months + 1, R)`` (month 0 first).

    Compiled: each replicate runs all its months in turn and records the metrics of
    :data:`cisim.model.metrics.REGISTRY` as it goes (:func:`cisim.engine.kernel.run`).
    """
    out = kernel.run(st, p, months)  # kernel.MEASURED is the registry's order (tested)
    return {name: out[k] for k, name in enumerate(kernel.MEASURED)}


def run_arrays(st: State, p: Params, months: int) -> dict[str, np.ndarray]:
    """:func:`run` with the array implementation of the mechanisms and metrics."""
    out = {name: np.empty((months + 1, st.replicates)) for name in REGISTRY}
    _record(out, 0, st)
    for t in range(1, months + 1):
        step_arrays(st, p)
        _record(out, t, st)
    return out


def _record(out: dict[str, np.ndarray], t: int, st: State) -> None:
    for name, values in measure(st).items():
        out[name][t] = values

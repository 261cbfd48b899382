"""The engine: the monthly step over a batch, and a run to the horizon with recording."""

from __future__ import annotations

import numpy as np

from cisim.mechanisms import SCHEDULE
from cisim.metrics import REGISTRY, measure
from cisim.state import Params, State


def step(st: State, p: Params) -> None:
    """Advance every replicate in the batch by one month."""
    st.month += 1
    for mechanism in SCHEDULE:
        mechanism(st, p)


def run(st: State, p: Params, months: int) -> dict[str, np.ndarray]:
    """Run ``months`` steps; return each metric as an array ``(months + 1, R)`` (month 0 first)."""
    out = {name: np.empty((months + 1, st.replicates)) for name in REGISTRY}
    _record(out, 0, st)
    for t in range(1, months + 1):
        step(st, p)
        _record(out, t, st)
    return out


def _record(out: dict[str, np.ndarray], t: int, st: State) -> None:
    for name, values in measure(st).items():
        out[name][t] = values

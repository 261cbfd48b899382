"""The engine: the monthly step over a batch of replicates, and a run to the horizon.

The state (:class:`~cisim.model.state.State`) and parameters (:class:`~cisim.model.state.Params`)
are plain arrays, one row per replicate; the compiled step (:mod:`cisim.engine.step`) runs the
mechanisms of :data:`cisim.model.mechanisms.SCHEDULE` on each row in turn. :func:`run` is what
:func:`cisim.simulate` and the sweeps call; :func:`step` advances one month (the Mesa face).
"""

from __future__ import annotations

import copy
from collections import namedtuple
from dataclasses import fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cisim.engine.step import applier, measure_rows, run_rows
from cisim.model.compiled import work
from cisim.model.metrics import REGISTRY
from cisim.model.parameters import SPECS
from cisim.model.state import PARAMETERS, Params, State
from cisim.model.streams import SHOCKS, normal
from cisim.model.timeline import N_PULSES

__all__ = [
    "apply",
    "measure",
    "param_arrays",
    "preview_setbacks",
    "run",
    "state_arrays",
    "step",
    "warm",
    "warm_apply",
]

_STATE_FIELDS = tuple(f.name for f in fields(State) if f.name not in ("month", "extra", "schedule"))

# Each state array's dtype, read off the annotations of State (numba compiles for these).
_ANNOTATED = {
    "F": np.float64,
    "I": np.int64,
    "B": np.bool_,
    "NDArray[np.int8]": np.int8,
    "NDArray[np.uint64]": np.uint64,
}
_DTYPES: dict[str, Any] = {
    f.name: _ANNOTATED[str(f.type)] for f in fields(State) if f.name in _STATE_FIELDS
}

#: The arrays of a :class:`~cisim.model.state.State`, as the compiled code sees them.
StateArrays = namedtuple("StateArrays", _STATE_FIELDS)  # type: ignore[misc]


def run(st: State, p: Params, months: int) -> dict[str, np.ndarray]:
    """Run ``months`` steps; return each metric as an array ``(months + 1, R)`` (month 0 first).

    Each replicate runs all its months in turn and records the metrics of
    :data:`cisim.model.metrics.REGISTRY` as it goes. The rows' timelines (``st.schedule``) act as
    the months come: a lever an event sets changes ``p`` in place before the step of its month
    (``p`` is part of the run's state), a shock or trait change is handed to that month's step.
    """
    first = st.month
    shocks = np.empty((months, st.replicates, len(SHOCKS)))
    for t in range(months):
        for k, stream in enumerate(SHOCKS):
            shocks[t, :, k] = normal(st.keys, stream, first + 1 + t)
    pulses = np.zeros((months, st.replicates, N_PULSES))
    changes: list[int] = []
    if st.schedule is not None:
        st.schedule.fill_pulses(pulses, first)
        changes = st.schedule.lever_months(first, first + months)
    # each row writes its metrics contiguously (row, month, metric); the caller gets them as
    # one contiguous (month, row) table per metric
    out = np.empty((st.replicates, months + 1, len(REGISTRY)))
    w = work(st.slots, st.src.shape[1])
    s, arrays = state_arrays(st), param_arrays(p)
    start = first  # runs stop before each month whose step a lever changes, and set it
    for stop in [*changes, first + months + 1]:
        a, b = start - first, stop - 1 - first  # months start to stop - 1 measured
        whole = (a, b) == (0, months)
        part = out if whole else np.empty((st.replicates, b - a + 1, len(REGISTRY)))
        run_rows(s, arrays, start, shocks[a:b], pulses[a:b], part, w)
        if not whole:
            out[:, a : b + 1] = part
        if stop <= first + months:
            st.schedule.set_levers(arrays, stop)  # type: ignore[union-attr]
            start = stop - 1
    _keep_levers(p, arrays)
    st.month = first + months
    tables = np.ascontiguousarray(out.transpose(2, 1, 0))
    return {name: tables[k] for k, name in enumerate(REGISTRY)}


def _keep_levers(p: Params, arrays: Any) -> None:
    """Copy levers set on converted parameter arrays back to ``p`` (a no-op when ``p``'s arrays
    already had the compiled step's dtypes, as :func:`~cisim.model.population.build_params`
    makes them)."""
    for given, used in zip(p, arrays, strict=True):
        if given is not used:
            given[...] = used


def step(st: State, p: Params) -> None:
    """Advance every replicate in the batch by one month."""
    run(st, p, 1)


def apply(
    mechanism: Any,
    st: State,
    p: Params,
    *,
    month: int | None = None,
    shocks: tuple[float, float] | None = None,
    pulses: Any = None,
) -> None:
    """Run one mechanism on every row of ``st`` (the state changes in place; its month does not).

    The mechanism sees what the step would give it: the masks of the state as it is (active
    members, live ties) and the month's normal draws (outcome noise, setback salience). For tests
    and exploration: a hand-made state of two or three organisations, one mechanism, and a look
    at what it changed.

    Parameters
    ----------
    mechanism
        A mechanism of :mod:`cisim.model.mechanisms` (or one of your own with its signature).
        Applying one of :data:`~cisim.model.mechanisms.SCHEDULE` is compiled once and cached on
        disk with the step; applying any other is compiled once in each process
        (:func:`cisim.engine.step.applier`).
    st, p
        The state and parameters of a batch (:func:`cisim.model.population.build_state`).
    month
        The month being stepped (default: the next, ``st.month + 1``).
    shocks
        The month's two standard normal draws for every row (outcome noise, setback salience);
        default: those of the month's streams.
    pulses
        The month's changes from a timeline for every row (``N_PULSES`` numbers, channels of
        :mod:`cisim.model.timeline`); default: none.
    """
    month = st.month + 1 if month is None else month
    draws = np.empty((st.replicates, len(SHOCKS)))
    if shocks is None:
        for k, stream in enumerate(SHOCKS):
            draws[:, k] = normal(st.keys, stream, month)
    else:
        draws[:] = shocks
    scratch = np.empty(len(REGISTRY))
    w = work(st.slots, st.src.shape[1])
    changes = np.zeros((st.replicates, N_PULSES))
    if pulses is not None:
        changes[:] = pulses
    apply_rows = applier(mechanism)
    apply_rows(state_arrays(st), param_arrays(p), month, draws, changes, scratch, w)


def measure(st: State) -> dict[str, np.ndarray]:
    """Every metric of every row, ``(R,)`` each."""
    out = np.empty((st.replicates, len(REGISTRY)))
    measure_rows(state_arrays(st), out, work(st.slots, st.src.shape[1]))
    return {name: out[:, k].copy() for k, name in enumerate(REGISTRY)}


def state_arrays(st: State) -> Any:
    """The state's arrays as a :data:`StateArrays`, each C-contiguous with its canonical dtype.

    A field that is not (a view, another dtype) is replaced on ``st`` by a converted copy first,
    so the compiled code's writes land in the state.
    """
    values = []
    for name in _STATE_FIELDS:
        value = getattr(st, name)
        arr = np.ascontiguousarray(value, dtype=_DTYPES[name])
        if arr is not value:
            setattr(st, name, arr)
        values.append(arr)
    return StateArrays(*values)


def param_arrays(p: Params) -> Any:
    """The parameters with each array C-contiguous in its parameter's dtype."""
    return Params(
        *(np.ascontiguousarray(a, SPECS[n].dtype) for n, a in zip(PARAMETERS, p, strict=True))
    )


def warm() -> None:
    """Compile the step, the run and the metrics now (or load them from numba's cache).

    ``./dev`` calls this after installing, so that tests and worker processes start with the
    compiled code on disk instead of compiling it each (about half a minute).
    """
    from cisim.model.population import RunSpec, build_state
    from cisim.model.scenario import Scenario

    st, p = build_state([RunSpec(Scenario.preset("baseline"), 0, 0)])
    run(st, p, 1)
    measure(st)


def warm_apply() -> None:
    """Compile :func:`apply` for every mechanism of the schedule now (or load it from the cache).

    ``./dev`` runs this beside :func:`warm`, in a second process while the first compiles the
    step on one core, so that the tests of the mechanisms start with them on disk (some 5 s of CPU
    each to compile).
    """
    from cisim.model.mechanisms import SCHEDULE
    from cisim.model.population import RunSpec, build_state
    from cisim.model.scenario import Scenario

    st, p = build_state([RunSpec(Scenario.preset("baseline"), 0, 0)])
    for mechanism in SCHEDULE:
        apply(mechanism, st, p)


def preview_setbacks(st: Any, p: Any) -> NDArray[np.bool_]:
    """Who meets a setback in the coming month, ``(R, N)``: the active members of rows whose
    month ends in a setback, found by running the month on a copy (``st`` and ``p`` unchanged).

    Exact whatever the month's responses are (they come after the setback in the month) as long
    as the decisions that act before it (effort) are set as they will be for the real month.
    """
    trial, params = copy.deepcopy(st), copy.deepcopy(p)
    members = trial.active.copy()
    run(trial, params, 1)
    return np.asarray(members & trial.setback_now[:, None])

"""Memory before it is spent: a batch of runs is sized to what the machine has free.

One replicate's state is built first and measured (the sum of its arrays' bytes, plus its monthly
trajectories and a margin for the engine's temporaries). Batches then hold at most as many runs
as fit in the memory budget (:func:`budget`); a scenario of which one replicate alone does not
fit is refused with one line instead of being left to the kernel's out-of-memory killer. Results
do not depend on the batch size, so sizing batches changes no number.
"""

from __future__ import annotations

import os
from dataclasses import fields, is_dataclass
from typing import Any

import numpy as np

from cisim.errors import ConfigError

#: The engine's temporaries, as a multiple of the state (measured margin, not a bound).
OVERHEAD = 3.0
#: Metrics kept per month (an upper bound on the trajectory columns).
_METRICS = 64
#: Bytes a sweep's setup holds per design point at its peak (the design table, each point's values
#: and its digest): 402 measured with ``tracemalloc`` for a factorial of 125,000 points and three
#: factors; doubled for what ``tracemalloc`` does not see (the allocator's slack, pandas' copies).
DESIGN_BYTES_PER_POINT = 800
#: ... and per factor of each point (a column's cell, its Python value and its share of the digest).
DESIGN_BYTES_PER_CELL = 64


def budget() -> int:
    """Bytes a simulation may use: half the memory now available (at least 256 MB), or
    ``CISIM_MEMORY_BUDGET`` (bytes) when set."""
    given = os.environ.get("CISIM_MEMORY_BUDGET")
    if given and given.isdigit():
        return int(given)
    try:
        free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        free = 8 << 30
    return max(256 << 20, free // 2)


def state_bytes(state: Any) -> int:
    """The bytes held by the arrays of a state (a dataclass of arrays)."""
    if not is_dataclass(state):
        return 0
    arrays = (getattr(state, f.name) for f in fields(state))
    return sum(a.nbytes for a in arrays if isinstance(a, np.ndarray))


def fitting_batch(one_replicate_state: Any, horizon: int, batch_size: int) -> int:
    """The batch size that fits the budget, given one replicate's state; :class:`ConfigError`
    if a single replicate does not fit."""
    per_run = int(state_bytes(one_replicate_state) * OVERHEAD) + (horizon + 1) * _METRICS * 8
    limit = budget()
    if per_run > limit:
        raise ConfigError(
            "n_organisations",
            f"{per_run / 1e6:,.0f} MB per replicate",
            f"a collaboration whose replicate fits in {limit / 1e6:,.0f} MB (half the memory "
            "free now); use fewer organisations or a lower mean_degree, or set "
            "CISIM_MEMORY_BUDGET",
        )
    return max(1, min(batch_size, limit // max(per_run, 1)))


def check_design(points: int, factors: int) -> None:
    """Refuse, before anything is built, a design whose table would not fit the budget.

    Raises
    ------
    ConfigError
        If ``points`` design points of ``factors`` factors need more than :func:`budget`.
    """
    need = points * (DESIGN_BYTES_PER_POINT + DESIGN_BYTES_PER_CELL * factors)
    limit = budget()
    if need > limit:
        raise ConfigError(
            "design",
            f"{points:,} points (about {need / 1e6:,.0f} MB to set up)",
            f"a design whose table fits in {limit / 1e6:,.0f} MB (half the memory free now); use "
            "fewer levels or samples, or set CISIM_MEMORY_BUDGET",
        )


def batch_for(spec: Any, horizon: int, batch_size: int) -> int:
    """The batch size that fits the budget for runs like ``spec`` (a
    :class:`~cisim.model.population.RunSpec`): its state is built once and measured."""
    from cisim.model.population import build_state

    probe, _ = build_state([spec])
    return fitting_batch(probe, horizon, batch_size)

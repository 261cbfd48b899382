"""Shared test helpers: tiny hand-made states.

``make_state`` builds a state of two or three organisations through the real initialisation
(:func:`cisim.model.population.build_state`), so every field has a valid shape and dtype, on a
scenario chosen to be *plain*: everyone is tied to everyone (``network="complete"``), no
candidates, no dormant ties, no trait or trust spread (every trust is ``initial_trust``, every
trait its mean), no turnover and no exits or joins. A test then sets the fields its behaviour
needs directly and runs one mechanism on it with :func:`cisim.engine.apply`, which hands the
mechanism what the monthly step would (the masks of the state as it is, the month's draws)::

    st, p = make_state(n=3, initial_trust=0.5)
    st.trust[0, tie(st, 0, 1)] = 0.9  # org 0's trust in org 1
    engine.apply(turnover, st, p, month=1)

``tie(st, i, j)`` is the slot of the directed tie ``i -> j`` (the same slot in every row). A
parameter of the batch is changed in place (``p.data_use[:] = 0.9``) or by ``p._replace(...)``.

Tests that call :func:`cisim.engine.apply` compile each mechanism they apply (some 5 s each; a
mechanism of the schedule once, then numba's cache has it): they are marked
``pytest.mark.xdist_group("mechanisms")`` so that one pytest-xdist worker compiles them while the
others run the rest of the suite (``--dist loadgroup``). :func:`pytest_collection_modifyitems`
makes that mark work under pytest 9.2, where pytest-xdist 3.8's own renaming is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from cisim.model.population import RunSpec, build_state
from cisim.model.scenario import Scenario
from cisim.model.state import Params, State

#: The plain scenario of a hand-made state (any of it can be overridden).
PLAIN: dict[str, Any] = {
    "candidate_share": 0.0,
    "network": "complete",
    "dormant_ties": 0.0,
    "trait_spread": 0.0,
    "trust_spread": 0.0,
    "prior_ties": 0.0,
    "turnover": 0.0,
    "exit_base_rate": 0.0,
    "join_base_rate": 0.0,
    "horizon_months": 12,
}


def tiny_scenario(n: int = 3, **overrides: Any) -> Scenario:
    """A plain scenario of ``n`` organisations with some parameters overridden."""
    return Scenario(**{**PLAIN, "n_organisations": n, **overrides})


def build(n: int = 3, replicates: int = 1, seed: int = 0, **overrides: Any) -> tuple[State, Params]:
    """State and parameters of ``replicates`` rows of the plain scenario (replicates 0, 1, ...)."""
    sc = tiny_scenario(n, **overrides)
    return build_state([RunSpec(sc, seed, k) for k in range(replicates)])


def tie_slot(st: State, i: int, j: int, row: int = 0) -> int:
    """Slot of the directed tie ``i -> j`` in ``row`` (raises if there is none)."""
    hit = np.flatnonzero(st.exists[row] & (st.src[row] == i) & (st.dst[row] == j))
    if len(hit) != 1:
        raise LookupError(f"no tie {i} -> {j} in row {row}")
    return int(hit[0])


@pytest.fixture
def make_state() -> Callable[..., tuple[State, Params]]:
    """``make_state(n=3, replicates=1, seed=0, **scenario_overrides) -> (state, params)``."""
    return build


@pytest.fixture
def tie() -> Callable[..., int]:
    """``tie(st, i, j, row=0)``: the slot of the directed tie ``i -> j``."""
    return tie_slot


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Name each test marked ``xdist_group`` as pytest-xdist's ``--dist loadgroup`` expects.

    pytest-xdist groups tests by a suffix ``@group`` of their node ids, which it adds by setting
    ``item._nodeid``; pytest 9.2 keeps node ids elsewhere (``item._id``), so the suffix is lost and
    a group's tests are spread over the workers (each compiling what the group shares). Here the
    suffix is added where it is missing, the same way xdist names it.

    The tests marked ``slow`` are moved to the front first (each keeping its place among them):
    xdist hands tests out in collection order, and a test of two minutes handed out last keeps one
    worker busy while the other has nothing left to do.
    """
    if not getattr(config.option, "loadgroup", False):
        return
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable
    for item in items:
        names = {
            str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
            for mark in item.iter_markers("xdist_group")
        }
        suffix = "@" + "_".join(sorted(names))
        if names and not item.nodeid.endswith(suffix):
            _rename(item, item.nodeid + suffix)


def _rename(item: pytest.Item, nodeid: str) -> None:
    """Give ``item`` the node id ``nodeid`` (pytest 9.2's private structure of node ids)."""
    from _pytest.nodeid import NodeId  # only reached on a pytest that has it

    item._id = NodeId.parse(nodeid)  # type: ignore[attr-defined]

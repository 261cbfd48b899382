"""Running a field: its cities as engine batches, coupled by the platform every few months.

The cities are split into shards (contiguous blocks of cities, each one engine batch). Each shard
runs ``step_months`` months (:func:`cisim.engine.run`, which can be called again: the state's
month advances); then the shards report a few numbers per city, the platform steps on the
field-wide arrays (:func:`cisim.field.coupling.platform_step`), and each shard takes its cities'
new values. A city's run does not depend on which shard holds it, and the platform's draws are
keyed by the field's seed and the step, so a field gives the same result however it is split and
whatever runs the shards (threads here: the compiled step releases the GIL).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cisim.engine import run
from cisim.field.cities import Field, build_cities
from cisim.field.coupling import (
    Broadcast,
    Cities,
    PlatformState,
    Summary,
    draw_cities,
    good_practice,
    platform_step,
)
from cisim.field.platform import Platform
from cisim.model.state import Params, State

#: The metrics a field keeps for each city: what its regime and outcomes are read from.
KEPT: tuple[str, ...] = ("progress", "learning_responses", "blame_responses", "running",
                         "entry_found", "wins", "mean_trust", "knowledge")  # fmt: skip


@dataclass
class Shard:
    """One engine batch of the field: the cities ``rows`` and their state."""

    rows: NDArray[np.int64]
    st: State
    p: Params
    chunks: list[dict[str, NDArray[np.float64]]]

    def advance(self, months: int) -> None:
        """Run ``months`` months; keep the metrics of :data:`KEPT`."""
        out = run(self.st, self.p, months)
        first = not self.chunks
        self.chunks.append({k: out[k] if first else out[k][1:] for k in KEPT})

    def trajectories(self) -> dict[str, NDArray[np.float64]]:
        return {k: np.concatenate([c[k] for c in self.chunks]) for k in KEPT}


@dataclass
class FieldRun:
    """A field's run, as it ends: every city's trajectories and the platform's record."""

    trajectories: dict[str, NDArray[np.float64]]  # metric -> (months + 1, M)
    final: Summary
    cities: Cities
    platform: PlatformState
    record: list[dict[str, float]]


def shard_rows(m: int, shards: int) -> list[NDArray[np.int64]]:
    """Contiguous blocks of cities, as even as can be."""
    return [b for b in np.array_split(np.arange(m, dtype=np.int64), max(1, min(shards, m)))]


def summarise(shards: list[Shard], months_since: int) -> Summary:
    """The field-wide report: each shard's cities, in city order."""

    def gather(get: Any) -> NDArray[Any]:
        return np.concatenate([np.asarray(get(s)) for s in shards])

    return Summary(
        wins=gather(lambda s: s.st.wins),
        reviews=gather(lambda s: months_since / s.p.review_months),
        alive=gather(lambda s: s.st.alive),
        entry_found=gather(lambda s: s.st.entry_found),
        entry_month=gather(lambda s: s.st.entry_month),
        entry_fit=gather(lambda s: s.st.entry_fit),
        entry_acceptance=gather(lambda s: s.st.entry_acceptance),
        entry_imposed=gather(lambda s: s.st.entry_imposed),
        knowledge=gather(lambda s: s.st.knowledge),
        operational_capacity=gather(lambda s: s.st.operational_capacity),
        task_scope=gather(lambda s: s.st.task_scope),
        progress=gather(lambda s: s.st.progress),
        data_use=gather(lambda s: s.p.data_use),
        joint_problem_solving=gather(lambda s: s.p.joint_problem_solving),
        navigator=gather(lambda s: s.p.navigator),
        navigator_capacity=gather(lambda s: s.p.navigator_capacity),
    )


def apply(shard: Shard, out: Broadcast) -> None:
    """Write the new values of the shard's changed cities into its state and parameters."""
    changed = out.changed[shard.rows]
    if not changed.any():
        return
    local = np.flatnonzero(changed)
    cities = shard.rows[local]
    for name, values in out.state.items():
        getattr(shard.st, name)[local] = values[cities]
    for name, values in out.params.items():
        getattr(shard.p, name)[local] = values[cities]


def run_field(fld: Field, platform: Platform, *, shards: int = 1, workers: int = 1) -> FieldRun:
    """Run ``fld`` under ``platform``: the shards in turn (or on ``workers`` threads)."""
    m, horizon, k = fld.size, fld.horizon, platform.step_months
    parts = [Shard(rows, *build_cities(fld, rows), []) for rows in shard_rows(m, shards)]
    cities = draw_cities(fld.seed, m, platform)
    ps = PlatformState.start(platform, m)
    record: list[dict[str, float]] = []
    month, step = 0, 0
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        while month < horizon:
            months = min(k, horizon - month)
            list(pool.map(Shard.advance, parts, [months] * len(parts)))
            month += months
            if month >= horizon:
                break
            sm = summarise(parts, months)
            record.append(_record(month, ps, sm))
            if platform.budget == 0.0:  # no platform: the cities run as uncoupled runs
                continue
            step += 1
            out = platform_step(ps, sm, cities, platform, fld.seed, step, month)
            for s in parts:
                apply(s, out)
    tables = [s.trajectories() for s in parts]
    trajectories = {key: np.concatenate([t[key] for t in tables], axis=1) for key in tables[0]}
    return FieldRun(trajectories, summarise(parts, k), cities, ps, record)


def _record(month: int, ps: PlatformState, sm: Summary) -> dict[str, float]:
    """The platform's state and the field's practice at a step."""
    return {
        "month": float(month),
        "knowledge_base": ps.knowledge,
        "programme_context": ps.context,
        "spent": ps.spent,
        "trust_in_platform": float(ps.trust.mean()),
        "adopted_share": float((ps.adopted > 0).mean()),
        "good_practice_share": float(good_practice(sm).mean()),
        "mean_data_use": float(sm.data_use.mean()),
    }

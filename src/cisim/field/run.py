"""Running a field: its cities as engine batches, coupled by the platform every few months.

The cities are split into shards (contiguous blocks of cities, each one engine batch). Each shard
runs ``step_months`` months (:func:`cisim.engine.run`, which can be called again: the state's
month advances); then the shards report a few numbers per city, the platform steps on the
field-wide arrays (:func:`cisim.field.coupling.platform_step`), and each shard takes its cities'
new values. A city's run does not depend on which shard holds it, and the platform's draws are
keyed by the field's seed and the step, so a field gives the same result however it is split and
whatever runs the shards (threads here: the compiled step releases the GIL).

Given a directory (``write_to``), each shard writes its own cities' rows of the outcome table
there at the end (:class:`ShardOut`, :func:`cisim.field.shards.write_shard`), where it runs: on a
worker process or a Dask worker, the parent receives only the file's name, digest and row count.
"""

from __future__ import annotations

import contextlib
import dataclasses
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from cisim.engine import run
from cisim.errors import ConfigError
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
from cisim.field.shards import ShardOut, shard_file, write_shard
from cisim.model.regimes import Thresholds, classify
from cisim.model.scenario import Scenario
from cisim.model.state import Params, State

#: What a run gathers from its shards at the end (see :func:`run_field`).
KEEP: tuple[str, ...] = ("trajectories", "outcomes")

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
    #: Per coupling period: bytes of the cities' reports (up) and of the step's new values (down).
    traffic: list[tuple[int, int]] = dataclasses.field(default_factory=list)
    #: With ``keep="outcomes"``: each city's regime, final progress and wins (read on the shard),
    #: and ``trajectories`` is empty.
    outcomes: dict[str, NDArray[Any]] | None = None
    #: With ``write_to``: each shard's file (its name), SHA-256 and rows, in shard order.
    written: list[tuple[str, str, int]] = dataclasses.field(default_factory=list)


def finish_shard(
    shard: Shard, scenarios: list[Scenario], months_since: int, keep: str, out: ShardOut | None
) -> tuple[dict[str, NDArray[Any]], dict[str, NDArray[Any]], tuple[str, str, int] | None]:
    """A shard's end, where it runs: its final report, its trajectories or (``keep="outcomes"``)
    its outcomes, and (given ``out``) the file it wrote: name, SHA-256, rows."""
    final = report(shard, months_since)
    kept = outcomes(shard, scenarios) if keep == "outcomes" or out is not None else None
    written = None
    if out is not None:
        assert kept is not None
        written = write_shard(out, kept, final)
    if keep == "outcomes":
        assert kept is not None
        return final, kept, written
    return final, shard.trajectories(), written


def shard_rows(m: int, shards: int) -> list[NDArray[np.int64]]:
    """Contiguous blocks of cities, as even as can be."""
    return [b for b in np.array_split(np.arange(m, dtype=np.int64), max(1, min(shards, m)))]


#: The numbers each city reports at a step (the fields of :class:`Summary`), read from its shard.
_REPORT_STATE: tuple[str, ...] = ("wins", "alive", "entry_found", "entry_month", "entry_fit",
                                  "entry_acceptance", "entry_imposed", "knowledge",
                                  "operational_capacity", "task_scope", "progress")  # fmt: skip
_REPORT_PARAMS: tuple[str, ...] = ("data_use", "joint_problem_solving", "navigator",
                                   "navigator_capacity")  # fmt: skip


def report(shard: Shard, months_since: int) -> dict[str, NDArray[Any]]:
    """The shard's cities' report at a step (copies: a report may travel to another process)."""
    out = {name: np.array(getattr(shard.st, name)) for name in _REPORT_STATE}
    out.update({name: np.array(getattr(shard.p, name)) for name in _REPORT_PARAMS})
    out["reviews"] = np.asarray(months_since / shard.p.review_months, dtype=np.float64)
    out["reviews"] = np.broadcast_to(out["reviews"], shard.rows.shape).copy()
    return out


def outcomes(shard: Shard, scenarios: list[Scenario]) -> dict[str, NDArray[Any]]:
    """Each of the shard's cities' regime (the collaboration's rule, ODD §8, which reads each
    city's own trajectories), final progress and wins: what a field's result needs of them."""
    traj = shard.trajectories()
    return {
        "regime": classify(traj, Thresholds.of_runs(scenarios)),
        "final_progress": traj["progress"][-1],
        "wins": traj["wins"][-1],
    }


def combine(reports: list[dict[str, NDArray[Any]]]) -> Summary:
    """The field-wide report: each shard's cities, in city order."""
    return Summary(**{k: np.concatenate([r[k] for r in reports]) for k in reports[0]})


def summarise(shards: list[Shard], months_since: int) -> Summary:
    """The field-wide report of shards held here."""
    return combine([report(s, months_since) for s in shards])


def portion(out: Broadcast, rows: NDArray[np.int64]) -> Portion | None:
    """What a step changes in the cities ``rows``: their local indices and new values."""
    changed = out.changed[rows]
    if not changed.any():
        return None
    local = np.flatnonzero(changed)
    cities = rows[local]
    return Portion(
        local,
        {name: values[cities] for name, values in out.state.items()},
        {name: values[cities] for name, values in out.params.items()},
    )


@dataclass
class Portion:
    """A shard's part of a :class:`Broadcast`: the changed cities (local rows), new values."""

    local: NDArray[np.int64]
    state: dict[str, NDArray[Any]]
    params: dict[str, NDArray[Any]]

    @property
    def nbytes(self) -> int:
        arrays = [self.local, *self.state.values(), *self.params.values()]
        return int(sum(a.nbytes for a in arrays))


def take(shard: Shard, part: Portion) -> None:
    """Write a portion's new values into the shard's state and parameters."""
    for name, values in part.state.items():
        getattr(shard.st, name)[part.local] = values
    for name, values in part.params.items():
        getattr(shard.p, name)[part.local] = values


def apply(shard: Shard, out: Broadcast) -> None:
    """Write the new values of the shard's changed cities into its state and parameters."""
    part = portion(out, shard.rows)
    if part is not None:
        take(shard, part)


def run_field(
    fld: Field,
    platform: Platform,
    *,
    shards: int = 1,
    workers: int = 1,
    hosts: Hosts | None = None,
    keep: str = "trajectories",
    write_to: str | None = None,
    columns: dict[str, NDArray[Any]] | None = None,
) -> FieldRun:
    """Run ``fld`` under ``platform``: the shards in turn, on ``workers`` threads, or on
    ``hosts`` (worker processes or Dask workers that hold the shards, :mod:`cisim.field.hosts`).

    ``keep="trajectories"`` gathers every city's trajectories (8 metrics a city-month);
    ``keep="outcomes"`` only each city's regime, final progress and wins, read on the shards
    (:func:`outcomes`), so nothing of size months x cities reaches this process.

    ``write_to`` (a directory the shards can write) has each shard write its cities' outcome
    table there (:func:`shard_file`), with the field-wide ``columns`` (one value a city) beside
    what the run gives; :attr:`FieldRun.written` lists the files.
    """
    if keep not in KEEP:
        raise ConfigError("keep", keep, "one of " + ", ".join(KEEP))
    m, horizon, k = fld.size, fld.horizon, platform.step_months
    rows = shard_rows(m, shards)
    cities = draw_cities(fld.seed, m, platform)
    ps = PlatformState.start(platform, m)
    record: list[dict[str, float]] = []
    traffic: list[tuple[int, int]] = []
    month, step = 0, 0
    with contextlib.ExitStack() as stack:
        if hosts is None:
            pool = stack.enter_context(ThreadPoolExecutor(max_workers=max(1, workers)))
            hosts = LocalHosts(pool)
        held = hosts.hold(fld, rows)
        stack.callback(hosts.release, held)
        while month < horizon:
            months = min(k, horizon - month)
            month += months
            last = month >= horizon
            reports = hosts.advance(held, months, None if last else months)
            if last:
                break
            sm = combine(reports)
            record.append(_record(month, ps, sm))
            up = sum(int(a.nbytes) for r in reports for a in r.values())
            if platform.budget == 0.0:  # no platform: the cities run as uncoupled runs
                traffic.append((up, 0))
                continue
            step += 1
            out = platform_step(ps, sm, cities, platform, fld.seed, step, month)
            parts = [portion(out, r) for r in rows]
            hosts.take(held, parts)
            traffic.append((up, sum(p.nbytes for p in parts if p is not None)))
        outs = None if write_to is None else _outs(write_to, rows, columns or {}, ps, cities)
        final, tables, written = hosts.finish(held, k, keep, outs)
    files = [w for w in written if w is not None]
    if keep == "outcomes":
        kept = {key: np.concatenate([t[key] for t in tables]) for key in tables[0]}
        return FieldRun({}, combine(final), cities, ps, record, traffic, kept, files)
    trajectories = {key: np.concatenate([t[key] for t in tables], axis=1) for key in tables[0]}
    return FieldRun(trajectories, combine(final), cities, ps, record, traffic, None, files)


def _outs(
    directory: str,
    rows: list[NDArray[np.int64]],
    columns: dict[str, NDArray[Any]],
    ps: PlatformState,
    cities: Cities,
) -> list[ShardOut | None]:
    """Each shard's :class:`ShardOut`: its file, and the parent's columns for its cities."""
    import os

    wide = {
        **columns,
        "context": cities.context,
        "not_invented_here": cities.nih,
        "programmes_adopted": ps.adopted,
        "programmes_failed": ps.failed,
        "trust_in_platform": ps.trust,
    }
    return [
        ShardOut(
            os.path.join(directory, shard_file(r)),
            {"city": r, **{name: np.asarray(values)[r] for name, values in wide.items()}},
        )
        for r in rows
    ]


Reports = list[dict[str, NDArray[Any]]]
Tables = list[dict[str, NDArray[Any]]]


class Hosts(Protocol):
    """Where a field's shards are held and run (see :mod:`cisim.field.hosts`)."""

    def hold(self, fld: Field, rows: list[NDArray[np.int64]]) -> list[Any]: ...

    def advance(
        self, held: list[Any], months: int, report_after: int | None
    ) -> list[dict[str, NDArray[Any]]]: ...

    def take(self, held: list[Any], parts: list[Portion | None]) -> None: ...

    def finish(
        self,
        held: list[Any],
        months_since: int,
        keep: str,
        outs: list[ShardOut | None] | None = None,
    ) -> tuple[Reports, Tables, list[tuple[str, str, int] | None]]: ...

    def release(self, held: list[Any]) -> None: ...


class LocalHosts:
    """Shards held in this process, run on a thread pool (the compiled step releases the GIL)."""

    def __init__(self, pool: ThreadPoolExecutor) -> None:
        self.pool = pool

    def hold(self, fld: Field, rows: list[NDArray[np.int64]]) -> list[Shard]:
        self.scenarios = fld.scenarios()
        return [Shard(r, *build_cities(fld, r), []) for r in rows]

    def advance(
        self, held: list[Shard], months: int, report_after: int | None
    ) -> list[dict[str, NDArray[Any]]]:
        list(self.pool.map(Shard.advance, held, [months] * len(held)))
        return [] if report_after is None else [report(s, report_after) for s in held]

    def take(self, held: list[Shard], parts: list[Portion | None]) -> None:
        for s, part in zip(held, parts, strict=True):
            if part is not None:
                take(s, part)

    def finish(
        self,
        held: list[Shard],
        months_since: int,
        keep: str,
        outs: list[ShardOut | None] | None = None,
    ) -> tuple[Reports, Tables, list[tuple[str, str, int] | None]]:
        """Each shard's end (:func:`finish_shard`), on the pool: a shard writes its own file."""

        def end(s: Shard, out: ShardOut | None) -> Any:
            scenarios = [self.scenarios[int(r)] for r in s.rows]
            return finish_shard(s, scenarios, months_since, keep, out)

        ends = list(self.pool.map(end, held, outs or [None] * len(held)))
        return [e[0] for e in ends], [e[1] for e in ends], [e[2] for e in ends]

    def release(self, held: list[Shard]) -> None:
        held.clear()


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

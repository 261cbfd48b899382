"""Where a field's shards live: worker processes or Dask workers that hold them for the whole run.

A shard is built where it runs (only the field's description and its rows travel there) and stays
there across coupling periods: each period moves only the cities' reports to the platform (about
20 numbers a city, :func:`cisim.field.run.report`) and the step's new values for the cities it
changed back (:class:`cisim.field.run.Portion`); at the end each shard sends its trajectories
(or its cities' outcomes) and its final report, and, when the run writes a results directory,
writes its own cities' outcome file there and sends only its name and digest
(:class:`cisim.field.run.ShardOut`). What a shard computes does not depend on where it runs,
so a field gives the same result on threads, on worker processes and on a Dask cluster, whatever
the number of workers (``tests/field/test_field_hosts.py``).

- :class:`ProcessHosts`: ``workers`` processes of this machine (started with ``spawn``; each
  never outlives its parent), shards dealt to them in turn.
- :class:`DaskHosts`: a Dask actor per shard (:class:`ShardActor`), placed on the cluster's
  workers in turn; :func:`dask_hosts` connects to a scheduler's address or starts a
  ``LocalCluster`` of worker processes (``"local"``), as ``cisim sweep --dask`` does.

A shard's state lives only on its worker: a field does not survive the loss of a worker (the run
stops with Dask's error; run it again). Unlike a sweep's tasks, a shard cannot simply be redone
elsewhere, since its cities' state is the result of every period so far.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cisim.field.cities import Field, build_cities
from cisim.field.run import Portion, Shard, ShardOut, finish_shard, report, take

__all__ = ["EXECUTORS", "DaskHosts", "ProcessHosts", "ShardActor", "dask_hosts", "open_hosts"]

Reports = list[dict[str, NDArray[Any]]]
Tables = list[dict[str, NDArray[Any]]]
Written = list[tuple[str, str, int] | None]


class ShardActor:
    """One shard held by a worker: built there, advanced there, read there."""

    def __init__(self, fld: Field, rows: NDArray[np.int64]) -> None:
        self.shard = Shard(rows, *build_cities(fld, rows), [])
        scenarios = fld.scenarios()
        self.scenarios = [scenarios[int(r)] for r in rows]

    def advance(self, months: int, report_after: int | None) -> dict[str, NDArray[Any]] | None:
        """Run ``months`` months; the cities' report after them (unless ``None``)."""
        self.shard.advance(months)
        return None if report_after is None else report(self.shard, report_after)

    def take(self, part: Portion) -> None:
        """The platform step's new values for this shard's changed cities."""
        take(self.shard, part)

    def finish(
        self, months_since: int, keep: str = "trajectories", out: ShardOut | None = None
    ) -> tuple[dict[str, NDArray[Any]], dict[str, NDArray[Any]], tuple[str, str, int] | None]:
        """The final report; the trajectories or (``keep="outcomes"``) the outcomes; and, given
        ``out``, the outcome file this worker wrote for its cities (name, SHA-256, rows)."""
        return finish_shard(self.shard, self.scenarios, months_since, keep, out)

    def nbytes(self) -> int:
        """Bytes of the shard's state and parameters (what a worker holds for it)."""
        arrays = [*vars(self.shard.st).values(), *vars(self.shard.p).values()]
        return int(sum(a.nbytes for a in arrays if isinstance(a, np.ndarray)))


# ---- worker processes of this machine ----------------------------------------------------------
#: The shards a worker process holds, by key (one dict per process).
_HELD: dict[int, ShardActor] = {}


def _hold(key: int, fld: Field, rows: NDArray[np.int64]) -> None:
    _HELD[key] = ShardActor(fld, rows)


def _call(key: int, method: str, *args: Any) -> Any:
    return getattr(_HELD[key], method)(*args)


def _drop(key: int) -> None:
    _HELD.pop(key, None)


class ProcessHosts:
    """Shards held by ``workers`` processes of this machine (dealt to them in turn).

    Each process is a pool of one, so the shards it holds stay in it between calls.
    """

    def __init__(self, workers: int) -> None:
        from cisim.study.sweeps.executors import process_pool

        self.pools: list[ProcessPoolExecutor] = [process_pool(1) for _ in range(max(1, workers))]

    def close(self) -> None:
        for pool in self.pools:
            pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> ProcessHosts:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _pool(self, key: int) -> ProcessPoolExecutor:
        return self.pools[key % len(self.pools)]

    def hold(self, fld: Field, rows: list[NDArray[np.int64]]) -> list[int]:
        keys = list(range(len(rows)))
        _wait([self._pool(i).submit(_hold, i, fld, r) for i, r in zip(keys, rows, strict=True)])
        return keys

    def advance(self, held: list[int], months: int, report_after: int | None) -> Reports:
        futures = [self._pool(i).submit(_call, i, "advance", months, report_after) for i in held]
        out = _wait(futures)
        return [] if report_after is None else out

    def take(self, held: list[int], parts: list[Portion | None]) -> None:
        _wait(
            [
                self._pool(i).submit(_call, i, "take", part)
                for i, part in zip(held, parts, strict=True)
                if part is not None
            ]
        )

    def finish(
        self,
        held: list[int],
        months_since: int,
        keep: str,
        outs: list[ShardOut | None] | None = None,
    ) -> tuple[Reports, Tables, Written]:
        outs = outs or [None] * len(held)
        ends = _wait(
            [
                self._pool(i).submit(_call, i, "finish", months_since, keep, out)
                for i, out in zip(held, outs, strict=True)
            ]
        )
        return [e[0] for e in ends], [e[1] for e in ends], [e[2] for e in ends]

    def release(self, held: list[int]) -> None:
        with contextlib.suppress(Exception):
            _wait([self._pool(i).submit(_drop, i) for i in held])


def _wait(futures: list[Future[Any]]) -> list[Any]:
    return [f.result() for f in futures]


# ---- Dask --------------------------------------------------------------------------------------
class DaskHosts:
    """A Dask actor per shard, placed on the client's workers in turn (each stays where it is)."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.workers = sorted(client.scheduler_info()["workers"])
        if not self.workers:
            from cisim.errors import ConfigError

            raise ConfigError("dask", str(client), "a cluster with at least one worker")

    def hold(self, fld: Field, rows: list[NDArray[np.int64]]) -> list[Any]:
        futures = [
            self.client.submit(
                ShardActor,
                fld,
                r,
                actor=True,
                workers=[self.workers[i % len(self.workers)]],
                allow_other_workers=False,
                pure=False,
            )
            for i, r in enumerate(rows)
        ]
        self._futures = futures  # the actors live as long as their futures
        return [f.result() for f in futures]

    def advance(self, held: list[Any], months: int, report_after: int | None) -> Reports:
        out = _wait([a.advance(months, report_after) for a in held])
        return [] if report_after is None else out

    def take(self, held: list[Any], parts: list[Portion | None]) -> None:
        _wait([a.take(p) for a, p in zip(held, parts, strict=True) if p is not None])

    def finish(
        self,
        held: list[Any],
        months_since: int,
        keep: str,
        outs: list[ShardOut | None] | None = None,
    ) -> tuple[Reports, Tables, Written]:
        outs = outs or [None] * len(held)
        ends = _wait([a.finish(months_since, keep, o) for a, o in zip(held, outs, strict=True)])
        return [e[0] for e in ends], [e[1] for e in ends], [e[2] for e in ends]

    def nbytes(self, held: list[Any]) -> list[int]:
        """Bytes each shard's state holds on its worker."""
        return _wait([a.nbytes() for a in held])

    def release(self, held: list[Any]) -> None:
        held.clear()
        for f in getattr(self, "_futures", []):
            with contextlib.suppress(Exception):
                f.release()
        self._futures = []


@contextlib.contextmanager
def dask_hosts(address: Any, workers: int = 2) -> Iterator[DaskHosts]:
    """Dask hosts on a running scheduler (``address``, or a ``distributed.Client``), or on a
    ``LocalCluster`` of ``workers`` processes started for the run (``"local"``)."""
    from cisim.study.sweeps.executors import (
        _connect,
        _engine_friendly_dask_config,
        _sigint_ignored_by_children,
    )

    try:
        from distributed import Client, LocalCluster
    except ImportError:
        from cisim.errors import ConfigError

        raise ConfigError(
            "dask", address, "an installed Dask: pip install 'cisim-collab[dask]'"
        ) from None
    if isinstance(address, Client):
        yield DaskHosts(address)
        return
    with contextlib.ExitStack() as stack:
        if address == "local":
            stack.enter_context(_engine_friendly_dask_config())
            with _sigint_ignored_by_children():
                cluster = LocalCluster(
                    n_workers=max(1, workers),
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    host="127.0.0.1",
                    silence_logs=40,  # logging.ERROR
                    scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                )
            stack.enter_context(cluster)
            client = stack.enter_context(Client(cluster))
        else:
            client = stack.enter_context(_connect(Client, address))
        yield DaskHosts(client)


#: The executors a field runs on without Dask.
EXECUTORS = ("threads", "processes")


@contextlib.contextmanager
def open_hosts(
    executor: str = "threads", workers: int = 1, dask: Any = None
) -> Iterator[ProcessHosts | DaskHosts | None]:
    """Where the shards run: ``None`` for threads of this process (the default), worker
    processes of this machine, or Dask workers (``dask``: a scheduler's address, ``"local"``
    for a ``LocalCluster`` of ``workers`` processes, or a ``distributed.Client``)."""
    from cisim.errors import ConfigError

    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
        raise ConfigError("workers", workers, "a whole number of at least 1")
    if dask is not None:
        with dask_hosts(dask, workers) as hosts:
            yield hosts
        return
    if executor == "threads":
        yield None
    elif executor == "processes":
        with ProcessHosts(workers) as hosts:
            yield hosts
    else:
        raise ConfigError("executor", executor, "'threads' or 'processes' (or dask=ADDRESS)")

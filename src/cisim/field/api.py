"""The field's API: :func:`field` runs one platform on a field, :func:`compare` several."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from cisim.field.cities import Field
from cisim.field.hosts import open_hosts
from cisim.field.outcomes import Effect, FieldResult, result_of
from cisim.field.platform import Platform, strategy
from cisim.field.run import run_field

__all__ = ["compare", "field", "table_of"]


def field(
    fld: Field,
    platform: Platform | str = "platform",
    *,
    shards: int = 1,
    workers: int = 1,
    executor: str = "threads",
    dask: Any = None,
) -> FieldResult:
    """Run a field of cities under a platform.

    Parameters
    ----------
    fld
        The cities (:class:`Field`).
    platform
        A :class:`Platform`, or the name of one of :data:`STRATEGIES`.
    shards
        Engine batches the cities are split into (results do not depend on it).
    workers
        Threads, processes or Dask workers (``dask="local"``) that run the shards (results do
        not depend on it).
    executor
        ``"threads"`` (of this process) or ``"processes"`` (of this machine, each holding its
        shards for the whole run).
    dask
        Run the shards on Dask workers instead, each shard an actor that stays on its worker:
        the address of a running scheduler, ``"local"`` (a ``LocalCluster`` of ``workers``
        processes started for the run) or a ``distributed.Client``. Results do not depend on it.

    Returns
    -------
    FieldResult
        Each city's regime and outcomes, the platform's record, and the field's summary.
    """
    chosen = strategy(platform) if isinstance(platform, str) else platform
    with open_hosts(executor, workers, dask) as hosts:
        fr = run_field(fld, chosen, shards=shards, workers=workers, hosts=hosts, keep="outcomes")
    return result_of(fr, fld.scenarios())


def compare(
    fld: Field,
    platforms: Mapping[str, Platform | str],
    *,
    shards: int = 1,
    workers: int = 1,
    executor: str = "threads",
    dask: Any = None,
) -> pd.DataFrame:
    """Several platforms on the same cities, each against no platform (``alone``).

    Returns one row per platform: its summary (:attr:`FieldResult.summary`) and its effect on
    the share of learning journeys, paired by city, with a 95 % interval and the cost per
    additional learning journey (:class:`Effect`). ``shards``, ``workers``, ``executor`` and
    ``dask`` are :func:`field`'s (one set of workers serves every platform).
    """
    with open_hosts(executor, workers, dask) as hosts:
        return _compare(fld, platforms, shards, workers, hosts)


def _compare(
    fld: Field, platforms: Mapping[str, Platform | str], shards: int, workers: int, hosts: Any
) -> pd.DataFrame:
    def one(platform: Platform | str) -> FieldResult:
        chosen = strategy(platform) if isinstance(platform, str) else platform
        fr = run_field(fld, chosen, shards=shards, workers=workers, hosts=hosts, keep="outcomes")
        return result_of(fr, fld.scenarios())

    alone = one("alone")
    return table_of({name: one(platform) for name, platform in platforms.items()}, alone)


def table_of(results: Mapping[str, FieldResult], alone: FieldResult) -> pd.DataFrame:
    """One row per platform: its summary and its effect against ``alone`` (:func:`compare`'s
    table, from results already run)."""
    rows = []
    for name, result in results.items():
        effect = Effect.of(result, alone)
        rows.append(
            {
                "platform": name,
                **result.summary,
                "difference": effect.difference,
                "difference_low": effect.low,
                "difference_high": effect.high,
                "difference_weaker_half": effect.weaker,
                "difference_stronger_half": effect.stronger,
                "cost_per_journey": effect.cost_per_journey,
            }
        )
    return pd.DataFrame(rows).set_index("platform")

"""What a shard of a field writes where it runs: its cities' rows of the outcome table.

A shard is run by a thread, a worker process or a Dask actor (:mod:`cisim.field.hosts`); at the
end of a run that writes a results directory (:mod:`cisim.field.store`), each shard writes its
own cities' file (:func:`write_shard`, named by :func:`shard_file`) and sends the parent only its
name, SHA-256 and row count. This module is what both sides share, below both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from cisim.field.cities import SPREAD

__all__ = ["OUTCOME_COLUMNS", "OUTCOME_SCHEMA", "ShardOut", "shard_file", "write_shard"]

#: Each city's row of the outcome table, in order, with its type.
OUTCOME_SCHEMA = pa.schema(
    [
        ("city", pa.int64()),
        ("scenario", pa.string()),
        *[(f"start_{name}", pa.float64()) for name in SPREAD],
        ("context", pa.float64()),
        ("not_invented_here", pa.float64()),
        ("baseline_progress", pa.float64()),
        ("regime", pa.string()),
        ("learning_journey", pa.bool_()),
        ("final_progress", pa.float64()),
        ("wins", pa.float64()),
        ("programmes_adopted", pa.int64()),
        ("programmes_failed", pa.int64()),
        ("data_use", pa.float64()),
        ("joint_problem_solving", pa.float64()),
        ("trust_in_platform", pa.float64()),
    ]
)
OUTCOME_COLUMNS: tuple[str, ...] = tuple(OUTCOME_SCHEMA.names)


@dataclass(frozen=True)
class ShardOut:
    """What a shard writes at the end of a run: its cities' rows of the outcome table.

    ``path`` is the Parquet file to write (on a disk the worker can reach; the parent made its
    folder); ``columns`` are the parent's per-city columns for the shard's cities, in city order
    (the city's number and draws, and the platform's state for it). The shard adds what it
    holds itself (:func:`cisim.field.store.write_shard`).
    """

    path: str
    columns: dict[str, NDArray[Any]]


def shard_file(rows: NDArray[np.int64]) -> str:
    """The outcome file of the shard holding cities ``rows``: named by its first and last city."""
    return f"cities-{int(rows[0]):06d}-{int(rows[-1]):06d}.parquet"


def write_shard(
    out: ShardOut, kept: Mapping[str, NDArray[Any]], final: Mapping[str, NDArray[Any]]
) -> tuple[str, str, int]:
    """Write a shard's cities' rows (the parent's ``out.columns`` and what the shard holds:
    regime, final progress, wins, final practices) to ``out.path``; return its name, SHA-256
    and rows. Runs where the shard runs."""
    from cisim.study.sweeps.store import write_parquet_atomic

    regime = np.asarray(kept["regime"]).astype(str)
    own = {
        "regime": regime,
        "learning_journey": regime == "learning_journey",
        "final_progress": kept["final_progress"],
        "wins": kept["wins"],
        "data_use": final["data_use"],
        "joint_problem_solving": final["joint_problem_solving"],
    }
    columns = {**out.columns, **own}
    columns.setdefault("baseline_progress", kept["final_progress"])  # the baseline's own run
    arrays = [pa.array(np.asarray(columns[f.name]), type=f.type) for f in OUTCOME_SCHEMA]
    table = pa.Table.from_arrays(arrays, schema=OUTCOME_SCHEMA)
    path = Path(out.path)
    digest = write_parquet_atomic(table, path)
    return path.name, digest, table.num_rows

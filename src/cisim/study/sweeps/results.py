"""A sweep read back from its directory: :func:`load` and :class:`SweepResults`.

Every shard read is checked against its task's checksum file first (see
:mod:`cisim.study.sweeps.store` for the layout): a shard damaged on disk is an error naming it,
never a wrong table. Trajectories are read from their shards on demand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads

from cisim.model.regimes import REGIMES
from cisim.study.sweeps.experiment import Experiment
from cisim.study.sweeps.record import stored_experiment
from cisim.study.sweeps.store import (
    CHECKSUM_FILE,
    CHECKSUMS,
    DESIGN,
    FORMAT,
    MANIFEST,
    RUNS,
    TRAJECTORIES,
    SweepError,
    checksum_name,
    checksums_required,
    disk_error,
    expected_checksums,
    file_sha256,
    numbered,
    read_manifest,
    shard_name,
    shards,
)
from cisim.study.sweeps.tasks import RUN_KEY


@dataclass
class SweepResults:
    """A sweep read back from its directory (see :func:`load`).

    Attributes
    ----------
    path
        The directory.
    manifest
        The manifest (what was run, when, status).
    experiment
        The experiment, rebuilt from the stored text and base scenario.
    design
        The design points: ``point``, the varied parameters and ``digest``.
    runs
        One row per finished run, sorted by point then replicate.
    """

    path: Path
    manifest: dict[str, Any]
    experiment: Experiment
    design: pd.DataFrame
    runs: pd.DataFrame

    @property
    def complete(self) -> bool:
        """Whether every run of the design is in :attr:`runs`."""
        return len(self.runs) == self.manifest["runs"]

    def trajectories(
        self, columns: Sequence[str] | None = None, points: Sequence[int] | None = None
    ) -> pd.DataFrame:
        """Monthly trajectories, read from the shards on demand.

        Parameters
        ----------
        columns
            Metrics to read (default: all stored); ``point``, ``replicate`` and ``month`` always
            come too.
        points
            Design points to read (default: all).

        Returns
        -------
        pandas.DataFrame
            Sorted by point, replicate and month.
        """
        files = self._trajectory_files(points)
        keys = ["point", "replicate", "month"]
        wanted = keys + [c for c in (columns or self.experiment.trajectories) if c not in keys]
        if not files:
            return pd.DataFrame({c: pd.Series(dtype="float32") for c in wanted})
        dataset = pads.dataset([str(f) for f in files], format="parquet")
        filt = None if points is None else pads.field("point").isin([int(p) for p in points])
        table = dataset.to_table(columns=wanted, filter=filt)
        frame = table.to_pandas()
        return frame.sort_values(keys, kind="stable", ignore_index=True)

    def _trajectory_files(self, points: Sequence[int] | None) -> list[Path]:
        """The trajectory shards of the committed tasks (holding ``points``), each checked: one
        the record expects and the directory lacks is an error, never a smaller table."""
        if not self.experiment.trajectories:  # the sweep kept none
            return []
        committed = set(_committed(self.path, self.manifest))
        if points is not None:
            committed &= _tasks_of(self.manifest, points)
        for index in sorted(committed):
            _verify(self.path, self.manifest, index, TRAJECTORIES)
        return [self.path / TRAJECTORIES / shard_name(index) for index in sorted(committed)]


def load(path: str | Path, *, allow_incomplete: bool = False) -> SweepResults:
    """Read a sweep directory.

    Parameters
    ----------
    path
        The ``--out`` directory of ``cisim sweep``.
    allow_incomplete
        Read an unfinished sweep's finished runs instead of raising.

    Raises
    ------
    SweepError
        If the directory holds no sweep, or an incomplete one (unless ``allow_incomplete``).
    """
    directory = Path(path)
    if not (directory / MANIFEST).is_file():
        raise SweepError(f"{directory} holds no sweep (no {MANIFEST})")
    manifest = read_manifest(directory)
    if manifest.get("format") != FORMAT:
        raise SweepError(f"{directory} holds another cisim output, not a sweep")
    runs = _read_runs(directory, manifest)
    if len(runs) != manifest["runs"] and not allow_incomplete:
        raise SweepError(
            f"{directory} holds {len(runs):,} of {manifest['runs']:,} runs: the sweep is "
            "incomplete; run the same 'cisim sweep' command again to finish it, or load it "
            "with allow_incomplete=True"
        )
    return SweepResults(
        path=directory,
        manifest=manifest,
        experiment=stored_experiment(directory, manifest),
        design=_read_design(directory),
        runs=runs,
    )


def _read_design(directory: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(directory / DESIGN)
    except (OSError, pa.ArrowException) as exc:
        raise SweepError(
            f"{directory / DESIGN} cannot be read ({exc}); run the same 'cisim sweep' command "
            "again to rewrite it"
        ) from None


def _committed(directory: Path, manifest: dict[str, Any]) -> list[int]:
    """The finished tasks of the sweep's record: those with a checksum file, the commit mark
    (in a sweep written before checksums, those with a runs shard); only tasks the manifest
    counts. What is read is derived from this record, never from whichever shards happen to be
    in the directory, so a shard missing from a finished task is noticed (:func:`_verify`)."""
    if checksums_required(manifest):
        found = numbered(directory / CHECKSUMS, CHECKSUM_FILE)
    else:
        found = shards(directory / RUNS)
    return [index for index, _ in found if index < manifest["tasks"]]


def _verify(directory: Path, manifest: dict[str, Any], index: int, table: str) -> None:
    """Raise :class:`SweepError` if task ``index``'s shard of ``table`` is missing or fails its
    checksum."""
    relative = f"{table}/{shard_name(index)}"
    if not (directory / relative).is_file():
        raise SweepError(
            f"{directory / relative} is missing (task {index} is recorded as finished); run the "
            "same 'cisim sweep' command again to redo that task"
        )
    if not checksums_required(manifest):
        return
    expected = (expected_checksums(directory, index) or {}).get(relative)
    try:
        actual = file_sha256(directory / relative)
    except OSError as exc:
        raise disk_error(exc, "read", directory / relative) from None
    if actual != expected:
        raise SweepError(
            f"{directory / relative} is damaged (it does not match its checksum in "
            f"{CHECKSUMS}/{checksum_name(index)}); run the same 'cisim sweep' command again to "
            "redo that task"
        )


def _tasks_of(manifest: dict[str, Any], points: Sequence[int]) -> set[int]:
    size, reps = manifest["task_size"], manifest["replicates"]
    out: set[int] = set()
    for point in points:
        first, stop = int(point) * reps, (int(point) + 1) * reps
        out.update(range(first // size, (stop - 1) // size + 1))
    return out


def _read_runs(directory: Path, manifest: dict[str, Any]) -> pd.DataFrame:
    indices = _committed(directory, manifest)
    for index in indices:
        _verify(directory, manifest, index, RUNS)
    files = [str(directory / RUNS / shard_name(index)) for index in indices]
    if not files:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in (*RUN_KEY, "seed")})
    try:
        frame = pads.dataset(files, format="parquet").to_table().to_pandas()
    except (OSError, pa.ArrowException) as exc:  # a sweep written before checksums
        raise SweepError(
            f"{directory / RUNS} holds a damaged shard ({exc}); run the same 'cisim sweep' "
            "command again to redo it"
        ) from None
    if "regime" in frame.columns:
        frame["regime"] = pd.Categorical(frame["regime"], categories=list(REGIMES))
    return frame.sort_values(list(RUN_KEY), kind="stable", ignore_index=True)

"""A sweep's record, ``DIR/manifest.json``: what was run, by which code, and how it is checked.

The manifest is data on disk, so it is trusted only after three checks (:func:`read_manifest`):

1. **Shape.** Every key the code uses is there with the right type and a possible value; a
   missing or mistyped key is one line naming it, never a ``KeyError``.
2. **Consistency.** The counts are recomputed from the experiment the manifest records: ``runs``
   is ``points x replicates``, ``tasks`` is ``runs`` in tasks of ``task_size``, and
   ``task_size`` and ``replicates`` are the experiment's. An edited count cannot make a resume
   delete valid shards or call an unfinished sweep complete.
3. **Checksum.** ``manifest_sha256`` is the SHA-256 of the rest of the manifest (canonical
   JSON), rewritten with every session; any other edit is caught.

What determines the results is recorded and checked on every resume (:func:`check_same`): the
experiment's fingerprint (its settings, design, seed and cisim version) and the ``engine``
digest (:func:`engine_digest`: every source of the model, the engine and the code that runs a
task). A sweep is never continued by other code than the one that started it: results of two
engines would otherwise be mixed in one table. The refusal says what changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from cisim._version import __version__
from cisim.errors import CisimError, SystemRefusal, one_line, shown
from cisim.study.provenance import git_commit, utc_text
from cisim.study.sweeps.designs import n_points
from cisim.study.sweeps.experiment import Experiment
from cisim.study.sweeps.tasks import n_tasks

FORMAT = "cisim-sweep/1"
MANIFEST = "manifest.json"
CHECKSUM_KEY = "manifest_sha256"
#: What the manifest says about checksums (sweeps written before them lack the key).
CHECKSUM_NOTE = (
    "sha256 of each task's shards in checksums/task-NNNNNN.sha256 (sha256sum -c format, "
    "paths relative to this directory); written last, it marks the task finished"
)
#: The code a task's results depend on, beyond the model and the engine.
_RUN_SOURCES = ("study/simulate.py", "study/sweeps/tasks.py", "study/sweeps/models.py")
_PACKAGE = Path(__file__).resolve().parents[2]


class SweepError(CisimError):
    """A sweep directory that cannot be used (locked, another experiment, incomplete)."""


class SweepDiskError(SweepError, SystemRefusal):
    """The disk refused a sweep's write or read (full, read-only, no permission)."""


# ---- the engine ------------------------------------------------------------------------------
def engine_digest() -> str:
    """SHA-256 of the code that produces a sweep's numbers: every source of :mod:`cisim.model`
    and :mod:`cisim.engine` (:func:`cisim.model.compiled.sources_digest`) and the code that runs
    a task."""
    from cisim.model import compiled

    return _engine_digest(compiled.sources_digest())


@cache
def _engine_digest(sources: str) -> str:
    digest = hashlib.sha256(sources.encode())
    for name in _RUN_SOURCES:
        digest.update(name.encode())
        digest.update((_PACKAGE / name).read_bytes())
    return digest.hexdigest()


# ---- writing ---------------------------------------------------------------------------------
def new_manifest(
    experiment: Experiment, design: pd.DataFrame, *, command: str | None
) -> dict[str, Any]:
    """The manifest of a new sweep (status ``running``)."""
    text = experiment.toml
    runs = len(design) * experiment.replicates
    manifest = {
        "format": FORMAT,
        "experiment": {
            "name": experiment.name,
            "file": experiment.source,
            "text": text,
            "sha256": hashlib.sha256(text.encode()).hexdigest(),
            "base": experiment.base_ref,
            "base_scenario": None if experiment.base is None else experiment.base.to_dict(),
        },
        "fingerprint": experiment.fingerprint,
        "engine": engine_digest(),
        "cisim_version": __version__,
        "git_commit": git_commit(),
        "python": platform.python_version(),
        "model": experiment.model,
        "design": experiment.design,
        "seed": experiment.seed,
        "seeds": "replicate k of every point: numpy SeedSequence(seed, spawn_key=(k,))",
        "replicates": experiment.replicates,
        "points": len(design),
        "runs": runs,
        "tasks": n_tasks(runs, experiment.task_size),
        "task_size": experiment.task_size,
        "started_utc": utc_text(),
        "ended_utc": None,
        "status": "running",
        "command": command,
        "sessions": [session(command)],
        "checksums": CHECKSUM_NOTE,
    }
    if experiment.nested:
        manifest["seeds"] = (
            "run k of every point is population p = k // histories under history "
            "h = k % histories: its organisations, ties and starting trust are replicate p's "
            "and its monthly events history h's (cisim.model.population.RunSpec)"
        )
        manifest.update(populations=experiment.populations, histories=experiment.histories)
    return manifest


def session(command: str | None) -> dict[str, Any]:
    """The record of one ``cisim sweep`` session (its end is added when it ends)."""
    return {
        "started_utc": utc_text(),
        "ended_utc": None,
        "command": command,
        "pid": os.getpid(),
        "cisim_version": __version__,
        "engine": engine_digest(),
    }


def manifest_text(manifest: dict[str, Any]) -> str:
    """The manifest as JSON, with its checksum (``manifest_sha256``) brought up to date."""
    plain = json.loads(json.dumps(manifest, default=str))
    plain.pop(CHECKSUM_KEY, None)
    manifest[CHECKSUM_KEY] = plain[CHECKSUM_KEY] = _checksum(plain)
    return json.dumps(plain, indent=2) + "\n"


def _checksum(data: dict[str, Any]) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


# ---- reading ---------------------------------------------------------------------------------
def read_manifest(directory: Path) -> dict[str, Any]:
    """The sweep's manifest, checked (shape, consistency, checksum); :class:`SweepError` if it
    cannot be read or fails a check."""
    path = directory / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        raise SweepError(f"{path} cannot be read ({one_line(str(exc), 200)})") from None
    if not isinstance(data, dict):
        raise SweepError(f"{path} is not a sweep manifest")
    if data.get("format") != FORMAT:
        return data  # not a sweep's: the callers say so
    _check_shape(path, data)
    _check_consistency(path, data)
    stored = data.get(CHECKSUM_KEY)
    if stored is not None:
        rest = {k: v for k, v in data.items() if k != CHECKSUM_KEY}
        if stored != _checksum(rest):
            raise _damaged(path, CHECKSUM_KEY, stored, "the SHA-256 of the rest of the manifest")
    return data


def stored_experiment(directory: Path, manifest: dict[str, Any]) -> Experiment:
    """The experiment the manifest records (its text and base scenario)."""
    from cisim.model.scenario import Scenario

    record = manifest["experiment"]
    base_data = record.get("base_scenario")
    base = None if base_data is None else Scenario.from_dict(base_data)
    return Experiment.from_text(record["text"], source=record.get("file") or "<sweep>", base=base)


_COUNTS = ("replicates", "points", "runs", "tasks", "task_size")


def _check_shape(path: Path, data: dict[str, Any]) -> None:
    for key in _COUNTS:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise _damaged(path, key, value, "a whole number >= 1")
    if not isinstance(data.get("fingerprint"), str):
        raise _damaged(path, "fingerprint", data.get("fingerprint"), "a text")
    sessions = data.get("sessions")
    if not isinstance(sessions, list) or not all(isinstance(s, dict) for s in sessions):
        raise _damaged(path, "sessions", sessions, "a list of tables")
    experiment = data.get("experiment")
    if not isinstance(experiment, dict) or not isinstance(experiment.get("text"), str):
        raise _damaged(path, "experiment", experiment, "a table with the experiment's text")
    base = experiment.get("base_scenario")
    if base is not None and not isinstance(base, dict):
        raise _damaged(path, "experiment.base_scenario", base, "a table, or null")


def _check_consistency(path: Path, data: dict[str, Any]) -> None:
    try:
        experiment = stored_experiment(path.parent, data)
    except CisimError as exc:
        raise SweepError(
            f"{path}: the experiment it records cannot be read ({one_line(str(exc), 300)})"
        ) from None
    expected = {
        "replicates": experiment.replicates,
        "task_size": experiment.task_size,
        "points": n_points(experiment),
    }
    expected["runs"] = expected["points"] * expected["replicates"]
    expected["tasks"] = n_tasks(expected["runs"], expected["task_size"])
    for key, value in expected.items():
        if data[key] != value:
            raise _damaged(path, key, data[key], f"{value:,}, as the experiment it records says")


def _damaged(path: Path, key: str, value: Any, allowed: str) -> SweepError:
    return SweepError(
        f"{path}: {key} = {shown(value, 80)} is not allowed: {allowed} (the manifest was edited "
        "or damaged; its record is not guessed: run the sweep again into a new --out)"
    )


# ---- resuming --------------------------------------------------------------------------------
def check_same(directory: Path, manifest: dict[str, Any], experiment: Experiment) -> None:
    """Refuse to continue a sweep of another experiment, or one started by other code."""
    if manifest.get("format") != FORMAT:
        raise SweepError(
            f"{directory} holds another cisim output, not a sweep; choose another --out"
        )
    engine = engine_digest()
    if manifest.get("fingerprint") != experiment.fingerprint:
        changed = _what_changed(manifest, experiment)
        # no setting of the file changed but the model did (it gained or lost a parameter, so
        # every scenario's identity changed): the engine's refusal below says so
        if changed is not None or manifest.get("engine") in (None, engine):
            name = (manifest.get("experiment") or {}).get("name")
            raise SweepError(
                f"{directory} holds a sweep of another experiment "
                f"({changed or repr(name) + ' with other settings'}); choose a new --out, "
                "or remove the directory to start again"
            )
    recorded = manifest.get("engine")
    if recorded is None:  # written before the engine was recorded: the commit must match
        recorded_commit, commit = manifest.get("git_commit"), git_commit()
        if recorded_commit == commit and commit is not None:
            return
        raise SweepError(
            f"{directory} was started by code whose engine it did not record (commit "
            f"{shown(recorded_commit)}, now {shown(commit)}): results of two engines must not be "
            "mixed in one table; choose a new --out"
        )
    if recorded != engine:
        raise SweepError(
            f"{directory} was started by another engine (cisim "
            f"{shown(manifest.get('cisim_version'))}, engine {str(recorded)[:12]}; this is cisim "
            f"{__version__!r}, engine {engine[:12]}: the model, engine or run code changed): "
            "results of two engines must not be mixed in one table; choose a new --out, remove "
            "the directory to start again, or finish it with the code that started it"
        )


def _what_changed(manifest: dict[str, Any], experiment: Experiment) -> str | None:
    """The settings that differ between the stored experiment and ``experiment``, in words
    (``None`` if none of them does)."""
    name = (manifest.get("experiment") or {}).get("name")
    try:
        old = stored_experiment(Path("."), manifest)._identity()
    except CisimError:
        return f"{name!r}; its settings cannot be compared"
    old, new = _flat(old), _flat(experiment._identity())
    old["cisim"] = manifest.get("cisim_version")
    keys = sorted(set(old) | set(new), key=str)
    changed = [
        f"{k}: {shown(old.get(k), 60)} -> {shown(new.get(k), 60)}"
        for k in keys
        if old.get(k) != new.get(k)
    ]
    if not changed:
        return None
    return f"{name!r}; changed: {'; '.join(changed[:4])}{'; ...' if len(changed) > 4 else ''}"


def _flat(identity: dict[str, Any]) -> dict[str, Any]:
    """Nested tables one level down as ``table.key`` (so a change names the parameter)."""
    out: dict[str, Any] = {}
    for key, value in identity.items():
        if isinstance(value, dict):
            out.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            out[key] = value
    return out

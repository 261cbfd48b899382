"""A sweep's record on disk: what it expects is there (class 4), it is continued only by the code
that started it (class 5), its manifest is checked before it is trusted (class 6), and its lock is
never followed out of the directory (class 7).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cisim import cli
from cisim.study.sweeps import SerialExecutor, SweepError, load, run_sweep
from cisim.study.sweeps import record as record_module
from cisim.study.sweeps.record import manifest_text

from .helpers import SWEEP, assert_same_sweep, write

TRAJECTORY_SWEEP = SWEEP.replace("seed = 5", 'seed = 5\ntrajectories = ["mean_trust"]')


@pytest.fixture(scope="module")
def experiment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("records") / "faults.toml", TRAJECTORY_SWEEP)


@pytest.fixture(scope="module")
def reference(experiment: Path) -> Path:
    out = experiment.parent / "reference"
    run_sweep(experiment, out, executor=SerialExecutor(), progress=False)
    return out


@pytest.fixture
def sweep(reference: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "sweep"
    shutil.copytree(reference, copy)
    return copy


def _tree(root: Path) -> dict[str, bytes | None]:
    return {
        str(p.relative_to(root)): (None if p.is_dir() else p.read_bytes())
        for p in sorted(root.rglob("*"))
        if p.name != ".lock"
    }


def _refused(capsys: pytest.CaptureFixture[str], argv: list[str], *needles: str) -> str:
    capsys.readouterr()
    code = cli.main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert "internal error" not in err, err
    for needle in needles:
        assert needle in err, err
    return err


def _sweep_argv(experiment: Path, out: Path) -> list[str]:
    return ["sweep", str(experiment), "--out", str(out), "-w", "1", "--no-progress"]


def _edit_manifest(sweep: Path, change: Callable[[dict[str, Any]], None], *, seal: bool) -> None:
    """Change the manifest; with ``seal``, bring its checksum up to date (a careful editor)."""
    path = sweep / "manifest.json"
    data = json.loads(path.read_text())
    change(data)
    path.write_text(manifest_text(data) if seal else json.dumps(data, indent=2))


# ---- class 4: nothing the record expects goes missing unnoticed ---------------------------------
@pytest.mark.parametrize(
    "missing",
    [
        "trajectories/task-000003.parquet",
        "trajectories/task-000017.parquet",  # the last task
        "runs/task-000000.parquet",
        "checksums/task-000005.sha256",
        "design.parquet",
    ],
)
def test_a_missing_file_is_noticed_by_analyze_and_redone_by_resume(
    missing: str,
    sweep: Path,
    reference: Path,
    experiment: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (sweep / missing).unlink()
    name = Path(missing).name
    needle = name if "checksums" not in missing else "incomplete"
    _refused(capsys, ["analyze", str(sweep)], needle)
    assert cli.main(_sweep_argv(experiment, sweep)) == 0
    assert_same_sweep(sweep, reference)


def test_a_missing_trajectory_shard_is_an_error_when_read_through_the_api(sweep: Path) -> None:
    (sweep / "trajectories" / "task-000004.parquet").unlink()
    results = load(sweep)
    with pytest.raises(SweepError, match=r"task-000004\.parquet is missing"):
        results.trajectories()
    with pytest.raises(SweepError, match="missing"):
        results.trajectories(points=[2])  # task 4 holds point 2's runs
    assert len(results.trajectories(points=[0])) > 0  # other points still read


def test_a_missing_shard_of_a_sweep_without_checksums_is_noticed(
    sweep: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit_manifest(sweep, lambda m: m.pop("checksums"), seal=True)  # as written before checksums
    (sweep / "trajectories" / "task-000002.parquet").unlink()
    _refused(capsys, ["analyze", str(sweep)], "task-000002.parquet")


def test_a_stray_shard_beyond_the_record_is_not_read(sweep: Path) -> None:
    for sub, suffix in (("runs", "parquet"), ("trajectories", "parquet"), ("checksums", "sha256")):
        src = sweep / sub / f"task-000000.{suffix}"
        shutil.copy(src, sweep / sub / f"task-000099.{suffix}")
    assert len(load(sweep).runs) == 36


def test_a_missing_analysis_file_is_analysed_again_not_reported_without(sweep: Path) -> None:
    assert cli.main(["analyze", str(sweep)]) == 0
    record = json.loads((sweep / "analysis" / "manifest.json").read_text())
    figure = next(f for f in record["files"] if f.endswith(".png"))
    (sweep / "analysis" / figure).unlink()
    assert cli.main(["report", str(sweep)]) == 0
    assert (sweep / "analysis" / figure).is_file()


# ---- class 5: a sweep is continued only by the code that started it -----------------------------
def _half(experiment: Path, out: Path) -> None:
    """A sweep stopped after 3 of its 18 tasks."""

    class Stop(Exception):
        pass

    count = {"n": 0}

    class Executor(SerialExecutor):
        def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
            count["n"] += 1
            if count["n"] > 3:
                raise Stop()
            return super().submit(fn, *args, **kwargs)

    with pytest.raises(Stop):
        run_sweep(experiment, out, executor=Executor(), progress=False)


@pytest.mark.parametrize("what", ["model source", "run code"])
def test_resume_by_another_engine_is_refused_and_keeps_the_runs(
    what: str,
    experiment: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "out"
    _half(experiment, out)
    before = _tree(out)
    if what == "model source":  # as a git pull changing cisim/model or cisim/engine would
        from cisim.model import compiled

        monkeypatch.setattr(compiled, "sources_digest", lambda: "0" * 64)
    else:  # the code that runs a task changed
        monkeypatch.setattr(record_module, "_RUN_SOURCES", ("study/sweeps/runner.py",))
        record_module._engine_digest.cache_clear()
    _refused(capsys, _sweep_argv(experiment, out), "another engine", "new --out")
    assert _tree(out) == before
    record_module._engine_digest.cache_clear()


def test_engine_is_recorded_for_the_sweep_and_every_session(
    experiment: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    _half(experiment, out)
    run_sweep(experiment, out, executor=SerialExecutor(), progress=False)
    manifest = json.loads((out / "manifest.json").read_text())
    engine = record_module.engine_digest()
    assert manifest["engine"] == engine and len(engine) == 64
    assert [s["engine"] for s in manifest["sessions"]] == [engine, engine]


def test_resume_of_a_sweep_without_engine_from_another_commit_is_refused(
    sweep: Path, experiment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def legacy(m: dict[str, Any]) -> None:
        m.pop("engine")
        m["git_commit"] = "0" * 40

    _edit_manifest(sweep, legacy, seal=True)
    _refused(capsys, _sweep_argv(experiment, sweep), "did not record", "new --out")


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (("seed = 5", "seed = 6"), "seed: 5 -> 6"),
        (("replicates = 4", "replicates = 2"), "replicates: 4 -> 2"),
        (("horizon_months = 36", "horizon_months = 24"), "horizon_months"),
    ],
)
def test_an_edited_experiment_is_refused_saying_what_changed(
    edit: tuple[str, str],
    said: str,
    sweep: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    changed = write(tmp_path / "faults.toml", TRAJECTORY_SWEEP.replace(*edit))
    _refused(capsys, _sweep_argv(changed, sweep), said)


def test_a_new_cisim_version_is_refused_saying_so(
    sweep: Path,
    experiment: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from cisim.study.sweeps import experiment as experiment_module

    monkeypatch.setattr(experiment_module, "__version__", "99.0.0")
    _refused(capsys, _sweep_argv(experiment, sweep), "cisim:", "99.0.0")


# ---- class 6: the manifest is checked before it is trusted --------------------------------------
def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(m: dict[str, Any]) -> None:
        if value is _DELETE:
            m.pop(key)
        else:
            m[key] = value

    return change


_DELETE = object()
MANIFEST_EDITS = [
    ("task_size", 0),
    ("task_size", 3),
    ("task_size", 1),
    ("runs", 100),
    ("runs", 35),
    ("tasks", 17),
    ("points", 8),
    ("replicates", 2),
    ("runs", "36"),
    ("runs", True),
    ("runs", None),
    ("runs", 1e300),
    ("runs", -1),
    ("runs", _DELETE),
    ("tasks", _DELETE),
    ("task_size", _DELETE),
    ("replicates", _DELETE),
    ("sessions", _DELETE),
    ("sessions", {"a": 1}),
    ("experiment", _DELETE),
    ("experiment", "faults"),
    ("experiment", {"name": "faults"}),
    ("fingerprint", _DELETE),
    ("fingerprint", 3),
]


@pytest.mark.parametrize("seal", [True, False], ids=["checksum-updated", "checksum-stale"])
@pytest.mark.parametrize(("key", "value"), MANIFEST_EDITS, ids=lambda v: repr(v)[:20])
def test_an_edited_manifest_is_refused_by_name_and_nothing_is_deleted(
    key: str,
    value: Any,
    seal: bool,
    sweep: Path,
    experiment: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _edit_manifest(sweep, _set(key, value), seal=seal)
    before = _tree(sweep)
    _refused(capsys, _sweep_argv(experiment, sweep), "manifest.json")
    assert _tree(sweep) == before
    _refused(capsys, ["analyze", str(sweep)], "manifest.json")
    _refused(capsys, ["report", str(sweep)], "manifest.json")
    with pytest.raises(SweepError, match=r"manifest\.json"):
        load(sweep)


@pytest.mark.parametrize(
    "change",
    [
        _set("seed", 6),  # a value no count depends on
        _set("status", "running"),
        _set("model", "ishigami"),
        lambda m: m["experiment"].update(text=m["experiment"]["text"] + "\n# edited\n"),
    ],
)
def test_any_other_edit_is_caught_by_the_checksum(
    change: Callable[[dict[str, Any]], None],
    sweep: Path,
    experiment: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _edit_manifest(sweep, change, seal=False)
    _refused(capsys, _sweep_argv(experiment, sweep), "manifest_sha256")


def test_a_sealed_manifest_reads_and_resumes(sweep: Path, experiment: Path) -> None:
    _edit_manifest(sweep, lambda m: None, seal=True)
    assert cli.main(_sweep_argv(experiment, sweep)) == 0
    assert len(load(sweep).runs) == 36


# ---- class 7: the lock (and every sweep folder) is never followed out ---------------------------
def _outside(tmp_path: Path) -> Path:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious data that must survive")
    return victim


@pytest.mark.parametrize("kind", ["symlink", "dangling", "hardlink", "fifo", "directory"])
def test_a_lock_that_is_not_cisims_file_is_refused_untouched(
    kind: str,
    sweep: Path,
    experiment: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    victim = _outside(tmp_path)
    lock = sweep / ".lock"
    lock.unlink(missing_ok=True)
    if kind == "symlink":
        lock.symlink_to(victim)
    elif kind == "dangling":
        lock.symlink_to(tmp_path / "created-by-nobody")
    elif kind == "hardlink":
        os.link(victim, lock)
    elif kind == "fifo":
        os.mkfifo(lock)
    else:
        lock.mkdir()
    _refused(capsys, _sweep_argv(experiment, sweep), ".lock")
    assert victim.read_text() == "precious data that must survive"
    assert not (tmp_path / "created-by-nobody").exists()


@pytest.mark.parametrize("sub", ["runs", "trajectories", "checksums"])
def test_a_sweep_folder_that_is_a_symlink_is_refused(
    sub: str,
    sweep: Path,
    experiment: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    elsewhere = tmp_path / "elsewhere"
    shutil.move(sweep / sub, elsewhere)
    (elsewhere / "task-000000.keep").write_text("not cisim's")
    (sweep / sub).symlink_to(elsewhere)
    before = _tree(elsewhere)
    _refused(capsys, _sweep_argv(experiment, sweep), sub)
    assert _tree(elsewhere) == before


def test_resume_after_the_model_gained_a_parameter_says_the_model_changed(
    experiment: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A new parameter changes every scenario's identity (so the fingerprint) without a setting
    of the file changing: the refusal names the changed model, not 'another experiment'."""
    from cisim.model import compiled
    from cisim.study.sweeps.experiment import Experiment

    out = tmp_path / "out"
    _half(experiment, out)
    before = _tree(out)
    fingerprint = Experiment.fingerprint.fget
    monkeypatch.setattr(Experiment, "fingerprint", property(lambda e: "x" + fingerprint(e)))
    monkeypatch.setattr(compiled, "sources_digest", lambda: "0" * 64)
    record_module._engine_digest.cache_clear()
    _refused(capsys, _sweep_argv(experiment, out), "another engine", "remove the directory")
    assert _tree(out) == before
    record_module._engine_digest.cache_clear()

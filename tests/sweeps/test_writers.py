"""Who writes the shards (issue 16): the workers or the sweep's own process, inline, in a process
pool or on a Dask cluster of worker processes, the sweep directory holds the same bytes, and
``cisim analyze`` reads the same results from it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cisim import cli
from cisim.study.sweeps import SerialExecutor, SweepError, open_executor, run_sweep
from cisim.study.sweeps import store as store_module

#: 9 points x 2 replicates = 18 runs in 9 tasks of 2, with trajectories (the default metrics).
SMALL = """
name = "writers"
base = "baseline"
design = "factorial"
replicates = 2
seed = 9
batch_size = 2
[constants]
horizon_months = 24
[levers]
navigator = [0, 1, 2]
[uncertainties]
turnover = [0.01, 0.03, 0.06]
"""
TASKS = 9


def sweep_files(directory: Path) -> dict[str, bytes]:
    """Every file of a sweep directory but its manifest (times, pids) and lock, by path."""
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file() and path.name not in ("manifest.json", ".lock")
    }


def shards_by(directory: Path) -> list[str]:
    """Who wrote the shards in each session of a sweep."""
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    return [session.get("shards_by") for session in manifest["sessions"]]


def assert_same_files(a: Path, b: Path) -> None:
    first, second = sweep_files(a), sweep_files(b)
    assert sorted(first) == sorted(second)
    assert sum(name.startswith("checksums/") for name in first) == TASKS
    for name, data in first.items():
        assert data == second[name], name


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("writers") / "writers.toml"
    path.write_text(SMALL.lstrip(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reference(small: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sweep run inline: this process writes the shards (the serial default)."""
    out = tmp_path_factory.mktemp("reference") / "out"
    run_sweep(small, out, executor=SerialExecutor(), progress=False)
    assert shards_by(out) == ["parent"]
    return out


def _parent_must_not_write(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make this process unable to write a shard: only worker processes can have written them."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the sweep's own process wrote a shard")

    monkeypatch.setattr(store_module, "write_shards", refuse)


@pytest.fixture(scope="module")
def pool_sweep(small: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sweep on a pool of 2 worker processes, which write their shards (the default)."""
    out = tmp_path_factory.mktemp("pool") / "out"
    with pytest.MonkeyPatch.context() as monkeypatch:
        _parent_must_not_write(monkeypatch)
        run_sweep(small, out, workers=2, progress=False)
    return out


def test_writers__inline_worker_writes_are_the_same_bytes(
    small: Path, reference: Path, tmp_path: Path
) -> None:
    run_sweep(small, tmp_path / "out", executor=SerialExecutor(), progress=False, writer="workers")
    assert shards_by(tmp_path / "out") == ["workers"]
    assert_same_files(tmp_path / "out", reference)


def test_writers__process_pool_workers_write_the_same_bytes(
    pool_sweep: Path, reference: Path
) -> None:
    assert shards_by(pool_sweep) == ["workers"]
    assert_same_files(pool_sweep, reference)


def test_writers__process_pool_with_parent_writes_the_same_bytes(
    small: Path, reference: Path, tmp_path: Path
) -> None:
    run_sweep(small, tmp_path / "out", workers=2, progress=False, writer="parent")
    assert shards_by(tmp_path / "out") == ["parent"]
    assert_same_files(tmp_path / "out", reference)


def test_writers__dask_worker_processes_write_the_same_bytes(
    small: Path, reference: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("distributed")
    _parent_must_not_write(monkeypatch)
    with open_executor(2, dask="local") as (executor, workers):  # LocalCluster, processes=True
        run_sweep(small, tmp_path / "out", executor=executor, workers=workers, progress=False)
    assert shards_by(tmp_path / "out") == ["workers"]
    assert_same_files(tmp_path / "out", reference)


@pytest.mark.slow  # two analyses: 9 s alone, about 30 s beside other tests
def test_writers__cisim_analyze_reads_the_same_results(
    pool_sweep: Path, reference: Path, tmp_path: Path
) -> None:
    outputs = []
    for sweep in (reference, pool_sweep):
        out = tmp_path / sweep.parent.name
        assert cli.main(["analyze", str(sweep), "--out", str(out)]) == 0
        outputs.append(out)
    first, second = (sweep_files(out) for out in outputs)  # all but the analysis's manifest
    assert sorted(first) == sorted(second) and "analysis.json" in first
    for name, data in first.items():
        assert data == second[name], name


def test_writers__a_resumed_sweep_may_change_writers(
    small: Path, reference: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    executor = _StopAfter(4)
    with pytest.raises(KeyboardInterrupt):
        run_sweep(small, out, executor=executor, progress=False, writer="workers")
    run_sweep(small, out, executor=SerialExecutor(), progress=False, writer="parent")
    assert shards_by(out) == ["workers", "parent"]
    assert_same_files(out, reference)


class _StopAfter(SerialExecutor):
    """Runs ``count`` tasks inline, then Ctrl-C."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        if self.count == 0:
            raise KeyboardInterrupt
        self.count -= 1
        return super().submit(fn, *args, **kwargs)


def test_writers__an_unknown_writer_is_refused(small: Path, tmp_path: Path) -> None:
    with pytest.raises(SweepError, match="writer = 'threads' is not allowed"):
        run_sweep(small, tmp_path / "out", progress=False, writer="threads")  # type: ignore[arg-type]
    assert not (tmp_path / "out").exists()


def test_cli__shards_by(
    small: Path, reference: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    command = ["sweep", str(small), "-o", str(out), "-w", "1", "--no-progress"]
    assert cli.main([*command, "--shards-by", "workers"]) == 0
    assert shards_by(out) == ["workers"]
    assert_same_files(out, reference)
    assert cli.main([*command, "--shards-by", "nobody"]) == 2
    assert "--shards-by: invalid choice: 'nobody'" in capsys.readouterr().err
    assert cli.main(["sweep", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "--shards-by {parent,workers}" in text and "shared file system" in text

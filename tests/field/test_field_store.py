"""A field's results directory (``cisim field FILE --out DIR``): its files and checksums, the same
files on every executor and worker count, workers writing their own cities' files, and the
refusal of directories cisim did not write."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cisim.cli import main
from cisim.field import compare
from cisim.field.config import load as load_file
from cisim.field.hosts import open_hosts
from cisim.field.store import (
    OUTCOME_COLUMNS,
    RESULT_COLUMNS,
    FieldStoreError,
    load,
    write_results,
)
from cisim.study.sweeps.store import file_sha256

SCENARIO = 'name = "small"\nn_organisations = 10\nhorizon_months = 24\n'
FIELD = """\
question = "Which platform helps most?"

[field]
scenario = "small.toml"
cities = 14
seed = 5

[platforms.replicate]
strategy = "replicate"

[platforms.steady]
strategy = "platform"
budget = [1.0, 2.0]
"""
NAMES = ["alone", "replicate", "steady@budget=1", "steady@budget=2"]


@pytest.fixture(scope="module")
def field_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    here = tmp_path_factory.mktemp("field")
    (here / "small.toml").write_text(SCENARIO)
    path = here / "field.toml"
    path.write_text(FIELD)
    return path


@pytest.fixture(scope="module")
def written(field_file: Path) -> Path:
    out = field_file.parent / "out"
    assert main(["field", str(field_file), "--out", str(out), "--workers", "2"]) == 0
    return out


def _files(directory: Path) -> dict[str, bytes]:
    """Every result file's bytes (not the manifest, which records times, nor the lock)."""
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.name not in ("manifest.json", ".lock")
    }


def _manifest(directory: Path) -> dict:
    data = json.loads((directory / "manifest.json").read_text())
    data.pop("run")  # how it ran: executor, workers, shards, times, command
    return data


def test_results_directory__files_and_checksums(written: Path, field_file: Path) -> None:
    manifest = json.loads((written / "manifest.json").read_text())
    assert manifest["format"] == "cisim-field/1" and manifest["status"] == "complete"
    assert manifest["field"]["text"] == FIELD == (written / "field.toml").read_text()
    assert manifest["about"] == {"question": "Which platform helps most?"}
    assert manifest["seeds"]["seed"] == 5
    assert list(manifest["platforms"]) == NAMES
    assert all(p["status"] == "complete" for p in manifest["platforms"].values())
    assert manifest["platforms"]["steady@budget=2"]["swept"] == {"budget": 2.0}
    assert manifest["platforms"]["steady@budget=2"]["base"] == "steady"
    assert manifest["run"]["workers"] == 2 and manifest["run"]["shards"] == 2
    # every file is in the manifest with its SHA-256, and each platform's checksum file (its
    # commit mark, sha256sum -c format) lists its own files
    on_disk = set(_files(written))
    assert set(manifest["checksums"]) == on_disk
    for relative, digest in manifest["checksums"].items():
        assert file_sha256(written / relative) == digest, relative
    for name in NAMES:
        lines = (written / "checksums" / f"{name}.sha256").read_text().splitlines()
        listed = {line.split("  ")[1]: line.split("  ")[0] for line in lines}
        assert set(listed) == set(manifest["platforms"][name]["files"])
        assert all(manifest["checksums"][k] == v for k, v in listed.items())
        shards = sorted((written / "outcomes" / name).glob("cities-*.parquet"))
        assert [p.name for p in shards] == ["cities-000000-000006.parquet",
                                            "cities-000007-000013.parquet"]  # fmt: skip
        assert (written / "platform" / f"{name}.parquet").is_file()


def test_results_directory__rows_are_the_in_memory_results(written: Path) -> None:
    spec = load_file(written.parent / "field.toml")
    loaded = load(written)
    table = compare(spec.field, spec.platforms)
    alone = loaded.outcomes["alone"]
    for name in NAMES:
        rows = loaded.outcomes[name]
        assert tuple(rows.columns) == OUTCOME_COLUMNS
        assert list(rows["city"]) == list(range(14))
        # each city's strength with no platform, and its draw, on every platform's rows
        np.testing.assert_array_equal(rows["baseline_progress"], alone["final_progress"])
        np.testing.assert_array_equal(rows["start_data_use"], spec.field.practices()["data_use"])
        assert (rows["learning_journey"] == (rows["regime"] == "learning_journey")).all()
        assert (rows["scenario"] == "small").all()
    for name in NAMES[1:]:
        from cisim.field import field

        want = field(spec.field, spec.platforms[name]).cities
        got = loaded.results[name].cities
        assert list(got.columns) == list(RESULT_COLUMNS)
        pd.testing.assert_frame_equal(got, want, check_dtype=False)
        assert loaded.results[name].summary == pytest.approx(
            table.loc[name, list(loaded.results[name].summary)].to_dict(), nan_ok=True
        )
    printed = pd.read_csv(written / "table.csv").set_index("platform")
    pd.testing.assert_frame_equal(printed, table, check_dtype=False, atol=1e-12)
    assert set(loaded.variants) == {"steady@budget=1", "steady@budget=2"}


def test_results_directory__same_files_on_threads_processes_and_other_worker_counts(
    written: Path, field_file: Path, tmp_path: Path
) -> None:
    spec = load_file(field_file)
    want = _files(written)
    for executor, workers in (("threads", 1), ("processes", 2)):
        out = tmp_path / f"{executor}-{workers}"
        with open_hosts(executor, workers) as hosts:
            write_results(
                spec, field_file, out, hosts=hosts, shards=2, workers=workers, executor=executor
            )
        assert _files(out) == want, executor  # byte for byte: each shard wrote its own file
        assert _manifest(out) == _manifest(written)
    # another split writes other files, of the same rows
    out = tmp_path / "five-shards"
    write_results(spec, field_file, out, hosts=None, shards=5, workers=1, executor="threads")
    assert len(list((out / "outcomes" / "replicate").glob("*.parquet"))) == 5
    a, b = load(out), load(written)
    for name in NAMES:
        pd.testing.assert_frame_equal(a.outcomes[name], b.outcomes[name])
        pd.testing.assert_frame_equal(a.results[name].record, b.results[name].record)
    ma, mb = _manifest(out), _manifest(written)
    for m in (ma, mb):
        m.pop("checksums")
        for entry in m["platforms"].values():
            entry.pop("files")
    assert ma == mb


@pytest.mark.slow
def test_results_directory__same_files_on_a_dask_cluster_of_two_worker_processes(
    written: Path, field_file: Path, tmp_path: Path
) -> None:
    pytest.importorskip("distributed")
    out = tmp_path / "dask"
    code = main(["field", str(field_file), "--out", str(out), "--dask", "local", "--workers", "2"])
    assert code == 0
    assert _files(out) == _files(written)
    assert _manifest(out) == _manifest(written)
    assert json.loads((out / "manifest.json").read_text())["run"]["executor"] == "dask"


def test_results_directory__workers_write_their_own_cities_files(
    field_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # in worker processes, the parent never writes an outcome file: it only receives names and
    # digests (the write function a shard calls is made to fail in this process alone)
    import cisim.field.run as run

    def parent_must_not_write(*args: object, **kwargs: object) -> None:
        raise AssertionError("the parent wrote a shard's file")

    monkeypatch.setattr(run, "write_shard", parent_must_not_write)
    spec = load_file(field_file)
    out = tmp_path / "processes"
    with open_hosts("processes", 2) as hosts:
        done = write_results(
            spec, field_file, out, hosts=hosts, shards=3, workers=2, executor="processes"
        )
    assert len(list((out / "outcomes" / "alone").glob("*.parquet"))) == 3
    assert set(done.results) == set(NAMES)


def test_results_directory__a_foreign_directory_is_refused_with_one_line(
    field_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    not_a_dir = tmp_path / "file.txt"
    not_a_dir.write_text("x")
    sweep = tmp_path / "sweep"
    sweep.mkdir()
    (sweep / "manifest.json").write_text('{"format": "cisim-sweep/1"}')
    for target, words in (
        (foreign, "was not written by cisim field"),
        (not_a_dir, "is not a directory"),
        (sweep, "holds another output"),
    ):
        before = sorted(p.name for p in tmp_path.rglob("*"))
        assert main(["field", str(field_file), "--out", str(target)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and words in err and "Traceback" not in err
        assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing written
    assert (foreign / "notes.txt").read_text() == "keep me"


def test_results_directory__another_fields_results_are_refused_and_its_own_replaced(
    written: Path, field_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(written, copy)
    other = field_file.parent / "other.toml"
    other.write_text(FIELD.replace("seed = 5", "seed = 6"))
    assert main(["field", str(other), "--out", str(copy)]) == 2
    assert "another field file" in capsys.readouterr().err
    (copy / "report.html").write_text('<meta name="generator" content="cisim 0">')
    (copy / "report.md").write_text("my own notes")
    assert main(["field", str(field_file), "--out", str(copy), "--shards", "3"]) == 0
    assert not (copy / "report.html").exists()  # a report of the old results is removed
    assert (copy / "report.md").read_text() == "my own notes"  # what cisim did not write stays
    assert len(list((copy / "outcomes" / "alone").glob("*.parquet"))) == 3  # no stale shard
    assert _manifest(copy)["platforms"].keys() == _manifest(written)["platforms"].keys()
    load(copy)


def test_load__a_changed_file_or_an_unfinished_field_is_one_line(
    written: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(written, copy)
    shard = sorted((copy / "outcomes" / "replicate").glob("*.parquet"))[0]
    shard.write_bytes(shard.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(FieldStoreError, match="does not match its checksum"):
        load(copy)
    manifest = json.loads((written / "manifest.json").read_text())
    manifest["status"] = "running"
    (copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(FieldStoreError, match="unfinished"):
        load(copy)
    with pytest.raises(FieldStoreError, match="no field's results"):
        load(tmp_path)


def test_cli_field__out_csv_writes_only_the_table(field_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "table.csv"
    assert main(["field", str(field_file), "--out", str(out)]) == 0
    assert out.is_file() and out.read_text().startswith("platform,")

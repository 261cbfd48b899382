"""Fuzzing what cisim writes and reads back: names, descriptions and paths in outputs, and the
sweep's manifest (Hypothesis, derandomised, the same fixed profile as ``test_fuzz``).

- Any two different names get different directory names, each a valid single file name.
- Any text in a CSV cell reads back as text that no spreadsheet runs as a formula.
- Any name or description in ``report.md`` and ``comparison.md`` stays inert, one-line Markdown
  that cannot add a table cell, a link or HTML.
- Any ``--out`` path is used or refused with one of cisim's errors.
- Any mutation of a finished sweep's ``manifest.json`` (keys deleted, values replaced by junk of
  any type, the file cut short) is read or refused with a :class:`SweepError`, and resuming it
  deletes nothing unless the manifest is whole.
"""

from __future__ import annotations

import contextlib
import csv
import json
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cisim.errors import CisimError
from cisim.io import OutputError, check_target, md_text, safe_name, write_csv
from cisim.present import runs as report
from cisim.study.sweeps import SerialExecutor, SweepError, load, run_sweep

from .helpers import SWEEP, fixed_profile, write

EXAMPLES: dict[str, int] = {
    "directory names": 400,
    "CSV cells": 300,
    "Markdown names": 200,
    "output paths": 200,
    "mutated manifests": 150,
}
RAN: Counter[str] = Counter()


def profile(name: str) -> settings:
    return fixed_profile(EXAMPLES[name])


def _ran(name: str, prop: Any) -> None:
    RAN[name] = 0
    prop()
    assert RAN[name] >= EXAMPLES[name], (name, RAN[name])


#: Text of every kind: any code point, and the characters that matter to the outputs.
TEXT = st.one_of(
    st.text(max_size=80),
    st.text(
        alphabet=st.sampled_from(list("=+-@\t\r\n|<>&[]()*_`\\/.: aAяЯ東ë\u0301")), max_size=30
    ),
    st.sampled_from(
        ["=cmd|' /C calc'!A0", "<img src=x onerror=alert(1)>", "..", ".", "", "x" * 400]
    ),
)


# ---- names ---------------------------------------------------------------------------------------
def test_fuzz__different_names_never_share_a_directory() -> None:
    @profile("directory names")
    @given(st.lists(TEXT, min_size=2, max_size=6, unique=True))
    def prop(names: list[str]) -> None:
        RAN["directory names"] += 1
        dirs = [safe_name(n) for n in names]
        assert len(set(dirs)) == len(dirs)
        assert len({d.lower() for d in dirs}) == len(dirs)  # also where case is ignored
        for d in dirs:
            assert d not in ("", ".", "..") and "/" not in d and "\0" not in d
            assert len(d.encode("utf-8", "surrogatepass")) <= 255

    _ran("directory names", prop)


def test_fuzz__no_csv_cell_reads_as_a_formula(tmp_path: Path) -> None:
    @profile("CSV cells")
    @given(st.lists(TEXT, min_size=1, max_size=5))
    def prop(cells: list[str]) -> None:
        RAN["CSV cells"] += 1
        frame = pd.DataFrame({"name": cells, "share": [0.5] * len(cells)})
        frame.index = pd.Index([f"{c}#{i}" for i, c in enumerate(cells)], name="scenario")
        path = tmp_path / "t.csv"
        write_csv(frame, path)
        with open(path, newline="", encoding="utf-8", errors="surrogateescape") as handle:
            rows = list(csv.reader(handle))
        for row in rows[1:]:
            for cell in (row[0], row[1]):  # the index and the text column
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r", "\n")), cell

    _ran("CSV cells", prop)


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    """A real comparison table (two scenarios, two replicates, twelve months)."""
    import cisim

    base = cisim.Scenario.preset("baseline").replace(horizon_months=12)
    results = [cisim.simulate(base.replace(name=n), replicates=2, seed=1) for n in ("a", "b")]
    return report.comparison_table(results)


def _cells(line: str) -> int:
    return len(re.split(r"(?<!\\)\|", line))


def test_fuzz__names_stay_inert_markdown(table: pd.DataFrame) -> None:
    header = _cells(report.comparison_markdown(table).splitlines()[0])

    @profile("Markdown names")
    @given(st.lists(TEXT, min_size=2, max_size=2, unique=True))
    def prop(names: list[str]) -> None:
        RAN["Markdown names"] += 1
        text = report.comparison_markdown(table.set_axis(names, axis=0))
        lines = text.splitlines()
        assert len(lines) == 2 + len(names)  # no name adds or breaks a line
        assert all(_cells(line) == header for line in lines)
        for name in names:
            inert = md_text(name)
            assert "<" not in inert and "\n" not in inert
            assert not re.search(r"(?<!\\)[|\[\]()`*_]", inert)

    _ran("Markdown names", prop)


# ---- paths ---------------------------------------------------------------------------------------
def test_fuzz__any_out_path_is_used_or_refused_with_cisims_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "manifest.json").write_text("{}")
    parts = st.sampled_from(["file", "dir", "..", ".", "new", "dir/manifest.json", "x\0y", "é"])

    @profile("output paths")
    @given(
        st.lists(st.one_of(parts, TEXT.filter(lambda t: "/" not in t)), max_size=4),
        st.sampled_from(["run", "study", "analysis"]),
    )
    def prop(segments: list[str], kind: str) -> None:
        RAN["output paths"] += 1
        target = tmp_path.joinpath(*[s for s in segments if s]) if segments else tmp_path
        before = sorted(p.name for p in tmp_path.rglob("*"))
        try:
            check_target(target, kind=kind)
        except OutputError:
            pass
        except (ValueError, OSError) as exc:  # only impossible names may reach the system
            assert "\0" in str(target) or "too long" in str(exc) or "File name" in str(exc), exc
        assert sorted(p.name for p in tmp_path.rglob("*")) == before

    _ran("output paths", prop)


# ---- the manifest --------------------------------------------------------------------------------
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("fuzz-manifest")
    experiment = write(root / "faults.toml", SWEEP)
    run_sweep(experiment, root / "sweep", executor=SerialExecutor(), progress=False)
    return experiment, root / "sweep"


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            out += _paths(value, (*prefix, index))
    return out


def test_fuzz__a_mutated_manifest_is_read_or_refused_never_trusted(
    finished: tuple[Path, Path], tmp_path: Path
) -> None:
    experiment, original = finished
    manifest = json.loads((original / "manifest.json").read_text())
    paths = _paths(manifest)
    shards = sorted((original / "runs").iterdir())

    @profile("mutated manifests")
    @given(
        st.lists(st.tuples(st.sampled_from(paths), st.booleans(), JUNK), min_size=1, max_size=3),
        st.integers(min_value=0, max_value=100),
    )
    def prop(edits: list[tuple[tuple[Any, ...], bool, Any]], cut: int) -> None:
        RAN["mutated manifests"] += 1
        sweep = tmp_path / "sweep"
        shutil.rmtree(sweep, ignore_errors=True)
        shutil.copytree(original, sweep)
        data = json.loads(json.dumps(manifest))
        for path, delete, junk in edits:
            holder = data
            try:
                for key in path[:-1]:
                    holder = holder[key]
                if delete and isinstance(holder, dict):
                    holder.pop(path[-1], None)
                else:
                    holder[path[-1]] = junk
            except (KeyError, IndexError, TypeError):
                continue
        text = json.dumps(data)
        if cut == 0:
            text = text[: len(text) // 2]  # cut short
        (sweep / "manifest.json").write_text(text)
        changed = data != manifest or cut == 0
        with contextlib.suppress(SweepError):
            load(sweep)
        with contextlib.suppress(CisimError):
            run_sweep(experiment, sweep, executor=SerialExecutor(), progress=False)
        if changed:  # a manifest that is not whole never makes a resume delete a shard
            assert sorted((sweep / "runs").iterdir())[: len(shards)] == [
                sweep / "runs" / s.name for s in shards
            ] or not isinstance(_loads(text), dict)

    _ran("mutated manifests", prop)


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None

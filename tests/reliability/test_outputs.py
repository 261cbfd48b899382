"""What cisim writes, and where: nothing outside its own output is ever touched.

Class 1 (data loss through ``--out``): an output command replaces only an output it can prove it
wrote: the manifest names the command (``output``) and lists every entry (``files``).
Class 2 (a report embedding local files): the report reads only plain files of the expected kind
inside the analysis directory, whatever ``analysis.json`` says.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cisim import cli, sweep_commands

from .helpers import SWEEP, write


def _tree(root: Path) -> dict[str, bytes | None]:
    """Every entry under ``root`` with its bytes (``None`` for directories)."""
    return {
        str(p.relative_to(root)): (None if p.is_dir() else p.read_bytes())
        for p in sorted(root.rglob("*"))
    }


def _one_line(capsys: pytest.CaptureFixture[str], code: int, *needles: str) -> str:
    err = capsys.readouterr().err
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    for needle in needles:
        assert needle in err, err
    return err


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished sweep with trajectories, analysed (so it holds an analysis too)."""
    root = tmp_path_factory.mktemp("sweep")
    text = SWEEP.replace("seed = 5", 'seed = 5\ntrajectories = ["mean_trust"]')
    experiment = write(root / "faults.toml", text)
    out = root / "sweep"
    assert cli.main(["sweep", str(experiment), "--out", str(out), "-w", "1", "--no-progress"]) == 0
    assert cli.main(["analyze", str(out)]) == 0
    return out


@pytest.fixture
def sweep_copy(sweep_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "sweep"
    shutil.copytree(sweep_dir, copy, symlinks=True)
    return copy


# ---- class 1: --out replaces only what that command wrote ---------------------------------------
def test_analyze_out_onto_its_own_sweep_is_refused_and_deletes_nothing(
    sweep_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _tree(sweep_copy)
    code = cli.main(["analyze", str(sweep_copy), "--out", str(sweep_copy)])
    _one_line(capsys, code, "sweep")
    assert _tree(sweep_copy) == before


@pytest.mark.parametrize("command", ["run", "study", "analyze"])
def test_no_output_command_replaces_a_sweep(
    command: str, sweep_copy: Path, sweep_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _tree(sweep_copy)
    argv = {
        "run": ["run", "baseline", "-n", "2", "--out", str(sweep_copy)],
        "study": [
            "study",
            "-n",
            "2",
            "--nested",
            "0",
            "--scenarios",
            "baseline",
            "--out",
            str(sweep_copy),
        ],
        "analyze": ["analyze", str(sweep_dir), "--out", str(sweep_copy)],
    }[command]
    _one_line(capsys, cli.main(argv))
    assert _tree(sweep_copy) == before


@pytest.mark.parametrize(
    "manifest",
    [
        '{"name": "my project", "version": 3}',  # somebody's own manifest.json
        "not json at all",
        '{"cisim_version": "0.1.0", "command": "cisim run x", "scenario": {"name": "x"}}',
        '{"output": "run", "files": ["manifest.json"]}',  # claims cisim, but src/ is not listed
        '{"output": "analysis", "files": ["manifest.json", "src"]}',  # another command's
    ],
)
def test_run_out_onto_a_project_with_its_own_manifest_is_refused(
    manifest: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ext = tmp_path / "ext"
    (ext / "src").mkdir(parents=True)
    (ext / "src" / "main.py").write_text("print('precious')")
    (ext / "manifest.json").write_text(manifest)
    before = _tree(ext)
    _one_line(capsys, cli.main(["run", "baseline", "-n", "2", "--out", str(ext)]), str(ext))
    assert _tree(ext) == before


def test_run_replaces_its_own_output_but_not_a_file_added_to_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert cli.main(["run", "baseline", "-n", "2", "--out", str(out)]) == 0
    record = json.loads((out / "manifest.json").read_text())
    assert record["output"] == "run"
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert set(record["files"]) == on_disk
    assert cli.main(["run", "baseline", "-n", "2", "--seed", "4", "--out", str(out)]) == 0
    assert json.loads((out / "manifest.json").read_text())["seed"] == 4
    for added in ("notes.md", "figures/keep.txt"):  # at the top, or inside cisim's own folder
        (out / added).write_text("mine")
        capsys.readouterr()
        _one_line(capsys, cli.main(["run", "baseline", "-n", "2", "--out", str(out)]), added)
        assert (out / added).read_text() == "mine"
        (out / added).unlink()


def test_analysis_out_onto_a_run_output_is_refused(
    sweep_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    assert cli.main(["run", "baseline", "-n", "2", "--out", str(out)]) == 0
    capsys.readouterr()
    before = _tree(out)
    _one_line(capsys, cli.main(["analyze", str(sweep_dir), "--out", str(out)]), "cisim run")
    assert _tree(out) == before


def test_out_through_a_symbolic_link_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = tmp_path / "real"
    assert cli.main(["run", "baseline", "-n", "2", "--out", str(real)]) == 0
    link = tmp_path / "link"
    link.symlink_to(real)
    capsys.readouterr()
    before = _tree(real)
    _one_line(capsys, cli.main(["run", "baseline", "-n", "2", "--out", str(link)]), "link")
    assert _tree(real) == before and link.is_symlink()


@pytest.mark.parametrize("target", ["manifest.json", "runs/task-000000.parquet", "notes.html"])
def test_report_out_replaces_only_a_cisim_report(
    target: str, sweep_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = sweep_copy / target
    if not path.exists():
        path.write_text("<html>my own page</html>")
    before = path.read_bytes()
    _one_line(capsys, cli.main(["report", str(sweep_copy), "--out", str(path)]), target)
    assert path.read_bytes() == before


def test_report_replaces_its_own_report(sweep_copy: Path) -> None:
    assert cli.main(["report", str(sweep_copy)]) == 0
    first = (sweep_copy / "report.html").stat().st_mtime_ns
    assert cli.main(["report", str(sweep_copy)]) == 0
    assert (sweep_copy / "report.html").stat().st_mtime_ns >= first


def test_sweep_out_onto_another_output_writes_nothing_there(
    sweep_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    assert cli.main(["run", "baseline", "-n", "2", "--out", str(out)]) == 0
    capsys.readouterr()
    before = _tree(out)
    experiment = sweep_dir.parent / "faults.toml"
    code = cli.main(["sweep", str(experiment), "--out", str(out), "-w", "1", "--no-progress"])
    _one_line(capsys, code, "not a sweep")
    assert _tree(out) == before  # not even a .lock file


# ---- class 2: the report reads nothing outside its analysis directory --------------------------
def _doctor(sweep: Path, group: str, name: str | None, value: str) -> None:
    path = sweep / "analysis" / "analysis.json"
    summary = json.loads(path.read_text())
    key = name or next(iter(summary[group]))
    summary[group][key] = value
    path.write_text(json.dumps(summary))


@pytest.mark.parametrize(
    ("group", "value"),
    [
        ("figures", "{secret}"),  # an absolute path
        ("figures", "../../{name}"),  # climbing out
        ("figures", "link.png"),  # a symbolic link in the analysis leading out
        ("tables", "{secret}"),
        ("tables", "../{name}"),
    ],
)
def test_report_embeds_no_file_named_by_a_doctored_analysis(
    group: str, value: str, sweep_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sweep_commands, "analysis_is_current", lambda sweep, analysis: True)
    secret = tmp_path / "secret.png"
    payload = b"\x89PNG\r\n\x1a\n" + b"TOP-SECRET-BYTES" * 8
    secret.write_bytes(payload)
    (sweep_copy / "analysis" / "link.png").symlink_to(secret)
    (tmp_path / "secret.csv").write_text("a,b\nTOP-SECRET-CELL,1\n")
    if group == "tables":
        secret = tmp_path / "secret.csv"
    _doctor(sweep_copy, group, None, value.format(secret=secret, name=secret.name))
    assert cli.main(["report", str(sweep_copy)]) == 0
    html = (sweep_copy / "report.html").read_text()
    import base64

    assert base64.b64encode(payload)[:40].decode() not in html
    assert "TOP-SECRET" not in html


# ---- class 10: user text cannot become a formula, markup or a broken table -----------------------
FORMULAS = ["=cmd|' /C calc'!A0", "+SUM(A1:A9)", "-2+3+cmd|' /C calc'!A0", "@SUM(1)", "\tx=1"]
MARKUP = [
    "<img src=x onerror=alert(1)>",
    "a | b | c",
    "[click](javascript:alert(1))",
    "two\nlines | and <script>x</script>",
]


def _scenario_file(directory: Path, index: int, name: str, description: str = "") -> Path:
    import tomli_w

    data = {"name": name, "description": description, "horizon_months": 12}
    path = directory / f"s{index}.toml"
    path.write_text(tomli_w.dumps(data))
    return path


def _study(tmp_path: Path, names: list[str], descriptions: list[str] | None = None) -> Path:
    descriptions = descriptions or [""] * len(names)
    files = [
        str(_scenario_file(tmp_path, i, n, d))
        for i, (n, d) in enumerate(zip(names, descriptions, strict=True))
    ]
    out = tmp_path / "study"
    argv = ["study", "-n", "2", "--nested", "0", "--out", str(out), "--scenarios", *files]
    assert cli.main(argv) == 0
    return out


def test_no_csv_cell_starts_like_a_formula(tmp_path: Path) -> None:
    import csv

    out = _study(tmp_path, FORMULAS)
    for path in out.rglob("*.csv"):
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")) or _number(cell), (
                        path,
                        cell,
                    )


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _table_rows(text: str) -> list[list[str]]:
    """Each Markdown table's rows, as the number of cells they split into (unescaped pipes)."""
    import re

    return [re.split(r"(?<!\\)\|", line) for line in text.splitlines() if line.startswith("|")]


def test_names_and_descriptions_are_inert_markdown(tmp_path: Path) -> None:
    out = _study(tmp_path, MARKUP, descriptions=list(reversed(MARKUP)))
    for name in ("report.md", "comparison.md"):
        text = (out / name).read_text()
        assert "<img" not in text and "<script" not in text
        assert "](javascript" not in text
        rows = _table_rows(text)
        widths = {len(r) for r in rows if "---" not in "".join(r)}
        assert rows and widths <= {len(rows[0]), 4}, (name, widths)  # 4: the nested table's?
        for line in text.splitlines():
            if line.startswith("| **"):
                assert len(_table_rows(line)[0]) == len(rows[0]), line


# ---- class 11: different names never share a directory ------------------------------------------
NAME_SETS = [
    ["Ростов", "Москва"],
    ["東京", "大阪", "札幌"],
    ["a/b", "a_b", "a b", "a:b"],
    ["Plan", "plan", "PLAN"],
    ["café", "cafe\u0301"],  # the same word, composed and decomposed
    ["x" * 300, "x" * 299 + "y"],
    ["..", ".", "-", "_"],
]


@pytest.mark.parametrize("names", NAME_SETS, ids=lambda n: n[0][:8])
def test_different_names_get_different_directories(
    names: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cisim.io import safe_name

    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    for index, name in enumerate(names):
        path = _scenario_file(work, index, name)
        assert cli.main(["run", str(path), "-n", "2"]) == 0
    dirs = sorted(p.name for p in (work / "results").iterdir())
    assert len(dirs) == len(names) == len({safe_name(n) for n in names})
    for name in names:
        record = json.loads((work / "results" / safe_name(name) / "manifest.json").read_text())
        assert record["scenario"]["name"] == name
        assert len(safe_name(name).encode()) <= 255
    # and side by side in one study
    out = _study(tmp_path, names)
    assert len(list((out / "presets").iterdir())) == len(names)


def test_a_lower_case_name_keeps_its_own_directory_name() -> None:
    from cisim.io import safe_name

    for name in ("baseline", "hartford", "my_plan-2", "ростов"):
        assert safe_name(name) == name


# ---- a killed run leaves no temporary directory for long ----------------------------------------
def test_the_temporary_directory_of_a_killed_run_is_removed_by_the_next(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "out"
    command = [sys.executable, "-m", "cisim", "run", "baseline", "-n", "400", "--out", str(out)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while not list(tmp_path.glob(".out.tmp-*")) and time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    assert list(tmp_path.glob(".out.tmp-*")), "the kill came too late to test anything"
    live = tmp_path / f".out.tmp-{os.getpid()}-keep"  # a write in progress (this process)
    live.mkdir()
    assert cli.main(["run", "baseline", "-n", "2", "--out", str(out)]) == 0
    assert sorted(p.name for p in tmp_path.glob(".out.tmp-*")) == [live.name]

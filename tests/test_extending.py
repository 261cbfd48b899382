"""``docs/extending.md`` as written: its edits applied to a copy of the package, its example run.

The guide marks each edit with a comment naming the file and where the code block goes
(``<!-- edit: create PATH -->``, ``<!-- edit: PATH, after: "LINE" -->``, ``... before: "TEXT" -->``)
and the example to run with ``<!-- run -->``. This test copies ``src/``, ``configs/`` and the ODD
into a temporary directory, applies every edit there, regenerates the ODD's tables, runs the
example (whose own assertions check that the new metric, outcome and mechanism work) and runs the
mechanisms' contract test on the new mechanism. The repository is never touched.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "extending.md"
_MARK = re.compile(
    r"<!-- (edit: (?P<edit>.+?)|(?P<run>run)) -->\n```python\n(?P<code>.*?)```", re.S
)
_WHERE = re.compile(r'(?P<path>[^,]+), (?P<how>after|before): (?P<anchor>".*")')


@dataclass(frozen=True)
class Edit:
    """One edit of the guide: create ``path`` or insert ``code`` after or before ``anchor``."""

    path: str
    how: str  # "create", "after" or "before"
    anchor: str
    code: str


def guide() -> tuple[list[Edit], str]:
    """The guide's edits, in order, and its example."""
    edits, example = [], ""
    for match in _MARK.finditer(GUIDE.read_text(encoding="utf-8")):
        if match["run"]:
            example = match["code"]
            continue
        spec = match["edit"]
        if spec.startswith("create "):
            edits.append(Edit(spec.removeprefix("create "), "create", "", match["code"]))
            continue
        where = _WHERE.fullmatch(spec)
        assert where, f"cannot read the edit {spec!r}"
        anchor = ast.literal_eval(where["anchor"])
        edits.append(Edit(where["path"], where["how"], anchor, match["code"]))
    return edits, example


def apply(edit: Edit, root: Path) -> None:
    """Apply one edit to the copy at ``root``."""
    path = root / edit.path
    if edit.how == "create":
        assert not path.exists(), f"{edit.path} exists already"
        path.write_text(edit.code, encoding="utf-8")
        return
    text = path.read_text(encoding="utf-8")
    at = text.find(edit.anchor)
    assert at >= 0, f"{edit.path}: {edit.anchor!r} not found"
    if edit.how == "after":
        at = text.index("\n", at + len(edit.anchor)) + 1
    path.write_text(text[:at] + edit.code + text[at:], encoding="utf-8")


def test_extending__the_guide_reads_as_a_list_of_edits_and_an_example():
    edits, example = guide()
    assert [e.how for e in edits].count("create") == 1
    touched = {e.path for e in edits}
    assert touched == {
        "src/cisim/model/parameters.py",
        "src/cisim/model/scenario.py",
        "src/cisim/model/mechanisms/mentoring.py",
        "src/cisim/model/mechanisms/__init__.py",
        "src/cisim/model/metrics.py",
        "src/cisim/model/outcomes.py",
    }
    assert "cisim.compare" in example and "assert" in example
    for edit in edits:  # every anchor is in today's code, once
        if edit.how != "create":
            text = (ROOT / edit.path).read_text(encoding="utf-8")
            assert text.count(edit.anchor) >= 1, (edit.path, edit.anchor)


@pytest.mark.slow
def test_extending__the_worked_example_runs_in_a_copy_of_the_package(tmp_path):
    edits, example = guide()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    shutil.copytree(ROOT / "src", tmp_path / "src", symlinks=True, ignore=ignore)
    shutil.copytree(ROOT / "configs", tmp_path / "configs")
    shutil.copytree(ROOT / "tests", tmp_path / "tests", ignore=ignore)
    (tmp_path / "docs").mkdir()
    shutil.copy(ROOT / "docs" / "ODD.md", tmp_path / "docs" / "ODD.md")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for edit in edits:
        apply(edit, tmp_path)
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "src")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, *args], cwd=tmp_path, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        return done

    run("-m", "cisim.documents.odd")
    odd = (tmp_path / "docs" / "ODD.md").read_text(encoding="utf-8")
    assert "**mentoring**" in odd and "`mentoring`" in odd  # schedule and parameter tables
    out = run("-c", example).stdout
    assert "final onboarding" in out and "learning_journey" in out
    contract = "tests/model/mechanisms/test_contract.py"
    done = run("-m", "pytest", "-q", "-p", "no:cacheprovider", contract, "-k", "mentoring")
    assert re.search(r"\b[1-9]\d* passed", done.stdout), done.stdout[-2000:]
    assert not (ROOT / "src/cisim/model/mechanisms/mentoring.py").exists()

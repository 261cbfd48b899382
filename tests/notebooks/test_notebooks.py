"""The notebooks: in sync with their sources, committed without outputs, and executed (small).

Each notebook runs top to bottom under ``CISIM_NOTEBOOK_SMALL=1`` in a temporary working
directory (holding a copy of ``notebooks/data``), so nothing is written into the repository. The
notebooks assert what they show; a failed assertion fails the test. The kernel is the
``python3`` kernel spec, which jupyter_client starts with this interpreter (``sys.executable``).
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
NAMES = (
    "01_quickstart",
    "02_design_your_collaboration",
    "03_sweeps_and_sensitivity",
    "04_anatomy_of_a_blame_game",
    "05_platforms_and_the_field",
)
TIMEOUT = 600  # seconds per cell (a first run may compile the engine)


def _builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("notebook_build", NOTEBOOKS / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


def test_notebooks__every_notebook_is_listed():
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_notebooks__in_sync_with_their_sources(name):
    build = _builder()
    expected = build.text_of(build.notebook(NOTEBOOKS / "source" / f"{name}.py"))
    actual = (NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8")
    assert actual == expected, "run `.venv/bin/python notebooks/build.py` to rebuild"


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_notebooks__committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


@pytest.mark.parametrize("name", NAMES)
def test_notebooks__open_with_a_parameters_cell_that_shrinks(name):
    code = [c for c in _read(name).cells if c.cell_type == "code"]
    first = code[0]
    assert first.metadata.get("tags") == ["parameters"]
    assert 'os.environ.get("CISIM_NOTEBOOK_SMALL") == "1"' in first.source
    assert any("assert " in c.source for c in code), "a notebook asserts what it shows"


@pytest.mark.parametrize("name", NAMES)
def test_notebooks__run_top_to_bottom_with_small_settings(name, tmp_path, monkeypatch):
    from nbclient import NotebookClient

    shutil.copytree(NOTEBOOKS / "data", tmp_path / "data")
    monkeypatch.setenv("CISIM_NOTEBOOK_SMALL", "1")
    nb = _read(name)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=TIMEOUT,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs), "figures render as PNG"
    assert not list(NOTEBOOKS.glob("**/*.parquet")), "nothing is written into the repository"

"""Build the notebooks (``notebooks/*.ipynb``) from their sources (``notebooks/source/*.py``).

The sources are Python files in the "percent" format: ``# %%`` starts a code cell,
``# %% [markdown]`` a Markdown cell (its lines are comments), and ``# %% tags=["parameters"]`` a
code cell with the ``parameters`` tag. Inside code cells, a line ``# %matplotlib inline`` becomes
the magic ``%matplotlib inline`` (so the sources stay plain Python). The notebooks are written
without outputs or execution counts::

    .venv/bin/python notebooks/build.py          # rebuild every notebook
    .venv/bin/python notebooks/build.py --check  # exit 1 if a notebook differs from its source

``tests/notebooks/test_notebooks.py`` checks that the committed notebooks are in sync.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "source"
_CELL = re.compile(r"^# %%(?P<rest>.*)$")
_MAGIC = re.compile(r"^# (%[a-z_]+.*)$")


def cells(text: str) -> list[nbformat.NotebookNode]:
    """The notebook cells of a percent-format source."""
    out: list[nbformat.NotebookNode] = []
    kind, tags, lines = None, [], []
    for line in [*text.splitlines(), "# %% end"]:
        match = _CELL.match(line)
        if not match:
            lines.append(line)
            continue
        if kind is not None:
            out.append(_cell(kind, tags, lines))
        rest = match.group("rest").strip()
        kind = "markdown" if rest.startswith("[markdown]") else "code"
        tags = json.loads(rest.split("=", 1)[1]) if rest.startswith("tags=") else []
        lines = []
    return out


def _cell(kind: str, tags: list[str], lines: list[str]) -> nbformat.NotebookNode:
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    if kind == "markdown":
        text = "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#") for line in lines)
        cell = nbformat.v4.new_markdown_cell(text)
    else:
        text = "\n".join(_MAGIC.sub(r"\1", line) for line in lines)
        cell = nbformat.v4.new_code_cell(text)
    if tags:
        cell.metadata["tags"] = tags
    cell.pop("id", None)
    return cell


def notebook(source: Path) -> nbformat.NotebookNode:
    """The notebook of one source file."""
    nb = nbformat.v4.new_notebook()
    nb.cells = cells(source.read_text(encoding="utf-8"))
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    nb.nbformat, nb.nbformat_minor = 4, 4  # 4.4: cells without ids
    return nb


def text_of(nb: nbformat.NotebookNode) -> str:
    """The notebook as the JSON text written to disk."""
    return nbformat.writes(nb) + "\n"


def targets() -> dict[Path, Path]:
    """Each source and the notebook built from it."""
    return {src: HERE / f"{src.stem}.ipynb" for src in sorted(SOURCES.glob("*.py"))}


def main(argv: list[str] | None = None) -> int:
    """Rebuild the notebooks, or with ``--check`` report those out of date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 if stale")
    args = parser.parse_args(argv)
    stale = []
    for src, target in targets().items():
        text = text_of(notebook(src))
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        stale.append(target.name)
        if not args.check:
            target.write_text(text, encoding="utf-8")
    verb = "out of date" if args.check else "rebuilt"
    for name in stale:
        print(f"{name}: {verb}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())

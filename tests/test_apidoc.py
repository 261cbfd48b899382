"""The API reference (docs/api.md) is generated from the docstrings and cannot drift."""

from __future__ import annotations

import inspect
from pathlib import Path

import cisim
from cisim.documents import apidoc

ROOT = Path(__file__).resolve().parents[1]
API = ROOT / "docs" / "api.md"


def test_apidoc__committed_file_is_in_sync():
    assert API.read_text(encoding="utf-8") == apidoc.render(), (
        "run `python -m cisim.documents.apidoc` to regenerate docs/api.md"
    )


def test_apidoc__every_public_name_is_documented():
    text = apidoc.render()
    for name in apidoc.public_names(cisim):
        assert f"`cisim.{name}" in text, name
        obj = getattr(cisim, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert inspect.getdoc(obj), f"cisim.{name} has no docstring"


def test_apidoc__check_reports_a_stale_file(tmp_path, capsys):
    out = tmp_path / "api.md"
    assert apidoc.main(["--out", str(out), "--check"]) == 1
    assert apidoc.main(["--out", str(out)]) == 0
    assert apidoc.main(["--out", str(out), "--check"]) == 0
    assert "out of date" in capsys.readouterr().err


def test_markdown__numpy_sections_become_headings_and_lists():
    doc = (
        "Summary.\n\nParameters\n----------\nx : int\n    The x.\n\n"
        "Examples\n--------\n>>> f(1)\n2\n"
    )
    text = apidoc.markdown(doc)
    assert "**Parameters**" in text and "- `x` (int): The x." in text
    assert "```pycon\n>>> f(1)\n2\n```" in text


def test_markdown__literal_blocks_are_fenced():
    text = apidoc.markdown("Use it::\n\n    run(1)\n    run(2)\n\nDone.")
    assert "Use it:\n\n```python\nrun(1)\nrun(2)\n```" in text
    assert text.rstrip().endswith("Done.")

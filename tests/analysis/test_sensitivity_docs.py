"""docs/sensitivity.md's example runs and prints what the page shows (regenerate the page's
output block from the snippet if the analysis changes)."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "sensitivity.md"


def _block(text: str, marker: str, language: str) -> str:
    start = text.index(marker)
    match = re.compile(rf"```{language}\n(.*?)```", re.DOTALL).search(text, start)
    assert match is not None, marker
    return match.group(1)


def test_docs__the_sensitivity_example_prints_what_the_page_shows() -> None:
    text = DOC.read_text(encoding="utf-8")
    code = _block(text, "<!-- snippet: sensitivity-example", "python")
    shown = _block(text, "<!-- output: sensitivity-example -->", "text")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(DOC), "exec"), {"__name__": "sensitivity_example"})
    assert out.getvalue().split() == shown.split()
    # and the page's reading of it holds
    rows = {line.split()[0]: line.split()[1:] for line in shown.strip().splitlines()[1:]}
    st, contested, p_value = (float(rows["lever"][i]) for i in (0, 6, 8))
    assert st < 0.01 and 0.05 < contested < 0.15 and p_value > 0.05
    assert float(rows["decisive"][3]) > 1.0 > float(rows["decisive"][9]) > 0.9

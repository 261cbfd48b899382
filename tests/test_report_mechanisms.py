"""The report's links from an effect to the mechanisms that produce it, held to the ODD."""

from __future__ import annotations

import re
from pathlib import Path

from cisim.present.report.headlines import plain
from cisim.present.report.mechanisms import (
    ODD_PATH,
    ODD_SECTIONS,
    mechanism_note,
    odd_anchor,
    sections_of,
)
from cisim.present.report.page import inline

ODD = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"


def _odd_submodels() -> dict[str, tuple[str, str]]:
    """Each §7 heading of the ODD and the mechanism module its first line says runs it."""
    found = re.findall(
        r"^### (7\.\w+) (.+)\n\nRuns in `src/cisim/model/mechanisms/(\w+)\.py`",
        ODD.read_text(encoding="utf-8"),
        flags=re.MULTILINE,
    )
    return {name: (number, title) for number, title, name in found}


def test_odd_sections__match_the_odd_headings() -> None:
    assert ODD_PATH == ODD
    assert _odd_submodels() == ODD_SECTIONS


def test_odd_sections__anchors_are_the_odd_contents_links() -> None:
    text = ODD.read_text(encoding="utf-8")
    for number, title in ODD_SECTIONS.values():
        assert f"](#{odd_anchor(f'{number} {title}')})" in text, (number, title)


def test_sections_of__a_factor_acts_through_the_mechanisms_that_use_it() -> None:
    assert [s.mechanism for s in sections_of("navigator")] == ["navigator", "setback_response"]
    assert [s.mechanism for s in sections_of("turnover")] == ["turnover"]
    assert sections_of("entry_point")[0].mechanism == "entry_point"
    assert sections_of("horizon_months") == []


def test_mechanism_note__links_only_when_the_odd_can_be_reached(tmp_path: Path) -> None:
    linked = mechanism_note("turnover", tmp_path)
    assert re.fullmatch(r"\[ODD §7\.1 Turnover\]\(\S+/docs/ODD\.md#71-turnover\)", linked)
    assert mechanism_note("turnover", None) == "ODD §7.1 Turnover"
    html = inline(f"**Why.** {linked}")
    assert html.startswith("<strong>Why.</strong> <a href=")
    assert plain(f"**Why.** {linked}") == "Why. ODD §7.1 Turnover"


def test_odd_sections__every_mechanism_of_the_step_has_one() -> None:
    from cisim.model.mechanisms import SCHEDULE

    assert {m.__name__ for m in SCHEDULE} == set(ODD_SECTIONS)

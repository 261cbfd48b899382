"""Where an effect comes from: the mechanisms a factor acts through, and their ODD sections.

A factor's mechanisms are read from the code: the mechanisms of the monthly step
(:data:`cisim.model.mechanisms.SCHEDULE`) whose module lists the factor among the ``PARAMETERS`` it
uses, and the mechanism named after the factor (``turnover`` is an organisation's trait that the
turnover mechanism acts on). Each mechanism is described in one section of the ODD's §7
(``docs/ODD.md``); :data:`ODD_SECTIONS` names it, and ``tests/test_report_mechanisms.py`` holds it
to the ODD's headings. The report links each headline effect to those sections: to the ODD itself
when the report is written inside a checkout that has it, otherwise by section number.
"""

from __future__ import annotations

import inspect
import os
import re
from dataclasses import dataclass
from pathlib import Path

#: The ODD section of each mechanism of the monthly step: its number and heading in §7.
ODD_SECTIONS: dict[str, tuple[str, str]] = {
    "context": ("7.0", "Context over time: the timeline"),
    "turnover": ("7.1", "Turnover"),
    "backbone": ("7.1a", "The backbone: an executive director and staff"),
    "scale": ("7.1b", "Scale: the number of organisations, and many-to-many accountability"),
    "entry_point": ("7.2", "Finding an entry point"),
    "contribution": ("7.3", "Contribution"),
    "deliberation": ("7.3a", "Deliberation: task conflict"),
    "joint_work": ("7.4", "Joint work and review"),
    "setback_response": ("7.5", "Setback response: learning or blame"),
    "trust": ("7.6", "Trust update"),
    "navigator": ("7.7", "Navigator"),
    "community": ("7.8", "Community engagement and legitimacy"),
    "triangle": (
        "7.8a",
        "The strategic triangle: aligning legitimacy, public value and capacity",
    ),
    "adaptation": ("7.9", "Adaptation of governance and task"),
    "membership": ("7.10", "Membership"),
}
#: The ODD in a source checkout (absent from an installed wheel).
ODD_PATH = Path(__file__).resolve().parents[4] / "docs" / "ODD.md"


@dataclass(frozen=True)
class Section:
    """One ODD section a factor's effect runs through."""

    mechanism: str
    number: str
    title: str

    @property
    def anchor(self) -> str:
        """The heading's anchor as GitHub and most Markdown viewers make it."""
        return odd_anchor(f"{self.number} {self.title}")

    @property
    def label(self) -> str:
        """'ODD §7.7 Navigator'."""
        return f"ODD §{self.number} {self.title}"


def odd_anchor(heading: str) -> str:
    """GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces to '-'."""
    kept = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return kept.replace(" ", "-")


def sections_of(parameter: str) -> list[Section]:
    """The ODD sections of the mechanisms ``parameter`` acts through, in schedule order (the
    mechanism named after it first)."""
    from cisim.model.mechanisms import SCHEDULE

    names = []
    for mechanism in SCHEDULE:
        module = inspect.getmodule(mechanism.py_func)
        uses = getattr(module, "PARAMETERS", ())
        if parameter in uses or mechanism.__name__ == parameter:
            names.append(mechanism.__name__)
    names.sort(key=lambda name: name != parameter)
    return [Section(n, *ODD_SECTIONS[n]) for n in names if n in ODD_SECTIONS]


def odd_href(report_dir: Path | None) -> str | None:
    """The ODD's address relative to the report's folder, if the ODD is there to link to."""
    if report_dir is None or not ODD_PATH.is_file():
        return None
    return Path(os.path.relpath(ODD_PATH, report_dir.resolve())).as_posix()


def mechanism_note(parameter: str, report_dir: Path | None) -> str:
    """'ODD §7.7 Navigator; §7.5 Setback response: learning or blame', each a link
    (``[text](href)``) when the ODD can be linked; '' for a factor no mechanism names."""
    found = sections_of(parameter)
    href = odd_href(report_dir)
    parts = []
    for index, section in enumerate(found):
        text = section.label if index == 0 else f"§{section.number} {section.title}"
        parts.append(f"[{text}]({href}#{section.anchor})" if href else text)
    return "; ".join(parts)

"""The evidence sections of the report, in their order, and the closing caveats.

The sections themselves are in :mod:`~cisim.present.report.sections_design` (what the factors do),
:mod:`~cisim.present.report.sections_dynamics` (how runs unfold) and
:mod:`~cisim.present.report.sections_sensitivity` (which parameters matter and where) and
:mod:`~cisim.present.report.sections_structure` (who is at the table, in a nested sweep) and
:mod:`~cisim.present.report.sections_timeline` (when an intervention arrives).
"""

from __future__ import annotations

from collections.abc import Callable

from cisim.present.report.page import Document, Section, esc
from cisim.present.report.sections_design import (
    conditions_section,
    effects_section,
    phase_section,
    shares_section,
)
from cisim.present.report.sections_dynamics import (
    early_section,
    survival_section,
    timing_section,
    trajectories_section,
)
from cisim.present.report.sections_sensitivity import (
    discovery_section,
    morris_section,
    regional_section,
    sobol_section,
)
from cisim.present.report.sections_structure import nested_section
from cisim.present.report.sections_timeline import arrival_section


def caveats_section(doc: Document) -> Section | None:
    """The analysis's warnings and what it did not show."""
    notes = [str(w) for w in doc.summary.get("warnings", [])]
    skipped = doc.summary.get("skipped", {})
    notes += [f"Not shown: {k} ({v})." for k, v in skipped.items() if k != "survival figure"]
    if not notes:
        return None
    items = "".join(f"<li>{esc(n)}</li>" for n in notes)
    return Section("caveats", "Caveats", f"<ul>{items}</ul>")


#: The evidence sections in the order the report gives them (each ``None`` when it does not apply).
SECTIONS: tuple[Callable[[Document], Section | None], ...] = (
    shares_section,
    effects_section,
    arrival_section,
    conditions_section,
    phase_section,
    trajectories_section,
    timing_section,
    survival_section,
    early_section,
    sobol_section,
    morris_section,
    regional_section,
    discovery_section,
    nested_section,
    caveats_section,
)

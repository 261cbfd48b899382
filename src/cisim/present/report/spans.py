"""Each factor's effect over its whole range, from the analysis or computed from the runs.

The analysis gives a factor with more than two levels as steps between adjacent levels; the
headline and the effects table also want its lowest level against its highest.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from cisim.analysis.effects import paired_effects
from cisim.analysis.tables import LJ
from cisim.present.report.page import Document
from cisim.present.report.words import records


def factor_effects(doc: Document) -> list[dict[str, Any]]:
    """Each factor's paired effect on the learning-journey share over its whole range.

    Two-level factors: their one contrast from the analysis. Factors with more levels: the lowest
    against the highest level, computed here from the runs (the analysis gives adjacent steps).
    """
    table = doc.filled("paired_effects")
    if table is None:
        return []
    out: list[dict[str, Any]] = []
    for param, part in table.groupby("parameter", sort=False):
        span = part if part["low_level"].nunique() == 1 else whole_range(doc, str(param))
        out.extend(r for r in records(span) if r["outcome"] == LJ)
    return out


def whole_range(doc: Document, param: str) -> pd.DataFrame:
    """Paired effects of ``param``'s lowest against its highest level, on every outcome.

    Empty without the sweep's tables (the analysis itself gives adjacent steps only).
    """
    saved = doc.table_of("range_effects")
    if saved is not None and "parameter" in saved.columns:  # the analysis computed it
        return saved[saved["parameter"] == param]
    src, table = doc.source, doc.table_of("paired_effects")
    if src.design_table is None or src.runs is None or table is None:
        return pd.DataFrame(columns=["outcome"])
    if param not in doc.spans:
        effects = paired_effects(
            src.design_table.drop(columns=["digest"], errors="ignore"),
            src.runs,
            horizon=int(doc.summary.get("horizon", 120)),
            outcomes=list(dict.fromkeys(table["outcome"])),
            parameters=[param],
            contrast="first",
        )
        last = effects["high_level"].iloc[-1] if len(effects) else None
        doc.spans[param] = effects[effects["high_level"] == last]
    return doc.spans[param]

"""Names a class can read: each organisation slot gets a plausible name for its sector.

The engine knows organisations by sector and slot; a story reads better with "the school
district" and "the business council". The names are fixed by slot order within each sector, so
the same seed gives the same names, and both worlds of the side-by-side view share them.
A roster's own names are kept.
"""

from __future__ import annotations

import numpy as np

from cisim.model.parameters import SECTORS
from cisim.model.state import ABSENT, State

__all__ = ["SECTOR_NAMES", "organisation_names"]

#: Names by sector, used in this order; further organisations get numbered names.
SECTOR_NAMES: dict[str, tuple[str, ...]] = {
    "public": (
        "City Hall",
        "the school district",
        "the county health department",
        "the housing authority",
        "the police department",
        "the transit agency",
        "the library service",
        "the parks department",
        "the workforce board",
        "the state agency",
        "the youth services office",
        "the planning department",
    ),
    "private": (
        "the business council",
        "the chamber of commerce",
        "the local bank",
        "the hospital group",
        "the utility company",
        "the tech employer",
        "the builders' association",
        "the retail chain",
    ),
    "nonprofit": (
        "the housing nonprofit",
        "the food bank",
        "the youth charity",
        "the literacy project",
        "the legal aid centre",
        "the health clinic",
        "the job training charity",
        "the arts centre",
        "the refugee service",
        "the family support service",
    ),
    "community": (
        "the neighbourhood association",
        "the tenants' union",
        "the faith network",
        "the parents' group",
        "the residents' forum",
        "the youth council",
        "the sports club",
    ),
    "philanthropy": (
        "the community foundation",
        "the family foundation",
        "the corporate foundation",
        "the donor circle",
    ),
}


def organisation_names(st: State, roster: tuple[str, ...] = (), row: int = 0) -> dict[int, str]:
    """Display name of every organisation slot of ``row`` that exists (members and outsiders).

    Parameters
    ----------
    st
        The engine state.
    roster
        A roster's names, by slot (they take precedence).
    row
        The replicate row.
    """
    used = dict.fromkeys(SECTORS, 0)
    names: dict[int, str] = {}
    for slot in np.flatnonzero(st.status[row] != ABSENT).tolist():
        if slot < len(roster):
            names[slot] = roster[slot]
            continue
        sector = SECTORS[int(st.sector[row, slot])]
        pool = SECTOR_NAMES[sector]
        k = used[sector]
        used[sector] += 1
        names[slot] = pool[k] if k < len(pool) else f"{sector} organisation {k + 1}"
    return names

"""Adaptation of governance and task, and the dynamics of governance conflict.

A collaboration is *stuck* after two setbacks in a row, in open conflict (> 0.4), or after a year of
frustrated talk without an entry point. A stuck collaboration adapts with monthly chance ``0.6
adaptability``: it changes its governance mode (shared, lead organisation, administrative
organisation), which halves the conflict, re-scopes the task (x 0.8), halves the blame climate (a
fresh start) and cools the members' frustration. Formal structure itself has only small effects
(joint work, setback response): what matters is the ability to change it.

Conflict over governance flares where money meets contested decision rights (Hartford: a $28m grant
and a fight over the governance structure) and fades slowly otherwise; blame feeds it too.

References: Pulido-Gómez et al. (JPART: no governance mode predicts success, adaptability does);
Provan & Kenis (2008) (modes of network governance); Hartford case (Bloomberg Harvard).
"""

from __future__ import annotations

import numpy as np

from cisim.model.state import Params, State, row_mean
from cisim.model.streams import Stream, uniform

ADAPT_RATE = 0.6
CLIMATE_RESET = 0.5  # adapting opens a fresh start: the blame climate halves


def stuck(st: State) -> np.ndarray:
    """Collaborations that need to change something, ``(R,)``."""
    long_talk = ~st.entry_found & (st.month >= 12) & (row_mean(st.frustration, st.active) > 0.5)
    return st.alive & ((st.setbacks_in_row >= 2) | (st.conflict > 0.4) | long_talk)


def adaptation(st: State, p: Params) -> None:
    """Stuck collaborations may change governance mode and task; conflict flares or fades."""
    u = uniform(st.keys, Stream.ADAPTATION, st.month)
    adapt = stuck(st) & (u < ADAPT_RATE * p.adaptability)
    shift = 1 + (uniform(st.keys, Stream.GOVERNANCE, st.month) < 0.5)
    st.governance = np.where(adapt, (st.governance + shift) % 3, st.governance)
    st.governance_changes = st.governance_changes + adapt
    st.conflict = np.where(adapt, 0.5 * st.conflict, st.conflict)
    st.task_scope = np.where(adapt & st.entry_found, 0.8 * st.task_scope, st.task_scope)
    st.blame_climate = np.where(adapt, CLIMATE_RESET * st.blame_climate, st.blame_climate)
    st.setbacks_in_row = np.where(adapt, 0, st.setbacks_in_row)
    st.frustration = np.where(adapt[:, None], 0.8 * st.frustration, st.frustration)
    flare = 0.02 * p.authority_contest * p.resources * (1 - st.conflict) - 0.01 * st.conflict
    st.conflict = np.where(st.alive, np.clip(st.conflict + flare, 0, 1), st.conflict)

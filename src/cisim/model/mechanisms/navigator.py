"""Navigators: trusted individuals or groups with limited attention.

Each month the navigators attend to ``navigator * navigator_capacity * credibility`` member
organisations, those in most need first (new representatives still being onboarded, members
recently blamed, members with low trust in their partners, frustrated members). For each one
attended the navigator

* repairs relationships: a good experience of weight ``0.5 credibility`` on its live ties;
* keeps the pace: its frustration eases by 20 %;
* onboards: its new representative settles in twice as fast next month (turnover);
* mediates: a setback next month is less likely to be blamed on a partner (setback response);
* brokers: with chance 1/4 turns one dormant tie to an active member into a live one, preferring
  partners from other sectors.

Credibility erodes when blame happens despite the navigator (setback response) and recovers slowly
towards its initial value.

References: Pulido-Gómez, de Jong & Rivkin (JPART) ("leverage a trusted individual or group as
navigator"); Zellner et al. (2014), JASSS 17(4):11 (key liaisons); Luna-Reyes et al. (2008)
(facilitation).
"""

from __future__ import annotations

import numpy as np

from cisim.model.state import Params, State
from cisim.model.streams import Stream, uniform

BROKER_CHANCE = 0.25
CREDIBILITY_RECOVERY = 0.02


def need(st: State, p: Params) -> np.ndarray:
    """How much each active organisation needs the navigator, ``(R, N)`` (-inf if inactive)."""
    trust_i = st.mean_out_trust(p.initial_trust)
    score = (
        (1.0 - st.onboarding)
        + st.blamed
        + 2.0 * np.maximum(0.5 - trust_i, 0.0)
        + 0.5 * st.frustration
    )
    jitter = 0.01 * uniform(st.keys, Stream.NAVIGATOR, st.month, st.slots)
    return np.where(st.active, score + jitter, -np.inf)


def navigator(st: State, p: Params) -> None:
    """Allocate the navigators' attention and do their work."""
    has = (p.navigator > 0) & st.alive
    budget = np.floor(p.navigator * p.navigator_capacity * st.credibility + 0.5)
    order = np.argsort(-need(st, p), axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(st.slots)[None, :].repeat(st.replicates, 0), axis=1)
    attended = st.active & has[:, None] & (rank < budget[:, None])
    st.attended = attended
    st.navigator_activity = attended.sum(axis=1)
    live = st.live
    touched = live & (st.on_src(attended) | st.on_dst(attended))
    st.experience = st.experience + np.where(touched, 0.5 * st.credibility[:, None], 0.0)
    st.frustration = np.where(attended, 0.8 * st.frustration, st.frustration)
    _broker(st, attended)
    recover = CREDIBILITY_RECOVERY * (p.navigator_credibility - st.credibility)
    st.credibility = np.where(has, st.credibility + recover, st.credibility)


def _broker(st: State, attended: np.ndarray) -> None:
    chance = uniform(st.keys, Stream.BROKER, st.month, st.slots)
    lucky = st.on_src(attended & (chance < BROKER_CHANCE))
    v = uniform(st.keys, Stream.BROKER_TIE, st.month, st.src.shape[1])
    candidates = st.exists & st.dormant & lucky & st.on_dst(st.active)
    other_sector = st.on_src(st.sector) != st.on_dst(st.sector)
    chosen = st.pick_one_per_src(candidates, v + 0.5 * other_sector)
    st.dormant = st.dormant & ~chosen & ~st.reverse(chosen)

"""Setback response: learning or blame.

After a setback (a review falling short of aspiration) each active organisation attributes it to the
situation (learning) or to a partner (blame). The chance of blame is

    logistic(-2.3 + 8 climate + 2.5 (0.5 - trust) + (0.5 - understanding) + 2 (0.5 - data_use)
             - 2 (knowledge - 0.2) + 1.5 (pressure - 0.5) + min(blamed, 2) + 1.5 contest
             - 2 mediation - 1.5 prior_share - joint_problem_solving + mode + salience)

salience ~ N(0, 1) is drawn once per setback and shared by all members: setbacks differ in how
public and how ambiguous they are (a failed ballot measure, a quietly missed milestone). The *blame
climate* is the collaboration's norm for responding to setbacks (Repenning & Sterman's self-
confirming attribution, as a group norm): after every setback it moves half way towards the share of
members who blamed. Because blame is much likelier in a blame climate, the norm has two stable
states, a learning culture and a blame culture, and an unstable point between them; a new
collaboration starts at ``CLIMATE_START``, undecided, so its first setbacks and how its members
happen to respond decide which culture it falls into, and every lever moves the boundary. pressure =
aspiration_level + 0.1 resources + shortfall (grand expectations: the current aspiration level,
which starts at 0.25 + 0.4 aspiration and then follows performance; money and visibility at stake);
contest = authority_contest (0.25 + 1.5 resources) (unclear decision rights, and something to fight
over: Hartford's "dark side of having resources"); knowledge = knowledge of what works, built by
community engagement and data (causes are less ambiguous); mediation = navigator attention times
credibility; prior_share = share of the organisation's ties that are prior relationships.

Learning (Pulido-Gómez et al.: partners "anticipate each other's actions, devise new ways of
apportioning labor, and approach problems collectively") raises the learner's understanding and the
collaboration's operational capacity, re-scopes the task to something achievable, pulls the climate
towards learning, and gives every partner of a learner a good experience of it. Blame gives the
blamer and the blamed a bad experience of each other (weight ``blame_severity``), bystanders tied to
either a smaller one of them (``trust_spillover``), lowers operational capacity, pulls the climate
towards blame, feeds governance conflict where authority is contested, and costs the navigator
credibility. Because the climate and having been blamed both raise the chance of blame, blame
confirms itself (Repenning & Sterman 2002).

References: Pulido-Gómez, de Jong & Rivkin (JPART, doi:10.1093/jopart/muae026); Repenning & Sterman
(2002), ASQ 47:265-295; He, von Krogh & Jonassen (2025); Ariño & de la Torre (1998).
"""

from __future__ import annotations

import numpy as np

from cisim.model.state import Params, State, sigmoid
from cisim.model.streams import Stream, normal, uniform

MODE_BLAME = np.array([-0.05, 0.05, 0.0])  # shared, lead organisation, administrative organisation
BLAMED_DECAY = 0.8
BLAME_BASE = -2.3  # logit of blame for an average member in a neutral climate, before the rest
CLIMATE_WEIGHT = 8.0  # steep enough (> 4) for the norm to have two stable states
SALIENCE_SD = 1.0  # how much setbacks differ in visibility and ambiguity (shared by all members)
TRUST_TERM = 2.5
UNDERSTANDING_TERM = 1.0
KNOWLEDGE_TERM = 2.0  # knowing what works makes a setback's causes less ambiguous
CLIMATE_START = 0.3  # an undecided norm, near the unstable point between the two cultures
CLIMATE_RATE = 0.5  # how far the norm moves towards each setback's blame share


def contest_stakes(p: Params) -> np.ndarray:
    """How much there is to fight over: contested decision rights, worse with money at stake."""
    return np.asarray(p.authority_contest * (0.25 + 1.5 * p.resources), dtype=np.float64)


def blame_probability(st: State, p: Params) -> np.ndarray:
    """Chance that each organisation blames a partner for a setback, ``(R, N)``."""
    live = st.live
    trust_i = st.mean_out_trust(p.initial_trust)
    ties = st.sum_by_src(live)
    prior_share = st.sum_by_src(live & st.prior) / np.maximum(ties, 1.0)
    pressure = st.aspiration_level + 0.1 * p.resources + st.shortfall
    contest = contest_stakes(p)
    mediation = st.attended * st.credibility[:, None]
    x = (
        BLAME_BASE
        + CLIMATE_WEIGHT * st.blame_climate[:, None]
        + TRUST_TERM * (0.5 - trust_i)
        + UNDERSTANDING_TERM * (0.5 - st.understanding)
        + 2.0 * (0.5 - p.data_use)[:, None]
        - KNOWLEDGE_TERM * (st.knowledge - 0.2)[:, None]
        + 1.5 * (pressure - 0.5)[:, None]
        + np.minimum(st.blamed, 2.0)
        + 1.5 * contest[:, None]
        - 2.0 * mediation
        - 1.5 * prior_share
        - 1.0 * p.joint_problem_solving[:, None]
        + MODE_BLAME[st.governance][:, None]
        + SALIENCE_SD * normal(st.keys, Stream.SALIENCE, st.month)[:, None]
    )
    return sigmoid(x)


def setback_response(st: State, p: Params) -> None:
    """Each member responds to this month's setback by learning or by blaming a partner."""
    st.blamed = np.where(st.alive[:, None], st.blamed * BLAMED_DECAY, st.blamed)
    responding = st.active & st.setback_now[:, None]
    u = uniform(st.keys, Stream.ATTRIBUTION, st.month, st.slots)
    blame = responding & (u < blame_probability(st, p))
    learn = responding & ~blame
    st.learned_now, st.blamed_now = learn, blame
    _blame(st, p, blame)
    _learn(st, p, learn)
    n = np.maximum(st.n_active, 1)
    n_blame, n_learn = blame.sum(axis=1), learn.sum(axis=1)
    st.blame_now, st.learning_now = n_blame, n_learn
    st.blame_total = st.blame_total + n_blame
    st.learning_total = st.learning_total + n_learn
    b_share, l_share = n_blame / n, n_learn / n
    oc = st.operational_capacity
    st.operational_capacity = np.clip(oc + 0.1 * l_share * (1 - oc) - 0.15 * b_share * oc, 0, 1)
    st.task_scope = st.task_scope * (1.0 - 0.15 * l_share)
    shift = np.where(st.setback_now & st.alive, CLIMATE_RATE * (b_share - st.blame_climate), 0.0)
    st.blame_climate = np.clip(st.blame_climate + shift, 0.0, 1.0)
    contest = contest_stakes(p)
    st.conflict = np.clip(st.conflict + 0.3 * b_share * contest * (1 - st.conflict), 0, 1)
    st.credibility = st.credibility * (1.0 - 0.1 * b_share * (p.navigator > 0))


def _blame(st: State, p: Params, blame: np.ndarray) -> None:
    live = st.live
    v = uniform(st.keys, Stream.BLAME_TARGET, st.month, st.src.shape[1])
    target = st.pick_one_per_src(live & st.on_src(blame), (1.0 - st.trust) + 0.5 * v)
    back = st.reverse(target)
    severity = p.blame_severity[:, None]
    hits = target.astype(np.float64) + back  # mutual blame in one month counts twice
    st.experience = st.experience - severity * hits
    blamed_count = st.sum_by_dst(target)
    involved = (blamed_count > 0) | blame
    third = live & ~st.on_src(involved) & st.on_dst(involved)
    st.experience = st.experience - np.where(third, p.trust_spillover[:, None] * severity, 0.0)
    st.blamed = st.blamed + blamed_count
    st.frustration = np.where(
        blamed_count > 0, st.frustration + 0.1 * (1 - st.frustration), st.frustration
    )
    st.last_blame = np.where(target | back, st.month, st.last_blame)


def _learn(st: State, p: Params, learn: np.ndarray) -> None:
    st.understanding = np.where(
        learn, st.understanding + 0.15 * (1 - st.understanding), st.understanding
    )
    seen = st.live & st.on_dst(learn)
    st.experience = st.experience + np.where(seen, 1.0, 0.0)

"""A reference implementation of cisim in idiomatic Mesa, for docking and speed ratios.

This is a second, independent implementation of the model description (docs/ODD.md §3, §5, §7),
written the way the Mesa docs teach: one ``Organisation`` agent per organisation (members and
outsiders), fixed to a node of a ``mesa.discrete_space.Network`` (a networkx graph of live and
dormant ties), with methods called through ``self.agents.shuffle_do(...)`` / ``do(...)``, per-agent
Python loops over the partners found through the network space, and trust held per agent in
dictionaries keyed by partner. A ``mesa.DataCollector`` records every metric of
``cisim.model.metrics.REGISTRY`` each month, and :func:`run` returns the per-run outcome columns of
``cisim.simulate``'s summary. It imports only cisim's ``Scenario`` (for parameters) and the
coefficients the mechanisms' modules name (``ENTRY.TRUST_WEIGHT``, ...), never a function of the
model, so a coefficient changes in one place and the two code paths stay independent.

Randomness comes from the model's own ``self.rng`` (a numpy Generator seeded through
``super().__init__(rng=seed)``) and Mesa's ``self.random`` (the order of ``shuffle_do``); the draws
do not match the engine's counter-based streams, so the two implementations are compared
*distributionally* (Axtell, Axelrod, Epstein & Cohen 1996; ``benchmarks/dock_check.py`` and
``tests/docking``).

Where the ODD has all organisations of a mechanism decide at once (§3), this implementation works
in two phases (every agent decides from the state at the start of the mechanism, then all
decisions are applied), which is Mesa's "staged activation" idiom: turnover and the newcomers'
socialisation, the members' proposals of an entry point, setback responses and the habits they
leave, trust, the navigator's briefing and brokering, and exits. Each organisation carries its own
habit of blame; the collaboration's blame climate is only a metric (the members' mean habit).

The regime follows the rule of ``cisim.model.regimes`` (came apart, never found an entry point,
blame in the closing ``regime_window_months`` months, final progress), from the reference's own
record of the monthly setback responses.

Not supported: rosters (named organisations with known relationships).
"""

from __future__ import annotations

import math
import time
from typing import Any

import mesa
import networkx as nx
import numpy as np
import pandas as pd
from mesa.discrete_space import FixedAgent, Network

from cisim import Scenario
from cisim.model import population as START
from cisim.model.mechanisms import adaptation as ADAPTATION
from cisim.model.mechanisms import backbone as BACKBONE
from cisim.model.mechanisms import community as COMMUNITY
from cisim.model.mechanisms import contribution as CONTRIBUTION
from cisim.model.mechanisms import deliberation as DELIBERATION
from cisim.model.mechanisms import entry_point as ENTRY
from cisim.model.mechanisms import joint_work as WORK
from cisim.model.mechanisms import membership as MEMBERSHIP
from cisim.model.mechanisms import navigator as NAVIGATOR
from cisim.model.mechanisms import scale as SCALE
from cisim.model.mechanisms import setback_response as RESPONSE
from cisim.model.mechanisms import triangle as TRIANGLE
from cisim.model.mechanisms import trust as TRUST
from cisim.model.mechanisms import turnover as TURNOVER
from cisim.model.parameters import SECTOR_TRAITS, SECTORS
from cisim.model.regimes import REGIMES

CANDIDATE, ACTIVE, EXITED = "candidate", "active", "exited"
GOVERNANCE = ("shared", "lead_organisation", "administrative_organisation")


#: The monthly metrics, as ``cisim.model.metrics.REGISTRY`` names them; each is a model attribute or
#: method of the same name (``entry_found`` and ``wins`` are attributes, reported as numbers).
METRICS: tuple[str, ...] = (
    "mean_trust",
    "trust_sd",
    "shared_understanding",
    "understanding_sd",
    "progress",
    "legitimacy",
    "community_support",
    "knowledge",
    "operational_capacity",
    "weakest_corner",
    "mean_contribution",
    "contribution_sd",
    "active_members",
    "learning_responses",
    "blame_responses",
    "navigator_activity",
    "turnover_events",
    "conflict",
    "task_conflict",
    "director",
    "coordination",
    "visibility",
    "blame_climate",
    "entry_found",
    "wins",
    "live_ties",
    "governance_mode",
    "running",
)


def mean_sd(values: list[float]) -> tuple[float, float]:
    """Mean and population standard deviation (0, 0 for no values)."""
    if not values:
        return 0.0, 0.0
    mean = sum(values) / len(values)
    return mean, math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


def logistic(x: float) -> float:
    """The logistic function."""
    return 1.0 / (1.0 + math.exp(-x))


def entropy_diversity(sectors: list[int]) -> float:
    """Normalised Shannon entropy of a list of sector codes."""
    if not sectors:
        return 0.0
    counts: dict[int, int] = {}
    for s in sectors:
        counts[s] = counts.get(s, 0) + 1
    n = len(sectors)
    ent = -sum(c / n * math.log(c / n) for c in counts.values())
    return ent / math.log(len(SECTORS))


class Organisation(FixedAgent):
    """A member organisation acting through its current representative."""

    def __init__(
        self,
        model: CollaborationReference,
        cell: Any,
        sector: int,
        status: str,
        traits: dict[str, float],
    ) -> None:
        super().__init__(model)
        self.cell = cell
        self.sector = sector
        self.status = status
        self.authority = traits["authority"]
        self.capacity = traits["capacity"]
        self.alignment = traits["alignment"]
        self.turnover = traits["turnover"]
        active = status == ACTIVE
        self.tenure = START.TENURE_START if active else 0
        self.representatives = 1 if active else 0
        self.onboarding = 1.0 if active else 0.0
        self.understanding = START.UNDERSTANDING_START
        self.contribution = 0.0
        self.frustration = 0.0
        self.blamed = 0.0
        self.habit = RESPONSE.HABIT_START  # its readiness to blame after a setback
        self.attended = False
        # per-partner tie state (this organisation's trust in each partner)
        self.trust: dict[Organisation, float] = {}
        self.institutional_trust: dict[Organisation, float] = {}
        self.experience: dict[Organisation, float] = {}
        self.prior: set[Organisation] = set()
        self.dormant: set[Organisation] = set()
        # phase scratch
        self.left_now = False  # its representative left this month
        self._exit = False
        self._join: float | None = None  # the habit it takes on if it joins this month
        self._blame = False
        self._learn = False
        self._brokered: Organisation | None = None
        self._new_trust: dict[Organisation, float] = {}
        self._taken_up = False  # it proposed an entry point this month and it was taken up
        self._norm = self.habit  # the habit it is socialised into (turnover)

    # ---- helpers ---------------------------------------------------------------------------
    @property
    def is_active(self) -> bool:
        return self.status == ACTIVE and self.model.alive

    @property
    def is_member(self) -> bool:
        return self.status == ACTIVE

    def partners(self) -> list[Organisation]:
        """All organisations this one has a tie with (live or dormant), from the network."""
        return list(self.cell.neighborhood.agents)

    def live_partners(self) -> list[Organisation]:
        if not self.is_active:
            return []
        return [j for j in self.partners() if j not in self.dormant and j.is_active]

    def mean_out_trust(self) -> float:
        live = self.live_partners()
        if not live:
            return self.model.sc.initial_trust
        return sum(self.trust[j] for j in live) / len(live)

    def standing(self) -> float:
        """The mean trust its live partners have in it."""
        live = self.live_partners()
        if not live:
            return self.model.sc.initial_trust
        return sum(j.trust[self] for j in live) / len(live)

    def norm(self) -> float:
        """How its live partners meet setbacks: their mean habit (its own if it has none)."""
        live = self.live_partners()
        if not live:
            return self.habit
        return sum(j.habit for j in live) / len(live)

    def commitment(self) -> float:
        """The share of its capacity it commits this month."""
        return self.contribution / self.capacity if self.capacity > 0 else 0.0

    def effective_authority(self) -> float:
        return self.authority * self.settled()

    def settled(self) -> float:
        """The weight its representative acts with while being onboarded."""
        return TURNOVER.NEWCOMER_WEIGHT + (1.0 - TURNOVER.NEWCOMER_WEIGHT) * self.onboarding

    # ---- 1 turnover --------------------------------------------------------------------------
    def decide_turnover(self) -> None:
        self.left_now = self.is_active and self.model.rng.random() < self.turnover

    def apply_turnover(self) -> None:
        sc = self.model.sc
        act = self.is_active
        if self.left_now:
            self.tenure = 0
            self.representatives += 1
            self.understanding *= sc.institutional_memory
            for j in self.partners():  # the newcomer starts from institutional trust
                self.trust[j] = self.institutional_trust[j]
            for j in self.partners():  # partners' trust in the newcomer moves halfway
                if not j.left_now:
                    j.trust[self] = 0.5 * (j.trust[self] + j.institutional_trust[self])
            self.onboarding = 0.0
        elif act:
            self.tenure += 1
            speed = (1.0 + self.attended) / sc.onboarding_months
            self.onboarding = min(1.0, self.onboarding + speed)

    def find_norm(self) -> None:
        """A newcomer's norm: the mean habit of its active partners who stayed (its own if none)."""
        self._norm = self.habit
        if not self.left_now:
            return
        peers = [j for j in self.live_partners() if not j.left_now]
        if peers:
            self._norm = sum(j.habit for j in peers) / len(peers)

    def socialise(self) -> None:
        self.habit = self._norm

    def follow_institutional_trust(self) -> None:
        rate = self.model.sc.institutional_trust_rate
        for j in self.live_partners():
            self.institutional_trust[j] += rate * (self.trust[j] - self.institutional_trust[j])

    # ---- 2 entry point ----------------------------------------------------------------------
    def propose_entry_point(self, members: int) -> None:
        """Maybe spot an opening and propose it; the partners take it up as far as they trust it."""
        m, sc = self.model, self.model.sc
        self._taken_up = False
        if not self.is_active:
            return
        live = self.live_partners()
        diversity = entropy_diversity([self.sector] + [j.sector for j in live])
        boost = ENTRY.SELF_ASSIGNED_BOOST if m.self_assigned else 1.0
        agency = min(1.0, self.effective_authority() * boost)
        x = (
            ENTRY.DIVERSITY_WEIGHT * (diversity - ENTRY.DIVERSITY_MIDPOINT)
            + ENTRY.TRUST_WEIGHT * (self.mean_out_trust() - ENTRY.TRUST_MIDPOINT)
            + ENTRY.AGENCY_WEIGHT * (agency - ENTRY.AGENCY_MIDPOINT)
            + ENTRY.OUTWARD_WEIGHT * (sc.community_engagement - ENTRY.OUTWARD_MIDPOINT)
        )
        chance = min(1.0, sc.entry_base_rate / members * math.exp(x))
        if m.rng.random() < chance:
            self._taken_up = m.rng.random() < self.standing()
            self._perspective = diversity

    def talk(self) -> None:
        if not self.is_active:
            return
        trust_i = self.mean_out_trust()
        self.understanding += ENTRY.TALK_UNDERSTANDING * trust_i * (1.0 - self.understanding)
        gap = ENTRY.FRUSTRATION_ALIGNMENT - self.alignment
        self.frustration += ENTRY.FRUSTRATION_RATE * gap * (1.0 - self.frustration)

    # ---- 3 contribution ----------------------------------------------------------------------
    def contribute(self) -> None:
        if not self.is_active:
            self.contribution = 0.0
            return
        m = self.model
        x = (
            CONTRIBUTION.TRUST_WEIGHT * (self.mean_out_trust() - CONTRIBUTION.TRUST_MIDPOINT)
            + CONTRIBUTION.ALIGNMENT_WEIGHT * (self.alignment - CONTRIBUTION.ALIGNMENT_MIDPOINT)
            + CONTRIBUTION.PERFORMANCE_WEIGHT * (m.performance - m.aspiration_level)
            + CONTRIBUTION.LEGITIMACY_WEIGHT * (m.legitimacy - CONTRIBUTION.LEGITIMACY_MIDPOINT)
            - CONTRIBUTION.FRUSTRATION_WEIGHT * self.frustration
            - min(self.blamed, CONTRIBUTION.BLAMED_CAP)
            - CONTRIBUTION.MISFIT_WEIGHT * max(0.0, self.authority - m.ambition)
            + SCALE.LOAFING * math.log(max(m.visibility, 1e-9) / SCALE.V_REF)  # free-riding
        )
        if m.entry_found:  # members who own the entry point commit more
            x += CONTRIBUTION.ACCEPTANCE_WEIGHT * (
                m.entry_acceptance - CONTRIBUTION.ACCEPTANCE_MIDPOINT
            )
        self.contribution = self.capacity * logistic(x) * self.settled()

    # ---- 5 setback response ------------------------------------------------------------------
    def blame_probability(self, salience: float) -> float:
        m, sc = self.model, self.model.sc
        live = self.live_partners()
        prior_share = sum(1 for j in live if j in self.prior) / max(len(live), 1)
        pressure = m.aspiration_level + RESPONSE.PRESSURE_RESOURCES * sc.resources + m.shortfall
        mediation = self.attended * m.credibility
        x = (
            RESPONSE.BLAME_BASE
            + RESPONSE.HABIT_WEIGHT * self.habit
            + RESPONSE.NORM_WEIGHT * self.norm()
            + RESPONSE.TRUST_TERM * (0.5 - self.mean_out_trust())
            + RESPONSE.UNDERSTANDING_TERM * (0.5 - self.understanding)
            + RESPONSE.ALIGNMENT_TERM * (0.5 - self.alignment)
            + RESPONSE.DATA_TERM * (0.5 - sc.data_use)
            - RESPONSE.KNOWLEDGE_TERM * (m.knowledge - RESPONSE.KNOWLEDGE_MIDPOINT)
            + RESPONSE.PRESSURE_TERM * (pressure - RESPONSE.PRESSURE_MIDPOINT)
            + min(self.blamed, RESPONSE.BLAMED_CAP)
            + RESPONSE.CONTEST_TERM * m.contest_stakes()
            - RESPONSE.MEDIATION_TERM * mediation
            - RESPONSE.PRIOR_TERM * prior_share
            - RESPONSE.JOINT_TERM * sc.joint_problem_solving
            + RESPONSE.MODE_BLAME[m.governance]
            + RESPONSE.SALIENCE_SD * salience
            # open data names who fell short: it teaches with trust and arms blame without
            + SCALE.OPEN_BLAME
            * sc.open_accountability
            * (SCALE.OPEN_TRUST_PIVOT - self.mean_out_trust())
        )
        return logistic(x)

    def decide_response(self, salience: float) -> None:
        self._blame = self._learn = False
        if self.is_active:
            if self.model.rng.random() < self.blame_probability(salience):
                self._blame = True
            else:
                self._learn = True

    def settle_habit(self) -> None:
        """Its habit moves towards the response it just made (blame 1, learning 0)."""
        if self._blame or self._learn:
            self.habit += RESPONSE.HABIT_RATE * (float(self._blame) - self.habit)

    def choose_target(self) -> Organisation | None:
        """The live partner this organisation blames: the least trusted, with some noise."""
        best, best_score = None, -math.inf
        for j in self.live_partners():
            score = (1.0 - self.trust[j]) + RESPONSE.TARGET_NOISE * self.model.rng.random()
            if score > best_score:
                best, best_score = j, score
        return best

    # ---- 6 trust -----------------------------------------------------------------------------
    def update_trust(self) -> None:
        sc = self.model.sc
        self._new_trust = {}
        for j in self.live_partners():
            commit = j.contribution / j.capacity if j.capacity > 0 else 0.0
            t = self.trust[j]
            e = self.experience.get(j, 0.0) + TRUST.RECIPROCITY_WEIGHT * (commit - t)
            if e != 0.0:  # log-odds move: build for a good experience, erosion for a bad one
                t = min(1.0 - TRUST.EDGE, max(TRUST.EDGE, t))
                rate = sc.trust_build_rate if e > 0 else sc.trust_erosion_rate
                t = logistic(math.log(t / (1.0 - t)) + rate * e)
                t = min(1.0 - TRUST.EDGE, max(TRUST.EDGE, t))
            self._new_trust[j] = t

    def spread_reputation(self) -> None:
        w = self.model.sc.reputation_weight
        for j, t in self._new_trust.items():
            rep = self.model.reputation[j]
            self.trust[j] = min(1.0, max(0.0, t + w * (rep - t)))
        self.experience.clear()

    # ---- 7 navigator -------------------------------------------------------------------------
    def need(self) -> float:
        return (
            (1.0 - self.onboarding)
            + self.blamed
            + NAVIGATOR.NEED_TRUST * max(NAVIGATOR.NEED_TRUST_BELOW - self.mean_out_trust(), 0.0)
            + NAVIGATOR.NEED_FRUSTRATION * self.frustration
            + NAVIGATOR.NEED_JITTER * self.model.rng.random()
        )

    def choose_brokered(self) -> None:
        """With some chance, pick one dormant tie to an active member (another sector preferred)."""
        self._brokered = None
        if self.model.rng.random() >= NAVIGATOR.BROKER_CHANCE:
            return
        best_score = -math.inf
        for j in self.partners():
            if j in self.dormant and j.is_active:
                score = self.model.rng.random() + NAVIGATOR.OTHER_SECTOR * (j.sector != self.sector)
                if score > best_score:
                    self._brokered, best_score = j, score

    def broker(self) -> None:
        """Turn the chosen dormant tie, and its reverse, live."""
        if self._brokered is not None:
            self.dormant.discard(self._brokered)
            self._brokered.dormant.discard(self)

    # ---- 10 membership -----------------------------------------------------------------------
    def decide_exit(self) -> None:
        m, sc = self.model, self.model.sc
        self._exit = False
        if not self.is_active:
            return
        value = m.exit_value
        x = (
            MEMBERSHIP.FRUSTRATION_EXIT * (self.frustration - MEMBERSHIP.FRUSTRATION_MIDPOINT)
            + min(self.blamed, MEMBERSHIP.BLAMED_CAP)
            - MEMBERSHIP.VALUE_EXIT * (value - MEMBERSHIP.VALUE_MIDPOINT)
            - MEMBERSHIP.ALIGNMENT_EXIT * (self.alignment - MEMBERSHIP.ALIGNMENT_MIDPOINT)
        )
        self._exit = m.rng.random() < min(MEMBERSHIP.EXIT_CAP, sc.exit_base_rate * math.exp(x))

    def consider_joining(self) -> None:
        """Decide whether to join, and the habit it would take on from the members it finds
        (those joining the same month are not yet among them)."""
        m = self.model
        self._join = None
        if self.status != CANDIDATE or not m.alive:
            return
        factor = 1.0 if m.entry_found else MEMBERSHIP.JOIN_BEFORE_ENTRY
        hazard = m.sc.join_base_rate * m.legitimacy * factor
        if m.rng.random() < hazard:
            known = self.live_partners()  # its partners among the active members
            self._join = sum(j.habit for j in known) / len(known) if known else RESPONSE.HABIT_START

    def join(self) -> None:
        if self._join is None:
            return
        self.status = ACTIVE
        self.onboarding = 0.0
        self.tenure = 0
        self.understanding = MEMBERSHIP.NEWCOMER_UNDERSTANDING
        self.representatives += 1
        self.habit = self._join
        self._join = None


def _reporter(name: str) -> Any:
    """A DataCollector reporter: the model's method ``name``, or its attribute as a number."""
    if callable(getattr(CollaborationReference, name, None)):
        return getattr(CollaborationReference, name)
    return lambda model: float(getattr(model, name))


class CollaborationReference(mesa.Model):
    """One cross-sector collaboration, in idiomatic Mesa."""

    def __init__(self, scenario: Scenario, seed: int | None = None) -> None:
        super().__init__(rng=seed)
        if scenario.roster is not None:
            raise NotImplementedError("rosters are not supported by the reference model")
        if any(e.shock or set(e.set) & set(SECTOR_TRAITS) for e in scenario.timeline):
            raise NotImplementedError("the reference model implements no shocks or trait events")
        self.sc = sc = scenario
        n = sc.n_organisations
        extra = round(sc.candidate_share * n)
        total = n + extra
        sectors = self._sectors(n, extra)
        graph, live_edges, dormant_edges = self._graph(total, sectors)
        self.grid = Network(graph, random=self.random, layout=None)
        for node in range(total):
            traits = self._traits(sectors[node])
            status = ACTIVE if node < n else CANDIDATE
            Organisation(self, self.grid[node], sectors[node], status, traits)
        org = {a.cell.coordinate: a for a in self.agents}
        share = self._prior_share()
        for a, b in live_edges:
            prior = self.rng.random() < share
            self._tie(org[a], org[b], prior)
        for a, b in dormant_edges:
            self._tie(org[a], org[b], False)
            org[a].dormant.add(org[b])
            org[b].dormant.add(org[a])

        # collaboration state (ODD §5)
        self.month = 0
        self.alive = True
        self.dissolved_month = -1
        self.entry_found = sc.entry_point in ("designed", "imposed")
        self.entry_month = 0 if self.entry_found else -1
        self.entry_fit = sc.entry_quality if self.entry_found else 0.0
        self.entry_acceptance = self._handed_acceptance() if self.entry_found else 0.0
        self.entry_revisions = 0
        self.entry_imposed = self.entry_found and sc.entry_point == "imposed"
        self.first_win_month = -1
        self.task_scope = START.SCOPE_START + START.SCOPE_ASPIRATION * sc.aspiration
        self.task_effort = 0.0
        self.task_months = 0
        self.aspiration_level = START.ASPIRATION_START + START.ASPIRATION_WEIGHT * sc.aspiration
        self.performance = self.aspiration_level
        self.shortfall = 0.0
        self.progress = 0.0
        self.self_assigned = sc.authority_source == "self_assigned"
        mandate = 0.0 if self.self_assigned else COMMUNITY.LEGITIMACY_MANDATE
        self.legitimacy = START.LEGITIMACY_START + mandate
        self.support = START.SUPPORT_START + START.SUPPORT_ENGAGEMENT * sc.community_engagement
        self.knowledge = START.KNOWLEDGE_START
        self.operational_capacity = START.CAPACITY_START
        self.conflict = START.CONFLICT_START * sc.authority_contest
        self.task_conflict = 0.0
        self.director = 0.0  # the backbone's executive director: in post (1) or not (0)
        self.ambition = WORK.AMBITION_BASE + WORK.AMBITION_WEIGHT * sc.aspiration
        self.governance = GOVERNANCE.index(sc.governance_mode)
        self.credibility = sc.navigator_credibility if sc.navigator > 0 else 0.0
        self.setbacks_in_row = 0
        self.reviewed_now = self.won_now = self.setback_now = False
        self.wins = 0
        self.learning_total = self.blame_total = 0
        self.learning_now = self.blame_now = 0
        self.responses: list[tuple[int, int, int]] = []  # (month, blame, learning) per month
        self.reputation: dict[Organisation, float] = {}
        self.initial_members = self.n_active()
        self.size_terms()  # what the number convened costs and brings (§7.1b)
        self.exit_value = 0.0

        self.navigator_activity = 0
        self.datacollector = mesa.DataCollector(
            model_reporters={name: _reporter(name) for name in METRICS}
        )
        self.observe()
        self.datacollector.collect(self)

    # ---- initialisation ----------------------------------------------------------------------
    def _sectors(self, n: int, extra: int) -> list[int]:
        share = np.array([self.sc.sector_mix[s] for s in SECTORS], dtype=float)
        share = share / share.sum()
        exact = share * n
        counts = np.floor(exact).astype(int)
        order = np.argsort(-(exact - counts), kind="stable")
        counts[order[: n - counts.sum()]] += 1
        members = [s for s, c in enumerate(counts) for _ in range(c)]
        self.rng.shuffle(members)
        outsiders = self.rng.choice(len(SECTORS), size=extra, p=share).tolist()
        return [int(s) for s in members + outsiders]

    def _traits(self, sector: int) -> dict[str, float]:
        sc = self.sc
        out = {}
        for trait in SECTOR_TRAITS:
            mean = sc.sector_trait(SECTORS[sector], trait)
            z = self.rng.standard_normal()
            if trait == "turnover":  # lognormal around the mean
                s = 2.0 * sc.trait_spread
                out[trait] = min(1.0, max(0.0, mean * math.exp(s * z - 0.5 * s * s)))
            else:
                out[trait] = min(1.0, max(0.0, mean + sc.trait_spread * z))
        return out

    def _graph(self, total: int, sectors: list[int]) -> tuple[nx.Graph, list, list]:
        sc = self.sc
        degree = min(sc.mean_degree, total - 1)
        m = round(total * degree / 2)
        if sc.network == "complete":
            g = nx.complete_graph(total)
        elif sc.network == "random":
            g = nx.gnm_random_graph(total, m, seed=self.rng)
        elif sc.network == "small_world":
            g = self._small_world(total, degree)
        elif sc.network == "clustered":
            g = self._clustered(total, m, sectors)
        else:
            raise ValueError(f"unknown topology {sc.network!r}")
        live = list(g.edges())
        k = min(round(total * sc.dormant_ties / 2), total * (total - 1) // 2 - len(live))
        dormant: list[tuple[int, int]] = []
        while len(dormant) < k:
            a, b = (int(x) for x in self.rng.integers(0, total, size=2))
            if a != b and not g.has_edge(a, b):
                g.add_edge(a, b)
                dormant.append((a, b))
        return g, live, dormant

    def _small_world(self, total: int, degree: float) -> nx.Graph:
        """Watts & Strogatz (1998) as ODD §5.3 words it.

        A ring lattice of ``round(degree / 2)`` neighbours on one side; each lattice tie, node by
        node, is rewired with probability ``rewiring`` to a uniformly drawn target, and the rewiring
        is skipped if the target is the node itself or already a partner (networkx's
        ``watts_strogatz_graph`` instead redraws the target until it is valid, which rewires more).
        """
        if total < 3:
            return nx.complete_graph(total)
        half = max(1, min(round(degree / 2), (total - 1) // 2))
        g = nx.watts_strogatz_graph(total, 2 * half, 0.0)  # the ring lattice
        for u in range(total):
            for k in range(1, half + 1):
                if self.rng.random() < self.sc.rewiring:
                    w = int(self.rng.integers(total))
                    if w != u and not g.has_edge(u, w):
                        g.remove_edge(u, (u + k) % total)
                        g.add_edge(u, w)
        return g

    def _clustered(self, total: int, m: int, sectors: list[int]) -> nx.Graph:
        """``m`` ties, a share ``homophily`` of them within sectors (ODD §5.3), the rest at random.

        The within-sector ties are allocated to sectors in proportion to their possible pairs
        (a multinomial draw) and drawn as a random graph G(n, m) inside each sector.
        """
        g = nx.empty_graph(total)
        within = round(m * self.sc.homophily)
        groups = [[i for i in range(total) if sectors[i] == s] for s in range(max(sectors) + 1)]
        possible = [len(group) * (len(group) - 1) / 2 for group in groups]
        if within > 0 and sum(possible) > 0:
            counts = self.rng.multinomial(within, [c / sum(possible) for c in possible])
            for group, count in zip(groups, counts, strict=True):
                if count and len(group) > 1:
                    local = nx.gnm_random_graph(len(group), int(count), seed=self.rng)
                    g.add_edges_from((group[a], group[b]) for a, b in local.edges())
        while g.number_of_edges() < min(m, total * (total - 1) // 2):
            a, b = (int(x) for x in self.rng.integers(0, total, size=2))
            if a != b:
                g.add_edge(a, b)
        return g

    def _prior_share(self) -> float:
        """This collaboration's share of prior ties: logit-normal around ``prior_ties``."""
        sc = self.sc
        if not 0.0 < sc.prior_ties < 1.0 or sc.history_spread == 0.0:
            return sc.prior_ties
        centre = math.log(sc.prior_ties) - math.log1p(-sc.prior_ties)
        return logistic(self.rng.normal(centre, sc.history_spread))

    def _initial_trust(self, prior: bool) -> float:
        sc = self.sc
        t = sc.initial_trust + sc.trust_spread * self.rng.standard_normal()
        return min(1.0, max(0.0, t + sc.prior_trust_bonus * prior))

    def _tie(self, a: Organisation, b: Organisation, prior: bool) -> None:
        for x, y in ((a, b), (b, a)):
            x.trust[y] = x.institutional_trust[y] = self._initial_trust(prior)
            if prior:
                x.prior.add(y)

    # ---- collective quantities ---------------------------------------------------------------
    def active_agents(self) -> list[Organisation]:
        return [a for a in self.agents if a.is_active]

    def n_active(self) -> int:
        return len(self.active_agents())

    def n_members(self) -> int:
        return sum(1 for a in self.agents if a.is_member)

    def observe(self) -> None:
        """Take this month's observations that several metrics share (before collecting)."""
        members = [a for a in self.agents if a.is_member]
        self._habit = mean_sd([a.habit for a in members])[0]
        self._tie_trust = [
            a.trust[j] for a in members for j in a.partners() if j.is_member and j not in a.dormant
        ]
        self._understanding = mean_sd([a.understanding for a in members])
        self._commitment = mean_sd([a.commitment() for a in members])

    # ---- the monthly metrics (the names and definitions of cisim.model.metrics.REGISTRY) -------
    def mean_trust(self) -> float:
        """Mean trust on ties between members (not dormant; dissolved collaborations too)."""
        return mean_sd(self._tie_trust)[0]

    def trust_sd(self) -> float:
        return mean_sd(self._tie_trust)[1]

    def shared_understanding(self) -> float:
        return self._understanding[0]

    def understanding_sd(self) -> float:
        return self._understanding[1]

    def community_support(self) -> float:
        return self.support

    def mean_contribution(self) -> float:
        return self._commitment[0]

    def contribution_sd(self) -> float:
        return self._commitment[1]

    def active_members(self) -> float:
        return float(self.n_members())

    def learning_responses(self) -> float:
        return float(self.learning_now)

    def blame_responses(self) -> float:
        return float(self.blame_now)

    def turnover_events(self) -> float:
        return float(sum(1 for a in self.agents if a.left_now and a.is_member))

    def live_ties(self) -> float:
        return float(len(self._tie_trust))

    def weakest_corner(self) -> float:
        """The strategic triangle's weakest corner."""
        return min(self.legitimacy, self._understanding[0], self.operational_capacity)

    def governance_mode(self) -> float:
        return float(self.governance)

    def running(self) -> float:
        return float(self.alive)

    def blame_climate(self) -> float:
        """The members' mean habit of blame."""
        return self._habit

    def contest_stakes(self) -> float:
        money = RESPONSE.CONTEST_MONEY * self.sc.resources
        return self.sc.authority_contest * (RESPONSE.CONTEST_BASE + money)

    def decide(self, *args: object, **kwargs: object) -> None:
        """Refused: the reference does not carry the engine's decision hook
        (``cisim.model.decisions``); decisions from outside would be ignored here."""
        raise NotImplementedError(
            "the docking reference has no decision hook: decide for organisations on "
            "cisim.engine.mesa_model.CollaborationModel (or cisim.model.decisions.decide)"
        )

    # ---- the month -----------------------------------------------------------------------------
    def step(self) -> None:
        self.month += 1
        if self.alive:
            self.timeline()
            self.turnover()
            self.backbone()
            self.scale()
            self.search_entry_point()
            self.agents.do("contribute")
            self.deliberation()
            self.joint_work()
            self.setback_response()
            self.trust_update()
            self.navigator()
            self.community()
            self.strategic_triangle()
            self.adaptation()
            self.membership()
        else:  # a dissolved collaboration is frozen: nothing happens in it any more
            self.learning_now = self.blame_now = self.navigator_activity = 0
            for a in self.agents:
                a.left_now = a.attended = False
        self.observe()
        self.datacollector.collect(self)

    def timeline(self) -> None:
        """The scenario's events of this month (ODD §6.1, §7.0): levers only; this reference
        implements no trait events or shocks (a scenario with them is refused at the start)."""
        for event in self.sc.timeline:
            if event.month != self.month:
                continue
            before = self.sc
            self.sc = self.sc.replace(**dict(event.set))
            if before.navigator == 0 and self.sc.navigator > 0:
                self.credibility = self.sc.navigator_credibility  # arrives with its standing
            handed = event.set.get("entry_point") in ("designed", "imposed")
            if handed and not self.entry_found:  # handed over, with its fit and acceptance
                self.entry_found, self.entry_month = True, self.month
                self.entry_fit = self.sc.entry_quality
                self.entry_acceptance = self._handed_acceptance()
                self.entry_imposed = self.sc.entry_point == "imposed"

    def _handed_acceptance(self) -> float:
        if self.sc.entry_point == "imposed":
            return ENTRY.IMPOSED_ACCEPTANCE
        return ENTRY.DESIGNED_ACCEPTANCE

    def turnover(self) -> None:
        self.agents.shuffle_do("decide_turnover")
        self.agents.do("apply_turnover")
        self.agents.do("find_norm")  # newcomers' norms, from the habits as they were ...
        self.agents.do("socialise")  # ... then taken on
        self.agents.do("follow_institutional_trust")

    def backbone(self) -> None:
        """A funded backbone seeks a director (more readily with legitimacy and without
        conflict), loses one at the members' turnover, and its staff build capacity."""
        size = self.sc.backbone
        if size <= 0:
            return
        if self.director:
            act = self.active_agents()
            rate = sum(a.turnover for a in act) / len(act) if act else 0.0
            if self.rng.random() < rate:
                self.director = 0.0
        elif self.rng.random() < BACKBONE.RECRUIT * self.legitimacy * (1.0 - self.conflict):
            self.director = 1.0
        if self.director:
            gap = 1.0 - self.operational_capacity
            self.operational_capacity += BACKBONE.BUILD * size * gap

    def scale(self) -> None:
        """What the number of organisations convened costs and brings: coordination (strained
        by the governance mode, eased by operational capacity), the visibility of each member's
        work (open accountability makes it whole) and the coalition's breadth."""
        self.size_terms()
        if self.coordination < 1.0:  # more channels than members can keep up with
            push = SCALE.OVERLOAD * (1.0 - self.coordination)
            for a in self.active_agents():
                a.frustration += push * (1.0 - a.frustration)

    def size_terms(self) -> None:
        n = max(float(self.initial_members), 2.0)
        strain = SCALE.STRAIN[self.governance] * (1.0 - self.operational_capacity)
        channels = math.log((n - 1.0) / (SCALE.N_REF - 1.0))
        self.coordination = math.exp(-SCALE.COORDINATION_COST * strain * channels)
        seen = min(1.0, SCALE.K_SEEN / (n - 1.0))
        self.visibility = seen + (1.0 - seen) * self.sc.open_accountability
        self.breadth = math.log(n / SCALE.N_REF)

    def search_entry_point(self) -> None:
        if self.entry_found:
            return
        if self.sc.entry_point != "none":
            members = self.n_active()
            self.agents.shuffle_do("propose_entry_point", members)
            proposers = [a for a in self.agents if a._taken_up]
            if proposers:
                self.entry_found = True
                self.entry_month = self.month
                # what the proposer brings: its perspective (fit) and its standing (acceptance)
                self.entry_fit = proposers[0]._perspective
                self.entry_acceptance = proposers[0].standing()
                return
        self.agents.do("talk")

    def members_mean_trust(self) -> float:
        """The members' mean trust in each other over live ties (the pivot if there are none)."""
        trusts = [a.trust[j] for a in self.active_agents() for j in a.live_partners()]
        return sum(trusts) / len(trusts) if trusts else DELIBERATION.TRUST_PIVOT

    def deliberation(self) -> None:
        """Task conflict: disagreement about substance, which turns personal without trust."""
        if not self.entry_found:
            return
        act = self.active_agents()
        spread = entropy_diversity([a.sector for a in act])
        unshared = 1.0 - (sum(a.understanding for a in act) / len(act) if act else 0.0)
        target = self.sc.disagreement * spread * unshared
        self.task_conflict += DELIBERATION.RELAXATION * (target - self.task_conflict)
        sour = 1.0 - 2.0 * self.members_mean_trust()
        if sour > 0:
            feed = DELIBERATION.SPILL * self.task_conflict * sour * (1.0 - self.conflict)
            self.conflict = min(1.0, max(0.0, self.conflict + feed))

    def task_output(self) -> float:
        sc = self.sc
        act = self.active_agents()
        if act:
            effort = sum(a.contribution for a in act) / max(sum(a.capacity for a in act), 1e-9)
            weight = sum(a.contribution for a in act)
            present = sum(a.effective_authority() * a.contribution for a in act) / max(
                weight, 1e-12
            )
            understanding = sum(a.understanding for a in act) / len(act)
        else:
            effort = present = understanding = 0.0
        paid = 1.0 - BACKBONE.DUES * sc.backbone * self.director  # the backbone's staff
        paid *= 1.0 - TRIANGLE.COST * sc.triangle  # time given to the strategic triangle
        base = (
            WORK.EFFORT_WEIGHT * effort * paid
            + WORK.UNDERSTANDING_WEIGHT * understanding
            + WORK.CAPACITY_WEIGHT * self.operational_capacity
        )
        diversity = entropy_diversity([a.sector for a in act])
        synergy = 1.0 + WORK.SYNERGY * sc.joint_problem_solving * diversity
        knowing = WORK.KNOWLEDGE_FLOOR + (1.0 - WORK.KNOWLEDGE_FLOOR) * self.knowledge
        targeting = WORK.TARGETING_BASE + WORK.TARGETING_DATA * sc.data_use * knowing
        community_time = 1.0 - WORK.COMMUNITY_TIME * sc.community_engagement
        money = WORK.MONEY_WEIGHT * sc.resources * self.operational_capacity
        drag = 1.0 - WORK.CONFLICT_DRAG * self.conflict
        reach = max(0.0, 1.0 - WORK.AUTHORITY_REACH * max(0.0, self.task_scope - present))
        out = (base * synergy * targeting * community_time + money) * drag * reach
        fit = 1.0 + WORK.FIT_WEIGHT * (self.entry_fit - WORK.FIT_MIDPOINT)
        lean = 2.0 * (self.members_mean_trust() - DELIBERATION.TRUST_PIVOT)
        debate = 1.0 + DELIBERATION.QUALITY_WEIGHT * self.task_conflict * lean
        size = self.coordination * (1.0 + SCALE.BREADTH_OUTPUT * self.breadth)
        corners = (self.legitimacy, understanding, self.operational_capacity)
        aligned = 1.0 - TRIANGLE.MISALIGNMENT * (1.0 - min(corners) / max(sum(corners) / 3, 1e-12))
        return out * fit * debate * WORK.MODE_EFFECT[self.governance] * size * aligned

    def tried(self) -> float:
        """The share of what it tries that a collaboration learns from (its job, seed 000)."""
        return WORK.DO_LEARNING if self.sc.job == "do" else 1.0

    def joint_work(self) -> None:
        sc = self.sc
        self.reviewed_now = self.won_now = self.setback_now = False
        self.shortfall = 0.0
        if not self.entry_found:
            return
        self.task_effort += self.task_output()
        self.task_months += 1
        for a in self.agents:
            a.frustration *= WORK.FRUSTRATION_EASING
        if self.task_months < sc.review_months:
            return
        noise = sc.outcome_noise * (1.0 - WORK.DATA_NOISE_REDUCTION * sc.data_use)
        noise *= self.rng.standard_normal()
        y = self.task_effort / self.task_months + noise
        win, setback = y >= self.task_scope, y < self.aspiration_level
        self.reviewed_now, self.won_now, self.setback_now = True, win, setback
        if win:
            uptake = WORK.THINK_UPTAKE if sc.job == "think" else 1.0  # others implement it
            self.progress += uptake * WORK.PROGRESS_RATE * min(y, 1.0) * (1.0 - self.progress)
            self.wins += 1
            if self.first_win_month < 0:
                self.first_win_month = self.month
            for a in self.active_agents():  # small wins: a good experience of every partner,
                for j in a.live_partners():
                    a.experience[j] = a.experience.get(j, 0.0) + 1.0
                a.understanding += WORK.WIN_UNDERSTANDING * (1.0 - a.understanding)  # and insight
            self.knowledge += self.tried() * WORK.WIN_KNOWLEDGE * (1.0 - self.knowledge)
            self.operational_capacity += WORK.WIN_CAPACITY * (1.0 - self.operational_capacity)
            self.task_scope = min(self.ambition, self.task_scope * WORK.SCOPE_GROWTH)
            for a in self.agents:
                a.frustration *= WORK.WIN_RELIEF
        if setback:
            for a in self.active_agents():
                a.frustration += WORK.SETBACK_FRUSTRATION * (1.0 - a.frustration)
            self.setbacks_in_row += 1
            self.shortfall = self.aspiration_level - y
        else:
            self.setbacks_in_row = 0
        self.performance = y
        level = self.aspiration_level + WORK.ASPIRATION_ADAPTATION * (y - self.aspiration_level)
        self.aspiration_level = min(WORK.ASPIRATION_MAX, max(0.0, level))
        self.task_effort = 0.0
        self.task_months = 0

    def setback_response(self) -> None:
        sc = self.sc
        for a in self.agents:
            a.blamed *= RESPONSE.BLAMED_DECAY
        n = max(self.n_active(), 1)
        self.blame_now = self.learning_now = 0
        if not self.setback_now:
            for a in self.agents:
                a._blame = a._learn = False
            self.responses.append((self.month, 0, 0))
            return
        salience = self.rng.standard_normal()  # one per setback, shared by all members
        self.agents.shuffle_do("decide_response", salience)
        blamers = [a for a in self.agents if a._blame]
        learners = [a for a in self.agents if a._learn]
        severity, spill = sc.blame_severity, sc.trust_spillover
        blamed_count: dict[Organisation, int] = {}
        for a in blamers:
            target = a.choose_target()
            if target is None:
                continue
            a.experience[target] = a.experience.get(target, 0.0) - severity
            target.experience[a] = target.experience.get(a, 0.0) - severity
            blamed_count[target] = blamed_count.get(target, 0) + 1
        involved = set(blamers) | set(blamed_count)
        for k in self.active_agents():  # bystanders tied to those involved
            if k in involved:
                continue
            for x in k.live_partners():
                if x in involved:
                    k.experience[x] = k.experience.get(x, 0.0) - spill * severity
        for j, count in blamed_count.items():
            j.blamed += count
            j.frustration += RESPONSE.BLAMED_FRUSTRATION * (1.0 - j.frustration)
        for a in learners:
            a.understanding += RESPONSE.LEARNING_RATE * (1.0 - a.understanding)
            for k in a.live_partners():  # every partner of a learner sees it learn
                k.experience[a] = k.experience.get(a, 0.0) + 1.0
        self.agents.do("settle_habit")  # every responder's habit follows its response
        self.blame_now, self.learning_now = len(blamers), len(learners)
        self.blame_total += self.blame_now
        self.learning_total += self.learning_now
        self.responses.append((self.month, self.blame_now, self.learning_now))
        b_share, l_share = self.blame_now / n, self.learning_now / n
        oc = self.operational_capacity
        gain = RESPONSE.CAPACITY_GAIN * l_share * (1 - oc)
        self.operational_capacity = min(
            1.0, max(0.0, oc + gain - RESPONSE.CAPACITY_LOSS * b_share * oc)
        )
        self.task_scope *= 1.0 - RESPONSE.RESCOPE * l_share
        self.knowledge += (
            self.tried() * RESPONSE.SETBACK_KNOWLEDGE * l_share * (1.0 - self.knowledge)
        )
        c = self.conflict
        feed = RESPONSE.CONFLICT_FEED * b_share * self.contest_stakes() * (1 - c)
        self.conflict = min(1.0, max(0.0, c + feed))
        if sc.navigator > 0:
            self.credibility *= 1.0 - RESPONSE.CREDIBILITY_LOSS * b_share

    def trust_update(self) -> None:
        self.agents.do("update_trust")
        totals: dict[Organisation, list[float]] = {}
        for a in self.agents:
            for j, t in a._new_trust.items():
                totals.setdefault(j, []).append(t)
        self.reputation = {j: sum(v) / len(v) for j, v in totals.items()}
        self.agents.do("spread_reputation")

    def navigator(self) -> None:
        sc = self.sc
        for a in self.agents:
            a.attended = False
        self.navigator_activity = 0
        if sc.navigator <= 0:
            return
        budget = math.floor(sc.navigator * sc.navigator_capacity * self.credibility + 0.5)
        act = self.active_agents()
        ranked = sorted(act, key=lambda a: -a.need())
        attended = ranked[:budget]
        for a in attended:
            a.attended = True
        self.navigator_activity = len(attended)
        for a in act:  # repair: a good experience on every live tie touching an attended member
            for j in a.live_partners():
                if a.attended or j.attended:
                    repair = NAVIGATOR.REPAIR * self.credibility
                    a.experience[j] = a.experience.get(j, 0.0) + repair
        shared = sum(a.understanding for a in act) / len(act) if act else 0.0
        cred = self.credibility
        for a in attended:
            a.frustration *= NAVIGATOR.PACE
            if a.onboarding < 1.0:  # a new representative is briefed and coached
                if shared > a.understanding:
                    a.understanding += NAVIGATOR.BRIEFING * cred * (shared - a.understanding)
                a.habit *= 1.0 - NAVIGATOR.COACHING * cred
        for a in attended:  # every attended member chooses from the ties as they were ...
            a.choose_brokered()
        for a in attended:  # ... then the chosen ties become live
            a.broker()
        recovery = NAVIGATOR.CREDIBILITY_RECOVERY
        self.credibility += recovery * (sc.navigator_credibility - self.credibility)

    def community(self) -> None:
        sc = self.sc
        ce = sc.community_engagement
        support = (
            self.support
            + COMMUNITY.SUPPORT_GROWTH * ce * (1 - self.support)
            - COMMUNITY.SUPPORT_DECAY * self.support
        )
        know = self.knowledge
        if self.reviewed_now:  # what was tried, learnt from stakeholders' feedback and data
            from_community = COMMUNITY.KNOWLEDGE_FROM_COMMUNITY * ce
            from_data = COMMUNITY.KNOWLEDGE_FROM_DATA * sc.data_use
            know += self.tried() * (from_community + from_data) * (1 - know)
        target = (
            COMMUNITY.LEGITIMACY_BASE
            + COMMUNITY.LEGITIMACY_SUPPORT * support
            + COMMUNITY.LEGITIMACY_PROGRESS * self.progress
            - COMMUNITY.LEGITIMACY_CONFLICT * self.conflict
            + COMMUNITY.LEGITIMACY_MANDATE * (not self.self_assigned)
            + SCALE.BREADTH_LEGITIMACY * self.breadth  # a broad coalition's standing
        )
        gap = min(1.0, max(0.0, target)) - self.legitimacy
        self.legitimacy += COMMUNITY.LEGITIMACY_RATE * gap
        self.support, self.knowledge = support, know

    def strategic_triangle(self) -> None:
        """A team that manages its triangle moves its corners towards 1, the weakest most."""
        attention = self.sc.triangle
        if attention <= 0.0:
            return
        act = self.active_agents()
        value = sum(a.understanding for a in act) / len(act) if act else 0.0
        corners = [self.legitimacy, value, self.operational_capacity]
        low = corners.index(min(corners))  # ties: legitimacy, then public value
        focus = self.sc.triangle_focus
        step = [
            TRIANGLE.ALIGN * attention * (focus * (k == low) + (1 - focus) / 3) for k in range(3)
        ]
        self.legitimacy += step[0] * (1.0 - self.legitimacy)
        for a in act:
            a.understanding += step[1] * (1.0 - a.understanding)
        self.operational_capacity += step[2] * (1.0 - self.operational_capacity)

    def adaptation(self) -> None:
        sc = self.sc
        act = self.active_agents()
        mean_frustration = sum(a.frustration for a in act) / len(act) if act else 0.0
        long_talk = (
            not self.entry_found
            and self.month >= ADAPTATION.STUCK_TALK_MONTHS
            and mean_frustration > ADAPTATION.STUCK_TALK_FRUSTRATION
        )
        stuck = (
            self.setbacks_in_row >= ADAPTATION.STUCK_SETBACKS
            or self.conflict > ADAPTATION.STUCK_CONFLICT
            or long_talk
        )
        own = ADAPTATION.SELF_ASSIGNED_ADAPTATION if self.self_assigned else 1.0
        if stuck and self.rng.random() < ADAPTATION.ADAPT_RATE * sc.adaptability * own:
            self.governance = (self.governance + 1 + (self.rng.random() < 0.5)) % 3
            self.conflict *= ADAPTATION.CONFLICT_RESET
            if self.entry_found:
                self.task_scope *= ADAPTATION.RESCOPE
                # a provisional entry point is revised; an imposed one, or a doing
                # partnership's agreed strategy, is not
                if not self.entry_imposed and self.sc.job != "do":
                    self.entry_fit += ADAPTATION.REVISION * max(
                        0.0, self.knowledge - self.entry_fit
                    )
                    trusts = [a.trust[j] for a in self.active_agents() for j in a.live_partners()]
                    self.entry_acceptance = sum(trusts) / len(trusts) if trusts else 0.0
                    self.entry_revisions += 1
            for a in self.agents:  # a fresh start: habits move back towards where members began
                a.habit = RESPONSE.HABIT_START + ADAPTATION.HABIT_RESET * (
                    a.habit - RESPONSE.HABIT_START
                )
            self.setbacks_in_row = 0
            for a in self.agents:
                a.frustration *= ADAPTATION.FRUSTRATION_RESET
        contested = ADAPTATION.CONFLICT_FLARE * sc.authority_contest * sc.resources
        flare = contested * (1 - self.conflict) - ADAPTATION.CONFLICT_FADE * self.conflict
        self.conflict = min(1.0, max(0.0, self.conflict + flare))

    def membership(self) -> None:
        lost = max(0.0, 1.0 - self.n_active() / max(self.initial_members, 1))
        value = 0.5 * (self.legitimacy + self.progress)
        self.exit_value = value - MEMBERSHIP.DEPARTURE_COST * lost
        self.agents.shuffle_do("decide_exit")
        for a in self.agents:
            if a._exit:
                a.status = EXITED
                a._exit = False
        self.agents.shuffle_do("consider_joining")
        self.agents.do("join")
        if self.n_active() < MEMBERSHIP.MIN_MEMBERS:
            self.alive = False
            self.dissolved_month = self.month

    # ---- outcomes ------------------------------------------------------------------------------
    def closing_blame_share(self) -> float:
        """Share of the setbacks of the last ``regime_window_months`` months that were met by
        blame: more blame than learning responses, an even split counting half (NaN without
        any)."""
        since = self.month - self.sc.regime_window_months
        met = [
            1.0 if b > k else 0.5 if b == k else 0.0
            for month, b, k in self.responses
            if month > since and b + k > 0
        ]
        return sum(met) / len(met) if met else math.nan

    def regime(self) -> str:
        """The regime by the rule of ``cisim.model.regimes.classify`` (ODD §8)."""
        sc = self.sc
        closing = self.closing_blame_share()
        if not self.alive:
            return REGIMES[3]
        if not self.entry_found:
            return REGIMES[2]
        if not math.isnan(closing) and closing >= sc.regime_blame_share:
            return REGIMES[1]
        if self.progress >= sc.regime_min_progress:
            return REGIMES[0]
        return REGIMES[2]


#: The per-run outcome columns of ``cisim.simulate``'s summary (after ``replicate`` and ``seed``).
SUMMARY_COLUMNS: tuple[str, ...] = (
    "regime",
    "progress",
    "final_trust",
    "start_trust",
    "final_understanding",
    "final_legitimacy",
    "final_members",
    "months_to_entry_point",
    "months_to_first_win",
    "learning_responses",
    "blame_responses",
    "blame_share",
    "closing_blame_share",
    "wins",
    "turnover_events",
    "peak_conflict",
    "dissolved_month",
)


def summary(model: CollaborationReference) -> dict[str, Any]:
    """The per-run outcomes of a finished model, as ``cisim.simulate`` defines them (ODD §4.11)."""
    frame = model.datacollector.get_model_vars_dataframe()

    def first(flag: pd.Series) -> int | None:
        hits = np.flatnonzero(flag.to_numpy())
        return int(hits[0]) if len(hits) else None

    learning = int(frame["learning_responses"].sum())
    blame = int(frame["blame_responses"].sum())
    last = frame.iloc[-1]
    return {
        "regime": model.regime(),
        "progress": float(last["progress"]),
        "final_trust": float(last["mean_trust"]),
        "start_trust": float(frame["mean_trust"].iloc[0]),
        "final_understanding": float(last["shared_understanding"]),
        "final_legitimacy": float(last["legitimacy"]),
        "final_members": int(last["active_members"]),
        "months_to_entry_point": first(frame["entry_found"] > 0),
        "months_to_first_win": first(frame["wins"] > 0),
        "learning_responses": learning,
        "blame_responses": blame,
        "blame_share": blame / (learning + blame) if learning + blame else math.nan,
        "closing_blame_share": model.closing_blame_share(),
        "wins": int(last["wins"]),
        "turnover_events": int(frame["turnover_events"].sum()),
        "peak_conflict": float(frame["conflict"].max()),
        "dissolved_month": first(frame["running"] < 1),
    }


def run(scenario: Scenario, seed: int, *, trajectories: bool = False) -> dict[str, Any]:
    """One run of ``scenario`` to its horizon: the per-run outcomes of the engine's summary.

    With ``trajectories=True`` the result also holds ``"trajectories"``, the DataCollector's
    table (months 0 to the horizon, one column per metric of ``METRICS``).
    """
    model = CollaborationReference(scenario, seed)
    model.run_for(scenario.horizon_months)
    out = summary(model)
    if trajectories:
        out["trajectories"] = model.datacollector.get_model_vars_dataframe()
    return out


if __name__ == "__main__":
    start = time.perf_counter()
    print(run(Scenario.preset("baseline"), 1))
    print(f"{time.perf_counter() - start:.2f} s")

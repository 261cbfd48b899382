"""Initialisation: organisations, their ties and the collaboration, for a batch of runs.

A batch is a list of :class:`RunSpec` (scenario, root seed, replicate number). Each run is built
with its own Generators (:func:`cisim.model.streams.init_generator`), so a run is the same whatever
batch it is built in. Rows are padded to the largest run: organisation slots beyond a run's members
and candidates are absent, tie slots beyond its ties are empty.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np
from numpy.typing import NDArray

from cisim.model import network
from cisim.model.mechanisms.community import LEGITIMACY_MANDATE
from cisim.model.mechanisms.entry_point import DESIGNED_ACCEPTANCE, IMPOSED_ACCEPTANCE
from cisim.model.mechanisms.scale import scale_terms
from cisim.model.mechanisms.setback_response import HABIT_START
from cisim.model.parameters import SECTOR_TRAITS, SECTORS, SPECS
from cisim.model.scenario import Scenario
from cisim.model.state import (
    ABSENT,
    ACTIVE,
    CANDIDATE,
    ENTRY_POINTS,
    PARAMETERS,
    SELF_ASSIGNED,
    B,
    F,
    I,
    Params,
    State,
)
from cisim.model.streams import Stream, init_generator, stream_keys
from cisim.model.timeline import Schedule

# The collaboration at the start (ODD element 5)
TENURE_START = 12  # months the first representatives have been at the table
UNDERSTANDING_START = 0.3  # each member's grasp of the shared problem
SCOPE_START, SCOPE_ASPIRATION = 0.25, 0.3  # the first task: 0.25 + 0.3 aspiration
ASPIRATION_START, ASPIRATION_WEIGHT = 0.25, 0.4  # the aspiration level: 0.25 + 0.4 aspiration
LEGITIMACY_START = 0.5  # plus LEGITIMACY_MANDATE when authority is granted
SUPPORT_START, SUPPORT_ENGAGEMENT = 0.2, 0.3  # community support: 0.2 + 0.3 engagement
KNOWLEDGE_START = 0.2  # knowledge of what works
CAPACITY_START = 0.3  # operational capacity
CONFLICT_START = 0.1  # open conflict, times authority_contest


def shared_history(prior_ties: float, spread: float, rng: np.random.Generator) -> float:
    """The share of a collaboration's ties that are prior relationships: around ``prior_ties``,
    more or less depending on its members' history together (logit-normal with sd ``spread``).

    Drawn with the population: who is at the table brings its history with it."""
    if prior_ties <= 0.0 or prior_ties >= 1.0 or spread == 0.0:
        return prior_ties
    logit = math.log(prior_ties / (1.0 - prior_ties)) + spread * rng.standard_normal()
    # far below zero 1 / (1 + e^-x) is e^x to the last bit, and e^-x would overflow
    return math.exp(logit) if logit < -700.0 else 1.0 / (1.0 + math.exp(-logit))


@dataclass(frozen=True)
class RunSpec:
    """One run: a scenario, the root seed, and who is at the table and what happens to them.

    ``replicate`` draws the initial population and network (who is at the table: the
    organisations, their traits, their ties and starting trust); ``history`` draws the monthly
    random events (whose representative leaves when, how each review turns out, ...). By default
    a replicate has its own history (``history = replicate``); a nested design crosses them, the
    same population under several histories and the same history for several populations.
    """

    scenario: Scenario
    seed: int
    replicate: int
    history: int | None = None

    @property
    def events(self) -> int:
        """The number whose streams draw the run's monthly events (``history``, or the
        replicate's own)."""
        return self.replicate if self.history is None else self.history


def sector_counts(mix: dict[str, float], n: int) -> NDArray[np.int64]:
    """Whole numbers of organisations per sector by largest remainder."""
    share = np.array([mix[s] for s in SECTORS], dtype=float)
    share = share / share.sum()
    exact = share * n
    counts = np.floor(exact).astype(np.int64)
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[: n - counts.sum()]] += 1
    return counts


def _members_and_candidates(sc: Scenario) -> tuple[int, int]:
    n = sc.n_organisations
    return n, round(sc.candidate_share * n)


def trait_means(sc: Scenario) -> NDArray[np.float64]:
    """Mean of each trait (rows) for each sector (columns) in ``sc``."""
    return np.array([[sc.sector_trait(s, t) for s in SECTORS] for t in SECTOR_TRAITS])


@dataclass(frozen=True)
class _Plan:
    """What every run of one scenario shares, worked out once per batch."""

    members: NDArray[np.int64]  # members' sectors: the roster's, or in sector order to shuffle
    cdf: NDArray[np.float64]  # the outsiders' sectors, cumulative distribution
    means: NDArray[np.float64]  # trait_means
    n: int
    extra: int

    @classmethod
    def of(cls, sc: Scenario) -> _Plan:
        n, extra = _members_and_candidates(sc)
        mix = dict(sc.sector_mix)
        if sc.roster is not None:
            members = np.array([SECTORS.index(o.sector) for o in sc.roster.organisations])
        else:
            members = np.repeat(np.arange(len(SECTORS)), sector_counts(mix, n))
        share = np.array([mix[s] for s in SECTORS], dtype=float)
        # outsiders are drawn as Generator.choice(5, p=share) draws them: a uniform number each,
        # looked up in the normalised cumulative shares
        cdf = (share / share.sum()).cumsum()
        cdf /= cdf[-1]
        return cls(members=members, cdf=cdf, means=trait_means(sc), n=n, extra=extra)


def _sectors(sc: Scenario, plan: _Plan, rng: np.random.Generator) -> NDArray[np.int8]:
    """Members' sectors (shuffled, or the roster's), then the outsiders' (drawn by share)."""
    members = plan.members
    if sc.roster is None:
        members = members.copy()
        rng.shuffle(members)
    outsiders = plan.cdf.searchsorted(rng.random(plan.extra), side="right")
    return np.concatenate([members, outsiders]).astype(np.int8)


@dataclass
class _Draws:
    """A batch's runs as drawn, run after run, for :meth:`_Padded.of` to concatenate.

    ``sector`` and ``z_traits`` hold one entry per run; ``keys``, ``prior``, ``z_trust`` and
    ``given`` two, the run's formed ties and then its dormant ones. A tie is the key ``a * n + b``
    of its pair (``a < b``, ``n`` the run's organisations); ``formed`` counts each run's formed
    ties.
    """

    sector: list[NDArray[np.int8]]
    z_traits: list[F]  # (4, n) standard normal draws of the traits
    keys: list[I]
    prior: list[B]
    z_trust: list[F]  # (2, m) standard normal draws of trust a -> b and b -> a
    given: list[F]  # (2, m) trust set by a roster (NaN: drawn)
    formed: list[int]

    @classmethod
    def of(cls, specs: list[RunSpec], plans: dict[int, _Plan]) -> _Draws:
        draws = cls([], [], [], [], [], [], [])
        for spec in specs:
            draws.add(spec, plans[id(spec.scenario)])
        return draws

    def add(self, spec: RunSpec, plan: _Plan) -> None:
        """Draw one run from its own Generators (population, then network)."""
        sc = spec.scenario
        pop = init_generator(spec.seed, spec.replicate, Stream.POPULATION)
        net = init_generator(spec.seed, spec.replicate, Stream.NETWORK)
        sector = _sectors(sc, plan, pop)
        self.sector.append(sector)
        self.z_traits.append(pop.standard_normal((len(SECTOR_TRAITS), len(sector))))
        total = plan.n + plan.extra
        if sc.roster is not None:
            keys, prior, z, given = _roster_ties(sc, net, plan)
        else:
            keys = network.generate_keys(
                sc.network, total, sc.mean_degree, sc.rewiring, sc.homophily, sector, net
            )
            share = shared_history(sc.prior_ties, sc.history_spread, pop)
            prior = net.random(len(keys)) < share
            z = net.standard_normal((2, len(keys)))
            given = np.full((2, len(keys)), np.nan)
        dormant = network.dormant_keys(total, sc.dormant_ties, keys, net)
        self.keys += [keys, dormant]
        self.prior += [prior, np.zeros(len(dormant), dtype=bool)]
        self.z_trust += [z, net.standard_normal((2, len(dormant)))]
        self.given += [given, np.full((2, len(dormant)), np.nan)]
        self.formed.append(len(keys))


def _roster_ties(
    sc: Scenario, rng: np.random.Generator, plan: _Plan
) -> tuple[NDArray[np.int64], NDArray[np.bool_], NDArray[np.float64], NDArray[np.float64]]:
    """A roster's relationships, then two random ties for each outsider.

    Returns the ties' keys, prior flags, trust draws and the trust the roster gives (NaN where it
    gives none).
    """
    assert sc.roster is not None
    n, total = plan.n, plan.n + plan.extra
    index = {name: i for i, name in enumerate(sc.roster.names)}
    known: dict[tuple[int, int], dict[str, float | bool]] = {}
    for rel in sc.roster.relationships:
        a, b = index[rel.source], index[rel.target]
        key = (min(a, b), max(a, b))
        entry = known.setdefault(key, {"prior": False})
        entry["prior"] = bool(entry["prior"]) or rel.prior
        entry[f"{a}>{b}"] = rel.trust
        if rel.mutual:
            entry.setdefault(f"{b}>{a}", rel.trust)
    pairs = np.array(sorted(known), dtype=np.int64).reshape(-1, 2)
    z = rng.standard_normal((2, len(pairs)))
    prior = np.array([bool(known[(a, b)]["prior"]) for a, b in pairs], dtype=bool)
    given = np.array(
        [
            [float(known[(a, b)].get(f"{a}>{b}", np.nan)) for a, b in pairs],
            [float(known[(a, b)].get(f"{b}>{a}", np.nan)) for a, b in pairs],
        ]
    ).reshape(2, -1)
    if plan.extra:
        links = np.stack(
            [np.repeat(np.arange(n, total), 2), rng.integers(0, n, size=2 * plan.extra)], axis=1
        )
        links = network._canonical(links)
        pairs = np.concatenate([pairs, links])
        z = np.concatenate([z, rng.standard_normal((2, len(links)))], axis=1)
        prior = np.concatenate([prior, np.zeros(len(links), bool)])
        given = np.concatenate([given, np.full((2, len(links)), np.nan)], axis=1)
    return network.keys_of(pairs, total), prior, z, given


def build_params(specs: list[RunSpec]) -> Params:
    """Scenario parameters, one value per row (:data:`~cisim.model.state.PARAMETERS`)."""
    return Params(
        **{
            name: np.array([SPECS[name].code(v) for v in _values(specs, name)], SPECS[name].dtype)
            for name in PARAMETERS
        }
    )


def _values(specs: list[RunSpec], name: str) -> list[Any]:
    """The value of scenario parameter ``name`` in each run."""
    return [getattr(s.scenario, name) for s in specs]


@dataclass
class _Padded:
    """A batch's organisations and ties, padded to ``N`` and ``E`` slots per row.

    Tie ``k`` of a run (its live ties, then its dormant ones) takes slots ``2k`` (``a -> b``) and
    ``2k + 1`` (``b -> a``), so every slot's reverse is its neighbour (``rev = slot ^ 1``).
    """

    sector: NDArray[np.int8]  # (R, N)
    status: NDArray[np.int8]  # (R, N)
    traits: F  # (4, R, N): authority, capacity, alignment, turnover
    src: I  # (R, E)
    dst: I
    rev: I
    exists: B
    dormant: B
    trust: F
    prior: B

    @classmethod
    def of(cls, specs: list[RunSpec], plans: dict[int, _Plan], draws: _Draws) -> _Padded:
        """The runs as drawn, one per row, padded to the largest."""
        orgs = np.cumsum([0] + [len(x) for x in draws.sector])
        ties = np.cumsum([0] + [len(k) for k in draws.keys])[::2]
        z = np.concatenate(draws.z_traits, axis=1)
        # turnover is a small hazard: spread multiplicatively (log-normal, mean preserved);
        # numpy's exp, as the traits have always been drawn
        spread = np.repeat([2.0 * s.scenario.trait_spread for s in specs], np.diff(orgs))
        scenario_of = {key: k for k, key in enumerate(plans)}
        arrays = _fill(
            np.concatenate(draws.sector),
            orgs,
            np.array([plans[id(s.scenario)].n for s in specs], dtype=np.int64),
            z,
            np.exp(spread * z[3] - 0.5 * spread * spread),
            np.stack([plan.means for plan in plans.values()]),
            np.array([scenario_of[id(s.scenario)] for s in specs], dtype=np.int64),
            np.array([s.scenario.trait_spread for s in specs]),
            np.concatenate(draws.keys),
            ties,
            np.array(draws.formed, dtype=np.int64),
            np.concatenate(draws.prior),
            np.concatenate(draws.z_trust, axis=1),
            np.concatenate(draws.given, axis=1),
            np.array(
                [
                    [s.scenario.initial_trust for s in specs],
                    [s.scenario.trust_spread for s in specs],
                    [s.scenario.prior_trust_bonus for s in specs],
                ]
            ),
        )
        padded = cls(*arrays)
        for r, spec in enumerate(specs):
            if spec.scenario.roster is not None:  # traits the roster gives
                for i, org in enumerate(spec.scenario.roster.organisations):
                    for k, trait in enumerate(SECTOR_TRAITS):
                        value = getattr(org, trait)
                        if value is not None:
                            padded.traits[k, r, i] = value
        return padded


@numba.njit(cache=True)
def _clip01(x: float) -> float:  # pragma: no cover (compiled)
    """``np.clip(x, 0.0, 1.0)`` exactly: a value moves only when it is beyond a bound, so a
    negative zero and NaN pass through as numpy passes them."""
    x = 0.0 if x < 0.0 else x
    return 1.0 if x > 1.0 else x


@numba.njit(cache=True)
def _fill(
    sector: Any,
    orgs: Any,
    members: Any,
    z: Any,
    lognormal: Any,
    tables: Any,
    scenario: Any,
    spread: Any,
    keys: Any,
    ties: Any,
    formed: Any,
    prior: Any,
    z_trust: Any,
    given: Any,
    trust_terms: Any,
) -> Any:  # pragma: no cover (compiled)
    """Every run's organisations, traits and ties written into its padded row.

    Tie ``k`` of a run (its live ties, then its dormant ones) takes slots ``2k`` (``a -> b``) and
    ``2k + 1`` (``b -> a``). Trust is drawn as ``initial + spread * z + bonus * prior`` clipped to
    [0, 1], unless a roster gives it.
    """
    rows = orgs.shape[0] - 1
    slots = 0
    tie_slots = 2
    for r in range(rows):
        slots = max(slots, orgs[r + 1] - orgs[r])
        tie_slots = max(tie_slots, 2 * (ties[r + 1] - ties[r]))
    out_sector = np.zeros((rows, slots), dtype=np.int8)
    status = np.full((rows, slots), ABSENT, dtype=np.int8)
    traits = np.zeros((z.shape[0], rows, slots))
    src = np.zeros((rows, tie_slots), dtype=np.int64)
    dst = np.zeros((rows, tie_slots), dtype=np.int64)
    rev = np.empty((rows, tie_slots), dtype=np.int64)
    exists = np.zeros((rows, tie_slots), dtype=np.bool_)
    dormant = np.zeros((rows, tie_slots), dtype=np.bool_)
    trust = np.zeros((rows, tie_slots))
    out_prior = np.zeros((rows, tie_slots), dtype=np.bool_)
    for r in range(rows):
        o = orgs[r]
        n = orgs[r + 1] - o
        means = tables[scenario[r]]
        for i in range(n):
            sec = sector[o + i]
            out_sector[r, i] = sec
            status[r, i] = ACTIVE if i < members[r] else CANDIDATE
            for k in range(z.shape[0] - 1):
                traits[k, r, i] = _clip01(means[k, sec] + spread[r] * z[k, o + i])
            traits[3, r, i] = _clip01(means[3, sec] * lognormal[o + i])
        for e in range(tie_slots):
            rev[r, e] = e ^ 1
        initial, width, bonus = trust_terms[0, r], trust_terms[1, r], trust_terms[2, r]
        for k in range(ties[r + 1] - ties[r]):
            t = ties[r] + k
            a, b = keys[t] // n, keys[t] % n
            src[r, 2 * k], dst[r, 2 * k] = a, b
            src[r, 2 * k + 1], dst[r, 2 * k + 1] = b, a
            for side in range(2):
                drawn = _clip01(
                    initial + width * z_trust[side, t] + bonus * (1.0 if prior[t] else 0.0)
                )
                g = given[side, t]
                trust[r, 2 * k + side] = drawn if math.isnan(g) else g
                out_prior[r, 2 * k + side] = prior[t]
                exists[r, 2 * k + side] = True
                dormant[r, 2 * k + side] = k >= formed[r]
    return out_sector, status, traits, src, dst, rev, exists, dormant, trust, out_prior


def build_state(specs: list[RunSpec]) -> tuple[State, Params]:
    """The initial state and parameters of a batch of runs."""
    params = build_params(specs)
    # a batch holds many runs of a few scenarios: what they share is worked out once each
    plans = {
        id(s.scenario): _Plan.of(s.scenario) for s in {id(s.scenario): s for s in specs}.values()
    }
    padded = _Padded.of(specs, plans, _Draws.of(specs, plans))
    state = _assemble(specs, params, padded)
    state.schedule = Schedule.of([s.scenario for s in specs])
    return state, params


def _keys(specs: list[RunSpec]) -> NDArray[np.uint64]:
    """Counter-based stream keys of each run, ``(R, streams, 2)``."""
    if len({s.seed for s in specs}) == 1:
        return stream_keys(specs[0].seed, np.array([s.events for s in specs]))
    return np.concatenate([stream_keys(s.seed, np.array([s.events])) for s in specs], axis=0)


def _assemble(specs: list[RunSpec], p: Params, padded: _Padded) -> State:
    """The initial state: the padded organisations and ties, everything else at its start."""
    status, traits, trust = padded.status, padded.traits, padded.trust
    R, N = status.shape
    E = trust.shape[1]
    designed = (p.entry_point == ENTRY_POINTS.index("designed")) | (
        p.entry_point == ENTRY_POINTS.index("imposed")
    )  # an entry point handed over at the start
    imposed = p.entry_point == ENTRY_POINTS.index("imposed")
    members = (status == ACTIVE).sum(axis=1).astype(np.int64)
    zeros_r, zeros_rn = np.zeros(R), np.zeros((R, N))
    size = np.array(
        [
            scale_terms(float(n), int(g), CAPACITY_START, float(o))
            for n, g, o in zip(members, p.governance_mode, p.open_accountability, strict=True)
        ]
    ).reshape(R, 3)  # coordination, visibility, breadth at the founding size
    return State(
        keys=_keys(specs),
        month=0,
        sector=padded.sector,
        status=status,
        authority=traits[0],
        capacity=traits[1],
        alignment=traits[2],
        turnover=traits[3],
        tenure=np.where(status == ACTIVE, TENURE_START, 0).astype(np.int64),
        representatives=(status == ACTIVE).astype(np.int64),
        onboarding=np.where(status == ACTIVE, 1.0, 0.0),
        understanding=np.full((R, N), UNDERSTANDING_START),
        contribution=zeros_rn.copy(),
        frustration=zeros_rn.copy(),
        blamed=zeros_rn.copy(),
        habit=np.full((R, N), HABIT_START),
        attended=np.zeros((R, N), bool),
        learned_now=np.zeros((R, N), bool),
        blamed_now=np.zeros((R, N), bool),
        left_now=np.zeros((R, N), bool),
        decide_response=np.zeros((R, N), np.int8),  # the model decides everything
        decide_target=np.full((R, N), -1, np.int64),
        decide_effort=np.full((R, N), -1.0),
        src=padded.src,
        dst=padded.dst,
        rev=padded.rev,
        exists=padded.exists,
        dormant=padded.dormant,
        trust=trust,
        institutional_trust=trust.copy(),
        prior=padded.prior,
        experience=np.zeros((R, E)),
        last_blame=np.full((R, E), -1, dtype=np.int64),
        alive=np.ones(R, bool),
        dissolved_month=np.full(R, -1, dtype=np.int64),
        entry_found=designed.copy(),
        entry_month=np.where(designed, 0, -1).astype(np.int64),
        entry_fit=np.where(designed, p.entry_quality, 0.0),
        entry_acceptance=np.where(
            designed, np.where(imposed, IMPOSED_ACCEPTANCE, DESIGNED_ACCEPTANCE), 0.0
        ),
        entry_revisions=np.zeros(R, dtype=np.int64),
        entry_imposed=imposed.copy(),
        first_win_month=np.full(R, -1, dtype=np.int64),
        task_scope=SCOPE_START + SCOPE_ASPIRATION * p.aspiration,
        task_effort=zeros_r.copy(),
        task_months=np.zeros(R, dtype=np.int64),
        aspiration_level=ASPIRATION_START + ASPIRATION_WEIGHT * p.aspiration,
        performance=ASPIRATION_START + ASPIRATION_WEIGHT * p.aspiration,
        shortfall=zeros_r.copy(),
        progress=zeros_r.copy(),
        legitimacy=LEGITIMACY_START
        + np.where(p.authority_source == SELF_ASSIGNED, 0.0, LEGITIMACY_MANDATE),
        support=SUPPORT_START + SUPPORT_ENGAGEMENT * p.community_engagement,
        knowledge=np.full(R, KNOWLEDGE_START),
        operational_capacity=np.full(R, CAPACITY_START),
        conflict=CONFLICT_START * p.authority_contest,
        task_conflict=zeros_r.copy(),
        director=zeros_r.copy(),
        coordination=size[:, 0].copy(),
        visibility=size[:, 1].copy(),
        breadth=size[:, 2].copy(),
        governance=p.governance_mode.copy(),
        governance_changes=np.zeros(R, dtype=np.int64),
        credibility=np.where(p.navigator > 0, p.navigator_credibility, 0.0),
        setbacks_in_row=np.zeros(R, dtype=np.int64),
        reviewed_now=np.zeros(R, bool),
        won_now=np.zeros(R, bool),
        setback_now=np.zeros(R, bool),
        wins=np.zeros(R, dtype=np.int64),
        learning_total=np.zeros(R, dtype=np.int64),
        blame_total=np.zeros(R, dtype=np.int64),
        learning_now=np.zeros(R, dtype=np.int64),
        blame_now=np.zeros(R, dtype=np.int64),
        navigator_activity=np.zeros(R, dtype=np.int64),
        initial_members=members,
    )

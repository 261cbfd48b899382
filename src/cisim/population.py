"""Initialisation: organisations, their ties and the collaboration, for a batch of runs.

A batch is a list of :class:`RunSpec` (scenario, root seed, replicate number). Each run is built
with its own Generators (:func:`cisim.streams.init_generator`), so a run is the same whatever batch
it is built in. Rows are padded to the largest run: organisation slots beyond a run's members and
candidates are absent, tie slots beyond its ties are empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cisim import network
from cisim.mechanisms.setback_response import CLIMATE_START
from cisim.parameters import SECTOR_TRAITS, SECTORS
from cisim.scenario import Scenario
from cisim.state import (
    ABSENT,
    ACTIVE,
    AUTHORITY_SOURCES,
    CANDIDATE,
    ENTRY_POINTS,
    GOVERNANCE_MODES,
    B,
    F,
    I,
    Params,
    State,
)
from cisim.streams import Stream, init_generator, stream_keys


@dataclass(frozen=True)
class RunSpec:
    """One run: a scenario, the root seed and the replicate number under that seed."""

    scenario: Scenario
    seed: int
    replicate: int


@dataclass
class _Run:
    """One run's initial organisations and ties before padding."""

    sector: NDArray[np.int8]
    status: NDArray[np.int8]
    traits: NDArray[np.float64]  # (4, n_total): authority, capacity, alignment, turnover
    pairs: NDArray[np.int64]  # (m, 2) live ties
    dormant: NDArray[np.int64]  # (d, 2) dormant ties
    trust_ab: NDArray[np.float64]  # (m + d,) trust of a in b
    trust_ba: NDArray[np.float64]  # (m + d,) trust of b in a
    prior: NDArray[np.bool_]  # (m + d,)


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


def _sectors(sc: Scenario, rng: np.random.Generator) -> NDArray[np.int8]:
    n, extra = _members_and_candidates(sc)
    mix = dict(sc.sector_mix)
    if sc.roster is not None:
        members = np.array([SECTORS.index(o.sector) for o in sc.roster.organisations])
    else:
        members = np.repeat(np.arange(len(SECTORS)), sector_counts(mix, n))
        rng.shuffle(members)
    share = np.array([mix[s] for s in SECTORS], dtype=float)
    outsiders = rng.choice(len(SECTORS), size=extra, p=share / share.sum())
    return np.concatenate([members, outsiders]).astype(np.int8)


def trait_means(sc: Scenario) -> NDArray[np.float64]:
    """Mean of each trait (rows) for each sector (columns) in ``sc``."""
    return np.array([[sc.sector_trait(s, t) for s in SECTORS] for t in SECTOR_TRAITS])


def _traits(
    sc: Scenario, sector: NDArray[np.int8], rng: np.random.Generator, table: NDArray[np.float64]
) -> NDArray[np.float64]:
    z = rng.standard_normal((len(SECTOR_TRAITS), len(sector)))
    means = table[:, sector]
    out = np.clip(means + sc.trait_spread * z, 0.0, 1.0)
    # turnover is a small hazard: spread it multiplicatively (log-normal, mean preserved)
    s = 2.0 * sc.trait_spread
    out[3] = np.clip(means[3] * np.exp(s * z[3] - 0.5 * s * s), 0.0, 1.0)
    if sc.roster is not None:
        for i, org in enumerate(sc.roster.organisations):
            for k, trait in enumerate(SECTOR_TRAITS):
                value = getattr(org, trait)
                if value is not None:
                    out[k, i] = value
    return out


def _ties(sc: Scenario, sector: NDArray[np.int8], rng: np.random.Generator) -> _Run:
    n, extra = _members_and_candidates(sc)
    total = n + extra
    if sc.roster is not None:
        pairs, trust_ab, trust_ba, prior = _roster_ties(sc, rng)
        if extra:
            links = np.stack(
                [np.repeat(np.arange(n, total), 2), rng.integers(0, n, size=2 * extra)], axis=1
            )
            links = network._canonical(links)
            pairs = np.concatenate([pairs, links])
            z = rng.standard_normal((2, len(links)))
            trust_ab = np.concatenate([trust_ab, _trust(sc, z[0], False)])
            trust_ba = np.concatenate([trust_ba, _trust(sc, z[1], False)])
            prior = np.concatenate([prior, np.zeros(len(links), bool)])
    else:
        pairs = network.generate(
            sc.network, total, sc.mean_degree, sc.rewiring, sc.homophily, sector, rng
        )
        prior = rng.random(len(pairs)) < sc.prior_ties
        z = rng.standard_normal((2, len(pairs)))
        trust_ab, trust_ba = _trust(sc, z[0], prior), _trust(sc, z[1], prior)
    dormant = network.dormant(total, sc.dormant_ties, pairs, rng)
    zd = rng.standard_normal((2, len(dormant)))
    return _Run(
        sector=sector,
        status=np.array([ACTIVE] * n + [CANDIDATE] * extra, dtype=np.int8),
        traits=np.zeros((4, 0)),
        pairs=pairs,
        dormant=dormant,
        trust_ab=np.concatenate([trust_ab, _trust(sc, zd[0], False)]),
        trust_ba=np.concatenate([trust_ba, _trust(sc, zd[1], False)]),
        prior=np.concatenate([prior, np.zeros(len(dormant), bool)]),
    )


def _trust(
    sc: Scenario, z: NDArray[np.float64], prior: NDArray[np.bool_] | bool
) -> NDArray[np.float64]:
    base = sc.initial_trust + sc.trust_spread * z + sc.prior_trust_bonus * np.asarray(prior, float)
    return np.clip(base, 0.0, 1.0)


def _roster_ties(
    sc: Scenario, rng: np.random.Generator
) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    assert sc.roster is not None
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
    default_ab, default_ba = _trust(sc, z[0], prior), _trust(sc, z[1], prior)
    trust_ab = np.array(
        [
            float(known[(a, b)].get(f"{a}>{b}", d))
            for (a, b), d in zip(pairs, default_ab, strict=True)
        ]
    )
    trust_ba = np.array(
        [
            float(known[(a, b)].get(f"{b}>{a}", d))
            for (a, b), d in zip(pairs, default_ba, strict=True)
        ]
    )
    return pairs, trust_ab, trust_ba, prior


def build_run(spec: RunSpec, means: NDArray[np.float64] | None = None) -> _Run:
    """Organisations and ties of one run, from its own Generators.

    ``means`` is :func:`trait_means` of the run's scenario, when the caller already has it.
    """
    sc = spec.scenario
    pop = init_generator(spec.seed, spec.replicate, Stream.POPULATION)
    net = init_generator(spec.seed, spec.replicate, Stream.NETWORK)
    sector = _sectors(sc, pop)
    traits = _traits(sc, sector, pop, trait_means(sc) if means is None else means)
    run = _ties(sc, sector, net)
    run.traits = traits
    return run


def build_params(specs: list[RunSpec]) -> Params:
    """Scenario parameters broadcast to one value per row."""

    def real(name: str) -> F:
        return np.array(_values(specs, name), dtype=np.float64)

    def whole(name: str) -> I:
        return np.array(_values(specs, name), dtype=np.int64)

    def code(name: str, choices: tuple[str, ...]) -> I:
        return np.array([choices.index(v) for v in _values(specs, name)], dtype=np.int64)

    return Params(
        n_organisations=whole("n_organisations"),
        authority_self_assigned=code("authority_source", AUTHORITY_SOURCES) == 1,
        navigator=whole("navigator"),
        navigator_capacity=whole("navigator_capacity"),
        navigator_credibility=real("navigator_credibility"),
        entry_point=code("entry_point", ENTRY_POINTS),
        community_engagement=real("community_engagement"),
        data_use=real("data_use"),
        joint_problem_solving=real("joint_problem_solving"),
        aspiration=real("aspiration"),
        resources=real("resources"),
        authority_contest=real("authority_contest"),
        adaptability=real("adaptability"),
        initial_trust=real("initial_trust"),
        trust_build_rate=real("trust_build_rate"),
        trust_erosion_rate=real("trust_erosion_rate"),
        trust_spillover=real("trust_spillover"),
        reputation_weight=real("reputation_weight"),
        blame_severity=real("blame_severity"),
        institutional_memory=real("institutional_memory"),
        institutional_trust_rate=real("institutional_trust_rate"),
        onboarding_months=real("onboarding_months"),
        review_months=whole("review_months"),
        outcome_noise=real("outcome_noise"),
        entry_base_rate=real("entry_base_rate"),
        exit_base_rate=real("exit_base_rate"),
        join_base_rate=real("join_base_rate"),
        dissolution_share=real("dissolution_share"),
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
    def empty(cls, rows: int, slots: int, tie_slots: int) -> _Padded:
        """Absent organisations and empty tie slots."""
        orgs, ties = (rows, slots), (rows, tie_slots)
        return cls(
            sector=np.zeros(orgs, dtype=np.int8),
            status=np.full(orgs, ABSENT, dtype=np.int8),
            traits=np.zeros((len(SECTOR_TRAITS), *orgs)),
            src=np.zeros(ties, dtype=np.int64),
            dst=np.zeros(ties, dtype=np.int64),
            rev=np.tile(np.arange(tie_slots, dtype=np.int64) ^ 1, (rows, 1)),
            exists=np.zeros(ties, dtype=bool),
            dormant=np.zeros(ties, dtype=bool),
            trust=np.zeros(ties),
            prior=np.zeros(ties, dtype=bool),
        )

    @classmethod
    def of(cls, runs: list[_Run]) -> _Padded:
        """The runs, one per row, padded to the largest."""
        slots = max(len(r.sector) for r in runs)
        tie_slots = max(2, *(2 * (len(r.pairs) + len(r.dormant)) for r in runs))
        padded = cls.empty(len(runs), slots, tie_slots)
        for row, run in enumerate(runs):
            padded.fill(row, run)
        return padded

    def fill(self, r: int, run: _Run) -> None:
        """Write one run's organisations and ties into row ``r``."""
        n = len(run.sector)
        self.sector[r, :n], self.status[r, :n] = run.sector, run.status
        self.traits[:, r, :n] = run.traits
        every = np.concatenate([run.pairs, run.dormant])
        forward, backward = slice(0, 2 * len(every), 2), slice(1, 2 * len(every), 2)
        self.src[r, forward], self.dst[r, forward] = every[:, 0], every[:, 1]
        self.src[r, backward], self.dst[r, backward] = every[:, 1], every[:, 0]
        self.trust[r, forward], self.trust[r, backward] = run.trust_ab, run.trust_ba
        self.prior[r, forward] = self.prior[r, backward] = run.prior
        self.exists[r, : 2 * len(every)] = True
        self.dormant[r, 2 * len(run.pairs) : 2 * len(every)] = True


def build_state(specs: list[RunSpec]) -> tuple[State, Params]:
    """The initial state and parameters of a batch of runs."""
    params = build_params(specs)
    # a batch holds many runs of a few scenarios: their trait means are looked up once each
    scenarios = {id(s.scenario): s.scenario for s in specs}
    tables = {key: trait_means(sc) for key, sc in scenarios.items()}
    padded = _Padded.of([build_run(s, tables[id(s.scenario)]) for s in specs])
    return _assemble(specs, params, padded), params


def _keys(specs: list[RunSpec]) -> NDArray[np.uint64]:
    """Counter-based stream keys of each run, ``(R, streams, 2)``."""
    if len({s.seed for s in specs}) == 1:
        return stream_keys(specs[0].seed, np.array([s.replicate for s in specs]))
    return np.concatenate([stream_keys(s.seed, np.array([s.replicate])) for s in specs], axis=0)


def _assemble(specs: list[RunSpec], p: Params, padded: _Padded) -> State:
    """The initial state: the padded organisations and ties, everything else at its start."""
    status, traits, trust = padded.status, padded.traits, padded.trust
    R, N = status.shape
    E = trust.shape[1]
    designed = p.entry_point == ENTRY_POINTS.index("designed")
    governance = np.array(
        [GOVERNANCE_MODES.index(mode) for mode in _values(specs, "governance_mode")],
        dtype=np.int64,
    )
    members = (status == ACTIVE).sum(axis=1).astype(np.int64)
    zeros_r, zeros_rn = np.zeros(R), np.zeros((R, N))
    return State(
        keys=_keys(specs),
        month=0,
        sector=padded.sector,
        status=status,
        authority=traits[0],
        capacity=traits[1],
        alignment=traits[2],
        turnover=traits[3],
        tenure=np.where(status == ACTIVE, 12, 0).astype(np.int64),
        representatives=(status == ACTIVE).astype(np.int64),
        onboarding=np.where(status == ACTIVE, 1.0, 0.0),
        understanding=np.full((R, N), 0.3),
        contribution=zeros_rn.copy(),
        frustration=zeros_rn.copy(),
        blamed=zeros_rn.copy(),
        attended=np.zeros((R, N), bool),
        learned_now=np.zeros((R, N), bool),
        blamed_now=np.zeros((R, N), bool),
        left_now=np.zeros((R, N), bool),
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
        first_win_month=np.full(R, -1, dtype=np.int64),
        task_scope=0.25 + 0.3 * p.aspiration,
        task_effort=zeros_r.copy(),
        task_months=np.zeros(R, dtype=np.int64),
        aspiration_level=0.25 + 0.4 * p.aspiration,
        performance=0.25 + 0.4 * p.aspiration,
        shortfall=zeros_r.copy(),
        progress=zeros_r.copy(),
        legitimacy=0.5 + np.where(p.authority_self_assigned, 0.0, 0.1),  # granted: +0.1
        support=0.2 + 0.3 * p.community_engagement,
        knowledge=np.full(R, 0.2),
        operational_capacity=np.full(R, 0.3),
        conflict=0.1 * p.authority_contest,
        blame_climate=np.full(R, CLIMATE_START),
        governance=governance,
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

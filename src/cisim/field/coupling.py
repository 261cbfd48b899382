"""The platform step: gather evidence from the field, update the platform, broadcast.

Every ``step_months`` months the field's collaborations pause; the platform

1. **gathers** each city's results since its last step (wins per review), noisy where the city
   has no shared measurement, a step or more late (``evidence_delay``), and weighs them by the
   city's data use (seed 001: open data makes a movement's evidence; Kania & Kramer 2011: shared
   measurement). Evidence is gathered only from the cities the evidence service reaches;
2. **updates** its knowledge base (what works, and in which contexts it worked: the programme's
   context is the evidence-weighted mean context of the cities that won), which decays in a step
   in which its upkeep (the evidence service) is not funded (seed 004's comment: "a knowledge base
   need constant maintenance");
3. **broadcasts** to the cities each service reaches (:meth:`Platform.coverage`):

   * a **programme** (the platform's learnt one, or one proven elsewhere, ``programme =
     "given"``): a city that does not hold its current version (a programme adopted is kept; a
     learnt programme's new version brings only what its evidence added) adopts it with chance
     ``trust * (1 - not_invented_here * fidelity)`` (trust in the platform; "not invented
     here", Katz & Allen 1982, bites on what must be taken as is, less on what a city may adapt
     and own). An adopted programme fits the city as
     ``fit = (1 - drift a) (1 - d (1 - a) / context_tolerance)`` with ``a = 1 - fidelity`` and
     ``d`` the distance between the city's context and the programme's: adaptation fits it to
     the context but drops some of its core (Castro et al. 2004; Durlak & DuPre 2008), fidelity
     keeps the core but fails far from where it was proven. What the city gets from it is scaled
     by its absorptive capacity ``A = (knowledge + operational_capacity + data_use) / 3`` (Cohen
     & Levinthal 1990: prior related knowledge and the capacity to apply it). It lowers the
     task's difficulty (``task_scope`` times ``1 - new * fit * A``, ``new`` the strength the
     city did not hold yet; a misfit raises it: the
     programme fails where it does not fit), adds to the knowledge of what works, and, if it fits
     the city, gives a city still searching an entry point as good as it fits (de Jong et al.
     2023, seed 003: a meaningful, actionable opening; imposed when taken with fidelity, designed
     when adapted; a programme that does not fit opens nothing). Trust in the platform grows with
     a programme that fit and falls three times as fast with one that failed (Slovic 1993, as the
     collaboration's own trust);
   * **capabilities** (training and technical assistance, seed 004): data use and joint problem
     solving rise towards 1 by ``TA_GAIN * trust``, and a navigator's capacity by one
     relationship with chance ``NAVIGATOR_RATE * trust``;
   * **peer links** (seed 001: many-to-many learning; Rogers 2003: innovations spread through
     peers whose results can be observed): a city learns from the peer with the best recent win
     rate, if better than its own, closing ``PEER_RATE * A`` of the gap in data use, joint
     problem solving and knowledge.

Everything a city receives is computed from field-wide arrays indexed by city, with draws keyed
by the field's seed and the step (never by a shard), so results do not depend on how the cities
are split into batches. A platform with no budget changes nothing: its cities run exactly as
uncoupled runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cisim.field.platform import CONTACT_MONTHS, SERVICES, Platform
from cisim.model.mechanisms.entry_point import DESIGNED_ACCEPTANCE, IMPOSED_ACCEPTANCE

LEARN = 1.0  # knowledge base gain per unit of evidence mass times the win rate it shows
DECAY = 0.05  # knowledge base lost per quarter without upkeep
TRUST_BUILD, TRUST_EROSION = 0.1, 0.3  # Slovic's asymmetry, 3:1 as the collaboration's trust
ABSENCE = 0.05  # cities' trust in a platform lost per quarter it is not funded
KNOWLEDGE_GAIN = 0.5  # of strength * fit * A, towards 1
RELIEF_MAX = 0.5  # a programme changes the task's difficulty by at most half
TA_GAIN = 0.05  # training: data use and joint problem solving this far towards 1, times trust
NAVIGATOR_RATE = 0.25  # chance (times trust) that training adds a navigator relationship
NAVIGATOR_MAX = 200
PEER_RATE = 0.5  # of the gap to the best peer, times absorptive capacity
GOOD_PRACTICE = 0.45  # data use and joint problem solving at the key actions' level
CONTEXT_START = 0.5  # the learnt programme's context before any evidence (the middle)
#: The field's stream keys (SeedSequence entropy after the seed): city draws, steps, funding.
CITY_KEY, STEP_KEY, FUNDING_KEY = 16_001, 16_002, 16_003


@dataclass(frozen=True)
class Cities:
    """What the platform knows of each city that is not the collaboration's own state."""

    context: NDArray[np.float64]  # (M,) the local context, 0 to 1
    nih: NDArray[np.float64]  # (M,) resistance to what was invented elsewhere
    peers: NDArray[np.int64]  # (M, L) peer cities (its links when the platform connects them)


@dataclass(frozen=True)
class Summary:
    """What the cities report at a step, field-wide arrays ``(M,)`` in city order."""

    wins: NDArray[np.int64]  # cumulative wins
    reviews: NDArray[np.float64]  # reviews since the last step
    alive: NDArray[np.bool_]
    entry_found: NDArray[np.bool_]
    entry_month: NDArray[np.int64]
    entry_fit: NDArray[np.float64]
    entry_acceptance: NDArray[np.float64]
    entry_imposed: NDArray[np.bool_]
    knowledge: NDArray[np.float64]
    operational_capacity: NDArray[np.float64]
    task_scope: NDArray[np.float64]
    progress: NDArray[np.float64]
    data_use: NDArray[np.float64]
    joint_problem_solving: NDArray[np.float64]
    navigator: NDArray[np.int64]
    navigator_capacity: NDArray[np.int64]

    @property
    def absorptive(self) -> NDArray[np.float64]:
        """Absorptive capacity (Cohen & Levinthal 1990): knowledge, routines and data use."""
        return (self.knowledge + self.operational_capacity + self.data_use) / 3.0


@dataclass
class Broadcast:
    """What the step changes in the cities: new values for the cities in ``changed``."""

    changed: NDArray[np.bool_]
    state: dict[str, NDArray[Any]]  # state field -> (M,) new values
    params: dict[str, NDArray[Any]]  # parameter -> (M,) new values


@dataclass
class PlatformState:
    """The platform and its relations to the cities, field-wide."""

    trust: NDArray[np.float64]  # (M,) each city's trust in the platform
    adopted: NDArray[np.int64]  # (M,) programmes adopted
    failed: NDArray[np.int64]  # (M,) adopted programmes that did not fit
    held: NDArray[np.float64]  # (M,) the programme's strength when the city last adopted it
    last_wins: NDArray[np.int64]  # (M,) cumulative wins at the last step
    win_rate: NDArray[np.float64]  # (M,) wins per review since the last step
    knowledge: float = 0.0  # the knowledge base, 0 to 1
    context: float = CONTEXT_START  # the learnt programme's context
    spent: float = 0.0  # service-years spent so far
    queue: list[tuple[NDArray[np.float64], NDArray[np.float64]]] = field(default_factory=list)

    @classmethod
    def start(cls, platform: Platform, m: int) -> PlatformState:
        return cls(
            trust=np.full(m, platform.initial_trust),
            adopted=np.zeros(m, np.int64),
            failed=np.zeros(m, np.int64),
            held=np.zeros(m),
            last_wins=np.zeros(m, np.int64),
            win_rate=np.zeros(m),
        )


def draw_cities(seed: int, m: int, platform: Platform) -> Cities:
    """Each city's context, resistance and peers, drawn for the whole field at once.

    The draws depend on the seed and the number of cities only (not on the platform's levers
    but the mean resistance and the number of peers), so every strategy meets the same cities.
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, CITY_KEY]))
    context = rng.random(m)
    nih = np.clip(platform.not_invented_here + 0.1 * rng.standard_normal(m), 0.0, 1.0)
    links = max(0, min(platform.peer_links, m - 1))
    offsets = rng.integers(1, max(m, 2), size=(m, links))  # never oneself
    peers = (np.arange(m)[:, None] + offsets) % max(m, 1)
    return Cities(context=context, nih=nih, peers=peers.astype(np.int64))


def funded(seed: int, platform: Platform, month: int) -> float:
    """1 if the year of ``month`` is funded, else 0 (every year when funding is reliable)."""
    if platform.funding_reliability >= 1.0:
        return 1.0
    year = (month - 1) // 12
    rng = np.random.default_rng(np.random.SeedSequence([seed, FUNDING_KEY, year]))
    return float(rng.random() < platform.funding_reliability)


def funded_years(seed: int, platform: Platform, horizon: int) -> list[int]:
    """The years (1, 2, ...) in which the platform had a funded step: its steps come after months
    ``step_months``, ``2 step_months``, ... before the horizon (the last period ends the run)."""
    months = range(platform.step_months, horizon, platform.step_months)
    return sorted({(m - 1) // 12 + 1 for m in months if funded(seed, platform, m) > 0})


def platform_step(
    ps: PlatformState,
    sm: Summary,
    cities: Cities,
    platform: Platform,
    seed: int,
    step: int,
    month: int,
) -> Broadcast:
    """One platform step after ``month`` (the ``step``-th): gather, update, broadcast."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, STEP_KEY, step]))
    m = int(sm.wins.shape[0])
    serve = rng.random((len(SERVICES), m))  # fixed order of draws: the same luck everywhere
    adopt_draw, noise, navigator_draw = rng.random(m), rng.standard_normal(m), rng.random(m)
    money = funded(seed, platform, month)
    cover = platform.coverage(money)
    reached = {s: reach(serve[k], cover[s], sm, platform.target) for k, s in enumerate(SERVICES)}
    ps.spent += sum(cover.values()) * m * CONTACT_MONTHS / 12.0  # a contact: a quarter
    upkeep = cover["evidence"] > 0.0  # the evidence service is funded this step
    _gather(ps, sm, cities, platform, upkeep, reached["evidence"], noise)
    if money == 0.0:
        ps.trust *= 1.0 - per_step(ABSENCE, platform)
    out = Broadcast(np.zeros(m, bool), _copies(sm, _STATE), _copies(sm, _PARAMS))
    _programmes(ps, sm, cities, platform, reached["programmes"], adopt_draw, month, out)
    _capabilities(ps, sm, reached["capabilities"], navigator_draw, out)
    _peers(ps, sm, cities, reached["peers"], out)
    return out


def per_step(quarterly: float, platform: Platform) -> float:
    """A rate given per quarter (``CONTACT_MONTHS``) as the rate of one step of the platform, so
    that a year loses the same at any ``step_months``."""
    return 1.0 - (1.0 - quarterly) ** (platform.step_months / CONTACT_MONTHS)


def reach(
    draw: NDArray[np.float64], coverage: float, sm: Summary, target: str
) -> NDArray[np.bool_]:
    """The running cities a service reaches: a share ``coverage`` of the field, at random, or
    those with the least (``weakest``) or the most (``strongest``) progress first (ties and the
    rest at random). Dissolved collaborations are never reached."""
    if target == "random":
        return (draw < coverage) & sm.alive
    m = draw.shape[0]
    rank = sm.progress if target == "weakest" else -sm.progress
    order = np.lexsort((draw, rank, ~sm.alive))  # running first, then by progress, then luck
    chosen = np.zeros(m, bool)
    chosen[order[: round(coverage * m)]] = True
    return chosen & sm.alive


_STATE = ("task_scope", "knowledge", "entry_found", "entry_month", "entry_fit",
          "entry_acceptance", "entry_imposed")  # fmt: skip
_PARAMS = ("data_use", "joint_problem_solving", "navigator_capacity")


def _copies(sm: Summary, names: tuple[str, ...]) -> dict[str, NDArray[Any]]:
    """The new values, starting from the reported ones (only ``changed`` cities are written)."""
    return {n: np.array(getattr(sm, n)) for n in names}


def _gather(
    ps: PlatformState,
    sm: Summary,
    cities: Cities,
    platform: Platform,
    upkeep: bool,
    reached: NDArray[np.bool_],
    noise: NDArray[np.float64],
) -> None:
    """Queue the cities' reported win rates; learn from those ``evidence_delay`` steps old."""
    rate = (sm.wins - ps.last_wins) / np.maximum(sm.reviews, 1.0)
    ps.win_rate, ps.last_wins = rate, sm.wins.copy()
    reported = np.clip(rate + platform.evidence_noise * (1.0 - sm.data_use) * noise, 0.0, 1.0)
    weight = np.where(reached & sm.entry_found, sm.data_use, 0.0)
    ps.queue.append((reported, weight))
    if not upkeep:
        ps.knowledge -= per_step(DECAY, platform) * ps.knowledge
    if len(ps.queue) <= platform.evidence_delay:
        return
    reported, weight = ps.queue.pop(0)
    mass = float(weight.sum()) / weight.shape[0]  # how many report, and how well they measure
    if mass == 0.0:
        return
    shown = float((weight * reported).sum() / weight.sum())  # the field's win rate, weighted
    ps.knowledge += LEARN * mass * shown * (1.0 - ps.knowledge)
    wins = weight * reported
    if wins.sum() > 0.0:  # where it worked: the evidence-weighted context of the winners
        where = float((wins * cities.context).sum() / wins.sum())
        ps.context += min(1.0, LEARN * mass) * (where - ps.context)


def _strength_and_context(ps: PlatformState, platform: Platform) -> tuple[float, float]:
    """The programme's evidence and the context it was proven in."""
    if platform.programme == "given":
        return platform.programme_strength, platform.programme_context
    return ps.knowledge, ps.context


def fit(
    context: NDArray[np.float64], origin: float, fidelity: float, tolerance: float, drift: float
) -> NDArray[np.float64]:
    """How well a programme proven at ``origin`` fits cities of ``context`` (-1 to 1).

    Adaptation (``1 - fidelity``) closes the distance to the local context but drops a share
    ``drift`` of the core; beyond ``tolerance`` a programme fails (negative fit).
    """
    a = 1.0 - fidelity
    distance = np.abs(context - origin) * (1.0 - a)
    return np.clip((1.0 - drift * a) * (1.0 - distance / tolerance), -1.0, 1.0)


def _programmes(
    ps: PlatformState,
    sm: Summary,
    cities: Cities,
    platform: Platform,
    reached: NDArray[np.bool_],
    draw: NDArray[np.float64],
    month: int,
    out: Broadcast,
) -> None:
    """Offer the programme; the cities that adopt it get what it is worth to them."""
    strength, origin = _strength_and_context(ps, platform)
    if strength == 0.0 or not reached.any():
        return
    news = strength - ps.held  # what the programme adds to the version the city holds
    willing = ps.trust * (1.0 - cities.nih * platform.fidelity)
    took = reached & (news > 0.0) & (draw < willing)
    if platform.programme_entry == "none":  # a sensitivity check: no hand-over of entry points
        took &= sm.entry_found
    if not took.any():
        return
    f = fit(cities.context, origin, platform.fidelity, platform.context_tolerance, platform.drift)
    worth = news * f * sm.absorptive
    st = out.state
    relief = np.clip(worth, -RELIEF_MAX, RELIEF_MAX)
    st["task_scope"] = np.where(took, sm.task_scope * (1.0 - relief), st["task_scope"])
    gain = KNOWLEDGE_GAIN * np.maximum(worth, 0.0) * (1.0 - sm.knowledge)
    st["knowledge"] = np.where(took, sm.knowledge + gain, st["knowledge"])
    opening = took & ~sm.entry_found & (f > 0.0)  # a programme that does not fit opens nothing
    imposed = platform.fidelity >= 0.5
    owned = DESIGNED_ACCEPTANCE - IMPOSED_ACCEPTANCE
    acceptance = DESIGNED_ACCEPTANCE - platform.fidelity * owned  # imposed as is, owned less
    st["entry_found"] = st["entry_found"] | opening
    st["entry_month"] = np.where(opening, month, st["entry_month"])
    st["entry_fit"] = np.where(
        opening, np.clip(f * (platform.entry_fit + 0.4 * strength), 0.0, 1.0), st["entry_fit"]
    )
    st["entry_acceptance"] = np.where(opening, acceptance, st["entry_acceptance"])
    st["entry_imposed"] = np.where(opening, imposed, st["entry_imposed"])
    ps.trust = np.where(took & (f >= 0), ps.trust + TRUST_BUILD * f * (1.0 - ps.trust), ps.trust)
    ps.trust = np.where(took & (f < 0), ps.trust + TRUST_EROSION * f * ps.trust, ps.trust)
    ps.held = np.where(took, strength, ps.held)
    ps.adopted += took
    ps.failed += took & (f < 0)
    out.changed |= took


def _capabilities(
    ps: PlatformState,
    sm: Summary,
    reached: NDArray[np.bool_],
    draw: NDArray[np.float64],
    out: Broadcast,
) -> None:
    """Training and technical assistance: data use, joint problem solving, navigators."""
    if not reached.any():
        return
    pr = out.params
    uptake = TA_GAIN * ps.trust
    for name in ("data_use", "joint_problem_solving"):
        pr[name] = np.where(reached, pr[name] + uptake * (1.0 - pr[name]), pr[name])
    more = reached & (sm.navigator > 0) & (draw < NAVIGATOR_RATE * ps.trust)
    pr["navigator_capacity"] = np.where(
        more, np.minimum(pr["navigator_capacity"] + 1, NAVIGATOR_MAX), pr["navigator_capacity"]
    )
    out.changed |= reached


def _peers(
    ps: PlatformState,
    sm: Summary,
    cities: Cities,
    reached: NDArray[np.bool_],
    out: Broadcast,
) -> None:
    """Peer learning: each reached city learns from its best peer, if better than itself."""
    if not reached.any() or cities.peers.shape[1] == 0:
        return
    rates = ps.win_rate[cities.peers]  # (M, L): peers' results are observable (Rogers)
    best = cities.peers[np.arange(cities.peers.shape[0]), np.argmax(rates, axis=1)]
    learns = reached & (ps.win_rate[best] > ps.win_rate)
    if not learns.any():
        return
    pull = PEER_RATE * sm.absorptive
    for group, name in (("params", "data_use"), ("params", "joint_problem_solving"),
                        ("state", "knowledge")):  # fmt: skip
        table = out.params if group == "params" else out.state
        now = table[name]
        peer = getattr(sm, name)[best]  # what the peer had at the step (not what it gets now)
        table[name] = np.where(learns, now + pull * np.maximum(peer - now, 0.0), now)
    out.changed |= learns


def good_practice(sm: Summary) -> NDArray[np.bool_]:
    """Cities whose data use and joint problem solving reach the key actions' level (0.45, the
    level of ``strong_start``; Pulido-Gómez et al. 2025)."""
    return (sm.data_use >= GOOD_PRACTICE) & (sm.joint_problem_solving >= GOOD_PRACTICE)

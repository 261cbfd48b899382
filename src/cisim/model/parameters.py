"""Specifications of the scenario parameters: type, range, unit, meaning.

The specs are the one registry of parameters: :class:`cisim.Scenario` validates against them (and a
test holds its fields to them), the compiled step's parameter arrays
(:data:`cisim.model.state.Params`) are made from them, the ODD's parameter table and ``cisim
validate`` are generated from them, the Mesa face's keyword arguments are checked against them,
and the sweep engine reads their ranges.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from cisim.errors import ConfigError

SECTORS: tuple[str, ...] = ("public", "private", "nonprofit", "community", "philanthropy")
SECTOR_TRAITS: tuple[str, ...] = ("authority", "capacity", "alignment", "turnover")


@dataclass(frozen=True)
class Spec:
    """What one parameter may hold."""

    kind: str  # "int", "float", "choice", "mapping"
    group: str
    unit: str
    doc: str
    lo: float | None = None
    hi: float | None = None
    choices: tuple[str, ...] = ()

    @property
    def dtype(self) -> Any:
        """The numpy dtype of the parameter's array in the compiled step (choices as their index),
        ``None`` for a table (it shapes the initial population only)."""
        return {"float": np.float64, "int": np.int64, "choice": np.int64}.get(self.kind)

    def code(self, value: Any) -> Any:
        """The value as the compiled step holds it (a choice as its index)."""
        return self.choices.index(value) if self.kind == "choice" else value

    def allowed(self) -> str:
        """Describe the allowed values in words."""
        if self.kind == "choice":
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.kind == "mapping":
            return self.doc
        what = "an integer" if self.kind == "int" else "a number"
        return f"{what} from {_fmt(self.lo)} to {_fmt(self.hi)} ({self.unit})"

    def check(self, name: str, value: Any) -> Any:
        """Return the value in canonical form or raise :class:`ConfigError`."""
        if self.kind == "choice":
            if not isinstance(value, str) or value not in self.choices:
                raise ConfigError(name, value, self.allowed())
            return value
        if self.kind == "int":
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            if ok and isinstance(value, float):
                ok = value.is_integer()
            if not ok:
                raise ConfigError(name, value, self.allowed())
            value = int(value)
        elif self.kind == "float":
            number = finite(value)
            if number is None:
                raise ConfigError(name, value, self.allowed())
            value = number
        assert self.lo is not None and self.hi is not None  # specs always set bounds
        if not self.lo <= value <= self.hi:
            raise ConfigError(name, value, self.allowed())
        return value


def finite(value: Any) -> float | None:
    """``value`` as a finite float if it is a real number (not a bool) that is one, else ``None``.

    Python integers of any size are numbers, but one too large for a float is not accepted.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _fmt(x: float | None) -> str:
    if x is None:
        return "?"
    return str(int(x)) if float(x).is_integer() else str(x)


def _f(group: str, lo: float, hi: float, unit: str, doc: str) -> Spec:
    return Spec("float", group, unit, doc, lo, hi)


def _i(group: str, lo: int, hi: int, unit: str, doc: str) -> Spec:
    return Spec("int", group, unit, doc, lo, hi)


def _c(group: str, choices: tuple[str, ...], doc: str) -> Spec:
    return Spec("choice", group, "category", doc, choices=choices)


P, N, C, M, R = "population", "network", "collaboration", "mechanism", "regime"

#: Every model parameter, in the order of the ODD's parameter table.
SPECS: dict[str, Spec] = {
    # population
    "n_organisations": _i(P, 2, 10_000, "organisations", "member organisations at the start"),
    "sector_mix": Spec(
        "mapping",
        P,
        "shares",
        "a table of sector shares (public, private, nonprofit, community, philanthropy), "
        "each a number >= 0, not all zero",
    ),
    "candidate_share": _f(
        P, 0.0, 2.0, "share of n_organisations", "organisations outside that may join later"
    ),
    "authority": _f(
        P, 0.0, 1.0, "0-1", "representatives' power to commit and change their own practice"
    ),
    "authority_source": _c(
        P, ("granted", "self_assigned"), "whether authority is granted by mandate or self-assigned"
    ),
    "capacity": _f(P, 0.0, 1.0, "0-1", "time and money an organisation can put in per month"),
    "alignment": _f(P, 0.0, 1.0, "0-1", "weight on the shared mission against own interest"),
    "turnover": _f(P, 0.0, 1.0, "per month", "hazard that an organisation's representative leaves"),
    "trait_spread": _f(P, 0.0, 0.5, "sd", "spread of traits around their means"),
    "sectors": Spec(
        "mapping",
        P,
        "traits",
        "a table per sector (public, private, nonprofit, community, philanthropy) overriding "
        "authority, capacity, alignment or turnover, each in its own range",
    ),
    # network
    "network": _c(
        N,
        ("small_world", "random", "clustered", "complete", "roster"),
        "topology of existing ties",
    ),
    "mean_degree": _f(N, 1.0, 200.0, "ties per organisation", "mean number of partners"),
    "rewiring": _f(N, 0.0, 1.0, "probability", "small-world rewiring probability"),
    "homophily": _f(N, 0.0, 1.0, "0-1", "clustered network: preference for same-sector partners"),
    "prior_ties": _f(N, 0.0, 1.0, "share of ties", "ties that are prior working relationships"),
    "initial_trust": _f(N, 0.0, 1.0, "0-1", "mean trust of an organisation in a partner"),
    "trust_spread": _f(N, 0.0, 0.5, "sd", "spread of initial trust"),
    "prior_trust_bonus": _f(N, 0.0, 0.5, "0-1", "extra initial trust on a prior tie"),
    "dormant_ties": _f(
        N, 0.0, 20.0, "per organisation", "potential ties a navigator can broker into being"
    ),
    # collaboration
    "navigator": _i(C, 0, 50, "navigators", "trusted individuals or groups (0 = none)"),
    "navigator_capacity": _i(C, 1, 200, "relationships per month", "a navigator's attention"),
    "navigator_credibility": _f(C, 0.0, 1.0, "0-1", "a navigator's initial credibility"),
    "entry_point": _c(
        C,
        ("search", "designed", "none"),
        "search for one, start from a designed one, or none can be found",
    ),
    "community_engagement": _f(C, 0.0, 1.0, "0-1", "engagement with the community"),
    "data_use": _f(C, 0.0, 1.0, "0-1", "quality and use of shared measurement"),
    "joint_problem_solving": _f(C, 0.0, 1.0, "0-1", "share of work done jointly"),
    "aspiration": _f(C, 0.0, 1.0, "0-1", "how grand the early expectations are"),
    "resources": _f(C, 0.0, 1.0, "0-1", "pooled resources (a grant) relative to members' own"),
    "authority_contest": _f(C, 0.0, 1.0, "0-1", "how contested decision rights are"),
    "governance_mode": _c(
        C,
        ("shared", "lead_organisation", "administrative_organisation"),
        "network governance mode (Provan & Kenis 2008)",
    ),
    "adaptability": _f(C, 0.0, 1.0, "0-1", "readiness to change governance and task when stuck"),
    "horizon_months": _i(C, 1, 1_200, "months", "length of a run"),
    # mechanism constants
    "trust_build_rate": _f(M, 0.0, 1.0, "per experience", "trust gained from a good experience"),
    "trust_erosion_rate": _f(M, 0.0, 1.0, "per experience", "trust lost to a bad experience"),
    "trust_spillover": _f(M, 0.0, 1.0, "0-1", "share of a blame's damage felt by third parties"),
    "reputation_weight": _f(M, 0.0, 1.0, "per month", "pull of trust towards reputation"),
    "blame_severity": _f(M, 0.0, 10.0, "experiences", "weight of being blamed"),
    "institutional_memory": _f(
        M, 0.0, 1.0, "0-1", "share of understanding an organisation keeps when its rep leaves"
    ),
    "institutional_trust_rate": _f(
        M, 0.0, 1.0, "per month", "how fast an organisation's trust follows its rep's"
    ),
    "onboarding_months": _f(M, 1.0, 60.0, "months", "time for a new representative to settle in"),
    "review_months": _i(M, 1, 24, "months", "length of a joint task before its review"),
    "outcome_noise": _f(M, 0.0, 2.0, "sd", "luck in a task's outcome"),
    "entry_base_rate": _f(M, 0.0, 1.0, "per month", "chance of an entry point, average team"),
    "exit_base_rate": _f(M, 0.0, 1.0, "per month", "exit hazard of an average member"),
    "join_base_rate": _f(M, 0.0, 1.0, "per month", "join hazard of an outsider, full legitimacy"),
    # regime rule
    "dissolution_share": _f(
        R, 0.0, 1.0, "share of n_organisations", "dissolved below this share of active members"
    ),
    "regime_blame_share": _f(
        R, 0.0, 1.0, "share", "blame game when blame is at least this share of setback responses"
    ),
    "regime_min_progress": _f(
        R, 0.0, 1.0, "0-1", "learning journey needs at least this much progress"
    ),
}

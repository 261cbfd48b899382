"""The evidence of validation: claims, patterns, and the measures of runs they are built from.

A :class:`Pattern` (:mod:`cisim.documents.patterns`) holds :class:`Claim` s, each an
:class:`~cisim.stats.Estimate` with a 95 % interval and the side of a bound it must lie on. The
functions here run scenarios (cached, so patterns share their baseline runs) and measure them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from cisim.model.mechanisms.trust import asymmetric_update
from cisim.model.outcomes import values
from cisim.model.scenario import Scenario
from cisim.stats import Estimate, paired_difference, wilson
from cisim.study.simulate import Results, simulate

DEFAULT_REPLICATES = 1000
DEFAULT_SEED = 2026
LJ, BG = "learning_journey", "blame_game"


@dataclass(frozen=True)
class Claim:
    """One measured claim: an estimate that must lie above (``+1``) or below (``-1``) a bound."""

    label: str
    estimate: Estimate
    direction: int  # +1: the interval must lie above `bound`; -1: below it
    bound: float = 0.0
    unit: str = ""

    @property
    def holds(self) -> bool:
        """Whether the whole 95 % interval lies on the claimed side of the bound."""
        if self.direction > 0:
            return self.estimate.low > self.bound
        return self.estimate.high < self.bound


@dataclass
class Pattern:
    """A pattern's claim, its source, and what the model gives."""

    number: int
    title: str
    claim: str
    source: str
    method: str
    claims: list[Claim]
    figure: Figure | None = field(default=None, repr=False)
    #: What was tuned with this pattern in view (a calibration target, docs/ODD.md §10); empty
    #: when the pattern was not a target, so that it validates the model.
    target: str = ""
    #: Why the pattern holds by construction of the rule it tests (a mechanism check: it shows the
    #: coefficient's sign reaches the outcome, not that the model found the pattern); empty for a
    #: pattern the rules were not written to produce.
    check: str = ""

    @property
    def holds(self) -> bool:
        """Whether every claim holds."""
        return all(c.holds for c in self.claims)


# ---- running, with a cache so patterns share their baseline runs -----------------------------
@lru_cache(maxsize=64)
def run(scenario: Scenario, replicates: int, seed: int) -> Results:
    """``simulate(scenario, replicates, seed)``, cached."""
    return simulate(scenario, replicates=replicates, seed=seed)


def base() -> Scenario:
    """The baseline preset."""
    return Scenario.preset("baseline")


def is_regime(results: Results, regime: str | tuple[str, ...]) -> np.ndarray:
    """1.0 where a run ended in ``regime`` (or any of several), per replicate."""
    wanted = (regime,) if isinstance(regime, str) else regime
    return np.asarray(results.summary["regime"].isin(wanted), dtype=float)


def final_progress(results: Results) -> np.ndarray:
    """Each run's final progress (public value achieved, 0 to 1)."""
    return results.summary["progress"].to_numpy()


def censored(results: Results, column: str) -> np.ndarray:
    """A time to an event per run, censored by the rule of :mod:`cisim.model.outcomes`."""
    return values(results.summary, column, results.scenario.horizon_months)


def paired_lever(
    scenario: Scenario,
    lever: str,
    low: object,
    high: object,
    outcome: Callable[[Results], np.ndarray],
    replicates: int,
    seed: int,
) -> Estimate:
    """Paired effect of moving ``lever`` from ``low`` to ``high`` on a per-run outcome."""
    a = run(scenario.replace(**{lever: low}), replicates, seed)
    b = run(scenario.replace(**{lever: high}), replicates, seed)
    return paired_difference(outcome(a), outcome(b))


def share_of(regime: str | tuple[str, ...]) -> Callable[[Results], np.ndarray]:
    """A per-run measure: 1.0 where a run ended in ``regime`` (or any of several)."""
    return lambda r: is_regime(r, regime)


# ---- helpers for the measures --------------------------------------------------------------
def wilson_share(indicator: np.ndarray) -> Estimate:
    """The share of runs an indicator marks, with its 95 % Wilson interval."""
    return wilson(int(indicator.sum()), len(indicator))


def first_response_blame_share(res: Results) -> np.ndarray:
    """Share of blame among each run's first setback responses (NaN: none)."""
    blame, learn = res.arrays["blame_responses"], res.arrays["learning_responses"]
    total = blame + learn
    has = total.sum(axis=0) > 0
    first = np.argmax(total > 0, axis=0)
    runs = np.arange(total.shape[1])
    share = blame[first, runs] / np.maximum(total[first, runs], 1)
    return np.where(has, share, np.nan)


def understanding_around_turnover(res: Results, ahead: int = 6) -> tuple[Estimate, Estimate]:
    """Change of understanding in a month with turnover, and over the next ``ahead`` months."""
    u, events = res.arrays["shared_understanding"], res.arrays["turnover_events"]
    months = u.shape[0]
    change = np.diff(u, axis=0)  # change[t - 1] = u[t] - u[t - 1]
    hit = events[1:] > 0
    hit[-ahead:] = False  # leave room to see the rebuilding
    t_idx, r_idx = np.nonzero(hit)
    drop = change[t_idx, r_idx]
    later = u[np.minimum(t_idx + 1 + ahead, months - 1), r_idx] - u[t_idx + 1, r_idx]
    return cluster_mean(drop, r_idx), cluster_mean(later, r_idx)


def cluster_mean(values: np.ndarray, runs: np.ndarray) -> Estimate:
    """Mean over events with an interval that treats each run as one cluster."""
    frame = pd.DataFrame({"v": values, "run": runs}).groupby("run")["v"].agg(["sum", "count"])
    total, count = frame["sum"].to_numpy(), frame["count"].to_numpy()
    mean = total.sum() / count.sum()
    resid = total - mean * count
    k = len(count)
    se = np.sqrt(k / (k - 1) * (resid**2).sum()) / count.sum()
    return Estimate(float(mean), float(mean - 1.96 * se), float(mean + 1.96 * se))


def structure_design(n: int, seed: int) -> pd.DataFrame:
    """``n`` Latin-hypercube scenarios of governance, adaptability and the five key actions."""
    from scipy.stats import qmc

    unit = qmc.LatinHypercube(d=7, rng=np.random.default_rng(seed)).random(n)
    modes = ("shared", "lead_organisation", "administrative_organisation")
    rows = []
    for u in unit:
        acts = 0.8 * u[2:7]
        nav = int(u[3] >= 0.5)
        sc = base().replace(
            governance_mode=modes[min(int(u[0] * 3), 2)],
            adaptability=float(0.8 * u[1]),
            navigator=nav,
            prior_ties=float(acts[0]),
            community_engagement=float(acts[2]),
            data_use=float(acts[3]),
            joint_problem_solving=float(acts[4]),
        )
        index = float(np.mean([acts[0], nav * 0.8, acts[2], acts[3], acts[4]]))
        rows.append(
            {
                "scenario": sc,
                "governance_mode": sc.governance_mode,
                "adaptability": sc.adaptability,
                "actions": index,
            }
        )
    return pd.DataFrame(rows)


def trust_after(start: np.ndarray, experiences: np.ndarray, scenario: Scenario) -> np.ndarray:
    """Trust of ties starting at ``start`` after each row of ``experiences`` (one a month; 0 is a
    month without one), by the model's compiled trust rule applied tie by tie at the scenario's
    rates."""
    update = np.vectorize(asymmetric_update, otypes=[float])
    trust = np.asarray(start, dtype=float).copy()
    for k in range(experiences.shape[1]):
        rates = (scenario.trust_build_rate, scenario.trust_erosion_rate)
        trust = update(trust, experiences[:, k], *rates)
    return trust


def tertile(x: np.ndarray) -> np.ndarray:
    """Which third (0, 1, 2) of its values each value of ``x`` falls in."""
    return np.digitize(x, np.quantile(x, [1 / 3, 2 / 3]))

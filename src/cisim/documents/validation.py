"""The ten patterns of pattern-oriented modelling: measured, tested and documented from one place.

Each ``pattern_NN`` function runs what it needs (common random numbers wherever two conditions are
compared: replicate ``k`` of both sees the same luck), and returns a :class:`Pattern` holding its
claims, each an :class:`~cisim.stats.Estimate` with a 95 % interval and the direction it must
take. ``tests/patterns/`` asserts on these results; ``python -m cisim.documents.validation``
(``./dev validation``) writes ``docs/validation.md`` and its figures from the very same functions.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from cisim.model.mechanisms.trust import asymmetric_update
from cisim.model.outcomes import values
from cisim.model.population import RunSpec
from cisim.model.scenario import Scenario
from cisim.stats import Estimate, bootstrap, correlation, eta_squared, paired_difference, wilson
from cisim.study.simulate import Results, simulate, simulate_runs

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

    @property
    def holds(self) -> bool:
        """Whether every claim holds."""
        return all(c.holds for c in self.claims)


# ---- running, with a cache so patterns share their baseline runs -----------------------------
@lru_cache(maxsize=64)
def _run(scenario: Scenario, replicates: int, seed: int) -> Results:
    return simulate(scenario, replicates=replicates, seed=seed)


def base() -> Scenario:
    """The baseline preset."""
    return Scenario.preset("baseline")


def is_regime(results: Results, regime: str | tuple[str, ...]) -> np.ndarray:
    """1.0 where a run ended in ``regime`` (or any of several), per replicate."""
    wanted = (regime,) if isinstance(regime, str) else regime
    return np.asarray(results.summary["regime"].isin(wanted), dtype=float)


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
    a = _run(scenario.replace(**{lever: low}), replicates, seed)
    b = _run(scenario.replace(**{lever: high}), replicates, seed)
    return paired_difference(outcome(a), outcome(b))


def _share_of(regime: str | tuple[str, ...]) -> Callable[[Results], np.ndarray]:
    return lambda r: is_regime(r, regime)


# ---- the ten patterns ----------------------------------------------------------------------
def pattern_01(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """Two regimes from one condition; early events decide which."""
    res = _run(base(), replicates, seed)
    lj, bg = is_regime(res, LJ), is_regime(res, BG)
    first = _first_response_blame_share(res)
    seen = ~np.isnan(first)
    learned_first = seen & (first < 0.5)
    blamed_first = seen & (first >= 0.5)
    p1, p2 = lj[learned_first].mean(), lj[blamed_first].mean()
    n1, n2 = learned_first.sum(), blamed_first.sum()
    se = np.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    diff = Estimate(p1 - p2, p1 - p2 - 1.96 * se, p1 - p2 + 1.96 * se)
    fig = _fig_two_regimes(res)
    return Pattern(
        1,
        "Two regimes from one condition",
        "Under a middling baseline both learning journeys and blame games occur in a substantial "
        "share of replicates, and early events decide which.",
        "Pulido-Gómez, de Jong & Rivkin (JPART); Ariño & de la Torre (1998)",
        f"{replicates} replicates of `baseline`. Substantial: the 95 % Wilson interval of each "
        "share lies above 20 %. Early events: the share of learning journeys among runs whose "
        "first setback was met mostly by learning, minus that among runs whose first setback was "
        "met mostly by blame (normal interval for two proportions).",
        [
            Claim("share of learning journeys", _wilson(lj), +1, 0.2),
            Claim("share of blame games", _wilson(bg), +1, 0.2),
            Claim(
                "P(learning journey | first setback met by learning) − "
                "P(learning journey | first setback met by blame)",
                diff,
                +1,
            ),
        ],
        fig,
    )


def pattern_02(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """The five key actions each raise the share of learning journeys."""
    levers = [
        ("prior_ties", 0.3, 0.6, "build on prior relationships (prior_ties 0.3 → 0.6)"),
        ("navigator", 0, 1, "a trusted navigator (navigator 0 → 1)"),
        ("community_engagement", 0.3, 0.6, "engage the community (0.3 → 0.6)"),
        ("data_use", 0.3, 0.6, "use data (0.3 → 0.6)"),
        ("joint_problem_solving", 0.3, 0.6, "joint problem-solving (0.3 → 0.6)"),
    ]
    claims = [
        Claim(
            f"Δ share of learning journeys: {label}",
            paired_lever(base(), lever, lo, hi, _share_of(LJ), replicates, seed),
            +1,
        )
        for lever, lo, hi, label in levers
    ]
    return Pattern(
        2,
        "The five key actions",
        "Prior relationships, a navigator, community engagement, data use and joint "
        "problem-solving each raise the share of learning journeys.",
        "Pulido-Gómez, de Jong & Rivkin (JPART): the five key actions",
        f"Each action moved alone from its baseline level; {replicates} paired replicates "
        "(common random numbers); paired difference of the learning-journey indicator.",
        claims,
        _fig_effects(claims, "Effect on the share of learning journeys"),
    )


def pattern_03(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """Turnover lowers learning journeys; understanding falls and is rebuilt."""
    effect = paired_lever(base(), "turnover", 0.01, 0.05, _share_of(LJ), replicates, seed)
    res = _run(base(), replicates, seed)
    drop, rebuild = _understanding_around_turnover(res)
    return Pattern(
        3,
        "Turnover",
        "Turnover lowers the share of learning journeys and makes shared understanding fall and "
        "be rebuilt.",
        'Louisville case ("getting consensus on something that there was consensus about two '
        'years ago"); Vangen & Huxham (2003)',
        f"Turnover 0.01 → 0.05 a month, {replicates} paired replicates. In `baseline`, the mean "
        "monthly change of shared understanding in months when a representative left, and its "
        "change over the following six months.",
        [
            Claim("Δ share of learning journeys (turnover 0.01 → 0.05)", effect, -1),
            Claim("change of understanding in a month with turnover", drop, -1),
            Claim("change of understanding over the next 6 months", rebuild, +1),
        ],
        _fig_turnover(res),
    )


def pattern_04(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """Without an entry point most stall or dissolve; with one the first win comes sooner."""
    none = _run(base().replace(entry_point="none"), replicates, seed)
    stuck = is_regime(none, ("stalled", "dissolved"))
    search = _run(base(), replicates, seed)
    designed = _run(base().replace(entry_point="designed"), replicates, seed)
    sooner = paired_difference(
        censored(search, "months_to_first_win"), censored(designed, "months_to_first_win")
    )
    return Pattern(
        4,
        "Entry points",
        "Without an entry point, most collaborations stall or dissolve; with one, the first win "
        "comes sooner.",
        'Martínez Orbegozo et al. (2022), JABS: "without an entry point CBCs just keep talking '
        'or perish"',
        f"{replicates} replicates with no entry point to be found; and a designed entry point "
        "against searching for one (paired; runs with no win counted at the horizon + 1).",
        [
            Claim("share stalled or dissolved without an entry point", _wilson(stuck), +1, 0.5),
            Claim("Δ months to first win (designed − searching)", sooner, -1, unit="months"),
        ],
        _fig_first_win(search, designed),
    )


def pattern_05(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """Diversity, trust, agency and outward orientation each shorten the search."""

    def months(r: Results) -> np.ndarray:
        return censored(r, "months_to_entry_point")

    homogeneous = base().replace(sector_mix={"public": 1.0})
    diverse = _run(base(), replicates, seed)
    levers = [
        ("initial_trust", 0.35, 0.65, "mutual trust (initial trust 0.35 → 0.65)"),
        ("authority", 0.3, 0.7, "agency (authority 0.3 → 0.7)"),
        (
            "authority_source",
            "granted",
            "self_assigned",
            "agency (authority granted → self-assigned)",
        ),
        ("community_engagement", 0.0, 0.6, "outward orientation (community engagement 0 → 0.6)"),
    ]
    claims = [
        Claim(
            "Δ months to entry point: diversity (one sector → five)",
            paired_difference(months(_run(homogeneous, replicates, seed)), months(diverse)),
            -1,
            unit="months",
        ),
        *(
            Claim(
                f"Δ months: {label}",
                paired_lever(base(), lever, lo, hi, months, replicates, seed),
                -1,
                unit="months",
            )
            for lever, lo, hi, label in levers
        ),
    ]
    return Pattern(
        5,
        "What finds entry points",
        "Diversity, mutual trust, agency and outward orientation each shorten the search for an "
        "entry point.",
        "Martínez Orbegozo et al. (2022); de Jong et al. (2023), SSIR",
        f"Each factor moved alone; {replicates} paired replicates; months to entry point (runs "
        "that never found one counted at the horizon + 1).",
        claims,
        _fig_effects(claims, "Effect on months to an entry point"),
    )


def pattern_06(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """As many good as bad experiences leave trust lower than it started."""
    sc = Scenario()
    rng = np.random.default_rng(seed)
    floor = sc.trust_build_rate / (sc.trust_build_rate + sc.trust_erosion_rate)
    start = rng.uniform(0.3, 0.9, replicates)
    trust = start.copy()
    signs = np.tile(np.r_[np.ones(10), -np.ones(10)], (replicates, 1))
    order = rng.permuted(signs, axis=1)
    for k in range(order.shape[1]):
        trust = asymmetric_update(trust, order[:, k], sc.trust_build_rate, sc.trust_erosion_rate)
    change = paired_difference(start, trust)
    return Pattern(
        6,
        "Trust asymmetry",
        "As many good as bad experiences leave trust lower than it started.",
        "Slovic (1993); Poortinga & Pidgeon (2004); Pant & Yu (2025)",
        f"The model's trust rule with its default rates (build {sc.trust_build_rate}, erosion "
        f"{sc.trust_erosion_rate}) applied to {replicates} ties, each starting from a trust drawn "
        "from U(0.3, 0.9) and receiving ten good (+1) and ten bad (−1) experiences in a random "
        "order. The rule (erosion proportional to trust, building to its complement) pulls trust "
        f"under balanced experience towards build / (build + erosion) = {floor:.2f}: from any "
        "start above that level it ends lower, which is the claim; a tie that starts below it "
        "(rare: initial trust is drawn around 0.5) would drift up towards it.",
        [Claim("change of trust after 10 good and 10 bad experiences", change, -1)],
        _fig_asymmetry(start, trust),
    )


def pattern_07(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """Early wins predict later trust."""
    res = _run(base(), replicates, seed)
    arrays = res.arrays
    early = arrays["wins"][36]
    later = arrays["mean_trust"][72]
    r = correlation(early, later)
    return Pattern(
        7,
        "Small wins",
        "Early wins predict later trust.",
        "Ansell & Gash (2008); Vangen & Huxham (2003): the trust-building loop",
        f"{replicates} replicates of `baseline`: correlation between the wins of the first three "
        "years and mean trust in year six (Fisher-z interval).",
        [Claim("correlation of wins by month 36 with trust at month 72", r, +1)],
        _fig_scatter(early, later, "wins in the first 36 months", "mean trust at month 72"),
    )


def pattern_08(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """Governance mode alone predicts success much less than adaptability and the actions."""
    n = 3 * replicates
    design = _structure_design(n, seed)
    specs = [RunSpec(sc, seed, k) for k, sc in enumerate(design["scenario"])]
    lj = np.asarray(simulate_runs(specs)["regime"] == LJ, dtype=float)
    mode = design["governance_mode"].to_numpy()
    adapt = _tertile(design["adaptability"].to_numpy())
    actions = _tertile(design["actions"].to_numpy())

    def gap(other: np.ndarray) -> Estimate:
        return bootstrap(
            lambda g, o, y: eta_squared(o, y) - eta_squared(g, y),
            mode,
            other,
            lj,
            resamples=400,
            seed=seed,
        )

    return Pattern(
        8,
        "Structure is not destiny",
        "The governance mode alone predicts success much less than adaptability and the five "
        "actions do.",
        "Pulido-Gómez, de Jong & Rivkin (JPART): no single mode of governance is associated with "
        "success, adaptability is; Provan & Kenis (2008)",
        f"{n} runs of a Latin hypercube over governance mode (three modes), adaptability "
        "(0–0.8) and the five actions (each 0–0.8, navigator 0 or 1). Variance of the "
        "learning-journey indicator explained (η²) by mode, by adaptability (tertiles) and by the "
        "mean of the five actions (tertiles); bootstrap intervals of the differences.",
        [
            Claim("η²(adaptability) − η²(governance mode)", gap(adapt), +1),
            Claim("η²(five actions) − η²(governance mode)", gap(actions), +1),
        ],
        _fig_structure(mode, adapt, actions, lj),
    )


def pattern_09(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """Grand expectations early raise the share of blame games."""
    effect = paired_lever(base(), "aspiration", 0.3, 0.8, _share_of(BG), replicates, seed)
    return Pattern(
        9,
        "Grand expectations",
        "Grand expectations early raise the share of blame games.",
        'seed 002 ("avoid setting grand expectations early on"); Repenning & Sterman (2002); '
        "seed 000 (the level of intervention)",
        f"Aspiration 0.3 → 0.8, {replicates} paired replicates; paired difference of the "
        "blame-game indicator.",
        [Claim("Δ share of blame games (aspiration 0.3 → 0.8)", effect, +1)],
        _fig_effects([Claim("aspiration 0.3 → 0.8", effect, +1)], "Effect on blame games"),
    )


def pattern_10(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """A large grant with low trust and contested authority buys no success, raises conflict."""
    low = base().replace(initial_trust=0.35, authority_contest=0.8)
    good = base().replace(initial_trust=0.6, authority_contest=0.0)

    def lever(sc: Scenario, fn: Callable[[Results], np.ndarray]) -> Estimate:
        return paired_lever(sc, "resources", 0.1, 0.9, fn, replicates, seed)

    def conflict(r: Results) -> np.ndarray:
        return r.summary["peak_conflict"].to_numpy()

    def progress(r: Results) -> np.ndarray:
        return r.summary["progress"].to_numpy()

    claims = [
        Claim(
            "low trust, contested: Δ share of learning journeys (grant 0.1 → 0.9)",
            lever(low, _share_of(LJ)),
            -1,
            0.0,
        ),
        Claim("low trust, contested: Δ peak conflict", lever(low, conflict), +1),
        Claim("contrast, high trust and clear authority: Δ progress", lever(good, progress), +1),
    ]
    return Pattern(
        10,
        "The dark side of resources",
        "A large grant in a low-trust collaboration with contested authority does not buy "
        "success and can raise conflict.",
        'Hartford case: a $28m grant, a fight over the governance structure ("the dark side of '
        'having resources")',
        f"Resources 0.1 → 0.9 in a collaboration with initial trust 0.35 and authority contest "
        f"0.8, {replicates} paired replicates; and, for contrast, with trust 0.6 and no contest.",
        claims,
        _fig_effects(claims, "Effect of a large grant"),
    )


PATTERNS: tuple[Callable[..., Pattern], ...] = (
    pattern_01,
    pattern_02,
    pattern_03,
    pattern_04,
    pattern_05,
    pattern_06,
    pattern_07,
    pattern_08,
    pattern_09,
    pattern_10,
)


# ---- helpers for the measures --------------------------------------------------------------
def _wilson(indicator: np.ndarray) -> Estimate:
    return wilson(int(indicator.sum()), len(indicator))


def _first_response_blame_share(res: Results) -> np.ndarray:
    blame, learn = res.arrays["blame_responses"], res.arrays["learning_responses"]
    total = blame + learn
    has = total.sum(axis=0) > 0
    first = np.argmax(total > 0, axis=0)
    runs = np.arange(total.shape[1])
    share = blame[first, runs] / np.maximum(total[first, runs], 1)
    return np.where(has, share, np.nan)


def _understanding_around_turnover(res: Results, ahead: int = 6) -> tuple[Estimate, Estimate]:
    u, events = res.arrays["shared_understanding"], res.arrays["turnover_events"]
    months = u.shape[0]
    change = np.diff(u, axis=0)  # change[t - 1] = u[t] - u[t - 1]
    hit = events[1:] > 0
    hit[-ahead:] = False  # leave room to see the rebuilding
    t_idx, r_idx = np.nonzero(hit)
    drop = change[t_idx, r_idx]
    later = u[np.minimum(t_idx + 1 + ahead, months - 1), r_idx] - u[t_idx + 1, r_idx]
    return _cluster_mean(drop, r_idx), _cluster_mean(later, r_idx)


def _cluster_mean(values: np.ndarray, runs: np.ndarray) -> Estimate:
    """Mean over events with an interval that treats each run as one cluster."""
    frame = pd.DataFrame({"v": values, "run": runs}).groupby("run")["v"].agg(["sum", "count"])
    total, count = frame["sum"].to_numpy(), frame["count"].to_numpy()
    mean = total.sum() / count.sum()
    resid = total - mean * count
    k = len(count)
    se = np.sqrt(k / (k - 1) * (resid**2).sum()) / count.sum()
    return Estimate(float(mean), float(mean - 1.96 * se), float(mean + 1.96 * se))


def _structure_design(n: int, seed: int) -> pd.DataFrame:
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


def _tertile(x: np.ndarray) -> np.ndarray:
    return np.digitize(x, np.quantile(x, [1 / 3, 2 / 3]))


# ---- figures ---------------------------------------------------------------------------------
REGIME_COLOURS = {LJ: "#2e8b57", BG: "#d9482b", "stalled": "#8c8c8c", "dissolved": "#6a3d9a"}


def _fig_two_regimes(res: Results) -> Figure:
    fig = Figure(figsize=(9, 3.6))
    ax1, ax2 = fig.subplots(1, 2)
    s = res.summary
    bins = np.linspace(0, 1, 26)
    for regime, colour in REGIME_COLOURS.items():
        sub = s[s["regime"] == regime]
        if len(sub):
            ax1.hist(
                sub["final_trust"],
                bins=bins,
                color=colour,
                alpha=0.75,
                label=f"{regime} ({len(sub)})",
            )
            ax2.hist(sub["progress"], bins=bins, color=colour, alpha=0.75)
    ax1.set(title="Final trust, by regime", xlabel="mean trust at the horizon", ylabel="runs")
    ax2.set(title="Final progress, by regime", xlabel="progress (share of the goal)")
    ax1.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def _fig_effects(claims: list[Claim], title: str) -> Figure:
    fig = Figure(figsize=(8, 0.6 + 0.55 * len(claims)))
    ax = fig.subplots()
    y = np.arange(len(claims))[::-1]
    for yi, c in zip(y, claims, strict=True):
        e = c.estimate
        colour = "#2e8b57" if c.holds else "#d9482b"
        ax.errorbar(
            e.value,
            yi,
            xerr=[[e.value - e.low], [e.high - e.value]],
            fmt="o",
            color=colour,
            capsize=4,
        )
    ax.axvline(0, color="0.5", lw=0.8)
    ax.set_yticks(y, [c.label.split(": ")[-1] for c in claims], fontsize=8)
    ax.set_title(title + " (95 % interval)", fontsize=10)
    fig.tight_layout()
    return fig


def _fig_turnover(res: Results) -> Figure:
    fig = Figure(figsize=(8, 3.4))
    ax = fig.subplots()
    u, events = res.arrays["shared_understanding"], res.arrays["turnover_events"]
    run = int(np.argmax(events.sum(axis=0) * (res.summary["regime"] == LJ).to_numpy()))
    ax.plot(u[:, run], color="#1f5f8b", label="shared understanding")
    for t in np.flatnonzero(events[:, run] > 0):
        ax.axvline(float(t), color="#d9482b", alpha=0.35, lw=1)
    ax.set(
        title="One run: understanding falls when a representative leaves (red) and is rebuilt",
        xlabel="month",
        ylabel="shared understanding",
    )
    ax.title.set_fontsize(10)
    fig.tight_layout()
    return fig


def _fig_first_win(search: Results, designed: Results) -> Figure:
    fig = Figure(figsize=(7, 3.4))
    ax = fig.subplots()
    horizon = search.scenario.horizon_months
    for res, label, colour in (
        (search, "searching for an entry point", "#8c8c8c"),
        (designed, "designed entry point", "#2e8b57"),
    ):
        months = censored(res, "months_to_first_win")
        grid = np.arange(horizon + 1)
        ax.step(grid, [(months <= t).mean() for t in grid], where="post", label=label, color=colour)
    ax.set(title="Share of collaborations with a first win", xlabel="month", ylabel="share")
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig


def _fig_asymmetry(start: np.ndarray, end: np.ndarray) -> Figure:
    fig = Figure(figsize=(5, 4))
    ax = fig.subplots()
    ax.scatter(start, end, s=6, alpha=0.4, color="#1f5f8b")
    ax.plot([0, 1], [0, 1], color="0.5", lw=0.8)
    ax.set(
        title="Ten good and ten bad experiences",
        xlabel="trust before",
        ylabel="trust after",
        xlim=(0, 1),
        ylim=(0, 1),
    )
    fig.tight_layout()
    return fig


def _fig_scatter(x: np.ndarray, y: np.ndarray, xlabel: str, ylabel: str) -> Figure:
    fig = Figure(figsize=(5, 4))
    ax = fig.subplots()
    jitter = np.random.default_rng(0).uniform(-0.2, 0.2, len(x))
    ax.scatter(x + jitter, y, s=6, alpha=0.35, color="#1f5f8b")
    ax.set(title="Small wins and later trust", xlabel=xlabel, ylabel=ylabel)
    fig.tight_layout()
    return fig


def _fig_structure(
    mode: np.ndarray, adapt: np.ndarray, actions: np.ndarray, lj: np.ndarray
) -> Figure:
    fig = Figure(figsize=(9, 3.4))
    axes = fig.subplots(1, 3, sharey=True)
    groups: list[tuple[str, np.ndarray, list[str] | list[int]]] = [
        ("governance mode", mode, ["shared", "lead_organisation", "administrative_organisation"]),
        ("adaptability tertile", adapt, [0, 1, 2]),
        ("five-actions tertile", actions, [0, 1, 2]),
    ]
    for ax, (title, g, levels) in zip(axes, groups, strict=True):
        shares = [lj[g == level].mean() for level in levels]
        ax.bar(range(len(levels)), shares, color="#2e8b57")
        labels = [str(v).replace("_organisation", " org.") for v in levels]
        ax.set_xticks(range(len(levels)), labels, fontsize=7)
        ax.set_title(f"{title}\nη² = {eta_squared(g, lj):.3f}", fontsize=9)
    axes[0].set_ylabel("share of learning journeys")
    fig.tight_layout()
    return fig


# ---- the document --------------------------------------------------------------------------
def write_document(
    patterns: list[Pattern], out: Path, replicates: int, seed: int, seconds: float
) -> None:
    """Write ``validation.md`` and one PNG per pattern into ``out``."""
    figures = out / "figures" / "validation"
    figures.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Validation: the ten patterns",
        "",
        "Generated by `./dev validation` (`python -m cisim.documents.validation`) from "
        "`cisim.documents.validation`, ",
        f"the same code `tests/patterns/` asserts on. Seed {seed}, {replicates} replicates per "
        f"condition; run time {seconds:.0f} s on this machine. Every interval is 95 %. Paired "
        "comparisons use common random numbers: replicate k of both conditions shares its "
        "random draws, so the difference is measured on the same worlds.",
        "",
        "| # | pattern | holds | measure | estimate [95 % interval] |",
        "|---|---|---|---|---|",
    ]
    for p in patterns:
        for i, c in enumerate(p.claims):
            head = (
                f"| {p.number} | {p.title} | {'yes' if p.holds else '**no**'} "
                if i == 0
                else "| | | "
            )
            lines.append(f"{head}| {c.label} | {c.estimate:.3f} |")
    for p in patterns:
        name = f"p{p.number:02d}.png"
        if p.figure is not None:
            p.figure.savefig(figures / name, dpi=110)
        lines += [
            "",
            f"## {p.number}. {p.title}",
            "",
            f"**Claim.** {p.claim}",
            "",
            f"**Source.** {p.source}",
            "",
            f"**Method.** {p.method}",
            "",
        ]
        for c in p.claims:
            side = "above" if c.direction > 0 else "below"
            verdict = "holds" if c.holds else "DOES NOT HOLD"
            lines.append(
                f"- {c.label}: **{c.estimate:.3f}** {c.unit} (interval must lie {side} "
                f"{c.bound:g}: {verdict})"
            )
        if p.figure is not None:
            lines += ["", f"![pattern {p.number}](figures/validation/{name})"]
    (out / "validation.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Measure every pattern and write the validation document."""
    parser = argparse.ArgumentParser(
        prog="python -m cisim.documents.validation", description=__doc__
    )
    parser.add_argument("--replicates", type=int, default=DEFAULT_REPLICATES)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=Path("docs"))
    args = parser.parse_args(argv)
    start = time.perf_counter()
    patterns = []
    for fn in PATTERNS:
        p = fn(args.replicates, args.seed)
        print(
            f"pattern {p.number:2d} {p.title:32s} {'holds' if p.holds else 'DOES NOT HOLD'}",
            file=sys.stderr,
        )
        patterns.append(p)
    write_document(patterns, args.out, args.replicates, args.seed, time.perf_counter() - start)
    return 0 if all(p.holds for p in patterns) else 1


if __name__ == "__main__":
    raise SystemExit(main())

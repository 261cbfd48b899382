"""The patterns of pattern-oriented modelling, each measured by one function (1 to 10 here, 11 to
17 in :mod:`cisim.documents.patterns_sources`, 18 to 21 in :mod:`cisim.documents.patterns_breadth`).

Each ``pattern_NN`` function runs what it needs (common random numbers wherever two conditions are
compared: replicate ``k`` of both sees the same luck), and returns a
:class:`~cisim.documents.evidence.Pattern` holding its claims. ``tests/patterns/`` asserts on
these results; :mod:`cisim.documents.validation` writes ``docs/validation.md`` from the very same
functions.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from cisim.documents.evidence import (
    BG,
    DEFAULT_REPLICATES,
    DEFAULT_SEED,
    LJ,
    Claim,
    Pattern,
    base,
    censored,
    final_progress,
    first_response_blame_share,
    is_regime,
    paired_lever,
    run,
    share_of,
    structure_design,
    tertile,
    trust_after,
    understanding_around_turnover,
    wilson_share,
)
from cisim.documents.pattern_figures import (
    asymmetry_figure,
    effects_figure,
    first_win_figure,
    scatter_figure,
    structure_figure,
    turnover_figure,
    two_regimes_figure,
)
from cisim.documents.patterns_breadth import PATTERNS_BREADTH
from cisim.documents.patterns_sources import PATTERNS_SOURCES
from cisim.model.population import RunSpec
from cisim.model.scenario import Scenario
from cisim.stats import Estimate, bootstrap, correlation, eta_squared, paired_difference
from cisim.study.simulate import Results, simulate_runs


# ---- patterns 1 to 10 ----------------------------------------------------------------------
def pattern_01(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """Two regimes from one condition; who is at the table and early events decide which."""
    res = run(base(), replicates, seed)
    lj, bg = is_regime(res, LJ), is_regime(res, BG)
    first = first_response_blame_share(res)
    seen = ~np.isnan(first)
    learned_first = seen & (first < 0.5)
    blamed_first = seen & (first >= 0.5)
    p1, p2 = lj[learned_first].mean(), lj[blamed_first].mean()
    n1, n2 = learned_first.sum(), blamed_first.sum()
    se = np.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    diff = Estimate(p1 - p2, p1 - p2 - 1.96 * se, p1 - p2 + 1.96 * se)
    fig = two_regimes_figure(res)
    return Pattern(
        1,
        "Two regimes from one condition",
        "Under a middling baseline both learning journeys and blame games occur in a substantial "
        "share of replicates; who is at the table explains part of which, and how the first "
        "setbacks are met another part.",
        "Pulido-Gómez, de Jong & Rivkin (JPART); Ariño & de la Torre (1998)",
        f"{replicates} replicates of `baseline`. Substantial: the 95 % Wilson interval of each "
        "share lies above 20 %. Who is at the table is measured by pattern 16. Early events: the "
        "share of learning journeys among runs whose first setback was met mostly by learning, "
        "minus that among runs whose first setback was met mostly by blame (normal interval for "
        "two proportions). The baseline's middling balance is a calibration target (BLAME_BASE, "
        "docs/ODD.md §10); that structure and early events decide is not.",
        [
            Claim("share of learning journeys", wilson_share(lj), +1, 0.2),
            Claim("share of blame games", wilson_share(bg), +1, 0.2),
            Claim(
                "P(learning journey | first setback met by learning) − "
                "P(learning journey | first setback met by blame)",
                diff,
                +1,
            ),
        ],
        fig,
        target="BLAME_BASE (a middling baseline), HABIT_WEIGHT and NORM_WEIGHT (two cultures)",
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
            paired_lever(base(), lever, lo, hi, share_of(LJ), replicates, seed),
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
        effects_figure(claims, "Effect on the share of learning journeys"),
        target="KNOWLEDGE_TERM and money's pressure in the blame logit (v4)",
    )


def pattern_03(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """Turnover lowers learning journeys; understanding falls and is rebuilt."""
    effect = paired_lever(base(), "turnover", 0.01, 0.05, share_of(LJ), replicates, seed)
    res = run(base(), replicates, seed)
    drop, rebuild = understanding_around_turnover(res)
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
        turnover_figure(res),
    )


def pattern_04(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """Without an entry point most stall or dissolve; with one the first win comes sooner."""
    none = run(base().replace(entry_point="none"), replicates, seed)
    stuck = is_regime(none, ("stalled", "dissolved"))
    search = run(base(), replicates, seed)
    designed = run(base().replace(entry_point="designed"), replicates, seed)
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
            Claim(
                "share stalled or dissolved without an entry point", wilson_share(stuck), +1, 0.5
            ),
            Claim("Δ months to first win (designed − searching)", sooner, -1, unit="months"),
        ],
        first_win_figure(search, designed),
        target="entry_base_rate (a median search of about a year)",
    )


def pattern_05(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """Diversity, trust, agency and outward orientation each shorten the search."""

    def months(r: Results) -> np.ndarray:
        return censored(r, "months_to_entry_point")

    homogeneous = base().replace(sector_mix={"public": 1.0})
    diverse = run(base(), replicates, seed)
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
            paired_difference(months(run(homogeneous, replicates, seed)), months(diverse)),
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
        effects_figure(claims, "Effect on months to an entry point"),
    )


def pattern_06(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """As many good as bad experiences leave trust lower than it started."""
    sc = Scenario()
    rng = np.random.default_rng(seed)
    start = rng.uniform(0.02, 0.98, replicates)
    signs = np.tile(np.r_[np.ones(10), -np.ones(10)], (replicates, 1))
    trust = trust_after(start, rng.permuted(signs, axis=1), sc)
    change = paired_difference(start, trust)
    return Pattern(
        6,
        "Trust asymmetry",
        "As many good as bad experiences leave trust lower than it started.",
        "Slovic (1993); Poortinga & Pidgeon (2004); Pant & Yu (2025)",
        f"The model's trust rule with its default rates (build {sc.trust_build_rate}, erosion "
        f"{sc.trust_erosion_rate}, on the log-odds scale) applied to {replicates} ties, each "
        "starting from a trust drawn from U(0.02, 0.98) and receiving ten good (+1) and ten bad "
        "(−1) experiences in a random order. On the log-odds scale the ten bad experiences undo "
        "three times what the ten good ones do, whatever the order and the start (pattern 15 "
        "looks at low trust on its own).",
        [Claim("change of trust after 10 good and 10 bad experiences", change, -1)],
        asymmetry_figure(start, trust),
    )


def pattern_07(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """Early wins predict later trust."""
    res = run(base(), replicates, seed)
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
        scatter_figure(early, later, "wins in the first 36 months", "mean trust at month 72"),
    )


def pattern_08(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """Governance mode alone predicts success much less than adaptability and the actions."""
    n = 3 * replicates
    design = structure_design(n, seed)
    specs = [RunSpec(sc, seed, k) for k, sc in enumerate(design["scenario"])]
    lj = np.asarray(simulate_runs(specs)["regime"] == LJ, dtype=float)
    mode = design["governance_mode"].to_numpy()
    adapt = tertile(design["adaptability"].to_numpy())
    actions = tertile(design["actions"].to_numpy())

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
        structure_figure(mode, adapt, actions, lj),
        target="MODE_EFFECT, SALIENCE_SD, ADAPT_RATE and HABIT_RESET (v3, v6, v7)",
    )


def pattern_09(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """Grand expectations early raise the share of blame games."""
    effect = paired_lever(base(), "aspiration", 0.3, 0.8, share_of(BG), replicates, seed)
    return Pattern(
        9,
        "Grand expectations",
        "Grand expectations early raise the share of blame games.",
        'seed 002 ("avoid setting grand expectations early on"); Repenning & Sterman (2002); '
        "seed 000 (the level of intervention)",
        f"Aspiration 0.3 → 0.8, {replicates} paired replicates; paired difference of the "
        "blame-game indicator.",
        [Claim("Δ share of blame games (aspiration 0.3 → 0.8)", effect, +1)],
        effects_figure([Claim("aspiration 0.3 → 0.8", effect, +1)], "Effect on blame games"),
    )


def pattern_10(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """A large grant with low trust and contested authority buys no success, raises conflict."""
    low = base().replace(initial_trust=0.35, authority_contest=0.8)
    good = base().replace(initial_trust=0.6, authority_contest=0.0)

    def lever(sc: Scenario, fn: Callable[[Results], np.ndarray]) -> Estimate:
        return paired_lever(sc, "resources", 0.1, 0.9, fn, replicates, seed)

    def conflict(r: Results) -> np.ndarray:
        return r.summary["peak_conflict"].to_numpy()

    claims = [
        Claim(
            "low trust, contested: Δ share of learning journeys (grant 0.1 → 0.9)",
            lever(low, share_of(LJ)),
            -1,
            0.0,
        ),
        Claim("low trust, contested: Δ peak conflict", lever(low, conflict), +1),
        Claim(
            "contrast, high trust and clear authority: Δ progress", lever(good, final_progress), +1
        ),
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
        effects_figure(claims, "Effect of a large grant"),
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
    *PATTERNS_SOURCES,
    *PATTERNS_BREADTH,
)

"""Patterns 11 to 17: more claims of the sources, each measured by one function.

The first version of the model contradicted these claims (the model review of December 2026,
issue 9); they are kept as patterns so that no later change can quietly reverse them. Each runs
what it needs with common random numbers and returns a :class:`~cisim.documents.evidence.Pattern`.
Differences of two paired effects (how an effect changes with a condition) are paired too:
replicate ``k`` of all four scenarios shares its luck.
"""

from __future__ import annotations

import numpy as np

from cisim.documents.evidence import (
    BG,
    DEFAULT_REPLICATES,
    DEFAULT_SEED,
    LJ,
    Claim,
    Pattern,
    base,
    is_regime,
    paired_lever,
    run,
    share_of,
    trust_after,
)
from cisim.documents.pattern_figures import asymmetry_figure, effects_figure, scatter_figure
from cisim.model.scenario import Scenario
from cisim.stats import Estimate, correlation, paired_difference
from cisim.study.nested import decompose, nested, outcome_grid


def effect_change(
    scenario: Scenario,
    lever: str,
    low: object,
    high: object,
    condition: str,
    at: tuple[object, object],
    replicates: int,
    seed: int,
) -> Estimate:
    """How the paired effect of ``lever`` (``low`` → ``high``) on the learning-journey share
    changes when ``condition`` moves from ``at[0]`` to ``at[1]`` (a paired difference of paired
    effects)."""

    def effect(value: object) -> np.ndarray:
        sc = scenario.replace(**{condition: value})
        a = run(sc.replace(**{lever: low}), replicates, seed)
        b = run(sc.replace(**{lever: high}), replicates, seed)
        return is_regime(b, LJ) - is_regime(a, LJ)

    return paired_difference(effect(at[0]), effect(at[1]))


def pattern_11(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """Self-assigned authority does no worse than granted authority."""
    effect = paired_lever(
        base(), "authority_source", "granted", "self_assigned", share_of(LJ), replicates, seed
    )
    claim = Claim("Δ share of learning journeys (granted → self-assigned)", effect, +1, -0.03)
    return Pattern(
        11,
        "Agency",
        "Self-assigned authority does no worse than granted authority.",
        'seed 000: efforts "making a significant difference generally are not the ones granted '
        'authority by the government, but those that seize the day"',
        f"Granted against self-assigned authority, {replicates} paired replicates; the interval "
        "of the paired difference of the learning-journey indicator must lie above −3 points "
        "(no worse, within a margin).",
        [claim],
        effects_figure([claim], "Effect of self-assigned authority"),
    )


def pattern_12(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """Authority at the table raises success, more so as ambition grows."""
    raised = paired_lever(base(), "authority", 0.2, 0.8, share_of(LJ), replicates, seed)
    grows = effect_change(base(), "authority", 0.2, 0.8, "aspiration", (0.2, 0.8), replicates, seed)
    claims = [
        Claim("Δ share of learning journeys (authority 0.2 → 0.8)", raised, +1),
        Claim("that effect at aspiration 0.8 minus at aspiration 0.2", grows, +1),
    ]
    return Pattern(
        12,
        "The right people",
        "Authority at the table raises the chance of success, more so as ambition grows.",
        'seed 000: "the more ambitious the results, the more critical it is to have leaders at '
        'the table" who can commit their organisations; efforts trying to do "big things ... with '
        'people who lack the power" or "little things ... with people who have a lot of power"',
        f"Authority 0.2 → 0.8 at the baseline, {replicates} paired replicates; and the same "
        "effect at aspiration 0.8 minus at aspiration 0.2 (a paired difference of paired "
        "effects). A calibration target: MISFIT_WEIGHT was set with this claim in view "
        "(docs/ODD.md §10).",
        claims,
        effects_figure(claims, "Authority and ambition"),
        target="MISFIT_WEIGHT",
    )


def pattern_13(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """A navigator's value grows with the turnover of representatives."""
    effect = paired_lever(base(), "navigator", 0, 1, share_of(LJ), replicates, seed)
    grows = effect_change(base(), "navigator", 0, 1, "turnover", (0.0, 0.05), replicates, seed)
    claims = [
        Claim("Δ share of learning journeys (navigator 0 → 1)", effect, +1),
        Claim("that effect at turnover 0.05 minus at turnover 0", grows, +1),
    ]
    return Pattern(
        13,
        "Onboarding",
        "A navigator's value grows with the turnover of representatives.",
        "Louisville case (consensus rebuilt after people turn over); the brief's navigator "
        "onboards newcomers (Pulido-Gómez, de Jong & Rivkin, JPART)",
        f"A navigator at the baseline, and its effect at turnover 0.05 minus at no turnover; "
        f"{replicates} paired replicates (a paired difference of paired effects).",
        claims,
        effects_figure(claims, "A navigator and turnover"),
        target="BRIEFING and COACHING",
    )


def pattern_14(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """Starting is not the danger: an entry point does not make blame likelier."""
    entry = ("entry_point", "search", "designed")
    blame = paired_lever(base(), *entry, share_of(BG), replicates, seed)
    learn = paired_lever(base(), *entry, share_of(LJ), replicates, seed)
    faster = paired_lever(base(), "entry_base_rate", 0.025, 0.1, share_of(LJ), replicates, seed)
    claims = [
        Claim("Δ share of blame games (search → designed)", blame, -1, 0.03),
        Claim("Δ share of learning journeys (search → designed)", learn, +1, -0.03),
        Claim("Δ share of learning journeys (a faster search: 0.025 → 0.1)", faster, +1, -0.03),
    ]
    return Pattern(
        14,
        "Starting is not the danger",
        "An entry point the partners take up does not make blame likelier than a long search; "
        "starting sooner is no handicap.",
        'Martínez Orbegozo et al. (2022): without an entry point collaborations "just keep '
        'talking or perish", successful ones "took initiative despite ambiguity"; seed 003: '
        "execution as learning",
        f"A designed entry point against a search, and a faster search, {replicates} paired "
        "replicates; each interval must lie on the claimed side of a 3-point margin.",
        claims,
        effects_figure(claims, "Starting sooner"),
    )


def pattern_15(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """Trust is easier to destroy than to build at every level of trust, low included."""
    sc = Scenario()
    rng = np.random.default_rng(seed)
    start = rng.uniform(0.02, 0.25, replicates)
    steps = rng.integers(1, 15, replicates)
    experiences = np.zeros((replicates, 2 * int(steps.max())))  # 0: no experience that month
    for i, k in enumerate(steps):
        experiences[i, : 2 * k] = rng.permutation(np.repeat([1.0, -1.0], k))
    trust = trust_after(start, experiences, sc)
    change = paired_difference(start, trust)
    lower = np.asarray(trust < start, dtype=float)
    share = Estimate(float(lower.mean()), float(lower.min()), float(lower.max()))
    return Pattern(
        15,
        "Asymmetry everywhere",
        "Trust is easier to destroy than to build at every level of trust, low included.",
        "Slovic (1993); Poortinga & Pidgeon (2004); Pant & Yu (2025)",
        f"{replicates} ties starting from a low trust, drawn from U(0.02, 0.25) (where blame "
        "games end), each receiving as many good (+1) as bad (−1) experiences (1 to 14 of each) "
        "in a random order: the mean change, and the share of ties that end lower (every one "
        "must: the range shown is its least and greatest value over the ties).",
        [
            Claim("change of trust after as many good as bad experiences", change, -1),
            Claim("share of ties ending lower (least over the ties)", share, +1, 0.99),
        ],
        asymmetry_figure(start, trust),
    )


def pattern_16(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """Who is at the table matters: structure explains a substantial share of the regime."""
    side = max(10, round(np.sqrt(replicates * 2)))
    runs = nested(base(), side, side, seed=seed)
    grid = outcome_grid(runs.runs, LJ, runs.scenario.horizon_months)
    table = decompose(grid, seed=seed)
    share, low, high = table.loc["structure", ["share", "low", "high"]].to_numpy(dtype=float)
    structure = Estimate(float(share), float(low), float(high))
    prior = _prior_share(runs.runs, side, seed)
    p = grid.mean(axis=1)
    r = correlation(prior, p)
    return Pattern(
        16,
        "Who is at the table",
        "With parameters fixed, the members, their traits and their ties explain a substantial "
        "share of which regime a collaboration takes; chance explains the rest.",
        "Pulido-Gómez, de Jong & Rivkin (JPART): building on prior relationships; Ansell & Gash "
        "(2008): prior history of cooperation as a starting condition",
        f"A nested design at the baseline: {side} populations (members, traits, ties) each run "
        f"under the same {side} histories (monthly events); the share of the variance of the "
        "learning-journey indicator that the population explains (two-way random effects, "
        "bootstrap interval; cisim.study.nested), which must exceed 10 %; and the correlation "
        "of a population's share of prior ties with its chance of a learning journey.",
        [
            Claim("share of variance explained by the population", structure, +1, 0.10),
            Claim("correlation of prior-tie share with P(learning journey)", r, +1),
        ],
        scatter_figure(prior, p, "share of prior ties", "P(learning journey) of the population"),
        target="history_spread",
    )


def _prior_share(runs: object, populations: int, seed: int) -> np.ndarray:
    """Each population's share of prior ties among its founding members' ties."""
    from cisim.model.population import RunSpec, build_state

    st, _ = build_state([RunSpec(base(), seed, k) for k in range(populations)])
    members = st.status == 2
    live = (
        st.exists
        & ~st.dormant
        & np.take_along_axis(members, st.src, 1)
        & np.take_along_axis(members, st.dst, 1)
    )
    return np.array([st.prior[r][live[r]].mean() for r in range(populations)])


def pattern_17(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """Execution is learning: small wins deepen shared understanding."""
    res = run(base(), replicates, seed)
    early = res.arrays["wins"][36]
    later = res.arrays["shared_understanding"][72]
    r = correlation(early, later)
    return Pattern(
        17,
        "Execution is learning",
        "Small wins deepen shared understanding as well as trust and commitment.",
        'Ansell & Gash (2008): small wins "deepen trust, commitment, and shared understanding"; '
        "seed 003: execution as learning",
        f"{replicates} replicates of `baseline`: correlation between the wins of the first three "
        "years and shared understanding in year six (Fisher-z interval).",
        [Claim("correlation of wins by month 36 with understanding at month 72", r, +1)],
        scatter_figure(early, later, "wins in the first 36 months", "understanding at month 72"),
    )


PATTERNS_SOURCES = (
    pattern_11,
    pattern_12,
    pattern_13,
    pattern_14,
    pattern_15,
    pattern_16,
    pattern_17,
)

"""Patterns 18 to 27: what the sources claim of entry points, learning by doing, timing, task
conflict, the backbone, the job a collaboration is hired to do, and scale with many-to-many
accountability.

Added with the model's breadth (issue 10; ``docs/ODD.md`` §10.1, v8): an entry point is
"meaningful, actionable, acceptable and provisional" (seed 003), execution is learning, and a
team's design and launch deserve investment. None of these patterns was a calibration target: the
coefficients they rest on (``FIT_WEIGHT``, ``ACCEPTANCE_WEIGHT``, ``WIN_KNOWLEDGE``,
``WIN_CAPACITY``, ``SETBACK_KNOWLEDGE``, ``REVISION``, and deliberation's ``QUALITY_WEIGHT`` and
``SPILL``, the backbone's ``RECRUIT``, ``BUILD`` and ``DUES``, and joint work's ``THINK_UPTAKE`` and
``DO_LEARNING``) are the modellers' choices, set
before these were measured. Each runs what it needs
with common random numbers and returns a :class:`~cisim.documents.evidence.Pattern`.
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
    final_progress,
    is_regime,
    paired_lever,
    run,
    share_of,
)
from cisim.documents.pattern_figures import effects_figure, scatter_figure
from cisim.model.scenario import Scenario
from cisim.stats import Estimate, correlation, paired_difference
from cisim.study.simulate import Results


def pattern_18(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """An acceptable entry point: one the partners chose does better than one imposed on them."""
    sc = base().replace(entry_point="designed")
    effect = paired_lever(sc, "entry_point", "imposed", "designed", share_of(LJ), replicates, seed)
    claims = [Claim("Δ share of learning journeys (imposed → designed together)", effect, +1)]
    return Pattern(
        18,
        "An acceptable entry point",
        "An entry point the partners chose together does better than the same opening imposed "
        "on them from outside.",
        'seed 003: an entry point is "meaningful, actionable, acceptable and provisional"; the '
        "Hartford case (a grant plan fixed from outside)",
        f"`baseline` with a designed entry point of the same quality (`entry_quality` 0.8), "
        f"imposed or designed together, {replicates} paired replicates.",
        claims,
        effects_figure(claims, "Effect of choosing the entry point together"),
        check="A designed and an imposed entry point differ only in their acceptance (0.8 against "
        "0.3, the modellers' choice), which raises members' commitment, and in whether adapting "
        "revises them; revision changes little at the defaults (docs/ODD.md §10.3).",
    )


def pattern_19(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """A meaningful, actionable entry point does better than a poor one."""
    sc = base().replace(entry_point="designed")
    effect = paired_lever(sc, "entry_quality", 0.3, 0.9, share_of(LJ), replicates, seed)
    claims = [Claim("Δ share of learning journeys (entry quality 0.3 → 0.9)", effect, +1)]
    return Pattern(
        19,
        "A meaningful, actionable entry point",
        "A designed entry point that fits the problem and what the members can do does better "
        "than a poor one.",
        'seed 003 ("meaningful, actionable"); Martínez Orbegozo et al. (2022)',
        f"`baseline` with a designed entry point, `entry_quality` 0.3 → 0.9, {replicates} paired "
        "replicates.",
        claims,
        effects_figure(claims, "Effect of a better entry point"),
        check="The entry point's fit multiplies the joint work (`1 + 0.6 (fit - 0.8)`).",
    )


def pattern_20(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """Execution builds knowledge of what works and operational capacity."""
    res = run(base(), replicates, seed)
    wins = res.arrays["wins"][36]
    knowledge = res.arrays["knowledge"][72]
    capacity = res.arrays["operational_capacity"][72]
    claims = [
        Claim("correlation of wins by month 36 with knowledge at month 72",
              correlation(wins, knowledge), +1),
        Claim("correlation of wins by month 36 with operational capacity at month 72",
              correlation(wins, capacity), +1),
    ]  # fmt: skip
    return Pattern(
        20,
        "Learning by doing",
        "Collaborations that get things done learn what works and build the capacity to do more.",
        'seed 003 ("execution as learning"; "celebrate milestones and learn from what goes '
        'well"); Ansell & Gash (2008)',
        f"{replicates} replicates of `baseline`: correlations of the wins of the first three "
        "years with knowledge of what works and operational capacity in year six (Fisher-z "
        "intervals).",
        claims,
        scatter_figure(wins, knowledge, "wins in the first 36 months", "knowledge at month 72"),
        check="Not a test of learning from wins: the same correlations held before wins taught "
        "anything (0.70 and 0.61 on the model of issue 9, commit af94437), because runs that win "
        "more started working sooner and had more reviews, where knowledge grows. Kept so that "
        "no change quietly breaks the association.",
    )


def pattern_21(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """Invest in the launch: a navigator does more arriving at the start than in year five, with
    as long to act (the later arrival's run is four years longer)."""

    def effect(month: int) -> np.ndarray:
        horizon = 120 + month - 1  # the same 119 months from arrival to the end, and to judge
        sc = base().replace(horizon_months=horizon)
        without = run(sc, replicates, seed)
        with_one = run(sc.at(month, navigator=1), replicates, seed)
        return is_regime(with_one, LJ) - is_regime(without, LJ)

    early = paired_difference(np.zeros(replicates), effect(1))
    late = paired_difference(np.zeros(replicates), effect(49))
    change = paired_difference(effect(49), effect(1))
    claims = [
        Claim("navigator arriving in month 1: Δ share of learning journeys", early, +1),
        Claim("arriving in month 1 rather than month 49, as long to act: Δ of that effect",
              change, +1),
    ]  # fmt: skip
    shown = [*claims, Claim("navigator arriving in month 49: Δ share", late, +1)]
    return Pattern(
        21,
        "Invest in the launch",
        "A navigator helps, and helps more when it is there from the launch than when it "
        "arrives years later, with as long to act.",
        'seed 003 ("invest in team design and launch"); Pulido-Gómez et al. (a trusted navigator)',
        f"`baseline` with a navigator arriving in month 1 (120-month run) or month 49 (168-month "
        f"run: the same 119 months to act, and the regime judged on the closing 48 of each), "
        f"{replicates} paired replicates; the difference of the two paired effects is paired too.",
        claims,
        effects_figure(shown, "Effect of a navigator by when it arrives"),
    )


def pattern_22(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """Task conflict is not blame: with trust, disagreement about substance improves the work."""

    def effect(trust: float) -> np.ndarray:
        sc = base().replace(initial_trust=trust)
        a = run(sc.replace(disagreement=0.0), replicates, seed)
        b = run(sc.replace(disagreement=1.0), replicates, seed)
        return final_progress(b) - final_progress(a)

    high = paired_difference(np.zeros(replicates), effect(0.65))
    low = paired_difference(np.zeros(replicates), effect(0.35))
    change = paired_difference(effect(0.35), effect(0.65))
    claims = [
        Claim("trust 0.65: Δ progress (disagreement 0 → 1)", high, +1),
        Claim("that effect at trust 0.65 minus at trust 0.35", change, +1),
    ]
    shown = [*claims, Claim("trust 0.35: Δ progress (disagreement 0 → 1)", low, -1)]
    return Pattern(
        22,
        "Task conflict is not blame",
        "Disagreement about the substance of the work improves it where partners trust each "
        "other, and does so less, or harms it, where they do not.",
        'seed 003 ("task conflict does not have to be negative per se"); Jehn (1995); Simons & '
        "Peterson (2000)",
        f"`baseline` at initial trust 0.65 and 0.35, `disagreement` 0 → 1, {replicates} paired "
        "replicates; final progress; the difference of the two paired effects is paired too.",
        claims,
        effects_figure(shown, "Effect of disagreement on progress"),
        check="The sign of task conflict's effect on the work turns at trust 0.5 "
        "(`TRUST_PIVOT`), between the two trusts tested.",
    )


def pattern_23(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """A backbone makes a large grant usable: it helps, and adds more progress with a grant."""

    def arms(resources: float) -> tuple[Results, Results]:
        sc = base().replace(resources=resources)
        return run(sc.replace(backbone=0.0), replicates, seed), run(
            sc.replace(backbone=1.0), replicates, seed
        )

    def gained(a: Results, b: Results) -> np.ndarray:
        return final_progress(b) - final_progress(a)

    rich, poor = arms(0.9), arms(0.1)
    journeys = paired_difference(is_regime(rich[0], LJ), is_regime(rich[1], LJ))
    claims = [
        Claim("grant 0.9: Δ share of learning journeys (no backbone → backbone)", journeys, +1),
        Claim(
            "Δ progress from a backbone with a grant (0.9) minus without (0.1)",
            paired_difference(gained(*poor), gained(*rich)),
            +1,
        ),
    ]
    without = paired_difference(is_regime(poor[0], LJ), is_regime(poor[1], LJ))
    shown = [*claims, Claim("grant 0.1: Δ share of learning journeys (no backbone → backbone)",
                            without, +1)]  # fmt: skip
    return Pattern(
        23,
        "A backbone makes a grant usable",
        "Staff who build the collaboration's operational capacity raise its chance of a learning "
        "journey where a large grant waits for the capacity to spend it, and add more public "
        "value with the grant than without it.",
        "Kania & Kramer (2011) (a backbone organisation with dedicated staff); Turner et al. "
        "(2012); Bitterman & Koliba (2020) (administrative bottlenecks: money goes unspent); seed "
        '003 (Hartford: a $27m grant and "nobody willing to be executive director")',
        f"`baseline` with a grant of 0.1 and 0.9, `backbone` 0 → 1, {replicates} paired "
        "replicates; final progress for the interaction (the difference of two paired effects, "
        "paired too: a share of learning journeys has too little power for it at this size).",
        claims,
        effects_figure(shown, "Effect of a backbone"),
        check="A backbone raises operational capacity by construction (`BUILD`), and a grant "
        "is spent through operational capacity (joint work's `money`), so the interaction is "
        "built in; what is measured is how much of it reaches progress and the regime, after "
        "the staff's cost (`DUES`) and whatever blame undoes.",
    )


def pattern_24(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """Nobody willing to lead a collaboration at war: conflict keeps the director's post empty."""

    def staffed(r: Results) -> np.ndarray:
        t = r.trajectories
        early = t[(t["month"] >= 1) & (t["month"] <= HORIZON_STAFFED)]
        return early.groupby("replicate")["director"].mean().to_numpy()

    sc = base().replace(backbone=1.0)
    effect = paired_lever(sc, "authority_contest", 0.2, 0.8, staffed, replicates, seed)
    claims = [
        Claim("Δ share of months 1-60 with a director in post (contest 0.2 → 0.8)", effect, -1)
    ]
    return Pattern(
        24,
        "Nobody willing to lead a collaboration at war",
        "A funded backbone stays without an executive director longer where the partners fight "
        "over decision rights.",
        'seed 003 (Hartford: "fought over the governance structure ... nobody willing to be '
        'executive director")',
        f"`baseline` with a backbone (1.0), `authority_contest` 0.2 → 0.8, {replicates} paired "
        f"replicates; the share of months 1-{HORIZON_STAFFED} with a director in post.",
        claims,
        effects_figure(claims, "Effect of a contest over authority on the director's post"),
        check="A director is found with a chance that falls with open conflict by construction "
        "(`RECRUIT` times legitimacy times 1 - conflict); what is measured is how much conflict "
        "and lost legitimacy a contest over authority produces.",
    )


def pattern_25(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """The job: thinking and doing together does better than only doing or only thinking."""
    sc = base()
    doing = paired_lever(sc, "job", "do", "think_and_do", share_of(LJ), replicates, seed)
    thinking = paired_lever(
        sc, "job", "think", "think_and_do", final_progress,
        replicates, seed,
    )  # fmt: skip
    claims = [
        Claim("Δ share of learning journeys (hired to do → to think and do)", doing, +1),
        Claim("Δ final progress (hired to think → to think and do)", thinking, +1),
    ]
    return Pattern(
        25,
        "Hired to think and do",
        "A collaboration that develops and implements its course through learning and "
        "experimentation becomes a learning journey more often than one that only implements an "
        "agreed strategy, and achieves more public value than one that only recommends.",
        "seed 000 (efforts hired to think, to do, or to think and do; Minneapolis-St. Paul's "
        'Corridors of Opportunity "set up to think and do"); seed 003 ("execution as learning")',
        f"`baseline`, `job` do → think and do and think → think and do, {replicates} paired "
        "replicates; the learning-journey indicator and final progress.",
        claims,
        effects_figure(claims, "Effect of the job a collaboration is hired to do"),
        check="A doing partnership learns half as much from what it tries (`DO_LEARNING`) and "
        "does not revise its strategy; a thinking one's wins add 0.4 of the progress "
        "(`THINK_UPTAKE`). What is measured is how much of less knowledge of what works reaches "
        "the regime (through attribution, §7.5), and that the lost uptake is not made up.",
    )


LARGE = 150  # a movement of organisations numbering in the hundreds (seed 001), for 26 and 27


def pattern_26(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """A large coalition struggles unless contributions are open: size costs learning journeys,
    and open accountability recovers more of them at scale than at the core table's size."""
    small = run(base(), replicates, seed)
    large = run(base().replace(n_organisations=LARGE), replicates, seed)
    p1, p2 = is_regime(small, LJ).mean(), is_regime(large, LJ).mean()
    se = np.sqrt(p1 * (1 - p1) / replicates + p2 * (1 - p2) / replicates)
    size = Estimate(p2 - p1, p2 - p1 - 1.96 * se, p2 - p1 + 1.96 * se)

    def opened(sc: Scenario) -> np.ndarray:
        shut, open_ = run(sc, replicates, seed), run(sc.replace(open_accountability=1.0),
                                                      replicates, seed)  # fmt: skip
        return is_regime(open_, LJ) - is_regime(shut, LJ)

    at_large, at_core = opened(base().replace(n_organisations=LARGE)), opened(base())
    claims = [
        Claim(f"share of learning journeys, {LARGE} members minus 20 (two proportions)", size, -1),
        Claim(f"open accountability 0 → 1: Δ share of learning journeys at {LARGE} members",
              paired_difference(np.zeros(replicates), at_large), +1),
        Claim(f"that effect at {LARGE} members minus at 20",
              paired_difference(at_core, at_large), +1),
    ]  # fmt: skip
    return Pattern(
        26,
        "Scale needs many-to-many accountability",
        "A movement of hundreds of organisations turns fewer collaborations into learning "
        "journeys than a core table of twenty, through coordination costs and free-riding; "
        "open, many-to-many accountability counters it, more at scale than at the core table.",
        "seed 001 (movements numbering in the hundreds; many-to-many accountability, open data); "
        "Olson (1965); Karau & Williams (1993); Provan & Kenis (2008); Ostrom (1990)",
        f"`baseline` at 20 and {LARGE} members, {replicates} replicates each (two proportions); "
        f"`open_accountability` 0 → 1 at both sizes, {replicates} paired replicates; the "
        "difference of the two paired effects is paired by replicate number.",
        claims,
        effects_figure(claims, "Size and open accountability"),
        check="Open accountability makes every contribution visible (`visibility` 1), which "
        "removes the free-riding term that grows with size by construction (`LOAFING`); the "
        "measured effects are what reaches the regimes through commitment, reciprocity, trust and "
        "blame. The size effect is not a calibration target: the coefficients of "
        "`cisim.model.mechanisms.scale` were set before it was measured (docs/ODD.md §7.1b).",
    )


def pattern_27(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """Public naming without trust feeds blame: open accountability backfires at low trust."""
    low = base().replace(initial_trust=0.35)
    effect = paired_lever(low, "open_accountability", 0.0, 1.0, share_of(BG), replicates, seed)
    claims = [Claim("initial trust 0.35: Δ share of blame games (open accountability 0 → 1)",
                    effect, +1)]  # fmt: skip
    return Pattern(
        27,
        "Naming without trust feeds blame",
        "Where partners distrust each other, making who fell short public arms the blame game "
        "rather than teaching: accountability has to be relational to be many-to-many.",
        'seed 001 ("a relational, reputational, and educational process", not "a checking '
        'process"); Hood (2011), The Blame Game',
        f"`baseline` at initial trust 0.35, `open_accountability` 0 → 1, {replicates} paired "
        "replicates.",
        claims,
        effects_figure(claims, "Effect of open accountability at low trust"),
        check="Holds by construction in sign: open accountability adds `2 open (0.5 - trust)` to "
        "each member's logit of blame (`OPEN_BLAME`); what is measured is that it outweighs the "
        "commitment that visibility adds.",
    )


def pattern_28(replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED) -> Pattern:
    """The strategic triangle: a team that aligns its corners does better, and aligning means
    attending to the weakest corner, not spreading the same attention evenly."""
    sc = base()
    none = run(sc, replicates, seed)
    focused = run(sc.replace(triangle=1.0, triangle_focus=1.0), replicates, seed)
    spread = run(sc.replace(triangle=1.0, triangle_focus=0.0), replicates, seed)
    claims = [
        Claim("Δ share of learning journeys (no attention → attention to the weakest corner)",
              paired_difference(is_regime(none, LJ), is_regime(focused, LJ)), +1),
        Claim("Δ final progress (attention spread evenly → on the weakest corner)",
              paired_difference(final_progress(spread), final_progress(focused)), +1),
    ]  # fmt: skip
    shown = [*claims, Claim("Δ share of learning journeys (spread evenly → on the weakest corner)",
                            paired_difference(is_regime(spread, LJ), is_regime(focused, LJ)),
                            +1)]  # fmt: skip
    return Pattern(
        28,
        "Align the strategic triangle",
        "A collaborative team creates public value where legitimacy and support, agreement on "
        "the problem, and operational capacity are aligned: a team that manages its triangle "
        "turns more collaborations into learning journeys, and the same attention achieves more "
        "on the weakest corner than spread over all three.",
        "seed 003 (the strategic triangle for a collaborative team and its key challenges); "
        "Moore (1995), Creating Public Value",
        f"`baseline`, `triangle` 0 → 1 with `triangle_focus` 1, and `triangle_focus` 0 → 1 at "
        f"`triangle` 1, {replicates} paired replicates; the learning-journey indicator and final "
        "progress.",
        claims,
        effects_figure(shown, "Effect of managing the strategic triangle"),
        check="A month's work is worth `1 - 0.5 (1 - weakest / mean)` of itself (`MISALIGNMENT`),"
        " so raising the weakest corner raises it by construction, and attention moves corners "
        "towards 1 (`ALIGN`) at a cost in effort (`COST`). What is measured is how much reaches "
        "progress and the regime after the cost, and through each corner's own channels "
        "(legitimacy on contribution, understanding on blame).",
    )


HORIZON_STAFFED = 60  # months over which pattern 24 counts the director's post filled


PATTERNS_BREADTH = (
    pattern_18,
    pattern_19,
    pattern_20,
    pattern_21,
    pattern_22,
    pattern_23,
    pattern_24,
    pattern_25,
    pattern_26,
    pattern_27,
    pattern_28,
)

"""Specifications of the scenario parameters: type, range, unit, meaning.

The one registry of parameters: :class:`cisim.Scenario` validates against it, the compiled step's
parameter arrays (:data:`cisim.model.state.Params`), the ODD's parameter table and the sweeps'
ranges are made from it, and the Mesa face's keyword arguments are checked against it.
"""

from __future__ import annotations

from cisim.model.parameters_rules import RULE_SPECS
from cisim.model.spec import Spec, choice, real, whole

SECTORS: tuple[str, ...] = ("public", "private", "nonprofit", "community", "philanthropy")
SECTOR_TRAITS: tuple[str, ...] = ("authority", "capacity", "alignment", "turnover")

P, N, C = "population", "network", "collaboration"

#: Every model parameter, in the order of the ODD's parameter table.
SPECS: dict[str, Spec] = {
    # population
    "n_organisations": whole(
        P,
        2,
        10_000,
        "organisations",
        "member organisations at the start",
        why="Assumption: the core table of a city-wide collaboration, tens of organisations rather "
        "than hundreds. Smaller teams (South Yorkshire's 8) and large collective-impact "
        "movements (seed 001) are set per scenario.",
    ),
    "sector_mix": Spec(
        "mapping",
        P,
        "shares",
        "a table of sector shares (public, private, nonprofit, community, philanthropy), "
        "each a number >= 0, not all zero",
        why=(
            "Assumption: a cross-sector membership led by public and nonprofit organisations, as "
            "in collective impact (Kania & Kramer 2011) and the cases of seed 003. No source gives"
            " a typical composition."
        ),
    ),
    "candidate_share": real(
        P,
        0.0,
        2.0,
        "share of n_organisations",
        "organisations outside that may join later",
        why="Assumption: a pool of outsiders a quarter the size of the membership that legitimacy "
        'can attract ("get onboard the parties who lend legitimacy", seed 003).',
    ),
    "authority": real(
        P,
        0.0,
        1.0,
        "0-1",
        "representatives' power to commit and change their own practice",
        why='Assumption: a middling mandate. Seed 000: "the right people" can commit and change '
        "their own organisation's practice; presets lower it where the case says so "
        "(South Yorkshire).",
    ),
    "authority_source": choice(
        P,
        ("granted", "self_assigned"),
        "whether authority is granted by mandate or self-assigned",
        why="Seed 000 distinguishes authority granted by another body from authority the "
        "participants assign themselves. The default is granted, as in mayor-convened "
        "collaborations (Louisville, South Yorkshire).",
    ),
    "capacity": real(
        P,
        0.0,
        1.0,
        "0-1",
        "time and money an organisation can put in per month",
        why="Assumption: a middling share of time and money on a relative 0-1 scale. Hartford "
        "lowers it (no providers, no facilities).",
    ),
    "alignment": real(
        P,
        0.0,
        1.0,
        "0-1",
        "weight on the shared mission against own interest",
        why="Assumption: members weigh the shared mission and their own organisation's short-term "
        "interest about equally (seed 000: \"put aside their own organization's short-term "
        'interests"; seed 003: "loyalty to own department").',
    ),
    "turnover": real(
        P,
        0.0,
        1.0,
        "per month",
        "hazard that an organisation's representative leaves",
        why="Assumption: a monthly hazard of 0.02, so a representative stays 1/0.02 = 50 months "
        "(about four years) on average. With 20 members that is about five replacements a year, "
        "enough for the consensus to need rebuilding within a few years (Louisville: "
        '"consensus ... two years ago"). The Louisville preset uses 0.05.',
    ),
    "trait_spread": real(
        P,
        0.0,
        0.5,
        "sd",
        "spread of traits around their means",
        why=(
            "Assumption: modest differences between organisations of the same sector (sd 0.1 on "
            "0-1 scales; turnover is spread multiplicatively)."
        ),
    ),
    "sectors": Spec(
        "mapping",
        P,
        "traits",
        "a table per sector (public, private, nonprofit, community, philanthropy) overriding "
        "authority, capacity, alignment or turnover, each in its own range",
        why="No overrides by default: every sector shares the scenario-wide means. Users with "
        "knowledge of their sectors set them. No source gives sector differences.",
    ),
    # network
    "network": choice(
        N,
        ("small_world", "random", "clustered", "complete", "roster"),
        "topology of existing ties",
        why="Assumption: city networks are clustered with a few bridging ties, which is what a "
        "small world describes (Watts & Strogatz 1998).",
    ),
    "mean_degree": real(
        N,
        1.0,
        200.0,
        "ties per organisation",
        "mean number of partners",
        why=(
            "Assumption: each organisation has existing working or acquaintance ties with about "
            "six others at the table."
        ),
    ),
    "rewiring": real(
        N,
        0.0,
        1.0,
        "probability",
        "small-world rewiring probability",
        why=(
            "The small-world regime of Watts & Strogatz (1998): a few rewired ties give short "
            "paths while clustering stays high."
        ),
    ),
    "homophily": real(
        N,
        0.0,
        1.0,
        "0-1",
        "clustered network: preference for same-sector partners",
        why="Used only by the clustered topology. Assumption: half of the ties lie within sectors "
        "(silos).",
    ),
    "prior_ties": real(
        N,
        0.0,
        1.0,
        "share of ties",
        "ties that are prior working relationships (the average over collaborations)",
        why="Assumption: a third of ties are prior working relationships (social capital). "
        "Building on prior relationships is one of the five key actions (Pulido-Gómez et al. "
        "2025); Ansell & Gash (2008) list the prior history of cooperation among the starting "
        "conditions. strong_start uses 0.45.",
    ),
    "history_spread": real(
        N,
        0.0,
        3.0,
        "sd (log-odds)",
        "how much collaborations differ in their members' history together",
        why="Ansell & Gash (2008): the prior history of cooperation or conflict among the "
        "partners is a starting condition that differs from one collaboration to the next, and "
        "the nine CSCs of Pulido-Gómez et al. (2025) differed in the relationships they could "
        "build on. Assumption: a collaboration's share of prior ties is logit-normal around "
        "prior_ties with sd 1 (at 0.3, from 0.1 to 0.6 in 8 of 10 collaborations).",
    ),
    "initial_trust": real(
        N,
        0.0,
        1.0,
        "0-1",
        "mean trust of an organisation in a partner",
        why="Assumption: neutral trust, so that neither regime is foregone. Louisville's preset "
        "sets a lower value, 0.4 (histories of mistrust).",
    ),
    "trust_spread": real(
        N,
        0.0,
        0.5,
        "sd",
        "spread of initial trust",
        why="Assumption: moderate differences in trust between ties at the start.",
    ),
    "prior_trust_bonus": real(
        N,
        0.0,
        0.5,
        "0-1",
        "extra initial trust on a prior tie",
        why="Assumption: a prior working relationship starts 0.15 more trusting (Ansell & Gash "
        "2008: a history of cooperation).",
    ),
    "dormant_ties": real(
        N,
        0.0,
        20.0,
        "per organisation",
        "potential ties a navigator can broker into being",
        why="Assumption: each organisation has about two potential partners at the table that a "
        "navigator could introduce it to (liaisons as brokers: Zellner et al. 2014).",
    ),
    # collaboration
    "navigator": whole(
        C,
        0,
        50,
        "navigators",
        "trusted individuals or groups (0 = none)",
        why="No navigator in the baseline: a trusted navigator is one of the five key actions "
        "(Pulido-Gómez et al. 2025) and is studied as a lever (strong_start: 1).",
    ),
    "navigator_capacity": whole(
        C,
        1,
        200,
        "relationships per month",
        "a navigator's attention",
        why="Assumption: one person or small team can work closely on about four relationships a "
        "month, roughly one a week.",
    ),
    "navigator_credibility": real(
        C,
        0.0,
        1.0,
        "0-1",
        "a navigator's initial credibility",
        why='Assumption: a navigator is chosen as "a trusted individual" (Pulido-Gómez et al. '
        "2025), so starts highly credible. Blame erodes credibility.",
    ),
    "backbone": real(
        C,
        0.0,
        1.0,
        "0-1",
        "a backbone's staff (an executive director's office), as a share of what is needed",
        why="No backbone in the baseline, so that it is studied as a lever: 'a separate "
        "organization with staff' (Kania & Kramer 2011); Hartford had nobody willing to lead it.",
    ),
    "open_accountability": real(
        C,
        0.0,
        1.0,
        "0-1",
        "open, many-to-many accountability: who puts in what is open data to every member",
        why="None in the baseline, so that it is studied as a lever: seed 001 asks for "
        "'many-to-many accountability' ('relational, reputational, and educational') with open "
        "data and mission goals; it counters free-riding at scale (Olson 1965; Karau & Williams "
        "1993: loafing vanishes where contributions are identifiable), and open naming can feed "
        "blame where trust is low (Hood 2011).",
    ),
    "triangle": real(
        C,
        0.0,
        1.0,
        "0-1",
        "the team's attention to the strategic triangle (legitimacy, public value, capacity)",
        why="None in the baseline, so that it is studied as a lever: seed 003 gives a "
        "collaborative team three corners to align (Moore 1995); attention to them is time taken "
        "from the task.",
    ),
    "triangle_focus": real(
        C,
        0.0,
        1.0,
        "0-1",
        "how much of that attention goes to the weakest corner (0: a third to each)",
        why="Assumption: a team that manages its triangle attends to its weakest corner (seed 003:"
        " the corners must be aligned); 0 spreads the same attention evenly, the alignment "
        "test's control.",
    ),
    "entry_point": choice(
        C,
        ("search", "designed", "imposed", "none"),
        "search for one, start from one designed together or imposed from outside, or find none",
        why="An entry point is 'a meaningful, actionable, acceptable and provisional opening' (de "
        "Jong et al. 2023, seed 003). 'designed': chosen together, owned and revisable; 'imposed':"
        " fixed from outside, owned less, not revised (Hartford's grant plan); 'none': pattern 4.",
    ),
    "entry_quality": real(
        C,
        0.0,
        1.0,
        "0-1",
        "how meaningful and actionable (fit) a designed or imposed entry point is",
        why="Assumption: as good as a member's own proposal typically is at the baseline (a "
        "proposer's perspective averages 0.83). Seed 003 asks for a meaningful, actionable one.",
    ),
    "community_engagement": real(
        C,
        0.0,
        1.0,
        "0-1",
        "engagement with the community",
        why="Assumption: some engagement, below what the key action asks for (Pulido-Gómez et al. "
        '2025: "engage the community in all stages"; strong_start: 0.45).',
    ),
    "data_use": real(
        C,
        0.0,
        1.0,
        "0-1",
        "quality and use of shared measurement",
        why="Assumption: some shared measurement, below the key action (Kania & Kramer 2011; "
        "Pulido-Gómez et al. 2025: use data to focus, learn and improve; strong_start: 0.45).",
    ),
    "joint_problem_solving": real(
        C,
        0.0,
        1.0,
        "0-1",
        "share of work done jointly",
        why="Assumption: a third of work done jointly, below the key action (Pulido-Gómez et al. "
        "2025: invest in joint problem-solving; strong_start: 0.45).",
    ),
    "aspiration": real(
        C,
        0.0,
        1.0,
        "0-1",
        "how grand the early expectations are",
        why='Assumption: middling early expectations. Seed 002 warns against "grand expectations '
        'early on"; Hartford and Louisville use 0.6 (a large, visible grant; a broad shared '
        "vision).",
    ),
    "resources": real(
        C,
        0.0,
        1.0,
        "0-1",
        "pooled resources (a grant) relative to members' own",
        why="Assumption: modest pooled resources. Hartford uses 0.9 (a $28m federal grant; "
        '"the dark side of having resources").',
    ),
    "authority_contest": real(
        C,
        0.0,
        1.0,
        "0-1",
        "how contested decision rights are",
        why="Assumption: decision rights somewhat unclear. Hartford uses 0.8 (a fight over the "
        'governance structure; "clearly allocating decision rights" is a theme of the case).',
    ),
    "job": choice(
        C,
        ("think_and_do", "think", "do"),
        "the job the collaboration is hired to do (seed 000)",
        why="Seed 000: efforts are hired to think (recommend, not implement), to do (implement "
        "an agreed strategy) or to think and do (through learning and experimentation), the "
        "model's course before v8e; seed 003: execution as learning.",
    ),
    "governance_mode": choice(
        C,
        ("shared", "lead_organisation", "administrative_organisation"),
        "network governance mode (Provan & Kenis 2008)",
        why="Shared governance, the simplest of the three modes of Provan & Kenis (2008). "
        "Pulido-Gómez et al. (2025) find that no mode predicts success, so the default is not a "
        "claim about what works.",
    ),
    "adaptability": real(
        C,
        0.0,
        1.0,
        "0-1",
        "readiness to change governance and task when stuck",
        why="Assumption: some readiness to change. Pulido-Gómez et al. (2025) find that adaptable "
        "collaborations succeed more often; strong_start uses 0.5, Hartford 0.1 "
        '("kicking hard decisions down the road").',
    ),
    "horizon_months": whole(
        C,
        1,
        1_200,
        "months",
        "length of a run",
        why='"Take the long view" (seed 002): collective impact means long-term efforts (seed '
        "000). Ten years covers Hartford's five-year grant and Louisville's two-year "
        "consensus, and lets both regimes settle.",
    ),
    # mechanism constants
    **RULE_SPECS,
}

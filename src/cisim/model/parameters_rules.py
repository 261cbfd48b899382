"""The specs of the rules' constants and of the regime rule (groups "mechanism" and "regime").

Part of the one registry of parameters, :data:`cisim.model.parameters.SPECS`, which adds them after
the population's, the network's and the collaboration's, in the order of the ODD's table.
"""

from __future__ import annotations

from cisim.model.spec import Spec, real, whole

M, R = "mechanism", "regime"

#: The mechanisms' constants and the regime rule's thresholds, in the ODD's order.
RULE_SPECS: dict[str, Spec] = {
    "disagreement": real(
        M,
        0.0,
        1.0,
        "0-1",
        "how readily members disagree about the substance of the work (a culture of debate)",
        why="Assumption: a middling culture of debate. Seed 003: task conflict need not be "
        "negative; whether it helps depends on trust (Simons & Peterson 2000).",
    ),
    "trust_build_rate": real(
        M,
        0.0,
        2.0,
        "log-odds per experience",
        "trust gained from a good experience (on the log-odds scale)",
        why="Pant & Yu's (2025) lambda+ = 0.10; on the log-odds scale a good experience of weight "
        "1 moves trust from 0.5 to 0.525. Slovic's (1993) asymmetry principle with their 3:1 "
        "ratio (trust_erosion_rate).",
    ),
    "trust_erosion_rate": real(
        M,
        0.0,
        2.0,
        "log-odds per experience",
        "trust lost to a bad experience (on the log-odds scale)",
        why="Three times trust_build_rate (Pant & Yu 2025: lambda- = 0.30; Slovic 1993; Poortinga "
        "& Pidgeon 2004): a bad experience of weight 1 moves trust from 0.5 to 0.426. On the "
        "log-odds scale the asymmetry holds at every level of trust.",
    ),
    "trust_spillover": real(
        M,
        0.0,
        1.0,
        "0-1",
        "share of a blame's damage felt by third parties",
        why="Third parties hear of blame and distrust both sides (Burt & Knez 1995). Assumption: "
        "a bystander feels a fifth of the blame's weight.",
    ),
    "reputation_weight": real(
        M,
        0.0,
        1.0,
        "per month",
        "pull of trust towards reputation",
        why="Trust travels along the network by gossip (Burt & Knez 1995). Assumption: slowly, 2% "
        "of the gap to reputation a month.",
    ),
    "blame_severity": real(
        M,
        0.0,
        10.0,
        "experiences",
        "weight of being blamed",
        why="Assumption: being blamed, or blaming, counts as two bad experiences, on both sides of "
        "the tie (the negativity of blame: Slovic 1993; Repenning & Sterman 2002).",
    ),
    "institutional_memory": real(
        M,
        0.0,
        1.0,
        "0-1",
        "share of understanding an organisation keeps when its rep leaves",
        why="Assumption: most of the grasp of the problem leaves with the person (Louisville: "
        '"getting consensus on something that there was consensus about two years ago"). '
        "The Louisville preset uses 0.2.",
    ),
    "institutional_trust_rate": real(
        M,
        0.0,
        1.0,
        "per month",
        "how fast an organisation's trust follows its rep's",
        why="Assumption: an organisation's institutional trust follows its representatives' "
        "trust over about three years (1/0.03 = 33 months). Trust is largely personal "
        "(Vangen & Huxham 2003).",
    ),
    "onboarding_months": real(
        M,
        1.0,
        60.0,
        "months",
        "time for a new representative to settle in",
        why="Assumption: half a year for a new representative to settle in. A navigator's "
        "attention halves it.",
    ),
    "review_months": whole(
        M,
        1,
        24,
        "months",
        "length of a joint task before its review",
        why="Assumption: quarterly reviews, a common reporting cycle.",
    ),
    "outcome_noise": real(
        M,
        0.0,
        2.0,
        "sd",
        "luck in a task's outcome",
        why="Calibration choice: enough luck that the same collaboration can win or fall short. "
        "Setbacks come to good collaborations too, which is what makes the setback response "
        "matter (Pulido-Gómez et al. 2025). Data use reduces it by up to 30%.",
    ),
    "entry_base_rate": real(
        M,
        0.0,
        1.0,
        "per month",
        "chance of an entry point, average team (summed over its members' proposals)",
        why="Calibration (v7): members propose openings and partners take up only some, so the "
        "reference hazard is twice v5's 0.025 to keep the baseline's median search near a year "
        "(many JABS teams had no entry point after nine months: Martínez Orbegozo et al. 2022); "
        "the four enabling factors and the partners' trust in the proposer scale it.",
    ),
    "exit_base_rate": real(
        M,
        0.0,
        1.0,
        "per month",
        "exit hazard of an average member",
        why="Calibration (v0: exits were too frequent): an average member rarely leaves unless "
        "frustrated, blamed or seeing little value (Ariño & de la Torre 1998).",
    ),
    "join_base_rate": real(
        M,
        0.0,
        1.0,
        "per month",
        "join hazard of an outsider, full legitimacy",
        why="Assumption: with full legitimacy an outsider joins within about four years on average "
        "(1/0.02 = 50 months); a third as fast before an entry point.",
    ),
    # regime rule
    "regime_blame_share": real(
        R,
        0.0,
        1.0,
        "share",
        "blame game when at least this share of the closing period's setbacks were met by blame",
        why="The natural boundary: a blame game when at least half of the setbacks of the closing "
        "window were met by blame (more members blaming than learning), that is, blame was how "
        "the collaboration met its setbacks as it ended (Pulido-Gómez et al. 2025).",
    ),
    "regime_min_progress": real(
        R,
        0.0,
        1.0,
        "0-1",
        "learning journey needs at least this much progress",
        why="Assumption: a learning journey must achieve something. A fifth of the goal within the "
        'horizon separates it from a collaboration that "just keeps talking".',
    ),
    "regime_window_months": whole(
        R,
        1,
        1_200,
        "months",
        "the closing period whose setback responses decide blame game or learning journey",
        why="A run is judged by how it ends (Pulido-Gómez et al. 2025: a coalition recovered from "
        "a failed ballot measure in about two years; another 'notched some initial wins' and "
        "then succumbed to infighting). Four years hold a dozen reviews, enough responses to "
        "tell a culture from a bad patch; the rule's robustness to it is in docs/validation.md.",
    ),
}

"""Setback response: learning or blame.

After a setback (a review falling short of aspiration) each active organisation attributes it to the
situation (learning) or to a partner (blame). Organisation ``i`` blames with chance

    logistic(-3.5 + 2 habit_i + 8 norm_i + 2.5 (0.5 - trust_i) + (0.5 - understanding_i)
             + 2 (0.5 - alignment_i) + 2 (0.5 - data_use) - 2 (knowledge - 0.2)
             + 1.5 (pressure - 0.5) + min(blamed_i, 2) + 1.5 contest - mediation_i
             - 1.5 prior_share_i - joint_problem_solving + mode + salience
             + 2 open_accountability (0.5 - trust_i))

How a member meets a setback is learnt and social (Repenning & Sterman's self-confirming
attribution, carried by the members rather than by the collective):

* ``habit_i`` is the member's own readiness to blame: after each of its responses it moves a
  share ``HABIT_RATE`` towards 1 (it blamed) or 0 (it learned). A member that blamed once blames
  more readily the next time; one that learned, less.
* ``norm_i`` is the mean habit of its live partners: how the partners it works with meet
  setbacks (a local norm, learnt from those one works with; Cialdini et al. 1990 on descriptive
  norms). A blame culture therefore spreads along ties and can hold in one part of a network and
  not in another; a member's position and partners shape its responses.
* A new representative, or an outsider who joins, takes the norm of its partners (socialisation
  into the team's ways: Van Maanen & Schein 1979); adapting the collaboration's governance is a
  fresh start that moves every habit three quarters of the way back to where members began.

Habits and norms are steep enough together (2 + 8 > 4) for a group to settle into a learning or a
blame culture; which one, and where, depends on who meets the first setbacks, with what trust and
what partners. The collaboration's *blame climate* (a metric) is its members' mean habit.

``alignment_i`` is the weight the member puts on the shared mission against its own
organisation's interest: members with exclusive boundary beliefs ("loyalty to own department",
seed 003) fall into blame after a failure, those with inclusive ones learn (He, von Krogh &
Jonassen 2025). salience ~ N(0, 0.5²) is drawn once per setback and shared by all members: setbacks
differ in how public and how ambiguous they are (a failed ballot measure, a quietly missed
milestone). pressure = aspiration_level + 0.1 resources + shortfall (grand expectations: the
current aspiration level, which starts at 0.25 + 0.4 aspiration and then follows performance;
money and visibility at stake); contest = authority_contest (0.25 + 1.5 resources) (unclear
decision rights, and something to fight over: Hartford's "dark side of having resources");
knowledge = knowledge of what works, learnt from reviews (causes are less ambiguous); mediation =
navigator attention times credibility; prior_share = share of the organisation's ties that are
prior relationships; open accountability names who fell short, which teaches where members trust
each other and arms blame where they do not (:mod:`~cisim.model.mechanisms.scale`).

The response can come from outside the model (:mod:`cisim.model.decisions`, the decision hook):
an organisation whose ``decide_response`` is learn or blame responds so, without a draw, and one
whose ``decide_target`` names a live partner blames that partner when it blames. By default the
model decides (the draws of the others are keyed by slot, so they are the same either way).

Learning (Pulido-Gómez et al.: partners "anticipate each other's actions, devise new ways of
apportioning labor, and approach problems collectively") raises the learner's understanding, the
collaboration's operational capacity and its knowledge of what works (a well-met setback teaches
what does not; execution as learning, seed 003), re-scopes the task to something achievable, and
gives every partner of a learner a good experience of it. Blame gives the blamer and the blamed a
bad experience of each other (weight ``blame_severity``), bystanders tied to either a smaller one of
them (``trust_spillover``), lowers operational capacity, feeds governance conflict where authority
is contested, and costs the navigator credibility. Because habits, norms, lost trust and having
been blamed all raise the chance of blame, blame confirms itself (Repenning & Sterman 2002).

References: Pulido-Gómez, de Jong & Rivkin (JPART, doi:10.1093/jopart/muae026); Repenning & Sterman
(2002), ASQ 47:265-295; He, von Krogh & Jonassen (2025); Ariño & de la Torre (1998); Cialdini,
Reno & Kallgren (1990), JPSP 58:1015-1026; Van Maanen & Schein (1979).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cisim.model.compiled import clip, inline, jit, live_ties, sigmoid
from cisim.model.mechanisms.joint_work import tried
from cisim.model.mechanisms.scale import naming
from cisim.model.state import BLAME, MODEL
from cisim.model.streams import Stream, draw

# the chance of blame (a logit, term by term)
BLAME_BASE = -3.5  # logit of blame for an average member in a neutral climate, before the rest
HABIT_WEIGHT = 2.0  # on the member's own readiness to blame
NORM_WEIGHT = 8.0  # on its partners' (together steep enough, > 4, for cultures to settle)
TRUST_TERM = 2.5  # on (0.5 - trust)
UNDERSTANDING_TERM = 1.0  # on (0.5 - understanding)
ALIGNMENT_TERM = 2.0  # on (0.5 - alignment): exclusive boundary beliefs
DATA_TERM = 2.0  # on (0.5 - data_use)
KNOWLEDGE_TERM, KNOWLEDGE_MIDPOINT = 2.0, 0.2  # knowing what works makes causes less ambiguous
PRESSURE_TERM, PRESSURE_MIDPOINT = 1.5, 0.5
PRESSURE_RESOURCES = 0.1  # money and visibility at stake add to the pressure
BLAMED_CAP = 2.0  # having been blamed weighs at most this much
CONTEST_TERM = 1.5
CONTEST_BASE, CONTEST_MONEY = 0.25, 1.5  # contest = authority_contest (0.25 + 1.5 resources)
MEDIATION_TERM = 1.0  # a navigator's attention, times its credibility
PRIOR_TERM = 1.5  # on the share of one's ties that are prior relationships
JOINT_TERM = 1.0  # on joint problem solving
MODE_BLAME = (-0.05, 0.05, 0.0)  # shared, lead organisation, administrative organisation
SALIENCE_SD = 0.5  # how much setbacks differ in visibility and ambiguity (shared by all members)
# what the responses do
BLAMED_DECAY = 0.8  # monthly, of the blame an organisation has received
TARGET_NOISE = 0.5  # a blamer blames the partner it trusts least, give or take this much
NAMED_TARGET = 1e9  # the score of a partner named from outside (the decision hook): it wins
BLAMED_FRUSTRATION = 0.1  # being blamed moves frustration this far towards 1
LEARNING_RATE = 0.15  # a learner's understanding moves this far towards 1
CAPACITY_GAIN, CAPACITY_LOSS = 0.1, 0.15  # operational capacity, per share learning / blaming
RESCOPE = 0.15  # the task shrinks by this much times the share learning
SETBACK_KNOWLEDGE = 0.05  # knowledge of what works, times the share learning, towards 1
HABIT_START = 0.3  # every founding member's habit: undecided, between the two cultures
HABIT_RATE = 0.5  # how far a member's habit moves towards each of its responses
CONFLICT_FEED = 0.3  # blame feeds conflict where authority is contested
CREDIBILITY_LOSS = 0.1  # blame despite a navigator costs it credibility

READS = ("blamed", "setback_now", "trust", "prior", "aspiration_level", "shortfall", "attended",
         "credibility", "habit", "alignment", "understanding", "knowledge", "governance",
         "experience", "frustration", "blame_total", "learning_total",
         "operational_capacity", "task_scope", "conflict",
         "decide_response", "decide_target")  # fmt: skip
WRITES = ("blamed", "learned_now", "blamed_now", "blame_now", "learning_now", "blame_total",
          "learning_total", "experience", "last_blame", "frustration", "understanding",
          "operational_capacity", "task_scope", "habit", "conflict",
          "credibility", "knowledge")  # fmt: skip
PARAMETERS = ("initial_trust", "resources", "authority_contest", "data_use",
              "joint_problem_solving", "blame_severity", "trust_spillover",
              "navigator", "job", "open_accountability")  # fmt: skip


@jit
def contest_stakes(authority_contest: float, resources: float) -> float:
    """How much there is to fight over: contested decision rights, worse with money at stake."""
    return authority_contest * (CONTEST_BASE + CONTEST_MONEY * resources)


@inline
def blame_probability(s: Any, p: Any, r: int, w: Any) -> Any:
    """Each organisation's chance of blaming a partner for this month's setback, into
    ``w.org[4]`` (returned)."""
    n = s.status.shape[1]
    live = live_ties(w)
    # each member's mean trust in its live partners, how many of those ties are prior ones, and
    # its partners' habits (its norm)
    total, ties, prior, habits = w.org[0], w.org[1], w.org[3], w.org[2]
    total[:] = 0.0
    ties[:] = 0.0
    prior[:] = 0.0
    habits[:] = 0.0
    for e in range(live.shape[0]):
        if live[e]:
            i = s.src[r, e]
            total[i] += s.trust[r, e]
            ties[i] += 1.0
            habits[i] += s.habit[r, s.dst[r, e]]
            if s.prior[r, e]:
                prior[i] += 1.0
    pressure = s.aspiration_level[r] + PRESSURE_RESOURCES * p.resources[r] + s.shortfall[r]
    contest = contest_stakes(p.authority_contest[r], p.resources[r])
    out = w.org[4]
    for i in range(n):
        trust_i = total[i] / max(ties[i], 1.0) if ties[i] > 0 else p.initial_trust[r]
        norm_i = habits[i] / ties[i] if ties[i] > 0 else s.habit[r, i]
        mediation = s.credibility[r] if s.attended[r, i] else 0.0
        x = (
            BLAME_BASE
            + HABIT_WEIGHT * s.habit[r, i]
            + NORM_WEIGHT * norm_i
            + TRUST_TERM * (0.5 - trust_i)
            + UNDERSTANDING_TERM * (0.5 - s.understanding[r, i])
            + ALIGNMENT_TERM * (0.5 - s.alignment[r, i])
            + DATA_TERM * (0.5 - p.data_use[r])
            - KNOWLEDGE_TERM * (s.knowledge[r] - KNOWLEDGE_MIDPOINT)
            + PRESSURE_TERM * (pressure - PRESSURE_MIDPOINT)
            + min(s.blamed[r, i], BLAMED_CAP)
            + CONTEST_TERM * contest
            - MEDIATION_TERM * mediation
            - PRIOR_TERM * (prior[i] / max(ties[i], 1.0))
            - JOINT_TERM * p.joint_problem_solving[r]
            + MODE_BLAME[s.governance[r]]
            + SALIENCE_SD * w.shock[1]
            + naming(p.open_accountability[r], trust_i)
        )
        out[i] = sigmoid(x)
    return out


@inline
def setback_response(s: Any, p: Any, r: int, month: int, w: Any) -> None:
    """Each member responds to this month's setback by learning or by blaming a partner."""
    n = s.status.shape[1]
    act = w.act
    if s.alive[r]:
        for i in range(n):
            s.blamed[r, i] = s.blamed[r, i] * BLAMED_DECAY
    blame, learn = w.flag[0], w.flag[1]
    blame[:] = False
    learn[:] = False
    n_active = 0
    for i in range(n):
        n_active += act[i]
    if s.setback_now[r] and n_active > 0:
        chance = blame_probability(s, p, r, w)
        for i in range(n):
            if act[i]:
                decided = s.decide_response[r, i]  # the decision hook: from outside, or not
                if decided == MODEL:
                    blame[i] = draw(s.keys, r, Stream.ATTRIBUTION, month, i) < chance[i]
                else:
                    blame[i] = decided == BLAME
                learn[i] = not blame[i]
        _blame(s, p, r, month, blame, w)
        _learn(s, r, learn, w)
        for i in range(n):
            if blame[i] or learn[i]:
                response = 1.0 if blame[i] else 0.0
                s.habit[r, i] = s.habit[r, i] + HABIT_RATE * (response - s.habit[r, i])
    n_blame = 0
    n_learn = 0
    for i in range(n):
        s.learned_now[r, i] = learn[i]
        s.blamed_now[r, i] = blame[i]
        n_blame += blame[i]
        n_learn += learn[i]
    s.blame_now[r] = n_blame
    s.learning_now[r] = n_learn
    s.blame_total[r] += n_blame
    s.learning_total[r] += n_learn
    _collective(s, p, r, n_blame / max(n_active, 1), n_learn / max(n_active, 1))


@inline
def _blame(s: Any, p: Any, r: int, month: int, blame: Any, w: Any) -> None:
    """Each blamer blames the partner it trusts least (give or take): both sides and the
    bystanders tied to them have a bad experience."""
    n = s.status.shape[1]
    live = live_ties(w)
    # each blamer's target: its best-scoring candidate tie (draws are pure functions of the
    # slot, so only candidates need theirs)
    candidates, score, best = w.tie_flag[0], w.tie_value, w.org[0]
    best[:] = -np.inf
    for e in range(live.shape[0]):
        i = s.src[r, e]
        candidates[e] = live[e] and blame[i]
        if candidates[e]:
            noise = draw(s.keys, r, Stream.BLAME_TARGET, month, e)
            score[e] = (1.0 - s.trust[r, e]) + TARGET_NOISE * noise
            if s.dst[r, e] == s.decide_target[r, i]:  # the partner named from outside
                score[e] = NAMED_TARGET
            if score[e] > best[i]:
                best[i] = score[e]
    target = w.tie_flag[1]
    target[:] = False
    for e in range(live.shape[0]):
        target[e] = candidates[e] and score[e] == best[s.src[r, e]]
    severity = p.blame_severity[r]
    blamed_count = w.org[1]
    blamed_count[:] = 0.0
    # a target or its reverse hits a slot only if the slot is live; a tie is live in both
    # directions or neither (its two slots, e and e ^ 1, are made, made dormant and brokered
    # together), so slots past the live ones have no hits and keep their experience
    for e in range(live.shape[0]):
        hits = (1.0 if target[e] else 0.0) + (1.0 if target[s.rev[r, e]] else 0.0)
        s.experience[r, e] = s.experience[r, e] - severity * hits
        if target[e]:
            blamed_count[s.dst[r, e]] += 1.0
    involved = w.flag[2]
    for i in range(n):
        involved[i] = blamed_count[i] > 0 or blame[i]
    for e in range(live.shape[0]):
        if live[e] and not involved[s.src[r, e]] and involved[s.dst[r, e]]:
            s.experience[r, e] = s.experience[r, e] - p.trust_spillover[r] * severity
        if target[e] or target[s.rev[r, e]]:
            s.last_blame[r, e] = month
    for i in range(n):
        s.blamed[r, i] = s.blamed[r, i] + blamed_count[i]
        if blamed_count[i] > 0:
            f = s.frustration[r, i]
            s.frustration[r, i] = f + BLAMED_FRUSTRATION * (1 - f)


@inline
def _learn(s: Any, r: int, learn: Any, w: Any) -> None:
    """Learners understand more, and every partner of a learner has a good experience of it."""
    for i in range(learn.shape[0]):
        if learn[i]:
            u = s.understanding[r, i]
            s.understanding[r, i] = u + LEARNING_RATE * (1 - u)
    live = live_ties(w)
    for e in range(live.shape[0]):
        if live[e] and learn[s.dst[r, e]]:
            s.experience[r, e] += 1.0


@inline
def _collective(s: Any, p: Any, r: int, b_share: float, l_share: float) -> None:
    """What the month's shares of blame and learning do to the collaboration."""
    oc = s.operational_capacity[r]
    s.operational_capacity[r] = clip(
        oc + CAPACITY_GAIN * l_share * (1 - oc) - CAPACITY_LOSS * b_share * oc, 0.0, 1.0
    )
    s.task_scope[r] = s.task_scope[r] * (1.0 - RESCOPE * l_share)
    k = s.knowledge[r]
    s.knowledge[r] = k + tried(p, r) * SETBACK_KNOWLEDGE * l_share * (1.0 - k)  # what did not work
    c = s.conflict[r]
    stakes = contest_stakes(p.authority_contest[r], p.resources[r])
    s.conflict[r] = clip(c + CONFLICT_FEED * b_share * stakes * (1 - c), 0.0, 1.0)
    has_navigator = 1.0 if p.navigator[r] > 0 else 0.0
    s.credibility[r] = s.credibility[r] * (1.0 - CREDIBILITY_LOSS * b_share * has_navigator)

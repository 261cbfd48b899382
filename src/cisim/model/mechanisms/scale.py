"""Scale: what the number of members does to a collaboration, and open many-to-many accountability.

Until this mechanism the model did not depend on size (learning journeys 63-68 % from 8 to 300
organisations, commit bb31277): effort, understanding and trust are means over members, and
nothing grew or shrank with their number. The sources and the literature on network governance
and collective action say size cuts both ways. Every term below is measured against the reference
size of ``N_REF`` = 20 organisations (the baseline's table), where it is neutral to the last
bit: a collaboration convened with 20 runs exactly as it did before. ``n`` is the number of
organisations the collaboration was convened with (``initial_members``): the size its ways of
coordinating, its norms of who sees whose work and its claim to speak for many are built for.
Members who leave or join later do not change it (a simplification; the prototype that followed
current membership moved 3.1 % of the baseline's regimes, since baseline collaborations lose and
gain members: ``docs/ODD.md`` §10.3).

**Benefits of a broad coalition** (``breadth = log(n / N_REF)``, signed):

* more capacity and more varied perspectives on an interdependent problem: the joint work is
  worth ``1 + 0.05 breadth`` of itself (seed 001: "open, large, diverse, multi-sector coalitions";
  "meaningful change is increasingly not in the hands of any single organisation"; Hong & Page
  2004 on diverse problem solvers), read by :mod:`~cisim.model.mechanisms.joint_work`;
* the legitimacy of a broad coalition: legitimacy's target rises by ``0.05 breadth``
  (:mod:`~cisim.model.mechanisms.community`; Human & Provan 2000: a network earns legitimacy as
  an entity by its breadth; seed 001, "a political and organisational legitimacy perspective").

**Costs of size**:

* **coordination**: every member of a shared governance talks with every other, so each has
  ``n - 1`` channels to keep up (Provan & Kenis 2008: shared governance suits few participants; a
  lead organisation or a network administrative organisation (NAO) carries the coordination for
  many). The joint work is worth ``coordination`` of itself,

      coordination = exp(-0.2 strain[mode] log((n - 1) / (N_REF - 1)) (1 - operational_capacity))

  and, above the reference size, an overload that wears the members down: each member's
  frustration moves ``0.03 (1 - coordination)`` a month towards 1 (more channels than they can
  keep up with: meetings, missed messages, decisions that wait; Ansell & Gash 2008 on the time and
  resource costs of collaborating), which costs commitment and members (contribution, membership).
  ``strain`` is 1 for shared governance, 0.5 through a lead organisation (one hub: members talk
  to it) and 0.25 through an NAO (staff whose job it is). Operational capacity (decision rules,
  communication channels, who does what: seed 003's strategic triangle) absorbs the cost, so a
  backbone (:mod:`~cisim.model.mechanisms.backbone`), which builds it, is the remedy at scale by
  way of what it builds (Kania & Kramer 2011). Below the reference size the same rule gives a
  small gain: few partners coordinate cheaply.
* **free-riding**: in a large group one member's contribution is hard to see and barely changes
  the result, so members hold back (Olson 1965; Latané, Williams & Harkins 1979 and Karau &
  Williams 1993 on social loafing, which grows with group size and vanishes where individual
  contributions are identifiable; Ostrom 1990 on monitoring). A member's work is seen first-hand by
  the ``K_SEEN`` = 6 partners it works with closely, so it is **visible** to a share

      visibility = seen + (1 - seen) open_accountability,   seen = min(1, 6 / (n - 1))

  of the collaboration, and its willingness to commit moves by ``0.2 log(visibility /
  V_REF)`` on the logit scale (:mod:`~cisim.model.mechanisms.contribution`), where ``V_REF = 6 /
  19`` is the visibility at the reference size: a power law in the group's size, as social impact
  theory has it (Latané 1981).

**Open, many-to-many accountability** (``open_accountability``, 0-1; seed 001: "a many-to-many
model reframes accountability into a relational, reputational, and educational process", with
open data and mission goals "socially and reputationally networked"): who puts in what is open to
every member, not only to one's close partners. It counters free-riding at any size (visibility
above) at no cost in the members' time (seed 001: "the near-zero marginal cost of digital
administration"; a modellers' assumption). Where it can backfire: open data also names who fell
short. Whether that naming is educational or ammunition depends on the relationship (Hood 2011 on
the blame game; seed 001 asks for a *relational* accountability): a member's chance of blaming a
partner after a setback moves by ``2 open_accountability (0.5 - trust_i)`` on the logit scale
(:mod:`~cisim.model.mechanisms.setback_response`), down where it trusts its partners, up where it
does not.

References: Olson (1965), *The Logic of Collective Action*; Ostrom (1990), *Governing the Commons*;
Latané, Williams & Harkins (1979), JPSP 37:822-832; Latané (1981), Am. Psychologist 36:343-356;
Karau & Williams (1993), JPSP 65:681-706; Provan & Kenis (2008), JPART 18:229-252; Human & Provan
(2000), ASQ 45:327-365; Hong & Page (2004), PNAS 101:16385-16389; Kania & Kramer (2011); Hood
(2011), *The Blame Game*; seed 001 (Johar, Kaur & Chouchoulas).
"""

from __future__ import annotations

import math
from typing import Any

from cisim.model.compiled import inline, jit

N_REF = 20  # the reference size: every term is neutral at 20 active members
K_SEEN = 6.0  # partners who see a member's work first-hand (the baseline's mean degree)
V_REF = K_SEEN / (N_REF - 1)  # a member's visibility at the reference size, without open data
COORDINATION_COST = 0.2  # log-output lost per unit of log channels per member, fully strained
STRAIN = (1.0, 0.5, 0.25)  # shared, lead organisation, administrative organisation
BREADTH_OUTPUT = 0.05  # the joint work is worth 1 + 0.05 log(n / 20) of itself
BREADTH_LEGITIMACY = 0.05  # legitimacy's target rises by 0.05 log(n / 20)
LOAFING = 0.2  # willingness's logit moves by 0.2 log(visibility / V_REF)
OVERLOAD = 0.03  # monthly, frustration towards 1 times the share coordination costs (above 20)
OPEN_BLAME = 2.0  # blame's logit moves by 2 open_accountability (0.5 - trust)
OPEN_TRUST_PIVOT = 0.5  # above it open data is educational, below it ammunition
#: The largest coordination can be: two organisations, fully strained, no operational capacity.
COORDINATION_MAX = math.exp(COORDINATION_COST * max(STRAIN) * math.log(N_REF - 1.0))

READS = ("governance", "operational_capacity", "frustration", "initial_members")
WRITES = ("coordination", "visibility", "breadth", "frustration")
PARAMETERS = ("open_accountability",)


@jit
def scale_terms(n: float, mode: int, oc: float, open_accountability: float) -> Any:
    """``(coordination, visibility, breadth)`` of a collaboration of ``n`` active members."""
    m = max(n, 2.0)
    channels = math.log((m - 1.0) / (N_REF - 1.0))
    coordination = math.exp(-COORDINATION_COST * STRAIN[mode] * channels * (1.0 - oc))
    seen = min(1.0, K_SEEN / (m - 1.0))
    visibility = seen + (1.0 - seen) * open_accountability  # exactly V_REF at 20 when shut
    breadth = math.log(m / N_REF)
    return coordination, visibility, breadth


@inline
def scale(s: Any, p: Any, r: int, month: int, w: Any) -> None:
    """This month's coordination cost, visibility of contributions and breadth, from the number
    of organisations the collaboration was convened with."""
    if not s.alive[r]:
        return
    n = float(s.initial_members[r])
    c, v, b = scale_terms(n, s.governance[r], s.operational_capacity[r], p.open_accountability[r])
    s.coordination[r] = c
    s.visibility[r] = v
    s.breadth[r] = b
    if c < 1.0:  # more channels than members can keep up with: meetings, missed messages
        push = OVERLOAD * (1.0 - c)
        for i in range(s.status.shape[1]):
            if w.act[i]:
                f = s.frustration[r, i]
                s.frustration[r, i] = f + push * (1.0 - f)


@jit
def loafing(visibility: float) -> float:
    """What the visibility of one's contribution adds to the logit of willingness."""
    return LOAFING * math.log(max(visibility, 1e-9) / V_REF)


@jit
def naming(open_accountability: float, trust: float) -> float:
    """What open data on who fell short adds to the logit of blame, for a member of this trust."""
    return OPEN_BLAME * open_accountability * (OPEN_TRUST_PIVOT - trust)

"""The strategic triangle as a team's agenda: aligning legitimacy, public value and capacity.

Seed 003 gives a collaborative team three corners to align (Moore's strategic triangle, 1995):
**legitimacy and support** ("get onboard the parties who lend legitimacy", "secure the required
resources from each party"), **public value** ("agree (enough) on what the problem is ... on what
we're trying to accomplish") and **operational capacity** ("agree on how we'll make decisions ...
who will do what ... a governance structure"). A team can manage the triangle on purpose
(``triangle``: the share of its attention it gives to that, 0 = none, the baseline), and it can
put that attention on its weakest corner or spread it over all three (``triangle_focus``: 1 =
all on the weakest, 0 = a third on each).

Every month a live collaboration's attention ``a_k = triangle (focus [k weakest] + (1 - focus)
/ 3)`` on corner ``k`` moves it towards 1:

    legitimacy           += 0.03 a_L (1 - legitimacy)
    each member's understanding += 0.03 a_V (1 - understanding)   (public value: members agree)
    operational_capacity += 0.03 a_C (1 - operational_capacity)

where the weakest corner is the least of legitimacy, the members' mean understanding and
operational capacity (the metric ``weakest_corner``; ties go to legitimacy, then public value).
The attention is not free: it is time taken from the task, so the partners' effort on the task is
worth ``1 - 0.1 triangle`` of itself (:func:`attention`, read by
:mod:`~cisim.model.mechanisms.joint_work`).

Whether a team manages its triangle or not, the corners must be aligned for its work to create
value (Moore: public value lies where what is valuable, what is authorised and what is feasible
overlap): a month's work on the task is worth

    aligned = 1 - 0.5 (1 - weakest / mean)

of itself (:func:`aligned`, read by :mod:`~cisim.model.mechanisms.joint_work`): all of it when
the three corners are equal, half of it when one is at nothing. Capacity without legitimacy is
not authorised to act; legitimacy without capacity promises what it cannot deliver; both without
agreement on the problem work at cross purposes.

The rates are assumptions: ``ALIGN`` and ``COST`` are of the size of the backbone's (``BUILD``
0.03, ``DUES`` 0.1, :mod:`~cisim.model.mechanisms.backbone`), and ``MISALIGNMENT`` 0.5 lets a
missing corner halve the work; the sources say the corners must be aligned, not how much
misalignment costs or how fast a team aligns them. The alignment test (pattern 28) measures how
much of putting the attention on the weakest corner, rather than spreading it, reaches the
outcome, through the factor and through each corner's own channels (legitimacy on contribution
and membership, understanding on blame, capacity on the work and on money).

References: Moore (1995), *Creating Public Value*; seed 003 (the strategic triangle for a
collaborative team, and its key challenges); Kania & Kramer (2011).
"""

from __future__ import annotations

from typing import Any

from cisim.model.compiled import inline, masked_mean

ALIGN = 0.03  # monthly, a corner this far towards 1, times the attention it gets
COST = 0.1  # the partners' effort on the task is worth 1 - 0.1 triangle of itself
MISALIGNMENT = 0.5  # share of the work lost as the weakest corner falls to nothing against the rest
LEGITIMACY, PUBLIC_VALUE, CAPACITY = 0, 1, 2  # the corners, in the order ties are broken

READS = ("legitimacy", "understanding", "operational_capacity")
WRITES = ("legitimacy", "understanding", "operational_capacity")
PARAMETERS = ("triangle", "triangle_focus")


@inline
def attention(p: Any, r: int) -> float:
    """What the partners' effort on the task is worth after the team's attention to the triangle
    (a multiplier; 1 without it)."""
    return 1.0 - COST * p.triangle[r]


@inline
def aligned(legitimacy: float, value: float, capacity: float) -> float:
    """What a month's work creates for the alignment of the corners (a multiplier; 1 when all
    three are equal): ``1 - 0.5 (1 - weakest / mean)``."""
    mean = (legitimacy + value + capacity) / 3.0
    low = min(legitimacy, min(value, capacity))
    return 1.0 - MISALIGNMENT * (1.0 - low / max(mean, 1e-12))


@inline
def weakest(legitimacy: float, value: float, capacity: float) -> int:
    """The weakest corner (ties: legitimacy, then public value)."""
    if legitimacy <= value and legitimacy <= capacity:
        return LEGITIMACY
    return PUBLIC_VALUE if value <= capacity else CAPACITY


@inline
def share(corner: int, low: int, focus: float) -> float:
    """The share of the attention ``corner`` gets when ``low`` is the weakest."""
    return focus * (1.0 if corner == low else 0.0) + (1.0 - focus) / 3.0


@inline
def triangle(s: Any, p: Any, r: int, month: int, w: Any) -> None:
    """A team that manages its triangle moves its corners towards 1, the weakest first."""
    a = p.triangle[r]
    if not s.alive[r] or a <= 0.0:
        return
    focus = p.triangle_focus[r]
    legit, capacity = s.legitimacy[r], s.operational_capacity[r]
    low = weakest(legit, masked_mean(s.understanding[r], w.act), capacity)
    s.legitimacy[r] = legit + ALIGN * a * share(LEGITIMACY, low, focus) * (1.0 - legit)
    step = ALIGN * a * share(PUBLIC_VALUE, low, focus)
    for i in range(s.status.shape[1]):
        if w.act[i]:
            s.understanding[r, i] += step * (1.0 - s.understanding[r, i])
    cap = ALIGN * a * share(CAPACITY, low, focus)
    s.operational_capacity[r] = capacity + cap * (1.0 - capacity)

"""The backbone: an executive director and staff who build the collaboration's capacity.

A collaboration can fund a **backbone** (``backbone``: its staff as a share of what the
collaboration needs, 0 = none): a separate organisation or office whose staff coordinate the
partners. "Creating and managing collective impact requires a separate organization(s) with staff
and a specific set of skills to serve as the backbone for the entire initiative"; the expectation
that collaboration can occur without a supporting infrastructure is "one of the most frequent
reasons why it fails" (Kania & Kramer 2011). The backbone is the staff, not a way of deciding:
backbones work under shared, lead and administrative governance alike (Turner et al. 2012 list
funder-based, new nonprofit, existing nonprofit, government-driven, shared and steering-committee
backbones), so it is a lever of its own beside ``governance_mode``.

A funded backbone needs someone to lead it. While nobody is in post, an **executive director** is
found in a month with chance

    0.3 * legitimacy * (1 - conflict)

so nobody takes the job of a collaboration that lacks standing or is at war with itself (Hartford:
"fought over the governance structure ... nobody willing to be executive director", seed 003). A
director in post leaves at the members' mean monthly turnover rate, and is then sought again
(Louisville's epilogue: a new executive director).

With a director in post, every month the staff

* build **operational capacity** (the third corner of the strategic triangle, seed 003: decision
  rules, communication channels, who does what, a governance structure that holds parties to what
  they agreed), ``operational_capacity += 0.03 backbone (1 - operational_capacity)``;
* are paid by **resources secured from each party** (seed 003): the partners' effort on the task
  is worth ``1 - 0.1 backbone`` of itself (:func:`dues`, read by
  :mod:`~cisim.model.mechanisms.joint_work`): a backbone is not free, and repays its cost only
  as the capacity it builds is used, most where a grant waits for the capacity to spend it
  (:mod:`~cisim.model.mechanisms.joint_work`'s ``money``).

References: Kania & Kramer (2011), SSIR 9(1):36-41; Turner, Merchant, Kania & Martin (2012),
"Understanding the value of backbone organizations in collective impact", SSIR; Moore (1995) and
seed 003 (the strategic triangle); seed 003 (Hartford; Louisville's executive director).
"""

from __future__ import annotations

from typing import Any

from cisim.model.compiled import inline, masked_mean
from cisim.model.streams import Stream, draw

RECRUIT = 0.3  # monthly chance of finding a director, times legitimacy and (1 - conflict)
BUILD = 0.03  # monthly, operational capacity this far towards 1, times backbone
DUES = 0.1  # the partners' effort on the task is worth 1 - 0.1 backbone of itself

READS = ("director", "legitimacy", "conflict", "operational_capacity", "turnover")
WRITES = ("director", "operational_capacity")
PARAMETERS = ("backbone",)


@inline
def dues(s: Any, p: Any, r: int) -> float:
    """What the partners' effort on the task is worth after paying for the staff (a multiplier)."""
    return 1.0 - DUES * p.backbone[r] * s.director[r]


@inline
def backbone(s: Any, p: Any, r: int, month: int, w: Any) -> None:
    """Find or lose an executive director; a director's staff build operational capacity."""
    if not s.alive[r] or p.backbone[r] <= 0.0:
        return
    if s.director[r] > 0.0:
        if draw(s.keys, r, Stream.BACKBONE, month, 1) < masked_mean(s.turnover[r], w.act):
            s.director[r] = 0.0  # the director leaves; the capacity built stays
    else:
        willing = RECRUIT * s.legitimacy[r] * (1.0 - s.conflict[r])
        if draw(s.keys, r, Stream.BACKBONE, month, 0) < willing:
            s.director[r] = 1.0
    if s.director[r] > 0.0:
        oc = s.operational_capacity[r]
        s.operational_capacity[r] = oc + BUILD * p.backbone[r] * (1.0 - oc)

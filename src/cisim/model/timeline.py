"""A scenario's timeline of events: at month *t*, set a lever or apply a shock.

An :class:`Event` acts from the step of its month on: a lever it sets holds from that month (until
a later event sets it again), a shock happens in that month. Events are data, validated like every
parameter; a scenario holds them in :attr:`cisim.Scenario.timeline` and gains one with
:meth:`cisim.Scenario.at`. In TOML::

    [[timeline]]
    month = 24
    navigator = 1
    label = "a navigator joins"

    [[timeline]]
    month = 36
    shock = "public_failure"
    size = 0.5

Three kinds of change (ODD §7.4):

* **levers** (:data:`LEVERS`): a parameter the monthly step reads, set from the month on (a
  navigator arrives, data use rises, ``resources = 0`` when the grant ends);
* **traits** (:data:`TRAITS`): the population's mean authority, capacity, alignment or turnover
  moves to the new value; every organisation's own value moves by the same amount (clipped to
  the range), so organisations stay as different as they were (a budget cut, a period of churn);
* **shocks** (:data:`SHOCKS`): something that happens to the collaboration from outside, once.

Nothing here draws a random number: the months' draws are keyed by replicate, stream and month
(:mod:`cisim.model.streams`), so two scenarios that differ only in their timeline meet the same
luck (common random numbers), and "the same collaboration with and without a navigator in year
two" is a paired comparison. The compiled side (the shocks' and traits' effects) is
:mod:`cisim.model.mechanisms.context`; the engine sets the levers between months
(:func:`cisim.engine.run`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cisim.errors import ConfigError, did_you_mean
from cisim.model.parameters import SECTOR_TRAITS, SPECS
from cisim.model.spec import FrozenMap, Spec, choice, finite, real, whole

#: Parameters an event may set: those the monthly step reads (a test holds this to the union of
#: the mechanisms' ``PARAMETERS``), except ``initial_trust``, the trust partners start from.
LEVERS: tuple[str, ...] = (
    "adaptability",
    "aspiration",
    "authority_contest",
    "authority_source",
    "backbone",
    "blame_severity",
    "community_engagement",
    "data_use",
    "disagreement",
    "entry_base_rate",
    "entry_point",
    "entry_quality",
    "exit_base_rate",
    "institutional_memory",
    "institutional_trust_rate",
    "job",
    "join_base_rate",
    "joint_problem_solving",
    "navigator",
    "navigator_capacity",
    "navigator_credibility",
    "onboarding_months",
    "open_accountability",
    "outcome_noise",
    "reputation_weight",
    "resources",
    "review_months",
    "triangle",
    "triangle_focus",
    "trust_build_rate",
    "trust_erosion_rate",
    "trust_spillover",
)
#: Organisations' traits an event may move (every organisation's value by the same amount).
TRAITS: tuple[str, ...] = SECTOR_TRAITS


@dataclass(frozen=True)
class Shock:
    """A shock an event can apply: what it does, what its size means, and its source."""

    doc: str
    size: str  # what the size means, and its range in words
    lo: float
    hi: float
    default: float
    why: str


#: The shocks, by name. Their effects are compiled in :mod:`cisim.model.mechanisms.context`.
SHOCKS: dict[str, Shock] = {
    "public_failure": Shock(
        "a public failure or scandal: legitimacy and community support fall by the size (a "
        "share), and it is a setback every member must meet that month, with the size as its "
        "shortfall; whether members learn from it or blame each other is the setback rule's",
        "the share of legitimacy and support lost, from 0 to 1",
        0.0,
        1.0,
        0.5,
        "Hood (2011) The Blame Game: a public failure invites blame; whether partners learn or "
        "blame is the collaboration's own (Pulido-Gómez et al.).",
    ),
    "champion_leaves": Shock(
        "the representative partners trust most leaves (a champion); the organisation stays, and "
        "a newcomer takes the seat as after any turnover",
        "unused (0)",
        0.0,
        0.0,
        0.0,
        'Louisville: "people start turning over and you bring in new people" (seed 003); trust '
        "is largely personal (Vangen & Huxham 2003).",
    ),
    "new_leader": Shock(
        "a new mayor or executive director: the public member with the most authority (any "
        "member if none is public) gets a new representative, and every public member's "
        "alignment with the shared mission moves by the size (new priorities)",
        "the change in public members' alignment, from -1 (away from the mission) to 1",
        -1.0,
        1.0,
        0.0,
        "Seed 003 (Louisville's new executive director; a new mayor's priorities); Bryson, "
        "Crosby & Stone (2006) on leadership turnover in cross-sector collaborations.",
    ),
}

# The pulse channels the engine fills for a month (what :mod:`~cisim.model.mechanisms.context`
# reads): the traits' shifts, then the shocks' sizes and flags.
SHIFT = {trait: k for k, trait in enumerate(TRAITS)}
FAILURE = len(TRAITS)
CHAMPION = FAILURE + 1
LEADER = FAILURE + 2
LEADER_SHIFT = FAILURE + 3
ARRIVES = FAILURE + 4  # navigators arrive where there were none (with their credibility)
HANDED = FAILURE + 5  # a designed entry point is handed to a collaboration still searching
N_PULSES = FAILURE + 6

#: Levers that also set where a collaboration starts; set later by an event, they act from then on
#: but do not rewrite the past (the current state stays as the run made it).
STARTING: dict[str, str] = {
    "aspiration": "the first task's scope and the first aspiration level; later, the ambition "
    "tasks grow to (the aspiration level follows performance)",
    "community_engagement": "community support at the start; later, how fast support grows",
    "authority_source": "the mandate's part of legitimacy at the start; later, legitimacy's "
    "target and members' agency",
    "authority_contest": "conflict at the start; later, what blame feeds and the stakes of contest",
    "entry_point": "'designed' or 'imposed' at the start: the collaboration starts with an entry "
    "point (month 0); set later, one is handed over that month if none was found yet; 'none' "
    "stops the search",
    "entry_quality": "the fit of a designed or imposed entry point when it is handed over (at "
    "the start, or by an event setting entry_point)",
    "open_accountability": "the visibility of contributions recorded at month 0; set later, the "
    "visibility from that month on",
}


@dataclass(frozen=True)
class Event:
    """One event of a timeline.

    Attributes
    ----------
    month
        The month it acts from (1 to the horizon).
    set
        Levers and traits it sets, ``{name: value}``.
    shock
        The shock it applies (a name of :data:`SHOCKS`), or ``""``.
    size
        The shock's size (see :data:`SHOCKS`).
    label
        Words for the story log (default: made from what it does).
    """

    month: int
    set: Mapping[str, Any] = field(default_factory=dict)
    shock: str = ""
    size: float = 0.0
    label: str = ""

    def __hash__(self) -> int:
        return hash((self.month, tuple(sorted(self.set.items())), self.shock, self.size))

    def to_dict(self) -> dict[str, Any]:
        """The event as a ``[[timeline]]`` table."""
        out: dict[str, Any] = {"month": self.month, **self.set}
        if self.shock:
            out["shock"] = self.shock
            out["size"] = self.size
        if self.label:
            out["label"] = self.label
        return out

    def words(self) -> str:
        """What happened, for the story log ("a navigator joined", "resources set to 0")."""
        if self.label:
            return self.label
        parts = [_lever_words(name, value) for name, value in self.set.items()]
        if self.shock:
            shock = self.shock.replace("_", " ")
            parts.append(f"{shock} (size {self.size:g})" if self.size else shock)
        return "; ".join(parts)


def _lever_words(name: str, value: Any) -> str:
    if name == "navigator":
        return "a navigator joined" if value else "the navigator left"
    return f"{name.replace('_', ' ')} set to {value}"


def event_from(where: str, data: Any, horizon: int) -> Event:
    """An event from a ``[[timeline]]`` table (or an :class:`Event`), checked; errors name
    ``where`` (``timeline.2``) and the field."""
    if isinstance(data, Event):
        data = data.to_dict()
    if not isinstance(data, Mapping):
        raise ConfigError(where, data, "a table with month and what changes")
    data = dict(data)
    month = data.pop("month", None)
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= horizon:
        raise ConfigError(f"{where}.month", month, f"a month from 1 to horizon_months ({horizon})")
    label = data.pop("label", "")
    if not isinstance(label, str):
        raise ConfigError(f"{where}.label", label, "a string")
    shock = data.pop("shock", "")
    size_given = "size" in data
    size = data.pop("size", None)
    if shock != "" and shock not in SHOCKS:
        raise ConfigError(f"{where}.shock", shock, "one of " + ", ".join(map(repr, SHOCKS)))
    if shock:
        spec = SHOCKS[shock]
        size = spec.default if size is None else size
        number = finite(size)
        if number is None or not spec.lo <= number <= spec.hi:
            raise ConfigError(f"{where}.size", size, spec.size)
        size = number
    elif size_given:
        raise ConfigError(f"{where}.size", size, "a size only with a shock")
    changes: dict[str, Any] = {}
    for name, value in data.items():
        if name not in LEVERS and name not in TRAITS:
            allowed = (
                "a lever the monthly step reads ("
                + ", ".join(LEVERS)
                + "), a trait ("
                + ", ".join(TRAITS)
                + "), shock, size or label"
            )
            if name in SPECS:
                allowed = f"not {name!r}, which shapes only the start; " + allowed
            else:
                allowed += did_you_mean(name, [*LEVERS, *TRAITS])
            raise ConfigError(f"{where}.{name}", value, allowed)
        changes[name] = SPECS[name].check(f"{where}.{name}", value)
    if not changes and not shock:
        raise ConfigError(where, data or None, "an event that sets a lever or applies a shock")
    return Event(month, FrozenMap(changes), shock, float(size or 0.0), label)


def field_spec(name: str) -> Spec | None:
    """What ``timeline.K.FIELD`` may hold as a factor of a sweep (``None`` if it is not a field
    an event has): an event's month, a shock's size or name, or the lever or trait it sets. The
    month's upper bound is the horizon, checked when the scenario is built."""
    parts = name.split(".")
    if len(parts) != 3 or parts[0] != "timeline" or not parts[1].isdigit():
        return None
    field_name = parts[2]
    if field_name == "month":
        return whole(
            "timeline",
            1,
            int(SPECS["horizon_months"].hi or 1),
            "month",
            "the event's month",
            why="",
        )
    if field_name == "size":
        lo = min(s.lo for s in SHOCKS.values())
        hi = max(s.hi for s in SHOCKS.values())
        return real("timeline", lo, hi, "size", "the shock's size (see SHOCKS)", why="")
    if field_name == "shock":
        return choice("timeline", tuple(SHOCKS), "the shock", why="")
    if field_name in LEVERS or field_name in TRAITS:
        return SPECS[field_name]
    return None


def field_kind(name: str) -> str | None:
    """The kind of ``timeline.K.FIELD`` as a factor of a sweep (as :class:`~cisim.model.spec.Spec`
    kinds), ``None`` if it is not one an event has."""
    spec = field_spec(name)
    return None if spec is None else spec.kind


def check_timeline(events: Any, horizon: int) -> tuple[Event, ...]:
    """A timeline in canonical form: checked events, stably sorted by month."""
    if isinstance(events, Mapping) or not isinstance(events, Sequence) or isinstance(events, str):
        raise ConfigError("timeline", events, "a list of events ([[timeline]] tables)")
    checked = [event_from(f"timeline.{k}", e, horizon) for k, e in enumerate(events, start=1)]
    return tuple(sorted(checked, key=lambda e: e.month))


# ---- a batch's schedule ----------------------------------------------------------------------
@dataclass
class Schedule:
    """The events of a batch's rows, as the engine applies them.

    ``levers[month]`` lists ``(name, rows, values)``: set parameter ``name`` of those rows before
    the month's step; ``pulses[month]`` lists ``(channel, rows, values)`` for the month's step
    (:mod:`cisim.model.mechanisms.context`); ``events[row]`` the row's events (the story log).
    """

    levers: dict[int, list[tuple[str, NDArray[np.int64], NDArray[Any]]]]
    pulses: dict[int, list[tuple[int, NDArray[np.int64], NDArray[np.float64]]]]
    events: list[tuple[Event, ...]]

    @classmethod
    def of(cls, scenarios: Sequence[Any]) -> Schedule | None:
        """The schedule of rows running ``scenarios`` (``None`` if none has a timeline)."""
        if not any(sc.timeline for sc in scenarios):
            return None
        levers: dict[int, dict[str, dict[int, Any]]] = {}
        pulses: dict[int, dict[int, dict[int, float]]] = {}
        for row, sc in enumerate(scenarios):
            now = {trait: float(getattr(sc, trait)) for trait in TRAITS}
            navigators = sc.navigator
            for event in sc.timeline:
                for name, value in event.set.items():
                    if name == "navigator":
                        if navigators == 0 and value > 0:
                            _add(pulses, event.month, ARRIVES, row, 1.0)
                        navigators = value
                    if name == "entry_point" and value in ("designed", "imposed"):
                        _add(pulses, event.month, HANDED, row, 1.0)
                    if name in TRAITS:
                        shift = float(value) - now[name]
                        now[name] = float(value)
                        _add(pulses, event.month, SHIFT[name], row, shift)
                    else:
                        _put(levers, event.month, name, row, SPECS[name].code(value))
                if event.shock == "public_failure":  # two in a month: what survives both
                    _survive(pulses, event.month, row, max(event.size, 1e-9))
                elif event.shock == "champion_leaves":
                    _add(pulses, event.month, CHAMPION, row, 1.0)
                elif event.shock == "new_leader":
                    _add(pulses, event.month, LEADER, row, 1.0)
                    _add(pulses, event.month, LEADER_SHIFT, row, event.size)
        return cls(
            {
                m: [
                    (name, np.array(list(rows)), np.array(list(rows.values()), SPECS[name].dtype))
                    for name, rows in by_name.items()
                ]
                for m, by_name in levers.items()
            },
            {
                m: [
                    (ch, np.array(list(rows)), np.array(list(rows.values()), float))
                    for ch, rows in by_channel.items()
                ]
                for m, by_channel in pulses.items()
            },
            [tuple(sc.timeline) for sc in scenarios],
        )

    def lever_months(self, first: int, last: int) -> list[int]:
        """Months in ``(first, last]`` before whose step some lever changes, in order."""
        return sorted(m for m in self.levers if first < m <= last)

    def set_levers(self, p: Any, month: int) -> None:
        """Set the levers that change at ``month`` in the parameter arrays ``p`` (in place)."""
        for name, rows, values in self.levers.get(month, ()):
            getattr(p, name)[rows] = values

    def fill_pulses(self, pulses: NDArray[np.float64], first: int) -> None:
        """``pulses[t, row, channel]`` for months ``first + 1 + t``."""
        for t in range(pulses.shape[0]):
            for channel, rows, values in self.pulses.get(first + 1 + t, ()):
                pulses[t, rows, channel] = values

    def events_at(self, row: int, month: int) -> list[Event]:
        """Row ``row``'s events of ``month``."""
        return [e for e in self.events[row] if e.month == month]

    def take(self, rows: Iterable[int]) -> Schedule | None:
        """The schedule of a subset of rows (renumbered in the given order)."""
        order = list(rows)
        where = {old: new for new, old in enumerate(order)}

        def keep(entries: list[Any]) -> list[Any]:
            out = []
            for key, r, v in entries:
                mask = np.isin(r, order)
                if mask.any():
                    out.append((key, np.array([where[x] for x in r[mask]]), v[mask]))
            return out

        levers = {m: kept for m, e in self.levers.items() if (kept := keep(e))}
        pulses = {m: kept for m, e in self.pulses.items() if (kept := keep(e))}
        events = [self.events[r] for r in order]
        return Schedule(levers, pulses, events) if any(events) else None


def _put(
    table: dict[int, dict[str, dict[int, Any]]], month: int, key: str, row: int, v: Any
) -> None:
    table.setdefault(month, {}).setdefault(key, {})[row] = v


def _add(
    table: dict[int, dict[int, dict[int, float]]], month: int, key: int, row: int, v: float
) -> None:
    by_row = table.setdefault(month, {}).setdefault(key, {})
    by_row[row] = by_row.get(row, 0.0) + v


def _survive(table: dict[int, dict[int, dict[int, float]]], month: int, row: int, z: float) -> None:
    """Another public failure of size ``z`` in the month: legitimacy keeps ``1 - z`` of what the
    earlier ones left, so the combined size stays within 0 to 1."""
    by_row = table.setdefault(month, {}).setdefault(FAILURE, {})
    by_row[row] = 1.0 - (1.0 - by_row.get(row, 0.0)) * (1.0 - z)

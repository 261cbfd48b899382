"""What a class records: its students, their decisions and its months (plain data).

Kept apart from :mod:`cisim.classplay.session` (which plays the months) and
:mod:`cisim.classplay.roles` (which derives them from the engine's state), so that both use them
without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Decision", "Month", "Student"]


@dataclass
class Student:
    """A student and the organisation slot they play."""

    token: str
    name: str
    slot: int


@dataclass
class Decision:
    """A response to one setback: who decided it and what it was."""

    month: int
    slot: int
    response: str  # what the organisation did: "learn" or "blame"
    by: str  # "student" or "model" (no answer in time, or no student)
    target: int | None = None  # whom it blamed
    effort: float | None = None  # the effort decided for the next months (students only)
    seconds: float | None = None  # how long the student took


@dataclass
class Month:
    """What happened in one month: the decisions and the collaboration after it."""

    month: int
    decisions: list[Decision]
    metrics: dict[str, float]
    trust_in: dict[int, float]  # each member's partners' mean trust in it, after the month

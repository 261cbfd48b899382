"""The class itself: seats, months and decisions (no web).

A :class:`ClassSession` holds one collaboration (one replicate of the engine) and the students
who play its organisations. Its months go through three phases:

``lobby``
    Students join with the join code; each takes the next free seat (an active member).
``running``
    Every ``pace`` seconds a month is previewed on a copy of the state
    (:func:`cisim.engine.preview_setbacks`). If no student's organisation meets a setback
    the month is run at once; otherwise the phase is ``deciding`` until every student asked has
    answered or the time limit has passed (then the model decides for those who did not), and
    the month is run with the decisions (:func:`cisim.model.decisions.decide`).
``ended``
    After the last month, when the collaboration has come apart, or when the teacher ends it.

A response decided at a setback holds for that setback only; the effort decided then holds from
the next month until the student's next decision (effort acts before the review in a month, so
the previewed setback stays exact). Every change bumps :attr:`ClassSession.version`, which the
server's long polls wait on. The clock is injectable (tests run months without waiting).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cisim import engine
from cisim.classplay import roles
from cisim.classplay.records import Decision, Month, Student
from cisim.model import decisions
from cisim.model.population import RunSpec, build_state
from cisim.model.scenario import Scenario

__all__ = ["ClassSession", "Decision", "Refused", "Student"]

ROW = 0
#: Letters of the join code: no 0/O, 1/I/L, 2/Z, 5/S, 8/B to mix up when read off a projector.
CODE_LETTERS = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 5
NAME_LENGTH = 24


class Refused(Exception):
    """A request the class refuses; ``status`` is the HTTP status the server answers with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class ClassSession:
    """One class playing one collaboration.

    Parameters
    ----------
    scenario
        The collaboration (the baseline with a designed entry point, by default).
    seed
        The engine's root seed (replicate 0).
    months
        How many months the class plays.
    time_limit
        Seconds a student has to decide before the model decides for them.
    pace
        Seconds between months when no one is deciding.
    clock
        The time in seconds (``time.monotonic``; tests pass their own).
    """

    scenario: Scenario = field(default_factory=lambda: default_scenario(30))
    seed: int = 1
    months: int = 24
    time_limit: float = 45.0
    pace: float = 3.0
    clock: Callable[[], float] = time.monotonic
    code: str = field(default_factory=lambda: new_code())
    version: int = 0
    phase: str = "lobby"
    paused: bool = False
    students: dict[str, Student] = field(default_factory=dict)
    history: list[Month] = field(default_factory=list)
    asked: dict[int, float] = field(default_factory=dict)  # slot -> deadline
    answers: dict[int, Decision] = field(default_factory=dict)
    series: dict[str, list[float]] = field(default_factory=dict)
    next_month_at: float = 0.0
    opened_at: float = 0.0
    debrief_cache: tuple[int, dict[str, Any]] | None = None

    def __post_init__(self) -> None:
        self.state, self.params = build_state([RunSpec(self.scenario, self.seed, 0)])
        self.names = roles.names(self.state)
        self.seats = roles.seat_order(self.state)
        self.layout = roles.layout(self.state)
        first = engine.measure(self.state)
        self.series = {name: [float(v[ROW])] for name, v in first.items()}
        self.cards = {slot: roles.card(self.state, slot, self.names) for slot in self.seats}

    # ---- joining --------------------------------------------------------------------------
    def join(self, code: str, name: str) -> Student:
        """Seat a student: a token and the next free organisation; :class:`Refused` if the code
        is wrong, the name empty or every seat taken."""
        if not secrets.compare_digest(code.strip().upper().encode(), self.code.encode()):
            raise Refused(403, "that is not the join code on the teacher's screen")
        shown = clean_name(name)
        if not shown:
            raise Refused(400, "a name is needed (up to 24 letters)")
        taken = {s.slot for s in self.students.values()}
        free = [slot for slot in self.seats if slot not in taken]
        if not free:
            raise Refused(409, "every organisation already has a student: the class is full")
        student = Student(secrets.token_urlsafe(18), shown, free[0])
        self.students[student.token] = student
        self._changed()
        return student

    def student(self, token: str) -> Student:
        """The student holding ``token`` (:class:`Refused` 401 if none)."""
        found = self.students.get(token) if token else None
        if found is None:
            raise Refused(401, "not joined: join with the code first")
        return found

    # ---- deciding -------------------------------------------------------------------------
    def decide(
        self, token: str, slot: int, response: str, target: int | None, effort: float | None
    ) -> Decision:
        """A student's decision for their organisation's setback this month."""
        student = self.student(token)
        if slot != student.slot:
            raise Refused(403, "you can act only for your own organisation")
        if self.phase != "deciding" or slot not in self.asked:
            raise Refused(409, "your organisation has no setback to respond to now")
        if slot in self.answers:
            raise Refused(409, "you have already decided this month")
        if response not in ("learn", "blame"):
            raise Refused(400, "response must be 'learn' or 'blame'")
        if target is not None and target not in roles.partners(self.state, slot):
            raise Refused(400, "you can blame only a partner you work with")
        if effort is not None and not 0.0 <= effort <= 1.0:
            raise Refused(400, "effort must be a share from 0 to 1")
        decision = Decision(
            month=self.state.month + 1,
            slot=slot,
            response=response,
            by="student",
            target=target if response == "blame" else None,
            effort=effort,
            seconds=round(self.clock() - self.opened_at, 2),
        )
        self.answers[slot] = decision
        self._changed()
        return decision

    # ---- the teacher's controls -----------------------------------------------------------
    def start(self) -> None:
        """Start the months (from the lobby), or resume them."""
        if self.phase == "lobby":
            self.phase = "running"
            self.next_month_at = self.clock()
        self.paused = False
        self._changed()

    def pause(self) -> None:
        """Stop opening new months (a month being decided runs to its time limit)."""
        self.paused = True
        self._changed()

    def step_now(self) -> None:
        """Open the next month now (also while paused); while students decide, run the month
        now, the model deciding for those who have not answered."""
        if self.phase == "lobby":
            self.phase = "running"
        if self.phase == "deciding":
            self._run_month()
        elif self.phase == "running":
            self._open_month()

    def set_pace(self, pace: float | None = None, time_limit: float | None = None) -> None:
        """Seconds between months, and seconds a student has to decide."""
        if pace is not None:
            self.pace = float(pace)
        if time_limit is not None:
            self.time_limit = float(time_limit)
        self._changed()

    def end(self) -> None:
        """End the class now (the debrief follows)."""
        self.phase = "ended"
        self._changed()

    # ---- the clock ------------------------------------------------------------------------
    def tick(self) -> bool:
        """Move the class on as the clock says; whether anything changed."""
        before = self.version
        now = self.clock()
        if self.phase == "deciding":
            if len(self.answers) == len(self.asked) or now >= max(self.asked.values()):
                self._run_month()
        elif self.phase == "running" and not self.paused and now >= self.next_month_at:
            self._open_month()
        return self.version != before

    def _open_month(self) -> None:
        meets = engine.preview_setbacks(self.state, self.params)[ROW]
        seated = {s.slot for s in self.students.values()}
        asked = [int(i) for i in np.flatnonzero(meets) if int(i) in seated]
        self.answers = {}
        if not asked:
            self.asked = {}
            self._run_month()
            return
        self.opened_at = self.clock()
        self.asked = dict.fromkeys(asked, self.opened_at + self.time_limit)
        self.phase = "deciding"
        self._changed()

    def _run_month(self) -> None:
        st = self.state
        for slot in self.asked:
            answer = self.answers.get(slot)
            if answer is None:  # no answer in time: the model decides
                decisions.decide(st, slot, response="model", target=-1, effort=-1, rows=ROW)
            else:
                whom = -1 if answer.target is None else answer.target
                decisions.decide(st, slot, response=answer.response, target=whom, rows=ROW)
        out = engine.run(st, self.params, 1)
        record = roles.month_record(st, self.asked, self.answers, out)
        for slot in self.asked:  # a response holds for one setback; effort from now on
            decisions.decide(st, slot, response="model", target=-1, rows=ROW)
            answer = self.answers.get(slot)
            if answer is not None and answer.effort is not None:
                decisions.decide(st, slot, effort=answer.effort, rows=ROW)
        self.history.append(record)
        for name, values in out.items():
            self.series[name].append(float(values[1, ROW]))
        self.asked, self.answers = {}, {}
        over = st.month >= self.months or not st.alive[ROW]
        self.phase = "ended" if over else "running"
        self.next_month_at = self.clock() + self.pace
        self._changed()

    def _changed(self) -> None:
        self.version += 1

    # ---- views ----------------------------------------------------------------------------
    def deadline_in(self) -> float | None:
        """Seconds left to decide this month (None when no one is deciding)."""
        if self.phase != "deciding":
            return None
        return max(0.0, max(self.asked.values()) - self.clock())

    def seat_of(self, slot: int) -> Student | None:
        """The student playing ``slot``, if any."""
        return next((s for s in self.students.values() if s.slot == slot), None)


def default_scenario(students: int) -> Scenario:
    """The baseline with a designed entry point (setbacks from the first reviews), reviews
    every two months (a lesson meets several setbacks), no candidates waiting to join, and an
    organisation for every student (at least the baseline's twenty)."""
    base = Scenario.preset("baseline")
    return base.replace(
        entry_point="designed",
        review_months=2,
        candidate_share=0.0,
        n_organisations=max(base.n_organisations, students),
    )


def new_code() -> str:
    """A fresh join code (``CODE_LENGTH`` letters of :data:`CODE_LETTERS`)."""
    return "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))


def clean_name(name: str) -> str:
    """A student's name as shown: printable characters only, spaces collapsed, at most
    ``NAME_LENGTH`` characters."""
    kept = "".join(c for c in str(name) if c.isprintable())
    return " ".join(kept.split())[:NAME_LENGTH]

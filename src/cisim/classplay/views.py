"""What each screen shows: the teacher's and a student's views of a class (plain data for the
server to send as JSON), and the network drawn on the teacher's screen."""

from __future__ import annotations

from typing import Any

import numpy as np

from cisim.classplay import debrief
from cisim.classplay.records import Decision, Month, Student
from cisim.classplay.roles import ROW, SERIES, live, partners, trust_in_one, trust_of
from cisim.classplay.session import ClassSession
from cisim.model.parameters import SECTORS

__all__ = ["network", "student_view", "teacher_view"]


def network(session: ClassSession) -> dict[str, Any]:
    """Nodes (with the students' organisations marked) and live ties (mean trust of the pair)."""
    st = session.state
    seated = {s.slot: s.name for s in session.students.values()}
    nodes = [
        {
            "slot": slot,
            "name": session.names[slot],
            "sector": SECTORS[int(st.sector[ROW, slot])],
            "x": x,
            "y": y,
            "student": seated.get(slot),
            "active": bool(st.active[ROW, slot]),
            "habit": round(float(st.habit[ROW, slot]), 3),
        }
        for slot, (x, y) in session.layout.items()
    ]
    ties = live(st)
    pairs: dict[tuple[int, int], list[float]] = {}
    for e in np.flatnonzero(ties).tolist():
        a, b = int(st.src[ROW, e]), int(st.dst[ROW, e])
        pairs.setdefault((min(a, b), max(a, b)), []).append(float(st.trust[ROW, e]))
    edges = [[a, b, round(sum(v) / len(v), 3)] for (a, b), v in sorted(pairs.items())]
    return {"nodes": nodes, "edges": edges}


def _decision_row(session: ClassSession, d: Decision) -> dict[str, Any]:
    student = session.seat_of(d.slot)
    return {
        "slot": d.slot,
        "org": session.names[d.slot],
        "student": None if student is None else student.name,
        "response": d.response,
        "by": d.by,
        "target": None if d.target is None else session.names.get(d.target),
        "effort": d.effort,
        "seconds": d.seconds,
    }


def _last(session: ClassSession, last: Month) -> dict[str, Any]:
    return {"month": last.month, "decisions": [_decision_row(session, d) for d in last.decisions]}


def teacher_view(session: ClassSession) -> dict[str, Any]:
    """Everything the teacher's screen shows."""
    last = session.history[-1] if session.history else None
    return {
        "version": session.version,
        "code": session.code,
        "phase": session.phase,
        "paused": session.paused,
        "month": int(session.state.month),
        "months": session.months,
        "pace": session.pace,
        "time_limit": session.time_limit,
        "deadline_in": session.deadline_in(),
        "seats": len(session.seats),
        "students": [
            {"name": s.name, "slot": s.slot, "org": session.names[s.slot]}
            for s in session.students.values()
        ],
        "asked": [
            {
                "slot": slot,
                "org": session.names[slot],
                "student": getattr(session.seat_of(slot), "name", None),
                "answered": slot in session.answers,
            }
            for slot in session.asked
        ],
        "answers": [_decision_row(session, d) for d in session.answers.values()],
        "last": None if last is None else _last(session, last),
        "series": {name: session.series[name] for name in SERIES},
        "network": network(session),
        "debrief": debrief.debrief(session) if session.phase == "ended" else None,
    }


def student_view(session: ClassSession, student: Student) -> dict[str, Any]:
    """What one student's screen shows: their card, and a decision to make or its outcome."""
    st, slot = session.state, student.slot
    asked = session.phase == "deciding" and slot in session.asked
    capacity = float(st.capacity[ROW, slot])
    effort_now = float(st.contribution[ROW, slot]) / capacity if capacity > 0 else 0.0
    decided = float(st.decide_effort[ROW, slot])
    trust = trust_of(st, slot)
    mine = [d for m in session.history for d in m.decisions if d.slot == slot]
    return {
        "version": session.version,
        "name": student.name,
        "card": session.cards[slot],
        "phase": session.phase,
        "month": int(st.month),
        "months": session.months,
        "active": bool(st.active[ROW, slot]),
        "must_decide": asked and slot not in session.answers,
        "answered": asked and slot in session.answers,
        "deadline_in": session.deadline_in() if asked else None,
        "partners": [
            {"slot": j, "name": session.names[j], "trust": trust.get(j)} for j in partners(st, slot)
        ],
        "effort": round(decided if decided >= 0 else min(max(effort_now, 0.0), 1.0), 2),
        "trust_in_me": trust_in_one(st, slot),
        "history": [{"month": d.month, "response": d.response, "by": d.by} for d in mine[-6:]],
        "regime": _regime_words(session) if session.phase == "ended" else None,
    }


def _regime_words(session: ClassSession) -> str:
    return debrief.regime(session.series, session.scenario)["sentence"]

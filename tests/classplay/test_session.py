"""The class without the web: seats, months, decisions, time limits and the debrief."""

from __future__ import annotations

import numpy as np
import pytest

from cisim.classplay import views
from cisim.classplay.session import ClassSession, Refused, clean_name, default_scenario

SEED = 5  # a collaboration that meets several setbacks in its first year


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _class(students: int = 6, months: int = 12, **kwargs) -> tuple[ClassSession, Clock, list]:
    clock = Clock()
    session = ClassSession(
        scenario=default_scenario(20), seed=SEED, months=months, time_limit=10, pace=1,
        clock=clock, **kwargs,
    )  # fmt: skip
    joined = [session.join(session.code, f"student {k}") for k in range(students)]
    return session, clock, joined


def _until_deciding(session: ClassSession, clock: Clock) -> None:
    for _ in range(200):
        session.tick()
        if session.phase in ("deciding", "ended"):
            return
        clock.now += 1
    raise AssertionError("no setback for a student")


def test_join__needs_the_code_and_gives_distinct_organisations():
    session, _, joined = _class(students=20)
    assert len({s.slot for s in joined}) == 20
    assert len({s.token for s in joined}) == 20
    with pytest.raises(Refused) as refused:
        session.join("WRONG", "eve")
    assert refused.value.status == 403
    with pytest.raises(Refused) as full:
        session.join(session.code.lower(), "one too many")  # the code is not case-sensitive
    assert full.value.status == 409


def test_join__seats_go_round_the_sectors_first():
    session, _, joined = _class(students=5)
    sectors = {int(session.state.sector[0, s.slot]) for s in joined}
    assert len(sectors) == 5


def test_clean_name__keeps_printable_text_only():
    assert clean_name("  Ann\x00\n  <b>Lee</b> ") == "Ann <b>Lee</b>"
    assert len(clean_name("x" * 100)) == 24


def test_decide__only_for_one_s_own_organisation_and_only_when_asked():
    session, clock, joined = _class()
    session.start()
    _until_deciding(session, clock)
    asked = next(s for s in joined if s.slot in session.asked)
    other = next(s for s in joined if s.slot != asked.slot)
    with pytest.raises(Refused) as refused:
        session.decide(other.token, asked.slot, "learn", None, None)
    assert refused.value.status == 403
    with pytest.raises(Refused):
        session.decide("not a token", asked.slot, "learn", None, None)
    with pytest.raises(Refused) as bad:
        session.decide(asked.token, asked.slot, "shrug", None, None)
    assert bad.value.status == 400
    session.decide(asked.token, asked.slot, "learn", None, 0.5)
    with pytest.raises(Refused) as twice:
        session.decide(asked.token, asked.slot, "blame", None, None)
    assert twice.value.status == 409


def test_month__students_decisions_are_what_their_organisations_do():
    session, clock, joined = _class()
    session.start()
    _until_deciding(session, clock)
    month = session.state.month + 1
    by_slot = {s.slot: s for s in joined}
    asked = sorted(session.asked)
    choices = {}
    for k, slot in enumerate(asked):
        response = "learn" if k % 2 else "blame"
        choices[slot] = response
        session.decide(by_slot[slot].token, slot, response, None, 0.9)
    session.tick()  # everyone answered: the month runs at once
    assert session.state.month == month
    record = session.history[-1]
    done = {d.slot: d for d in record.decisions}
    for slot, response in choices.items():
        assert done[slot].response == response and done[slot].by == "student"
        # the response held for that setback only; the effort holds from now on
        assert session.state.decide_response[0, slot] == 0
        assert session.state.decide_effort[0, slot] == 0.9


def test_month__a_student_who_does_not_answer_is_decided_for_by_the_model():
    session, clock, _joined = _class()
    session.start()
    _until_deciding(session, clock)
    silent = sorted(session.asked)
    clock.now += 5
    session.tick()
    assert session.phase == "deciding"  # the time limit (10 s) has not passed
    clock.now += 6
    session.tick()
    assert session.phase in ("running", "ended")
    record = session.history[-1]
    by = {d.slot: d.by for d in record.decisions}
    assert all(by[slot] == "timeout" for slot in silent)
    assert (session.state.decide_response == 0).all()


def test_month__the_class_s_world_differs_from_the_model_s_when_students_always_blame():
    session, clock, joined = _class(students=20, months=12)
    session.start()
    for _ in range(400):
        session.tick()
        if session.phase == "deciding":
            for s in joined:
                if s.slot in session.asked and s.slot not in session.answers:
                    session.decide(s.token, s.slot, "blame", None, 0.2)
            session.tick()
        if session.phase == "ended":
            break
        clock.now += 1
    assert session.phase == "ended" and session.state.month == 12
    summary = views.teacher_view(session)
    d = summary["debrief"]
    assert d["students"]["blame"] > 0 and d["students"]["learn"] == 0
    assert d["worlds"]["class"]["mean_trust"] < d["worlds"]["model"]["mean_trust"]
    assert d["worlds"]["class"]["blame_climate"] > d["worlds"]["model"]["blame_climate"]
    assert d["moments"] and d["moments"][0]["students"]
    assert d["trust_effect"]["blame_student"] is not None
    rule = d["rule"]
    assert 0 < rule["met_by_blame"] <= rule["setbacks"]
    regime = "blame_game" if rule["met_by_blame"] >= 0.5 * rule["setbacks"] else None
    if regime:
        assert d["regime"]["code"] == regime


def test_views__teacher_and_student_see_what_they_need():
    session, _clock, joined = _class()
    view = views.teacher_view(session)
    assert view["code"] == session.code and view["phase"] == "lobby"
    assert len(view["network"]["nodes"]) == 20
    assert sum(n["student"] is not None for n in view["network"]["nodes"]) == 6
    me = views.student_view(session, session.student(joined[0].token))
    assert me["card"]["slot"] == joined[0].slot and me["must_decide"] is False
    assert me["partners"] and 0 <= me["effort"] <= 1
    assert np.isfinite(me["trust_in_me"])


def test_step_now__while_students_decide_runs_the_month_for_those_who_have_not():
    session, clock, joined = _class()
    session.start()
    _until_deciding(session, clock)
    month = session.state.month + 1
    first = next(s for s in joined if s.slot in session.asked)
    session.decide(first.token, first.slot, "learn", None, None)
    session.step_now()  # the teacher does not wait for the time limit
    assert session.state.month == month
    by = {d.slot: d.by for d in session.history[-1].decisions}
    assert by[first.slot] == "student"
    assert {b for slot, b in by.items() if slot != first.slot} <= {"timeout", "model"}

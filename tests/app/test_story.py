"""The story: events derived from the state, the phase and the regime so far."""

from __future__ import annotations

import numpy as np

from cisim.app.events import Snapshot, derive_events, join_words
from cisim.app.phase import MIN_SETBACKS, PHASE_WORDS, REGIME_WORDS, phase, verdict
from cisim.model.scenario import Scenario
from cisim.model.state import ACTIVE, CANDIDATE, EXITED

NAMES = {0: "City Hall", 1: "the food bank", 2: "the business council", 3: "the newcomer org"}


def test_join_words__lists_then_counts():
    assert join_words(["a"]) == "a"
    assert join_words(["a", "b"]) == "a and b"
    assert join_words(["a", "b", "c"]) == "a, b and c"
    assert join_words(list("abcdef")) == "a, b, c and 3 more"


def _month(st):
    st.month += 1
    return Snapshot.of(st)


def test_events__setback_says_who_blamed_whom(make_state, tie):
    st, _ = make_state(n=3)
    before = _month(st)
    st.setback_now[0] = True
    st.blamed_now[0, 0] = True  # City Hall blamed the food bank: the tie and its reverse marked
    st.last_blame[0, tie(st, 0, 1)] = st.last_blame[0, tie(st, 1, 0)] = st.month
    st.learning_now[0] = 2
    (event,) = derive_events(before, st, NAMES)
    assert event.kind == "setback"
    assert str(event) == (
        "Month 1: the joint task fell short of what members hoped for (a setback): City Hall "
        "blamed the food bank; 2 members learned from it."
    )


def test_events__mutual_blame_names_both(make_state, tie):
    st, _ = make_state(n=3)
    before = _month(st)
    st.setback_now[0] = True
    st.blamed_now[0, :2] = True
    st.last_blame[0, tie(st, 0, 1)] = st.last_blame[0, tie(st, 1, 0)] = st.month
    (event,) = derive_events(before, st, NAMES)
    assert "City Hall blamed the food bank and the food bank blamed City Hall" in event.text


def test_events__turnover_names_the_partner_whose_trust_starts_again(make_state, tie):
    st, _ = make_state(n=3, initial_trust=0.6)
    before = _month(st)
    st.left_now[0, 2] = True
    st.trust[0, tie(st, 2, 0)] = 0.35
    st.trust[0, tie(st, 2, 1)] = 0.55
    (event,) = derive_events(before, st, NAMES)
    assert event.text == (
        "the business council's representative left; the newcomer's trust in City Hall starts "
        "again at 0.35 (it was 0.60)."
    )


def test_events__entry_win_membership_and_dissolution(make_state):
    st, _ = make_state(n=4, candidate_share=0.25)
    st.status[0, 3] = CANDIDATE
    before = _month(st)
    st.entry_found[0] = True
    st.won_now[0] = True
    st.first_win_month[0] = st.month
    st.status[0, 3] = ACTIVE
    st.status[0, 1] = EXITED
    st.alive[0] = False
    kinds = [e.kind for e in derive_events(before, st, NAMES)]
    assert kinds == ["entry", "win", "join", "exit", "dissolved"]


def test_phase__searching_working_stuck_come_apart(make_state):
    st, _ = make_state(n=3)
    assert phase(st) == "searching for an entry point"
    st.entry_found[0] = True
    assert phase(st) == "working on a joint task"
    st.setbacks_in_row[0] = 2
    assert phase(st) == "stuck"
    st.alive[0] = False
    assert phase(st) == "come apart"


def test_phase__no_phase_word_is_a_regime_word():
    regime = {word.removeprefix("a ") for word in REGIME_WORDS.values()} | set(REGIME_WORDS)
    for said in PHASE_WORDS.values():
        assert not any(word in said for word in regime), said


def _series(months, *, blame=0.0, learning=0.0, setbacks=0, progress=0.0, entry=True):
    zeros = np.zeros(months + 1)
    learn, blamed = zeros.copy(), zeros.copy()
    learn[1 : setbacks + 1], blamed[1 : setbacks + 1] = learning, blame
    return {
        "learning_responses": learn,
        "blame_responses": blamed,
        "progress": np.full(months + 1, progress),
        "entry_found": np.full(months + 1, float(entry)),
        "running": np.ones(months + 1),
        "active_members": np.full(months + 1, 20.0),
    }


def test_verdict__only_once_it_is_clear():
    sc = Scenario()
    assert verdict(_series(10, entry=False), sc, over=False).regime is None
    few = _series(10, blame=9, learning=1, setbacks=MIN_SETBACKS - 1)
    assert verdict(few, sc, over=False).words == "not clear yet"
    blame = _series(10, blame=9, learning=1, setbacks=MIN_SETBACKS)
    assert verdict(blame, sc, over=False).words == "looks like a blame game"
    learning = _series(10, blame=1, learning=9, setbacks=1, progress=0.3)
    assert verdict(learning, sc, over=False).regime == "learning_journey"
    final = verdict(learning, sc, over=True)
    assert final.final and final.words == "ended: a learning journey"


def test_events__the_timeline_is_told_in_its_month():
    from cisim.engine.mesa_model import CollaborationModel

    sc = Scenario.preset("baseline").at(3, navigator=1).at(3, shock="public_failure", size=0.4)
    sc = sc.at(5, resources=0.0, label="the grant ends")
    model = CollaborationModel(scenario=sc, rng=2)
    told = []
    for _ in range(6):
        before = Snapshot.of(model.state)
        model.step()
        told += [
            str(e)
            for e in derive_events(before, model.state, dict.fromkeys(range(40), "x"))
            if e.kind == "timeline"
        ]
    assert told == [
        "Month 3: a navigator joined.",
        "Month 3: public failure (size 0.4).",
        "Month 5: the grant ends.",
    ]

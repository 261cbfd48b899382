"""The asymmetric trust rule (``asymmetric_update``, compiled): built slowly, destroyed quickly."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cisim.model.mechanisms.trust import asymmetric_update

BUILD, EROSION = 0.05, 0.15  # the scenario defaults (erosion 3x build)
SETTINGS = settings(max_examples=200, deadline=None, derandomize=True, database=None)

unit = st.floats(0.0, 1.0)
rate = st.floats(0.0, 1.0)


def _apply(trust: float, experiences, build=BUILD, erosion=EROSION) -> float:
    """Trust after experiences that arrive one at a time (one a month)."""
    t = float(trust)
    for e in experiences:
        t = asymmetric_update(t, float(e), build, erosion)
    return t


def _equilibrium(build: float, erosion: float) -> float:
    """Trust that a good and a bad experience in turn (bad first) leave where it was."""
    return build / (build + erosion - build * erosion)


def test_trust_rule__defaults_are_the_scenarios():
    from cisim.model.scenario import Scenario

    default = Scenario()
    assert (default.trust_build_rate, default.trust_erosion_rate) == (BUILD, EROSION)


@SETTINGS
@given(unit, st.floats(-100, 100), rate, rate)
def test_trust_rule__stays_in_unit_interval(trust, experience, build, erosion):
    out = asymmetric_update(trust, experience, build, erosion)
    assert 0.0 <= out <= 1.0


@SETTINGS
@given(unit, rate, rate)
def test_trust_rule__no_experience_no_change(trust, build, erosion):
    assert asymmetric_update(trust, 0.0, build, erosion) == trust


@SETTINGS
@given(st.floats(0.0, 0.999), st.floats(0.01, 10), st.floats(0.01, 1.0))
def test_trust_rule__good_experience_builds(trust, experience, build):
    out = asymmetric_update(trust, experience, build, EROSION)
    assert trust < out <= 1.0


@SETTINGS
@given(st.floats(0.001, 1.0), st.floats(-10, -0.01), st.floats(0.01, 1.0))
def test_trust_rule__bad_experience_destroys(trust, experience, erosion):
    out = asymmetric_update(trust, experience, BUILD, erosion)
    assert 0.0 <= out < trust


@SETTINGS
@given(st.floats(0.5, 0.999), st.floats(0.01, 0.3), st.floats(1.5, 5.0))
def test_trust_rule__destroyed_faster_than_built(trust, build, ratio):
    erosion = min(1.0, ratio * build)
    gain = asymmetric_update(trust, 1.0, build, erosion) - trust
    loss = trust - asymmetric_update(trust, -1.0, build, erosion)
    assert loss > gain > 0


def test_trust_rule__default_rates_are_three_to_one():
    gain = _apply(0.5, [1.0]) - 0.5
    loss = 0.5 - _apply(0.5, [-1.0])
    assert loss == pytest.approx(3 * gain)


@SETTINGS
@given(
    st.floats(0.5, 1.0),
    st.lists(st.booleans(), min_size=2, max_size=8).filter(lambda s: sum(s) * 2 == len(s)),
)
def test_trust_rule__as_many_good_as_bad_in_any_order_lower_trust(trust, good_first):
    # Slovic's asymmetry at the defaults, from a middling or high start: any order of n good
    # and n bad experiences (n <= 4) ends lower than it started.
    experiences = [1.0 if g else -1.0 for g in good_first]
    assert _apply(trust, experiences) < trust


@SETTINGS
@given(st.floats(0.0, 1.0), st.floats(0.01, 0.3), st.floats(1.5, 5.0), st.integers(1, 30))
def test_trust_rule__alternating_experiences_pull_trust_to_equilibrium(trust, build, ratio, n):
    erosion = min(1.0, ratio * build)
    star = _equilibrium(build, erosion)
    for pair in ([1.0, -1.0], [-1.0, 1.0]):
        out = _apply(trust, pair * n, build, erosion)
        if trust > star + 1e-9:
            assert out < trust
        # below the equilibrium, equal good and bad experiences raise trust (see below)
    assert _apply(star, [-1.0, 1.0] * n, build, erosion) == pytest.approx(star)


@pytest.mark.xfail(
    strict=True,
    reason=(
        "behavioural doubt reported: with erosion proportional to trust and building to "
        "(1 - trust), equal good and bad experiences raise trust below about "
        "build / (build + erosion) (0.26 at the defaults), and a long run of bad ones "
        "followed by as many good ones raises it even from 0.5"
    ),
)
@pytest.mark.parametrize(
    ("start", "experiences"),
    [(0.1, [-1.0, 1.0]), (0.1, [1.0, -1.0]), (0.5, [-1.0] * 14 + [1.0] * 14)],
    ids=["low-bad-first", "low-good-first", "long-runs"],
)
def test_trust_rule__as_many_good_as_bad_lower_trust_from_any_start(start, experiences):
    assert _apply(start, experiences) < start

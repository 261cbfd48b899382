"""Properties of the platform step: whatever the cities report and the levers, what it
broadcasts stays in range and only reached, running cities change."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cisim.field.coupling import Cities, PlatformState, Summary, platform_step
from cisim.field.platform import Platform

M = 25

unit = st.floats(0.0, 1.0)
platforms = st.builds(
    Platform,
    budget=st.floats(0.01, 5.0),
    fidelity=unit,
    drift=unit,
    initial_trust=unit,
    not_invented_here=unit,
    programme=st.sampled_from(["learned", "given"]),
    programme_strength=unit,
    programme_context=unit,
    context_tolerance=st.floats(0.01, 1.0),
    evidence_delay=st.integers(0, 3),
    funding_reliability=unit,
    target=st.sampled_from(["random", "weakest", "strongest"]),
    programme_entry=st.sampled_from(["opening", "none"]),
    peer_links=st.integers(0, 5),
)


def _summary(rng: np.random.Generator) -> Summary:
    u = lambda: rng.random(M)  # noqa: E731
    return Summary(
        wins=rng.integers(0, 5, M).cumsum(),
        reviews=np.full(M, 1.0),
        alive=rng.random(M) < 0.9,
        entry_found=rng.random(M) < 0.7,
        entry_month=np.zeros(M, np.int64),
        entry_fit=u(),
        entry_acceptance=u(),
        entry_imposed=rng.random(M) < 0.5,
        knowledge=u(),
        operational_capacity=u(),
        task_scope=0.1 + u(),
        progress=u(),
        data_use=u(),
        joint_problem_solving=u(),
        navigator=rng.integers(0, 2, M),
        navigator_capacity=rng.integers(1, 200, M),
    )


@settings(max_examples=60, deadline=None)
@given(platform=platforms, seed=st.integers(0, 2**32 - 1))
def test_platform_step__stays_in_range_and_touches_only_running_cities(
    platform: Platform, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    links = max(0, min(platform.peer_links, M - 1))
    peers = (np.arange(M)[:, None] + rng.integers(1, M, (M, links))) % M
    cities = Cities(rng.random(M), rng.random(M), peers.astype(np.int64))
    ps = PlatformState.start(platform, M)
    for step in range(1, 5):
        sm = _summary(rng)
        out = platform_step(ps, sm, cities, platform, seed, step, 3 * step)
        assert not (out.changed & ~sm.alive).any()
        for name in ("data_use", "joint_problem_solving"):
            assert ((out.params[name] >= 0) & (out.params[name] <= 1)).all()
            unchanged = ~out.changed
            np.testing.assert_array_equal(out.params[name][unchanged], getattr(sm, name)[unchanged])
        assert (out.params["navigator_capacity"] <= 200).all()
        assert ((out.state["knowledge"] >= 0) & (out.state["knowledge"] <= 1)).all()
        assert (out.state["task_scope"] > 0).all()
        assert ((ps.trust >= 0) & (ps.trust <= 1)).all()
        assert 0.0 <= ps.knowledge <= 1.0 and 0.0 <= ps.context <= 1.0
        assert (out.state["entry_found"] >= sm.entry_found).all()  # never taken away

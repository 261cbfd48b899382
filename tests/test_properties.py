"""Properties of every run, over a strategy of valid scenarios (Hypothesis, derandomised).

Trust stays in [0, 1], organisations are conserved, every metric stays in its registered range,
summaries hold no NaN outside their nullable columns, and the same seed gives the same run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import cisim
from cisim import engine
from cisim.model.metrics import REGISTRY
from cisim.model.parameters import SECTOR_TRAITS, SECTORS, SPECS
from cisim.model.population import RunSpec, build_state
from cisim.model.regimes import REGIMES
from cisim.model.state import ABSENT, ACTIVE, CANDIDATE, EXITED

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, database=None)
NULLABLE = frozenset(
    {
        "months_to_entry_point",
        "months_to_first_win",
        "dissolved_month",
        "blame_share",
        "closing_blame_share",
    }
)
GENERATED = ("small_world", "random", "clustered", "complete")
#: Fields drawn separately (small populations, short horizons) or not at all.
SPECIAL = frozenset({"n_organisations", "horizon_months", "network", "sector_mix", "sectors"})


def _value(spec):
    if spec.kind == "choice":
        return st.sampled_from(spec.choices)
    if spec.kind == "int":
        return st.integers(int(spec.lo), int(spec.hi))
    return st.floats(spec.lo, spec.hi, allow_nan=False, allow_infinity=False)


@st.composite
def scenarios(draw) -> cisim.Scenario:
    """Valid scenarios: every parameter within its range, small and short."""
    kw = {name: draw(_value(spec)) for name, spec in SPECS.items() if name not in SPECIAL}
    kw["n_organisations"] = draw(st.integers(2, 30))
    kw["horizon_months"] = draw(st.integers(1, 36))
    kw["network"] = draw(st.sampled_from(GENERATED))
    shares = draw(st.lists(st.floats(0.0, 1.0), min_size=5, max_size=5))
    if sum(shares) > 0:
        kw["sector_mix"] = dict(zip(SECTORS, shares, strict=True))
    overrides = draw(
        st.dictionaries(
            st.sampled_from(SECTORS),
            st.dictionaries(st.sampled_from(SECTOR_TRAITS), st.floats(0.0, 1.0), max_size=2),
            max_size=2,
        )
    )
    return cisim.Scenario(**kw, sectors=overrides)


def _upper(name: str, slots: int, months: int) -> float:
    """A metric's upper bound: its registered one, or what its count can reach."""
    metric = REGISTRY[name]
    if metric.hi is not None:
        return metric.hi
    if metric.unit == "organisations":
        return slots
    if metric.unit == "ties":  # directed ties between members
        return slots * (slots - 1)
    return months  # cumulative reviews (wins): at most one a month


@SETTINGS
@given(scenarios(), st.integers(0, 2**31))
def test_properties__every_month_keeps_the_invariants(sc, seed):
    st_, p = build_state([RunSpec(sc, seed, k) for k in range(2)])
    absent = st_.status == ABSENT
    total = np.isin(st_.status, [CANDIDATE, ACTIVE]).sum(axis=1)
    assert (st_.status[~absent] != EXITED).all()
    progress, wins = st_.progress.copy(), st_.wins.copy()
    for _ in range(sc.horizon_months):
        engine.step(st_, p)
        assert ((st_.trust >= 0) & (st_.trust <= 1)).all()
        assert ((st_.institutional_trust >= 0) & (st_.institutional_trust <= 1)).all()
        assert np.array_equal(st_.status == ABSENT, absent)
        kept = np.isin(st_.status, [CANDIDATE, ACTIVE, EXITED]).sum(axis=1)
        assert np.array_equal(kept, total)
        assert (st_.progress >= progress).all() and (st_.wins >= wins).all()
        progress, wins = st_.progress.copy(), st_.wins.copy()
        for name in ("understanding", "frustration", "onboarding", "contribution"):
            value = getattr(st_, name)
            assert ((value >= 0) & (value <= 1)).all(), name


@SETTINGS
@given(scenarios(), st.integers(0, 2**31))
def test_properties__results_are_bounded_and_reproducible(sc, seed):
    results = cisim.simulate(sc, replicates=2, seed=seed)
    summary, traj = results.summary, results.trajectories
    assert len(summary) == 2 and len(traj) == 2 * (sc.horizon_months + 1)
    assert summary["regime"].isin(REGIMES).all()
    for column in summary.columns:
        if column in NULLABLE or not pd.api.types.is_numeric_dtype(summary[column]):
            continue
        values = summary[column].to_numpy(dtype=float)
        assert np.isfinite(values).all(), column
    for name in ("blame_share", "closing_blame_share"):
        assert summary[name].dropna().between(0, 1).all(), name
    # the closing period is part of the run: no closing responses without responses at all
    assert not (summary["closing_blame_share"].notna() & summary["blame_share"].isna()).any()
    slots = sc.n_organisations + round(sc.candidate_share * sc.n_organisations)
    for name, metric in REGISTRY.items():
        values = results.arrays[name]
        assert np.isfinite(values).all(), name
        hi = _upper(name, slots, sc.horizon_months)
        assert (values >= metric.lo).all() and (values <= hi).all(), name
    again = cisim.simulate(sc, replicates=2, seed=seed)
    pd.testing.assert_frame_equal(again.summary, summary, check_exact=True)
    pd.testing.assert_frame_equal(again.trajectories, traj, check_exact=True)

"""The digest battery: whole runs pinned bit for bit, so a restructure provably changes nothing.

Each case is a batch of runs (every preset, rosters, every network kind, heavy brokering,
dissolutions, a navigator, designed and absent entry points, a batch mixing scenarios row by
row) stepped month by month to its horizon. Its digest is a SHA-256 over, for every month, every
metric of the registry and every array of the state (by name, in a canonical dtype). The pinned
digests are in ``battery.json`` beside this file; a change to the model's results changes them.

To re-pin after a *deliberate* model change (say why in the commit)::

    python tests/test_battery.py --pin
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cisim import engine
from cisim.model.metrics import REGISTRY
from cisim.model.population import RunSpec, build_state
from cisim.model.roster import Organisation, Relationship, Roster
from cisim.model.scenario import Scenario
from cisim.model.state import State

PINNED = Path(__file__).with_suffix(".json")
SEED = 2026
REPLICATES = 12
ROOT = Path(__file__).resolve().parents[1]


def _roster(candidates: float, relationships: bool) -> Scenario:
    sectors = ("public", "private", "nonprofit", "community", "philanthropy")
    orgs = tuple(Organisation(f"org{i}", sectors[i % 5]) for i in range(12))
    rels = (
        tuple(Relationship(f"org{i}", f"org{(i + j) % 12}", 0.6) for i in range(12) for j in (1, 3))
        if relationships
        else ()
    )
    return Scenario(roster=Roster(orgs, rels), candidate_share=candidates, horizon_months=60)


def cases() -> dict[str, list[RunSpec]]:
    """Every case of the battery: a name and its batch of runs."""
    base = Scenario.preset("baseline")
    scenarios: dict[str, Scenario] = {
        **{
            name: Scenario.preset(name)
            for name in ("baseline", "hartford", "louisville", "south_yorkshire", "strong_start")
        },
        "riverton_roster": Scenario.load(ROOT / "notebooks/data/riverton.toml"),
        "roster_with_outsiders": _roster(1.0, True),
        "roster_without_relationships": _roster(0.0, False),
        "random": base.replace(network="random", n_organisations=18),
        "clustered": base.replace(network="clustered", n_organisations=25, homophily=0.8),
        "complete": base.replace(network="complete", n_organisations=10),
        "small_world_rewired": base.replace(rewiring=0.5, mean_degree=4.0, n_organisations=30),
        "heavy_brokering": base.replace(navigator=3, dormant_ties=6.0, navigator_capacity=8),
        "navigator": base.replace(navigator=1, turnover=0.06),
        "designed": base.replace(entry_point="designed"),
        "no_entry_point": base.replace(entry_point="none", n_organisations=12),
        "dissolving": base.replace(exit_base_rate=0.05),  # most come apart, not all
        "money_and_contest": base.replace(
            entry_point="designed", resources=0.9, authority_contest=0.8
        ),
        "self_assigned": base.replace(authority_source="self_assigned", adaptability=1.0),
        "lead_organisation": base.replace(governance_mode="lead_organisation", data_use=0.9),
        "administrative": base.replace(
            governance_mode="administrative_organisation", joint_problem_solving=0.9
        ),
        "two_organisations": base.replace(n_organisations=2, turnover=1.0, horizon_months=48),
        "sector_overrides": base.replace(
            sectors={"public": {"authority": 0.9, "turnover": 0.08}, "community": {"capacity": 0.2}}
        ),
    }
    out = {
        name: [RunSpec(sc, SEED, k) for k in range(REPLICATES)] for name, sc in scenarios.items()
    }
    # one batch holding many points of a design, row by row (parameters broadcast)
    mixed = [scenarios[n] for n in ("baseline", "navigator", "designed", "hartford", "random")]
    out["mixed_batch"] = [RunSpec(mixed[k % len(mixed)], SEED, k) for k in range(15)]
    return out


def _state_arrays(st: State) -> list[tuple[str, np.ndarray]]:
    names = sorted(f.name for f in fields(st) if f.name not in ("extra", "month", "schedule"))
    return [(name, np.ascontiguousarray(getattr(st, name))) for name in names]


def digest(specs: list[RunSpec]) -> dict[str, Any]:
    """The case's digests: states and metrics over every month, and the months run."""
    st, p = build_state(specs)
    months = max(s.scenario.horizon_months for s in specs)
    months = min(months, 120)
    states, metrics = hashlib.sha256(), hashlib.sha256()

    def record(values: dict[str, np.ndarray]) -> None:
        for name in REGISTRY:
            metrics.update(name.encode() + np.ascontiguousarray(values[name], np.float64).tobytes())
        for name, arr in _state_arrays(st):
            states.update(name.encode() + str(arr.dtype).encode() + arr.tobytes())

    record(engine.measure(st))
    for _ in range(months):
        out = engine.run(st, p, 1)
        record({name: out[name][1] for name in REGISTRY})
    return {"months": months, "states": states.hexdigest(), "metrics": metrics.hexdigest()}


CASES = cases()


def _pinned() -> dict[str, Any]:
    return json.loads(PINNED.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_battery__whole_runs_are_bit_identical_to_the_pinned_digests(name: str) -> None:
    pinned = _pinned()[name]
    got = digest(CASES[name])
    assert got["months"] == pinned["months"]
    assert got["metrics"] == pinned["metrics"], f"{name}: a metric differs in some month"
    assert got["states"] == pinned["states"], f"{name}: the state differs in some month"


def test_battery__covers_every_preset_and_network_kind() -> None:
    from cisim.model.parameters import SPECS
    from cisim.model.scenario import PRESET_NAMES

    names = {s.scenario.name for specs in CASES.values() for s in specs}
    assert set(PRESET_NAMES) <= names
    kinds = {s.scenario.network for specs in CASES.values() for s in specs}
    assert kinds == set(SPECS["network"].choices)
    assert set(_pinned()) == set(CASES)


def test_battery__the_dissolving_case_dissolves_some_runs() -> None:
    # the case covers collaborations coming apart mid-run (and others that do not)
    specs = CASES["dissolving"]
    st, p = build_state(specs)
    engine.run(st, p, specs[0].scenario.horizon_months)
    assert 0 < (~st.alive).sum() < len(specs)
    assert ((st.dissolved_month > 0) == ~st.alive).all()


if __name__ == "__main__":
    if sys.argv[1:] != ["--pin"]:
        sys.exit("usage: python tests/test_battery.py --pin")
    pins = {name: digest(specs) for name, specs in sorted(CASES.items())}
    PINNED.write_text(json.dumps(pins, indent=1) + "\n", encoding="utf-8")
    print(f"pinned {len(pins)} cases in {PINNED}")

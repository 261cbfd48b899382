"""The parts of the EMA adapter that need no EMA Workbench (these run whether or not it is
installed): the install hint, lazy import, replication seeds and the run function."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from cisim import REGIMES, Scenario, simulate
from cisim.errors import CisimError, ConfigError
from cisim.interop import ema
from cisim.model.outcomes import NUMBERS


@pytest.mark.parametrize(
    "call", [lambda: ema.ema_model(), lambda: ema.ema_parameter("turnover")], ids=["model", "param"]
)
def test_ema__missing_workbench_names_the_extra(monkeypatch, call) -> None:
    monkeypatch.setitem(sys.modules, "ema_workbench", None)  # makes the import fail
    with pytest.raises(CisimError, match=r'pip install "cisim-collab\[ema\]"'):
        call()


def test_ema__importing_the_adapter_does_not_import_the_workbench() -> None:
    code = "import sys, cisim.interop; print('ema_workbench' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False"]


def test_replication_seeds__fixed_function_of_seed_and_k() -> None:
    seeds = ema.replication_seeds(7, 4)
    assert seeds == ema.replication_seeds(7, 4)
    assert ema.replication_seeds(7, 2) == seeds[:2]  # replication k does not depend on the count
    assert len(set(seeds)) == 4 and all(type(s) is int and 0 <= s < 2**63 for s in seeds)
    assert set(seeds).isdisjoint(ema.replication_seeds(8, 4))


@pytest.mark.parametrize(("seed", "n"), [(-1, 3), (2**63, 3), (0, 0), (True, 3), (0, 1.5)])
def test_replication_seeds__rejects_bad_counts(seed, n) -> None:
    with pytest.raises(CisimError):
        ema.replication_seeds(seed, n)


def test_run__equals_simulate_for_the_same_seed() -> None:
    base = Scenario.preset("baseline").replace(horizon_months=36)
    params = {"navigator": 1, "initial_trust": 0.6, "entry_point": "designed"}
    out = ema.run(base=base, rng=11, **params)
    row = simulate(base.replace(**params), replicates=1, seed=11).summary.iloc[0]
    assert list(out) == list(ema.OUTCOMES)
    assert all(type(v) is float for v in out.values())
    assert out[str(row["regime"])] == 1.0 and sum(out[r] for r in REGIMES) == 1.0
    for name in ("progress", "final_trust", "final_members", "wins", "peak_conflict"):
        assert out[name] == float(row[name])
    for name in (n for n, o in NUMBERS.items() if o.censoring):
        expected = 37.0 if pd.isna(row[name]) else float(row[name])
        assert out[name] == expected


def test_run__numpy_scalars_and_presets_as_ema_passes_them() -> None:
    plain = ema.run(base="baseline", rng=3, navigator=1, turnover=0.04, horizon_months=12)
    numpy = ema.run(
        base="baseline",
        rng=np.int64(3),
        navigator=np.int64(1),
        turnover=np.float64(0.04),
        horizon_months=np.int32(12),
    )
    assert numpy == plain


def test_run__censored_times_count_as_horizon_plus_one() -> None:
    out = ema.run(rng=0, entry_point="none", horizon_months=6)
    assert out["months_to_entry_point"] == out["months_to_first_win"] == 7.0
    assert out["stalled"] + out["dissolved"] == 1.0


def test_run__bad_parameter_names_the_field() -> None:
    with pytest.raises(ConfigError, match="turnuver"):
        ema.run(turnuver=0.1)
    with pytest.raises(ConfigError, match="turnover"):
        ema.run(turnover=1.5)

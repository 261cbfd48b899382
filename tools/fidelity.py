"""The model's fidelity to its sources, measured: the eight findings of the model review (issue 9).

Each item is measured the way the review measured it (``shared/references/model-review.md``):
paired comparisons with common random numbers (the same seed and replicate numbers in both
arms), 95 % normal intervals of the paired differences, hundreds of replicates per arm. Run it
before and after a change to the model and compare::

    .venv/bin/python tools/fidelity.py                 # every item, about 5 minutes on 2 cores
    .venv/bin/python tools/fidelity.py --items 1 4     # some items
    .venv/bin/python tools/fidelity.py --json out.json # also the numbers as JSON

Items: 1 designed entry point and the timing of entry; 2 authority and agency; 3 navigator and
turnover; 4 the trust rule at every level; 5 what decides the regime (structure against chance);
6 the presets and their levers; 7 the regime rule's robustness; 8 the levers' effects at the
baseline (to read beside the sensitivity indices); 9 the presets' counterfactuals the README
quotes.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import cisim
from cisim.model.mechanisms.trust import asymmetric_update
from cisim.model.parameters import SPECS
from cisim.stats import paired_difference, wilson
from cisim.study.nested import decompose, nested, outcome_grid

SEED = 2026
LJ = "learning_journey"


def _lj(results: cisim.Results) -> np.ndarray:
    return (results.summary["regime"].astype(str) == LJ).to_numpy(float)


def effect(a: cisim.Scenario, b: cisim.Scenario, n: int, outcome: str = LJ) -> dict[str, float]:
    """The paired effect of going from ``a`` to ``b`` on ``outcome`` (points for a share)."""
    est = cisim.compare(a, b, replicates=n, seed=SEED, outcomes=(outcome,)).effect(outcome)
    scale = 100.0 if outcome in cisim.REGIMES else 1.0
    return {"value": est.value * scale, "low": est.low * scale, "high": est.high * scale}


def shares(sc: cisim.Scenario, n: int) -> dict[str, Any]:
    """Regime shares with Wilson intervals."""
    res = cisim.simulate(sc, replicates=n, seed=SEED)
    regimes = res.summary["regime"].astype(str)
    out: dict[str, Any] = {}
    for r in cisim.REGIMES:
        est = wilson(int((regimes == r).sum()), n)
        out[r] = {"value": est.value * 100, "low": est.low * 100, "high": est.high * 100}
    return out


def base(**changes: Any) -> cisim.Scenario:
    sc = cisim.Scenario.preset("baseline")
    return sc.replace(**changes) if changes else sc


# ---- the items -----------------------------------------------------------------------------
def item1() -> dict[str, Any]:
    """Designed entry point against search; the timing of entry; the speed of the search."""
    out: dict[str, Any] = {
        "designed_minus_search_lj": effect(base(), base(entry_point="designed"), 600),
        "designed_minus_search_first_win": effect(
            base(), base(entry_point="designed"), 600, "months_to_first_win"
        ),
    }
    res = cisim.simulate(base(), replicates=800, seed=SEED)
    entry = res.summary["months_to_entry_point"].astype("Float64").to_numpy(na_value=np.nan)
    lj = _lj(res)
    for label, lo, hi in (("entry_0_6", 0, 6), ("entry_36_60", 36, 60)):
        hit = (entry >= lo) & (entry <= hi)
        est = wilson(int(lj[hit].sum()), int(hit.sum()))
        out[f"lj_if_{label}"] = {"value": est.value * 100, "low": est.low * 100,
                                 "high": est.high * 100, "runs": int(hit.sum())}  # fmt: skip
    out["lj_by_entry_base_rate"] = {
        str(rate): shares(base(entry_base_rate=rate), 400)[LJ]["value"]
        for rate in (0.01, 0.025, 0.06, 1.0)
    }
    return out


def item2() -> dict[str, Any]:
    """Authority at the table and where it comes from; authority against ambition."""
    out = {
        "authority_0.2_to_0.8_lj": effect(base(authority=0.2), base(authority=0.8), 800),
        "granted_to_self_assigned_lj": effect(base(), base(authority_source="self_assigned"), 800),
    }
    for aspiration in (0.2, 0.8):
        out[f"authority_0.2_to_0.8_lj_at_aspiration_{aspiration}"] = effect(
            base(authority=0.2, aspiration=aspiration),
            base(authority=0.8, aspiration=aspiration),
            800,
        )
    return out


def item3() -> dict[str, Any]:
    """A navigator's effect at each level of turnover (its value should grow with turnover)."""
    out: dict[str, Any] = {}
    diffs = {}
    for turnover in (0.0, 0.02, 0.05, 0.08):
        a, b = base(turnover=turnover), base(turnover=turnover, navigator=1)
        ra = cisim.simulate(a, replicates=800, seed=SEED)
        rb = cisim.simulate(b, replicates=800, seed=SEED)
        diffs[turnover] = _lj(rb) - _lj(ra)
        est = paired_difference(_lj(ra), _lj(rb))
        out[f"navigator_lj_at_turnover_{turnover}"] = {
            "value": est.value * 100, "low": est.low * 100, "high": est.high * 100}  # fmt: skip
    grow = paired_difference(diffs[0.0], diffs[0.05])
    out["navigator_effect_at_0.05_minus_at_0"] = {
        "value": grow.value * 100, "low": grow.low * 100, "high": grow.high * 100}  # fmt: skip
    return out


def item4() -> dict[str, Any]:
    """The trust rule: one experience at each level; as many good as bad experiences."""
    build = SPECS_DEFAULT("trust_build_rate")
    erosion = SPECS_DEFAULT("trust_erosion_rate")
    out: dict[str, Any] = {"levels": {}}
    for t in (0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9):
        gain = asymmetric_update(t, 1.0, build, erosion) - t
        loss = t - asymmetric_update(t, -1.0, build, erosion)
        out["levels"][str(t)] = {"gain": gain, "loss": loss, "loss_over_gain": loss / gain}
    rng = np.random.default_rng(SEED)
    lower = []
    for start in (0.02, 0.05, 0.1, 0.2, 0.5, 0.8):
        for _ in range(200):
            steps = rng.permutation(np.repeat([1.0, -1.0], rng.integers(1, 15)))
            t = start
            for x in steps:
                t = asymmetric_update(t, x, build, erosion)
            lower.append(t < start)
    out["share_of_balanced_sequences_ending_lower"] = float(np.mean(lower)) * 100
    return out


def SPECS_DEFAULT(name: str) -> float:
    return float(getattr(cisim.Scenario(), name))


def item5() -> dict[str, Any]:
    """What decides the regime at fixed parameters: structure against chance, per preset."""
    out: dict[str, Any] = {}
    for name in cisim.PRESET_NAMES:
        runs = nested(name, 40, 40, seed=SEED)
        grid = outcome_grid(runs.runs, LJ, runs.scenario.horizon_months)
        table = decompose(grid, seed=SEED)
        regimes = runs.runs["regime"].astype(str).to_numpy().reshape(40, 40)
        flips = np.mean([np.mean(row[:, None] != row[None, :]) for row in regimes])
        freq = np.array([np.mean(regimes == r) for r in cisim.REGIMES])
        out[name] = {
            **{
                s: {k: float(table.loc[s, k]) * 100 for k in ("share", "low", "high")}
                for s in table.index
            },
            "flip_when_events_redrawn": float(flips) * 100,
            "flip_if_independent": float(1 - (freq**2).sum()) * 100,
        }
    return out


#: Each preset's levers, as a class would test them: the preset's own settings set back to the
#: baseline's, one at a time.
def _levers(name: str) -> dict[str, Any]:
    sc = cisim.Scenario.preset(name)
    b = cisim.Scenario.preset("baseline")
    return {
        k: getattr(b, k)
        for k in SPECS
        if k in sc.parameters and sc.parameters[k] != b.parameters[k] and SPECS[k].kind != "mapping"
    }


def item6() -> dict[str, Any]:
    """Each preset's regime shares (1,000 runs) and its learning journeys with each lever set
    back to the baseline's value."""
    out: dict[str, Any] = {}
    for name in cisim.PRESET_NAMES:
        sc = cisim.Scenario.preset(name)
        row: dict[str, Any] = {"shares": shares(sc, 1000), "levers": {}}
        for lever, value in _levers(name).items():
            row["levers"][f"{lever} -> {value}"] = shares(sc.replace(**{lever: value}), 300)[LJ][
                "value"
            ]
        out[name] = row
    return out


def item7() -> dict[str, Any]:
    """Runs relabelled when each threshold of the regime rule moves by ±20 % (per preset)."""
    thresholds = [k for k, spec in SPECS.items() if spec.group == "regime"]
    out: dict[str, Any] = {}
    for name in cisim.PRESET_NAMES:
        sc = cisim.Scenario.preset(name)
        ref = cisim.simulate(sc, replicates=1000, seed=SEED).summary["regime"].astype(str)
        row = {}
        for k in thresholds:
            for factor in (0.8, 1.2):
                value = min(SPECS[k].hi or 1.0, getattr(sc, k) * factor)
                if SPECS[k].kind == "int":
                    value = round(value)
                moved = cisim.simulate(sc.replace(**{k: value}), replicates=1000, seed=SEED)
                row[f"{k} x{factor}"] = float((moved.summary["regime"].astype(str) != ref).mean())
        out[name] = {k: v * 100 for k, v in row.items()}
    return out


def item8() -> dict[str, Any]:
    """The levers' paired effects at the baseline (read beside the sensitivity indices)."""
    return {
        "navigator_0_to_1": effect(base(), base(navigator=1), 800),
        "turnover_0.01_to_0.06": effect(base(turnover=0.01), base(turnover=0.06), 800),
        "authority_0.2_to_0.8": effect(base(authority=0.2), base(authority=0.8), 800),
        "data_use_0.1_to_0.6": effect(base(data_use=0.1), base(data_use=0.6), 800),
    }


def item9() -> dict[str, Any]:
    """The presets' counterfactuals the README quotes: Hartford with its grant never ending and
    without it, with and without its backbone; Louisville without its navigator, with one arriving
    in year two (month 13), without its backbone (learning-journey shares, 1,000 runs each)."""
    h = cisim.Scenario.preset("hartford")
    lou = cisim.Scenario.preset("louisville")
    cases = {
        "hartford": h,
        "hartford, grant never ends": h.replace(timeline=()),
        "hartford, no grant": h.replace(timeline=(), resources=0.1),
        "hartford, no backbone": h.replace(backbone=0.0),
        "louisville": lou,
        "louisville, no navigator": lou.replace(navigator=0),
        "louisville, navigator from month 13": lou.replace(navigator=0).at(13, navigator=1),
        "louisville, no backbone": lou.replace(backbone=0.0),
    }
    return {label: shares(sc, 1000)[LJ] for label, sc in cases.items()}


ITEMS: dict[int, Callable[[], dict[str, Any]]] = {
    1: item1, 2: item2, 3: item3, 4: item4, 5: item5, 6: item6, 7: item7, 8: item8,
    9: item9}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, nargs="*", default=sorted(ITEMS))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    results = {}
    for k in args.items:
        results[k] = ITEMS[k]()
        print(f"== item {k}: {ITEMS[k].__doc__}")
        print(json.dumps(results[k], indent=1, default=float))
        sys.stdout.flush()
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=float), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

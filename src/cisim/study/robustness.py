"""How much the regime rule's thresholds decide: runs relabelled when a threshold moves.

The regime of a run (:mod:`cisim.model.regimes`) is read off its trajectories with three
thresholds: the share of the closing period's setbacks met by blame that makes a blame game
(``regime_blame_share``), the progress a learning journey needs (``regime_min_progress``) and the
length of the closing period (``regime_window_months``). None of them acts on the dynamics, so the
runs of a scenario can be classified again under moved thresholds without running them again.
:func:`regime_robustness` moves each threshold down and up by ``step`` (20 % by default) and gives
the share of runs whose regime changes, with a 95 % Wilson interval. A rule whose labels hang on
the exact value of a threshold would relabel many; the regime rule is meant to relabel few.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from cisim.errors import ConfigError
from cisim.model.parameters import SPECS
from cisim.model.regimes import Thresholds, classify
from cisim.model.scenario import Scenario
from cisim.stats import wilson
from cisim.study.compare import as_scenario
from cisim.study.simulate import simulate

__all__ = ["THRESHOLDS", "moved", "regime_robustness"]

#: The regime rule's thresholds (the fields of :class:`cisim.model.regimes.Thresholds`).
THRESHOLDS = tuple(f.name for f in dataclasses.fields(Thresholds))


def moved(value: float, name: str, factor: float) -> float:
    """``value`` times ``factor``, kept within the threshold's range (whole months rounded)."""
    spec = SPECS[name]
    out = value * factor
    if spec.hi is not None:
        out = min(out, spec.hi)
    if spec.kind == "int":
        out = float(max(round(out), spec.lo if spec.lo is not None else 1))
    return out


def regime_robustness(
    scenario: Scenario | str, replicates: int = 1000, seed: int = 2026, step: float = 0.2
) -> pd.DataFrame:
    """Share of ``scenario``'s runs relabelled when each regime threshold moves by ``± step``.

    Returns one row per threshold and direction: ``threshold``, ``factor`` (``1 - step`` or
    ``1 + step``), ``value`` (the moved threshold), ``relabelled`` (share of runs), ``low`` and
    ``high`` (95 % Wilson interval) and ``runs``.
    """
    if not 0 < step < 1:
        raise ConfigError("step", step, "a share between 0 and 1 (exclusive)")
    sc = as_scenario(scenario, "scenario")
    res = simulate(sc, replicates=replicates, seed=seed)
    base = Thresholds.of(sc)
    reference = classify(res.arrays, base)
    rows = []
    for name in THRESHOLDS:
        for factor in (1.0 - step, 1.0 + step):
            value = moved(getattr(sc, name), name, factor)
            regimes = classify(res.arrays, dataclasses.replace(base, **{name: value}))
            changed = int(np.count_nonzero(regimes != reference))
            est = wilson(changed, len(reference))
            rows.append(
                {
                    "threshold": name,
                    "factor": factor,
                    "value": value,
                    "relabelled": changed / len(reference),
                    "low": est.low,
                    "high": est.high,
                    "runs": len(reference),
                }
            )
    return pd.DataFrame(rows)

"""A field's results analysed: the tables ``cisim report DIR`` reads its answer from.

Every platform is measured against ``alone`` (every city on its own) on the same cities with the
same luck, so each difference is paired by city:

- :func:`effects`: each platform's share of learning journeys, its difference against alone with
  a 95 % normal interval (:class:`cisim.field.outcomes.Effect`, the same numbers as
  :func:`cisim.field.compare`), and the cost per additional learning journey with the interval
  the effect's interval gives it (spending taken as fixed: it is the platform's, not a draw);
- :func:`by_strength`: the same difference within thirds of the cities, split by their strength
  without a platform (their final progress under ``alone``: **the weakest third** made the least
  progress on its own) and, as a check that does not condition on an outcome, by the practices a
  city started with (the mean of its drawn data use, joint problem solving and adaptability);
- :func:`equity`: progress's mean, sd, Gini and 10th/90th percentiles, with the paired
  difference in mean progress (normal interval) and in the Gini coefficient against alone (a
  percentile bootstrap over cities, resampled in pairs, seeded: the same numbers every time);
- :func:`speed`: months until half the cities reach good practice and until half have adopted a
  programme (the midpoint of Rogers' diffusion curve), and the platforms' trajectories;
- :func:`levers`: for a sweep over platform levers, the effect and cost against the lever's value;
- :func:`versus`: the leader against the runner-up, paired by city.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from cisim.field.cities import SPREAD
from cisim.field.config import BASELINE, Variant
from cisim.field.outcomes import Effect, FieldResult, gini, paired

#: The thirds of the cities, weakest first.
THIRDS: tuple[str, ...] = ("weakest third", "middle third", "strongest third")
#: How the cities are split into thirds: by progress with no platform, or by starting practices.
SPLITS: dict[str, str] = {
    "baseline": "progress with no platform (final progress under alone)",
    "start": "starting practices (mean of the drawn data use, joint problem solving and "
    "adaptability)",
}
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 16_016


@dataclass(frozen=True)
class Inputs:
    """What the analysis reads: each platform's per-city table (the files' rows, by city), its
    result, and the sweep's variants; ``alone`` included under :data:`BASELINE`."""

    outcomes: dict[str, pd.DataFrame]
    results: dict[str, FieldResult]
    variants: dict[str, Variant]

    @property
    def platforms(self) -> list[str]:
        return [name for name in self.results if name != BASELINE]

    @property
    def strategies(self) -> list[str]:
        """The platforms that are not the values of a sweep (all of them if every one is): what
        the report compares; a sweep's platforms are shown against their lever."""
        named = [name for name in self.platforms if name not in self.variants]
        return named or self.platforms

    @property
    def alone(self) -> FieldResult:
        return self.results[BASELINE]

    @property
    def cities(self) -> int:
        return len(self.alone.cities)


def effects(data: Inputs) -> pd.DataFrame:
    """One row per platform: share of learning journeys, its paired difference against alone
    (95 % interval), the halves of :class:`Effect`, spending and cost per added journey."""
    alone = data.alone
    m = data.cities
    rows = []
    for name in data.platforms:
        result = data.results[name]
        e = Effect.of(result, alone)
        cost_low, cost_high = _cost_interval(result.spent, e.low, e.high, m)
        variant = data.variants.get(name)
        rows.append(
            {
                "platform": name,
                "base": variant.base if variant else name,
                "levers": _levers_text(variant),
                "cities": m,
                "alone_share": float(alone.learning_journeys.mean()),
                "share": float(result.learning_journeys.mean()),
                "difference": e.difference,
                "low": e.low,
                "high": e.high,
                "weaker_half": e.weaker,
                "stronger_half": e.stronger,
                "spent": result.spent,
                "added_journeys": e.difference * m,
                "cost_per_journey": e.cost_per_journey,
                "cost_low": cost_low,
                "cost_high": cost_high,
            }
        )
    return pd.DataFrame(rows)


def _cost_interval(spent: float, low: float, high: float, m: int) -> tuple[float, float]:
    """Service-years per added journey at the effect's interval bounds (``inf`` when the low
    bound adds none; NaN when nothing was spent or nothing could be added)."""
    if spent <= 0 or not math.isfinite(high) or high <= 0:
        return math.nan, math.nan
    upper = spent / (low * m) if low > 0 else math.inf
    return spent / (high * m), upper


def _levers_text(variant: Variant | None) -> str:
    if variant is None:
        return ""
    return ", ".join(f"{k} = {v}" for k, v in variant.levers.items())


def thirds(values: NDArray[np.float64]) -> list[NDArray[np.int64]]:
    """The cities in three near-equal groups by ``values``, lowest first (ties by city)."""
    order = np.argsort(values, kind="stable")
    return [np.asarray(part, dtype=np.int64) for part in np.array_split(order, 3)]


def strength(data: Inputs, split: str) -> NDArray[np.float64]:
    """Each city's strength by ``split`` (see :data:`SPLITS`)."""
    table = data.outcomes[BASELINE]
    if split == "baseline":
        return table["final_progress"].to_numpy(dtype=float)
    return table[[f"start_{name}" for name in SPREAD]].to_numpy(dtype=float).mean(axis=1)


def by_strength(data: Inputs) -> pd.DataFrame:
    """Each platform's paired difference within each third of the cities, for each split."""
    alone = data.alone.learning_journeys.astype(float)
    rows = []
    for split in SPLITS:
        groups = thirds(strength(data, split))
        for name in data.platforms:
            d = data.results[name].learning_journeys.astype(float) - alone
            for label, idx in zip(THIRDS, groups, strict=True):
                mean, low, high = paired(d[idx])
                rows.append(
                    {
                        "split": split,
                        "platform": name,
                        "third": label,
                        "cities": len(idx),
                        "alone_share": float(alone[idx].mean()),
                        "share": float(alone[idx].mean() + mean),
                        "difference": mean,
                        "low": low,
                        "high": high,
                    }
                )
    return pd.DataFrame(rows)


def gini_rows(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """The Gini coefficient of each row of ``x`` (non-negative values; NaN where a row sums to
    zero): :func:`cisim.field.outcomes.gini`, row by row at once."""
    s = np.sort(x, axis=1)
    n = s.shape[1]
    total = s.sum(axis=1)
    weights = 2.0 * np.arange(1, n + 1) - n - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (s @ weights) / (n * total)
    return np.where(total > 0, out, np.nan)


def gini_difference(
    base: NDArray[np.float64], other: NDArray[np.float64]
) -> tuple[float, float, float]:
    """``gini(other) - gini(base)`` with a paired percentile bootstrap 95 % interval over the
    cities (:data:`BOOTSTRAP_RESAMPLES` resamples, seeded by :data:`BOOTSTRAP_SEED`: the same
    cities are drawn for every platform)."""
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    n = base.shape[0]
    point = gini(other) - gini(base)
    draws = np.empty(BOOTSTRAP_RESAMPLES)
    step = max(1, 4_000_000 // max(n, 1))  # resamples at a time: a bounded matrix
    idx_all = rng.integers(0, n, size=(BOOTSTRAP_RESAMPLES, n))
    for start in range(0, BOOTSTRAP_RESAMPLES, step):
        idx = idx_all[start : start + step]
        draws[start : start + step] = gini_rows(other[idx]) - gini_rows(base[idx])
    low, high = np.nanpercentile(draws, [2.5, 97.5])
    return float(point), float(low), float(high)


def equity(data: Inputs) -> pd.DataFrame:
    """Progress's spread under each platform (alone first), and the paired differences in mean
    progress and in the Gini coefficient against alone."""
    base = data.alone.cities["final_progress"].to_numpy(dtype=float)
    rows = []
    for name in [BASELINE, *data.platforms]:
        progress = data.results[name].cities["final_progress"].to_numpy(dtype=float)
        mean, low, high = paired(progress - base)
        g = (0.0, math.nan, math.nan) if name == BASELINE else gini_difference(base, progress)
        rows.append(
            {
                "platform": name,
                "progress_mean": float(progress.mean()),
                "progress_sd": float(progress.std(ddof=1)) if len(progress) > 1 else math.nan,
                "gini": gini(progress),
                "p10": float(np.percentile(progress, 10)),
                "p90": float(np.percentile(progress, 90)),
                "progress_difference": mean if name != BASELINE else 0.0,
                "progress_low": low if name != BASELINE else math.nan,
                "progress_high": high if name != BASELINE else math.nan,
                "gini_difference": g[0],
                "gini_low": g[1],
                "gini_high": g[2],
            }
        )
    return pd.DataFrame(rows)


def speed(data: Inputs) -> pd.DataFrame:
    """Months to half the field at good practice and adopting a programme; the shares at the
    last platform step."""
    rows = []
    for name in [BASELINE, *data.platforms]:
        result = data.results[name]
        summary = result.summary
        last = result.record.iloc[-1] if len(result.record) else None
        rows.append(
            {
                "platform": name,
                "months_to_half_good_practice": summary["months_to_half_good_practice"],
                "months_to_half_adopted": summary["months_to_half_adopted"],
                "good_practice_share": float(last["good_practice_share"]) if last is not None
                else math.nan,
                "adopted_share": float(last["adopted_share"]) if last is not None else math.nan,
                "mean_data_use": float(last["mean_data_use"]) if last is not None else math.nan,
            }
        )  # fmt: skip
    return pd.DataFrame(rows)


def trajectories(data: Inputs) -> pd.DataFrame:
    """Every platform's trajectory (one row per step), alone first, with a ``platform`` column."""
    frames = [
        data.results[name].record.assign(platform=name) for name in [BASELINE, *data.platforms]
    ]
    return pd.concat(frames, ignore_index=True)


def levers(data: Inputs, table: pd.DataFrame) -> pd.DataFrame:
    """The swept platforms: one row per platform and swept lever, with its value (for the
    effect against the lever's value); empty without a sweep."""
    rows = []
    by_name = table.set_index("platform")
    for name, variant in data.variants.items():
        for lever, value in variant.levers.items():
            row = by_name.loc[name]
            rows.append(
                {
                    "base": variant.base,
                    "lever": lever,
                    "value": value,
                    "others": ", ".join(
                        f"{k} = {v}" for k, v in variant.levers.items() if k != lever
                    ),
                    "platform": name,
                    "share": row["share"],
                    "difference": row["difference"],
                    "low": row["low"],
                    "high": row["high"],
                    "spent": row["spent"],
                    "cost_per_journey": row["cost_per_journey"],
                }
            )
    columns = ["base", "lever", "value", "others", "platform", "share", "difference", "low",
               "high", "spent", "cost_per_journey"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def versus(data: Inputs, first: str, second: str) -> tuple[float, float, float]:
    """Platform ``first`` against ``second`` on the share of learning journeys, paired by city:
    the difference and its 95 % interval."""
    a = data.results[first].learning_journeys.astype(float)
    b = data.results[second].learning_journeys.astype(float)
    return paired(a - b)


def analyse(data: Inputs) -> dict[str, pd.DataFrame]:
    """Every table, by name."""
    table = effects(data)
    return {
        "effects": table,
        "by_strength": by_strength(data),
        "equity": equity(data),
        "speed": speed(data),
        "trajectories": trajectories(data),
        "levers": levers(data, table),
    }


def inputs_of(loaded: Any) -> Inputs:
    """The analysis's inputs from :func:`cisim.field.store.load`'s results."""
    return Inputs(dict(loaded.outcomes), dict(loaded.results), dict(loaded.variants))


def as_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts (for sentences)."""
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


def lookup(frame: pd.DataFrame, **where: Any) -> Mapping[str, Any]:
    """The one row of ``frame`` matching ``where``."""
    mask = np.ones(len(frame), dtype=bool)
    for key, value in where.items():
        mask &= (frame[key] == value).to_numpy()
    rows = as_records(frame[mask])
    if len(rows) != 1:
        raise KeyError(f"{len(rows)} rows match {where}")
    return rows[0]

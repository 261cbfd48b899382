"""How early can the regime be told? Early signs of a learning journey, and a warning list.

Method
------
For each ``k`` in (3, 6, 12, 24) months, every run is described by what could be observed in its
first ``k`` months (:data:`FEATURES`): trust, shared understanding, contributions, progress and
members at month ``k`` and their change since month 0; learning and blame responses so far and
the blame share among them; wins so far; whether an entry point has been found and how many months
were spent searching. A ridge logistic regression on standardised features
(:mod:`cisim.analysis.logistic`) predicts whether the run ends as a learning journey. Its skill is
the cross-validated AUC (5 folds, fixed seed; pooled out-of-fold predictions) with a 95 %
stratified bootstrap interval. AUC 0.5 is a coin toss, 1 a perfect early call.

Folds keep all runs of one replicate number together: under common random numbers, runs of
replicate ``k`` at different points share their luck, and splitting them between training and test
folds would let the model score on luck it has already seen.

The warning list ranks each early sign at ``k = 12`` by its univariate AUC (how well the sign alone
separates learning journeys from the rest; direction: whether more of it means more or fewer
learning journeys) and gives a rule of thumb a program designer can use: a threshold splitting the
runs into two groups, and the learning-journey share on each side with Wilson intervals. The
threshold maximises Youden's J, ``|P(above | learning journey) - P(above | not)|`` (Youden 1950),
among splits leaving at least 5 % of runs on each side: unlike the largest difference in shares,
it does not drift to the extremes where a few runs make the difference. The thresholds are chosen
on the same data they are reported on, so the differences are optimistic; the AUCs are not
affected by the choice.

References
----------
Hanley, J. A., & McNeil, B. J. (1982). Radiology 143(1), 29-36 (AUC).
Youden, W. J. (1950). Index for rating diagnostic tests. Cancer 3(1), 32-35.
Steyerberg, E. W. (2019). Clinical Prediction Models (2nd ed.). Springer (validation by
cross-validation; optimism of data-driven cut-points).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from cisim.analysis.logistic import auc, auc_interval, cross_validated_scores, fit_logistic
from cisim.analysis.tables import LJ, TrajectoryArrays, align_runs, trajectory_arrays
from cisim.present.style import COLUMN_INCHES, REGIME_COLOURS, caption, tidy_axes
from cisim.stats import wilson

HORIZONS: tuple[int, ...] = (3, 6, 12, 24)
WARNING_MONTHS = 12
MIN_SIDE_SHARE = 0.05
MIN_SIDE_RUNS = 10
MAX_THRESHOLDS = 60


@dataclass(frozen=True)
class Feature:
    """An early sign: a function of the trajectories up to month ``k``, and how to say it."""

    name: str
    text: str  # "{k}" is replaced by the month
    metrics: tuple[str, ...]
    fn: Callable[[TrajectoryArrays, int], np.ndarray]
    binary: bool = False


def _at(metric: str) -> Callable[[TrajectoryArrays, int], np.ndarray]:
    return lambda a, k: a[metric][:, _col(a, k)]


def _change(metric: str) -> Callable[[TrajectoryArrays, int], np.ndarray]:
    return lambda a, k: a[metric][:, _col(a, k)] - a[metric][:, 0]


def _so_far(metric: str) -> Callable[[TrajectoryArrays, int], np.ndarray]:
    return lambda a, k: np.nansum(a[metric][:, : _col(a, k) + 1], axis=1)


def _col(arrays: TrajectoryArrays, k: int) -> int:
    return int(np.searchsorted(arrays.months, k))


def _blame_share(a: TrajectoryArrays, k: int) -> np.ndarray:
    blame = _so_far("blame_responses")(a, k)
    total = blame + _so_far("learning_responses")(a, k)
    return np.where(total > 0, blame / np.maximum(total, 1), np.nan)


def _searching(a: TrajectoryArrays, k: int) -> np.ndarray:
    found = a["entry_found"][:, 1 : _col(a, k) + 1]
    return np.asarray((found <= 0).sum(axis=1), dtype=float)


def _level_and_change(metric: str, what: str) -> tuple[Feature, Feature]:
    return (
        Feature(f"{metric}_at_k", f"{what} at month {{k}}", (metric,), _at(metric)),
        Feature(
            f"{metric}_change",
            f"change in {what} over the first {{k}} months",
            (metric,),
            _change(metric),
        ),
    )


#: The early signs, in display order.
FEATURES: tuple[Feature, ...] = (
    *_level_and_change("mean_trust", "mean trust"),
    *_level_and_change("shared_understanding", "shared understanding"),
    *_level_and_change("mean_contribution", "mean contribution"),
    Feature("progress_at_k", "progress at month {k}", ("progress",), _at("progress")),
    *_level_and_change("active_members", "active members"),
    Feature(
        "learning_so_far",
        "learning responses in the first {k} months",
        ("learning_responses",),
        _so_far("learning_responses"),
    ),
    Feature(
        "blame_so_far",
        "blame responses in the first {k} months",
        ("blame_responses",),
        _so_far("blame_responses"),
    ),
    Feature(
        "blame_share_so_far",
        "blame share of setback responses in the first {k} months",
        ("blame_responses", "learning_responses"),
        _blame_share,
    ),
    Feature("wins_so_far", "wins by month {k}", ("wins",), _at("wins")),
    Feature(
        "entry_found", "entry point found by month {k}", ("entry_found",), _at("entry_found"), True
    ),
    Feature(
        "months_searching",
        "months without an entry point in the first {k} months",
        ("entry_found",),
        _searching,
    ),
)
FEATURE_METRICS: tuple[str, ...] = tuple(dict.fromkeys(m for f in FEATURES for m in f.metrics))


def early_features(
    arrays: TrajectoryArrays, k: int, features: Sequence[Feature] = FEATURES
) -> pd.DataFrame:
    """The early signs of every run at month ``k`` (rows in the order of ``arrays.keys``).

    Signs whose metrics are missing are skipped, and so is a sign identical to an earlier one
    (e.g. the change in progress when progress starts at 0).
    """
    columns: dict[str, np.ndarray] = {}
    for feature in features:
        if all(m in arrays for m in feature.metrics):
            values = np.asarray(feature.fn(arrays, k), dtype=float)
            if not any(np.array_equal(values, v, equal_nan=True) for v in columns.values()):
                columns[feature.name] = values
    return pd.DataFrame(columns)


def _labelled(
    runs: pd.DataFrame, trajectories: pd.DataFrame | TrajectoryArrays
) -> tuple[TrajectoryArrays, np.ndarray, np.ndarray]:
    """Arrays restricted to the runs, their LJ labels and replicate numbers (aligned)."""
    arrays = (
        trajectories
        if isinstance(trajectories, TrajectoryArrays)
        else trajectory_arrays(trajectories, FEATURE_METRICS)
    )
    aligned = align_runs(runs, arrays.keys)
    rows = aligned["row"].to_numpy()
    subset = TrajectoryArrays(
        arrays.keys.iloc[rows].reset_index(drop=True),
        arrays.months,
        {m: v[rows] for m, v in arrays.values.items()},
    )
    y = np.asarray(aligned["regime"].astype(str) == LJ)
    return subset, y, aligned["replicate"].to_numpy()


def early_prediction(
    runs: pd.DataFrame,
    trajectories: pd.DataFrame | TrajectoryArrays,
    *,
    months: Sequence[int] = HORIZONS,
    folds: int = 5,
    seed: int = 0,
    l2: float = 1.0,
) -> pd.DataFrame:
    """Cross-validated AUC of predicting a learning journey from the first ``k`` months.

    Returns
    -------
    pandas.DataFrame
        One row per ``k`` (those within the horizon): ``months``, ``runs``, ``learning_journeys``,
        ``features``, ``auc``, ``low``, ``high`` (95 % stratified bootstrap of the out-of-fold
        predictions), ``grouped_folds`` (whether folds kept replicates together).
    """
    arrays, y, replicate = _labelled(runs, trajectories)
    groups = replicate if len(np.unique(replicate)) >= 2 * folds else None
    rows = []
    for k in months:
        if k > arrays.months.max():
            continue
        x = early_features(arrays, k).to_numpy()
        scores = cross_validated_scores(x, y, folds=folds, seed=seed, l2=l2, groups=groups)
        est = auc_interval(scores, y, seed=seed)
        rows.append(
            {"months": k, "runs": len(y), "learning_journeys": int(y.sum())}
            | {"features": x.shape[1], "auc": est.value, "low": est.low, "high": est.high}
            | {"grouped_folds": groups is not None}
        )
    return pd.DataFrame(rows)


def warning_list(
    runs: pd.DataFrame,
    trajectories: pd.DataFrame | TrajectoryArrays,
    *,
    months: int = WARNING_MONTHS,
    l2: float = 1.0,
) -> pd.DataFrame:
    """Early signs at month ``months`` ranked by how well each alone tells a learning journey.

    Returns
    -------
    pandas.DataFrame
        One row per sign, strongest first: ``feature``, ``sign`` (in words), ``auc`` (the sign's
        univariate AUC for a learning journey: above 0.5 when more of it goes with learning
        journeys), ``discrimination`` (``max(AUC, 1 - AUC)``), ``strength`` (``|2 AUC - 1|``),
        ``direction`` (+1 or -1), ``runs`` (with the sign observed), ``coefficient`` (its
        standardised coefficient in the joint ridge model), ``threshold``, ``share_below`` /
        ``runs_below`` (runs at or below it), ``share_above`` / ``runs_above``, their 95 % Wilson
        bounds, and ``advice``: the rule of thumb in words.
    """
    arrays, y, _ = _labelled(runs, trajectories)
    features = early_features(arrays, months)
    model = fit_logistic(features.to_numpy(), y, l2=l2)
    texts = {f.name: f for f in FEATURES}
    rows = []
    for position, name in enumerate(features.columns):
        x = features[name].to_numpy()
        row = _sign_row(texts[name], x, y, months)
        rows.append(row | {"coefficient": float(model.coef[1 + position])})
    table = pd.DataFrame(rows).sort_values("strength", ascending=False, kind="stable")
    return table.reset_index(drop=True)


def _sign_row(feature: Feature, x: np.ndarray, y: np.ndarray, k: int) -> dict[str, Any]:
    keep = np.isfinite(x)
    value = auc(x[keep], y[keep])
    split = _best_split(x[keep], y[keep])
    row: dict[str, Any] = {
        "feature": feature.name,
        "sign": feature.text.format(k=k),
        "auc": value,
        "discrimination": max(value, 1 - value) if np.isfinite(value) else 0.5,
        "strength": abs(2 * value - 1) if np.isfinite(value) else 0.0,
        "direction": 1 if value >= 0.5 else -1,
        "runs": int(keep.sum()),
    }
    row |= split
    row["advice"] = _advice(feature, k, split) if np.isfinite(split["threshold"]) else ""
    return row


def _best_split(x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """The threshold maximising Youden's J between ``x <= t`` and ``x > t`` (sides >= 5 %)."""
    least = max(MIN_SIDE_RUNS, int(np.ceil(MIN_SIDE_SHARE * len(x))))
    best: dict[str, float] = {"threshold": float("nan")}
    gap = -1.0
    for t in _candidates(x):
        below = x <= t
        nb, na = int(below.sum()), int((~below).sum())
        if nb < least or na < least:
            continue
        diff = _youden(y.astype(bool), below)
        if diff > gap:
            gap, best = diff, _split_stats(t, y, below)
    return best


def _youden(y: np.ndarray, below: np.ndarray) -> float:
    """``|P(x > t | LJ) - P(x > t | not LJ)|``: how differently the two outcomes split."""
    if y.all() or not y.any():
        return 0.0
    return abs(float((~below[y]).mean()) - float((~below[~y]).mean()))


def _candidates(x: np.ndarray) -> np.ndarray:
    values = np.unique(x)
    if len(values) <= MAX_THRESHOLDS:
        return values[:-1]
    return np.unique(np.quantile(x, np.linspace(0.02, 0.98, MAX_THRESHOLDS), method="lower"))


def _split_stats(t: float, y: np.ndarray, below: np.ndarray) -> dict[str, float]:
    lo = wilson(int(y[below].sum()), int(below.sum()))
    hi = wilson(int(y[~below].sum()), int((~below).sum()))
    return {
        "threshold": float(t),
        "share_below": lo.value,
        "share_below_low": lo.low,
        "share_below_high": lo.high,
        "runs_below": float(below.sum()),
        "share_above": hi.value,
        "share_above_low": hi.low,
        "share_above_high": hi.high,
        "runs_above": float((~below).sum()),
    }


def _advice(feature: Feature, k: int, s: dict[str, float]) -> str:
    """The rule of thumb, e.g. 'blame responses in the first 12 months: more than 5 -> ...'."""
    sign = feature.text.format(k=k)
    below, above = s["share_below"], s["share_above"]
    if feature.binary:
        return (
            f"{sign}: yes → {above:.0%} became learning journeys "
            f"(n={s['runs_above']:.0f}), no → {below:.0%} (n={s['runs_below']:.0f})"
        )
    verb = "rise" if above > below else "fall"
    return (
        f"{sign}: more than {_fmt(s['threshold'])} → the chance of a learning journey {verb}s from "
        f"{below:.0%} (n={s['runs_below']:.0f}) to {above:.0%} (n={s['runs_above']:.0f})"
    )


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.3g}"


# ---- figure ----------------------------------------------------------------------------------
def early_figure(prediction: pd.DataFrame, warnings: pd.DataFrame, top: int = 10) -> Figure:
    """Left: cross-validated AUC by months observed. Right: the strongest early signs."""
    fig = Figure(figsize=(COLUMN_INCHES, 7.4), layout="constrained")
    left, right = fig.subplots(2, 1, height_ratios=[1, 1.5])
    left.errorbar(
        prediction["months"],
        prediction["auc"],
        yerr=[prediction["auc"] - prediction["low"], prediction["high"] - prediction["auc"]],
        fmt="o-",
        color="#333333",
        capsize=4,
    )
    left.axhline(0.5, color="#999999", linestyle="--", linewidth=1)
    left.set_ylim(0.4, 1.0)
    left.set_xticks(prediction["months"])
    left.set_xlabel("months observed", fontsize=8)
    left.set_ylabel("cross-validated AUC", fontsize=8)
    left.tick_params(labelsize=8)
    left.set_title("How early can the regime be told?", fontsize=10)
    tidy_axes(left)
    _draw_signs(right, warnings.head(top))
    fig.suptitle("Early signs of a learning journey", fontweight="bold")
    caption(
        fig,
        "Top: AUC of a ridge logistic model, 5-fold cross-validated, 95% bootstrap interval "
        "(0.5: no better than chance). Bottom: each sign alone; green: more of it, more learning "
        "journeys; red: fewer.",
    )
    return fig


def _draw_signs(ax: Any, table: pd.DataFrame) -> None:
    positions = np.arange(len(table))[::-1]
    colours = [
        REGIME_COLOURS["learning_journey"] if d > 0 else REGIME_COLOURS["blame_game"]
        for d in table["direction"]
    ]
    ax.barh(positions, table["auc"] - 0.5, left=0.5, color=colours, height=0.6)
    ax.axvline(0.5, color="#999999", linewidth=1)
    ax.set_yticks(positions, table["sign"])
    ax.set_xlim(0, 1)
    ax.set_xlabel("AUC of the sign alone (below 0.5: more of it, fewer learning journeys)")
    ax.set_title("Which early signs matter most", fontsize=10)
    tidy_axes(ax, grid="x")

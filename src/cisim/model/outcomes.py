"""The outcome registry: every per-run outcome, its definition, unit and rule.

A run's *outcomes* sum up its whole trajectory: the regime it ended in, its final progress, the
month it found an entry point, the setbacks it met by blame. :data:`REGISTRY` names them once;
its names are the columns of :attr:`cisim.Results.summary` (after ``replicate`` and ``seed``), the
``runs`` table of a sweep, the outcomes of the EMA Workbench adapter and of the analyses. Each
outcome is a function of a run's trajectories, ``dict[str, ndarray (months + 1, R)]``, returning
one value per run.

:data:`INDICATORS` adds one outcome per regime, 1.0 if the run ended in it: their mean over runs
is the regime's share. :data:`NUMBERS` holds every outcome with one number per run (the
indicators, then every registered outcome but the regime itself): what comparisons, effects and
sensitivity analyses read.

Times to an event (``kind`` ``"months"``) are censored: the summary holds ``<NA>`` for a run in
which the event never happened, and wherever the outcome is averaged such a run counts as
``horizon + 1`` months (:func:`censor`): a mean of censored times, a restricted mean.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cisim.model.regimes import (
    REGIMES,
    Thresholds,
    Trajectories,
    blame_share,
    classify,
    closing_blame_share,
    setback_responses,
)

#: The censoring rule of every time to an event, in words.
NEVER = "horizon + 1 if it never happened"

#: An outcome's rule: trajectories ``(months + 1, R)`` and the regime thresholds to ``(R,)``.
Rule = Callable[[Trajectories, Thresholds], np.ndarray]


@dataclass(frozen=True)
class Outcome:
    """One per-run outcome.

    Attributes
    ----------
    name
        Its column name in a run summary.
    label
        A short name for tables and figures.
    definition
        What it is, in words.
    kind
        ``"regime"`` (the regime's name), ``"share"`` (an indicator of one regime: its mean is a
        share of runs), ``"level"`` (0-1), ``"count"`` or ``"months"`` (a time to an event).
    unit
        The unit of its values.
    lo, hi
        Its range; ``None`` where it has none (a regime) or no fixed upper bound (a count).
    dtype
        The summary column's dtype: ``"category"``, ``"float64"``, ``"int64"`` or ``"Int64"``
        (a time to an event, ``<NA>`` where the event never happened).
    censoring
        For a time to an event, the value a run without the event counts as (:data:`NEVER`).
    event
        For a time to an event, the event in words (``"an entry point"``).
    missing
        When a run has no value that censoring could stand in for (``None``: every run has one).
    rule
        The outcome from a run's trajectories and thresholds, one value per run; ``None`` for
        an outcome a sweep's test model reports itself (see :func:`column_outcome`).
    """

    name: str
    label: str
    definition: str
    kind: str
    unit: str
    lo: float | None
    hi: float | None
    dtype: str
    censoring: str | None = None
    event: str | None = None
    missing: str | None = None
    rule: Rule | None = None

    @property
    def description(self) -> str:
        """The definition, with the censoring rule of a time to an event or when it is missing."""
        if self.censoring:
            return f"{self.definition} ({self.censoring})"
        return f"{self.definition} (missing in {self.missing})" if self.missing else self.definition

    def of(self, trajectories: Trajectories, thresholds: Thresholds) -> np.ndarray:
        """The outcome of each run, ``(R,)``: floats (NaN for a missing time), or regime names."""
        if self.rule is None:
            raise ValueError(f"{self.name!r} has no rule from trajectories")
        return self.rule(trajectories, thresholds)


def never(horizon: int) -> int:
    """The months a run in which an event never happened counts as: ``horizon + 1``."""
    return horizon + 1


def censor(months: np.ndarray, horizon: int) -> np.ndarray:
    """Times to an event as floats, NaN (never happened) replaced by :func:`never`."""
    values = np.asarray(months, dtype=float)
    return np.where(np.isnan(values), float(never(horizon)), values)


# ---- rules -------------------------------------------------------------------------------------
def first_month(flag: np.ndarray) -> np.ndarray:
    """First month a flag ``(months + 1, R)`` is set, per run (NaN if never)."""
    ever = flag.any(axis=0)
    return np.where(ever, np.argmax(flag, axis=0), np.nan)


def _final(metric: str) -> Rule:
    return lambda t, _: np.asarray(t[metric][-1], dtype=float)


def _start(metric: str) -> Rule:
    return lambda t, _: np.asarray(t[metric][0], dtype=float)


def _total(metric: str) -> Rule:
    return lambda t, _: np.asarray(t[metric].sum(axis=0), dtype=float)


def _peak(metric: str) -> Rule:
    return lambda t, _: np.asarray(t[metric].max(axis=0), dtype=float)


def _first(event: Callable[[Trajectories], np.ndarray]) -> Rule:
    return lambda t, _: first_month(event(t))


def _regime(t: Trajectories, th: Thresholds) -> np.ndarray:
    return classify(t, th)


def _indicator(regime: str) -> Rule:
    return lambda t, th: np.asarray(_regime(t, th) == regime, dtype=float)


def _responses(which: int) -> Rule:
    return lambda t, _: np.asarray(setback_responses(t)[which], dtype=float)


# ---- the registry ------------------------------------------------------------------------------
def _level(name: str, label: str, definition: str, rule: Rule, **more: str) -> Outcome:
    return Outcome(name, label, definition, "level", "0-1", 0.0, 1.0, "float64", rule=rule, **more)


def _count(name: str, label: str, definition: str, unit: str, rule: Rule) -> Outcome:
    return Outcome(name, label, definition, "count", unit, 0.0, None, "int64", rule=rule)


def _months(name: str, event: str, definition: str, rule: Rule) -> Outcome:
    return Outcome(
        name,
        f"months to {event}",
        definition,
        "months",
        "months",
        0.0,
        None,
        "Int64",
        censoring=NEVER,
        event=event,
        rule=rule,
    )


_OUTCOMES: tuple[Outcome, ...] = (
    Outcome(
        "regime",
        "regime",
        "the regime the run ended in: " + ", ".join(REGIMES) + " (cisim.model.regimes)",
        "regime",
        "regime",
        None,
        None,
        "category",
        rule=_regime,
    ),
    _level(
        "progress",
        "final progress (0-1)",
        "progress towards the shared goal at the horizon (0-1)",
        _final("progress"),
    ),
    _level(
        "final_trust", "final trust (0-1)", "mean trust at the horizon (0-1)", _final("mean_trust")
    ),
    _level(
        "start_trust", "starting trust (0-1)", "mean trust at month 0 (0-1)", _start("mean_trust")
    ),
    _level(
        "final_understanding",
        "final understanding (0-1)",
        "shared understanding at the horizon (0-1)",
        _final("shared_understanding"),
    ),
    _level(
        "final_legitimacy",
        "final legitimacy (0-1)",
        "legitimacy at the horizon (0-1)",
        _final("legitimacy"),
    ),
    _count(
        "final_members",
        "final members",
        "active members at the horizon",
        "organisations",
        _final("active_members"),
    ),
    _months(
        "months_to_entry_point",
        "an entry point",
        "month the entry point was found",
        _first(lambda t: t["entry_found"] > 0),
    ),
    _months(
        "months_to_first_win",
        "the first win",
        "month of the first win",
        _first(lambda t: t["wins"] > 0),
    ),
    _count(
        "learning_responses",
        "learning responses",
        "setbacks met by learning over the run",
        "responses",
        _responses(0),
    ),
    _count(
        "blame_responses",
        "blame responses",
        "setbacks met by blame over the run",
        "responses",
        _responses(1),
    ),
    _level(
        "blame_share",
        "blame share (0-1)",
        "share of the run's setback responses that were blame (0-1)",
        lambda t, _: blame_share(t),
        missing="a run without setback responses",
    ),
    _level(
        "closing_blame_share",
        "closing blame share (0-1)",
        "share of the setbacks of the run's closing period (its last regime_window_months "
        "months) that were met by blame, more members blaming than learning (0-1): what the "
        "regime rule reads",
        lambda t, th: closing_blame_share(t, th.regime_window_months),
        missing="a run without setback responses in its closing period",
    ),
    _count("wins", "wins", "wins over the run", "count", _final("wins")),
    _count(
        "turnover_events",
        "turnover events",
        "representatives who left over the run",
        "organisations",
        _total("turnover_events"),
    ),
    _level(
        "peak_conflict", "peak conflict (0-1)", "highest monthly conflict (0-1)", _peak("conflict")
    ),
    _months(
        "dissolved_month",
        "dissolution",
        "month the collaboration dissolved",
        _first(lambda t: t["running"] < 1),
    ),
)

#: name -> Outcome: the columns of a run summary, in order.
REGISTRY: dict[str, Outcome] = {o.name: o for o in _OUTCOMES}

_REGIME_LABELS = {"learning_journey": "learning journeys", "blame_game": "blame games"}

#: regime -> Outcome: 1.0 if the run ended in the regime, else 0.0.
INDICATORS: dict[str, Outcome] = {
    r: Outcome(
        r,
        _REGIME_LABELS.get(r, r),
        f"1.0 if the run's regime is {r}, else 0.0",
        "share",
        "share",
        0.0,
        1.0,
        "float64",
        rule=_indicator(r),
    )
    for r in REGIMES
}

#: Every outcome with one number per run: the regime indicators, then the registered numbers.
NUMBERS: dict[str, Outcome] = {
    **INDICATORS,
    **{name: o for name, o in REGISTRY.items() if o.kind != "regime"},
}


def column_outcome(name: str) -> Outcome:
    """An outcome no rule defines: a numeric column a sweep's test model reports (``y``)."""
    return Outcome(
        name,
        name.replace("_", " "),
        f"the column {name} of the runs",
        "level",
        "",
        None,
        None,
        "float64",
    )


# ---- tables ------------------------------------------------------------------------------------
def summary_table(trajectories: Trajectories, thresholds: Thresholds) -> pd.DataFrame:
    """Every registered outcome of each run: one row per run, one column per outcome."""
    return pd.DataFrame(
        {name: _column(o, o.of(trajectories, thresholds)) for name, o in REGISTRY.items()}
    )


def _column(outcome: Outcome, values: np.ndarray) -> object:
    """Values as the summary column's dtype."""
    if outcome.dtype == "category":
        return pd.Categorical(values, categories=list(REGIMES))
    if outcome.dtype == "Int64":
        never_happened = np.isnan(values)
        whole = np.where(never_happened, 0, values).astype(np.int64)
        return pd.arrays.IntegerArray(whole, mask=never_happened)
    return values.astype(outcome.dtype)


def values(runs: pd.DataFrame, name: str, horizon: int) -> np.ndarray:
    """One number per run of outcome ``name`` (:data:`NUMBERS`) from a summary table.

    A regime's indicator from ``regime``; a time to an event censored at :func:`never`; any other
    column as floats (NaN where missing).
    """
    outcome = NUMBERS[name]
    if outcome.kind == "share":
        return np.asarray(runs["regime"].astype(str) == name, dtype=float)
    column = numeric(runs[name])
    return censor(column, horizon) if outcome.censoring else column


def numeric(column: pd.Series) -> np.ndarray:
    """A column as floats, missing values as NaN."""
    return np.asarray(pd.to_numeric(column).astype("Float64").to_numpy(na_value=np.nan), float)

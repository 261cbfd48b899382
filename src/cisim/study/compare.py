"""Comparing two scenarios: the paired effect of going from one to the other.

A program designer's question is comparative: "would a navigator change our odds?" :func:`compare`
answers it with common random numbers. Replicate ``k`` of both scenarios uses the same random
streams (keyed by seed, replicate, organisation, month and purpose; see :mod:`cisim.model.streams`),
so the two runs of a pair differ only through the change. Each effect is the mean over pairs of
``b - a`` with a 95 % normal interval (:func:`cisim.stats.paired_difference`): the luck the two
runs share cancels, and the interval is far narrower than that of two independent samples.

Outcomes (:data:`OUTCOMES`, defined in :mod:`cisim.model.outcomes`)
    The share of runs ending in each regime (an indicator per run, so the effect is in
    percentage points), months to an entry point and to the first win (censored: a run that
    never gets there counts as ``horizon + 1`` months, so the effect is on a restricted mean),
    final progress and final mean trust (0-1).

::

    import cisim
    result = cisim.compare("baseline", cisim.Scenario.preset("baseline").replace(navigator=1),
                           replicates=500, seed=1)
    result                  # a table in a notebook, text in a terminal
    result.effect("learning_journey")   # Estimate(value, low, high)
    result.plot()           # a matplotlib Figure
"""

from __future__ import annotations

import html
import math
import warnings
from collections.abc import Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cisim.errors import CisimError, CisimWarning, ConfigError
from cisim.model.outcomes import NEVER, NUMBERS, Outcome, values
from cisim.model.population import RunSpec
from cisim.model.scenario import PRESET_NAMES, Scenario
from cisim.stats import Estimate, paired_difference
from cisim.study.simulate import simulate_runs
from cisim.study.workers import choose_workers

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "OUTCOMES",
    "OUTCOME_NAMES",
    "Comparison",
    "Outcome",
    "compare",
    "describe_change",
    "run_scenarios",
]

#: Replicates per job sent to a worker (the engine advances them as one array batch).
CHUNK = 250
MAX_SEED = 2**63 - 1


#: The compared outcomes' names, in display order.
OUTCOME_NAMES: tuple[str, ...] = (
    "learning_journey",
    "blame_game",
    "stalled",
    "dissolved",
    "months_to_entry_point",
    "months_to_first_win",
    "progress",
    "final_trust",
)
#: The compared outcomes (kind ``share``: effects in percentage points; ``months``; ``level``).
OUTCOMES: tuple[Outcome, ...] = tuple(NUMBERS[name] for name in OUTCOME_NAMES)
COLOURS: dict[str, str] = {"up": "#2166ac", "down": "#e66101", "unclear": "#7f7f7f"}


# ---- the result --------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Comparison:
    """The paired effect of going from scenario ``a`` to scenario ``b`` (see :func:`compare`).

    Attributes
    ----------
    a, b
        The two scenarios.
    replicates, seed
        Pairs run, and the root seed both scenarios used.
    runs_a, runs_b
        The per-run summaries (one row per replicate, in replicate order; the columns of
        :attr:`cisim.Results.summary`).
    table
        One row per outcome of :data:`OUTCOMES` (index: its name): ``label``, ``kind``, ``a`` and
        ``b`` (mean, or share, in each scenario), ``effect`` (mean of ``b - a`` over pairs),
        ``low`` and ``high`` (its 95 % interval).
    """

    a: Scenario
    b: Scenario
    replicates: int
    seed: int
    runs_a: pd.DataFrame = field(repr=False)
    runs_b: pd.DataFrame = field(repr=False)
    table: pd.DataFrame = field(repr=False)

    @property
    def change(self) -> str:
        """What differs between ``a`` and ``b``, in words (``"navigator 0 → 1"``)."""
        return describe_change(self.a, self.b)

    def effect(self, outcome: str = "learning_journey") -> Estimate:
        """The effect on one outcome, with its 95 % interval."""
        if outcome not in self.table.index:
            allowed = "one of the compared outcomes: " + ", ".join(self.table.index)
            raise ConfigError("outcome", outcome, allowed)
        name = outcome
        values = self.table.loc[name, ["effect", "low", "high"]].to_numpy(dtype=float)
        return Estimate(float(values[0]), float(values[1]), float(values[2]))

    def summary(self) -> pd.DataFrame:
        """:attr:`table` with formatted text cells (what the repr and HTML show)."""
        rows = [_formatted_row(name, row) for name, row in self.table.iterrows()]
        return pd.DataFrame(rows, columns=["outcome", "a", "b", "effect (b - a)", "95% interval"])

    def __repr__(self) -> str:
        frame = self.summary()
        return f"{self._headline()}\n{frame.to_string(index=False)}\n{self._footnote()}"

    def _repr_html_(self) -> str:
        rows = [_formatted_row(name, row) for name, row in self.table.iterrows()]
        body = "".join(
            html_row(cells, colour(low, high))
            for cells, low, high in zip(rows, self.table["low"], self.table["high"], strict=True)
        )
        head = "".join(
            f"<th>{h}</th>" for h in ("outcome", "a", "b", "effect (b − a)", "95% interval")
        )
        return (
            f"<div><p><b>{html.escape(self._headline())}</b></p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            f"<p><small>{html.escape(self._footnote())}</small></p></div>"
        )

    def _headline(self) -> str:
        return (
            f"Comparison: a = {self.a.name!r}, b = {self.b.name!r} ({self.change}); "
            f"{self.replicates} paired replicates, seed {self.seed}"
        )

    def _footnote(self) -> str:
        return (
            "Effects are means over pairs with common random numbers, 95% normal intervals; "
            f"shares in percentage points; months to an event: {NEVER}."
        )

    def plot(self) -> Figure:
        """A figure of the effects with their intervals: regime shares, months, 0-1 levels."""
        from matplotlib.figure import Figure

        kinds = [k for k in ("share", "months", "level") if (self.table["kind"] == k).any()]
        fig = Figure(figsize=(11.5, 3.6), layout="constrained")
        axes = fig.subplots(1, len(kinds), squeeze=False)[0]
        for ax, kind in zip(axes, kinds, strict=True):
            _effect_panel(ax, self.table[self.table["kind"] == kind], kind)
        fig.suptitle(f"Effect of {self.change} on {self.a.name}", fontweight="bold")
        fig.supxlabel(
            f"Mean of b − a over {self.replicates} paired runs (common random numbers), "
            "with 95% intervals; blue: clearly up, orange: clearly down, "
            "grey: the interval holds 0.",
            fontsize=8,
            color="#555555",
        )
        return fig


# ---- the function ------------------------------------------------------------------------------
def compare(
    a: Scenario | str,
    b: Scenario | str,
    replicates: int = 200,
    seed: int = 0,
    *,
    workers: int | None = None,
    outcomes: Sequence[str] = OUTCOME_NAMES,
) -> Comparison:
    """The paired effect of going from scenario ``a`` to scenario ``b``.

    Parameters
    ----------
    a, b
        Scenarios, preset names (``"baseline"``) or paths of scenario TOML files.
    replicates
        Pairs of runs (at least 2). Replicate ``k`` of ``a`` and of ``b`` share their random
        numbers (common random numbers).
    seed
        The root seed (0 to 2**63 - 1) of both scenarios.
    workers
        Worker processes (``1``: run here; ``None``: chosen by the job's size, serially below
        :data:`cisim.study.workers.SERIAL_BELOW_RUN_MONTHS`, else every core). Processes are
        started with ``spawn``, so this works from a notebook; a script that uses them needs
        ``if __name__ == "__main__":`` (without it the job runs here, with a warning). The
        numbers do not depend on it.
    outcomes
        The outcomes compared, in order: by default the regime shares, the months to an entry
        point and to the first win, progress and final trust (:data:`OUTCOME_NAMES`); any outcome
        of :data:`cisim.model.outcomes.NUMBERS` may be asked for.

    Returns
    -------
    Comparison
        The effects with 95 % intervals; it renders as a table in a notebook and has ``.plot()``.

    Raises
    ------
    ConfigError
        If a scenario, ``replicates``, ``seed``, ``workers`` or an outcome cannot be used.
    """
    first, second = as_scenario(a, "a"), as_scenario(b, "b")
    check_run_arguments(replicates, seed, workers)
    warn_if_populations_differ(first, second)
    names = check_outcomes(outcomes)
    runs_a, runs_b = run_scenarios([first, second], replicates, seed, workers)
    return paired(first, second, runs_a, runs_b, seed, names)


def paired(
    a: Scenario,
    b: Scenario,
    runs_a: pd.DataFrame,
    runs_b: pd.DataFrame,
    seed: int,
    outcomes: Sequence[str] = OUTCOME_NAMES,
) -> Comparison:
    """The :class:`Comparison` of two run summaries already paired by replicate."""
    rows = {name: _outcome_row(NUMBERS[name], runs_a, runs_b, a, b) for name in outcomes}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "outcome"
    return Comparison(a, b, len(runs_a), seed, runs_a, runs_b, table)


def _outcome_row(
    outcome: Outcome, runs_a: pd.DataFrame, runs_b: pd.DataFrame, a: Scenario, b: Scenario
) -> dict[str, Any]:
    va = values(runs_a, outcome.name, a.horizon_months)
    vb = values(runs_b, outcome.name, b.horizon_months)
    diff = paired_difference(va, vb)
    return {
        "label": outcome.label,
        "kind": outcome.kind,
        "a": float(va.mean()),
        "b": float(vb.mean()),
        "effect": diff.value,
        "low": diff.low,
        "high": diff.high,
    }


def population_difference(a: Scenario, b: Scenario) -> str | None:
    """How the organisations of ``a`` and ``b`` differ, in words; ``None`` if they are the same.

    Common random numbers pair replicate ``k`` of both scenarios through the same streams per
    organisation: with other organisations (another number, or a roster against generated ones,
    or another roster) replicate ``k`` holds different collaborations, so the pairing cancels
    little of the luck.
    """

    def who(s: Scenario) -> str:
        kind = "a roster of" if s.roster is not None else "generated"
        return f"{kind} {s.n_organisations}"

    if a.n_organisations != b.n_organisations or (a.roster is None) != (b.roster is None):
        return f"{who(a)} organisations against {who(b)}"
    if a.roster is not None and b.roster is not None and a.roster.names != b.roster.names:
        return "two rosters of different organisations"
    return None


def warn_if_populations_differ(a: Scenario, b: Scenario) -> None:
    """Warn (:class:`~cisim.errors.CisimWarning`) when ``a`` and ``b`` have other organisations."""
    difference = population_difference(a, b)
    if difference is not None:
        warnings.warn(
            f"{a.name!r} and {b.name!r} have different organisations ({difference}): paired "
            "replicates are different collaborations, so the comparison is between two samples "
            "rather than the effect of a change to one collaboration",
            CisimWarning,
            stacklevel=3,
        )


# ---- arguments ---------------------------------------------------------------------------------
def as_scenario(value: object, name: str) -> Scenario:
    """A scenario from a :class:`Scenario`, a preset name or a scenario TOML path."""
    if isinstance(value, Scenario):
        return value
    allowed = "a cisim.Scenario, a preset (" + ", ".join(PRESET_NAMES) + ") or a .toml path"
    if isinstance(value, str) and value in PRESET_NAMES:
        return Scenario.preset(value)
    if isinstance(value, str | Path) and str(value).endswith(".toml"):
        return Scenario.from_toml(value)
    raise ConfigError(name, value, allowed)


def check_run_arguments(replicates: object, seed: object, workers: object) -> None:
    """Raise :class:`ConfigError` unless the counts are usable."""
    if not _whole(replicates) or int(replicates) < 2:  # type: ignore[call-overload]
        raise ConfigError("replicates", replicates, "a whole number >= 2 (pairs of runs)")
    if not _whole(seed) or not 0 <= int(seed) <= MAX_SEED:  # type: ignore[call-overload]
        raise ConfigError("seed", seed, "a whole number from 0 to 2**63 - 1")
    if workers is not None and (not _whole(workers) or int(workers) < 1):  # type: ignore[call-overload]
        raise ConfigError(
            "workers", workers, "a whole number >= 1, or None to choose by the job's size"
        )


def _whole(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def check_outcomes(outcomes: object) -> tuple[str, ...]:
    """The outcome names asked for, or :class:`ConfigError` naming the first unknown one."""
    if isinstance(outcomes, str) or not isinstance(outcomes, Sequence) or not outcomes:
        raise ConfigError("outcomes", outcomes, "a non-empty list of outcome names")
    for name in outcomes:
        if name not in NUMBERS:
            raise ConfigError("outcomes", name, "an outcome of " + ", ".join(NUMBERS))
    return tuple(outcomes)


# ---- running -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Job:
    """Replicates ``first`` to ``first + count - 1`` of scenario number ``index`` (plain data)."""

    index: int
    scenario: Scenario
    seed: int
    first: int
    count: int


def run_job(job: Job) -> tuple[int, int, pd.DataFrame]:
    """Run a job and return its scenario number, first replicate and run summary.

    A module-level function of plain data, so that it can run in a spawned worker process.
    """
    specs = [RunSpec(job.scenario, job.seed, k) for k in range(job.first, job.first + job.count)]
    summary = simulate_runs(specs, batch_size=job.count).drop(columns=["scenario"])
    return job.index, job.first, summary.reset_index(drop=True)


def jobs(scenarios: Sequence[Scenario], replicates: int, seed: int) -> Iterator[Job]:
    """The jobs of every scenario, :data:`CHUNK` replicates each (the same whatever the workers)."""
    for index, scenario in enumerate(scenarios):
        for first in range(0, replicates, CHUNK):
            yield Job(index, scenario, seed, first, min(CHUNK, replicates - first))


def run_scenarios(
    scenarios: Sequence[Scenario], replicates: int, seed: int, workers: int | None
) -> list[pd.DataFrame]:
    """Replicates ``0 .. replicates - 1`` of each scenario under one seed, on ``workers``.

    Returns one summary per scenario (one row per replicate, in replicate order). The work is cut
    into the same jobs whatever ``workers`` is, and each replicate's streams depend only on the
    seed and its number, so the numbers do not depend on ``workers``.
    """
    from cisim.study.sweeps.runner import IN_FLIGHT_PER_WORKER, drain, open_executor

    parts: dict[tuple[int, int], pd.DataFrame] = {}

    def keep(result: tuple[int, int, pd.DataFrame]) -> None:
        parts[(result[0], result[1])] = result[2]

    todo = jobs(scenarios, replicates, seed)
    workers = choose_workers(workers, replicates * sum(s.horizon_months for s in scenarios))
    try:
        with open_executor(workers) as (executor, size):
            drain(executor, run_job, todo, keep, limit=size * IN_FLIGHT_PER_WORKER)
    except BrokenProcessPool as exc:
        raise CisimError(
            f"a worker process died ({exc}). A script that runs on several workers must do so "
            "under 'if __name__ == \"__main__\":' (notebooks need nothing); or use workers=1."
        ) from None
    return [
        pd.concat([parts[(i, first)] for first in range(0, replicates, CHUNK)], ignore_index=True)
        for i in range(len(scenarios))
    ]


# ---- words -------------------------------------------------------------------------------------
def describe_change(a: Scenario, b: Scenario, *, limit: int = 4) -> str:
    """The parameters that differ from ``a`` to ``b``, as ``"navigator 0 → 1, ..."``."""
    pa, pb = a.parameters, b.parameters
    changed = [k for k in pa if pa[k] != pb[k]]
    if not changed:
        return "no change"
    words = [_change_words(k, pa[k], pb[k]) for k in changed[:limit]]
    more = len(changed) - limit
    return ", ".join(words) + (f" and {more} more" if more > 0 else "")


def _change_words(name: str, before: Any, after: Any) -> str:
    if name in ("roster", "sectors", "sector_mix"):
        return f"{name} changed"
    return f"{name} {_v(before)} → {_v(after)}"


def _v(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def format_value(value: float, kind: str) -> str:
    """A level of an outcome: a percentage for shares, a number otherwise."""
    if not math.isfinite(value):
        return "–"
    if kind == "share":
        return f"{value:.1%}"
    return f"{value:.1f}" if kind == "months" else f"{value:.3f}"


def format_effect(value: float, kind: str) -> str:
    """An effect: signed percentage points for shares, a signed number otherwise."""
    if not math.isfinite(value):
        return "–"
    if kind == "share":
        return f"{100 * value:+.1f} pts"
    return f"{value:+.1f}" if kind == "months" else f"{value:+.3f}"


def format_interval(low: float, high: float, kind: str) -> str:
    """``[low, high]`` in the effect's unit."""
    lo, hi = format_effect(low, kind), format_effect(high, kind)
    return f"[{lo.removesuffix(' pts')}, {hi}]"


def _formatted_row(name: Any, row: pd.Series) -> list[str]:
    kind = str(row["kind"])
    return [
        str(row["label"]),
        format_value(float(row["a"]), kind),
        format_value(float(row["b"]), kind),
        format_effect(float(row["effect"]), kind),
        format_interval(float(row["low"]), float(row["high"]), kind),
    ]


def colour(low: float, high: float) -> str:
    """Blue when an interval lies above zero, orange when below, grey when it holds zero.

    The colours say the direction of an effect, not whether it is good: fewer months to the
    first win is down, and good.
    """
    if low > 0:
        return COLOURS["up"]
    if high < 0:
        return COLOURS["down"]
    return COLOURS["unclear"]


def html_row(cells: Sequence[Any], tint: str, plain: int = 3) -> str:
    """A table row; the cells after the first ``plain`` are bold in the colour ``tint``."""
    tds = "".join(f"<td>{html.escape(str(c))}</td>" for c in cells[:plain])
    tds += "".join(
        f'<td style="color:{tint};font-weight:bold">{html.escape(str(c))}</td>'
        for c in cells[plain:]
    )
    return f"<tr>{tds}</tr>"


# ---- figures -----------------------------------------------------------------------------------
_PANEL_TITLES = {
    "share": "Regime shares (percentage points)",
    "months": "Months to events",
    "level": "Final levels (0-1)",
}


def _effect_panel(ax: Axes, table: pd.DataFrame, kind: str) -> None:
    forest(ax, table, [str(label) for label in table["label"]], scale_of(kind))
    ax.set_title(_PANEL_TITLES[kind], fontsize=10)


def scale_of(kind: str) -> float:
    """Factor from an outcome's values to its plotted unit (shares in percentage points)."""
    return 100.0 if kind == "share" else 1.0


def forest(ax: Axes, table: pd.DataFrame, labels: Sequence[str], scale: float) -> None:
    """Effects (``effect``, ``low``, ``high``) as points with intervals, first row at the top."""
    positions = np.arange(len(table))[::-1]
    for pos, effect, low, high in zip(
        positions, table["effect"], table["low"], table["high"], strict=True
    ):
        ax.errorbar(
            scale * effect,
            pos,
            xerr=[[scale * (effect - low)], [scale * (high - effect)]],
            fmt="o",
            color=colour(low, high),
            capsize=3,
        )
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_yticks(positions, list(labels))
    ax.set_ylim(-0.6, len(table) - 0.4)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", color="#e5e5e5")


def interval_text(estimate: Estimate, kind: str = "share") -> str:
    """An estimate as ``"+12.0 pts [+8.1, +15.9]"`` (or in the outcome's unit)."""
    return (
        f"{format_effect(estimate.value, kind)} "
        f"{format_interval(estimate.low, estimate.high, kind)}"
    )

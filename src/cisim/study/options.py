"""Options for a collaboration: rank a handful of changes by their effect against a base.

"Our cabinet has these partners; would a navigator, a designed entry point or more community
engagement help most?" :func:`options` runs the base and every option (the base with one change)
under the same seed, so every option is paired with the base replicate by replicate (common random
numbers), and ranks the options by their effect on one outcome (by default the share of learning
journeys) with 95 % intervals. Each option's full :class:`~cisim.study.compare.Comparison` is kept.

::

    ranking = cisim.options("baseline", {"navigator": [1], "entry_point": ["designed"],
                                         "community_engagement": [0.6]},
                            replicates=500, seed=1)
    ranking                      # the ranked table in a notebook
    ranking.table                # a DataFrame
    ranking.plot()               # a matplotlib Figure
    ranking.comparisons["navigator = 1"]   # every outcome of one option
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cisim.errors import ConfigError
from cisim.model.outcomes import NUMBERS
from cisim.model.scenario import Scenario
from cisim.study.compare import (
    OUTCOME_NAMES,
    Comparison,
    as_scenario,
    check_run_arguments,
    colour,
    describe_change,
    forest,
    format_effect,
    format_interval,
    format_value,
    html_row,
    paired,
    run_scenarios,
    scale_of,
    warn_if_populations_differ,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["OptionRanking", "options"]

_ALLOWED_SPEC = (
    "a non-empty table: parameter -> list of values (one option per value), or option name -> "
    "table of changes"
)


@dataclass(frozen=True, eq=False)
class OptionRanking:
    """Options ranked by their paired effect against a base (see :func:`options`).

    Attributes
    ----------
    base
        The base scenario.
    outcome
        The outcome ranked on (an outcome of :data:`cisim.study.compare.OUTCOMES`).
    replicates, seed
        Paired replicates per option, and the root seed.
    table
        One row per option, best first (index: the option's name): ``changes`` (in words),
        ``base`` and ``option`` (the outcome in each), ``effect``, ``low``, ``high`` (95 %
        interval of the paired effect) and ``rank``.
    comparisons
        Each option's :class:`~cisim.study.compare.Comparison` against the base (every outcome).
    skipped
        Options left out because they equal the base.
    """

    base: Scenario
    outcome: str
    replicates: int
    seed: int
    table: pd.DataFrame = field(repr=False)
    comparisons: dict[str, Comparison] = field(repr=False)
    skipped: tuple[str, ...] = ()

    @property
    def best(self) -> str:
        """The option with the largest effect."""
        return str(self.table.index[0])

    def summary(self) -> pd.DataFrame:
        """:attr:`table` with formatted text cells (what the repr and HTML show)."""
        kind = NUMBERS[self.outcome].kind
        rows = [
            [
                int(row["rank"]),
                str(name),
                format_value(float(row["option"]), kind),
                format_effect(float(row["effect"]), kind),
                format_interval(float(row["low"]), float(row["high"]), kind),
            ]
            for name, row in self.table.iterrows()
        ]
        return pd.DataFrame(rows, columns=["rank", "option", "with it", "effect", "95% interval"])

    def __repr__(self) -> str:
        return f"{self._headline()}\n{self.summary().to_string(index=False)}\n{self._footnote()}"

    def _repr_html_(self) -> str:
        frame = self.summary()
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
        body = "".join(
            html_row(cells, colour(low, high))
            for cells, low, high in zip(
                frame.itertuples(index=False), self.table["low"], self.table["high"], strict=True
            )
        )
        return (
            f"<div><p><b>{html.escape(self._headline())}</b></p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            f"<p><small>{html.escape(self._footnote())}</small></p></div>"
        )

    def _headline(self) -> str:
        kind = NUMBERS[self.outcome].kind
        level = format_value(float(self.table["base"].iloc[0]), kind)
        return (
            f"Options against {self.base.name!r}, ranked by their effect on "
            f"{NUMBERS[self.outcome].label} (base: {level}); {self.replicates} paired "
            f"replicates each, seed {self.seed}"
        )

    def _footnote(self) -> str:
        note = "Paired with the base replicate by replicate (common random numbers); 95% intervals."
        if self.skipped:
            note += " Left out (same as the base): " + ", ".join(self.skipped) + "."
        return note

    def plot(self) -> Figure:
        """The options' effects with their 95 % intervals, best at the top."""
        from matplotlib.figure import Figure

        kind = NUMBERS[self.outcome].kind
        fig = Figure(figsize=(8.5, 1.6 + 0.45 * len(self.table)), layout="constrained")
        ax = fig.subplots()
        forest(ax, self.table, [str(n) for n in self.table.index], scale_of(kind))
        unit = "percentage points" if kind == "share" else kind
        ax.set_xlabel(f"effect on {NUMBERS[self.outcome].label} ({unit})")
        fig.suptitle(f"Options for {self.base.name}, best first", fontweight="bold")
        fig.supxlabel(
            f"Each option against the base over {self.replicates} paired runs (common random "
            "numbers), 95% intervals; blue: clearly up, orange: clearly down, "
            "grey: the interval holds 0.",
            fontsize=8,
            color="#555555",
        )
        return fig


def options(
    base: Scenario | str,
    changes: Mapping[str, Any],
    replicates: int = 200,
    seed: int = 0,
    *,
    outcome: str = "learning_journey",
    workers: int | None = None,
) -> OptionRanking:
    """Rank options (the base with one change each) by their paired effect against the base.

    Parameters
    ----------
    base
        A scenario, preset name or scenario TOML path.
    changes
        The options. ``{"navigator": [1, 2], "entry_point": ["designed"]}`` makes one option per
        value (``"navigator = 1"``, ...); a table of changes makes one named option of several
        changes at once (``{"navigator and data": {"navigator": 1, "data_use": 0.6}}``). Options
        equal to the base are left out (see :attr:`OptionRanking.skipped`).
    replicates
        Paired replicates of the base and of each option (at least 2).
    seed
        The root seed (0 to 2**63 - 1) shared by every scenario (common random numbers).
    outcome
        What to rank on: a regime (``"learning_journey"``, ``"blame_game"``, ...) or another
        outcome of :data:`cisim.model.outcomes.NUMBERS`. Options are ranked by effect, largest first
        (for ``blame_game`` or months you may want the smallest: read the table from the end).
    workers
        Worker processes (``1``: run here; ``None``: chosen by the job's size, serially below
        :data:`cisim.study.workers.SERIAL_BELOW_RUN_MONTHS`, else every core), started with
        ``spawn`` so that this works from a notebook; a script that uses them needs
        ``if __name__ == "__main__":`` (without it the job runs here, with a warning). The numbers
        do not depend on it.

    Returns
    -------
    OptionRanking
        The ranked table (``.table``), a figure (``.plot()``) and each option's comparison.

    Raises
    ------
    ConfigError
        If the base, an option (naming the option), ``outcome`` or a count cannot be used.
    """
    start = as_scenario(base, "base")
    check_run_arguments(replicates, seed, workers)
    if outcome not in NUMBERS:
        raise ConfigError("outcome", outcome, "an outcome of " + ", ".join(NUMBERS))
    compared = OUTCOME_NAMES if outcome in OUTCOME_NAMES else (*OUTCOME_NAMES, outcome)
    chosen, skipped = _options(start, changes)
    for scenario in chosen.values():
        warn_if_populations_differ(start, scenario)
    runs = run_scenarios([start, *chosen.values()], replicates, seed, workers)
    comparisons = {
        name: paired(start, scenario, runs[0], option_runs, seed, compared)
        for (name, scenario), option_runs in zip(chosen.items(), runs[1:], strict=True)
    }
    table = _ranked(comparisons, outcome)
    return OptionRanking(start, outcome, replicates, seed, table, comparisons, tuple(skipped))


def _options(base: Scenario, spec: Any) -> tuple[dict[str, Scenario], list[str]]:
    """The named option scenarios, and the names of those equal to the base."""
    if not isinstance(spec, Mapping) or not spec:
        raise ConfigError("changes", spec, _ALLOWED_SPEC)
    chosen: dict[str, Scenario] = {}
    skipped: list[str] = []
    for name, changes in _named_changes(spec):
        try:
            scenario = base.replace(**changes)
        except ConfigError as exc:
            raise exc.located(f"option {name!r}") from None
        if scenario.digest == base.digest:
            skipped.append(name)
            continue
        chosen[name] = scenario.replace(name=f"{base.name}, {name}")
    if not chosen:
        raise ConfigError("changes", dict(spec), "at least one option that differs from the base")
    return chosen, skipped


def _named_changes(spec: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for key, value in spec.items():
        if not isinstance(key, str):
            raise ConfigError("changes", key, "option or parameter names (strings)")
        if isinstance(value, Mapping) and value:
            out.append((key, dict(value)))
        elif isinstance(value, list | tuple) and value:
            out.extend((f"{key} = {_word(v)}", {key: v}) for v in value)
        else:
            allowed = "a non-empty list of values, or a non-empty table of changes"
            raise ConfigError(f"changes.{key}", value, allowed)
    names = [name for name, _ in out]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ConfigError("changes", repeated[0], "each option once")
    return out


def _word(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _ranked(comparisons: Mapping[str, Comparison], outcome: str) -> pd.DataFrame:
    rows = {
        name: {
            "changes": describe_change(c.a, c.b),
            "base": c.table.loc[outcome, "a"],
            "option": c.table.loc[outcome, "b"],
            "effect": c.table.loc[outcome, "effect"],
            "low": c.table.loc[outcome, "low"],
            "high": c.table.loc[outcome, "high"],
        }
        for name, c in comparisons.items()
    }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table = table.sort_values("effect", ascending=False, kind="stable")
    table["rank"] = np.arange(1, len(table) + 1)
    table.index.name = "option"
    return table

"""What the guide says the model will show, as data that can be measured.

Each "thing to try" and "thing to notice" of :mod:`cisim.app.guide` carries one or more
:class:`Claim`: an outcome of :data:`cisim.model.outcomes.NUMBERS` and the direction the model
moves it in. :func:`measure` estimates a claim over many runs with common random numbers and a
95 % interval; a claim holds when the interval lies wholly on its side (:meth:`Claim.holds`).
``tests/app/test_guide_claims.py`` checks every claim, so the guide cannot drift from the model.

A claim is one of five kinds, told apart by which field is set:

``change``
    A try: the paired effect (``b - a``) of moving the levers of ``change``, from the preset with
    ``setting`` applied (world ``a``) to the same with ``change`` also applied (world ``b``).
``change`` and ``relative_to``
    How the effect of ``change`` differs with ``setting`` from its effect with ``relative_to``
    instead (a difference of two paired effects, each under common random numbers).
``versus``
    A notice: this preset minus another preset, run with the same seeds (``versus``).
``level``
    A notice: the mean of the outcome (a regime's share) in the preset with ``setting`` lies
    above (``"up"``) or below (``"down"``) ``level``.
``split = "first_setbacks"``
    A notice: the outcome in runs whose first three setbacks were mostly met by blame minus in
    runs whose first three were mostly met by learning (two independent groups of runs).

Run ``python -m cisim.app.guide`` for the table of every claim measured (1,000 runs, seed 2026).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from cisim.app.levers import LEVERS
from cisim.model.outcomes import NUMBERS
from cisim.model.scenario import PRESET_NAMES
from cisim.stats import Z95, Estimate, mean_ci

if TYPE_CHECKING:
    from cisim.study.simulate import Results

__all__ = ["REPLICATES", "SEED", "SPLITS", "Claim", "Runs", "measure"]

#: The replicates and root seed the guide's figures were measured with.
REPLICATES = 1000
SEED = 2026
#: Setbacks that decide the ``first_setbacks`` split.
FIRST_SETBACKS = 3
SPLITS = ("first_setbacks",)


def _frozen(levers: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(levers))


@dataclass(frozen=True)
class Claim:
    """One measurable statement of the guide (see the module's docstring for the kinds).

    Attributes
    ----------
    outcome
        An outcome of :data:`cisim.model.outcomes.NUMBERS`.
    direction
        ``"up"``: the effect (or difference) is positive, or the mean lies above ``level``;
        ``"down"``: negative, or below.
    change
        The levers moved in the second world.
    setting
        Levers set in both worlds first (a claim about the preset as it is when empty).
    relative_to
        Levers instead of ``setting`` under which the effect of ``change`` is compared.
    versus
        Another preset to compare the preset with.
    level
        The value a level claim compares the mean with.
    split
        A split of the preset's runs (:data:`SPLITS`).
    """

    outcome: str
    direction: Literal["up", "down"]
    change: Mapping[str, Any] = field(default_factory=dict)
    setting: Mapping[str, Any] = field(default_factory=dict)
    relative_to: Mapping[str, Any] | None = None
    versus: str | None = None
    level: float | None = None
    split: str | None = None

    def __post_init__(self) -> None:
        if self.outcome not in NUMBERS:
            raise ValueError(f"unknown outcome {self.outcome!r}")
        if self.direction not in ("up", "down"):
            raise ValueError(f"direction must be 'up' or 'down', not {self.direction!r}")
        kinds = [bool(self.change), self.versus is not None, self.level is not None]
        kinds.append(self.split is not None)
        if sum(kinds) != 1:
            raise ValueError("a claim is one of: change, versus, level, split")
        if self.relative_to is not None and not self.change:
            raise ValueError("relative_to needs a change")
        if self.versus is not None and self.versus not in PRESET_NAMES:
            raise ValueError(f"unknown preset {self.versus!r}")
        if self.split is not None and self.split not in SPLITS:
            raise ValueError(f"unknown split {self.split!r}")
        levers = [self.change, self.setting, self.relative_to or {}]
        for name in (name for group in levers for name in group):
            if name not in LEVERS:
                raise ValueError(f"{name!r} is not a lever of the app")
        object.__setattr__(self, "change", _frozen(self.change))
        object.__setattr__(self, "setting", _frozen(self.setting))
        if self.relative_to is not None:
            object.__setattr__(self, "relative_to", _frozen(self.relative_to))

    @property
    def kind(self) -> str:
        """``"change"``, ``"interaction"``, ``"versus"``, ``"level"`` or ``"split"``."""
        if self.change:
            return "change" if self.relative_to is None else "interaction"
        if self.versus is not None:
            return "versus"
        return "level" if self.level is not None else "split"

    def holds(self, estimate: Estimate) -> bool:
        """The estimate's whole 95 % interval lies on the claim's side (of zero, or of
        ``level``)."""
        edge = self.level if self.level is not None else 0.0
        return estimate.low > edge if self.direction == "up" else estimate.high < edge

    def describe(self, preset: str) -> str:
        """The claim in words (for tables and test ids)."""
        word = "rises" if self.direction == "up" else "falls"
        what = NUMBERS[self.outcome].label
        setting = f" (with {_levers(self.setting)})" if self.setting else ""
        if self.kind == "change":
            return f"{preset}{setting}: {_levers(self.change)} -> {what} {word}"
        if self.kind == "interaction":
            assert self.relative_to is not None
            return (
                f"{preset}: {_levers(self.change)} -> {what} {word} more with "
                f"{_levers(self.setting)} than with {_levers(self.relative_to)}"
            )
        if self.kind == "versus":
            higher = "higher" if self.direction == "up" else "lower"
            return f"{preset}: {what} {higher} than in {self.versus}"
        if self.kind == "level":
            side = "above" if self.direction == "up" else "below"
            shown = (
                f"{self.level:.0%}" if NUMBERS[self.outcome].kind == "share" else f"{self.level:g}"
            )
            return f"{preset}{setting}: {what} {side} {shown}"
        higher = "higher" if self.direction == "up" else "lower"
        return f"{preset}: {what} {higher} where blame met most of the first setbacks"


def _levers(levers: Mapping[str, Any]) -> str:
    return ", ".join(f"{name} {value}" for name, value in levers.items())


class Runs:
    """Simulated runs of presets with levers set, each simulated once (a cache).

    Every run uses the same root seed, so replicate ``k`` of any two scenarios share their random
    numbers (common random numbers).
    """

    def __init__(self, replicates: int = REPLICATES, seed: int = SEED) -> None:
        self.replicates = replicates
        self.seed = seed
        self._cache: dict[tuple[str, tuple[tuple[str, Any], ...]], Results] = {}

    def __call__(self, preset: str, levers: Mapping[str, Any] | None = None) -> Results:
        """The runs of ``preset`` with ``levers`` set."""
        from cisim.model.scenario import Scenario
        from cisim.study.simulate import simulate

        key = (preset, tuple(sorted((levers or {}).items())))
        if key not in self._cache:
            scenario = Scenario.preset(preset).replace(**dict(levers or {}))
            self._cache[key] = simulate(scenario, self.replicates, self.seed)
        return self._cache[key]

    def values(self, preset: str, levers: Mapping[str, Any], outcome: str) -> np.ndarray:
        """One value of ``outcome`` per run (regimes as indicators, times censored)."""
        from cisim.model.outcomes import values

        results = self(preset, levers)
        return values(results.summary, outcome, results.scenario.horizon_months)


def measure(preset: str, claim: Claim, runs: Runs | None = None) -> Estimate:
    """The claim's estimate with its 95 % interval (see :meth:`Claim.holds`)."""
    runs = runs if runs is not None else Runs()
    base = dict(claim.setting)
    if claim.kind in ("change", "interaction"):
        effect = _effect(runs, preset, base, claim.change, claim.outcome)
        if claim.relative_to is None:
            return mean_ci(effect)
        other = _effect(runs, preset, dict(claim.relative_to), claim.change, claim.outcome)
        return mean_ci(effect - other)
    mine = runs.values(preset, base, claim.outcome)
    if claim.kind == "versus":
        assert claim.versus is not None
        return mean_ci(mine - runs.values(claim.versus, {}, claim.outcome))
    if claim.kind == "level":
        return mean_ci(mine)
    early = early_blame(runs(preset, base))
    return _two_groups(mine[early == 1], mine[early == 0])


def _effect(
    runs: Runs, preset: str, base: dict[str, Any], change: Mapping[str, Any], outcome: str
) -> np.ndarray:
    before = runs.values(preset, base, outcome)
    after = runs.values(preset, {**base, **change}, outcome)
    return after - before


def early_blame(results: Results) -> np.ndarray:
    """Per run: 1 when most of its first :data:`FIRST_SETBACKS` setbacks were met by blame (as the
    regime rule counts a setback), 0 when most were met by learning, NaN without a setback or
    with an even split."""
    from cisim.model.regimes import met_by_blame

    learning = np.asarray(results.arrays["learning_responses"], dtype=float)
    blame = np.asarray(results.arrays["blame_responses"], dtype=float)
    out = np.full(learning.shape[1], np.nan)
    for run in range(learning.shape[1]):
        met = learning[:, run] + blame[:, run] > 0
        first = met_by_blame(learning[met, run], blame[met, run])[:FIRST_SETBACKS]
        if first.size and first.mean() != 0.5:
            out[run] = float(first.mean() > 0.5)
    return out


def _two_groups(a: np.ndarray, b: np.ndarray) -> Estimate:
    """Mean of ``a`` minus mean of ``b`` (independent groups), with a normal 95 % interval."""
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    diff = float(a.mean() - b.mean())
    se = float(np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b)))
    return Estimate(diff, diff - Z95 * se, diff + Z95 * se)

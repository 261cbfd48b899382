"""Where a collaboration stands: its current phase and, once it is clear, its regime.

The *phase* is read from the state each month: searching for an entry point, working on a joint
task, stuck (as :func:`cisim.model.mechanisms.adaptation.stuck` defines it: two setbacks in a row,
open conflict, or a year of frustrated talk) or come apart. The phase's words
(:data:`PHASE_WORDS`) are never a regime's words (:data:`REGIME_WORDS`: a learning journey, a
blame game, stalled, dissolved), so a status line never says "stalled" twice over.

The *regime* (:mod:`cisim.model.regimes`) is a verdict on a whole run. Part way through, the app
says what the run looks like once the evidence is clear: dissolved; a blame game when at least
``regime_blame_share`` of the setbacks of the last ``regime_window_months`` months, and at least
:data:`MIN_SETBACKS` of them, were met by blame as the regime rule counts them; a learning journey
when progress has reached ``regime_min_progress`` and blame met fewer of those setbacks.
At the horizon the verdict is :func:`cisim.model.regimes.classify`'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from cisim.model.mechanisms.adaptation import stuck
from cisim.model.regimes import Thresholds, classify, met_by_blame
from cisim.model.scenario import Scenario
from cisim.model.state import State

__all__ = ["MIN_SETBACKS", "PHASE_WORDS", "REGIME_WORDS", "Verdict", "phase", "verdict"]

#: Setbacks answered before a blame game can be called.
MIN_SETBACKS = 3
REGIME_WORDS = {
    "learning_journey": "a learning journey",
    "blame_game": "a blame game",
    "stalled": "stalled",
    "dissolved": "dissolved",
}
#: The phases, in words (none of them a regime's words).
PHASE_WORDS = {
    "searching": "searching for an entry point",
    "working": "working on a joint task",
    "stuck": "stuck",
    "apart": "come apart",
}
ROW = 0


def phase(st: State) -> str:
    """The collaboration's phase this month, in words."""
    if not st.alive[ROW]:
        return PHASE_WORDS["apart"]
    if stuck(
        st.entry_found[ROW],
        st.month,
        st.frustration[ROW],
        st.active[ROW],
        st.setbacks_in_row[ROW],
        st.conflict[ROW],
    ):
        return PHASE_WORDS["stuck"]
    if not st.entry_found[ROW]:
        return PHASE_WORDS["searching"]
    return PHASE_WORDS["working"]


@dataclass(frozen=True)
class Verdict:
    """What the run looks like so far.

    Attributes
    ----------
    regime
        A regime of :data:`cisim.model.regimes.REGIMES`, or ``None`` while it is not yet clear.
    final
        The run is over (dissolved or at its horizon): the verdict is the model's.
    reason
        Why, in words.
    """

    regime: str | None
    final: bool
    reason: str

    @property
    def words(self) -> str:
        """``"looks like a blame game"``, ``"ended: a learning journey"``, ``"not clear yet"``."""
        if self.regime is None:
            return "not clear yet"
        lead = "ended:" if self.final else "looks like"
        return f"{lead} {REGIME_WORDS[self.regime]}"


def verdict(series: Mapping[str, Sequence[float]], scenario: Scenario, *, over: bool) -> Verdict:
    """The verdict on a run from its metric series so far (month 0 first).

    Parameters
    ----------
    series
        Metric name -> values by month (the DataCollector's ``model_vars``).
    scenario
        The scenario run (its regime thresholds).
    over
        The run has ended (dissolved or reached its horizon).
    """
    window = int(scenario.regime_window_months)
    learning = np.asarray(series["learning_responses"], dtype=float)[-window:]
    blame = np.asarray(series["blame_responses"], dtype=float)[-window:]
    met = learning + blame > 0
    setbacks = int(np.count_nonzero(met))
    share = float(met_by_blame(learning[met], blame[met]).mean()) if setbacks else 0.0
    told = f"blame met {share:.0%} of the last {setbacks} setbacks"
    if over or not series["running"][-1]:
        return _final(series, scenario, told)
    if not series["entry_found"][-1]:
        return Verdict(None, False, "still searching for an entry point")
    if setbacks >= MIN_SETBACKS and share >= scenario.regime_blame_share:
        return Verdict("blame_game", False, told)
    progress = float(series["progress"][-1])
    if progress >= scenario.regime_min_progress and share < scenario.regime_blame_share:
        return Verdict("learning_journey", False, f"progress {progress:.0%}; {told}")
    return Verdict(None, False, f"progress {progress:.0%}; {told}")


def _final(series: Mapping[str, Sequence[float]], scenario: Scenario, told: str) -> Verdict:
    arrays = {name: np.asarray(values, dtype=float)[:, None] for name, values in series.items()}
    regime = str(classify(arrays, Thresholds.of(scenario))[0])
    return Verdict(regime, True, told)

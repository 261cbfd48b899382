"""Analyses of a sweep: regime shares, paired effects, trajectories, survival, early signs, phase
diagrams, Sobol and Morris sensitivity with each parameter's effect beside its indices, regional
sensitivity of the regime, scenario discovery, and (a nested sweep) who is at the table: the
variance of the regime split into parameters, structure, history and their interaction.

Each analysis is a plain function of the sweep's tables (``design``, ``runs``, ``trajectories``;
see :mod:`cisim.analysis.tables`) returning a DataFrame or a small result object, with a
``*_figure`` function drawing it. :func:`analyze` runs every analysis that applies to a design and
writes the tables and figures; :func:`summarise_text` prints its key numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cisim import _lazy

if TYPE_CHECKING:
    from cisim.analysis.decomposition import (
        conditions_decomposition,
        point_decompositions,
        regime_decomposition,
    )
    from cisim.analysis.discovery import PrimResult, discover, prim
    from cisim.analysis.early import early_prediction, warning_list
    from cisim.analysis.effects import condition_effects, paired_effects
    from cisim.analysis.key_numbers import summarise_text
    from cisim.analysis.morris import morris_indices
    from cisim.analysis.phase import phase_table
    from cisim.analysis.pipeline import AnalysisOptions, analyze
    from cisim.analysis.regional import RegionalResult, regional_sensitivity
    from cisim.analysis.sensitivity import SensitivityResult
    from cisim.analysis.sensitivity_effects import design_effects
    from cisim.analysis.shares import regime_shares
    from cisim.analysis.sobol import sobol_indices
    from cisim.analysis.survival import kaplan_meier, survival_curves
    from cisim.analysis.tables import OUTCOMES, SweepMeta
    from cisim.analysis.trajectories import event_timing, regime_trajectories

#: Each public name and its module, imported on first use (so that reading a report or the
#: command line's parser does not import scipy, scikit-learn and the engine).
_LAZY: dict[str, str] = {
    "AnalysisOptions": "cisim.analysis.pipeline",
    "analyze": "cisim.analysis.pipeline",
    "conditions_decomposition": "cisim.analysis.decomposition",
    "point_decompositions": "cisim.analysis.decomposition",
    "regime_decomposition": "cisim.analysis.decomposition",
    "PrimResult": "cisim.analysis.discovery",
    "discover": "cisim.analysis.discovery",
    "prim": "cisim.analysis.discovery",
    "early_prediction": "cisim.analysis.early",
    "warning_list": "cisim.analysis.early",
    "condition_effects": "cisim.analysis.effects",
    "paired_effects": "cisim.analysis.effects",
    "summarise_text": "cisim.analysis.key_numbers",
    "morris_indices": "cisim.analysis.morris",
    "phase_table": "cisim.analysis.phase",
    "RegionalResult": "cisim.analysis.regional",
    "regional_sensitivity": "cisim.analysis.regional",
    "SensitivityResult": "cisim.analysis.sensitivity",
    "design_effects": "cisim.analysis.sensitivity_effects",
    "regime_shares": "cisim.analysis.shares",
    "sobol_indices": "cisim.analysis.sobol",
    "kaplan_meier": "cisim.analysis.survival",
    "survival_curves": "cisim.analysis.survival",
    "OUTCOMES": "cisim.analysis.tables",
    "SweepMeta": "cisim.analysis.tables",
    "event_timing": "cisim.analysis.trajectories",
    "regime_trajectories": "cisim.analysis.trajectories",
}

__all__ = [
    "OUTCOMES",
    "AnalysisOptions",
    "PrimResult",
    "RegionalResult",
    "SensitivityResult",
    "SweepMeta",
    "analyze",
    "condition_effects",
    "conditions_decomposition",
    "design_effects",
    "discover",
    "early_prediction",
    "event_timing",
    "kaplan_meier",
    "morris_indices",
    "paired_effects",
    "phase_table",
    "point_decompositions",
    "prim",
    "regime_decomposition",
    "regime_shares",
    "regime_trajectories",
    "regional_sensitivity",
    "sobol_indices",
    "summarise_text",
    "survival_curves",
    "warning_list",
]


__getattr__ = _lazy.attributes(__name__, _LAZY, globals())

"""cisim: how cross-sector collaborations become learning journeys or blame games.

The public API::

    import cisim
    results = cisim.simulate(cisim.Scenario.preset("baseline"), replicates=200, seed=1)
    results.summary, results.trajectories

``cisim.CollaborationModel`` is the Mesa face (imported on first use, so that importing cisim
does not import Mesa).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cisim._version import __version__
from cisim.errors import CisimError, ConfigError, FileFormatError
from cisim.model.metrics import REGISTRY as METRICS
from cisim.model.regimes import REGIMES
from cisim.model.roster import Organisation, Relationship, Roster
from cisim.model.scenario import PRESET_NAMES, Scenario
from cisim.study.compare import Comparison, compare
from cisim.study.options import OptionRanking, options
from cisim.study.simulate import Results, simulate

if TYPE_CHECKING:
    from cisim.engine.mesa_model import CollaborationModel

__all__ = [
    "METRICS",
    "PRESET_NAMES",
    "REGIMES",
    "CisimError",
    "CollaborationModel",
    "Comparison",
    "ConfigError",
    "FileFormatError",
    "OptionRanking",
    "Organisation",
    "Relationship",
    "Results",
    "Roster",
    "Scenario",
    "__version__",
    "compare",
    "options",
    "simulate",
]


def __getattr__(name: str) -> Any:
    if name == "CollaborationModel":
        from cisim.engine.mesa_model import CollaborationModel

        return CollaborationModel
    raise AttributeError(f"module 'cisim' has no attribute {name!r}")

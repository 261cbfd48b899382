"""cisim: how cross-sector collaborations become learning journeys or blame games.

The public API::

    import cisim
    results = cisim.simulate(cisim.Scenario.preset("baseline"), replicates=200, seed=1)
    results.summary, results.trajectories

Every public name is imported on first use (PEP 562), so that ``import cisim`` and the command
line's quick commands (``cisim --help``, ``presets``, ``validate``) do not pay for the compiled
engine, pandas or Mesa they do not use; ``cisim.CollaborationModel`` is the Mesa face.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cisim import _lazy
from cisim._version import __version__
from cisim.errors import CisimError, ConfigError, FileFormatError

if TYPE_CHECKING:
    from cisim.engine.mesa_model import CollaborationModel
    from cisim.model.metrics import REGISTRY as METRICS
    from cisim.model.regimes import REGIMES
    from cisim.model.roster import Organisation, Relationship, Roster
    from cisim.model.scenario import PRESET_NAMES, Scenario
    from cisim.study.compare import Comparison, compare
    from cisim.study.options import OptionRanking, options
    from cisim.study.simulate import Results, simulate

#: Each lazily imported public name and its module (``module:name`` where the name differs).
_LAZY: dict[str, str] = {
    "METRICS": "cisim.model.metrics:REGISTRY",
    "REGIMES": "cisim.model.regimes",
    "Organisation": "cisim.model.roster",
    "Relationship": "cisim.model.roster",
    "Roster": "cisim.model.roster",
    "PRESET_NAMES": "cisim.model.scenario",
    "Scenario": "cisim.model.scenario",
    "Comparison": "cisim.study.compare",
    "compare": "cisim.study.compare",
    "OptionRanking": "cisim.study.options",
    "options": "cisim.study.options",
    "Results": "cisim.study.simulate",
    "simulate": "cisim.study.simulate",
    "CollaborationModel": "cisim.engine.mesa_model",
}

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


__getattr__ = _lazy.attributes(__name__, _LAZY, globals())

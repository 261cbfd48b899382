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

import importlib
from typing import TYPE_CHECKING, Any

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

#: Each lazily imported public name: (module, name in that module).
_LAZY: dict[str, tuple[str, str]] = {
    "METRICS": ("cisim.model.metrics", "REGISTRY"),
    "REGIMES": ("cisim.model.regimes", "REGIMES"),
    "Organisation": ("cisim.model.roster", "Organisation"),
    "Relationship": ("cisim.model.roster", "Relationship"),
    "Roster": ("cisim.model.roster", "Roster"),
    "PRESET_NAMES": ("cisim.model.scenario", "PRESET_NAMES"),
    "Scenario": ("cisim.model.scenario", "Scenario"),
    "Comparison": ("cisim.study.compare", "Comparison"),
    "compare": ("cisim.study.compare", "compare"),
    "OptionRanking": ("cisim.study.options", "OptionRanking"),
    "options": ("cisim.study.options", "options"),
    "Results": ("cisim.study.simulate", "Results"),
    "simulate": ("cisim.study.simulate", "simulate"),
    "CollaborationModel": ("cisim.engine.mesa_model", "CollaborationModel"),
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


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'cisim' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value  # the next lookup finds it directly
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

"""Shared helpers of the sweep tests: tiny experiments of every design kind, written to files.

Every experiment runs the baseline for 12 months with few replicates, so a whole sweep takes well
under a second serially.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

HEAD = """
base = "baseline"
seed = 11
[constants]
horizon_months = 12
"""

#: A tiny experiment of each design kind (the keys a test may add go before the tables).
DESIGNS: dict[str, str] = {
    "factorial": """
name = "tiny_factorial"
design = "factorial"
replicates = 3
batch_size = 4
"""
    + HEAD
    + """
[levers]
navigator = [0, 1]
[uncertainties]
entry_point = ["search", "designed"]
""",
    "lhs": """
name = "tiny_lhs"
design = "lhs"
samples = 6
replicates = 2
batch_size = 5
"""
    + HEAD
    + """
[levers]
navigator = { low = 0, high = 3 }
[uncertainties]
initial_trust = { low = 0.2, high = 0.8 }
entry_point = { levels = ["search", "designed"] }
""",
    "sobol": """
name = "tiny_sobol"
design = "sobol"
samples = 4
replicates = 2
batch_size = 6
"""
    + HEAD
    + """
[uncertainties]
initial_trust = { low = 0.2, high = 0.8 }
turnover = { low = 0.0, high = 0.1 }
""",
    "morris": """
name = "tiny_morris"
design = "morris"
samples = 3
replicates = 2
batch_size = 7
"""
    + HEAD
    + """
[levers]
navigator = { low = 0, high = 2 }
[uncertainties]
initial_trust = { low = 0.2, high = 0.8 }
""",
}

ISHIGAMI = """
name = "ishigami"
model = "ishigami"
design = "sobol"
samples = 8
replicates = 2
seed = 3
batch_size = 10
[constants]
noise = 0.5
[uncertainties]
x1 = { low = -3.14159, high = 3.14159 }
x2 = { low = -3.14159, high = 3.14159 }
x3 = { low = -3.14159, high = 3.14159 }
"""

WriteExperiment = Callable[..., Path]


@pytest.fixture
def write_experiment(tmp_path: Path) -> WriteExperiment:
    """Write experiment text to ``tmp_path / name`` and return the path."""

    def write(text: str, name: str = "experiment.toml") -> Path:
        path = tmp_path / name
        path.write_text(text.lstrip(), encoding="utf-8")
        return path

    return write

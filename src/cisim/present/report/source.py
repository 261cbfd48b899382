"""What the report is about: the experiment's words and settings, besides the analysis summary."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from cisim.study.sweeps.factors import Factor
    from cisim.study.sweeps.results import SweepResults

#: The experiment's factor roles (its table names) as the report words them.
ROLE = {"levers": "lever", "uncertainties": "uncertainty"}


@dataclass(frozen=True, kw_only=True)
class ReportSource:
    """What the report says about the sweep besides the analysis summary.

    Attributes
    ----------
    name, question, description
        The experiment's words.
    text
        The experiment file, verbatim.
    manifest
        The sweep's manifest (versions, commit, sessions, seed, fingerprint).
    model, design, samples, replicates, seed, base
        The experiment's settings.
    populations, histories
        A nested experiment's populations and histories per point (``None`` for replicates).
    factors
        The varied parameters (levers, then uncertainties).
    constants, settings
        The experiment's constants, and every fixed parameter of the runs.
    design_table, runs
        The sweep's tables (for effects over a factor's whole range); may be ``None``.
    """

    name: str
    question: str
    description: str = ""
    text: str = ""
    manifest: Mapping[str, Any] = field(default_factory=dict)
    model: str = "cisim"
    design: str = "factorial"
    samples: int | None = None
    replicates: int = 1
    populations: int | None = None
    histories: int | None = None
    seed: int = 0
    base: str | None = None
    factors: tuple[Factor, ...] = ()
    constants: Mapping[str, Any] = field(default_factory=dict)
    settings: Mapping[str, Any] = field(default_factory=dict)
    design_table: pd.DataFrame | None = None
    runs: pd.DataFrame | None = None

    @classmethod
    def from_sweep(cls, sweep: SweepResults) -> ReportSource:
        """The report source of a sweep read with :func:`cisim.study.sweeps.load`."""
        ex = sweep.experiment
        return cls(
            name=ex.name,
            question=ex.question,
            description=ex.description,
            text=ex.toml,
            manifest=sweep.manifest,
            model=ex.model,
            design=ex.design,
            samples=ex.samples,
            replicates=ex.replicates,
            populations=ex.populations,
            histories=ex.histories,
            seed=ex.seed,
            base=ex.base_ref,
            factors=ex.factors,
            constants=dict(ex.constants),
            settings=dict(ex.settings),
            design_table=sweep.design,
            runs=sweep.runs,
        )

    @property
    def title(self) -> str:
        """The question, or failing that the description or the name."""
        return self.question or self.description or f"Experiment {self.name}"

    def role(self, name: str) -> str:
        """``lever`` or ``uncertainty`` (empty if the parameter is not a factor)."""
        roles = {f.name: ROLE.get(f.role, f.role) for f in self.factors}
        return roles.get(name, "")

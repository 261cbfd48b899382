"""Adapters that let other tools drive cisim.

- :mod:`cisim.interop.ema`: cisim as an EMA Workbench ``ReplicatorModel``
  (``pip install "cisim-collab[ema]"``; see ``docs/interop.md``).

The Mesa face needs no adapter: :class:`cisim.CollaborationModel` is a :class:`mesa.Model` that
takes the scenario parameters as keywords and ``rng``, so ``mesa.batch_run`` drives it directly.
Importing this package imports neither the EMA Workbench nor Mesa.
"""

from __future__ import annotations

from cisim.interop.ema import (
    OUTCOMES,
    ema_model,
    ema_parameter,
    ema_parameters,
    replication_seeds,
    run,
)

__all__ = [
    "OUTCOMES",
    "ema_model",
    "ema_parameter",
    "ema_parameters",
    "replication_seeds",
    "run",
]

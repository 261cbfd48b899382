"""The model: what a collaboration is and the rules it follows.

Parameters and scenarios (:mod:`~cisim.model.parameters`, :mod:`~cisim.model.scenario`,
:mod:`~cisim.model.roster`, the presets), the initial population and network
(:mod:`~cisim.model.population`, :mod:`~cisim.model.network`), the state and its random streams
(:mod:`~cisim.model.state`, :mod:`~cisim.model.streams`), the mechanisms of the monthly step
(:mod:`cisim.model.mechanisms`), and what is measured of a run (:mod:`~cisim.model.metrics` month
by month, :mod:`~cisim.model.regimes` and :mod:`~cisim.model.outcomes` over the whole run).
"""

"""Studies: running the model many times and comparing conditions.

:func:`~cisim.study.simulate.simulate` (replicates of one scenario),
:func:`~cisim.study.compare.compare` and :func:`~cisim.study.options.options` (paired comparisons
with common random numbers), and :mod:`cisim.study.sweeps` (experiments: designs, executors and
the store).
"""

"""When do worker processes pay off for cisim.compare and cisim.options?

Times :func:`cisim.study.compare.run_scenarios` on two scenarios (the baseline and the baseline
with a navigator, 120 months) serially and on two spawned worker processes, for a growing number
of replicates, alternately in the same process after one warm-up. A pool's fixed cost is starting
each worker (Python, ``import cisim``, loading the compiled engine); the serial cost grows with
the runs. The crossover is where :data:`cisim.study.workers.SERIAL_BELOW_RUN_MONTHS` is set.

Measured on the project's two-core machine, shared with other jobs (``--runs 1``):

============  ===========  ===========  ==============
runs          serial       2 workers    load average
============  ===========  ===========  ==============
100           0.21 s       4.09 s       about 3
500           0.59 s       4.79 s       about 3
1,000         1.40 s       5.77 s       about 3
2,500         3.05 s       7.95 s       about 3
10,000        56.5 s       57.8 s       about 10
============  ===========  ===========  ==============

Two workers start in about 4 s; a run of 120 months costs about 1.2 ms serially on an idle core.
With two cores the pool can at best halve the serial time, so it pays off beyond about
4 s / (1.2 ms / 2), some 7,000 runs of 120 months: the threshold is 1.2 million run-months
(10,000 runs of 120 months), where the two were level even under load.

Usage::

    .venv/bin/python benchmarks/bench_workers.py [REPLICATES ...]   # default 50 250 500 1250
"""

from __future__ import annotations

import sys
import time


def main(counts: list[int]) -> None:
    import cisim
    from cisim.engine import warm
    from cisim.study.compare import run_scenarios

    warm()
    base = cisim.Scenario.preset("baseline")
    other = base.replace(navigator=1)
    run_scenarios([base, other], 10, 1, 1)  # warm-up
    for replicates in counts:
        seconds = []
        for workers in (1, 2):
            start = time.perf_counter()
            run_scenarios([base, other], replicates, 1, workers)
            seconds.append(time.perf_counter() - start)
        print(
            f"{2 * replicates:>7,} runs: serial {seconds[0]:6.2f} s, 2 workers {seconds[1]:6.2f} s",
            flush=True,
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [50, 250, 500, 1250])

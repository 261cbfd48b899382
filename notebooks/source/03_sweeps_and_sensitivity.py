# %% [markdown]
# # 3. Sweeps and sensitivity from a notebook
#
# Notebook 2 compared a handful of options. To see which conditions matter *across* many
# collaborations, sweep the parameters: a **Sobol sensitivity analysis** apportions the variance
# of the share of learning journeys to each parameter, alone and through interactions, and a
# **phase diagram** maps where collaborations tip from learning journeys to blame games.
#
# Both use the sweep engine and store of `cisim sweep`: an experiment file, runs cut into tasks
# sent to worker processes, results written as Parquet shards in a directory that can be resumed,
# and the analyses of `cisim.analysis`. Everything here can also be run from the command line:
#
# ```
# cisim sweep experiment.toml --out results/my_sweep --workers 2
# cisim analyze results/my_sweep
# ```

# %% tags=["parameters"]
# Parameters: CISIM_NOTEBOOK_SMALL=1 (what the tests set) makes every run small and quick.
import os

SMALL = os.environ.get("CISIM_NOTEBOOK_SMALL") == "1"
SOBOL_SAMPLES = 8 if SMALL else 64  # Sobol base sample N (a power of two)
SOBOL_REPLICATES = 4 if SMALL else 10  # replicates per design point
BOOTSTRAP = 10 if SMALL else 30  # outer (replicate) bootstrap resamples of the indices
PHASE_REPLICATES = 20 if SMALL else 80  # replicates per cell of the phase diagram
TRUST_LEVELS = [0.2, 0.5, 0.8] if SMALL else [0.2, 0.35, 0.5, 0.65, 0.8]
TURNOVER_LEVELS = [0.0, 0.04, 0.08] if SMALL else [0.0, 0.02, 0.04, 0.06, 0.08]
WORKERS = 2  # worker processes (spawned: safe in a notebook)
SEED = 2028
OUT = None  # a directory to keep the sweeps in (None: a fresh temporary directory)

# %%
# %matplotlib inline
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

from cisim.analysis.phase import phase_figure, phase_table
from cisim.analysis.sensitivity_figures import sobol_figure
from cisim.analysis.sobol import sobol_indices
from cisim.study.sweeps import Experiment, load, run_sweep, salib_problem

pd.set_option("display.precision", 3)
root = Path(OUT) if OUT else Path(tempfile.mkdtemp(prefix="cisim-notebook-03-"))
root.mkdir(parents=True, exist_ok=True)
root

# %% [markdown]
# ## 1. A Sobol analysis
#
# The experiment is a TOML file, exactly what `cisim sweep` reads: a base scenario, the ranges of
# the parameters to vary (`[uncertainties]`: what a collaboration cannot choose; `[levers]`: what
# it can), the design, its size, replicates and seed. Replicate `k` of every design point shares
# its random numbers (common random numbers).

# %%
sobol_toml = f"""
name = "notebook_sobol"
description = "Sobol indices of five parameters on the baseline"
base = "baseline"
design = "sobol"
samples = {SOBOL_SAMPLES}
replicates = {SOBOL_REPLICATES}
seed = {SEED}
trajectories = "none"

[levers]
data_use = {{ low = 0.0, high = 0.8 }}
community_engagement = {{ low = 0.0, high = 0.8 }}
aspiration = {{ low = 0.2, high = 0.8 }}

[uncertainties]
initial_trust = {{ low = 0.2, high = 0.8 }}
turnover = {{ low = 0.0, high = 0.08 }}
"""
sobol_file = root / "sobol.toml"
sobol_file.write_text(sobol_toml)
sobol_experiment = Experiment.from_toml(sobol_file)
print(f"{sobol_experiment.design} design: {len(sobol_experiment.factors)} parameters")

# %% [markdown]
# `run_sweep` is what `cisim sweep` calls: here on `WORKERS` spawned processes (spawned, not
# forked, so it is safe from Jupyter). Run it again on the same directory and it resumes: finished
# tasks are kept.

# %%
summary = run_sweep(sobol_experiment, root / "sobol", workers=WORKERS, progress=False)
print(f"{summary.runs} runs in {summary.tasks} tasks, {summary.seconds:.1f} s ({summary.rate:.0f} runs/s)")

# %%
sobol_runs = load(root / "sobol")
sobol_runs.runs.head()

# %% [markdown]
# The indices are computed on the expected outcome at each design point (its mean over the
# replicates), with the replicate noise removed per parameter and a two-level bootstrap for the
# intervals (`docs/sensitivity.md`). `S1` is a parameter's share of the variance alone; `ST`
# includes its interactions.

# %%
sobol = sobol_indices(
    sobol_runs.runs,
    salib_problem(sobol_runs.experiment),
    outcome_name="learning_journey",
    bootstrap=BOOTSTRAP,
    num_resamples=50,
    seed=SEED,
)
sobol.indices[["parameter", "S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"]].sort_values("ST", ascending=False)

# %%
sobol_figure(sobol)

# %% [markdown]
# The trust partners start with (`initial_trust`, an uncertainty) accounts for the largest share
# of the variance of the chance of a learning journey over these ranges; of the levers, shared
# measurement (`data_use`) accounts for the most.

# %%
ranked = sobol.indices.sort_values("ST", ascending=False)
assert list(ranked["parameter"])[0] == "initial_trust", ranked
levers = ranked[ranked["parameter"].isin(["data_use", "community_engagement", "aspiration"])]
assert list(levers["parameter"])[0] == "data_use", levers
assert set(ranked["parameter"]) == {"data_use", "community_engagement", "aspiration", "initial_trust", "turnover"}
assert ranked["ST"].notna().all()

# %% [markdown]
# ## 2. A phase diagram, through the command line
#
# This time the sweep runs through the `cisim sweep` command itself (`python -m cisim` is the
# same command), into the same kind of store: a full factorial grid of initial trust by turnover,
# with and without a navigator.

# %%
phase_toml = f"""
name = "notebook_phase"
description = "Learning journeys over initial trust x turnover, with and without a navigator"
base = "baseline"
design = "factorial"
replicates = {PHASE_REPLICATES}
seed = {SEED}
trajectories = "none"

[levers]
navigator = [0, 1]

[uncertainties]
initial_trust = {TRUST_LEVELS}
turnover = {TURNOVER_LEVELS}
"""
phase_file = root / "phase.toml"
phase_file.write_text(phase_toml)
command = [sys.executable, "-m", "cisim", "sweep", str(phase_file), "--out", str(root / "phase"), "--workers", str(WORKERS), "--no-progress"]
done = subprocess.run(command, capture_output=True, text=True, check=False)
print(done.stdout or done.stderr)
assert done.returncode == 0, done.stderr

# %%
phase_runs = load(root / "phase")
phase = phase_table(phase_runs.design, phase_runs.runs, "initial_trust", "turnover", facet="navigator")
phase.head()

# %%
phase_figure(phase, "initial_trust", "turnover", facet="navigator")

# %% [markdown]
# High trust with stable representatives gives more learning journeys than low trust with high
# turnover, with or without a navigator; and a navigator raises the share over the grid as a
# whole.

# %%
for navigator, cells in phase.groupby("navigator"):
    cells = cells.set_index(["initial_trust", "turnover"])["share"]
    best = cells.loc[(max(TRUST_LEVELS), min(TURNOVER_LEVELS))]
    worst = cells.loc[(min(TRUST_LEVELS), max(TURNOVER_LEVELS))]
    print(f"navigator {navigator}: {best:.0%} at high trust and no turnover, {worst:.0%} at low trust and high turnover")
    assert best > worst
overall = phase.groupby("navigator").apply(lambda c: c["count"].sum() / c["runs"].sum(), include_groups=False)
assert overall.loc[1] > overall.loc[0], overall
overall.rename("share of learning journeys")

# %% [markdown]
# ## Where next
#
# - The shipped studies in `experiments/` are larger versions of these (`sensitivity.toml`,
#   `phase_trust_turnover.toml`); `cisim sweep` and `cisim analyze` run them and write a report.
# - `cisim.analysis` has more: Morris screening, paired effects across a factorial design,
#   survival curves, early warning signs and scenario discovery.

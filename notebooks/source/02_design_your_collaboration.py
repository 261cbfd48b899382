# %% [markdown]
# # 2. Design your collaboration: Riverton's cabinet
#
# Riverton (a fictional city) is forming a cabinet for youth opportunity: fourteen organisations
# from City Hall to a neighbourhood association. Its program designers ask what a program
# designer always asks: *with these partners, this history and this turnover, would a navigator,
# a designed first project, more community engagement or better data change our odds?*
#
# This notebook
#
# 1. describes the cabinet in a **roster** (named organisations with their traits, and the
#    relationships the designers know of) and loads it as a scenario;
# 2. compares one change at a time with `cisim.compare`, which pairs every run with and without
#    the change on the same random numbers;
# 3. ranks a handful of options with `cisim.options`;
# 4. asks what happens if representatives turn over faster.
#
# The files are in `notebooks/data/`: `riverton.toml` (the scenario),
# `riverton_organisations.csv` and `riverton_relationships.csv` (the roster). Copy them to
# describe your own collaboration.

# %% tags=["parameters"]
# Parameters: CISIM_NOTEBOOK_SMALL=1 (what the tests set) makes every run small and quick.
import os

SMALL = os.environ.get("CISIM_NOTEBOOK_SMALL") == "1"
REPLICATES = 100 if SMALL else 400  # paired runs per comparison
SEED = 11  # the root seed shared by every scenario (common random numbers)
WORKERS = 1 if SMALL else 2  # worker processes for cisim.options (the numbers do not change)

# %%
# %matplotlib inline
import tempfile
from pathlib import Path

import pandas as pd

import cisim

pd.set_option("display.precision", 3)
pd.set_option("display.max_colwidth", 80)
DATA = Path("data")  # notebooks/data, relative to this notebook

# %% [markdown]
# ## 1. The roster
#
# One row per organisation: its name and sector, and what the designers know of its
# representative's **authority** (power to commit their organisation), its **capacity** (time and
# money it can put in), its **alignment** with the shared mission and its representatives'
# **turnover** (a monthly hazard of leaving). A blank cell takes the scenario's value.

# %%
pd.read_csv(DATA / "riverton_organisations.csv", keep_default_na=False)

# %% [markdown]
# One row per known relationship: the trust of `source` in `target` (0 to 1), whether they have
# worked together before (`prior`), and whether the trust is `mutual`. Northside's residents
# trust City Hall, the police and the housing authority less than those trust them: those rows
# are one-sided. Organisations with no listed relationship start with no tie.

# %%
pd.read_csv(DATA / "riverton_relationships.csv")

# %% [markdown]
# The scenario file names the two CSV files in its `[roster]` table and sets everything else:
# no navigator yet, searching for a first joint project, modest community engagement and data use.

# %%
print((DATA / "riverton.toml").read_text())

# %%
riverton = cisim.Scenario.from_toml(DATA / "riverton.toml")
print(riverton.n_organisations, "organisations:", ", ".join(riverton.roster.names))
assert riverton.network == "roster" and riverton.n_organisations == 14

# %% [markdown]
# ### Mistakes are caught, and located
#
# A roster with a typo is refused with an error naming the file, the row, the column, the value
# and what is allowed. Here the housing authority's sector is misspelt:

# %%
broken = Path(tempfile.mkdtemp()) / "cabinet.csv"
text = (DATA / "riverton_organisations.csv").read_text()
broken.write_text(text.replace("Riverton Housing Authority,public", "Riverton Housing Authority,publc"))
try:
    cisim.Roster.from_csv(broken)
except cisim.ConfigError as error:
    print(error)
    assert error.field == "sector" and "row 5" in str(error)
else:
    raise AssertionError("the typo was not caught")

# %% [markdown]
# ## 2. Riverton's odds as it stands

# %%
as_is = cisim.simulate(riverton, replicates=REPLICATES, seed=SEED)
as_is

# %% [markdown]
# ## 3. One change at a time: `cisim.compare`
#
# `cisim.compare(a, b)` runs both scenarios with the same seed. Replicate `k` of `a` and of `b`
# draw the same random numbers (who leaves when, how reviews turn out, ...), so each pair of runs
# differs only through the change, and the effect is the mean difference over the pairs: the
# luck both runs share cancels. Every effect comes with a 95% interval; blue means clearly up,
# orange clearly down (whether that is good depends on the outcome: fewer months to the first win
# is down), grey that the interval holds zero.
#
# ### A trusted navigator

# %%
navigator = cisim.compare(riverton, riverton.replace(navigator=1), replicates=REPLICATES, seed=SEED)
navigator

# %%
navigator.plot()

# %% [markdown]
# A navigator brokers relationships, repairs them and briefs and coaches new representatives:
# the cabinet finds its first project sooner, trust and progress end clearly higher, and more runs
# become learning journeys.

# %%
assert navigator.effect("final_trust").low > 0
assert navigator.effect("progress").low > 0
assert navigator.effect("months_to_entry_point").value < 0
assert navigator.effect("learning_journey").low > 0

# %% [markdown]
# ### A designed first project instead of searching for one
#
# With `entry_point = "designed"` the cabinet starts on a project fixed in advance (as Hartford's
# grant plan did) instead of searching for one it agrees on.

# %%
designed = cisim.compare(riverton, riverton.replace(entry_point="designed"), replicates=REPLICATES, seed=SEED)
designed

# %% [markdown]
# The first win comes years sooner and more runs become learning journeys. Searching, this cabinet
# takes a median of about two years to agree on a first project (an opening is taken up only if
# the partners trust the member who proposes it), and some runs never do: they stall. A project
# fixed in advance skips the search, so no run stalls; whether its setbacks are met by learning or
# by blame is still the partners' to decide.

# %%
assert designed.effect("months_to_first_win").high < 0
assert designed.effect("stalled").high < 0
assert designed.effect("learning_journey").low > 0
assert designed.effect("progress").low > 0

# %% [markdown]
# ## 4. Ranking options: `cisim.options`
#
# `cisim.options(base, changes)` makes one option per value (`{"navigator": [1]}` is the option
# "navigator = 1") or per named table of changes, runs each against the base on the same random
# numbers, and ranks them by their effect on the share of learning journeys. A smaller first
# project is a lower `aspiration` (the first task's scope grows with it).

# %%
ranking = cisim.options(
    riverton,
    {
        "navigator": [1],
        "entry_point": ["designed"],
        "community_engagement": [0.6],
        "data_use": [0.6],
        "aspiration": [0.3],
        "navigator, engagement and data": {"navigator": 1, "community_engagement": 0.6, "data_use": 0.6},
    },
    replicates=REPLICATES,
    seed=SEED,
    workers=WORKERS,
)
ranking

# %%
ranking.plot()

# %% [markdown]
# The table behind it, and the full comparison of any option:

# %%
ranking.table

# %%
ranking.comparisons["data_use = 0.6"]

# %% [markdown]
# A designed first project and a navigator are the strongest single levers in this cabinet (their
# intervals overlap: which comes first is not settled), and the package of three does better
# still; engagement and data each help too. A smaller first project (lower aspiration) changes
# little.

# %%
assert ranking.table["effect"].is_monotonic_decreasing
assert ranking.table.index[0] == "navigator, engagement and data"
assert set(ranking.table.index[1:3]) == {"navigator = 1", "entry_point = designed"}
assert (ranking.table.drop(index="aspiration = 0.3")["low"] > 0).all()
assert ranking.table.index[-1] == "aspiration = 0.3"

# %% [markdown]
# ## 5. What if representatives turn over faster?
#
# Riverton's representatives change about every three years (`turnover = 0.03` a month). What if
# they changed every year and a half? (The scenario's `turnover` applies to the organisations
# whose turnover the roster leaves blank: twelve of the fourteen.) Ask it twice: as things
# stand, and with a navigator.

# %%
faster = cisim.compare(riverton, riverton.replace(turnover=0.06), replicates=REPLICATES, seed=SEED)
faster

# %%
with_navigator = riverton.replace(navigator=1)
faster_with_navigator = cisim.compare(
    with_navigator, with_navigator.replace(turnover=0.06), replicates=REPLICATES, seed=SEED
)
faster_with_navigator

# %% [markdown]
# Faster turnover slows everything down (the first win comes later, progress is lower); with a
# navigator it also erodes the trust the navigator has built, since relationships are personal
# and leave with the people who hold them. Learning journeys fare otherwise. In the full run
# (400 pairs), faster turnover without a navigator costs learning journeys (the interval lies
# below zero); with a navigator the loss is smaller and its interval includes zero. The navigator
# briefs new representatives and coaches them out of the habit of blame, so its value grows with
# turnover (`experiments/README.md`, the flagship study).

# %%
assert faster.effect("months_to_first_win").value > 0
assert faster.effect("progress").high < 0
assert faster_with_navigator.effect("final_trust").high < 0
pd.DataFrame(
    {
        "as things stand": faster.table["effect"],
        "with a navigator": faster_with_navigator.table["effect"],
    }
)

# %% [markdown]
# ## Reading the results
#
# - Each effect is the model's answer under its assumptions (`docs/ODD.md`), with the interval
#   saying how sure the simulation is, not how sure the world is.
# - Change `REPLICATES` for narrower intervals; change `SEED` to check that a conclusion does not
#   hang on one set of random numbers.
# - To describe your own collaboration, copy the three files in `notebooks/data/`, edit them, and
#   point `cisim.Scenario.from_toml` at your copy.

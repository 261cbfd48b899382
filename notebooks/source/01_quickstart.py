# %% [markdown]
# # 1. Quickstart: learning journeys and blame games
#
# cisim simulates a cross-sector collaboration (a city's public agencies, businesses, nonprofits,
# community groups and funders working on one problem) month by month, and classifies how each
# run ends:
#
# - **learning journey**: setbacks were met mostly by learning, and the collaboration made
#   progress;
# - **blame game**: in its closing years (the last `regime_window_months`, four years by
#   default), at least half of its setbacks were met by blame (more of the members who responded
#   blamed a partner than learned; an even split counts half);
# - **stalled**: no entry point (a first joint project) was found, or no progress was made;
# - **dissolved**: the collaboration came apart (fewer than two members were left).
#
# This notebook runs a preset scenario many times, looks at how often each regime comes out and
# how the runs unfold, and then reads one learning journey and one blame game month by month.
# Every number comes from the model; `docs/ODD.md` describes its rules and their sources.

# %% tags=["parameters"]
# Parameters: CISIM_NOTEBOOK_SMALL=1 (what the tests set) makes every run small and quick.
import os

SMALL = os.environ.get("CISIM_NOTEBOOK_SMALL") == "1"
REPLICATES = 60 if SMALL else 400  # runs per scenario
SEED = 2026  # the root seed: the same seed gives the same numbers

# %%
# %matplotlib inline
import pandas as pd

import cisim
from cisim.present.figures import BLAME, LEARNING, PROGRESS, TRUST, regime_figure, regime_shares_figure
from cisim.present.runs import comparison_table

pd.set_option("display.precision", 3)
pd.set_option("display.max_colwidth", 120)
cisim.__version__

# %% [markdown]
# ## The presets
#
# A scenario holds every parameter of a collaboration. Five presets come with cisim: a middling
# `baseline`, a `strong_start`, and three drawn from the cases the model is built on.

# %%
pd.DataFrame(
    {name: cisim.Scenario.preset(name).description for name in cisim.PRESET_NAMES}.items(),
    columns=["preset", "description"],
).set_index("preset")

# %% [markdown]
# ## Run a preset
#
# `cisim.simulate` runs `REPLICATES` replicates of one scenario. Replicate `k` always draws the
# same random numbers under the same seed, so the results are reproducible, and replicate `k` of
# two different scenarios shares its luck (common random numbers: see notebook 2).

# %%
baseline = cisim.Scenario.preset("baseline")
results = cisim.simulate(baseline, replicates=REPLICATES, seed=SEED)
results

# %% [markdown]
# `results.summary` has one row per run: its regime and outcomes such as final progress, final
# trust, and the months it took to find an entry point and to win for the first time (empty when
# it never happened).

# %%
results.summary.head()

# %%
shares = results.regime_shares()
shares.to_frame()

# %% [markdown]
# The baseline is built so that neither regime is foregone: both learning journeys and blame
# games are common.

# %%
assert abs(shares.sum() - 1) < 1e-12
assert shares["learning_journey"] > 0.15 and shares["blame_game"] > 0.15, shares

# %% [markdown]
# ## All presets side by side
#
# The whiskers are 95% Wilson intervals of each boundary between regimes.

# %%
all_results = [
    cisim.simulate(cisim.Scenario.preset(name), replicates=REPLICATES, seed=SEED)
    for name in cisim.PRESET_NAMES
]
table = comparison_table(all_results)
table[["learning_journey_share", "blame_game_share", "mean_progress", "mean_final_trust"]]

# %%
regime_shares_figure(table)

# %% [markdown]
# A strong start (prior relationships, a navigator, engagement, data and joint work) gives more
# learning journeys than the baseline:

# %%
assert table.loc["strong_start", "learning_journey_share"] > table.loc["baseline", "learning_journey_share"]

# %% [markdown]
# ## Trajectories
#
# `results.trajectories` holds every metric of every run, month by month (one row per run and
# month). The figures split the runs by the regime they ended in: the mean and the band holding
# the middle half of the runs.

# %%
results.trajectories[["replicate", "month", "mean_trust", "progress", "blame_responses"]].head()

# %%
regime_figure(results.summary, results.trajectories, [TRUST, PROGRESS], title="Trust and progress", name="baseline")

# %%
regime_figure(results.summary, results.trajectories, [LEARNING, BLAME], title="Responses to setbacks", name="baseline")

# %% [markdown]
# Learning journeys end with more trust and more progress than blame games:

# %%
by_regime = results.summary.groupby("regime", observed=True)[["final_trust", "progress"]].mean()
assert by_regime.loc["learning_journey", "final_trust"] > by_regime.loc["blame_game", "final_trust"]
assert by_regime.loc["learning_journey", "progress"] > by_regime.loc["blame_game", "progress"]
by_regime

# %% [markdown]
# ## One learning journey and one blame game, month by month
#
# Take the first run of each regime and read what happened in it. `story` lists the months in
# which something happened: the entry point was found, a review was a win, members learned from a
# setback or blamed a partner, representatives left, members left.


# %%
def story(results: cisim.Results, replicate: int) -> pd.DataFrame:
    """The months of one run in which something happened, in words."""
    run = results.trajectories[results.trajectories["replicate"] == replicate].set_index("month")
    lines = {}
    for month in run.index[1:]:
        now, before = run.loc[month], run.loc[month - 1]
        events = []
        if now["entry_found"] > before["entry_found"]:
            events.append("entry point found")
        if now["wins"] > before["wins"]:
            events.append(f"a win (win {int(now['wins'])})")
        if now["learning_responses"] > 0:
            events.append(f"{int(now['learning_responses'])} learned from a setback")
        if now["blame_responses"] > 0:
            events.append(f"{int(now['blame_responses'])} blamed a partner")
        if now["turnover_events"] > 0:
            events.append(f"{int(now['turnover_events'])} representative(s) left")
        if now["active_members"] < before["active_members"]:
            events.append(f"{int(before['active_members'] - now['active_members'])} member(s) left")
        if events:
            lines[month] = {
                "what happened": "; ".join(events),
                "trust": now["mean_trust"],
                "progress": now["progress"],
            }
    frame = pd.DataFrame.from_dict(lines, orient="index")
    frame.index.name = "month"
    return frame


summary = results.summary
journey = int(summary.loc[summary["regime"] == "learning_journey", "replicate"].iloc[0])
blame = int(summary.loc[summary["regime"] == "blame_game", "replicate"].iloc[0])
summary.set_index("replicate").loc[[journey, blame], ["regime", "progress", "final_trust", "months_to_entry_point", "months_to_first_win", "learning_responses", "blame_responses", "closing_blame_share"]]

# %% [markdown]
# ### The learning journey (its first 40 eventful months)

# %%
story(results, journey).head(40)

# %% [markdown]
# ### The blame game (its first 40 eventful months)

# %%
story(results, blame).head(40)

# %% [markdown]
# The two runs checked against the regime rule (`cisim.model.regimes`): the learning journey ended
# with progress at or above `regime_min_progress`, and in the blame game at least
# `regime_blame_share` of the setbacks of its closing period were met by blame
# (`closing_blame_share`, over the last `regime_window_months` months). A run is judged by how it
# ends: its share of blame over the whole run (`blame_share`, over single responses) can say
# otherwise.

# %%
row_j, row_b = summary.set_index("replicate").loc[journey], summary.set_index("replicate").loc[blame]
assert row_j["progress"] >= baseline.regime_min_progress
assert row_b["closing_blame_share"] >= baseline.regime_blame_share
assert not row_j["closing_blame_share"] >= baseline.regime_blame_share  # below, or no setbacks

# %% [markdown]
# ## Where next
#
# - **Notebook 2** describes a real collaboration (a roster of named organisations) and compares
#   options for it: a navigator, an entry point, community engagement, data use.
# - **Notebook 3** runs sweeps over many scenarios: a Sobol sensitivity analysis and a phase
#   diagram.
# - **Notebook 4** follows one blame game and one learning journey from the same random numbers,
#   event by event, with snapshots of the network of trust.

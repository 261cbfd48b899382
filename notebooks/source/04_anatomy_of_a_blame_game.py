# %% [markdown]
# # 4. Anatomy of a blame game
#
# Common random numbers make a controlled experiment of a single run: replicate `k` of two
# scenarios draws the same random numbers, so the two start from the same organisations and the
# same network, meet the same luck at every review, and differ only through the change between
# them. This notebook finds a pair in which the baseline collaboration, without a navigator, ends
# in a **blame game** while the same collaboration *with* a navigator, from the same seed, ends in
# a **learning journey**, and follows both month by month: the events, and snapshots of the
# network of trust.

# %% tags=["parameters"]
# Parameters: CISIM_NOTEBOOK_SMALL=1 (what the tests set) makes every run small and quick.
import os

SMALL = os.environ.get("CISIM_NOTEBOOK_SMALL") == "1"
REPLICATES = 60 if SMALL else 400  # pairs searched for a blame game that a navigator turns round
SEED = 7
SNAPSHOTS = [0, 12, 36, 120]  # months of the network snapshots

# %%
# %matplotlib inline
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

import cisim
from cisim import engine
from cisim.model.population import RunSpec, build_state
from cisim.model.state import ACTIVE, CANDIDATE, EXITED, GOVERNANCE_MODES

pd.set_option("display.precision", 3)
pd.set_option("display.max_colwidth", 100)

# %% [markdown]
# ## 1. Find a pair
#
# `cisim.compare` runs the pairs; the cross-table counts them by how each run of the pair ended.
# The off-diagonal cells are the pairs whose ending the navigator changed.

# %%
without = cisim.Scenario.preset("baseline")
with_navigator = without.replace(navigator=1, name="baseline with a navigator")
pairs = cisim.compare(without, with_navigator, replicates=REPLICATES, seed=SEED)
pd.crosstab(
    pairs.runs_a["regime"].rename("without a navigator"),
    pairs.runs_b["regime"].rename("with a navigator"),
)

# %%
turned = pairs.runs_a.index[
    (pairs.runs_a["regime"] == "blame_game") & (pairs.runs_b["regime"] == "learning_journey")
]
assert len(turned) > 0, "no pair turned from a blame game into a learning journey"
k = int(pairs.runs_a.loc[turned[0], "replicate"])
columns = ["regime", "progress", "final_trust", "months_to_first_win", "learning_responses", "blame_responses"]
pd.DataFrame({"without a navigator": pairs.runs_a.loc[k, columns], "with a navigator": pairs.runs_b.loc[k, columns]})

# %% [markdown]
# ## 2. Replay the pair, month by month
#
# `replay` rebuilds replicate `k` of a scenario (`RunSpec(scenario, seed, k)` draws the same
# random numbers as in `cisim.simulate` or `cisim.compare`), advances it one month at a time with
# the engine's `step`, and records what happened each month, the metrics, and snapshots of the
# network: which members are active and how much they trust each other.


# %%
def events(st, before) -> list[str]:
    """What happened in the month just simulated, in words (row 0 of the state)."""
    out = []
    if st.entry_found[0] and not before["entry_found"]:
        out.append("entry point found")
    if st.reviewed_now[0]:
        out.append("review: " + ("a win" if st.won_now[0] else "not met") + (", a setback" if st.setback_now[0] else ""))
    if st.learning_now[0]:
        out.append(f"{st.learning_now[0]} learned")
    if st.blame_now[0]:
        out.append(f"{st.blame_now[0]} blamed")
    brokered = int((before["dormant"] & ~st.dormant[0] & st.exists[0]).sum()) // 2
    if brokered:
        out.append(f"{brokered} tie(s) brokered")
    left = int((st.left_now[0] & (st.status[0] == ACTIVE)).sum())
    if left:
        out.append(f"{left} representative(s) replaced")
    exited = int(((before["status"] == ACTIVE) & (st.status[0] == EXITED)).sum())
    joined = int(((before["status"] == CANDIDATE) & (st.status[0] == ACTIVE)).sum())
    if exited:
        out.append(f"{exited} member(s) left")
    if joined:
        out.append(f"{joined} joined")
    if st.governance_changes[0] > before["governance_changes"]:
        out.append("governance changed to " + GOVERNANCE_MODES[int(st.governance[0])].replace("_", " "))
    if before["alive"] and not st.alive[0]:
        out.append("DISSOLVED")
    return out


def snapshot(st) -> dict:
    """Active members and the mean trust on each live tie between two of them."""
    members = np.flatnonzero(st.status[0] == ACTIVE)
    live = st.exists[0] & ~st.dormant[0]
    ties = {}
    for src, dst, trust in zip(st.src[0, live], st.dst[0, live], st.trust[0, live], strict=True):
        if src in members and dst in members:
            ties.setdefault((min(src, dst), max(src, dst)), []).append(trust)
    return {"members": set(members.tolist()), "ties": {pair: float(np.mean(t)) for pair, t in ties.items()}}


def replay(scenario, seed, replicate):
    """Events, metrics and network snapshots of one run."""
    st, p = build_state([RunSpec(scenario, seed, replicate)])
    rows, metrics, snaps = [], [], {0: snapshot(st)}
    metrics.append({"month": 0, **{name: float(v[0]) for name, v in engine.measure(st).items()}})
    for month in range(1, scenario.horizon_months + 1):
        before = {
            "entry_found": bool(st.entry_found[0]),
            "dormant": st.dormant[0].copy(),
            "status": st.status[0].copy(),
            "governance_changes": int(st.governance_changes[0]),
            "alive": bool(st.alive[0]),
        }
        engine.step(st, p)
        rows.append({"month": month, "events": "; ".join(events(st, before))})
        metrics.append({"month": month, **{name: float(v[0]) for name, v in engine.measure(st).items()}})
        if month in SNAPSHOTS:
            snaps[month] = snapshot(st)
    return pd.DataFrame(rows).set_index("month"), pd.DataFrame(metrics).set_index("month"), snaps


blame_events, blame_metrics, blame_snaps = replay(without, SEED, k)
journey_events, journey_metrics, journey_snaps = replay(with_navigator, SEED, k)

# %% [markdown]
# The replay is the run `cisim.compare` made: it ends exactly where the comparison's run ended.

# %%
assert abs(blame_metrics["progress"].iloc[-1] - pairs.runs_a.loc[k, "progress"]) < 1e-12
assert abs(journey_metrics["progress"].iloc[-1] - pairs.runs_b.loc[k, "progress"]) < 1e-12
assert blame_snaps[0] == journey_snaps[0]  # the same organisations and the same trust at the start

# %% [markdown]
# ## 3. The events, side by side
#
# The first three years of both runs (months in which something happened in either).

# %%
side = pd.DataFrame({"blame game (no navigator)": blame_events["events"], "learning journey (navigator)": journey_events["events"]})
side[(side != "").any(axis=1)].loc[:36]

# %% [markdown]
# And the whole run in numbers: setbacks met by learning and by blame, year by year.

# %%
def by_year(metrics: pd.DataFrame) -> pd.DataFrame:
    year = (metrics.index[1:] - 1) // 12 + 1
    frame = metrics.iloc[1:].groupby(year)[["learning_responses", "blame_responses", "turnover_events"]].sum()
    frame["mean trust (year end)"] = metrics["mean_trust"].iloc[12::12].to_numpy()[: len(frame)]
    frame.index.name = "year"
    return frame


pd.concat({"blame game": by_year(blame_metrics), "learning journey": by_year(journey_metrics)}, axis=1)

# %% [markdown]
# ## 4. The trajectories

# %%
fig = Figure(figsize=(13, 6.5), layout="constrained")
panels = [
    ("mean_trust", "mean trust"),
    ("blame_climate", "members' mean habit of blame"),
    ("progress", "progress"),
    ("navigator_activity", "members the navigator attended to"),
]
for ax, (metric, label) in zip(fig.subplots(2, 2).flat, panels, strict=True):
    ax.plot(blame_metrics.index, blame_metrics[metric], color="#e6550d", label="blame game (no navigator)")
    ax.plot(journey_metrics.index, journey_metrics[metric], color="#1a9850", label="learning journey (navigator)")
    ax.set_title(label)
    ax.set_xlabel("month")
    ax.spines[["top", "right"]].set_visible(False)
fig.axes[0].legend(frameon=False)
fig.suptitle(f"Replicate {k} of seed {SEED}: the same random numbers, with and without a navigator", fontweight="bold")
fig

# %% [markdown]
# ## 5. Snapshots of the network of trust
#
# Each panel shows the active members and their working relationships, coloured by mean trust
# (red low, green high). Both runs start from the same network; the positions of the
# organisations are the same in every panel.

# %%
def layout(snaps_a, snaps_b):
    graph = nx.Graph()
    for snaps in (snaps_a, snaps_b):
        for snap in snaps.values():
            graph.add_nodes_from(snap["members"])
            graph.add_edges_from(snap["ties"])
    return nx.spring_layout(graph, seed=1)


positions = layout(blame_snaps, journey_snaps)
fig = Figure(figsize=(4 * len(SNAPSHOTS), 8.2), layout="constrained")
axes = fig.subplots(2, len(SNAPSHOTS))
for row, (title, snaps) in enumerate([("blame game", blame_snaps), ("learning journey", journey_snaps)]):
    for ax, month in zip(axes[row], SNAPSHOTS, strict=True):
        snap = snaps[month]
        graph = nx.Graph()
        graph.add_nodes_from(snap["members"])
        graph.add_edges_from(snap["ties"])
        trust = [snap["ties"][edge] if edge in snap["ties"] else snap["ties"][edge[::-1]] for edge in graph.edges]
        nx.draw_networkx_nodes(graph, positions, ax=ax, node_size=40, node_color="#444444")
        nx.draw_networkx_edges(graph, positions, ax=ax, edge_color=trust, edge_cmap=__import__("matplotlib").colormaps["RdYlGn"], edge_vmin=0, edge_vmax=1, width=1.4)
        mean = np.mean(trust) if trust else float("nan")
        ax.set_title(f"{title}, month {month}\n{len(snap['members'])} members, mean trust {mean:.2f}", fontsize=10)
        ax.set_axis_off()
fig

# %% [markdown]
# What the numbers say about this pair: the blame game ends with less trust and with more of its
# setbacks met by blame; the navigator's run built ties the other never had.

# %%
end = SNAPSHOTS[-1]
mean_trust = {name: np.mean(list(s[end]["ties"].values())) for name, s in (("blame", blame_snaps), ("journey", journey_snaps))}
assert mean_trust["journey"] > mean_trust["blame"], mean_trust
assert blame_metrics["blame_responses"].sum() > journey_metrics["blame_responses"].sum()
assert journey_metrics["navigator_activity"].sum() > 0 and blame_metrics["navigator_activity"].sum() == 0
mean_trust

# %% [markdown]
# ## Where next
#
# - Change `SEED` or pick another pair from `turned` to see whether this story is typical.
# - `cisim.CollaborationModel` is the same engine as a Mesa model (replicate 0 of a seed), with
#   organisations as agents on a network; `cisim app` serves it in the browser.

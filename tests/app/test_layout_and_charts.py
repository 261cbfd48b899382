"""The network's layout and the charts' specifications."""

from __future__ import annotations

import json

import numpy as np

from cisim.app import charts
from cisim.app.layout import network_layout
from cisim.app.world import Settings, World
from cisim.model.state import ABSENT


def test_layout__seeded_stable_and_in_the_unit_square():
    world = World(Settings(seed=3))
    again = network_layout(world.model.state, 3)
    np.testing.assert_array_equal(world.layout.x, again.x)
    other = network_layout(world.model.state, 4)
    assert not np.array_equal(world.layout.x, other.x)
    assert world.layout.x.min() >= 0 and world.layout.y.max() <= 1
    present = np.flatnonzero(world.model.state.status[0] != ABSENT)
    np.testing.assert_array_equal(world.layout.slots, present)  # outsiders placed too
    before = world.layout.position()
    world.step(24)
    assert world.layout.position() == before  # nobody moves while ties and members change


def test_network_spec__draws_members_outsiders_leavers_ties_and_blame():
    world = World(Settings(preset="hartford", seed=1))
    world.step(12)
    spec = charts.network_spec(world)
    data = spec["datasets"]
    assert len(data["members"]) == world.series["active_members"][-1]
    assert data["ties"] and all(0 <= t["trust"] <= 1 for t in data["ties"])
    assert data["blame"], "hartford blames in its first year"
    assert {"layer", "$schema"} <= set(spec)
    json.dumps(spec)  # what the browser gets


def test_network_spec__marks_the_navigators_attention():
    world = World(Settings(preset="strong_start", seed=1))
    world.step(3)
    attended = charts.network_spec(world)["datasets"]["attended"]
    assert 0 < len(attended) <= 4  # one navigator, four relationships a month


def test_panel_spec__one_line_per_world_over_the_months_so_far():
    worlds = [World(Settings(seed=2)), World(Settings(seed=2, levers={"navigator": 1}))]
    for world in worlds:
        world.step(6)
    spec = charts.panel_spec(worlds, "mean_trust")
    rows = spec["datasets"]["series"]
    assert len(rows) == 2 * 7  # worlds x months 0..6
    assert {r["world"] for r in rows} == {"this world", "the other world"}
    assert spec["datasets"]["frame"] == [{"month": charts.MIN_MONTHS, "value": 1.0}]
    worlds[0].step(20)
    grown = charts.panel_spec(worlds[:1], "mean_trust")["datasets"]["frame"][0]["month"]
    assert grown == 26  # the month axis grows with the run
    assert "datasets" not in charts._panel_template("mean_trust", 2)


def test_panel_spec__the_worlds_in_two_colours_and_the_changes_marked():
    spec = json.dumps(charts._panel_template("progress", 2))
    assert all(colour in spec for colour in charts.WORLD_COLOURS)
    world = World(Settings(seed=2))
    world.step(12)
    world.set_lever("navigator", 1)
    changes = charts.panel_spec([world], "progress")["datasets"]["changes"]
    assert changes == [
        {"month": 12, "world": "this world", "what": "month 12: you added a navigator"}
    ]


def test_panel_spec__learned_and_blamed_share_their_scale():
    world = World(Settings(preset="hartford", seed=1))
    world.step(24)
    learned = charts.panel_spec([world], "learning_responses")["datasets"]
    blamed = charts.panel_spec([world], "blame_responses")["datasets"]
    assert learned["frame"] == blamed["frame"]
    top = max(r["value"] for r in learned["series"] + blamed["series"])
    assert learned["frame"][0]["value"] == top > 1

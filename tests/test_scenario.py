"""The scenario: validated on construction, TOML round trip, errors that say what and where."""

from __future__ import annotations

import dataclasses
import math

import pytest

from cisim import PRESET_NAMES, ConfigError, FileFormatError, Scenario
from cisim.model.parameters import SPECS
from cisim.model.roster import Organisation, Relationship, Roster

ROSTER = Roster(
    organisations=(
        Organisation("City Hall", "public", authority=0.8),
        Organisation("Food Bank", "nonprofit", capacity=0.3, turnover=0.04),
        Organisation("Acme", "private"),
    ),
    relationships=(
        Relationship("City Hall", "Food Bank", 0.7, prior=True),
        Relationship("Acme", "City Hall", 0.4, mutual=False),
    ),
)


def _raises(match_field: str, **kwargs) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        Scenario(**kwargs)
    assert info.value.field == match_field
    return info.value


# ---- construction and validation -----------------------------------------------------------
def test_scenario__defaults_are_valid():
    sc = Scenario()
    for name, spec in SPECS.items():
        if spec.kind in ("int", "float"):
            assert spec.lo <= getattr(sc, name) <= spec.hi, name


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_scenario__presets_load(name):
    sc = Scenario.preset(name)
    assert sc.name == name
    assert Scenario.load(name) == sc


def test_scenario__unknown_preset_is_an_error():
    with pytest.raises(ConfigError, match="baseline"):
        Scenario.preset("nowhere")


def test_scenario__is_frozen():
    sc = Scenario()
    with pytest.raises(dataclasses.FrozenInstanceError):
        sc.turnover = 0.5  # type: ignore[misc]


@pytest.mark.parametrize(
    ("name", "value"),
    [("turnover", 1.5), ("turnover", -0.1), ("n_organisations", 1), ("horizon_months", 0)],
)
def test_scenario__out_of_range_names_field_value_and_range(name, value):
    err = _raises(name, **{name: value})
    message = str(err)
    assert name in message and repr(value) in message
    spec = SPECS[name]
    assert err.allowed == spec.allowed()
    assert f"from {spec.allowed().split('from ')[1]}" in message
    assert err.value == value


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("turnover", True),  # a bool is not a number here
        ("n_organisations", True),
        ("n_organisations", "20"),  # a string for an int
        ("n_organisations", 20.5),  # a fraction for an int
        ("initial_trust", "0.5"),
        ("initial_trust", None),
        ("navigator", 1.5),
        ("network", 3),
        ("network", "ring"),
        ("entry_point", "maybe"),
        ("governance_mode", "Shared"),
    ],
)
def test_scenario__wrong_type_or_choice_is_an_error(name, value):
    err = _raises(name, **{name: value})
    assert repr(value) in str(err)


def test_scenario__whole_float_for_an_int_is_accepted_as_int():
    sc = Scenario(n_organisations=12.0)
    assert sc.n_organisations == 12 and isinstance(sc.n_organisations, int)


def test_scenario__choices_are_listed():
    err = _raises("network", network="ring")
    for choice in SPECS["network"].choices:
        assert repr(choice) in str(err)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_scenario__nan_and_infinity_are_errors(value):
    _raises("initial_trust", initial_trust=value)
    _raises("sector_mix.public", sector_mix={"public": value, "private": 1.0})


def test_scenario__sector_mix_is_checked():
    _raises("sector_mix.martian", sector_mix={"martian": 1.0})
    _raises("sector_mix.public", sector_mix={"public": -1.0, "private": 1.0})
    _raises("sector_mix.public", sector_mix={"public": True})
    _raises("sector_mix", sector_mix={"public": 0.0, "private": 0.0})
    _raises("sector_mix", sector_mix={})
    sc = Scenario(sector_mix={"public": 2, "community": 1})
    assert sc.sector_mix["private"] == 0.0 and sc.sector_mix["public"] == 2.0


def test_scenario__sector_overrides_are_checked():
    sc = Scenario(sectors={"public": {"authority": 0.9}})
    assert sc.sector_trait("public", "authority") == 0.9
    assert sc.sector_trait("private", "authority") == sc.authority
    _raises("sectors.public.charisma", sectors={"public": {"charisma": 0.9}})
    _raises("sectors.public.turnover", sectors={"public": {"turnover": 2.0}})
    _raises("sectors.public.turnover", sectors={"public": {"turnover": math.nan}})
    _raises("sectors.mars", sectors={"mars": {"authority": 0.5}})
    _raises("sectors.public", sectors={"public": 0.5})


def test_scenario__descriptive_fields_are_checked():
    _raises("name", name=3)
    _raises("encodes", encodes="one string")
    _raises("assumes", assumes=["ok", 3])


def test_scenario__roster_network_needs_a_roster():
    _raises("network", network="roster")


def test_scenario__roster_sets_size_and_network():
    sc = Scenario(roster=ROSTER)
    assert sc.n_organisations == 3 and sc.network == "roster"


def test_scenario__unknown_key_names_it_and_suggests():
    with pytest.raises(ConfigError) as info:
        Scenario.from_dict({"turnvoer": 0.1})
    assert info.value.field == "turnvoer"
    assert "turnvoer" in str(info.value) and "'turnover'" in str(info.value)
    with pytest.raises(TypeError):
        Scenario(turnvoer=0.1)  # type: ignore[call-arg]


def test_scenario__unknown_key_far_from_anything_has_no_suggestion():
    with pytest.raises(ConfigError) as info:
        Scenario.from_dict({"zzzzqqq": 1})
    assert "did you mean" not in str(info.value)


def test_scenario__a_retired_parameter_says_it_was_retired_and_why():
    with pytest.raises(ConfigError) as info:
        Scenario.from_dict({"dissolution_share": 0.5})
    message = str(info.value)
    assert info.value.field == "dissolution_share"
    assert "retired" in message and "fewer than two members" in message and "\n" not in message


# ---- replace --------------------------------------------------------------------------------
def test_scenario__replace_returns_a_new_validated_scenario():
    sc = Scenario()
    other = sc.replace(turnover=0.1)
    assert other.turnover == 0.1 and sc.turnover == Scenario().turnover
    assert other != sc
    with pytest.raises(ConfigError) as info:
        sc.replace(turnover=3.0)
    assert info.value.field == "turnover"
    with pytest.raises(ConfigError, match="'navigator'"):
        sc.replace(navigatr=1)


def test_scenario__replace_network_drops_the_roster():
    sc = Scenario(roster=ROSTER)
    assert sc.replace(network="complete").roster is None
    assert sc.replace(turnover=0.1).roster == ROSTER


def test_scenario__equal_scenarios_share_digest_and_hash():
    a, b = Scenario(turnover=0.1), Scenario().replace(turnover=0.1)
    assert a == b and a.digest == b.digest and hash(a) == hash(b)
    assert a.digest != Scenario().digest
    assert a.replace(name="renamed").digest == a.digest  # descriptive fields do not count


# ---- TOML -----------------------------------------------------------------------------------
def _round_trip(sc: Scenario, tmp_path) -> Scenario:
    path = tmp_path / "scenario.toml"
    sc.to_toml(path)
    return Scenario.from_toml(path)


def test_scenario__toml_round_trip_default(tmp_path):
    sc = Scenario()
    assert _round_trip(sc, tmp_path) == sc


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_scenario__toml_round_trip_presets(name, tmp_path):
    sc = Scenario.preset(name)
    back = _round_trip(sc, tmp_path)
    assert back == sc and back.digest == sc.digest


def test_scenario__toml_round_trip_everything_changed(tmp_path):
    sc = Scenario(
        name="everything",
        description="Every kind of field.",
        encodes=("a fact",),
        assumes=("an assumption", "another"),
        n_organisations=7,
        sector_mix={"public": 1, "community": 3},
        sectors={"public": {"authority": 0.9, "turnover": 0.01}, "community": {"capacity": 0.2}},
        network="clustered",
        navigator=2,
        entry_point="designed",
        governance_mode="administrative_organisation",
        authority_source="self_assigned",
        turnover=0.0,
        trust_spillover=1.0,
    )
    assert _round_trip(sc, tmp_path) == sc


def test_scenario__toml_round_trip_with_roster(tmp_path):
    sc = Scenario(roster=ROSTER, sectors={"private": {"alignment": 0.2}})
    back = _round_trip(sc, tmp_path)
    assert back == sc
    assert back.roster == ROSTER
    assert back.roster.organisations[1].capacity == 0.3


def test_scenario__toml_errors_carry_file_and_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('name = "bad"\nn_organisations = 10\nturnover = 3.0\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        Scenario.from_toml(path)
    err = info.value
    assert err.field == "turnover" and err.value == 3.0
    assert err.where == f"{path}, line 3"
    assert str(path) in str(err) and "line 3" in str(err) and "turnover" in str(err)


def test_scenario__toml_unknown_key_carries_line_and_suggestion(tmp_path):
    path = tmp_path / "typo.toml"
    path.write_text("n_organisations = 10\n\ninital_trust = 0.4\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        Scenario.from_toml(path)
    message = str(info.value)
    assert "line 3" in message and "inital_trust" in message and "'initial_trust'" in message


def test_scenario__toml_nested_error_points_at_its_line(tmp_path):
    path = tmp_path / "sectors.toml"
    path.write_text(
        "turnover = 0.1\n\n[sectors.public]\nauthority = 0.5\nturnover = 9\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError) as info:
        Scenario.from_toml(path)
    assert info.value.field == "sectors.public.turnover"
    assert "line 5" in str(info.value)


def test_scenario__toml_nan_is_an_error(tmp_path):
    path = tmp_path / "nan.toml"
    path.write_text("initial_trust = nan\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        Scenario.from_toml(path)
    assert info.value.field == "initial_trust" and "line 1" in str(info.value)


def test_scenario__toml_wrong_types_are_errors(tmp_path):
    for text, field in (
        ("turnover = true\n", "turnover"),
        ('n_organisations = "twenty"\n', "n_organisations"),
        ("n_organisations = 20.5\n", "n_organisations"),
        ("sector_mix = 3\n", "sector_mix"),
    ):
        path = tmp_path / "types.toml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError) as info:
            Scenario.from_toml(path)
        assert info.value.field == field
        assert str(path) in str(info.value)


def test_scenario__malformed_toml_is_a_file_format_error(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("turnover = = 0.1\n[unclosed\n", encoding="utf-8")
    with pytest.raises(FileFormatError) as info:
        Scenario.from_toml(path)
    assert str(path) in str(info.value) and "TOML" in str(info.value)
    assert isinstance(info.value, ConfigError)


def test_scenario__missing_or_unreadable_file_is_a_file_format_error(tmp_path):
    with pytest.raises(FileFormatError, match="no such file"):
        Scenario.from_toml(tmp_path / "missing.toml")
    with pytest.raises(FileFormatError, match="directory"):
        Scenario.from_toml(tmp_path)
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00turnover")
    with pytest.raises(FileFormatError, match="UTF-8"):
        Scenario.from_toml(binary)


def test_scenario__load_a_path_or_refuse(tmp_path):
    path = tmp_path / "mine.toml"
    Scenario(turnover=0.07).to_toml(path)
    assert Scenario.load(path).turnover == 0.07
    with pytest.raises(ConfigError):
        Scenario.load("not-a-preset")

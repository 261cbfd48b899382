"""Rosters: named organisations and known relationships, from CSV or inline TOML."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

import cisim
from cisim import ConfigError, FileFormatError, Roster, Scenario
from cisim.model.population import RunSpec, build_state

ORGS_CSV = """\
name,sector,authority,capacity,alignment,turnover
City Hall,public,0.8,,,
Food Bank,nonprofit,,0.3,,0.04
Acme,private,,,0.2,
Neighbours United,community,,,,
"""

RELS_CSV = """\
source,target,trust,prior,mutual
City Hall,Food Bank,0.7,yes,
Acme,City Hall,0.4,,false
"""

INLINE = """\
name = "inline"
horizon_months = 24
candidate_share = 0.0

[[roster.organisations]]
name = "City Hall"
sector = "public"
authority = 0.8

[[roster.organisations]]
name = "Food Bank"
sector = "nonprofit"

[[roster.organisations]]
name = "Acme"
sector = "private"

[[roster.relationships]]
source = "City Hall"
target = "Food Bank"
trust = 0.9
prior = true
"""


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _csv_error(tmp_path, orgs: str, rels: str | None = None) -> ConfigError:
    o = _write(tmp_path, "orgs.csv", orgs)
    r = _write(tmp_path, "rels.csv", rels) if rels is not None else None
    with pytest.raises(ConfigError) as info:
        Roster.from_csv(o, r)
    return info.value


# ---- loading ----------------------------------------------------------------------------------
def test_roster__loads_from_csv(tmp_path):
    roster = Roster.from_csv(
        _write(tmp_path, "orgs.csv", ORGS_CSV), _write(tmp_path, "rels.csv", RELS_CSV)
    )
    assert roster.names == ("City Hall", "Food Bank", "Acme", "Neighbours United")
    hall, bank, acme, _ = roster.organisations
    assert hall.sector == "public" and hall.authority == 0.8 and hall.capacity is None
    assert bank.capacity == 0.3 and bank.turnover == 0.04
    assert acme.alignment == 0.2
    first, second = roster.relationships
    assert (first.source, first.target, first.trust, first.prior, first.mutual) == (
        "City Hall",
        "Food Bank",
        0.7,
        True,
        True,
    )
    assert second.prior is False and second.mutual is False


def test_roster__loads_without_relationships(tmp_path):
    roster = Roster.from_csv(_write(tmp_path, "orgs.csv", ORGS_CSV))
    assert len(roster.organisations) == 4 and roster.relationships == ()


def test_roster__loads_inline_from_toml(tmp_path):
    sc = Scenario.from_toml(_write(tmp_path, "inline.toml", INLINE))
    assert sc.roster is not None
    assert sc.roster.names == ("City Hall", "Food Bank", "Acme")
    assert sc.n_organisations == 3 and sc.network == "roster"
    assert sc.roster.relationships[0].prior is True


def test_roster__loads_csv_paths_relative_to_the_toml(tmp_path):
    sub = tmp_path / "case"
    sub.mkdir()
    _write(sub, "orgs.csv", ORGS_CSV)
    _write(sub, "rels.csv", RELS_CSV)
    path = _write(
        sub, "case.toml", '[roster]\norganisations = "orgs.csv"\nrelationships = "rels.csv"\n'
    )
    sc = Scenario.from_toml(path)
    assert sc.roster == Roster.from_csv(sub / "orgs.csv", sub / "rels.csv")
    assert sc.n_organisations == 4


def test_roster__csv_and_inline_forms_agree(tmp_path):
    from_csv = Roster.from_csv(
        _write(tmp_path, "orgs.csv", ORGS_CSV), _write(tmp_path, "rels.csv", RELS_CSV)
    )
    data = from_csv.to_dict()
    inline = Roster.from_mapping(data, base_dir=tmp_path)
    assert inline == from_csv


def test_roster__traits_and_trust_reach_the_state(tmp_path):
    roster = Roster.from_csv(
        _write(tmp_path, "orgs.csv", ORGS_CSV), _write(tmp_path, "rels.csv", RELS_CSV)
    )
    sc = Scenario(roster=roster, candidate_share=0.0, dormant_ties=0.0)
    st, _ = build_state([RunSpec(sc, 1, 0)])
    assert st.authority[0, 0] == 0.8 and st.capacity[0, 1] == 0.3 and st.alignment[0, 2] == 0.2
    assert st.sector[0].tolist() == [0, 2, 1, 3]  # public, nonprofit, private, community

    def trust(i, j):
        hit = st.exists[0] & (st.src[0] == i) & (st.dst[0] == j)
        return st.trust[0, hit]

    assert trust(0, 1).tolist() == [0.7] and trust(1, 0).tolist() == [0.7]  # mutual
    assert trust(2, 0).tolist() == [0.4]
    assert len(trust(0, 2)) == 1  # not mutual: the reverse trust is drawn, not copied
    assert len(trust(3, 0)) == 0 and len(trust(1, 2)) == 0  # no listed relationship, no tie
    assert st.prior[0, (st.src[0] == 0) & (st.dst[0] == 1) & st.exists[0]].all()


# ---- errors name the row -----------------------------------------------------------------------
def test_roster__unknown_organisation_in_relationship(tmp_path):
    err = _csv_error(tmp_path, ORGS_CSV, "source,target,trust\nCity Hall,Nobody,0.5\n")
    assert err.field == "target" and err.value == "Nobody"
    assert "rels.csv, row 2" in str(err) and "Nobody" in str(err)


def test_roster__duplicate_names(tmp_path):
    err = _csv_error(tmp_path, ORGS_CSV + "Acme,public,,,,\n")
    assert err.field == "name" and err.value == "Acme"
    assert "orgs.csv, row 6" in str(err) and "row 4" in str(err)  # where it was first used


def test_roster__missing_required_column(tmp_path):
    err = _csv_error(tmp_path, "name,authority\nCity Hall,0.5\nAcme,0.4\n")
    assert err.field == "sector" and "orgs.csv, row 2" in str(err)
    err = _csv_error(tmp_path, ORGS_CSV, "source,trust\nCity Hall,0.5\n")
    assert err.field == "target" and "rels.csv, row 2" in str(err)


def test_roster__missing_required_value(tmp_path):
    err = _csv_error(tmp_path, "name,sector\nCity Hall,public\n,private\n")
    assert err.field == "name" and "orgs.csv, row 3" in str(err)


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("Acme,private,high,,,", "authority"),
        ("Acme,private,,1.5,,", "capacity"),
        ("Acme,private,,,nan,", "alignment"),
        ("Acme,private,,,,-0.1", "turnover"),
        ("Acme,martian,,,,", "sector"),
    ],
)
def test_roster__bad_organisation_values(tmp_path, row, field):
    err = _csv_error(tmp_path, "name,sector,authority,capacity,alignment,turnover\n" + row + "\n")
    assert err.field == field
    assert "orgs.csv, row 2" in str(err)


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("City Hall,Acme,lots", "trust"),
        ("City Hall,Acme,1.2", "trust"),
        ("City Hall,Acme,nan", "trust"),
        ("City Hall,City Hall,0.5", "target"),
    ],
)
def test_roster__bad_relationship_values(tmp_path, row, field):
    err = _csv_error(tmp_path, ORGS_CSV, "source,target,trust\n" + row + "\n")
    assert err.field == field
    assert "rels.csv, row 2" in str(err)


def test_roster__bad_flag(tmp_path):
    err = _csv_error(tmp_path, ORGS_CSV, "source,target,trust,prior\nCity Hall,Acme,0.5,maybe\n")
    assert err.field == "prior" and "rels.csv, row 2" in str(err)


def test_roster__unknown_column(tmp_path):
    err = _csv_error(tmp_path, "name,sector,charisma\nCity Hall,public,0.9\n")
    assert err.field == "charisma" and "orgs.csv, row 2" in str(err)
    err = _csv_error(tmp_path, ORGS_CSV, "source,target,trust,weight\nCity Hall,Acme,0.5,2\n")
    assert err.field == "weight" and "rels.csv, row 2" in str(err)


def test_roster__too_few_organisations(tmp_path):
    err = _csv_error(tmp_path, "name,sector\nCity Hall,public\n")
    assert err.field == "roster.organisations"


def test_roster__malformed_csv_is_a_file_format_error(tmp_path):
    with pytest.raises(FileFormatError, match="more cells"):
        Roster.from_csv(_write(tmp_path, "orgs.csv", "name,sector\nA,public,extra\nB,private\n"))
    with pytest.raises(FileFormatError, match="header"):
        Roster.from_csv(_write(tmp_path, "empty.csv", ""))
    with pytest.raises(FileFormatError, match="no such file"):
        Roster.from_csv(tmp_path / "missing.csv")


def test_roster__inline_errors_name_the_entry(tmp_path):
    bad = INLINE.replace('target = "Food Bank"', 'target = "Nobody"')
    with pytest.raises(ConfigError) as info:
        Scenario.from_toml(_write(tmp_path, "bad.toml", bad))
    assert "roster.relationships[1]" in str(info.value) and "Nobody" in str(info.value)
    bad = INLINE.replace('sector = "private"', 'sector = "private"\nreach = 3')
    with pytest.raises(ConfigError) as info:
        Scenario.from_toml(_write(tmp_path, "bad.toml", bad))
    assert "roster.organisations[3]" in str(info.value) and "reach" in str(info.value)


def test_roster__unknown_roster_key(tmp_path):
    path = _write(tmp_path, "bad.toml", '[roster]\norganisations = "o.csv"\npartners = "p.csv"\n')
    with pytest.raises(ConfigError) as info:
        Scenario.from_toml(path)
    assert info.value.field == "roster.partners"


def test_roster__missing_csv_named_in_toml(tmp_path):
    path = _write(tmp_path, "case.toml", '[roster]\norganisations = "nowhere.csv"\n')
    with pytest.raises(FileFormatError, match=r"nowhere\.csv"):
        Scenario.from_toml(path)


# ---- simulating a roster -------------------------------------------------------------------------
def test_roster__scenario_simulates(tmp_path):
    sc = Scenario.from_toml(_write(tmp_path, "inline.toml", INLINE))
    results = cisim.simulate(sc, replicates=5, seed=1)
    assert len(results.summary) == 5
    first = results.trajectories[results.trajectories["month"] == 0]
    assert (first["active_members"] == len(sc.roster.names)).all()
    assert len(results.trajectories) == 5 * (sc.horizon_months + 1)
    assert results.summary["final_members"].between(0, 3).all()


def test_roster__scenario_with_candidates_simulates(tmp_path):
    roster = Roster.from_csv(
        _write(tmp_path, "orgs.csv", ORGS_CSV), _write(tmp_path, "rels.csv", RELS_CSV)
    )
    sc = Scenario(roster=roster, candidate_share=1.0, join_base_rate=0.5, horizon_months=24)
    results = cisim.simulate(sc, replicates=5, seed=1)
    first = results.trajectories[results.trajectories["month"] == 0]
    assert (first["active_members"] == 4).all()
    assert (results.arrays["active_members"] <= 8).all()
    assert np.isfinite(results.arrays["mean_trust"]).all()


# ---- errors that suggest -------------------------------------------------------------------------
def test_roster__a_misspelt_column_is_named_with_a_suggestion(tmp_path):
    err = _csv_error(tmp_path, "name,secter\nCity Hall,public\nAcme,private\n")
    assert err.field == "secter"
    assert "column 'secter' is not a roster column" in str(err)
    assert "did you mean 'sector'?" in str(err)
    err = _csv_error(tmp_path, ORGS_CSV, "source,traget,trust\nCity Hall,Acme,0.5\n")
    assert err.field == "traget" and "did you mean 'target'?" in str(err)


def test_roster__an_unknown_organisation_suggests_a_listed_one(tmp_path):
    err = _csv_error(tmp_path, ORGS_CSV, "source,target,trust\nCity Hal,Acme,0.5\n")
    assert err.field == "source" and "did you mean 'City Hall'?" in str(err)
    err = _csv_error(tmp_path, ORGS_CSV, "source,target,trust\nCity Hall,Zzz,0.5\n")
    assert "did you mean" not in str(err)  # nothing close: no guess


def test_roster__sectors_in_any_case(tmp_path):
    orgs = _write(tmp_path, "orgs.csv", "name,sector\nCity Hall,Public\nAcme,PRIVATE\n")
    roster = Roster.from_csv(orgs)
    assert [o.sector for o in roster.organisations] == ["public", "private"]
    err = _csv_error(tmp_path, "name,sector\nCity Hall,Pubic\nAcme,private\n")
    assert err.field == "sector" and err.value == "Pubic"
    assert "did you mean 'public'?" in str(err)

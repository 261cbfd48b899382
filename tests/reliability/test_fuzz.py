"""Fuzzing (Hypothesis, derandomised): valid scenarios anywhere in the parameter space, extremes
included, run without a crash, a NaN or a metric outside its registered range; invalid input of
any shape gets only cisim's own errors, never an exception from deep inside.

Every property runs under a fixed profile (``derandomize=True``, a set ``max_examples``, no
database), so the examples are the same on every machine and every run; each test counts the
examples it ran and checks the count (``docs/reliability.md`` quotes ``EXAMPLES``).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import cisim
from cisim.errors import CisimError
from cisim.field.cli import is_field_file
from cisim.model.metrics import REGISTRY
from cisim.model.parameters import SECTOR_TRAITS, SECTORS, SPECS
from cisim.model.regimes import REGIMES
from cisim.model.roster import Roster
from cisim.model.scenario import PRESET_DIR, Scenario
from cisim.study.sweeps import Experiment
from cisim.study.sweeps.experiment import TOP_KEYS

from .helpers import fixed_profile

#: Examples per property (plus the explicit extremes of the valid-scenario property).
EXAMPLES: dict[str, int] = {
    "valid scenarios": 60,
    "scenario from junk data": 400,
    "scenario fields set to junk": 400,
    "mutated scenario files": 300,
    "random TOML text": 200,
    "roster from junk rows": 300,
    "random roster CSV": 200,
    "experiment from junk data": 300,
    "mutated experiment files": 200,
}


def profile(name: str) -> settings:
    """The fixed profile of one property."""
    return fixed_profile(EXAMPLES[name])


RAN: Counter[str] = Counter()


def _ran(name: str, prop: Any) -> None:
    """Run a property, then check that it ran at least its set number of examples."""
    RAN[name] = 0
    prop()
    assert RAN[name] >= EXAMPLES[name], (name, RAN[name])


# ---- valid scenarios ---------------------------------------------------------------------------
NULLABLE = frozenset(
    {
        "months_to_entry_point",
        "months_to_first_win",
        "dissolved_month",
        "blame_share",
        "closing_blame_share",
    }
)
GENERATED = ("small_world", "random", "clustered", "complete")
SPECIAL = frozenset({"n_organisations", "horizon_months", "network", "sector_mix", "sectors"})


def _value(spec: Any) -> st.SearchStrategy[Any]:
    if spec.kind == "choice":
        return st.sampled_from([c for c in spec.choices if c != "roster"])
    if spec.kind == "int":
        return st.integers(int(spec.lo), int(spec.hi))
    return st.floats(spec.lo, spec.hi, allow_nan=False, allow_infinity=False)


@st.composite
def rosters(draw: st.DrawFn, n: int) -> Roster:
    names = [f"org {i}" for i in range(n)]
    rows = [
        (f"row {i}", {"name": name, "sector": draw(st.sampled_from(SECTORS))})
        for i, name in enumerate(names)
    ]
    pairs = draw(st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=2 * n))
    rels = [
        (f"rel {k}", {"source": names[a], "target": names[b], "trust": draw(st.floats(0, 1))})
        for k, (a, b) in enumerate(sorted(pairs))
        if a < b
    ]
    return Roster.from_rows(rows, rels)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """Any valid scenario: every parameter anywhere in its range; small and short (cost)."""
    kw = {name: draw(_value(spec)) for name, spec in SPECS.items() if name not in SPECIAL}
    kw["n_organisations"] = n = draw(st.integers(2, 40))
    kw["horizon_months"] = draw(st.integers(1, 48))
    shares = draw(st.lists(st.floats(0.0, 1.0), min_size=5, max_size=5))
    if sum(shares) > 0:
        kw["sector_mix"] = dict(zip(SECTORS, shares, strict=True))
    kw["sectors"] = draw(
        st.dictionaries(
            st.sampled_from(SECTORS),
            st.dictionaries(st.sampled_from(SECTOR_TRAITS), st.floats(0.0, 0.5)),
            max_size=3,
        )
    )
    if draw(st.booleans()) and draw(st.booleans()):
        return Scenario(**kw, roster=draw(rosters(n)))
    return Scenario(**kw, network=draw(st.sampled_from(GENERATED)))


def _extreme(replicates: int = 2, **changes: Any) -> tuple[Scenario, int, int]:
    return Scenario(**changes), 7, replicates


def _everything_at(end: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, spec in SPECS.items():
        if spec.kind in ("int", "float") and name not in ("n_organisations", "horizon_months"):
            out[name] = spec.lo if end == "lo" else spec.hi
    return out


EXTREMES: dict[str, tuple[Scenario, int, int]] = {
    "two organisations": _extreme(n_organisations=2),
    "turnover 1": _extreme(turnover=1.0, institutional_memory=0.0),
    "horizon 50 years": _extreme(horizon_months=600),
    "5,000 organisations": _extreme(1, n_organisations=5_000, horizon_months=120),
    "10,000 organisations": _extreme(1, n_organisations=10_000, horizon_months=12),
    "every parameter at its minimum": _extreme(n_organisations=2, **_everything_at("lo")),
    "every parameter at its maximum": _extreme(
        1, n_organisations=300, horizon_months=60, **_everything_at("hi")
    ),
    "one sector": _extreme(sector_mix={"community": 1.0}, network="complete"),
}


def _upper(name: str, slots: int, months: int) -> float:
    metric = REGISTRY[name]
    if metric.hi is not None:
        return metric.hi
    if metric.unit == "organisations":
        return slots
    if metric.unit == "ties":
        return slots * (slots - 1)
    return months


def check_run(sc: Scenario, seed: int, replicates: int) -> None:
    """Simulate; no NaN; every metric and outcome in its documented range."""
    results = cisim.simulate(sc, replicates=replicates, seed=seed)
    summary = results.summary
    assert len(summary) == replicates
    assert len(results.trajectories) == replicates * (sc.horizon_months + 1)
    assert summary["regime"].isin(REGIMES).all()
    for column in summary.columns:
        if column in NULLABLE or not pd.api.types.is_numeric_dtype(summary[column]):
            continue
        assert np.isfinite(summary[column].to_numpy(dtype=float)).all(), column
    for name in ("blame_share", "closing_blame_share"):
        assert summary[name].dropna().between(0, 1).all(), name
    slots = sc.n_organisations + round(sc.candidate_share * sc.n_organisations)
    for name, metric in REGISTRY.items():
        values = results.arrays[name]
        assert np.isfinite(values).all(), name
        assert (values >= metric.lo).all(), name
        assert (values <= _upper(name, slots, sc.horizon_months)).all(), name


def _with_extremes(prop: Any) -> Any:
    for sc, seed, replicates in EXTREMES.values():
        prop = example(sc, seed, replicates)(prop)
    return prop


@profile("valid scenarios")
@given(scenarios(), st.integers(0, 2**63 - 1), st.just(2))
@_with_extremes
def _valid(sc: Scenario, seed: int, replicates: int) -> None:
    RAN["valid scenarios"] += 1
    check_run(sc, seed, replicates)


def test_fuzz__valid_scenarios_run_clean_extremes_included() -> None:
    _ran("valid scenarios", _valid)


# ---- invalid input: only cisim's errors --------------------------------------------------------
FIELDS = sorted(f for f in Scenario.__dataclass_fields__)
JUNK_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(["nan", "inf", "1e999", "", "roster", "baseline", "x.csv", "../x.csv"]),
)
JUNK = st.recursive(
    JUNK_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from([*SECTORS, *SECTOR_TRAITS]), st.text(max_size=6)),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=12,
)


def _only_ours(call: Any, *args: Any, **kwargs: Any) -> Any:
    """Call; an exception other than cisim's own fails the property."""
    try:
        return call(*args, **kwargs)
    except CisimError:
        return None


@profile("scenario from junk data")
@given(st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)), JUNK, max_size=6))
def _scenario_junk(data: dict[str, Any]) -> None:
    RAN["scenario from junk data"] += 1
    _only_ours(Scenario.from_dict, data, base_dir=Path("/nonexistent-cisim-fuzz"))


def test_fuzz__scenario_from_junk_data_raises_only_config_errors() -> None:
    _ran("scenario from junk data", _scenario_junk)


@profile("scenario fields set to junk")
@given(st.dictionaries(st.sampled_from([f for f in FIELDS if f != "roster"]), JUNK, max_size=4))
def _fields_junk(changes: dict[str, Any]) -> None:
    RAN["scenario fields set to junk"] += 1
    made = _only_ours(Scenario, **changes)
    if made is not None:  # accepted: it must then run
        _only_ours(Scenario().replace, **changes)
        check_run(made.replace(horizon_months=min(made.horizon_months, 3)), 0, 1)


def test_fuzz__scenario_fields_set_to_junk_raise_only_config_errors() -> None:
    _ran("scenario fields set to junk", _fields_junk)


TOKENS = [
    "nan",
    "-inf",
    "inf",
    "1e999",
    "-1",
    "0",
    "1",
    "2",
    "0.5",
    "99999999999999999999999",
    '"x"',
    '""',
    "true",
    "[]",
    "[1, 2]",
    "{}",
    "{ a = 1 }",
    "1979-05-27",
    "07:32:00",
    '"../../etc/passwd"',
    '"baseline"',
    "-0.0",
    "1e-320",
]
PRESET_TEXTS = sorted(p.read_text(encoding="utf-8") for p in PRESET_DIR.glob("*.toml"))


@st.composite
def mutated(draw: st.DrawFn, texts: list[str]) -> str:
    """A valid file with a few lines changed: a value replaced, a line deleted or doubled."""
    lines = draw(st.sampled_from(texts)).splitlines()
    for _ in range(draw(st.integers(1, 3))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        how = draw(st.sampled_from(["value", "value", "value", "delete", "double", "key"]))
        if how == "value" and "=" in lines[i]:
            lines[i] = lines[i].split("=")[0] + "= " + draw(st.sampled_from(TOKENS))
        elif how == "delete":
            del lines[i]
        elif how == "double":
            lines.insert(i, lines[i])
        elif how == "key" and "=" in lines[i]:
            lines[i] = (
                draw(st.sampled_from([*FIELDS, *TOP_KEYS, "zzz"]))
                + " ="
                + lines[i].split("=", 1)[1]
            )
    return "\n".join(lines) + "\n"


def _from_file(tmp: Path, text: str, load: Any, name: str = "f.toml") -> None:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    _only_ours(load, path)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def test_fuzz__mutated_scenario_files_raise_only_config_errors(scratch: Path) -> None:
    @profile("mutated scenario files")
    @given(mutated(PRESET_TEXTS))
    def prop(text: str) -> None:
        RAN["mutated scenario files"] += 1
        _from_file(scratch, text, Scenario.from_toml)

    _ran("mutated scenario files", prop)


def test_fuzz__random_toml_text_raises_only_config_errors(scratch: Path) -> None:
    @profile("random TOML text")
    @given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
    def prop(text: str) -> None:
        RAN["random TOML text"] += 1
        _from_file(scratch, text, Scenario.from_toml)
        _only_ours(Experiment.from_text, text, source=str(scratch / "e.toml"))

    _ran("random TOML text", prop)


ROW_KEYS = [
    "name",
    "sector",
    "authority",
    "capacity",
    "alignment",
    "turnover",
    "source",
    "target",
    "trust",
    "prior",
    "mutual",
    "x",
]


@profile("roster from junk rows")
@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(ROW_KEYS),
            st.one_of(JUNK_SCALARS, st.sampled_from(["A", "B", "public"])),
            max_size=6,
        ),
        max_size=5,
    ),
    st.lists(
        st.dictionaries(
            st.sampled_from(ROW_KEYS),
            st.one_of(JUNK_SCALARS, st.sampled_from(["A", "B", "0.5"])),
            max_size=6,
        ),
        max_size=5,
    ),
)
def _roster_junk(orgs: list[dict[str, Any]], rels: list[dict[str, Any]]) -> None:
    RAN["roster from junk rows"] += 1
    label = (
        [(f"row {i}", r) for i, r in enumerate(orgs)],
        [(f"rel {i}", r) for i, r in enumerate(rels)],
    )
    roster = _only_ours(Roster.from_rows, *label)
    if roster is not None:
        _only_ours(Scenario, roster=roster)


def test_fuzz__roster_from_junk_rows_raises_only_config_errors() -> None:
    _ran("roster from junk rows", _roster_junk)


def test_fuzz__random_roster_csv_raises_only_config_errors(scratch: Path) -> None:
    header = st.sampled_from(
        [
            "name,sector\n",
            "name,sector,authority\n",
            "source,target,trust\n",
            "",
            "\ufeffname,sector\n",
        ]
    )
    body = st.text(alphabet=st.sampled_from(list('AB,public"\n0.5x;\r')), max_size=60)

    @profile("random roster CSV")
    @given(header, body, header, body)
    def prop(h1: str, b1: str, h2: str, b2: str) -> None:
        RAN["random roster CSV"] += 1
        (scratch / "o.csv").write_text(h1 + b1, encoding="utf-8")
        (scratch / "r.csv").write_text(h2 + b2, encoding="utf-8")
        _only_ours(Roster.from_csv, scratch / "o.csv", scratch / "r.csv")

    _ran("random roster CSV", prop)


EXPERIMENT_VALUES = st.one_of(
    JUNK,
    st.sampled_from(
        ["baseline", "factorial", "lhs", "sobol", "morris", "ishigami", "cisim", "all", "none"]
    ),
    st.integers(0, 70),
    st.dictionaries(
        st.sampled_from(
            ["navigator", "turnover", "initial_trust", "entry_point", "x1", "horizon_months"]
        ),
        st.one_of(
            JUNK,
            st.fixed_dictionaries({"low": JUNK_SCALARS, "high": JUNK_SCALARS}),
            st.lists(st.integers(-1, 3), max_size=3),
        ),
        max_size=3,
    ),
)


@profile("experiment from junk data")
@given(st.dictionaries(st.sampled_from([*TOP_KEYS, "zzz"]), EXPERIMENT_VALUES, max_size=9))
def _experiment_junk(data: dict[str, Any]) -> None:
    RAN["experiment from junk data"] += 1
    _only_ours(Experiment.from_dict, data, base_dir=Path("/nonexistent-cisim-fuzz"))


def test_fuzz__experiment_from_junk_data_raises_only_config_errors() -> None:
    _ran("experiment from junk data", _experiment_junk)


EXPERIMENT_TEXTS = sorted(
    p.read_text(encoding="utf-8")
    for p in (Path(__file__).parents[2] / "experiments").glob("*.toml")
    if not is_field_file(p)  # a field file (cisim field's) is not an experiment
)


def test_fuzz__mutated_experiment_files_raise_only_config_errors(scratch: Path) -> None:
    @profile("mutated experiment files")
    @given(mutated(EXPERIMENT_TEXTS))
    def prop(text: str) -> None:
        RAN["mutated experiment files"] += 1
        _only_ours(Experiment.from_text, text, source=str(scratch / "e.toml"))

    _ran("mutated experiment files", prop)

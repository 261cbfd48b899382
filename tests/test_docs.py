"""The ODD (docs/ODD.md) cannot drift from the code: generated blocks, justifications, presets,
the ten submodels and the bibliography."""

from __future__ import annotations

import importlib
import inspect
import re
import shutil
from pathlib import Path

import pytest

from cisim.documents import odd
from cisim.model.mechanisms import SCHEDULE
from cisim.model.parameters import SPECS

ROOT = Path(__file__).resolve().parents[1]
ODD = ROOT / "docs" / "ODD.md"
CONFIGS = ROOT / "configs"

#: Modules whose docstrings cite literature that must resolve to the ODD's bibliography.
CITING_MODULES = (
    *(f"cisim.model.mechanisms.{m.__name__}" for m in SCHEDULE),
    "cisim.model.network",
    "cisim.model.streams",
    "cisim.stats",
    "cisim.field.coupling",
    "cisim.field.platform",
)
#: "Surname ... (year" or "Surname et al. (year" or "Surname & Other (year" or "Surname (year".
_CITATION = re.compile(
    r"([A-ZÀ-Ý][\w\-À-ÿ]+)(?:,? (?:et al\.|& [A-Z][\w\-]+|[A-Z][\w\-]+,?)){0,4}[ ,]*\(?(\d{4})\b"
)
#: Sources the docstrings cite without a year.
_UNDATED = ("Pulido-Gómez", "Hartford", "Louisville")


@pytest.fixture(scope="module")
def text() -> str:
    return ODD.read_text(encoding="utf-8")


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start:] if end < 0 else text[start:end]


def _docstrings(module: object) -> str:
    """The module's docstring and those of the functions and classes defined in it."""
    own = [
        obj
        for _, obj in inspect.getmembers(
            module, lambda o: inspect.isfunction(o) or inspect.isclass(o)
        )
        if obj.__module__ == module.__name__
    ]
    return "\n".join([module.__doc__ or "", *(obj.__doc__ or "" for obj in own)])


def test_odd__parameter_table_matches_specs_and_defaults(text):
    block = odd.extract_block(text, odd.PARAMETERS_START, odd.PARAMETERS_END)
    assert block == odd.render_parameter_table(), (
        "run `python -m cisim.documents.odd` to regenerate"
    )


def test_odd__outcome_table_matches_the_registry(text):
    block = odd.extract_block(text, odd.OUTCOMES_START, odd.OUTCOMES_END)
    assert block == odd.render_outcome_table(), "run `python -m cisim.documents.odd` to regenerate"


def test_odd__parameter_table_has_one_row_per_parameter(text):
    block = odd.extract_block(text, odd.PARAMETERS_START, odd.PARAMETERS_END)
    names = re.findall(r"^\| `(\w+)` \|", block, flags=re.MULTILINE)
    assert names == list(SPECS)


def test_odd__every_parameter_has_a_justification():
    missing = [name for name, spec in SPECS.items() if len(spec.why.split()) < 5]
    assert not missing, f"parameters without a justification: {missing}"


def test_odd__preset_tables_match_configs(text):
    block = odd.extract_block(text, odd.PRESETS_START, odd.PRESETS_END)
    assert block == odd.render_presets(odd.load_presets(CONFIGS)), (
        "run `python -m cisim.documents.odd` to regenerate"
    )


def test_odd__every_preset_is_described(text):
    block = odd.extract_block(text, odd.PRESETS_START, odd.PRESETS_END)
    presets = sorted(path.stem for path in CONFIGS.glob("*.toml"))
    assert presets, "no presets found in configs/"
    for name in presets:
        assert f"#### Preset `{name}`" in block, f"preset {name!r} is not described in the ODD"


def test_odd__every_preset_statement_appears(text):
    block = odd.extract_block(text, odd.PRESETS_START, odd.PRESETS_END)
    for preset in odd.load_presets(CONFIGS):
        for statement in (*preset.scenario.encodes, *preset.scenario.assumes):
            assert " ".join(statement.split()) in block


def test_odd__has_the_odd_elements_in_order(text):
    headings = [
        "## 1. Purpose and patterns",
        "## 2. Entities, state variables and scales",
        "## 3. Process overview and scheduling",
        "## 4. Design concepts",
        "## 5. Initialization",
        "## 6. Input data",
        "## 7. Submodels",
        "## 8. The regime rule",
        "## 9. Parameters",
        "## 10. Calibration history",
        "## 11. References",
    ]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)


def test_odd__submodels_follow_the_schedule(text):
    submodels = _section(text, "## 7. Submodels")
    positions = [submodels.index(f"mechanisms/{m.__name__}.py`") for m in SCHEDULE]
    assert positions == sorted(positions), "the process table or submodels are out of order"


def test_odd__design_concepts_has_all_eleven(text):
    concepts = _section(text, "## 4. Design concepts")
    names = (
        "Basic principles",
        "Emergence",
        "Adaptation",
        "Objectives",
        "Learning",
        "Prediction",
        "Sensing",
        "Interaction",
        "Stochasticity",
        "Collectives",
        "Observation",
    )
    for k, name in enumerate(names, start=1):
        assert f"### 4.{k} {name}" in concepts


@pytest.mark.parametrize("module", CITING_MODULES)
def test_odd__docstring_references_resolve_to_the_bibliography(text, module):
    bibliography = _section(text, "## 11. References")
    entries = [" ".join(e.split()) for e in re.split(r"\n- ", bibliography)[1:]]
    doc = " ".join(_docstrings(importlib.import_module(module)).split())
    cited = set(_CITATION.findall(doc))
    unresolved = [
        f"{name} ({year})"
        for name, year in sorted(cited)
        if not any(name in entry and year in entry for entry in entries)
    ]
    unresolved += [name for name in _UNDATED if name in doc and name not in bibliography]
    assert not unresolved, f"{module} cites references missing from the ODD: {unresolved}"


def test_odd_main__rewrites_stale_blocks_in_place(tmp_path):
    stale = tmp_path / "ODD.md"
    shutil.copy(ODD, stale)
    text = stale.read_text(encoding="utf-8")
    text = odd.replace_block(text, odd.PARAMETERS_START, odd.PARAMETERS_END, "stale")
    text = odd.replace_block(text, odd.PRESETS_START, odd.PRESETS_END, "")
    stale.write_text(text, encoding="utf-8")
    args = ["--odd", str(stale), "--configs", str(CONFIGS)]
    assert odd.main([*args, "--check"]) == 1
    assert odd.main(args) == 0
    assert odd.main([*args, "--check"]) == 0
    assert stale.read_text(encoding="utf-8") == ODD.read_text(encoding="utf-8")


def test_odd_replace_block__missing_markers_raise():
    with pytest.raises(ValueError, match="markers"):
        odd.replace_block("no markers here", odd.PARAMETERS_START, odd.PARAMETERS_END, "x")

"""``docs/reliability.md`` quotes the figures the reliability tests count (it cannot drift)."""

from __future__ import annotations

from pathlib import Path

import pytest

from . import catalogue, test_faults, test_fuzz, test_fuzz_outputs

DOC = Path(__file__).resolve().parents[2] / "docs" / "reliability.md"


@pytest.fixture(scope="module")
def text() -> str:
    return DOC.read_text(encoding="utf-8")


def test_doc__faults(text: str) -> None:
    faults = test_faults.FAULTS
    assert f"**{sum(faults.values())} faults** of {len(faults)} kinds" in text
    assert f"SIGKILL at a random moment | {test_faults.KILLS} |" in text
    assert f"default_rng({test_faults.KILL_SEED})" in text


def test_doc__bad_inputs(text: str) -> None:
    cases = catalogue.all_cases()
    kinds = {k: sum(c.kind == k for c in cases) for k in catalogue.KINDS}
    assert (
        f"**{len(cases)} catalogued mistakes** ({kinds['scenario']} in scenario files, "
        f"{kinds['roster']} in rosters, {kinds['experiment']} in experiment files, "
        f"{kinds['field']} in field files)"
    ) in text
    assert f"{2 * len(cases)} checks" in text


def test_doc__fuzzing_examples(text: str) -> None:
    examples, extremes = test_fuzz.EXAMPLES, len(test_fuzz.EXTREMES)
    assert f"**{sum(examples.values()) + extremes:,} fuzzing examples**" in text
    valid = examples["valid scenarios"] + extremes
    assert f"{valid} of them valid scenarios run to the end ({extremes} explicit extremes)" in text
    assert f"{sum(examples.values()) - examples['valid scenarios']:,} invalid inputs" in text
    for name, count in examples.items():
        assert f"| {name} | {count:,} |" in text, name


def test_doc__fuzzing_outputs(text: str) -> None:
    for name, count in test_fuzz_outputs.EXAMPLES.items():
        assert f"| {name} | {count:,} |" in text, name

"""Every catalogued mistake (``catalogue.py``) is refused with one precise message: as a typed
exception in the API, as one line and exit code 2 on the command line (a refused sweep or field
makes no directory); ``docs/errors.md`` lists exactly the catalogue's messages."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from pathlib import Path

import pytest

from cisim import cli
from cisim.errors import CisimError, ConfigError

from . import catalogue
from .catalogue import EXPERIMENT, FIELD, ROSTER, SCENARIO, Case

CASES = catalogue.all_cases()
ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "errors.md"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_catalogue__api_raises_one_typed_precise_error(case: Case, tmp_path: Path) -> None:
    with catalogue.materialised(case, tmp_path), pytest.raises(CisimError) as info:
        catalogue.load(case)
    error = info.value
    assert type(error) is case.error, f"{type(error).__name__}: {error}"
    assert isinstance(error, ConfigError) and isinstance(error, ValueError)
    text = str(error)
    assert "\n" not in text and "Traceback" not in text
    if case.field is not None:
        assert error.field == case.field
        if case.field != "file":
            assert f"{case.field} = " in text  # the message names the field ...
    if case.value is not catalogue._MISSING:
        assert error.value == case.value or (error.value != error.value)  # nan is not nan
        assert repr(error.value) in text  # ... quotes the value ...
    for word in case.words:  # ... says what is allowed
        assert word in text, f"{word!r} not in {text!r}"
    if case.where is not None:
        assert text.startswith(f"{case.where}: "), text  # ... and where
    else:
        assert case.field == "file", "only a file that cannot be read has no line or row"
        assert text.split(": ")[0].endswith((".toml", ".csv")), text  # the file's name


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_catalogue__cli_prints_one_line_and_exits_2(case: Case, tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    with catalogue.materialised(case, tmp_path) as directory:
        expected = catalogue.message(case)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(catalogue.argv(case))
        assert not (directory / "out").exists(), "a refused sweep or field left a directory"
    assert code == 2
    assert out.getvalue() == ""
    assert err.getvalue() == f"cisim: error: {' '.join(expected.split())}\n"


#: One case of each kind, run through a real ``python -m cisim`` process.
IN_A_PROCESS = (
    "scenario/turnover/above",
    "roster/relationship/unknown-target",
    "experiment/range/empty",
    "field/scenario/unknown-preset",
)


@pytest.mark.parametrize("case_id", IN_A_PROCESS)
def test_catalogue__a_real_process_exits_2_without_a_traceback(
    case_id: str, tmp_path: Path
) -> None:
    case = next(c for c in CASES if c.id == case_id)
    with catalogue.materialised(case, tmp_path) as directory:
        expected = catalogue.message(case)
        done = subprocess.run(
            [sys.executable, "-m", "cisim", *catalogue.argv(case)],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=directory,
        )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == f"cisim: error: {expected}\n"


def test_catalogue__covers_every_parameter_and_kind() -> None:
    from cisim.field.platform import PLATFORM_SPECS
    from cisim.model.parameters import SPECS

    ids = {c.id for c in CASES}
    for name, spec in SPECS.items():
        if spec.kind == "mapping":
            assert any(i.startswith(f"scenario/{name}/") for i in ids), name
        else:
            assert f"scenario/{name}/" + ("unknown" if spec.kind == "choice" else "above") in ids
    for name, spec in PLATFORM_SPECS.items():  # every platform lever of a field file
        assert f"field/lever/{name}/" + ("unknown" if spec.kind == "choice" else "above") in ids
    kinds = {
        kind: sum(c.kind == kind for c in CASES) for kind in (SCENARIO, ROSTER, EXPERIMENT, FIELD)
    }
    assert min(kinds.values()) >= 20, kinds
    issue = (  # the mistakes issue 7 names
        "roster/relationship/unknown-target",
        "roster/name/duplicate",
        "roster/column/missing-sector",
        "roster/number/authority",
        "experiment/range/empty",
        "experiment/sobol/not-power-of-two",
        "experiment/replicates/zero",
        "scenario/unknown-key/typo",
        "scenario/toml/missing-value",
    )
    assert set(issue) <= ids


def test_errors_md__is_generated_from_the_catalogue() -> None:
    expected = catalogue.render(CASES)
    assert DOC.read_text(encoding="utf-8") == expected, (
        "docs/errors.md is out of date: .venv/bin/python tests/reliability/catalogue.py "
        "> docs/errors.md"
    )

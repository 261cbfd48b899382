"""Class 8: memory is measured before it is spent. One replicate's state is built and measured;
batches hold only as many runs as fit the budget (half the free memory, or
``CISIM_MEMORY_BUDGET``); a scenario of which one replicate does not fit is one line, exit 2.
Sizing batches changes no number (results do not depend on the batch size)."""

from __future__ import annotations

import pandas as pd
import pytest

import cisim
from cisim import cli
from cisim.model import population
from cisim.study import memory

from .helpers import write


def test_a_replicate_too_large_for_the_budget_is_one_line(
    tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CISIM_MEMORY_BUDGET", str(1_000_000))  # 1 MB
    path = write(tmp_path / "big.toml", "n_organisations = 2000\nmean_degree = 50\n")
    code = cli.main(["run", str(path), "-n", "2", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "MB per replicate" in err, err
    assert "mean_degree" in err and not (tmp_path / "out").exists()


@pytest.mark.parametrize("fit", [1, 3])
def test_batches_are_sized_to_the_budget_and_change_no_number(
    fit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = cisim.Scenario.preset("baseline").replace(n_organisations=60, horizon_months=12)
    reference = cisim.simulate(scenario, replicates=7, seed=3).summary
    probe, _ = population.build_state([population.RunSpec(scenario, 3, 0)])
    per_run = int(memory.state_bytes(probe) * memory.OVERHEAD) + 13 * 64 * 8
    monkeypatch.setenv("CISIM_MEMORY_BUDGET", str(per_run * fit))
    sizes: list[int] = []
    build = population.build_state

    def spy(specs):  # type: ignore[no-untyped-def]
        sizes.append(len(specs))
        return build(specs)

    monkeypatch.setattr("cisim.study.simulate.build_state", spy)
    sized = cisim.simulate(scenario, replicates=7, seed=3, batch_size=10**6).summary
    assert max(sizes) == fit
    pd.testing.assert_frame_equal(sized, reference, check_exact=True)


def _factorial(levels: int) -> str:
    values = ", ".join(f"{0.01 + 0.5 * k / levels:.5f}" for k in range(levels))
    return (
        'name = "big"\nbase = "baseline"\ndesign = "factorial"\nreplicates = 1\nseed = 1\n'
        "[uncertainties]\n" + "".join(f"{n} = [{values}]\n" for n in ("turnover", "data_use"))
    )


def _latin(samples: int) -> str:
    return (
        f'name = "big"\nbase = "baseline"\ndesign = "lhs"\nsamples = {samples}\n'
        "replicates = 1\nseed = 1\n[uncertainties]\nturnover = { low = 0.01, high = 0.06 }\n"
    )


@pytest.mark.parametrize(
    ("text", "points"), [(_factorial(40), 1_600), (_factorial(100), 10_000), (_latin(5_000), 5_000)]
)
def test_a_design_too_large_for_the_budget_is_refused_before_it_is_built(
    tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], text, points
) -> None:
    monkeypatch.setenv("CISIM_MEMORY_BUDGET", str(1_000_000))  # 1 MB
    built: list[int] = []
    monkeypatch.setattr(
        "cisim.study.sweeps.runner.design_table",
        lambda ex: built.append(1),  # never reached
    )
    path = write(tmp_path / "big.toml", text)
    code = cli.main(["sweep", str(path), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert f"{points:,} points" in err and "design" in err and "MB" in err, err
    assert not built and not (tmp_path / "out").exists()


def test_the_largest_allowed_design_needs_more_than_a_laptop_has(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The allowed maximum (10,000,000 points) is refused on an 8 GB budget; a study's size is
    not."""
    monkeypatch.setenv("CISIM_MEMORY_BUDGET", str(8 << 30))
    memory.check_design(76_800, 12)  # the Sobol study's design
    with pytest.raises(cisim.errors.ConfigError, match="10,000,000 points"):
        memory.check_design(10_000_000, 6)

"""What a user hands in: crash paths (class 9), roster numbers (class 12), files that are not
files (class 13), and the errors that were unclear.

The rules (:mod:`cisim.inputs`): every input file is read by one function that reads only
regular files, capped in size; every TOML text is parsed by one function that turns too deep
nesting into a one-line error and accepts a byte-order mark; every number written as text is
parsed by one strict function (ASCII decimal notation only); no argument or path may hold a NUL
character; every error line is cut to a readable length.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from cisim import cli
from cisim.errors import ERROR_LINE, ConfigError
from cisim.inputs import parse_number, read_text
from cisim.model.scenario import Scenario

from .helpers import SWEEP, write

ORGS = "name,sector,authority,capacity\nCity,public,0.5,0.5\nFood Bank,nonprofit,0.4,0.6\n"
RELS = "source,target,trust\nCity,Food Bank,0.5\n"


def _refused(capsys: pytest.CaptureFixture[str], argv: list[str], *needles: str) -> str:
    capsys.readouterr()
    code = cli.main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err and "internal error" not in err, err
    assert len(lines[0]) <= ERROR_LINE + 10
    for needle in needles:
        assert needle in err, err
    return err


def _roster_scenario(
    tmp_path: Path, orgs: str = ORGS, rels: str = RELS, path: str = "orgs.csv"
) -> Path:
    (tmp_path / "orgs.csv").write_text(orgs)
    (tmp_path / "rels.csv").write_text(rels)
    text = f'name = "r"\nnetwork = "roster"\n[roster]\norganisations = "{path}"\n'
    text += 'relationships = "rels.csv"\n'
    return write(tmp_path / "r.toml", text)


# ---- class 9: no crash path ---------------------------------------------------------------------
DEEP = 600


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * DEEP + "]" * DEEP + "\n",
        "a = " + "{b = " * DEEP + "1" + "}" * DEEP + "\n",
        "a = [" + "{b = [" * (DEEP // 2) + "]}" * (DEEP // 2) + "]\n",
    ],
    ids=["arrays", "inline-tables", "mixed"],
)
@pytest.mark.parametrize("command", ["validate", "sweep"])
def test_toml_nested_too_deeply_is_one_line(
    text: str, command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "deep.toml", text)
    argv = (
        ["validate", str(path)]
        if command == "validate"
        else ["sweep", str(path), "--out", str(tmp_path / "out"), "-w", "1"]
    )
    _refused(capsys, argv, "deep.toml", "nested too deeply")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "where",
    ["roster", "base", "relationships"],
)
def test_a_nul_character_in_a_named_path_is_one_line(
    where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if where == "base":
        text = SWEEP.replace('base = "baseline"', 'base = "mine\\u0000.toml"')
        path = write(tmp_path / "e.toml", text)
        _refused(capsys, ["sweep", str(path), "--out", str(tmp_path / "out"), "-w", "1"], "NUL")
        return
    scenario = _roster_scenario(
        tmp_path, path="orgs\\u0000.csv" if where == "roster" else "orgs.csv"
    )
    if where == "relationships":
        scenario.write_text(scenario.read_text().replace('"rels.csv"', '"r\\u0000els.csv"'))
    _refused(capsys, ["validate", str(scenario)], "NUL")


def test_a_nul_character_in_an_argument_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    _refused(capsys, ["validate", "a\0.toml"], "NUL")
    _refused(capsys, ["run", "baseline", "--out", "x\0y"], "NUL")


@pytest.mark.parametrize("count", ["10" * 10, str(10**20), str(2**63), "9" * 40])
def test_a_count_too_large_is_one_line(
    count: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _refused(capsys, ["run", "baseline", "-n", count, "--out", str(tmp_path / "o")], count[:10])
    path = write(tmp_path / "e.toml", SWEEP.replace("replicates = 4", f"replicates = {count}"))
    _refused(capsys, ["sweep", str(path), "--out", str(tmp_path / "s"), "-w", "1"], "replicates")
    assert not (tmp_path / "o").exists() and not (tmp_path / "s").exists()


@pytest.mark.parametrize("address", ["localhost", "tcp://[::1", "tcp://", "::::", "a b c"])
def test_a_malformed_dask_address_is_one_line(
    address: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("distributed")
    path = write(tmp_path / "e.toml", SWEEP)
    argv = ["sweep", str(path), "--out", str(tmp_path / "s"), "--dask", address, "--no-progress"]
    _refused(capsys, argv, "--dask")


def test_a_bom_in_a_toml_file_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + b'name = "bom"\nturnover = 0.02\n')
    assert Scenario.load(path).name == "bom"
    experiment = tmp_path / "e.toml"
    experiment.write_bytes(b"\xef\xbb\xbf" + SWEEP.lstrip().encode())
    from cisim.study.sweeps import Experiment

    assert Experiment.from_toml(experiment).replicates == 4


@pytest.mark.parametrize("size", [10_000, 5_000_000])
def test_a_huge_bad_value_makes_a_short_line(
    size: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "big.toml", f'turnover = "{"x" * size}"\n')
    err = _refused(capsys, ["validate", str(path)], "turnover", "characters")
    assert len(err) < 2 * ERROR_LINE


# ---- class 12: numbers in rosters are plain decimal numbers -------------------------------------
@pytest.mark.parametrize(
    "bad",
    [
        "0_1",
        "0_5",
        "1_0",
        "٠.٥",
        "０.５",
        "nan",
        "inf",
        "-inf",
        "infinity",
        "0x1",
        "1e",
        "..5",
        "0.5.1",
        "1 0",
        "½",
    ],
)
@pytest.mark.parametrize("column", ["authority", "trust"])
def test_a_roster_number_float_would_accept_is_refused(
    bad: str, column: str, tmp_path: Path
) -> None:
    if column == "trust":
        scenario = _roster_scenario(tmp_path, rels=f"source,target,trust\nCity,Food Bank,{bad}\n")
    else:
        scenario = _roster_scenario(
            tmp_path, orgs=f"name,sector,authority\nCity,public,{bad}\nFood Bank,nonprofit,0.4\n"
        )
    with pytest.raises(ConfigError) as caught:
        Scenario.load(scenario)
    assert caught.value.field == column and caught.value.value == bad


@pytest.mark.parametrize("good", ["0.5", " 0.5 ", ".5", "5e-1", "+0.5", "0", "1", "1.", "0.50"])
def test_plain_decimal_numbers_are_read(good: str, tmp_path: Path) -> None:
    scenario = _roster_scenario(tmp_path, rels=f"source,target,trust\nCity,Food Bank,{good}\n")
    assert Scenario.load(scenario).roster.relationships[0].trust == float(good)
    assert parse_number(good) == float(good)


# ---- class 13: a file that is not a regular file is refused, never waited on --------------------
def _in_thread(target, seconds: float = 20.0) -> BaseException | None:  # type: ignore[no-untyped-def]
    """Run ``target`` in a thread; fail if it is still running after ``seconds``."""
    box: list[BaseException | None] = [None]

    def run() -> None:
        try:
            target()
        except BaseException as exc:
            box[0] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "hung"
    return box[0]


@pytest.mark.parametrize("which", ["organisations", "relationships", "scenario", "experiment"])
def test_a_fifo_is_refused_at_once(which: str, tmp_path: Path) -> None:
    scenario = _roster_scenario(tmp_path)
    fifo_name = {"organisations": "orgs.csv", "relationships": "rels.csv"}.get(which)
    if fifo_name:
        (tmp_path / fifo_name).unlink()
        os.mkfifo(tmp_path / fifo_name)
        exc = _in_thread(lambda: Scenario.load(scenario))
        assert isinstance(exc, ConfigError) and "FIFO" in str(exc), exc
        return
    fifo = tmp_path / f"{which}.toml"
    os.mkfifo(fifo)
    from cisim.study.sweeps import Experiment

    load = Scenario.load if which == "scenario" else Experiment.from_toml
    exc = _in_thread(lambda: load(fifo))
    assert isinstance(exc, ConfigError) and "FIFO" in str(exc), exc


@pytest.mark.parametrize("command", ["validate", "run"])
def test_a_fifo_roster_in_a_real_process_ends_with_one_line(command: str, tmp_path: Path) -> None:
    scenario = _roster_scenario(tmp_path)
    (tmp_path / "orgs.csv").unlink()
    os.mkfifo(tmp_path / "orgs.csv")
    argv = [sys.executable, "-m", "cisim", command, str(scenario)]
    if command == "run":
        argv += ["-n", "2", "--out", str(tmp_path / "out")]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2, done.stderr
    assert "FIFO" in done.stderr and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_a_device_is_refused(device: str) -> None:
    if not Path(device).exists():
        pytest.skip(f"no {device}")
    exc = _in_thread(lambda: read_text(device))
    assert isinstance(exc, ConfigError) and "character device" in str(exc)


def test_a_file_too_large_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    with open(path, "wb") as handle:
        handle.truncate(60_000_000)  # sparse: no disk used
    with pytest.raises(ConfigError, match="too large"):
        read_text(path)


def test_truncated_analysis_json_is_analysed_again(tmp_path: Path) -> None:
    experiment = write(tmp_path / "e.toml", SWEEP)
    out = tmp_path / "sweep"
    assert cli.main(["sweep", str(experiment), "--out", str(out), "-w", "1", "--no-progress"]) == 0
    assert cli.main(["analyze", str(out)]) == 0
    summary = out / "analysis" / "analysis.json"
    summary.write_text(summary.read_text()[:50])
    assert cli.main(["report", str(out)]) == 0
    assert isinstance(json.loads(summary.read_text()), dict)


# ---- the rules hold in the code: one place writes CSV, one place parses TOML ---------------------
SRC = Path(__file__).resolve().parents[2] / "src" / "cisim"


@pytest.mark.parametrize(
    ("needle", "allowed"),
    [
        (".to_csv(", {"io.py"}),  # class 10: every CSV through io.write_csv
        ("tomllib.load", {"inputs.py", "documents/odd.py"}),  # class 9: user TOML via inputs
        ("csv.DictReader(", {"model/roster.py"}),  # class 12/13: rosters via inputs.read_text
    ],
)
def test_one_place_does_it(needle: str, allowed: set[str]) -> None:
    found = {
        p.relative_to(SRC).as_posix()
        for p in SRC.rglob("*.py")
        if needle in p.read_text(encoding="utf-8")
    }
    assert found <= allowed, found - allowed

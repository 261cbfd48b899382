"""``cisim sweep`` on the command line: a parser built with :func:`register`, in a subprocess.

``src/cisim/cli.py`` wires :func:`cisim.study.sweeps.cli.register` into ``cisim``; these tests build
a parser of their own the same way (and print errors as ``cisim`` does), so they do not depend on
it.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cisim.study.sweeps import load

from .conftest import DESIGNS, WriteExperiment
from .helpers import assert_same_sweep
from .test_runner import SLOW

MAIN = """
import argparse, sys
from cisim.errors import CisimError
from cisim.study.sweeps import cli
parser = argparse.ArgumentParser(prog="cisim")
cli.register(parser.add_subparsers(dest="command", required=True))
args = parser.parse_args(sys.argv[1:])
try:
    sys.exit(args.handler(args))
except CisimError as exc:
    print(f"cisim: error: {exc}", file=sys.stderr)
    sys.exit(2)
"""


def _cisim(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", MAIN, *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_cli__sweep_runs_and_says_what_it_did(
    write_experiment: WriteExperiment, tmp_path: Path
) -> None:
    path = write_experiment(DESIGNS["factorial"])
    done = _cisim("sweep", path, "--out", tmp_path / "out", "--workers", "1", "--no-progress")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("cisim sweep: 12 runs in 3 tasks in ")
    assert "runs/s" in done.stdout and done.stderr == ""
    results = load(tmp_path / "out")
    assert results.complete
    assert results.manifest["command"].startswith("cisim sweep ")
    again = _cisim("sweep", path, "--out", tmp_path / "out", "--workers", "1")
    assert "12 kept from before" in again.stdout and "0 run now" in again.stdout


@pytest.mark.slow
def test_cli__dask_local(write_experiment: WriteExperiment, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    path = write_experiment(DESIGNS["factorial"])
    done = _cisim("sweep", path, "-o", tmp_path / "dask", "-w", "2", "--dask", "local")
    assert done.returncode == 0, done.stderr
    _cisim("sweep", path, "-o", tmp_path / "serial", "-w", "1")
    assert_same_sweep(tmp_path / "dask", tmp_path / "serial")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workers", "0"], "a whole number >= 1"),
        ([], "--out"),
    ],
)
def test_cli__bad_options_are_usage_errors(
    args: list[str], message: str, write_experiment: WriteExperiment
) -> None:
    path = write_experiment(DESIGNS["factorial"])
    done = _cisim("sweep", path, *args)
    assert done.returncode == 2 and message in done.stderr


def test_cli__bad_experiment_is_one_line_naming_the_key(
    write_experiment: WriteExperiment, tmp_path: Path
) -> None:
    path = write_experiment(DESIGNS["factorial"].replace("[levers]", "[lever]"), "bad.toml")
    done = _cisim("sweep", path, "--out", tmp_path / "out")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert f"{path}, line " in done.stderr and "lever = " in done.stderr
    assert "did you mean 'levers'" in done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_cli__ctrl_c_stops_keeps_finished_runs_and_resumes(
    write_experiment: WriteExperiment, tmp_path: Path
) -> None:
    path = write_experiment(SLOW)
    out = tmp_path / "out"
    command = [sys.executable, "-c", MAIN, "sweep", str(path), "--out", str(out), "-w", "2"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not list(out.glob("runs/task-*.parquet")):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.005)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert err.startswith("cisim sweep: interrupted; ") and err.count("\n") == 1
    assert "run the same command again to resume" in err
    assert len(load(out, allow_incomplete=True).runs) < 36
    done = _cisim("sweep", path, "--out", out, "-w", "1", "--no-progress")
    assert done.returncode == 0, done.stderr
    _cisim("sweep", path, "--out", tmp_path / "whole", "-w", "1")
    assert_same_sweep(out, tmp_path / "whole")


def test_import__does_not_load_dask_or_tqdm() -> None:
    code = (
        "import sys, cisim, cisim.study.sweeps, cisim.study.sweeps.cli\n"
        "loaded = {'dask', 'distributed', 'tqdm'} & set(sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    code = "import sys, cisim; assert 'cisim.study.sweeps' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)

"""The package as a newcomer meets it: quick commands, shipped studies by name, the optional app
extra, a sweep on a system without POSIX-only calls, and a wheel installed outside the repo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import tomllib
import zipfile
from pathlib import Path

import pytest

from cisim import cli
from cisim.study.sweeps import shipped

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _python(
    code: str, cwd: Path, *, python: str = sys.executable
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [python, "-c", textwrap.dedent(code)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        check=False,
    )


def _one_line_error(capsys: pytest.CaptureFixture[str], code: int, *needles: str) -> None:
    captured = capsys.readouterr()
    assert code == 2
    assert len(captured.err.splitlines()) == 1, captured.err
    assert captured.err.startswith("cisim: error: ") and "Traceback" not in captured.err
    for needle in needles:
        assert needle in captured.err


# ---- quick commands ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "argv",
    [["--help"], ["presets"], ["validate", "baseline"], ["validate", "configs/hartford.toml"]],
    ids=["help", "presets", "validate-preset", "validate-file"],
)
def test_quick_commands__import_neither_the_engine_nor_pandas(argv: list[str]) -> None:
    # what makes them quick (well under half a second): benchmarks/bench_latency.py times them
    result = _python(
        f"""
        import sys
        from cisim import cli
        code = cli.main({argv!r})
        heavy = sorted(m for m in ("numba", "pandas", "pyarrow", "matplotlib", "mesa", "scipy")
                       if m in sys.modules)
        print("HEAVY", heavy, "CODE", code)
        """,
        ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "HEAVY [] CODE 0" in result.stdout, result.stdout[-500:]


def test_import_cisim__is_lazy_and_complete() -> None:
    result = _python(
        """
        import sys
        import cisim
        assert "numba" not in sys.modules and "pandas" not in sys.modules
        missing = [name for name in cisim.__all__ if getattr(cisim, name, None) is None]
        print("MISSING", missing)
        """,
        ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "MISSING []" in result.stdout


# ---- shipped studies ---------------------------------------------------------------------------
def test_shipped_studies__are_package_data_and_the_repos_experiments() -> None:
    data = PYPROJECT["tool"]["setuptools"]["package-data"]["cisim"]
    assert "experiments/*.toml" in data
    assert shipped.EXPERIMENT_DIR == ROOT / "src" / "cisim" / "experiments"
    assert (ROOT / "experiments").resolve() == shipped.EXPERIMENT_DIR  # one copy
    files = sorted((ROOT / "experiments").glob("*.toml"))
    stems = [p.stem for p in files if "[field]" not in p.read_text(encoding="utf-8")]
    assert list(shipped.names()) == stems and "learning_vs_blame" in stems
    # the field file ships beside them, for cisim field, and is no sweep
    assert (ROOT / "experiments" / "platforms.toml") in files and "platforms" not in stems


def test_experiments__lists_every_shipped_study(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["experiments"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[:-1]] == list(shipped.names())
    assert "6,000 runs" in next(line for line in lines if line.startswith("learning_vs_blame"))
    assert lines[-1].startswith("run one with: cisim sweep NAME")


def test_sweep__runs_a_shipped_study_by_name(tmp_path: Path) -> None:
    out = tmp_path / "lvb"
    code = cli.main(["sweep", "learning_vs_blame", "-n", "1", "--out", str(out), "-w", "1"])
    assert code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete"
    assert (manifest["experiment"]["name"], manifest["runs"]) == ("learning_vs_blame", 24)
    assert "replicates = 1" in (out / "experiment.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("argv", "needles"),
    [
        (
            ["learnin_vs_blame"],
            ["experiment = 'learnin_vs_blame'", "did you mean 'learning_vs_blame'"],
        ),
        (["no_such_study"], ["a shipped study (", "learning_vs_blame, ", "or an experiment .toml"]),
        (["who_is_at_the_table", "-n", "2"], ["--replicates = 2", "nested study"]),
        (["learning_vs_blame", "-n", "0"], ["argument --replicates/-n", "'0' is not allowed"]),
    ],
    ids=["misspelt", "unknown", "nested", "zero"],
)
def test_sweep__a_bad_name_or_count_is_one_line(
    argv: list[str], needles: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["sweep", *argv, "--out", str(tmp_path / "out")])
    _one_line_error(capsys, code, *needles)
    assert not (tmp_path / "out").exists()


# ---- the app extra -----------------------------------------------------------------------------
@pytest.mark.parametrize("module", ["solara", "uvicorn"])
def test_app__without_the_app_extra_names_it(module: str, tmp_path: Path) -> None:
    result = _python(
        f"""
        import sys
        sys.modules[{module!r}] = None  # as if the extra were not installed
        from cisim import cli
        raise SystemExit(cli.main(["app", "--port", "0"]))
        """,
        tmp_path,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        f"cisim: error: cisim app needs the 'app' extra, which is not installed (no module "
        f"'{module}'): pip install 'cisim-collab[app]'"
    ]


# ---- portability -------------------------------------------------------------------------------
#: What Windows lacks of what a sweep could reach for: fcntl, positional I/O, O_NONBLOCK and
#: O_NOFOLLOW. A module that imports or calls one of them fails in this subprocess.
_WITHOUT_POSIX = """
import os, sys
sys.modules["fcntl"] = None
for name in ("pread", "pwrite", "O_NONBLOCK", "O_NOFOLLOW"):
    delattr(os, name)
"""


def test_cli__imports_and_sweeps_without_posix_only_calls(tmp_path: Path) -> None:
    experiment = tmp_path / "tiny.toml"
    experiment.write_text(
        'name = "tiny"\nbase = "baseline"\ndesign = "factorial"\nreplicates = 2\nseed = 3\n'
        "[constants]\nhorizon_months = 12\n[levers]\nnavigator = [0, 1]\n",
        encoding="utf-8",
    )
    code = _WITHOUT_POSIX + textwrap.dedent(
        """
        from cisim import cli
        from cisim.study.sweeps import load
        argv = ["sweep", "tiny.toml", "--out", "out", "--workers", "1", "--no-progress"]
        assert cli.main(argv) == 0
        assert cli.main(argv) == 0  # resumed: nothing left to run
        print("RUNS", len(load("out").runs))
        """
    )
    result = _python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "RUNS 4" in result.stdout
    # no system lock without fcntl on this POSIX system: the sweep says so and goes on (Windows
    # has LockFileEx, which filelock uses there)
    assert "this system offers no file lock" in result.stderr
    assert (tmp_path / "out" / ".lock").read_text().strip().isdigit()


# ---- the wheel, outside the repository ---------------------------------------------------------
def _source_copy(root: Path) -> Path:
    """The files a wheel is built from, copied (links followed) so the build writes nothing in
    the repository."""
    import shutil

    source = root / "source"
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "src" / "cisim",
        source / "src" / "cisim",
        symlinks=False,
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
    )
    return source


def _share_compiled(installed: Path) -> None:
    """Copy the repository's numba cache (what ``./dev``'s warm step compiled) beside the sources
    installed at ``installed``, and give each source the same content had in the repository its
    modification time there, so that numba finds the cache current and loads the engine instead of
    compiling it again (2-3 minutes; compiling it is what the rest of the suite does). Without a
    current cache in the repository, the installed engine is compiled as before."""
    import shutil

    package = ROOT / "src" / "cisim"
    for cache in package.rglob("__pycache__/cisim-*"):
        target = installed / cache.relative_to(package)
        shutil.copytree(cache, target, ignore=shutil.ignore_patterns("*.tmp"), dirs_exist_ok=True)
    for source in package.rglob("*.py"):
        target = installed / source.relative_to(package)
        if target.is_file() and target.read_bytes() == source.read_bytes():
            stat = source.stat()
            os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))


@pytest.mark.slow
def test_wheel__installed_outside_the_repo_runs_a_shipped_study(tmp_path: Path) -> None:
    # built offline (pip wheel, setuptools from the configured index), installed into a fresh
    # venv with --no-deps; its dependencies are the test environment's site-packages, listed in a
    # .pth file, so nothing is downloaded. The installed engine loads the repository's compiled
    # code from numba's cache (_share_compiled) rather than compiling it for 2-3 minutes.
    import sysconfig

    source = _source_copy(tmp_path)
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path / "dist"),
            ".",
        ],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = (tmp_path / "dist").glob("cisim_collab-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for stem in shipped.names():
        assert f"cisim/experiments/{stem}.toml" in names
    assert "cisim/model/presets/baseline.toml" in names
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    purelib = _python(
        "import sysconfig; print(sysconfig.get_paths()['purelib'])", tmp_path, python=python
    ).stdout.strip()
    Path(purelib, "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert install.returncode == 0, install.stderr
    _share_compiled(Path(purelib) / "cisim")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [
            str(venv / "bin" / "cisim"),
            "sweep",
            "learning_vs_blame",
            "-n",
            "1",
            "--out",
            "s",
            "--workers",
            "1",
        ],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "24 runs" in result.stdout
    where = _python("import cisim; print(cisim.__file__)", elsewhere, python=python).stdout
    assert where.startswith(purelib), where  # the installed copy, not the repository's
    manifest = json.loads((elsewhere / "s" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["experiment"]["file"].startswith(purelib)

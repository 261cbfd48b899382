"""Security: configs, rosters and experiments are data (no eval, no pickle of what a user hands
in); results are Parquet, CSV, JSON, TOML, PNG and text; servers listen on localhost by default;
paths read from users stay inside the directories they are meant to read."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from cisim import cli
from cisim.errors import ConfigError
from cisim.io import safe_name
from cisim.model.roster import Roster
from cisim.model.scenario import Scenario
from cisim.study.sweeps import SerialExecutor, run_sweep

SRC = Path(__file__).resolve().parents[2] / "src" / "cisim"

#: Calls that run text as code or unpickle bytes (any module).
BANNED_CALLS = frozenset({"eval", "exec", "compile", "__import__", "execfile"})
#: Modules that deserialise arbitrary objects.
BANNED_MODULES = frozenset(
    {"pickle", "cPickle", "dill", "cloudpickle", "marshal", "shelve", "jsonpickle"}
)
#: Attribute calls that unpickle or run a shell.
BANNED_ATTRIBUTES = frozenset(
    {
        ("yaml", "load"),
        ("yaml", "unsafe_load"),
        ("pd", "read_pickle"),
        ("pandas", "read_pickle"),
        ("os", "system"),
        ("os", "popen"),
    }
)


def _python_files() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def _violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        where = f"{path.name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in BANNED_CALLS:
                found.append(f"{where}: {func.id}()")
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                if (func.value.id, func.attr) in BANNED_ATTRIBUTES:
                    found.append(f"{where}: {func.value.id}.{func.attr}()")
                if func.attr in ("to_pickle", "read_pickle"):
                    found.append(f"{where}: .{func.attr}()")
            for keyword in node.keywords:
                flag = isinstance(keyword.value, ast.Constant) and keyword.value.value is True
                if keyword.arg in ("allow_pickle", "shell") and flag:
                    found.append(f"{where}: {keyword.arg}=True")
        if isinstance(node, ast.Import):
            found += [f"{where}: import {a.name}" for a in node.names if a.name in BANNED_MODULES]
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in BANNED_MODULES:
            found.append(f"{where}: from {node.module} import")
    return found


def test_security__no_eval_exec_pickle_or_shell_in_src() -> None:
    files = _python_files()
    assert len(files) > 30
    found = [v for path in files for v in _violations(path)]
    assert not found, found


def test_security__the_scanner_finds_what_it_bans(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import pickle\nimport yaml\nfrom marshal import loads\neval('1')\nexec('x=1')\n"
        "yaml.load(s)\nos.system('ls')\nnp.load(f, allow_pickle=True)\nframe.to_pickle(p)\n"
        "subprocess.run(c, shell=True)\n"
    )
    assert len(_violations(bad)) == 9  # all but "import yaml" (safe_load is fine)


def test_security__toml_is_read_with_tomllib_only() -> None:
    """Configs are parsed by the standard library's TOML parser (data only, no tags)."""
    for path in _python_files():
        text = path.read_text(encoding="utf-8")
        assert "yaml" not in text.lower().replace("yaml_", ""), path


ALLOWED_OUTPUTS = {".parquet", ".csv", ".json", ".toml", ".png", ".md", ".html", ".sha256", ""}


def test_security__outputs_are_data_formats_never_pickle(tmp_path: Path) -> None:
    experiment = tmp_path / "e.toml"
    experiment.write_text(
        'name = "s"\nbase = "baseline"\ndesign = "factorial"\nreplicates = 2\n'
        "[constants]\nhorizon_months = 6\n[levers]\nnavigator = [0, 1]\n"
    )
    run_sweep(experiment, tmp_path / "sweep", executor=SerialExecutor(), progress=False)
    assert cli.main(["run", "baseline", "-n", "2", "-o", str(tmp_path / "run")]) == 0
    for path in [*(tmp_path / "sweep").rglob("*"), *(tmp_path / "run").rglob("*")]:
        if path.is_dir() or path.name == ".lock":
            continue
        assert path.suffix in ALLOWED_OUTPUTS, path
        head = path.read_bytes()[:2]
        assert head not in (b"\x80\x04", b"\x80\x05", b"\x80\x03"), f"{path} is a pickle"


# ---- servers -----------------------------------------------------------------------------------
def test_security__the_app_listens_on_localhost_by_default() -> None:
    parser = cli.build_parser()
    commands = next(a for a in parser._actions if a.dest == "command")
    if "app" not in commands.choices:  # type: ignore[attr-defined]
        pytest.skip("the classroom app (cisim app) is not there yet")
    args = parser.parse_args(["app"])
    assert args.host in ("127.0.0.1", "localhost", "::1"), args.host
    for path in (SRC / "app").rglob("*.py"):
        assert '"0.0.0.0"' not in path.read_text(encoding="utf-8"), path


def test_security__the_dask_cluster_listens_on_loopback() -> None:
    source = (SRC / "study" / "sweeps" / "executors.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    calls = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "LocalCluster"
    ]
    assert len(calls) == 1
    keywords = {k.arg: k.value for k in calls[0].keywords}
    assert ast.literal_eval(keywords["host"]) == "127.0.0.1"
    assert ast.literal_eval(keywords["dashboard_address"]) is None
    # a real cluster on loopback is started in test_faults.test_worker__a_killed_dask_worker_...


# ---- paths from users --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd", "/etc/passwd", "baseline/../../../etc/passwd", "..", "", "base line"],
)
def test_security__preset_names_cannot_leave_the_presets_directory(name: str) -> None:
    with pytest.raises(ConfigError) as info:
        Scenario.preset(name)
    assert info.value.field == "preset"


def test_security__load_reads_presets_and_toml_files_only(tmp_path: Path) -> None:
    for text in ("/etc/passwd", "/etc/hostname", "../../etc/shadow"):
        with pytest.raises(ConfigError) as info:
            Scenario.load(text)
        assert info.value.field == "config" and "passwd:" not in str(info.value)


def _scenario_naming(tmp_path: Path, csv: str) -> Path:
    (tmp_path / "case").mkdir(exist_ok=True)
    path = tmp_path / "case" / "scenario.toml"
    path.write_text(f'[roster]\norganisations = "{csv}"\n', encoding="utf-8")
    return path


@pytest.mark.parametrize("csv", ["../secret.csv", "/etc/secret.csv", "a/../../secret.csv", "x.txt"])
def test_security__roster_files_stay_in_the_scenario_directory(csv: str, tmp_path: Path) -> None:
    (tmp_path / "secret.csv").write_text("name,sector\nA,public\nB,private\n")
    with pytest.raises(ConfigError) as info:
        Scenario.from_toml(_scenario_naming(tmp_path, csv))
    assert info.value.field == "roster.organisations" and "no '..'" in str(info.value)


def test_security__a_symlink_out_of_the_scenario_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.csv").write_text("name,sector\nA,public\nB,private\n")
    path = _scenario_naming(tmp_path, "link.csv")
    os.symlink(tmp_path / "secret.csv", path.parent / "link.csv")
    with pytest.raises(ConfigError, match=r"no '\.\.'"):
        Scenario.from_toml(path)
    (path.parent / "sub").mkdir()
    (path.parent / "sub" / "orgs.csv").write_text("name,sector\nA,public\nB,private\n")
    path.write_text('[roster]\norganisations = "sub/orgs.csv"\n')
    assert Scenario.from_toml(path).roster == Roster.from_csv(path.parent / "sub" / "orgs.csv")


@pytest.mark.parametrize("name", ["../../evil", "/etc", "..", ".hidden", "a/b\\c", "\x00"])
def test_security__output_names_stay_inside_results(name: str) -> None:
    safe = safe_name(name)
    assert safe and "/" not in safe and "\\" not in safe and not safe.startswith(".")
    assert (Path("results") / safe).resolve().parent == Path("results").resolve()

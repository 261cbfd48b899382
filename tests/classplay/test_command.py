"""``cisim class``: bad input is one line naming the option, the value and what is allowed."""

from __future__ import annotations

import pytest

from cisim.cli import main


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--port", "70000"], ["--port", "'70000'", "0 to 65535"]),
        (["--port", "-1"], ["--port", "'-1'", "0 to 65535"]),
        (["--time-limit", "0"], ["--time-limit", "'0'", "1 to 600"]),
        (["--time-limit", "soon"], ["--time-limit", "'soon'", "seconds"]),
        (["--pace", "nan"], ["--pace", "'nan'", "0.5 to 600"]),
        (["--students", "500"], ["--students", "'500'", "2 to 60"]),
        (["--host", "no..such..host"], ["--host", "'no..such..host'", "127.0.0.1"]),
    ],
)
def test_class__bad_input_is_one_line_and_exit_2(capsys, args, words):
    assert main(["class", *args]) == 2
    out = capsys.readouterr()
    lines = out.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cisim: error: "), out.err
    assert "Traceback" not in out.err and out.out == ""
    for word in words:
        assert word in lines[0]


def test_class__is_listed_in_the_help(capsys):
    assert main(["class", "--help"]) == 0
    assert "--time-limit" in capsys.readouterr().out


@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0"])
def test_class__serves_until_ctrl_c_and_prints_both_addresses(tmp_path, host):
    import json
    import signal
    import subprocess
    import sys
    import urllib.request

    process = subprocess.Popen(
        [sys.executable, "-m", "cisim", "class", "--port", "0", "--students", "4", "--host", host],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
    )  # fmt: skip
    try:
        teacher = process.stdout.readline().strip()
        students = process.stdout.readline().strip()
        assert teacher.startswith("cisim class: teacher's screen: http://127.0.0.1:")
        assert "#key=" in teacher
        join_url, code = students.split(" students join at ")[1].split(" with code ")
        assert join_url.endswith(f"?code={code}")
        base = teacher.split("teacher's screen: ")[1].split("/teacher#")[0]
        with urllib.request.urlopen(base + "/teacher", timeout=30) as page:
            assert b"teacher.js" in page.read()
        request = urllib.request.Request(
            base + "/api/join", data=json.dumps({"code": code, "name": "Ann"}).encode(),
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=30) as reply:
            assert "token" in json.loads(reply.read())
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    warned = "anyone who can reach it on the network" in err
    assert warned == (host == "0.0.0.0"), err

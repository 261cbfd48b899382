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

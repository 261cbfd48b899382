"""``cisim app``: a bad host or port is one readable line and exit 2; the front-end files."""

from __future__ import annotations

import socket

import pytest

from cisim.app import assets
from cisim.app.server import AddressError, bind, url_of
from cisim.cli import main


def test_bind__a_free_port_and_its_address():
    sock = bind("127.0.0.1", 0)
    try:
        assert url_of(sock, "127.0.0.1").startswith("http://127.0.0.1:")
    finally:
        sock.close()


def test_bind__a_port_in_use_is_an_address_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(AddressError, match=f"cannot listen on 127.0.0.1:{port}"):
            bind("127.0.0.1", port)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--port", "70000"], "port 70000 is not allowed"),
        (["--port", "http"], "'http' is not allowed"),
        (["--host", "no-such-host.invalid"], "cannot serve on host 'no-such-host.invalid'"),
    ],
)
def test_cli_app__bad_address_is_one_line_and_exit_2(args, said, capsys):
    assert main(["app", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("cisim: error: ") and said in err


def test_assets__the_packages_solara_names(tmp_path, monkeypatch):
    needed = assets.required_packages()
    assert any(p.startswith("@widgetti/solara-vuetify") for p in needed)
    assert {"vega@5", "vega-lite@5", "vega-embed@6"} <= set(needed)
    assert assets.missing(tmp_path, needed) == list(needed)
    (tmp_path / "vega@5").mkdir()
    (tmp_path / "vega@5" / "package.json").write_text("{}")
    assert "vega@5" not in assets.missing(tmp_path, needed)
    monkeypatch.setattr(assets.shutil, "which", lambda name: None)  # no npm: Solara's CDN
    assert assets.ensure_assets(tmp_path, needed) == assets.missing(tmp_path, needed)

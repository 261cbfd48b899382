"""``cisim app``: a bad host or port is one readable line and exit 2; the front-end files are
installed with the app and served from there only."""

from __future__ import annotations

import asyncio
import os
import socket

import pytest

from cisim.app import assets
from cisim.app.server import SOLARA_ENVIRONMENT, AddressError, bind, url_of
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


@pytest.mark.parametrize(
    ("host", "warned"),
    [
        ("127.0.0.1", False),
        ("localhost", False),
        ("::1", False),
        ("127.0.0.2", False),
        ("0.0.0.0", True),
        ("::", True),
        ("", True),
        ("192.0.2.10", True),  # an address of this machine on a network (TEST-NET-1)
    ],
)
def test_cli_app__warns_when_others_on_the_network_can_reach_it(host, warned, capsys, monkeypatch):
    served = []
    monkeypatch.setattr("cisim.cli._check_app_extra", lambda: None)
    monkeypatch.setattr("cisim.app.server.serve", lambda h, p: served.append((h, p)) or 0)
    assert main(["app", "--host", host, "--port", "0"]) == 0
    err = capsys.readouterr().err
    assert served == [(host, 0)]
    assert ("warning: listening on" in err and "anyone who can reach it" in err) == warned, err


def _package(cache, spec, files=("index.js",)):
    folder = cache / spec
    folder.mkdir(parents=True)
    (folder / "package.json").write_text("{}")
    for name in files:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("//")


def test_assets__the_packages_solara_names():
    needed = assets.required_packages()
    assert "@widgetti/solara-vuetify-app@10.1.1" in needed  # Vue 2: the grid of SolaraViz works
    assert "@widgetti/vue-grid-layout@2.3.13-alpha.2" in needed
    assert {"vega@5", "vega-lite@5", "vega-embed@6", "requirejs@2.3.6"} <= set(needed)


def test_assets__installed_with_the_app():
    """``solara-assets`` (the app extra) installs every file the page needs: nothing is
    downloaded when the app runs."""
    assert assets.missing(assets.cache_dir(), assets.required_packages()) == []


def test_assets__a_range_is_the_newest_installed_release_in_it(tmp_path):
    for spec in ("vega@5.2.0", "vega@5.21.0", "vega@6.0.0", "vega-lite@5.2.0", "@w/app@1.0.1"):
        _package(tmp_path, spec)
    assert assets.resolve(tmp_path, "vega@5") == "vega@5.21.0"
    assert assets.resolve(tmp_path, "vega@5.2") == "vega@5.2.0"
    assert assets.resolve(tmp_path, "vega@6.0.0") == "vega@6.0.0"
    assert assets.resolve(tmp_path, "@w/app@1") == "@w/app@1.0.1"
    assert assets.resolve(tmp_path, "vega@4") is None
    assert assets.resolve(tmp_path, "vega-embed@6") is None
    assert assets.missing(tmp_path, ("vega@5", "vega-lite@5", "vega-embed@6")) == ["vega-embed@6"]


def test_assets__the_server_serves_installed_files_only(tmp_path):
    _package(tmp_path, "vega@5.21.0", ("build/vega.min.js",))
    _package(tmp_path, "@w/app@1.0.1", ("dist/app.js",))
    seen: list[str] = []

    async def app(scope, receive, send):
        seen.append(scope["path"])

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    middleware = assets.LocalAssets(app, tmp_path)

    def get(path):
        asyncio.run(
            middleware({"type": "http", "path": path, "raw_path": path.encode()}, None, send)
        )

    get("/_solara/cdn/vega@5/build/vega.min.js")
    get("/_solara/cdn/@w/app@1.0.1/dist/app.js")
    get("/jupyter/api/kernels")
    assert seen == [
        "/_solara/cdn/vega@5.21.0/build/vega.min.js",
        "/_solara/cdn/@w/app@1.0.1/dist/app.js",
        "/jupyter/api/kernels",
    ]
    for path in (
        "/_solara/cdn/katex@0.16.9/dist/katex.min.css",  # not installed: never fetched
        "/_solara/cdn/vega@5/build/missing.js",
        "/_solara/cdn/vega@5/../../secret",
        "/_solara/cdn/vega@5",
    ):
        sent.clear()
        get(path)
        assert sent[0]["status"] == 404, path
    assert len(seen) == 3


def test_cli_app__without_the_front_end_files_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    for name in (*SOLARA_ENVIRONMENT, "SOLARA_ASSETS_PROXY", "SERVER_NAME", "SERVER_PORT"):
        monkeypatch.setenv(name, os.environ.get(name, ""))  # restored afterwards
    monkeypatch.setattr(assets, "cache_dir", lambda: tmp_path)
    assert main(["app", "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("cisim: error: ")
    assert "front-end files are not installed" in err and "./dev setup" in err

"""Serve the classroom page: ``cisim app [--host 127.0.0.1] [--port 8765]``.

The page (:func:`cisim.app.page.Page`, made with Solara) is served by Solara's Starlette app
under uvicorn, run in this process, behind :class:`~cisim.app.assets.LocalAssets` (the page's
front-end files from the installed ones; nothing is downloaded). Without those files the page
would be blank, so ``cisim app`` then says in one line how to install them and exits 2 (an
:class:`AssetsError`). The socket is bound here first, so a bad host or a port in use is one
readable :class:`~cisim.errors.CisimError` before anything starts, and ``--port 0`` picks a free
port (the address is printed). The server runs until Ctrl-C, then shuts down and returns.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import warnings
from typing import Any

from cisim.errors import CisimError

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "AddressError", "AssetsError", "bind", "serve"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
APP = "cisim.app.page:Page"
#: Solara's settings for this server: production mode (minified files, no reloader), no
#: telemetry, no banner, the page above. Set before Solara's server modules are imported (and
#: ``SOLARA_ASSETS_PROXY``, always: the front-end files come from this server, see
#: :mod:`cisim.app.assets`).
SOLARA_ENVIRONMENT = {
    "SOLARA_APP": APP,
    "SOLARA_MODE": "production",
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    "SOLARA_THEME_VARIANT": "light",
    "SOLARA_THEME_SHOW_BANNER": "False",  # no "This website runs on Solara" over the page
}


class AddressError(CisimError):
    """The server cannot listen where it was asked to."""


class AssetsError(CisimError):
    """The page's front-end files are not installed."""


def bind(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` (``port`` 0: a free one), or an :class:`AddressError`."""
    if not 0 <= port <= 65535:
        raise AddressError(f"port {port} is not allowed: a whole number from 0 to 65535")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise AddressError(f"cannot serve on host {host!r}: {_reason(exc)}") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)  # browsers may connect (and wait) as soon as the address is printed
    except OSError as exc:
        sock.close()
        hint = "; is the app already running? try another --port" if port else ""
        raise AddressError(f"cannot listen on {host}:{port}: {_reason(exc)}{hint}") from None
    sock.set_inheritable(True)
    return sock


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return text[:1].lower() + text[1:]


def url_of(sock: socket.socket, host: str) -> str:
    """The page's address."""
    port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> int:
    """Serve the classroom on ``host:port`` until interrupted; return 0."""
    sock = bind(host, port)
    for name, value in SOLARA_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    os.environ["SOLARA_ASSETS_PROXY"] = "True"  # the browser never fetches from a CDN
    os.environ["SERVER_NAME"], os.environ["SERVER_PORT"] = host, str(sock.getsockname()[1])
    try:
        app = _app()
    except AssetsError:
        sock.close()
        raise
    _warm_up()
    import uvicorn

    # served over plain http on a local address: Solara's advice about https cookies is noise
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")

    config = uvicorn.Config(
        app,
        log_level="warning",
        timeout_graceful_shutdown=2,
        ws_ping_interval=20,
    )
    server = uvicorn.Server(config)
    print(f"cisim app: the classroom is at {url_of(sock, host)} (Ctrl-C to stop)", flush=True)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn re-raises the Ctrl-C it caught, after shutting down
        pass
    finally:
        sock.close()
    print("cisim app: stopped", file=sys.stderr, flush=True)
    return 0


def _warm_up() -> None:
    """Run a world for a month and draw it, so the first click is quick.

    The engine is compiled on its first run after an install (then cached); that can take a
    minute or two, so a note is printed if it does not finish at once.
    """
    from cisim.app import charts
    from cisim.app.world import Settings, World

    note = threading.Timer(
        3.0,
        lambda: print(
            "cisim app: preparing the model (the first start after an install compiles it)",
            file=sys.stderr,
            flush=True,
        ),
    )
    note.start()
    try:
        world = World(Settings())
        world.step(1)
        charts.network_spec(world)
        for metric in charts.PANELS:
            charts.panel_spec([world], metric)
    finally:
        note.cancel()


def _app() -> Any:
    """Solara's app behind :class:`~cisim.app.assets.LocalAssets`; an :class:`AssetsError` if
    the page's front-end files are not installed."""
    from cisim.app import assets

    left = assets.missing(assets.cache_dir(), assets.required_packages())
    if left:
        raise AssetsError(
            f"the page's front-end files are not installed ({', '.join(left)} missing "
            f"from {assets.cache_dir()}); {assets.INSTALL_HINT}"
        )
    from solara.server.starlette import app

    return assets.LocalAssets(app, assets.cache_dir())

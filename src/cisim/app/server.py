"""Serve the classroom page: ``cisim app [--host 127.0.0.1] [--port 8765]``.

The page (:func:`cisim.app.page.Page`) is served by Solara's Starlette app under uvicorn, run in
this process. The socket is bound here first, so a bad host or a port in use is one readable
:class:`~cisim.errors.CisimError` before anything starts, and ``--port 0`` picks a free port
(the address is printed). The server runs until Ctrl-C, then shuts down and returns.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import warnings
from pathlib import Path

from cisim.errors import CisimError

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "bind", "serve"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
APP = "cisim.app.page:Page"
#: Solara's settings for this server: production mode (minified files, no reloader), no
#: telemetry, the page above. Set before Solara's server modules are imported.
SOLARA_ENVIRONMENT = {
    "SOLARA_APP": APP,
    "SOLARA_MODE": "production",
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    "SOLARA_THEME_VARIANT": "light",
}


class AddressError(CisimError):
    """The server cannot listen where it was asked to."""


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
    os.environ["SERVER_NAME"], os.environ["SERVER_PORT"] = host, str(sock.getsockname()[1])
    _prepare_assets()
    _warm_up()
    import uvicorn

    # served over plain http on a local address: Solara's advice about https cookies is noise
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")

    config = uvicorn.Config(
        "solara.server.starlette:app",
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
        charts.trajectory_spec([world])
        charts.responses_spec([world])
    finally:
        note.cancel()


def _prepare_assets() -> None:
    """Fill Solara's asset cache from npm where files are missing (see :mod:`.assets`)."""
    from solara.server import settings

    from cisim.app.assets import ensure_assets

    cache = Path(settings.assets.proxy_cache_dir)
    left = ensure_assets(cache)
    if left:
        print(
            f"cisim app: {len(left)} front-end package(s) not cached ({', '.join(left)}); "
            "the page will fetch them from the CDN",
            file=sys.stderr,
            flush=True,
        )

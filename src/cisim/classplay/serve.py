"""Running the class's server: bind, print the addresses, serve (or serve in a thread, for tests).

The socket is bound first (:func:`cisim.app.server.bind`), so a bad host or a port in use is one
readable error before anything starts. On a loopback address the join address is this machine's;
on any other the class is reachable by others on the network, which the console and the teacher's
screen say; on 0.0.0.0 the join address uses this machine's address on its local network.
"""

from __future__ import annotations

import socket
import sys
import threading
from dataclasses import dataclass
from typing import Any, TextIO

from cisim.classplay.session import ClassSession, default_scenario
from cisim.errors import CisimError

__all__ = ["Running", "build", "serve", "serve_in_thread"]

LOOPBACK = ("127.0.0.1", "localhost", "::1")
EVERYWHERE = ("0.0.0.0", "::", "")


@dataclass
class Running:
    """A class served in a thread: its addresses, its session and how to stop it."""

    url: str  # where the server listens (the teacher's side)
    join_url: str
    teacher_url: str
    session: ClassSession
    server: Any
    thread: threading.Thread
    uvicorn: Any

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        if self.server.loop is not None:
            self.server.loop.call_soon_threadsafe(self.server.close)
        self.uvicorn.should_exit = True
        self.thread.join(timeout=10)


def _bind(host: str, port: int) -> socket.socket:
    from cisim.app.server import AddressError, bind

    try:
        return bind(host, port)
    except AddressError as exc:
        text = str(exc)
        if text.startswith("cannot serve on host") or "assign requested address" in text:
            raise CisimError(
                f"--host {host!r} is not allowed: {exc} (an address of this machine: 127.0.0.1, "
                "or 0.0.0.0 to let phones on the network join)"
            ) from None
        raise CisimError(f"--port {port} is not allowed: {exc}") from None


def build(sock: socket.socket, host: str, session: ClassSession) -> tuple[Any, Any, str, str, str]:
    """The Starlette app and its :class:`~cisim.classplay.server.ClassServer` on ``sock``, with
    the listening, join and teacher addresses."""
    from cisim.app.server import url_of
    from cisim.classplay.server import ClassServer, create_app, lan_address

    port = sock.getsockname()[1]
    reachable = host not in LOOPBACK
    shown = lan_address() if host in EVERYWHERE else host
    shown = f"[{shown}]" if ":" in shown else shown
    join_url = f"http://{shown}:{port}/?code={session.code}"
    server = ClassServer(session, join_url, reachable=reachable)
    url = url_of(sock, "127.0.0.1" if host in EVERYWHERE else host)
    teacher_url = f"{url}/teacher#key={server.teacher_key}"
    return create_app(server), server, url, join_url, teacher_url


def _uvicorn(app: Any) -> Any:
    import uvicorn

    config = uvicorn.Config(
        app, log_level="warning", access_log=False, timeout_graceful_shutdown=1,
        limit_concurrency=400, timeout_keep_alive=30,
    )  # fmt: skip
    return uvicorn.Server(config)


def serve(
    host: str, port: int, *, students: int, months: int, time_limit: float, pace: float,
    seed: int, out: TextIO = sys.stdout,
) -> int:  # fmt: skip
    """Serve a class on ``host:port`` until interrupted; return 0."""
    sock = _bind(host, port)
    session = ClassSession(
        scenario=default_scenario(students), seed=seed, months=months, time_limit=time_limit,
        pace=pace,
    )  # fmt: skip
    app, _, _, join_url, teacher_url = build(sock, host, session)
    if host not in LOOPBACK:
        print(
            f"cisim class: warning: listening on {host or 'every address'}, not only this "
            "machine: anyone who can reach it on the network can open the join page (joining "
            "needs the code; the teacher's screen needs the key)",
            file=sys.stderr,
        )
    print(f"cisim class: teacher's screen: {teacher_url}", file=out)
    print(f"cisim class: students join at {join_url} with code {session.code}", file=out)
    print("cisim class: Ctrl-C to stop", file=out, flush=True)
    server = _uvicorn(app)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    print("cisim class: stopped", file=sys.stderr, flush=True)
    return 0


def serve_in_thread(session: ClassSession, host: str = "127.0.0.1", port: int = 0) -> Running:
    """Serve ``session`` from a thread (tests, notebooks); :meth:`Running.stop` ends it."""
    sock = _bind(host, port)
    app, server, url, join_url, teacher_url = build(sock, host, session)
    runner = _uvicorn(app)
    thread = threading.Thread(target=runner.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not runner.started and thread.is_alive():
        threading.Event().wait(0.02)
    return Running(url, join_url, teacher_url, session, server, thread, runner)

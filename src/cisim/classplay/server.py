"""The class's web server: Starlette under uvicorn, plain HTML and JavaScript, long polling.

Routes (every answer JSON but the pages and their fixed files):

``GET /``, ``GET /teacher``
    The student's page and the teacher's page.
``GET /class.css``, ``/student.js``, ``/teacher.js``
    Their files, read once from the package by fixed names (never a name a client sends).
``POST /api/join``
    ``{code, name}`` -> ``{token, slot}``: the join code is required.
``GET /api/student?etag=``
    The student's view (header ``X-Token``), held until it differs from the one the client has.
``POST /api/decide``
    ``{slot, response, target, effort}`` for the student's own organisation only.
``GET /api/teacher?since=``, ``POST /api/teacher/<action>``, ``GET /api/teacher/qr``
    The teacher's view, controls and QR code (header ``X-Key``: the key printed on the
    teacher's console, in the teacher's address after ``#``, so never sent in a request line).

Safeguards: each student's token lets them act only for their own organisation; requests are
limited per token (or per address before joining) and failed joins per address; request bodies
are small; the class listens on 127.0.0.1 unless told otherwise (:func:`serve` warns when not).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import secrets
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from cisim.classplay import views
from cisim.classplay.session import ClassSession, Refused

__all__ = ["ClassServer", "Limiter", "create_app", "lan_address"]

MAX_BODY = 2048  # bytes: a join or a decision is far smaller
POLL_SECONDS = 20.0  # a long poll answers at the latest after this long
TICK_SECONDS = 0.05
STATIC = {  # route -> (package file, media type): fixed names only
    "/": ("student.html", "text/html; charset=utf-8"),
    "/teacher": ("teacher.html", "text/html; charset=utf-8"),
    "/class.css": ("class.css", "text/css; charset=utf-8"),
    "/student.js": ("student.js", "text/javascript; charset=utf-8"),
    "/teacher.js": ("teacher.js", "text/javascript; charset=utf-8"),
}
HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'",
}


@dataclass
class Limiter:
    """Token buckets: ``rate`` requests a second on average, bursts of ``burst``, per key."""

    rate: float
    burst: float
    buckets: dict[str, tuple[float, float]] = field(default_factory=dict)

    def allow(self, key: str, now: float | None = None) -> bool:
        """Take one request from ``key``'s bucket; whether there was one."""
        now = time.monotonic() if now is None else now
        level, then = self.buckets.get(key, (self.burst, now))
        level = min(self.burst, level + (now - then) * self.rate)
        if level < 1.0:
            self.buckets[key] = (level, now)
            return False
        self.buckets[key] = (level - 1.0, now)
        return True


class ClassServer:
    """The session behind the routes, the long polls' wake-up, and the safeguards."""

    def __init__(
        self, session: ClassSession, join_url: str, *, teacher_key: str | None = None,
        reachable: bool = False,
    ) -> None:  # fmt: skip
        self.session = session
        self.join_url = join_url
        self.teacher_key = teacher_key or secrets.token_urlsafe(18)
        self.reachable = reachable
        self.requests = Limiter(rate=10.0, burst=40.0)  # per student, or per address
        self.failed_joins = Limiter(rate=0.2, burst=10.0)  # per address: no guessing the code
        self.files = {route: _read(name) for route, (name, _) in STATIC.items()}
        self._teacher = asyncio.Event()  # any change
        self._students = asyncio.Event()  # a change every student sees (a month, a phase)
        self.closing = False
        self.loop: asyncio.AbstractEventLoop | None = None

    # ---- waking the long polls --------------------------------------------------------------
    def notify(self, *, students: bool = True) -> None:
        """Wake the teacher's long poll and, unless only the teacher's screen changed (a student
        joined or decided), every student's: thirty students' views are not recomputed for each
        of thirty decisions."""
        self._teacher.set()
        self._teacher = asyncio.Event()
        if students:
            self._students.set()
            self._students = asyncio.Event()

    async def wait(self, seconds: float, *, teacher: bool) -> None:
        """Until the session changes (as the teacher or the students see it), or ``seconds``."""
        event = self._teacher if teacher else self._students
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), seconds)

    def close(self) -> None:
        """Answer every long poll now (the server is stopping); called on the server's loop."""
        self.closing = True
        self.notify()

    async def ticker(self) -> None:
        """Move the class on as the clock says."""
        self.loop = asyncio.get_running_loop()
        while True:
            if self.session.tick():
                self.notify()
            await asyncio.sleep(TICK_SECONDS)

    # ---- checks ------------------------------------------------------------------------------
    def limit(self, request: Request, key: str | None = None) -> None:
        """Refuse (429) a client past its rate."""
        who = key or f"ip:{_address(request)}"
        if not self.requests.allow(who):
            raise Refused(429, "too many requests: wait a moment")

    def teacher(self, request: Request) -> None:
        """Refuse (403) a request without the teacher's key."""
        given = request.headers.get("x-key", "")
        if not secrets.compare_digest(given.encode(), self.teacher_key.encode()):
            raise Refused(403, "this is for the teacher's screen")
        self.limit(request, "teacher")

    # ---- routes ------------------------------------------------------------------------------
    async def page(self, request: Request) -> Response:
        self.limit(request)
        media = STATIC[request.url.path][1]
        return Response(self.files[request.url.path], media_type=media, headers=HEADERS)

    async def join(self, request: Request) -> Response:
        self.limit(request)
        body = await _json(request)
        address = _address(request)
        try:
            student = self.session.join(str(body.get("code", "")), str(body.get("name", "")))
        except Refused as refused:
            if refused.status == 403 and not self.failed_joins.allow(f"join:{address}"):
                raise Refused(429, "too many wrong codes: wait a minute") from None
            raise
        self.notify(students=False)
        return _answer({"token": student.token, "slot": student.slot})

    async def student_view(self, request: Request) -> Response:
        token = request.headers.get("x-token", "")
        self.session.student(token)  # 401 before anything else
        self.limit(request, f"token:{token}")
        etag = request.query_params.get("etag", "")
        deadline = time.monotonic() + POLL_SECONDS
        while True:
            view = views.student_view(self.session, self.session.student(token))
            tag = _tag(view)
            if tag != etag or time.monotonic() >= deadline or self.closing:
                return _answer({**view, "etag": tag})
            await self.wait(deadline - time.monotonic(), teacher=False)

    async def decide(self, request: Request) -> Response:
        token = request.headers.get("x-token", "")
        self.session.student(token)
        self.limit(request, f"token:{token}")
        body = await _json(request)
        target, effort = body.get("target"), body.get("effort")
        decision = self.session.decide(
            token,
            _whole(body.get("slot"), "slot"),
            str(body.get("response", "")),
            None if target is None else _whole(target, "target"),
            None if effort is None else _share(effort),
        )
        self.notify(students=False)  # the student's page shows its own decision
        return _answer({"month": decision.month, "response": decision.response})

    async def teacher_view(self, request: Request) -> Response:
        self.teacher(request)
        since = _whole(request.query_params.get("since", "-1"), "since", lowest=-1)
        if self.session.version <= since and not self.closing:
            await self.wait(POLL_SECONDS, teacher=True)
        view = views.teacher_view(self.session)
        view["join_url"] = self.join_url
        view["reachable"] = self.reachable
        return _answer(view)

    async def teacher_action(self, request: Request) -> Response:
        self.teacher(request)
        action = request.path_params["action"]
        s = self.session
        body = await _json(request) if action == "pace" else {}
        actions = {"start": s.start, "pause": s.pause, "step": s.step_now, "end": s.end}
        if action == "pace":
            pace = _seconds(body.get("pace"), "pace", 0.5)
            s.set_pace(pace, _seconds(body.get("time_limit"), "time_limit", 1))
        elif action in actions:
            actions[action]()
        else:
            raise Refused(404, "no such control")
        self.notify()
        return _answer({"version": s.version})

    async def qr(self, request: Request) -> Response:
        self.teacher(request)
        return Response(qr_svg(self.join_url), media_type="image/svg+xml", headers=HEADERS)


def create_app(server: ClassServer) -> Starlette:
    """The Starlette app of ``server`` (its ticker runs while the app does)."""

    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Refused)
        return JSONResponse({"error": str(exc)}, status_code=exc.status, headers=HEADERS)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(server.ticker())
        yield
        task.cancel()

    routes = [Route(path, server.page) for path in STATIC]
    routes += [
        Route("/api/join", server.join, methods=["POST"]),
        Route("/api/student", server.student_view),
        Route("/api/decide", server.decide, methods=["POST"]),
        Route("/api/teacher", server.teacher_view),
        Route("/api/teacher/qr", server.qr),
        Route("/api/teacher/{action}", server.teacher_action, methods=["POST"]),
    ]
    return Starlette(routes=routes, exception_handlers={Refused: refused}, lifespan=lifespan)


def qr_svg(text: str) -> str:
    """A QR code of ``text`` as SVG (segno: pure Python, nothing downloaded)."""
    import io

    import segno

    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="svg", scale=8, border=2, xmldecl=False)
    return out.getvalue().decode()


def lan_address() -> str:
    """This machine's address on its local network (where students' phones reach it), or
    127.0.0.1. No packet is sent: connecting a UDP socket only picks the route."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))
        return str(probe.getsockname()[0])
    except OSError:
        return "127.0.0.1"
    finally:
        probe.close()


# ---- helpers -------------------------------------------------------------------------------------
def _read(name: str) -> bytes:
    return resources.files("cisim.classplay").joinpath("static", name).read_bytes()


def _address(request: Request) -> str:
    return request.client.host if request.client else "?"


def _answer(data: dict[str, Any]) -> Response:
    return JSONResponse(data, headers=HEADERS)


def _tag(view: dict[str, Any]) -> str:
    rest = {k: v for k, v in view.items() if k not in ("version", "deadline_in")}
    return hashlib.sha1(json.dumps(rest, sort_keys=True).encode()).hexdigest()[:16]


async def _json(request: Request) -> dict[str, Any]:
    body = await request.body()
    if len(body) > MAX_BODY:
        raise Refused(413, "request too large")
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        raise Refused(400, "the request is not JSON") from None
    if not isinstance(data, dict):
        raise Refused(400, "the request is not a JSON object")
    return data


def _whole(value: Any, name: str, lowest: int = 0) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Refused(400, f"{name} must be a whole number") from None
    if isinstance(value, float | bool) or number < lowest:
        raise Refused(400, f"{name} must be a whole number from {lowest}")
    return number


def _share(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise Refused(400, "effort must be a share from 0 to 1")
    return float(value)


def _seconds(value: Any, name: str, least: float) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not least <= value <= 600:
        raise Refused(400, f"{name} must be a number of seconds from {least:g} to 600")
    return float(value)

"""The class's web server and its safeguards (a real server on a free port, no browser)."""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import urlsplit

import pytest

from cisim.classplay.serve import serve_in_thread
from cisim.classplay.server import Limiter, qr_svg
from cisim.classplay.session import ClassSession, default_scenario


class Reply:
    """An HTTP answer: status, headers, text and JSON."""

    def __init__(self, status: int, headers: Any, body: bytes) -> None:
        self.status_code, self.headers, self.content = status, headers, body
        self.text = body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.content)


class Client:
    """Plain requests to the server (paths sent as written: no normalising)."""

    def __init__(self, url: str) -> None:
        self.netloc = urlsplit(url).netloc

    def request(self, method, path, *, json_body=None, content=None, headers=None) -> Reply:
        body = content if json_body is None else json.dumps(json_body).encode()
        conn = http.client.HTTPConnection(self.netloc, timeout=30)
        try:
            conn.request(method, path, body=body, headers={"Content-Type": "application/json",
                                                            **(headers or {})})  # fmt: skip
            answer = conn.getresponse()
            return Reply(answer.status, {k.lower(): v for k, v in answer.getheaders()},
                         answer.read())  # fmt: skip
        finally:
            conn.close()

    def get(self, path, headers=None) -> Reply:
        return self.request("GET", path, headers=headers)

    def post(self, path, json=None, content=None, headers=None) -> Reply:
        return self.request("POST", path, json_body=json, content=content, headers=headers)


@pytest.fixture
def served():
    session = ClassSession(scenario=default_scenario(20), seed=5, months=6, time_limit=5)
    running = serve_in_thread(session)
    try:
        yield session, running.server, Client(running.url)
    finally:
        running.stop()


def _join(client, session, name="Ann"):
    reply = client.post("/api/join", json={"code": session.code, "name": name})
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_pages_and_their_files_are_served_by_fixed_names_only(served):
    _, _, client = served
    for path in ("/", "/teacher", "/class.css", "/student.js", "/teacher.js"):
        reply = client.get(path)
        assert reply.status_code == 200 and reply.headers["cache-control"] == "no-store"
    for path in ("/../pyproject.toml", "/static/student.js", "/student.js/../session.py",
                 "/%2e%2e/session.py", "/session.py"):  # fmt: skip
        assert client.get(path).status_code == 404
    assert "script-src" not in client.get("/").headers["content-security-policy"]


def test_join__requires_the_code(served):
    session, _, client = served
    reply = client.post("/api/join", json={"code": "NOPE", "name": "Ann"})
    assert reply.status_code == 403 and "join code" in reply.json()["error"]
    joined = _join(client, session)
    assert joined["slot"] in session.seats and len(joined["token"]) >= 20


def test_join__wrong_codes_are_limited_per_address(served):
    _, _, client = served
    codes = [client.post("/api/join", json={"code": "XXXXX", "name": "g"}).status_code
             for _ in range(14)]  # fmt: skip
    assert codes[:10] == [403] * 10 and 429 in codes[10:]


def test_student__a_token_acts_only_for_its_own_organisation(served):
    session, _server, client = served
    ann, bob = _join(client, session, "Ann"), _join(client, session, "Bob")
    session.start()
    session.asked = {bob["slot"]: 1e12}  # Bob's organisation meets a setback
    session.phase = "deciding"
    reply = client.post(
        "/api/decide", json={"slot": bob["slot"], "response": "blame"},
        headers={"X-Token": ann["token"]},
    )  # fmt: skip
    assert reply.status_code == 403 and "your own organisation" in reply.json()["error"]
    assert session.answers == {}
    reply = client.post("/api/decide", json={"slot": bob["slot"], "response": "blame"})
    assert reply.status_code == 401
    reply = client.post(
        "/api/decide", json={"slot": bob["slot"], "response": "learn", "effort": 0.4},
        headers={"X-Token": bob["token"]},
    )  # fmt: skip
    assert reply.status_code == 200 and session.answers[bob["slot"]].response == "learn"


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[1, 2]", b'{"slot": "x", "response": "learn"}',
     b'{"slot": 0, "response": "learn", "effort": 7}', b'{"slot": 0.5, "response": "learn"}'],
)  # fmt: skip
def test_decide__bad_requests_are_refused_in_one_line(served, body):
    session, _, client = served
    ann = _join(client, session)
    reply = client.post(
        "/api/decide", content=body,
        headers={"X-Token": ann["token"], "Content-Type": "application/json"},
    )  # fmt: skip
    assert reply.status_code in (400, 403, 409) and "\n" not in reply.json()["error"]


def test_requests__are_limited_per_student_and_bodies_are_small(served):
    session, _, client = served
    ann = _join(client, session)
    big = client.post("/api/decide", content=b"{" + b" " * 5000 + b"}",
                      headers={"X-Token": ann["token"]})  # fmt: skip
    assert big.status_code == 413
    codes = [
        client.post("/api/decide", json={"slot": ann["slot"], "response": "learn"},
                    headers={"X-Token": ann["token"]}).status_code
        for _ in range(60)
    ]  # fmt: skip
    assert 429 in codes


def test_teacher__needs_the_key(served):
    session, server, client = served
    assert client.get("/api/teacher?since=-1").status_code == 403
    assert client.post("/api/teacher/start").status_code == 403
    assert client.get("/api/teacher/qr", headers={"X-Key": "guess"}).status_code == 403
    key = {"X-Key": server.teacher_key}
    view = client.get("/api/teacher?since=-1", headers=key).json()
    assert view["code"] == session.code and view["join_url"].endswith(session.code)
    assert view["reachable"] is False
    assert client.post("/api/teacher/start", headers=key).status_code == 200
    assert session.phase == "running"
    reply = client.post("/api/teacher/pace", json={"pace": 2, "time_limit": 0}, headers=key)
    assert reply.status_code == 400 and "time_limit" in reply.json()["error"]
    assert client.post("/api/teacher/pace", json={"time_limit": 9}, headers=key).status_code == 200
    assert session.time_limit == 9
    assert client.post("/api/teacher/explode", headers=key).status_code == 404
    svg = client.get("/api/teacher/qr", headers=key)
    assert svg.status_code == 200 and svg.text.startswith("<svg")


def test_qr_svg__encodes_the_join_address():
    svg = qr_svg("http://192.168.1.20:8766/?code=ACD34")
    assert svg.startswith("<svg") and "path" in svg


def test_limiter__refills_at_its_rate():
    limiter = Limiter(rate=2.0, burst=3.0)
    assert [limiter.allow("a", now=0.0) for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b", now=0.0)  # per key
    assert limiter.allow("a", now=0.5) and not limiter.allow("a", now=0.5)

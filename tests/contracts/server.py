"""A third party's API, for real, on loopback: HTTPS with a certificate made for the test run,
routes that answer as the party's published API does, a check of every request against the
party's published schema, and failures scripted as the party fails (401, 422, 429 with
Retry-After, 503, a time-out).

A party's test module gives :func:`serve_api` its routes: ``(method, path pattern) -> handler``.
A handler gets the :class:`Call` and returns a :class:`Reply`; it records a schema violation
with :meth:`Api.violation` (the request is then answered 400, as the party would, and the
test's fixture fails on :attr:`Api.violations`). Scripted replies (:meth:`Api.fail_next`) are
given before any route runs, so a failure mode never depends on what the request held.
"""

from __future__ import annotations

import json
import re
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, urlsplit

from tests.partner import make_certificate


@dataclass
class Call:
    method: str
    path: str  # without the query
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: object  # the JSON document (a form's fields as a dict), or None
    params: dict[str, str] = field(default_factory=dict)  # the route pattern's named groups


@dataclass
class Reply:
    status: int = 200
    body: object = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering: longer than the client's time-out is one


Handler = Callable[["Api", Call], Reply]


@dataclass
class Api:
    url: str  # the API's base URL, to put in SHARING_ENDPOINTS
    ca_file: str  # to put in SHARING_CA_FILE
    routes: dict[tuple[str, str], Handler]
    calls: list[Call] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    scripted: list[Reply] = field(default_factory=list)
    state: dict = field(default_factory=dict)  # what the party keeps (bookings, records)

    def fail_next(self, *replies: Reply) -> None:
        """Answer the next requests with ``replies``, in order, before any route runs."""
        self.scripted.extend(replies)

    def violation(self, problem: str) -> None:
        self.violations.append(problem)

    def calls_to(self, method: str, prefix: str = "") -> list[Call]:
        return [c for c in self.calls if c.method == method and c.path.startswith(prefix)]

    def dispatch(self, call: Call) -> Reply:
        if self.scripted:
            return self.scripted.pop(0)
        for (method, pattern), handler in self.routes.items():
            found = re.fullmatch(pattern, call.path)
            if method == call.method and found:
                call.params = found.groupdict()
                return handler(self, call)
        self.violation(f"{call.method} {call.path}: no such endpoint in the published API")
        return Reply(404, {"message": "not found"})


@contextmanager
def serve_api(
    folder: Path, base_path: str, routes: dict[tuple[str, str], Handler]
) -> Iterator[Api]:
    """Serve ``routes`` (paths relative to ``base_path``) over HTTPS on 127.0.0.1."""
    cert, key = make_certificate(folder)
    holder: dict = {}

    class RequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self):
            api: Api = holder["api"]
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            form = "x-www-form-urlencoded" in (self.headers.get("Content-Type") or "")
            try:
                if form:  # an OAuth 2.0 token request (RFC 6749 §4.4.2): name=value pairs
                    body = dict(parse_qsl(raw.decode(), keep_blank_values=True))
                else:
                    body = json.loads(raw) if raw else None
            except ValueError:
                body = None
                api.violation(f"{self.command} {parts.path}: the body is not JSON")
            path = parts.path[len(base_path) :] if parts.path.startswith(base_path) else parts.path
            call = Call(
                self.command,
                path,
                parse_qs(parts.query, keep_blank_values=True),
                {k.lower(): v for k, v in self.headers.items()},
                body,
            )
            api.calls.append(call)
            reply = api.dispatch(call)
            if reply.delay:
                time.sleep(reply.delay)
            payload = b"" if reply.body is None else json.dumps(reply.body).encode()
            try:
                self.send_response(reply.status)
                if payload:
                    self.send_header("Content-Type", "application/json")
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:  # the client gave up (a time-out test)
                pass

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle  # noqa: N815

        def log_message(self, *args):  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    api = Api(
        url=f"https://127.0.0.1:{server.server_port}{base_path}", ca_file=str(cert), routes=routes
    )
    holder["api"] = api
    # A short poll, so that shutting the server down at a test's end takes no half second.
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="contract-api",
        daemon=True,
    )
    thread.start()
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def json_paths(document: object, prefix: str = "$") -> dict[str, object]:
    """Every leaf of a JSON document by its path (``$.a.b[0].c``), for comparing what a
    request carries with what the registry allows."""
    found: dict[str, object] = {}
    if isinstance(document, dict):
        for name, value in document.items():
            found.update(json_paths(value, f"{prefix}.{name}"))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found.update(json_paths(value, f"{prefix}[{index}]"))
    else:
        found[prefix] = document
    return found

"""Stopping the portal's long-running processes with the signal systemd sends
(``KillSignal=SIGTERM``, docs/deploy.md), for real: gunicorn's master with an upload under
way, and ``flask outbox work`` with a message half-way to a real SMTP server.

The web server answers the request in flight completely, accepts no more, and exits with
status 0; the worker finishes the message it is sending, records it, releases the rest of
its batch at once for the next worker, and exits with status 0. The portal's other commands
(retention, reminders, checks) run to the end from cron and commit batch by batch; they stop
at once on SIGTERM, losing at most the batch under way, and are not tested here.
"""

from __future__ import annotations

import asyncio
import io
import secrets
import signal
import socket
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from portal.documents.models import Document, DocumentKind
from portal.extensions import db
from portal.outbox.models import OutboxMessage
from tests import servers
from tests.documents import samples
from tests.support import PASSWORD, SMTPRecorder, add_messages, make_seller, smtp_on_loopback

DEADLINE = 10  # seconds; each process stops well within this (gunicorn's own limit is 30)


def _until(done: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not done():
        assert time.monotonic() < deadline, f"waited {DEADLINE} s for {what}"
        time.sleep(0.02)


def _settings(app) -> dict[str, str]:
    """``PORTAL_*`` settings for a process of its own with ``app``'s database and instance
    folder, and so the development keys ``app`` wrote there."""
    return {
        "PORTAL_ENVIRONMENT": "development",
        "PORTAL_INSTANCE_PATH": app.instance_path,
        "PORTAL_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        # One key for every worker: each would otherwise race to write its own.
        "PORTAL_SECRET_KEY": secrets.token_hex(32),
    }


# --- the web server -----------------------------------------------------------------------------


class SlowUpload:
    """A multipart POST whose body the test sends by hand, part by part, like a phone on a
    slow connection. It asks ``Expect: 100-continue``, so gunicorn says when a worker has
    taken the request and is about to run the portal on it."""

    def __init__(self, base: str, path: str, fields: MultiDict, cookie: str):
        address = urlsplit(base)
        boundary, self.body = encode_multipart(fields)
        self.sock = socket.create_connection((address.hostname, address.port), timeout=DEADLINE)
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {address.netloc}\r\nCookie: {cookie}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {len(self.body)}\r\nExpect: 100-continue\r\n\r\n"
        )
        self.sock.sendall(head.encode())
        interim = b""
        while not interim.endswith(b"\r\n\r\n"):
            interim += self.sock.recv(1)
        assert interim.startswith(b"HTTP/1.1 100"), interim

    def send(self, start: int, end: int | None = None) -> None:
        self.sock.sendall(self.body[start:end])

    def response(self) -> tuple[int, dict[str, str]]:
        """The status and headers, once the server has sent all of it and closed."""
        received = b""
        while chunk := self.sock.recv(65536):
            received += chunk
        self.sock.close()
        head, _, _ = received.partition(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = dict(line.split(": ", 1) for line in lines)
        return int(status_line.split()[1]), headers


@pytest.fixture
def portal(app, tmp_path):
    """The portal under gunicorn, two workers, and a seller logged in to it."""
    with app.app_context():
        seller_id = make_seller().id
    with servers.gunicorn(_settings(app), tmp_path / "gunicorn.log", workers=2) as server:
        person = servers.Browser()
        status, _, headers = person.log_in(server.base, PASSWORD)
        assert status == 302 and headers["Location"].endswith("/dashboard")
        yield server, person, seller_id


def test_an_upload_under_way_when_gunicorn_is_told_to_stop_is_finished(portal, app):
    server, person, seller_id = portal
    token = person.form_token(f"{server.base}/documents/")
    fields = MultiDict(
        {
            "profile_photo-csrf_token": token,
            "profile_photo-file": FileStorage(io.BytesIO(samples.jpeg()), "me.jpg"),
        }
    )
    upload = SlowUpload(server.base, "/documents/profile-photo", fields, person.cookie_header())
    half = len(upload.body) // 2
    upload.send(0, half)

    server.process.send_signal(signal.SIGTERM)
    stopped_at = time.monotonic()
    # The idle worker has gone: the master has told both workers to stop.
    _until(lambda: "Worker exiting" in server.log.read_text(), "the idle worker to exit")
    upload.send(half)

    status, headers = upload.response()
    assert status == 302, server.log.read_text()
    assert headers["Location"].endswith("/documents/#photos")
    assert server.process.wait(timeout=DEADLINE) == 0
    assert time.monotonic() - stopped_at < DEADLINE
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", urlsplit(server.base).port), timeout=1).close()
    with app.app_context():
        kinds = db.session.scalars(select(Document.kind).where(Document.user_id == seller_id))
        assert list(kinds) == [DocumentKind.PROFILE_PHOTO]


# --- the outbox worker --------------------------------------------------------------------------


class HeldSMTP(SMTPRecorder):
    """An SMTP server that holds its answer to each message until the test lets it go."""

    def __init__(self):
        super().__init__()
        self.arrived = threading.Event()
        self.answer = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.arrived.set()
        await asyncio.get_running_loop().run_in_executor(None, self.answer.wait, DEADLINE)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def held_smtp():
    handler = HeldSMTP()
    with smtp_on_loopback(handler) as controller:
        yield controller
        handler.answer.set()


def _rows(app) -> list[tuple[str, int, str | None]]:
    with app.app_context():
        query = select(OutboxMessage.status, OutboxMessage.attempts, OutboxMessage.claim_token)
        return [tuple(row) for row in db.session.execute(query.order_by(OutboxMessage.id))]


def _worker(app, smtp_port: int, log):
    settings = _settings(app) | {
        "PORTAL_MAIL_SERVER": "127.0.0.1",
        "PORTAL_MAIL_PORT": str(smtp_port),
        "PORTAL_OUTBOX_POLL_INTERVAL": "60",  # a stop must not wait for the next look
    }
    return servers.flask_command(settings, log, "outbox", "work")


def test_the_worker_finishes_the_message_in_flight_and_releases_the_rest(app, tmp_path, held_smtp):
    add_messages(app, 3)
    with _worker(app, held_smtp.port, tmp_path / "worker.log") as process:
        assert held_smtp.handler.arrived.wait(DEADLINE), "the first message never arrived"
        # Sent before the answer: the worker has its signal when the answer comes.
        process.send_signal(signal.SIGTERM)
        held_smtp.handler.answer.set()
        assert process.wait(timeout=DEADLINE) == 0
    assert "sent 1, to retry 0, failed 0" in (tmp_path / "worker.log").read_text()
    assert len(held_smtp.handler.received) == 1
    # Sent and recorded; the two not begun are free for the next worker now, not in minutes.
    assert _rows(app) == [("sent", 1, None), ("pending", 0, None), ("pending", 0, None)]


def test_an_idle_worker_stops_at_once_on_ctrl_c(app, tmp_path, held_smtp):
    add_messages(app, 1)
    held_smtp.handler.answer.set()
    with _worker(app, held_smtp.port, tmp_path / "worker.log") as process:
        _until(lambda: _rows(app) == [("sent", 1, None)], "the message to be sent")
        # Nothing is due: the worker is waiting its 60 seconds for the next look.
        stopped_at = time.monotonic()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=DEADLINE) == 0
        assert time.monotonic() - stopped_at < DEADLINE
    assert "sent 1, to retry 0, failed 0" in (tmp_path / "worker.log").read_text()

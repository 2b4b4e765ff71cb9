"""Helpers the tests share: factories, the mailbox reader, an SMTP recorder."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from portal.extensions import db
from portal.outbox.models import OutboxMessage

PASSWORD = "tropical-durian-harbour-42"


@dataclass
class Mailbox:
    """The .eml files the default transport wrote, parsed."""

    folder: Path

    def messages(self, to: str | None = None) -> list[email.message.EmailMessage]:
        if not self.folder.exists():
            return []
        found = []
        for path in sorted(self.folder.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if to is None or message["To"] == to:
                found.append(message)
        return found

    def last(self, to: str) -> email.message.EmailMessage:
        messages = self.messages(to)
        assert messages, f"no email to {to}"
        return messages[-1]


def body_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def body_html(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def link_in(message, path_prefix: str) -> str:
    """The path of the first link in the plain-text body that starts with ``path_prefix``."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"\S+)", body_text(message))
    assert match, f"no {path_prefix} link in: {body_text(message)}"
    return match.group(1)


def forged(token: str) -> str:
    """``token`` with the first character of its signature (the part after the last dot, or
    the whole of a token without one) changed, so it differs in bits the signature carries.
    Changing its last characters instead forges nothing when they happen to be the ones put in
    (one token in 4,096 ends in "xx") or when they only carry base64's padding bits."""
    head, dot, tail = token.rpartition(".")
    return head + dot + ("A" if tail[0] != "A" else "B") + tail[1:]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def smtp_on_loopback(handler, port: int | None = None) -> Iterator:
    """A real SMTP server (aiosmtpd) with ``handler`` on a loopback port (``port``, or a free
    one); yields its controller (``.port``, ``.handler``) and stops it afterwards."""
    from aiosmtpd.controller import Controller

    controller = Controller(handler, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


@dataclass
class SMTPRecorder:
    """An aiosmtpd handler that keeps what it receives, or refuses it with ``reply``."""

    received: list = field(default_factory=list)
    reply: str | None = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.reply:
            return self.reply
        self.received.append(
            (
                envelope.mail_from,
                list(envelope.rcpt_tos),
                email.message_from_bytes(envelope.content, policy=email.policy.default),
            )
        )
        return "250 Message accepted for delivery"


def registration_form(**overrides) -> dict:
    form = {
        "full_name": "Nur Aisyah binti Ahmad",
        "email": "aisyah@example.com",
        "password": PASSWORD,
        "date_of_birth-day": "8",
        "date_of_birth-month": "3",
        "date_of_birth-year": "1994",
        "phone": "012-345 6789",
        "consent": "y",
        "policy_version": "1",
    }
    if "date_of_birth" in overrides:
        form.update(date_boxes("date_of_birth", overrides.pop("date_of_birth")))
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


def date_boxes(name: str, value) -> dict:
    """A date as the three boxes of a date input send it (``<name>-day``, ``-month``,
    ``-year``): from a date (or "YYYY-MM-DD"), or from what a person typed, (day, month, year)."""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, date):
        value = (str(value.day), str(value.month), str(value.year))
    return dict(zip((f"{name}-day", f"{name}-month", f"{name}-year"), value, strict=True))


def add_messages(app, count: int, user_id: int | None = None, to="buyer@example.com") -> list[int]:
    """``count`` messages straight into the outbox, due now; their ids."""
    with app.app_context():
        rows = [
            OutboxMessage(
                user_id=user_id,
                recipient=to,
                kind="review_reminder",
                subject=f"Message {n}",
                body_text=f"text {n}",
                body_html=f"<p>html {n}</p>",
                message_id=f"<{uuid.uuid4().hex}@test>",
            )
            for n in range(count)
        ]
        db.session.add_all(rows)
        db.session.commit()
        return [row.id for row in rows]


def make_seller(email_address="seller@example.com", password=PASSWORD, verified=True, **fields):
    """A seller with a consent record for version 1, straight into the database."""
    from portal.auth.models import Role, User
    from portal.clock import utcnow
    from portal.policy import services as policy
    from portal.security import hash_password

    user = User(
        email=email_address,
        password_hash=hash_password(password),
        role=Role.SELLER,
        full_name=fields.pop("full_name", "Tan Mei Ling"),
        date_of_birth=fields.pop("date_of_birth", date(1988, 7, 1)),
        phone_e164=fields.pop("phone_e164", "+60123456789"),
        email_verified_at=utcnow() if verified else None,
        **fields,
    )
    db.session.add(user)
    db.session.flush()
    policy.record_consent(
        user_id=user.id,
        version=policy.current_version(),
        language=user.locale or "en",
        ip_address="203.0.113.9",
        user_agent="pytest",
        context="registration",
    )
    db.session.commit()
    return user


def put_in_state(user_id: int, status: str) -> None:
    """Test set-up: put an account straight into ``status``, as a database may hold it.

    Plain SQL, because the portal's own code cannot: its status changes only through the
    state machine (``portal.auth.states``), which guards every ORM write of it."""
    from sqlalchemy import text

    db.session.execute(
        text("UPDATE users SET status = :status WHERE id = :id"), {"status": status, "id": user_id}
    )
    db.session.commit()


# Staff must log in with two-factor: their authenticator secrets, by email, for the tests.
STAFF_TOTP: dict[str, str] = {}


def make_staff(
    email_address="staff@example.com", role="admin", password=PASSWORD, *, two_factor=True
):
    """A member of staff, with two-factor log-in already set up unless ``two_factor=False``
    (then the first log-in leads to setting it up, as for a real new member of staff)."""
    import pyotp

    from portal.auth.services import create_staff
    from portal.clock import utcnow

    user = create_staff(email_address, role, password)
    if two_factor:
        secret = pyotp.random_base32()
        user.totp_secret, user.totp_enabled_at = secret, utcnow()
        STAFF_TOTP[email_address.lower()] = secret
    db.session.commit()
    return user


def staff_code(app, email_address: str) -> str:
    """A code from the staff member's authenticator, usable now.

    A code works once per 30-second step; tests log the same person in several times within
    one step, so the record of the last step used is cleared first, as if time had passed.
    """
    import pyotp
    from sqlalchemy import update

    from portal.auth.models import User

    with app.app_context():
        db.session.execute(
            update(User).where(User.email == email_address.lower()).values(totp_last_step=None)
        )
        db.session.commit()
    return pyotp.TOTP(STAFF_TOTP[email_address.lower()]).now()


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, email_address="seller@example.com", password=PASSWORD, **extra):
        """Log in; for staff made by :func:`make_staff`, give the two-factor code as well."""
        response = self.client.post(
            "/auth/login", data={"email": email_address, "password": password, **extra}
        )
        second_step = response.headers.get("Location", "").startswith("/auth/two-factor")
        if second_step and email_address.lower() in STAFF_TOTP:
            code = staff_code(self.client.application, email_address)
            response = self.client.post("/auth/two-factor", data={"code": code})
        return response

    def logout(self):
        return self.client.post("/auth/logout")


def client_as(app, email_address: str, password: str = PASSWORD):
    """A test client of its own, logged in as ``email_address`` (with the code, for staff)."""
    client = app.test_client()
    response = AuthActions(client).login(email_address, password)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


_HIDDEN_VALUE = re.compile(r'(<input(?=[^>]*type="hidden")[^>]*?value=")[^"]*"')


def without_tokens(response) -> str:
    """The page with every hidden field's value blanked: CSRF and form tokens carry the
    second they were made, so two answers are compared on what differs for a person, never
    on token values that change between requests."""
    return _HIDDEN_VALUE.sub(r'\1"', response.get_data(as_text=True))


def wait_for(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def expire_reauth(user_id: int) -> None:
    """Make every session of the user look as if the password was last given 11 minutes ago."""
    from datetime import timedelta

    from sqlalchemy import update

    from portal.auth.models import LoginSession
    from portal.clock import utcnow

    db.session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user_id)
        .values(authenticated_at=utcnow() - timedelta(minutes=11))
    )
    db.session.commit()


class QueryCounter:
    """Counts the SQL statements the app's engine runs while the block is open."""

    def __init__(self, app):
        self.app = app
        self.statements: list[str] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    def __enter__(self):
        from sqlalchemy import event

        with self.app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._record)

    @property
    def count(self) -> int:
        return len(self.statements)


def routes_under(app, prefix: str, exclude: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """(method, URL) for every route whose rule starts with ``prefix``, walked from the URL
    map so a new route cannot be forgotten; URL arguments are filled with 1."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(prefix) or rule.rule in exclude:
            continue
        url = rule.rule
        for argument in rule.arguments:
            url = url.replace(f"<int:{argument}>", "1").replace(f"<{argument}>", "1")
        routes.extend((method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"}))
    return routes


def give_identity(user, status: str = "approved", number: str | None = None):
    """An identity document (a MyKad, with no pictures: the tests that use it are about what
    follows from its review) in ``status``, with its number on file: by default the one the
    seller's date of birth gives."""
    from portal.documents import numbers
    from portal.documents.models import Document, IdentityType

    document = Document(user_id=user.id, kind="identity", identity_type="mykad", status=status)
    db.session.add(document)
    typed = numbers.TypedNumber(
        IdentityType.MYKAD, number or f"{user.date_of_birth:%y%m%d}-14-5678"
    )
    numbers.keep(user.id, numbers.check(user, typed))
    db.session.flush()
    return document

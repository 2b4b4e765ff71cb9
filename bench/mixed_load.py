"""Mixed load: 50 sellers using the portal at once for 60 s, under gunicorn, as in production.

The portal runs as it does in production: gunicorn with the repository's ``gunicorn.conf.py``
(synchronous workers, two per core plus one), PostgreSQL for the data and Redis for the rate
limits, each given a database of its own by this script (``--database-url``, dropped and
created again, and dropped at the end; ``--redis-url``, flushed). Before the clock starts,
``flask --app wsgi db upgrade`` migrates the schema and another process (this script with
``--prepare``) inserts ``--sellers`` sellers in bulk, each ready to log in: a verified
email, the privacy policy accepted, a profile with an address, four changes of history
and five emails in the notification centre, and their search terms.

This process is the load: ``--users`` threads, each a browser of its own (cookies, the
CSRF tokens taken from the forms, one connection per request since gunicorn's sync workers
do not keep connections alive) logged in as a seller of its own. Each repeats the main
journey without pause (``--think-ms`` adds a random pause between requests): the log-in
form and the log-in, the dashboard, the profile, a change of phone number or of address
(alternately; each a new value) and the profile again as the redirect leads, the
notification centre, the profile's history, "where my data went" (/account/disclosures),
the privacy policy, and log out (and the home page it leads to). After one journey in
ten (``--register-share``) the user also registers a new account. Passwords are hashed
at the production cost (bcrypt 12, ``--bcrypt-rounds``): every log-in and registration
costs the server about 0.3 s of one core. The first ``--warmup`` seconds are not
measured; then ``--seconds`` are, and each user finishes the journey under way.

Every request is timed from its sending to the last byte of its answer (which includes
waiting for a free worker) and matched, by its X-Request-ID, to gunicorn's access log
line, whose ``ms`` is the time a worker spent on it. For each kind of request the script
prints the count, the median and the p99 of both, and the status codes; then the requests
per second and the overall p99. Every write the clients were told succeeded is then
counted again in the database, read directly once gunicorn has stopped: each change of
phone or address left one history row and the last value written, each registration a
user row, a consent record and its verification email. Where the CPU went during the
measured window (gunicorn, this load generator, PostgreSQL, the rest) is read from
/proc. The exit status is 1 on any 5xx answer, any answer a browser would not get
(a refused form, a redirect elsewhere), any request without an answer, or any write
missing from the database. Linux only.
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html import unescape
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.procstat import machine_line  # noqa: E402
from tests.support import PASSWORD, free_port  # noqa: E402

DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/portal_bench_load"
REDIS_URL = "redis://127.0.0.1:6379/5"
SIGNUP_LIMIT = "100000 per minute"  # RATELIMIT_SIGNUP_PER_IP is 20 per minute: one IP here
CHUNK = 1_000  # sellers per bulk INSERT
ADDRESS = {"city": "Ipoh", "postcode": "30450", "state": "MY-08", "country": "MY"}
# The five emails each seller finds in the notification centre.
NOTICES = ("review_reminder", "policy_changed", "password_changed", "review_reminder", "other")
NEW_ACCOUNT = {
    "full_name": "Nur Aisyah binti Ahmad",
    "password": PASSWORD,
    "date_of_birth": "1994-03-08",
    "phone": "012-345 6789",
    "consent": "y",
}


def seller_email(n: int) -> str:
    return f"load.seller.{n:04d}@example.com"


# --- a fresh database, filled before the clock starts ----------------------------------------


def recreate_database(database_url: str, create: bool = True) -> None:
    """Drop the benchmark's PostgreSQL database (and create it again, empty)."""
    from sqlalchemy import create_engine, make_url, text

    url = make_url(database_url)
    if url.database in (None, "postgres", "template0", "template1"):
        raise SystemExit(f"--database-url must name a database of its own, not {url.database}")
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        if create:
            connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    server.dispose()


def prepare(sellers: int) -> None:
    """``sellers`` sellers ready to log in, inserted in bulk; the app is configured by the
    same PORTAL_* environment as the server (so the same password cost and keys)."""
    from sqlalchemy import insert, select, text

    from portal import create_app
    from portal.auth.models import User
    from portal.extensions import db
    from portal.outbox.models import OutboxMessage
    from portal.policy import services as policy
    from portal.policy.models import ConsentRecord
    from portal.profile.models import ProfileChange, SellerProfile
    from portal.search.services import reindex
    from portal.security import hash_password
    from portal.sqltypes import utcnow

    app = create_app()
    with app.app_context():
        now = utcnow()
        password_hash = hash_password(PASSWORD)  # one hash at the configured cost, for all
        version = policy.current_version()
        for start in range(0, sellers, CHUNK):
            numbers = range(start, min(start + CHUNK, sellers))
            db.session.execute(
                insert(User),
                [
                    {
                        "email": seller_email(n),
                        "password_hash": password_hash,
                        "role": "seller",
                        "status": "active",
                        "full_name": f"Seller {n}",
                        "date_of_birth": now.date().replace(year=1985),
                        "phone_e164": "+60123456789",
                        "email_verified_at": now,
                        "locale": "en",
                        "created_at": now,
                    }
                    for n in numbers
                ],
            )
            ids = dict(
                db.session.execute(
                    select(User.email, User.id).where(
                        User.email.in_([seller_email(n) for n in numbers])
                    )
                ).all()
            )
            people = [(n, ids[seller_email(n)]) for n in numbers]
            db.session.execute(
                insert(ConsentRecord),
                [
                    {
                        "user_id": i,
                        "policy_version_id": version.id,
                        "accepted_at": now,
                        "ip_address": "203.0.113.9",
                        "user_agent": "bench",
                        "context": "registration",
                    }
                    for _, i in people
                ],
            )
            db.session.execute(
                insert(SellerProfile),
                [
                    {
                        "user_id": i,
                        "display_name": f"Kedai {n}",
                        "address_line1": "1 Jalan Bench",
                        **ADDRESS,
                        "last_reviewed_at": now,
                    }
                    for n, i in people
                ],
            )
            db.session.execute(
                insert(ProfileChange),
                [
                    {"user_id": i, "field": f, "old_value": None, "new_value": v, "actor": "seller"}
                    for n, i in people
                    for f, v in (("display_name", f"Kedai {n}"), *ADDRESS.items())
                    if f != "state"
                ],
            )
            db.session.execute(
                insert(OutboxMessage),
                [
                    {
                        "user_id": i,
                        "recipient": seller_email(n),
                        "kind": kind,
                        "subject": f"Notice {k}",
                        "body_text": "Your pickup is booked for tomorrow. " * 20,
                        "body_html": "<p>Your pickup is booked for tomorrow.</p>" * 20,
                        "message_id": f"<load-{i}-{k}@portal.example>",
                        "status": "sent",
                        "sent_at": now,
                        "created_at": now,
                    }
                    for n, i in people
                    for k, kind in enumerate(NOTICES)
                ],
            )
            reindex(db.session.connection(), ids.values())
            db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()


# --- the browsers -------------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    started: float  # time.monotonic()
    seconds: float
    status: int | str  # the HTTP status, or the exception when there was no answer
    request_id: str | None


class Unexpected(Exception):
    """An answer a browser would not get on this journey (the sample says which)."""


_INPUT = re.compile(r"<input\b[^>]*>", re.S)
_ATTRIBUTE = re.compile(r'(\w[\w-]*)="([^"]*)"')


def hidden_fields(html: str, action: str) -> dict[str, str]:
    """The hidden inputs (CSRF token, policy version) of the form posting to ``action``."""
    form = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>.*?</form>', html, re.S)
    fields = {}
    for tag in _INPUT.findall(form.group(0) if form else ""):
        attributes = dict(_ATTRIBUTE.findall(tag))
        if attributes.get("type") == "hidden" and "name" in attributes:
            fields[attributes["name"]] = unescape(attributes.get("value", ""))
    return fields


class Browser:
    """One seller's browser: cookies, and one connection per request (gunicorn's sync
    workers close each connection after the answer)."""

    def __init__(self, port: int, samples: list[Sample], think: float, rng: random.Random):
        self.port = port
        self.samples = samples
        self.think = think
        self.rng = rng
        self.cookies: dict[str, str] = {}

    def request(self, kind: str, method: str, path: str, fields: dict | None = None):
        if self.think:
            time.sleep(self.rng.uniform(0, 2 * self.think))
        headers = {"User-Agent": "bench/mixed_load"}
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            html = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            self.samples.append(
                Sample(kind, started, time.monotonic() - started, type(exc).__name__, None)
            )
            raise Unexpected(f"{method} {path}: no answer ({exc!r})") from exc
        finally:
            connection.close()
        seconds = time.monotonic() - started
        self.samples.append(
            Sample(kind, started, seconds, response.status, response.getheader("X-Request-ID"))
        )
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response.status, urlsplit(response.getheader("Location", "")).path, html

    def page(self, kind: str, path: str) -> str:
        status, _, html = self.request(kind, "GET", path)
        if status != 200:
            raise Unexpected(f"GET {path}: {status}")
        return html

    def post(self, kind: str, path: str, fields: dict, to: str) -> None:
        """A form sent; the answer must be the redirect to ``to`` (Post/Redirect/Get)."""
        status, location, html = self.request(kind, "POST", path, fields)
        if status != 302 or location != to:
            errors = re.findall(r'class="field__error"[^>]*>([^<]*)<', html)
            raise Unexpected(f"POST {path}: {status} to {location!r} {errors}")


@dataclass
class Ledger:
    """The writes one user was told succeeded, and those whose outcome it never learnt."""

    phones: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    registrations: list[str] = field(default_factory=list)
    uncertain: Counter = field(default_factory=Counter)


class User(threading.Thread):
    """A virtual user: seller ``n``'s browser, repeating the journey until ``stop``."""

    def __init__(self, n: int, port: int, options, stop: float, seed: int):
        super().__init__(name=f"user-{n}", daemon=True)
        self.n = n
        self.options = options
        self.stop = stop
        self.rng = random.Random(seed * 1000 + n)
        self.samples: list[Sample] = []
        self.browser = Browser(port, self.samples, options.think_ms / 1000, self.rng)
        self.ledger = Ledger()
        self.problems: list[str] = []
        self.journeys = 0

    def run(self) -> None:
        time.sleep(self.rng.uniform(0, 1))  # the users arrive over a second, not all at once
        while time.monotonic() < self.stop:
            try:
                self.journey()
            except Unexpected as exc:
                self.problems.append(str(exc))
                self.browser.cookies.clear()  # start again as a fresh browser
            self.journeys += 1

    def write(self, kind: str, path: str, fields: dict, done: list, value: str) -> None:
        """A change whose success is noted, or whose outcome is noted as unknown."""
        try:
            self.browser.post(kind, path, fields, "/profile")
        except Unexpected:
            status = self.samples[-1].status
            if not isinstance(status, int) or status >= 500:
                self.ledger.uncertain[kind] += 1  # it may have been committed
            raise
        done.append(value)

    def journey(self) -> None:
        b, j = self.browser, self.journeys
        token = hidden_fields(b.page("log-in form", "/auth/login"), "/auth/login")
        b.post(
            "log in",
            "/auth/login",
            {**token, "email": seller_email(self.n), "password": PASSWORD},
            "/dashboard",
        )
        b.page("dashboard", "/dashboard")
        html = b.page("profile", "/profile")
        if j % 2 == 0:
            phone = f"+6012{self.n % 1000:03d}{j % 10000:04d}"
            fields = {**hidden_fields(html, "/profile/contact"), "contact-phone": phone}
            self.write("change phone", "/profile/contact", fields, self.ledger.phones, phone)
        else:
            line1 = f"{j} Jalan Bench"
            fields = {
                **hidden_fields(html, "/profile/address"),
                "address-address_line1": line1,
                "address-address_line2": "",
                **{f"address-{k}": v for k, v in ADDRESS.items()},
                "address-region": "",
            }
            self.write("change address", "/profile/address", fields, self.ledger.addresses, line1)
        b.page("profile", "/profile")  # where the redirect leads: the saved section
        b.page("notifications", "/notifications/")
        b.page("history", "/profile/history")
        b.page("disclosures", "/account/disclosures")
        html = b.page("privacy policy", "/privacy")
        b.post("log out", "/auth/logout", hidden_fields(html, "/auth/logout"), "/")
        b.page("home", "/")
        if self.rng.random() < self.options.register_share:
            email = f"load.new.{self.n}.{j}@example.com"
            hidden = hidden_fields(b.page("register form", "/auth/register"), "/auth/register")
            try:
                b.post("register", "/auth/register", {**hidden, **NEW_ACCOUNT, "email": email},
                       "/auth/check-email")  # fmt: skip
            except Unexpected:
                status = self.samples[-1].status
                if not isinstance(status, int) or status >= 500:
                    self.ledger.uncertain["register"] += 1
                raise
            self.ledger.registrations.append(email)
            b.page("check your email", "/auth/check-email")

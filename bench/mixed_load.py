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
costs the server about 0.2 s of one core. The first ``--warmup`` seconds are not
measured; then ``--seconds`` are, and each user finishes the journey under way.

Every request is timed from its sending to the last byte of its answer (which includes
waiting for a free worker) and matched, by its X-Request-ID, to gunicorn's access log
line, whose ``ms`` is the time a worker spent on it. For each kind of request the script
prints the count, the median and the p99 of both, and the status codes; then the requests
per second and the overall p99. Every write the clients were told succeeded is then
counted again in the database, read directly once gunicorn has stopped: each change of
phone or address left one history row and the last value written, each log-out ended its
session row, and each registration left a user row, a consent record and its verification
email. Where the CPU went during the measured window (gunicorn, this load generator, the
PostgreSQL backends, other processes) is read from /proc. The exit status is 1 on any 5xx
answer, any answer a browser would not get (a refused form, a redirect elsewhere), any
request without an answer, or any write missing from the database. Linux only.
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
from bench.steps import recreate_database, run_step  # noqa: E402
from tests.support import PASSWORD, free_port  # noqa: E402

DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/portal_bench_load"
REDIS_URL = "redis://127.0.0.1:6379/5"
SIGNUP_LIMIT = "100000 per minute"  # RATELIMIT_SIGNUP_PER_IP is 20 per minute: one IP here
CHUNK = 1_000  # sellers per bulk INSERT
# The repository's configuration. Without a control socket: by default every gunicorn on
# the machine shares one (~/.gunicorn/gunicorn.ctl), and another run's would be taken over.
GUNICORN = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--no-control-socket"]
ADDRESS = {"city": "Ipoh", "postcode": "30450", "state": "MY-08", "country": "MY"}
# The history each seller starts with, and the five emails in their notification centre.
HISTORY = ("display_name", "city", "postcode", "country")
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


def prepare(sellers: int) -> None:
    """``sellers`` sellers ready to log in, inserted in bulk; the app is configured by the
    same PORTAL_* environment as the server (so the same password cost and keys)."""
    from sqlalchemy import insert, select, text

    from portal import create_app
    from portal.auth.models import User
    from portal.clock import utcnow
    from portal.extensions import db
    from portal.outbox.models import OutboxMessage
    from portal.policy import services as policy
    from portal.policy.models import ConsentRecord
    from portal.profile.models import ProfileChange, SellerProfile
    from portal.profile.search.services import reindex
    from portal.security import hash_password

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
                        "address_line1": "Lot 1, Jalan Bench",
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
                    for f, v in {"display_name": f"Kedai {n}", **ADDRESS}.items()
                    if f in HISTORY
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
    logins: int = 0
    logouts: int = 0
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

    def write(self, kind: str, path: str, fields: dict, to: str, done: list, value: str) -> None:
        """A change sent; its value noted when the answer says it was saved, and noted as
        uncertain when no answer (or a 5xx) leaves that unknown."""
        try:
            self.browser.post(kind, path, fields, to)
        except Unexpected:
            status = self.samples[-1].status
            if not isinstance(status, int) or status >= 500:
                self.ledger.uncertain[kind] += 1
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
        self.ledger.logins += 1
        b.page("dashboard", "/dashboard")
        html = b.page("profile", "/profile")
        if j % 2 == 0:
            phone = f"+6012{self.n % 1000:03d}{j % 10000:04d}"
            fields = {**hidden_fields(html, "/profile/contact"), "contact-phone": phone}
            self.write(
                "change phone", "/profile/contact", fields, "/profile", self.ledger.phones, phone
            )
        else:
            line1 = f"{j} Jalan Bench"
            fields = {
                **hidden_fields(html, "/profile/address"),
                "address-address_line1": line1,
                "address-address_line2": "",
                **{f"address-{k}": v for k, v in ADDRESS.items()},
                "address-region": "",
            }
            self.write(
                "change address",
                "/profile/address",
                fields,
                "/profile",
                self.ledger.addresses,
                line1,
            )
        b.page("profile", "/profile")  # where the redirect leads: the saved section
        b.page("notifications", "/notifications/")
        b.page("history", "/profile/history")
        b.page("disclosures", "/account/disclosures")
        html = b.page("privacy policy", "/privacy")
        b.post("log out", "/auth/logout", hidden_fields(html, "/auth/logout"), "/")
        self.ledger.logouts += 1
        b.page("home", "/")
        if self.rng.random() < self.options.register_share:
            email = f"load.new.{self.n}.{j}@example.com"
            hidden = hidden_fields(b.page("register form", "/auth/register"), "/auth/register")
            fields = {**hidden, **NEW_ACCOUNT, "email": email}
            self.write(
                "register",
                "/auth/register",
                fields,
                "/auth/check-email",
                self.ledger.registrations,
                email,
            )
            b.page("check your email", "/auth/check-email")


# --- where the CPU went -------------------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[str, float]]:
    """Every process: its command line (or [name]) and its CPU seconds so far (user and
    system, all threads)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            name, fields = (entry / "stat").read_text().rsplit(")", 1)
        except OSError:
            continue
        fields = fields.split()
        cpu = (int(fields[11]) + int(fields[12])) / TICK
        found[int(entry.name)] = (command.strip() or f"[{name.split('(', 1)[1]}]", cpu)
    return found


def _machine_busy() -> float:
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(
        int, Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    return (user + nice + system + irq + softirq + steal) / TICK


def cpu_snapshot(gunicorn: int) -> dict:
    workers = Path(f"/proc/{gunicorn}/task/{gunicorn}/children").read_text().split()
    return {
        "gunicorn": {gunicorn, *map(int, workers)},
        "processes": _processes(),
        "machine": _machine_busy(),
    }


def cpu_split(start: dict, end: dict, database: str | None) -> tuple[dict, Counter]:
    """CPU seconds between two snapshots: of gunicorn, this process, the PostgreSQL
    backends serving the benchmark's database, other processes (and the busiest of them by
    command), and the rest (the kernel's own work, processes that ended in between)."""
    split, others = Counter(), Counter()
    for pid, (command, seconds) in end["processes"].items():
        seconds -= start["processes"].get(pid, ("", 0.0))[1]
        if pid in start["gunicorn"] | end["gunicorn"]:
            split["gunicorn (master and workers)"] += seconds
        elif pid == os.getpid():
            split["this load generator"] += seconds
        elif database and command.startswith("postgres: ") and f" {database} " in command:
            split["PostgreSQL backends"] += seconds
        else:
            split["other processes"] += seconds
            others[command[:48]] += seconds
    rest = end["machine"] - start["machine"] - sum(split.values())
    split["kernel, and processes that ended"] = max(0.0, rest)  # ticks are counted apart
    return split, others


# --- the server -----------------------------------------------------------------------------------


def start_gunicorn(env: dict, log: Path, port: int, workers: int) -> subprocess.Popen:
    """gunicorn with the repository's configuration, once every worker answers."""
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [*GUNICORN, "wsgi:app"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    while True:
        try:
            url = f"http://127.0.0.1:{port}/healthz"
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own, on loopback)
                pass
            if len(children.read_text().split()) == workers:
                return process
        except OSError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise SystemExit(f"gunicorn did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)


def read_log(log: Path) -> tuple[dict[str, tuple[int, float]], Counter]:
    """gunicorn's access lines by request id (status, ms), and the errors logged (the last
    line of each traceback, counted)."""
    import json

    answered, errors = {}, Counter()
    for line in log.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            if "Traceback" in line or "Error" in line or "[CRITICAL]" in line:
                errors[line.strip()[:200]] += 1
            continue
        if not isinstance(entry, dict):
            continue
        if "status" in entry and "ms" in entry and entry.get("request_id"):
            answered[entry["request_id"]] = (int(entry["status"]), float(entry["ms"]))
        elif entry.get("level") in ("ERROR", "CRITICAL"):
            # The exception: the first line after the last frame not indented.
            trace = str(entry.get("error", "")).splitlines()
            frames = [i for i, part in enumerate(trace) if part.startswith("  File ")]
            after = trace[frames[-1] + 1 :] if frames else trace
            last = next((part for part in after if part and not part[0].isspace()), "")
            errors[f"{entry.get('message')}: {last or '(no traceback)'}"[:200]] += 1
    return answered, errors


# --- counting the writes again, in the database ----------------------------------------------------


# What the database holds afterwards, by email: the benchmark's sellers (load.seller.*) and
# the accounts registered during the run (load.new.*).
NOW = """SELECT u.email, u.phone_e164, p.address_line1 FROM users u
    JOIN seller_profiles p ON p.user_id = u.id WHERE u.email LIKE 'load.seller.%'"""
HISTORY_ROWS = """SELECT u.email, c.field, count(*), max(c.id) FROM profile_changes c
    JOIN users u ON u.id = c.user_id GROUP BY u.email, c.field"""
LAST_VALUES = (
    "SELECT id, new_value FROM profile_changes WHERE field IN ('phone_e164', 'address_line1')"
)
REGISTERED = """SELECT u.email, count(c.id) FROM users u LEFT JOIN consent_records c
    ON c.user_id = u.id WHERE u.email LIKE 'load.new.%' GROUP BY u.email"""
SESSIONS = """SELECT count(*) FROM login_sessions s JOIN users u ON u.id = s.user_id
    WHERE u.email LIKE 'load.seller.%'"""
VERIFICATIONS = """SELECT recipient, status FROM outbox_messages WHERE kind = 'verify_email'"""


def count_writes(database_url: str, users: list[User], sellers: int) -> list[tuple[str, str, bool]]:
    """(what, figures, all there) for every kind of write the clients were told succeeded."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as connection:
        now = {email: (phone, line1) for email, phone, line1 in connection.execute(text(NOW))}
        history = {(e, f): (n, last) for e, f, n, last in connection.execute(text(HISTORY_ROWS))}
        values = dict(connection.execute(text(LAST_VALUES)).all())
        registered = dict(connection.execute(text(REGISTERED)).all())
        sessions = connection.scalar(text(SESSIONS))
        mail = connection.execute(text(VERIFICATIONS)).all()
    engine.dispose()

    checks = []

    def check(what: str, figures: str, right: bool) -> None:
        checks.append((what, figures, right))

    for kind, name, position, ledger in (
        ("phone", "phone_e164", 0, "phones"),
        ("address", "address_line1", 1, "addresses"),
    ):
        told = found = right = uncertain = 0
        for user in users:
            email, done = seller_email(user.n), getattr(user.ledger, ledger)
            unsure = user.ledger.uncertain[f"change {kind}"]
            rows, last = history.get((email, name), (0, None))
            ok = len(done) <= rows <= len(done) + unsure
            if done and not unsure:
                ok = ok and now[email][position] == done[-1] == values.get(last)
            told, found = told + len(done), found + rows
            uncertain, right = uncertain + unsure, right + ok
        check(
            f"{kind} changes: history rows, and the last value written kept",
            f"told saved {told}, uncertain {uncertain}; history rows {found}; "
            f"sellers right {right}/{len(users)}",
            right == len(users),
        )
    other = sum(n for (_, f), (n, _) in history.items() if f not in ("phone_e164", "address_line1"))
    expected = sellers * len(HISTORY)
    check("no other history rows", f"--prepare made {expected}, found {other}", other == expected)
    logins = sum(user.ledger.logins for user in users)
    logouts = sum(user.ledger.logouts for user in users)
    check(
        "log-ins and log-outs: a session row left for each log-in not logged out",
        f"log-ins {logins}, log-outs {logouts}; session rows {sessions}",
        sessions == logins - logouts,
    )
    told = [email for user in users for email in user.ledger.registrations]
    unsure = sum(user.ledger.uncertain["register"] for user in users)
    emails = Counter(recipient for recipient, _ in mail)
    missing = sum(email not in registered for email in told)
    unconsented = sum(registered.get(email) != 1 for email in told)
    unmailed = sum(emails[email] != 1 for email in told)
    sent = sum(status == "sent" for _, status in mail)
    check(
        "registrations: a user row, one consent record, one verification email",
        f"told registered {len(told)}, uncertain {unsure}; users {len(registered)}, missing "
        f"{missing}, without one consent {unconsented}, without one email {unmailed} "
        f"(emails sent: {sent})",
        not (missing or unconsented or unmailed)
        and len(told) <= len(registered) <= len(told) + unsure,
    )
    return checks


# --- the run --------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Nearest rank: the smallest value with at least ``q`` of them at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else float("nan")


def environment(args, instance: Path, port: int, database_url: str) -> dict:
    return {
        **os.environ,
        "PORTAL_ENVIRONMENT": "development",
        "PORTAL_INSTANCE_PATH": str(instance),
        "PORTAL_BIND": f"127.0.0.1:{port}",
        "PORTAL_WORKERS": str(args.workers),
        "PORTAL_SQLALCHEMY_DATABASE_URI": database_url,
        "PORTAL_RATELIMIT_STORAGE_URI": args.redis_url,
        "PORTAL_RATELIMIT_SIGNUP_PER_IP": SIGNUP_LIMIT,
        "PORTAL_BCRYPT_ROUNDS": str(args.bcrypt_rounds),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="concurrent virtual users")
    parser.add_argument("--seconds", type=float, default=60, help="measured time")
    parser.add_argument("--warmup", type=float, default=5, help="unmeasured time first")
    parser.add_argument("--sellers", type=int, default=1000, help="sellers in the database")
    parser.add_argument("--register-share", type=float, default=0.1)
    parser.add_argument("--think-ms", type=float, default=0, help="mean pause between requests")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--bcrypt-rounds", type=int, default=12)
    parser.add_argument("--database-url", default=DATABASE_URL)
    parser.add_argument("--sqlite", action="store_true", help="SQLite in the instance folder")
    parser.add_argument("--redis-url", default=REDIS_URL, help="rate limits (flushed first)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the instance folder and log")
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare is not None:
        prepare(args.prepare)
        return 0
    if args.sellers < args.users:
        raise SystemExit("--sellers must be at least --users: each user is a seller of its own")
    load = os.getloadavg()[0]

    work = Path(tempfile.mkdtemp(prefix="portal-bench-load-"))
    instance, log = work / "instance", work / "gunicorn.log"
    database_url = f"sqlite:///{instance / 'portal.sqlite3'}" if args.sqlite else args.database_url
    database = None if args.sqlite else database_url.rsplit("/", 1)[1].split("?")[0]
    port = free_port()
    env = environment(args, instance, port, database_url)
    if database:
        recreate_database(database_url)
    if args.redis_url.startswith("redis"):
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()
    started = time.perf_counter()
    run_step([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], env, log)
    run_step([sys.executable, __file__, "--prepare", str(args.sellers)], env, log)
    prepared = time.perf_counter() - started

    server = start_gunicorn(env, log, port, args.workers)
    failed = True
    try:
        begin = time.monotonic()
        window_start = begin + args.warmup
        window_end = window_start + args.seconds
        users = [User(n, port, args, window_end, args.seed) for n in range(args.users)]
        for user in users:
            user.start()
        time.sleep(max(0.0, window_start - time.monotonic()))
        cpu_start = cpu_snapshot(server.pid)
        time.sleep(max(0.0, window_end - time.monotonic()))
        cpu_end = cpu_snapshot(server.pid)
        for user in users:
            user.join(timeout=300)
        drained = time.monotonic() - window_end
        failed = False
    finally:
        server.terminate()  # graceful: requests under way and mail hand-over finish
        server.wait(timeout=60)
        if failed:
            print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
    checks = count_writes(database_url, users, args.sellers)
    answered, error_lines = read_log(log)
    ok = report(
        args,
        users,
        checks,
        (answered, error_lines),
        cpu_split(cpu_start, cpu_end, database),
        (prepared, drained, window_start, window_end),
        bcrypt_seconds(args.bcrypt_rounds),
    )
    print()
    print(machine_line(load, f"; {args.workers} gunicorn workers, {args.users} users"))
    print(f"reproduce: {command(args)}")
    if database and not args.keep:
        recreate_database(database_url, create=False)
    if ok and not args.keep:
        shutil.rmtree(work)
    else:
        sys.stdout.flush()
        print(f"kept: {work} (gunicorn.log, instance/)", file=sys.stderr)
    return 0 if ok else 1


def command(args) -> str:
    line = ".venv/bin/python bench/mixed_load.py"
    defaults = {
        "users": 50,
        "seconds": 60,
        "warmup": 5,
        "sellers": 1000,
        "register_share": 0.1,
        "think_ms": 0,
        "workers": (os.cpu_count() or 1) * 2 + 1,
        "bcrypt_rounds": 12,
        "seed": 1,
    }
    for name, default in defaults.items():
        if getattr(args, name) != default:
            line += f" --{name.replace('_', '-')} {getattr(args, name):g}"
    if args.sqlite:
        line += " --sqlite"
    elif args.database_url != DATABASE_URL:
        line += f" --database-url {args.database_url}"
    if args.redis_url != REDIS_URL:
        line += f" --redis-url {args.redis_url}"
    return line


CPU_GROUPS = (
    "gunicorn (master and workers)",
    "this load generator",
    "PostgreSQL backends",
    "other processes",
    "kernel, and processes that ended",
)
KINDS = (
    "log-in form",
    "log in",
    "dashboard",
    "profile",
    "change phone",
    "change address",
    "notifications",
    "history",
    "disclosures",
    "privacy policy",
    "log out",
    "home",
    "register form",
    "register",
    "check your email",
)


def bcrypt_seconds(rounds: int) -> float:
    """The CPU time of one password hash at this cost (the best of three)."""
    import bcrypt

    times = []
    for _ in range(3):
        started = time.process_time()
        bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=rounds))
        times.append(time.process_time() - started)
    return min(times)


def report(args, users, checks, server_log, cpu_use, times, hash_seconds: float) -> bool:
    """Print the figures; whether every check passed."""
    answered, error_lines = server_log
    cpu, others = cpu_use
    prepared, drained, window_start, window_end = times
    samples = [s for user in users for s in user.samples]
    measured = [s for s in samples if window_start <= s.started < window_end]
    by_kind = defaultdict(list)
    for s in measured:
        by_kind[s.kind].append(s)
    database = "SQLite (instance folder)" if args.sqlite else args.database_url.rsplit("/", 1)[1]
    print(
        f"Mixed load: {args.users} users, each logged in as a seller of their own, for "
        f"{args.seconds:g} s after {args.warmup:g} s of warm-up, "
        + (f"{args.think_ms:g} ms mean pause" if args.think_ms else "no pause")
        + f" between requests; gunicorn (gunicorn.conf.py) with {args.workers} sync workers, "
        f"database {database}, rate limits in {args.redis_url}; bcrypt cost "
        f"{args.bcrypt_rounds}; {args.sellers} sellers made in {prepared:.1f} s"
    )
    print(
        f"Raised for the benchmark: RATELIMIT_SIGNUP_PER_IP = {SIGNUP_LIMIT} (every user "
        "registers from 127.0.0.1); the per-IP log-in limit counts failures only and none "
        "is expected. Mail goes to instance/mail (MAIL_SERVER unset)."
    )
    print()
    print(f"{'request':<17} {'count':>6} {'p50 ms':>7} {'p99 ms':>7} {'worker p50':>10} "
          f"{'worker p99':>10}   statuses")  # fmt: skip
    rows = [(kind, by_kind[kind]) for kind in KINDS if by_kind[kind]]
    rows += [(kind, found) for kind, found in by_kind.items() if kind not in KINDS]
    for kind, found in [*rows, ("all", measured)]:
        client = [s.seconds * 1000 for s in found]
        worker = [answered[s.request_id][1] for s in found if s.request_id in answered]
        statuses = Counter(s.status for s in found)
        if kind == "all":
            print()
        print(
            f"{kind:<17} {len(found):>6} {percentile(client, 0.5):>7.0f} "
            f"{percentile(client, 0.99):>7.0f} {percentile(worker, 0.5):>10.0f} "
            f"{percentile(worker, 0.99):>10.0f}   "
            + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=str))
        )
    journeys = sum(1 for s in measured if s.kind == "log in")
    client = [s.seconds * 1000 for s in measured]
    print()
    print(
        f"{len(measured)} requests started in the {args.seconds:g} s: "
        f"{len(measured) / args.seconds:.1f} requests/s, {journeys / args.seconds:.2f} "
        f"log-ins/s; overall p50 {percentile(client, 0.5):.0f} ms, "
        f"p99 {percentile(client, 0.99):.0f} ms, max {max(client, default=0):.0f} ms "
        f"(the last journeys ended {drained:.1f} s after the window)"
    )

    statuses = Counter(s.status for s in samples)
    server_5xx = sum(1 for status, _ in answered.values() if status >= 500)
    unanswered = sum(v for k, v in statuses.items() if not isinstance(k, int))
    client_5xx = sum(v for k, v in statuses.items() if isinstance(k, int) and k >= 500)
    problems = Counter(p for user in users for p in user.problems)
    print(
        f"all {len(samples)} requests, warm-up and the last journeys included: "
        + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=str))
        + f"; 5xx {client_5xx} (gunicorn's log: {server_5xx}), without an answer "
        f"{unanswered}, unexpected answers {sum(problems.values())}"
    )
    for problem, count in problems.most_common(10):
        print(f"  {count} x {problem}")
    for line, count in error_lines.most_common(5):
        print(f"  gunicorn's log, {count} x {line}")

    print()
    print("writes the clients were told succeeded, counted again in the database:")
    for what, figures, right in checks:
        print(f"  {'ok ' if right else 'BAD'} {what}: {figures}")

    capacity = (os.cpu_count() or 1) * args.seconds
    print()
    print(
        f"CPU during the {args.seconds:g} s ({os.cpu_count()} cores, {capacity:.0f} "
        "CPU-seconds): "
        + ", ".join(f"{name} {cpu[name]:.1f} s ({cpu[name] / capacity:.0%})" for name in CPU_GROUPS)
        + f"; idle {max(0.0, capacity - sum(cpu.values())):.1f} s"
    )
    print(
        "  busiest other processes: "
        + ", ".join(f"{command} {t:.1f} s" for command, t in others.most_common(3))
    )
    if cpu["other processes"] > 0.1 * capacity:
        print(
            f"WARNING: other processes took {cpu['other processes'] / capacity:.0%} of the "
            "machine during the window: the portal had less CPU than the machine has."
        )
    hashes = sum(1 for s in measured if s.kind in ("log in", "register"))
    print(
        f"Password hashing: one bcrypt hash at cost {args.bcrypt_rounds} takes "
        f"{hash_seconds * 1000:.0f} ms of CPU here; the {hashes} log-ins and registrations "
        f"started in the window account for about {hashes * hash_seconds:.1f} s of "
        f"gunicorn's {cpu['gunicorn (master and workers)']:.1f} s."
    )
    failures = [
        (f"{max(client_5xx, server_5xx)} answers 5xx", client_5xx or server_5xx),
        (f"{unanswered} requests without an answer", unanswered),
        (f"{sum(problems.values())} unexpected answers", problems),
        ("writes missing from the database", not all(right for _, _, right in checks)),
    ]
    failures = [reason for reason, bad in failures if bad]
    print()
    passed = "PASS: no 5xx, every answer as expected, every write in the database"
    print("FAIL: " + "; ".join(failures) if failures else passed)
    return not failures


if __name__ == "__main__":
    sys.exit(main())

"""The SQL statements of every seller page do not grow with the seller's rows.

A seller's history, notifications, disclosures, pickups, staff looks at their data, consent
records and log-in sessions only ever grow. Every GET page a seller reaches is walked with 10
rows of each, then with 1,000, and must run as many statements both times: a page whose count
grows loads its rows one by one (N+1). Paged lists are walked at page 2 as well.

Three sellers walk: one who has accepted the policy in effect (almost every page), one who
has not yet accepted a newer version (the acceptance page), and one who closed their account
(the page a closed account sees). The rows are inserted in bulk; the pages go through the test
client, rendering included. ``bench/page_queries.py`` prints the same walk as a table.
"""

from __future__ import annotations

import hashlib
import io
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import func, insert, select, update

from portal.accesslog.models import StaffAccess
from portal.account import termination
from portal.auth.models import LoginSession, User
from portal.auth.services import create_staff
from portal.clock import utcnow
from portal.documents.models import Document, DocumentFile
from portal.extensions import db
from portal.integrations.models import StoreConnection
from portal.outbox.models import OutboxMessage
from portal.policy import services as policy
from portal.policy.models import ConsentRecord, PolicyVersion
from portal.profile import services as profile
from portal.profile.models import ProfileChange
from portal.sharing.models import Disclosure, ThirdParty
from portal.shipping.models import Pickup
from tests.support import AuthActions, QueryCounter, make_seller

FEW, MANY = 10, 1_000

# GET pages, as the seller who has accepted the policy; {names} come from World.ids.
SELLER_PAGES = (
    "/",
    "/healthz",
    "/readyz",
    "/dashboard",
    "/profile",
    "/profile/personal",
    "/profile/contact",
    "/profile/address",
    "/profile/history",
    "/profile/history?page=2",
    "/profile/financial",
    "/profile/financial/number",
    "/profile/business",
    "/profile/business/tin",
    "/profile/email",
    "/profile/email/cancelled",
    "/profile/review",
    "/documents/",
    "/documents/files/{thumbnail}",
    "/documents/{document}/delete",
    "/notifications/",
    "/notifications/?page=2",
    "/notifications/?page=1000000",
    "/notifications/{message}",
    "/account",
    "/account/consent",
    "/account/disclosures",
    "/account/disclosures?page=2",
    "/account/disclosures?party=dhl",
    "/account/disclosures?party=dhl&page=2",
    "/account/disclosures?party=sendparcel",
    "/account/disclosures?party=woocommerce",
    "/account/disclosures?party=legal",
    "/account/disclosures?party=legal&page=2",
    "/account/access-log",
    "/account/access-log?page=2",
    "/account/two-factor",
    "/account/two-factor/recovery-codes",
    "/account/export",
    "/account/terminate",
    "/account/requests",
    "/auth/password",
    "/auth/confirm",
    "/auth/reset",
    "/auth/check-email",
    "/shipping/pickup",
    "/integrations/woocommerce",
    "/third-parties",
    "/privacy",
    "/privacy/1",
    "/privacy/2",
    "/privacy/changes",
    "/privacy/changes?from=1&to=2",
    "/privacy/contact",
    "/retention",
    "/report-minor",
    "/privacy/request",
)
DUE_PAGES = ("/privacy/accept",)  # a newer policy version awaits this seller's acceptance
CLOSED_PAGES = ("/account/closed",)  # this seller closed their account

# At most this many statements per page: one for the login session, its account, whether a
# policy acceptance is due and the unread count (portal.gates), and two for the view.
STATEMENTS_PER_PAGE = 3
# Pages allowed more, and why: the account page also lists the breach notices sent to the
# seller (PDPA s.12B), one SELECT however many there are. The dashboard's verification
# to-do list (issue 23) reads what the documents and profile rooms say of the seller through
# their services, and the deadlines the daily run stored: three SELECTs more, whatever the
# rows (the documents room's evidence, the profile's standing, the deadlines).
EXTRA_STATEMENTS = {"/account": 1, "/dashboard": 3}

# GET routes outside /admin that no walk visits, and why.
NOT_WALKED = {
    "static": "files, not pages",
    "metrics.metrics": "for Prometheus, not a seller; its queries are counts (tests/metrics)",
    "auth.login": "redirects a logged-in seller to the dashboard",
    "auth.register": "redirects a logged-in seller to the dashboard",
    "auth.two_factor": "the second log-in step, before there is a session; redirects a seller",
    "auth.verify": "needs the token from an email in the URL",
    "auth.reset": "needs the token from an email in the URL",
    "profile.confirm_email": "needs the token from an email in the URL",
    "profile.cancel_email_change": "needs the token from an email in the URL",
    "requests.mine_one": "one request, by id and owner, in one statement "
    "(requests.services.request_of); tests/requests",
    "requests.copy": "needs the token from an email in the URL",
    "shipping.pickup_cancel": "one pickup, found with its courier and disclosure in one "
    "statement whatever the rows (shipping.services.pickup_of); tests/shipping/test_cancel.py",
    "api.seller_status": "the marketplace's API, not a page: a bearer token, no session; tests/api",
    "api.openapi_document": "the API's description, the same for everyone; tests/api",
}

COURIERS = ("dhl", "sendparcel")
PARTIES = (*COURIERS, "woocommerce")
HISTORY_FIELDS = (
    ("display_name", "Kedai Batik Mei Ling", "Butik Batik Mei Ling"),
    ("phone_e164", "•••• 6789", "•••• 1234"),
    ("city", "Shah Alam", "Ipoh"),
    ("state", "MY-10", "MY-08"),
    ("country", "SG", "MY"),
    ("bank_code", "cimb", "maybank"),
    ("account_number", "•••• 4321", "•••• 8765"),
)
NOTICE_KINDS = ("review_reminder", "password_changed", "policy_changed", "reset_password")
SUBJECTS = ("seller_page", "document", "contact_details", "bank_account", "export", "other")
BROWSERS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 SamsungBrowser/26.0 Safari/537.36",
)


@dataclass
class Visit:
    status: int
    statements: list[str]
    seconds: float


@dataclass
class World:
    """The sellers, their logged-in clients and the pages each walks."""

    walks: list[tuple[FlaskClient, tuple[str, ...]]]  # (client, pages)
    sellers: list[int]
    staff_id: int
    versions: list[int]  # policy version ids: 1, 2
    parties: dict[str, int]  # third party ids by slug
    sessions: list[int]  # the walkers' own log-in sessions
    ids: dict[str, int] = field(default_factory=dict)


# --- the sellers ----------------------------------------------------------------------------


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (600, 400), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def _logged_in(client, email_address: str):
    response = AuthActions(client).login(email_address)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def prepare(app, client, email_address: str) -> World:
    """The seller ``email_address`` (made by :func:`tests.support.make_seller`) with an
    address, bank details, business details, a profile photo and a connected store, logged in on ``client``;
    a second seller who has yet to accept policy version 2, a third whose account is closed,
    each logged in on a client of their own; and a member of staff who looks at their data."""
    with app.test_request_context():  # the emails queued here carry links
        seller = db.session.scalar(select(User).where(User.email == email_address))
        staff = create_staff("looker@staff.example", "reviewer", "x" * 20, full_name="Aisyah Ali")
        due = make_seller("due@example.com", full_name="Siti Aminah")
        closed = make_seller("closed@example.com", full_name="Lim Wei Jun")
        v1 = policy.current_version()  # the version the three accepted at registration
        now = utcnow()
        v2 = PolicyVersion(
            version=2,
            body_markdown=v1.body_markdown + "\n\nWe also keep your pickup history.\n",
            summary="Pickup history",
            published_at=now - timedelta(days=1),
            effective_at=now - timedelta(days=1),
        )
        db.session.add(v2)
        profile.update_address(
            seller,
            profile.Address("12 Jalan Bunga Raya", None, "Shah Alam", "40000", "MY-10", "MY"),
            actor=seller,
        )
        profile.update_financial(
            seller,
            profile.Financial("maybank", None, "Tan Mei Ling", "5140123456789"),
            actor=seller,
        )
        profile.update_business(
            seller,
            profile.Business(
                "company",
                "Batik Mei Ling Sdn Bhd",
                "202001012345",
                None,
                "C2345678901",
                False,
                None,
            ),
            actor=seller,
        )
        for user in (seller, closed):
            policy.record_consent(
                user_id=user.id,
                version=v2,
                language="en",
                ip_address="203.0.113.9",
                user_agent="",
                context="update",
            )
        termination.terminate(closed, actor=closed)
        parties = dict(db.session.execute(select(ThirdParty.slug, ThirdParty.id)).all())
        store = Disclosure(
            user_id=seller.id,
            kind="transfer",
            third_party_id=parties["woocommerce"],
            recipient="WooCommerce",
            categories=["name", "email", "phone"],
            purpose="Connect the seller's store",
            reference="KS-STORE00001",
            outcome="accepted",
        )
        db.session.add(store)
        db.session.flush()
        db.session.add(
            StoreConnection(
                user_id=seller.id,
                third_party_id=parties["woocommerce"],
                store_url="https://batik.example",
                disclosure_id=store.id,
            )
        )
        db.session.commit()
        world = World(
            walks=[],
            sellers=[seller.id, due.id, closed.id],
            staff_id=staff.id,
            versions=[v1.id, v2.id],
            parties=parties,
            sessions=[],
        )
        message = db.session.scalar(  # the bank details email: read once the walk opens it
            select(OutboxMessage.id).where(
                OutboxMessage.user_id == seller.id, OutboxMessage.kind == "bank_details_changed"
            )
        )

    _logged_in(client, email_address)
    response = client.post(
        "/documents/profile-photo",
        data={"profile_photo-file": (io.BytesIO(_png()), "photo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    world.walks = [
        (client, SELLER_PAGES),
        (_logged_in(app.test_client(), "due@example.com"), DUE_PAGES),
        (_logged_in(app.test_client(), "closed@example.com"), CLOSED_PAGES),
    ]
    with app.app_context():
        world.ids["thumbnail"] = db.session.scalar(
            select(DocumentFile.id)
            .join(Document)
            .where(Document.user_id == world.sellers[0], DocumentFile.purpose == "thumbnail")
        )
        world.ids["document"] = db.session.scalar(
            select(Document.id).where(Document.user_id == world.sellers[0])
        )
        world.ids["message"] = message
        world.sessions = list(
            db.session.scalars(
                select(LoginSession.id).where(LoginSession.user_id.in_(world.sellers))
            )
        )
    return world


# --- the rows -------------------------------------------------------------------------------


def _rows(model, user_id: int, n: int, start: int, world: World) -> list[dict]:
    """``n`` rows of ``model`` for the seller, numbered from ``start``, oldest first."""
    since = utcnow() - timedelta(days=300)
    rows = []
    for i in range(start, start + n):
        at = since + timedelta(minutes=i)
        if model is ProfileChange:
            name, old, new = HISTORY_FIELDS[i % len(HISTORY_FIELDS)]
            by_staff = i % 4 == 0
            rows.append(
                {"user_id": user_id, "field": name, "old_value": old, "new_value": new,
                 "changed_at": at, "actor": "staff" if by_staff else "seller",
                 "actor_id": world.staff_id if by_staff else user_id}
            )  # fmt: skip
        elif model is OutboxMessage:
            kind = NOTICE_KINDS[i % len(NOTICE_KINDS)]
            body = (
                f"Hello,\n\nNotice {i}. Open https://portal.example/auth/reset/t{i} to continue.\n"
            )
            rows.append(
                {"user_id": user_id, "recipient": f"seller{user_id}@example.com", "kind": kind,
                 "subject": f"Notice {i}", "body_text": body, "body_html": f"<p>{body}</p>",
                 "message_id": f"<fill-{user_id}-{i}@portal.example>",
                 "status": "sent", "created_at": at, "sent_at": at,
                 "read_at": at if i % 2 else None}
            )  # fmt: skip
        elif model is Disclosure:
            legal = i % 5 == 0
            slug = PARTIES[i % len(PARTIES)]
            rows.append(
                {"user_id": user_id, "kind": "legal" if legal else "transfer",
                 "third_party_id": None if legal else world.parties[slug],
                 "recipient": "Polis Diraja Malaysia" if legal else slug.title(),
                 "categories": ["name", "address", "phone"], "purpose": "A pickup",
                 "reference": f"KS-{i:010d}", "partner_reference": f"P{i}", "outcome": "accepted",
                 "disclosed_at": at, "created_at": at,
                 "legal_basis": "Criminal Procedure Code, section 51" if legal else None,
                 "documents_released": "Identity document" if legal else None,
                 "withheld": legal and i % 3 == 0,
                 "withheld_reason": "Investigation under way" if legal and i % 3 == 0 else None,
                 "review_on": (at + timedelta(days=90)).date() if legal and i % 3 == 0 else None}
            )  # fmt: skip
        elif model is StaffAccess:
            rows.append(
                {"seller_id": user_id, "staff_id": world.staff_id if i % 3 else None,
                 "staff_role": ("reviewer", "support", "admin")[i % 3],
                 "subject": SUBJECTS[i % len(SUBJECTS)], "object_id": i,
                 "reason": f"Ticket {i}" if i % 2 else None, "accessed_at": at}
            )  # fmt: skip
        elif model is ConsentRecord:
            rows.append(
                {"user_id": user_id, "policy_version_id": world.versions[0], "accepted_at": at,
                 "ip_address": "198.51.100.7", "user_agent": BROWSERS[i % 3], "context": "update"}
            )  # fmt: skip
        elif model is LoginSession:
            rows.append(
                {"user_id": user_id, "token_hash": hashlib.sha256(b"%d:%d" % (user_id, i)).hexdigest(),
                 "created_at": at,
                 "last_seen_at": at, "expires_at": utcnow() + timedelta(days=20),
                 "ip_address": f"198.51.100.{i % 250}", "user_agent": BROWSERS[i % 3],
                 "authenticated_at": at}
            )  # fmt: skip
    return rows


TABLES = (ProfileChange, OutboxMessage, Disclosure, StaffAccess, ConsentRecord, LoginSession)


def rows_of(model, user_id: int) -> int:
    owner = StaffAccess.seller_id if model is StaffAccess else model.user_id
    return db.session.scalar(select(func.count()).where(owner == user_id))


def top_up(app, world: World, total: int) -> None:
    """Bring every seller to ``total`` rows of each kind in bulk, and give each of their
    disclosures to a courier a pickup (about two transfers in three, up to ``total``)."""
    with app.app_context():
        for user_id in world.sellers:
            for model in TABLES:
                have = rows_of(model, user_id)
                if total > have:
                    db.session.execute(
                        insert(model), _rows(model, user_id, total - have, have, world)
                    )
            have = rows_of(Pickup, user_id)
            shipped = db.session.execute(
                select(Disclosure.id, Disclosure.third_party_id, Disclosure.disclosed_at)
                .where(Disclosure.user_id == user_id)
                .where(Disclosure.third_party_id.in_([world.parties[c] for c in COURIERS]))
                .order_by(Disclosure.id)
            ).all()
            pickups = [
                {"user_id": user_id, "third_party_id": party, "disclosure_id": disclosure_id,
                 "pickup_date": (at + timedelta(days=1)).date(),
                 "parcel_size": ("small", "medium", "large")[i % 3], "created_at": at}
                for i, (disclosure_id, party, at) in enumerate(shipped[have:total], start=have)
            ]  # fmt: skip
            if pickups:
                db.session.execute(insert(Pickup), pickups)
        db.session.commit()


# --- the walk -------------------------------------------------------------------------------


def walk(app, world: World) -> dict[str, Visit]:
    """Every page once, each with the statements it ran."""
    # A session last seen over a minute ago is written to (last_seen_at) by the next page, and
    # a password confirmation lasts 10 minutes: both are made fresh before every walk.
    with app.app_context():
        now = utcnow()
        db.session.execute(
            update(LoginSession)
            .where(LoginSession.id.in_(world.sessions))
            .values(last_seen_at=now, authenticated_at=now)
        )
        db.session.commit()
    visits = {}
    for client, pages in world.walks:
        for page in pages:
            url = page.format(**world.ids)
            with QueryCounter(app) as counter:
                started = time.perf_counter()
                response = client.get(url, buffered=True)
                seconds = time.perf_counter() - started
            visits[url] = Visit(response.status_code, counter.statements, seconds)
    return visits


def measure(app, world: World, total: int) -> dict[str, Visit]:
    """The walk at ``total`` rows of each kind, after one walk not counted: a page's first
    visit may do what later ones do not (a notice marked read, a secret put in the session)."""
    top_up(app, world, total)
    walk(app, world)
    return walk(app, world)


def differences(
    few: dict[str, Visit], many: dict[str, Visit], sizes: tuple[int, int] = (FEW, MANY)
) -> list[str]:
    """A line for each page that is not a 200 or whose count differs, with the statements
    that ran more often with more rows (``sizes``: the rows of each kind in both walks)."""
    lines = []
    for url, visit in few.items():
        other = many[url]
        if {visit.status, other.status} != {200}:
            lines.append(
                f"{url}: status {visit.status} at {sizes[0]}, {other.status} at {sizes[1]}"
            )
        if len(visit.statements) != len(other.statements):
            lines.append(
                f"{url}: {len(visit.statements)} statements at {sizes[0]} rows, "
                f"{len(other.statements)} at {sizes[1]}"
            )
            grown = Counter(other.statements) - Counter(visit.statements)
            lines += [f"    +{n} x {' '.join(sql.split())[:300]}" for sql, n in grown.items()]
    return lines


# --- the tests ------------------------------------------------------------------------------


def test_every_seller_page_is_walked_or_said_why_not(app):
    adapter = app.url_map.bind("portal.test")
    walked = {
        adapter.match(page.split("?")[0].format(thumbnail=1, message=1, document=1), method="GET")[
            0
        ]
        for page in (*SELLER_PAGES, *DUE_PAGES, *CLOSED_PAGES)
    }
    pages = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.endpoint.startswith("admin")
    }
    assert pages - walked - NOT_WALKED.keys() == set(), "a GET page no walk visits"
    assert walked & NOT_WALKED.keys() == set()
    assert NOT_WALKED.keys() <= pages, "NOT_WALKED names a page that is gone"


def test_no_seller_page_runs_more_statements_with_more_rows(app, client, seller):
    world = prepare(app, client, seller["email"])
    few = measure(app, world, FEW)
    many = measure(app, world, MANY)
    with app.app_context():
        assert {model.__name__: rows_of(model, seller["id"]) for model in TABLES} == {
            model.__name__: MANY for model in TABLES
        }
    problems = differences(few, many)
    assert not problems, "\n".join(["pages that differ:", *problems])
    over = {
        url: len(visit.statements)
        for url, visit in many.items()
        if len(visit.statements) > STATEMENTS_PER_PAGE + EXTRA_STATEMENTS.get(url, 0)
    }
    assert not over, over

"""Every link in every kind of mail the portal sends starts with PUBLIC_URL (finding 2).

One test renders each kind found in ``templates/email`` through ``queue_email``, once while
a request with a hostile ``Host`` is being answered and once with no request at all (as the
mail worker and the CLI write mail), and checks every http(s) address in both bodies. A new
kind of mail makes the test fail until it is given a context here.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from portal.auth.models import User
from portal.extensions import db
from portal.links import public_url
from portal.outbox.services import queue_email
from tests.support import make_seller

ROOT = Path(__file__).resolve().parent.parent.parent
# With a path prefix and a trailing slash, as an operator may well write it.
PUBLIC_URL = "https://portal.koopseri.test/sellers/"
PREFIX = "https://portal.koopseri.test/sellers/"
EVIL = "evil.example"
URL = re.compile(r"https?://[^\s\"'<>]+")

KINDS_ON_DISK = sorted(
    path.stem
    for path in (ROOT / "templates" / "email").glob("*.txt")
    if not path.name.startswith("_")
)

WHEN = datetime(2026, 12, 6, 3, 41, tzinfo=UTC)
DOCUMENT = SimpleNamespace(
    kind="identity", uploaded_at=WHEN, rejection_note="The photo is blurred."
)
DISCLOSURE = SimpleNamespace(
    disclosed_at=WHEN,
    recipient="Polis Diraja Malaysia",
    categories=["name", "phone"],
    legal_basis="Criminal Procedure Code, section 51",
    reference="PDRM/KL/2026/0042",
)
REPORT = SimpleNamespace(reference="MR-7KQ2-9XTD")
PRIVACY_REQUEST = SimpleNamespace(
    id=1,
    reference="DSR-7KQ29XTD",
    kind="access",
    due_on=date(2027, 3, 23),
    outcome="Attached is everything we keep.",
)
VERSION = SimpleNamespace(version=2, effective_at=WHEN)
TOKEN = "eyJ1IjoxfQ.Zk9QbA.signature"  # links that carry a token are built as the code does


def _pickup() -> dict:
    """As shipping.services._tell_seller writes a booking's or a cancellation's mail."""
    return {
        "pickup": SimpleNamespace(pickup_date=date(2026, 12, 8)),
        "courier": "DHL",
        "size": "Small: up to 2 kg, fits in a shoebox",
        "reference": "KS-ABCDEFGH23",
        "pickups_url": public_url("shipping.pickup", _anchor="pickups-title"),
    }


def _for_reporter(**context) -> dict:
    """Mail to someone without an account (a minor report's reporter)."""
    return {"user": None, **context}


def _breach_part(language: str) -> dict:
    """One language's half of a breach notice, as ``portal.breaches.notify`` renders it."""
    from types import SimpleNamespace

    from portal.breaches import notify

    breach = SimpleNamespace(
        reference="BR-00001",
        discovered_at=datetime(2026, 12, 1, 6, 30, tzinfo=UTC),
        categories=["address"],
        message_en="A courier's list was exposed.",
        message_ms="Senarai kurier terdedah.",
    )
    return notify._part(breach, language)


def _verification(status: str) -> dict:
    """As ``portal.verification.tracking`` writes its three emails."""
    from portal.verification.states import Code, Requirement, State, Status, Summary
    from portal.verification.tracking import email_context

    state = State.PAST_DUE if status == "restricted" else State.CURRENTLY_DUE
    item = Requirement(Code.ADDRESS, state, date(2027, 1, 6), "missing")
    reason = Code.ADDRESS if status == "restricted" else None
    return email_context(Summary(Status(status), [item], date(2027, 1, 6), reason))


# What each kind is written with (beyond ``to``, ``kind``, ``subject`` and the seller as
# ``user``), as its call site passes it. Values are functions: links need the app.
CONTEXTS = {
    "account_frozen_age": lambda: {},
    "account_reactivated": lambda: {"by_staff": False},
    "account_terminated": lambda: {"deletion_day": date(2027, 3, 6), "by_staff": False},
    "account_unfrozen": lambda: {},
    "bank_details_changed": lambda: {"last4": "6789"},
    "data_exported": lambda: {"when": WHEN},
    "deletion_reminder": lambda: {"deletion_day": date(2027, 3, 6)},
    "document_approved": lambda: {
        "document": DOCUMENT,
        "kind_label": "Identity document",
        "reasons": [],
    },
    "document_rejected": lambda: {
        "document": DOCUMENT,
        "kind_label": "Identity document",
        "reasons": ["The document is not readable"],
    },
    "email_change_confirm": lambda: {
        "confirm_url": public_url("profile.confirm_email", token=TOKEN),
        "hours": 24,
    },
    "email_change_existing": lambda: {"login_url": public_url("auth.login")},
    "email_change_requested": lambda: {
        "new_email_masked": "n***@example.com",
        "hours": 24,
        "cancel_url": public_url("profile.cancel_email_change", token=TOKEN),
    },
    "email_change_cancelled": lambda: {
        "new_email_masked": "n***@example.com",
        "reset_url": public_url("auth.reset_request"),
    },
    "email_changed": lambda: {"new_email_masked": "n***@example.com"},
    "breach_notice": lambda: {"parts": [_breach_part(language) for language in ("en", "ms")]},
    "privacy_request_answered": lambda: {"request": PRIVACY_REQUEST},
    "privacy_request_code": lambda: _for_reporter(code="123456", minutes=10),
    "privacy_request_copy": lambda: {
        "request": PRIVACY_REQUEST,
        "token": TOKEN,
        "expires_on": date(2027, 3, 26),
    },
    "privacy_request_extended": lambda: {"request": PRIVACY_REQUEST, "reason": "A long archive."},
    "privacy_request_received": lambda: {"request": PRIVACY_REQUEST},
    "privacy_request_refused": lambda: {"request": PRIVACY_REQUEST, "ground": "s.32(1)(a)"},
    "legal_disclosure": lambda: {"disclosure": DISCLOSURE},
    "erasure_request": lambda: {
        "user": None,
        "recipient": "",
        "reference": "ER-12",
        "party": "DHL",
        "references": ["KS-ABCDEFGH23"],
        "partner_references": ["PRG200227000256"],
        "api_did": "cancelled 1 open pickup through the API",
        "reply_to": "dpo@koopseri.example",
    },
    "login_locked": lambda: {"minutes": 5, "reset_url": public_url("auth.reset_request")},
    "minor_report_closed": lambda: _for_reporter(report=REPORT),
    "minor_report_confirmed": lambda: _for_reporter(report=REPORT),
    "minor_report_question": lambda: _for_reporter(
        report=REPORT, question="Which shop name did you see?"
    ),
    "minor_report_received": lambda: _for_reporter(report=REPORT),
    "password_changed": lambda: {},
    "pickup_booked": lambda: _pickup(),
    "pickup_cancelled": lambda: _pickup(),
    "policy_changed": lambda: {
        "user": None,
        "recipient": "",
        "version": VERSION,
        "summary": "We now name every courier we share your address with.",
        "changes_url": public_url("policy.changes", **{"from": 1, "to": 2}, lang="en"),
        "policy_url": public_url("policy.version", number=2, lang="en"),
    },
    "recovery_codes_replaced": lambda: {},
    "register_existing": lambda: {
        "login_url": public_url("auth.login"),
        "reset_url": public_url("auth.reset_request"),
    },
    "reset_password": lambda: {"reset_url": public_url("auth.reset", token=TOKEN), "minutes": 60},
    "review_reminder": lambda: {
        "review_url": public_url("profile.review"),
        "last_reviewed": date(2025, 12, 1),
    },
    "two_factor_disabled": lambda: {},
    "two_factor_failed": lambda: {"failures": 3, "reset_url": public_url("auth.reset_request")},
    "two_factor_enabled": lambda: {},
    "verify_email": lambda: {"verify_url": public_url("auth.verify", token=TOKEN), "hours": 48},
    "verification_due": lambda: _verification("action_needed"),
    "verification_reminder": lambda: _verification("action_needed"),
    "verification_restricted": lambda: _verification("restricted"),
}
# Kinds written in more than one way: each way is rendered too.
VARIANTS = {
    "account_reactivated": {"by_staff": True},
    "account_terminated": {"by_staff": True},
}


@pytest.fixture
def app(make_app):
    app = make_app(PUBLIC_URL=PUBLIC_URL)
    with app.app_context():
        make_seller()
    return app


def _write(app, kind: str) -> list[str]:
    seller = db.session.scalar(db.select(User).where(User.email == "seller@example.com"))
    bodies = []
    for variant in ({}, VARIANTS.get(kind)):
        if variant is None:
            continue
        arguments = {"user": seller, **CONTEXTS[kind](), **variant}
        recipient = seller.email if arguments["user"] is not None else "reporter@example.com"
        message = queue_email(to=recipient, kind=kind, subject="A notice", **arguments)
        bodies += [message.body_text, message.body_html]
    db.session.rollback()
    return bodies


@pytest.mark.parametrize("where", ["request with a hostile Host", "no request (worker, CLI)"])
@pytest.mark.parametrize("kind", KINDS_ON_DISK)
def test_every_link_in_every_kind_of_mail_starts_with_public_url(app, kind, where):
    assert set(CONTEXTS) == set(KINDS_ON_DISK), "give every kind of mail a context above"
    if where.startswith("request"):
        context = app.test_request_context("/auth/reset", headers={"Host": EVIL})
    else:
        context = app.app_context()
    with context:
        bodies = _write(app, kind)
    for body in bodies:
        assert EVIL not in body
        for link in URL.findall(body):
            assert link.startswith(PREFIX), link
            assert "//" not in link[len("https://") :], link  # no doubled slash after the prefix


def test_no_code_builds_a_link_from_the_request():
    """Links leaving the portal come from portal.links; the request's host is never used."""
    found = []
    for path in (ROOT / "portal").rglob("*.py"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\b_external\s*=\s*True|\bhost_url\b|\burl_root\b", line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []

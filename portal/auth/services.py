"""The account's lookups, the log-in checks and staff accounts. Registration and the email
check are in :mod:`portal.auth.registration`, passwords in :mod:`portal.auth.passwords`.

Services take plain values, raise the exceptions below, flush but never commit: the view or
CLI command that calls them commits once, and the outbox sends mail only after that commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select

from portal.auth.models import STAFF_ROLES, AccountStatus, Role, User
from portal.clock import utcnow
from portal.extensions import db
from portal.links import public_url
from portal.outbox.services import queue_email
from portal.security import burn_password_check, check_password, hash_password


def normalize_email(email: str) -> str:
    return email.strip().lower()


def mask_email(address: str) -> str:
    """``aisyah@example.com`` → ``a•••••@example.com``: enough to recognise, not to harvest."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}{'•' * max(len(local) - 1, 1)}@{domain}"


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


# --- login ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Authentication:
    user: User | None  # the account, when the password was right
    failed_account_id: int | None = None  # the account, when it exists but the password was wrong


def authenticate(email: str, password: str) -> Authentication:
    """Check a log-in with the same work whether or not the email has an account.

    A wrong password on a real account is only reported back: the caller records it with
    :func:`record_failed_login` after answering, so the answer takes no longer than for an
    unknown email.
    """
    user = find_by_email(email)
    if user is None:
        burn_password_check(password)
        return Authentication(None)
    if not check_password(password, user.password_hash):
        return Authentication(None, failed_account_id=user.id)
    if user.disabled_at is not None:  # a disabled staff account: the same answer as a wrong one
        return Authentication(None)
    user.failed_login_count = 0
    user.last_failed_login_at = None
    return Authentication(user)


def record_failed_login(user_id: int) -> None:
    """Count a failure; at the threshold, alert the owner once per lockout window."""
    user = db.session.get(User, user_id)
    if user is None:
        return
    config = current_app.config
    now = utcnow()
    window = config["LOCKOUT_WINDOW"]
    if user.last_failed_login_at is None or now - user.last_failed_login_at > window:
        user.failed_login_count = 0
    user.failed_login_count += 1
    user.last_failed_login_at = now
    recently_told = user.lockout_notified_at is not None and now - user.lockout_notified_at < window
    if user.failed_login_count >= config["LOCKOUT_THRESHOLD"] and not recently_told:
        user.lockout_notified_at = now
        queue_email(
            to=user.email,
            kind="login_locked",
            subject=_l("Repeated failed log-ins to your Koopseri account"),
            user=user,
            minutes=int(window.total_seconds() // 60),
            reset_url=public_url("auth.reset_request"),
        )


def record_login(user: User) -> None:
    user.last_login_at = utcnow()


# --- staff -----------------------------------------------------------------------------------


class EmailTaken(Exception):
    """An account with this email already exists."""


def create_staff(email: str, role: str, password: str, *, full_name: str | None = None) -> User:
    """A verified staff account with ``role``; raises :class:`EmailTaken` or ValueError."""
    if role not in {r.value for r in STAFF_ROLES}:
        raise ValueError(role)
    if find_by_email(email) is not None:
        raise EmailTaken()
    user = User(
        email=normalize_email(email),
        password_hash=hash_password(password),
        role=role,
        email_verified_at=utcnow(),
        full_name=(full_name or "").strip() or None,
    )
    db.session.add(user)
    db.session.flush()
    return user


# --- accounts as the back office reads them ------------------------------------------------


def seller(user_id: int) -> User | None:
    """The seller's account ``user_id``; None for a member of staff or no account at all."""
    user = db.session.get(User, user_id)
    return user if user is not None and user.role == Role.SELLER else None


def seller_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User).where(User.role == Role.SELLER))


def emails_by_id(user_ids: Iterable[int]) -> dict[int, str]:
    """The email of each account in ``user_ids`` that still exists."""
    wanted = set(user_ids)
    if not wanted:
        return {}
    return dict(db.session.execute(select(User.id, User.email).where(User.id.in_(wanted))).all())


def with_email(email: str) -> dict[int, str]:
    """The accounts whose email is ``email`` in any letter case, as ``{id: email}``."""
    query = select(User.id, User.email).where(func.lower(User.email) == email.lower())
    return dict(db.session.execute(query).all())


def count_with_email_domain(domain: str) -> int:
    """How many accounts have an email at ``domain`` (the seeded sellers')."""
    return db.session.scalar(
        select(func.count(User.id)).where(User.email.like(f"%@{domain}", escape="\\"))
    )


# --- sellers in bulk ------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    """What mail to every seller needs of an account: where, in which language and zone."""

    id: int
    email: str
    locale: str | None
    timezone: str | None


def active_sellers(*, after: int = 0, limit: int = 1000) -> list[Recipient]:
    """The next ``limit`` active sellers by id, after the account ``after``: one batch of a
    walk over every active seller (pass the last id of a batch to get the next one).

    One query a batch, along the primary key, so a caller can commit between batches and a
    walk over 100,000 sellers never holds them all.
    """
    rows = db.session.execute(
        select(User.id, User.email, User.locale, User.timezone)
        .where(User.role == Role.SELLER, User.status == AccountStatus.ACTIVE, User.id > after)
        .order_by(User.id)
        .limit(limit)
    ).all()
    return [Recipient(*row) for row in rows]


@dataclass(frozen=True)
class NewSeller:
    """A seller account made in bulk (the demo's many sellers), verified and active."""

    email: str
    full_name: str
    phone_e164: str
    date_of_birth: date
    password_hash: str
    locale: str = "en"


def add_sellers(sellers: Iterable[NewSeller]) -> dict[str, int]:
    """Insert these accounts with one statement (no object per account) and return their
    ids by email. Flushes only. For seeding a database, never for registration, which
    checks and confirms every account."""
    now = utcnow()
    rows = [
        {
            "email": seller.email,
            "full_name": seller.full_name,
            "phone_e164": seller.phone_e164,
            "date_of_birth": seller.date_of_birth,
            "password_hash": seller.password_hash,
            "locale": seller.locale,
            "role": Role.SELLER,
            "status": AccountStatus.ACTIVE,
            "email_verified_at": now,
            "created_at": now,
        }
        for seller in sellers
    ]
    if not rows:
        return {}
    db.session.execute(insert(User), rows)
    return sellers_with_emails(row["email"] for row in rows)


def sellers_with_emails(emails: Iterable[str]) -> dict[str, int]:
    """The sellers' accounts among ``emails`` (any letter case), as ``{email in lower case:
    id}``; an address with no seller's account is left out."""
    wanted = {email.strip().lower() for email in emails if email.strip()}
    if not wanted:
        return {}
    found: dict[str, int] = {}
    chunk = sorted(wanted)
    for start in range(0, len(chunk), 500):
        query = select(func.lower(User.email), User.id).where(
            User.role == Role.SELLER, func.lower(User.email).in_(chunk[start : start + 500])
        )
        found.update(db.session.execute(query).all())
    return found


def recipients(user_ids: Iterable[int]) -> list[Recipient]:
    """What mail needs of each account in ``user_ids`` that still exists, by id."""
    wanted = sorted(set(user_ids))
    if not wanted:
        return []
    rows = db.session.execute(
        select(User.id, User.email, User.locale, User.timezone)
        .where(User.id.in_(wanted))
        .order_by(User.id)
    ).all()
    return [Recipient(*row) for row in rows]

"""The account's lookups, the log-in checks and staff accounts. Registration and the email
check are in :mod:`portal.auth.registration`, passwords in :mod:`portal.auth.passwords`.

Services take plain values, raise the exceptions below, flush but never commit: the view or
CLI command that calls them commits once, and the outbox sends mail only after that commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.auth.models import Role, User
from portal.clock import utcnow
from portal.extensions import db
from portal.links import public_url
from portal.outbox.services import queue_email
from portal.security import burn_password_check, check_password, hash_password


def normalize_email(email: str) -> str:
    return email.strip().lower()


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
    if role not in {r.value for r in (Role.ADMIN, Role.REVIEWER, Role.SUPPORT)}:
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

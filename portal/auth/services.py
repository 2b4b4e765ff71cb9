"""Registration with consent, email verification, login checks, password reset and change.

Services take plain values, raise the exceptions below, flush but never commit: the view or
CLI command that calls them commits once, and the outbox sends mail only after that commit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.auth import links, sessions, states, twofactor
from portal.auth.models import LinkPurpose, MailboxLink, Role, User
from portal.auth.states import AccountStatus
from portal.clock import utcnow
from portal.extensions import db
from portal.links import public_url
from portal.outbox.services import queue_email
from portal.policy import services as policy
from portal.security import (
    TokenUsed,
    burn_password_check,
    check_password,
    hash_password,
    within_limit,
)

log = logging.getLogger(__name__)


class UnderAge(Exception):
    """The person is under the minimum age; nothing about them may be stored."""


class PolicyChanged(Exception):
    """The form named a policy version that is no longer the current one."""


@dataclass(frozen=True)
class Registration:
    full_name: str
    email: str
    password: str
    date_of_birth: date
    phone_e164: str
    policy_version: int
    ip_address: str
    user_agent: str
    locale: str = "en"  # the language the seller registered in, for their email until they choose


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def age_on(born: date, day: date) -> int:
    """Whole years between ``born`` and ``day`` (29 February birthdays count from 1 March)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def require_minimum_age(born: date, today: date) -> None:
    """Raise :class:`UnderAge` if someone born on ``born`` is under ``MINIMUM_AGE`` today."""
    if age_on(born, today) < current_app.config["MINIMUM_AGE"]:
        raise UnderAge()


def register(data: Registration, *, today: date) -> User | None:
    """Create a seller with proof of consent and send the verification email.

    Returns None when the email already has an account: its owner is emailed instead, and the
    caller must answer exactly as for a new account. Raises :class:`UnderAge` before anything
    is written, and :class:`PolicyChanged` if the form showed an outdated version.
    """
    require_minimum_age(data.date_of_birth, today)
    version = policy.current_version()
    if data.policy_version != version.version:
        raise PolicyChanged()
    # Hash first, whatever happens next, so a duplicate email costs the same time as a new one.
    password_hash = hash_password(data.password)
    email = normalize_email(data.email)

    existing = find_by_email(email)
    if existing is None:
        user = User(
            email=email,
            password_hash=password_hash,
            role=Role.SELLER,
            full_name=data.full_name.strip(),
            date_of_birth=data.date_of_birth,
            phone_e164=data.phone_e164,
            locale=data.locale,
        )
        try:
            with db.session.begin_nested():
                db.session.add(user)
        except IntegrityError:  # registered in a concurrent request a moment ago
            existing = find_by_email(email)
        else:
            policy.record_consent(
                user_id=user.id,
                version=version,
                language=data.locale,  # the policy was offered in the page's language
                ip_address=data.ip_address,
                user_agent=data.user_agent,
                context="registration",
            )
            send_verification(user)
            return user

    queue_email(
        to=existing.email,
        kind="register_existing",
        subject=_l("Someone tried to register with your email address"),
        user=existing,
        login_url=public_url("auth.login"),
        reset_url=public_url("auth.reset_request"),
    )
    return None


# --- email verification ----------------------------------------------------------------------


def send_verification(user: User) -> None:
    """Email a link that confirms the address; an earlier verification link stops working.

    Past ``RATELIMIT_VERIFY_PER_ACCOUNT`` nothing is sent and the last link stays valid:
    anyone can register with someone else's address and log in again and again.
    """
    if not within_limit("RATELIMIT_VERIFY_PER_ACCOUNT", "verify-account", user.id):
        log.info("verification mail held back: account over its limit user=%s", user.id)
        return
    token = links.issue(user, LinkPurpose.VERIFY)
    hours = int(current_app.config["VERIFY_EMAIL_MAX_AGE"].total_seconds() // 3600)
    queue_email(
        to=user.email,
        kind="verify_email",
        subject=_l("Confirm your email address"),
        user=user,
        verify_url=public_url("auth.verify", token=token),
        hours=hours,
    )


def _verification(token: str) -> tuple[MailboxLink, User]:
    link = links.find(LinkPurpose.VERIFY, token)
    user = db.session.get(User, link.user_id)
    if user.is_verified:  # confirmed another way since (a reset link proves the address too)
        raise TokenUsed()
    return link, user


def verification_target(token: str) -> User:
    """The account a verification link is for; ``TokenInvalid`` or :class:`TokenUsed`."""
    return _verification(token)[1]


def verify_email(token: str) -> User:
    """Mark the email of the token's account verified; raises as :func:`verification_target`."""
    link, user = _verification(token)
    links.use(link)
    _mark_verified(user)
    return user


def _mark_verified(user: User) -> None:
    """The link proved the mailbox: an account awaiting verification becomes active."""
    user.email_verified_at = utcnow()
    if user.status == AccountStatus.UNVERIFIED:
        states.apply(user, states.Transition.VERIFY_EMAIL, actor=None)


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


def confirm_identity(user: User, password: str, code: str) -> bool:
    """Check the password, and the second factor if it is on, before a sensitive act.

    On success this browser's session counts as freshly authenticated (see
    ``portal.security.reauth_required``). A code is only spent when the password is right,
    and the caller gives one answer for either failure.
    """
    password_ok = check_password(password, user.password_hash)
    code_ok = not user.two_factor_enabled or (
        password_ok and twofactor.check_second_factor(user, code)
    )
    if not (password_ok and code_ok):
        return False
    sessions.confirm_identity(user)
    return True


# --- passwords -------------------------------------------------------------------------------


def request_password_reset(email: str) -> None:
    """Email a reset link if the account exists; silently nothing otherwise.

    Callers run it after answering (see portal.deferred), so that the answer's timing does
    not tell whether the address has an account. The earlier reset link stops working. Past
    ``RATELIMIT_RESET_PER_ACCOUNT`` no mail is sent, silently too: the account is capped
    whatever address form, client address or route asked.
    """
    user = find_by_email(email)
    if user is None:
        return
    if not within_limit("RATELIMIT_RESET_PER_ACCOUNT", "reset-account", user.id):
        log.info("reset mail held back: account over its limit user=%s", user.id)
        return
    minutes = int(current_app.config["RESET_PASSWORD_MAX_AGE"].total_seconds() // 60)
    token = links.issue(user, LinkPurpose.RESET)
    queue_email(
        to=user.email,
        kind="reset_password",
        subject=_l("Reset your Koopseri password"),
        user=user,
        reset_url=public_url("auth.reset", token=token),
        minutes=minutes,
    )


def user_for_reset_token(token: str) -> User:
    """The account a reset link belongs to; ``TokenInvalid`` or :class:`TokenUsed`."""
    link = links.find(LinkPurpose.RESET, token)
    return db.session.get(User, link.user_id)


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link: every session and every pending email change
    ends, the owner is alerted. Raises as :func:`user_for_reset_token`."""
    link = links.find(LinkPurpose.RESET, token)
    links.use(link)
    user = db.session.get(User, link.user_id)
    _set_password(user, new_password)
    sessions.end_others(user)  # this browser is not logged in, so this ends them all
    if user.email_verified_at is None:
        _mark_verified(user)  # the link proved the address works
    user.failed_login_count = 0
    return user


class WrongPassword(Exception):
    """The current password given to confirm a change was wrong."""


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change a logged-in seller's password; every other session ends, the owner is alerted."""
    if not check_password(current_password, user.password_hash):
        raise WrongPassword()
    _set_password(user, new_password)
    sessions.end_others(user)


def _set_password(user: User, new_password: str) -> None:
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    # Whoever knew the old password may have asked for these: a new password ends them.
    links.end(user.id, LinkPurpose.RESET, LinkPurpose.EMAIL_CHANGE)
    queue_email(
        to=user.email,
        kind="password_changed",
        subject=_l("Your Koopseri password was changed"),
        user=user,
    )


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

"""Registration with consent and the age gate, and the verification of the email address.

Services take plain values, raise the exceptions below, flush but never commit: the view or
CLI command that calls them commits once, and the outbox sends mail only after that commit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from portal.auth import links, states
from portal.auth.models import LinkPurpose, MailboxLink, Role, User
from portal.auth.services import find_by_email, normalize_email
from portal.auth.states import AccountStatus
from portal.clock import utcnow
from portal.extensions import db
from portal.links import public_url
from portal.outbox.services import queue_email
from portal.policy import services as policy
from portal.security import TokenUsed, hash_password, within_limit

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


def resend_verification(email: str) -> None:
    """Send a new link if ``email`` belongs to an account still waiting to be confirmed;
    silently nothing for an unknown or already confirmed address.

    Callers run it after answering (see portal.deferred) and answer the same whatever the
    address, so neither the words nor the timing tell whether it has an account.
    """
    user = find_by_email(email)
    if user is None or user.is_verified:
        return
    send_verification(user)


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
    mark_verified(user)
    return user


def mark_verified(user: User) -> None:
    """A link proved the mailbox: an account awaiting verification becomes active."""
    user.email_verified_at = utcnow()
    if user.status == AccountStatus.UNVERIFIED:
        states.apply(user, states.Transition.VERIFY_EMAIL, actor=None)

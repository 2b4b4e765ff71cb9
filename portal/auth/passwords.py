"""Passwords: the reset by email link, the change by a logged-in seller, and the password
(and second factor) asked again before a sensitive act.

Services take plain values, raise the exceptions below, flush but never commit: the view that
calls them commits once, and the outbox sends mail only after that commit.
"""

from __future__ import annotations

import logging

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.auth import links, sessions, twofactor
from portal.auth.models import LinkPurpose, User
from portal.auth.registration import mark_verified
from portal.auth.services import find_by_email
from portal.clock import utcnow
from portal.extensions import db
from portal.links import public_url
from portal.outbox.services import queue_email
from portal.security import check_password, hash_password, within_limit

log = logging.getLogger(__name__)


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
        mark_verified(user)  # the link proved the address works
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

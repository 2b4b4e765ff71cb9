"""Links that prove a mailbox: issued, used once, and ended by the state that issued them.

Whoever opens a verification, reset or email-change link (or the "this wasn't me" link that
cancels an email change) acts as the owner of the mailbox it was sent to. So each link lives
only as long as the request that issued it:

* issuing a link of a purpose ends the account's earlier links of that purpose: a newer
  request ends the older one;
* using a link ends it (the row stays, marked used, so a second try can say so);
* a password change or reset ends the reset and email-change links, a cancel ends the
  email change, and moving the account to a new address ends every link sent to the old one
  (:func:`end`, called by those services).

A link's token is signed with itsdangerous (the purpose as salt, and the time it was made),
so a token of one purpose is refused for another before the database is asked, and the
lifetime configured *now* (``VERIFY_EMAIL_MAX_AGE``, ``RESET_PASSWORD_MAX_AGE``,
``EMAIL_CHANGE_MAX_AGE``) decides whether it has expired. What it signs is a random 32-byte
secret; the ``mailbox_links`` row keeps only the secret's SHA-256, so the database, a backup
or an export holds no working link. Expired and used rows are deleted by the retention job.

Services here flush but never commit, like every service.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.orm.attributes import set_committed_value

from portal.auth.models import LinkPurpose, MailboxLink, User
from portal.clock import utcnow
from portal.extensions import db
from portal.security import TokenInvalid, TokenUsed, make_token, read_token, secret_digest

_MAX_AGE_SETTING = {
    LinkPurpose.VERIFY: "VERIFY_EMAIL_MAX_AGE",
    LinkPurpose.RESET: "RESET_PASSWORD_MAX_AGE",
    LinkPurpose.EMAIL_CHANGE: "EMAIL_CHANGE_MAX_AGE",
    # The change it cancels cannot happen after that either.
    LinkPurpose.EMAIL_CHANGE_CANCEL: "EMAIL_CHANGE_MAX_AGE",
}


def max_age(purpose: LinkPurpose) -> timedelta:
    return current_app.config[_MAX_AGE_SETTING[purpose]]


def _salt(purpose: LinkPurpose) -> str:
    return f"mailbox-link.{purpose.value}"


def issue(user: User, purpose: LinkPurpose, *, new_email: str | None = None) -> str:
    """A new link token of ``purpose`` for ``user``, for the email about to be queued.

    The account's earlier links of the same purpose end here. ``new_email`` is the address
    an email change (and its cancel link) is about. Flushes.
    """
    end(user.id, purpose)
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        MailboxLink(
            user_id=user.id,
            purpose=purpose.value,
            token_hash=secret_digest(secret),
            new_email=new_email,
            created_at=now,
            expires_at=now + max_age(purpose),
        )
    )
    db.session.flush()
    return make_token(_salt(purpose), {"k": secret})


def find(purpose: LinkPurpose, token: str) -> MailboxLink:
    """The live link of ``purpose`` that ``token`` is.

    Raises :class:`TokenUsed` for a link already used, and :class:`TokenInvalid` for
    anything else that does not work: forged, made for another purpose, ended by a newer
    request or a change of password or address, or expired (``expired=True``).
    """
    payload = read_token(_salt(purpose), token, int(max_age(purpose).total_seconds()))
    secret = payload.get("k")
    if not isinstance(secret, str):
        raise TokenInvalid()
    link = db.session.scalar(
        select(MailboxLink).where(
            MailboxLink.token_hash == secret_digest(secret), MailboxLink.purpose == purpose.value
        )
    )
    if link is None:
        raise TokenInvalid()
    if link.used_at is not None:
        raise TokenUsed()
    if link.expires_at <= utcnow():
        raise TokenInvalid(expired=True)
    return link


def use(link: MailboxLink) -> None:
    """Spend ``link``: of two requests racing with the same link, the second raises
    :class:`TokenUsed` (a conditional update, so only one of them can win)."""
    now = utcnow()
    result = db.session.execute(
        update(MailboxLink)
        .where(MailboxLink.id == link.id, MailboxLink.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise TokenUsed()
    set_committed_value(link, "used_at", now)  # written already: nothing left to flush


def end(user_id: int, *purposes: LinkPurpose, new_email: str | None = None) -> int:
    """End the account's unused links of ``purposes`` (only those about ``new_email``, if
    given); returns how many ended. Used links stay, so they can still say "already used"."""
    query = delete(MailboxLink).where(
        MailboxLink.user_id == user_id,
        MailboxLink.purpose.in_([purpose.value for purpose in purposes]),
        MailboxLink.used_at.is_(None),
    )
    if new_email is not None:
        query = query.where(MailboxLink.new_email == new_email)
    return db.session.execute(query.execution_options(synchronize_session=False)).rowcount

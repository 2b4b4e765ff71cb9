"""Changing a seller's email: a link to the new address, an alert to the old one, and no
change at all until the link is used (24 hours, once, for the account that asked).

Both links are secret links with a lifecycle (:mod:`portal.auth.links`): the confirmation
link ends with a newer request, a password change or reset, or the "This wasn't me" link in
the alert to the old address, which cancels the change without logging in.
"""

from __future__ import annotations

import logging

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.auth import links
from portal.auth import services as auth
from portal.auth.models import LinkPurpose, MailboxLink, User
from portal.clock import utcnow
from portal.extensions import db
from portal.links import public_url
from portal.outbox.services import queue_email
from portal.profile import reachability
from portal.profile.services import pass_on_corrections, record_change
from portal.security import TokenInvalid

log = logging.getLogger(__name__)


class SameEmail(Exception):
    """The new email address is the one the account already has."""


class EmailTaken(TokenInvalid):
    """The address was free when the change was asked for, but an account has it now."""


# Moved to auth's services, where the "check your email" pages use it too.
mask_email = auth.mask_email


def request_email_change(user: User, new_email: str) -> None:
    """Send a confirmation link to ``new_email`` and an alert, with a link that cancels the
    change, to the current address.

    Nothing changes until the link is used; an earlier request's links stop working. If the
    new address already has an account, its owner is told instead, and the caller answers
    exactly as for a free address (the alert to the current address is the same too).
    Raises :class:`SameEmail`.
    """
    new_email = auth.normalize_email(new_email)
    if new_email == user.email:
        raise SameEmail()
    hours = int(current_app.config["EMAIL_CHANGE_MAX_AGE"].total_seconds() // 3600)
    cancel = links.issue(user, LinkPurpose.EMAIL_CHANGE_CANCEL, new_email=new_email)
    queue_email(
        to=user.email,
        kind="email_change_requested",
        subject=_l("A change of email address was asked for on your Koopseri account"),
        user=user,
        new_email_masked=mask_email(new_email),
        hours=hours,
        cancel_url=public_url("profile.cancel_email_change", token=cancel),
    )
    owner = auth.find_by_email(new_email)
    if owner is not None:
        links.end(user.id, LinkPurpose.EMAIL_CHANGE)  # the newer request ends the older
        queue_email(
            to=owner.email,
            kind="email_change_existing",
            subject=_l("Someone tried to move a Koopseri account to your email address"),
            user=owner,
            login_url=public_url("auth.login"),
        )
        return
    token = links.issue(user, LinkPurpose.EMAIL_CHANGE, new_email=new_email)
    queue_email(
        to=new_email,
        kind="email_change_confirm",
        subject=_l("Confirm your new email address"),
        user=user,
        confirm_url=public_url("profile.confirm_email", token=token),
        hours=hours,
    )


def _change(token: str) -> tuple[MailboxLink, User]:
    link = links.find(LinkPurpose.EMAIL_CHANGE, token)
    if auth.find_by_email(link.new_email) is not None:
        raise EmailTaken()
    return link, db.session.get(User, link.user_id)


def email_change_target(token: str) -> tuple[User, str]:
    """The account and new address of a change link; raises ``TokenInvalid`` (or a subclass:
    ``TokenUsed`` once it was used, :class:`EmailTaken` if the address is taken)."""
    link, user = _change(token)
    return user, link.new_email


def confirm_email_change(token: str) -> User:
    """Move the account to the new address; the old address is told once, and only then.

    Every link still out at the old address ends: it no longer proves the account's mailbox.
    Raises as :func:`email_change_target`.
    """
    link, user = _change(token)
    links.use(link)
    old_email, new_email = user.email, link.new_email
    record_change(user, user, "email", old_email, new_email)
    user.email = new_email
    user.email_verified_at = utcnow()  # the link reached the new address
    links.end(user.id, *LinkPurpose)
    reachability.new_address(user)
    db.session.flush()
    pass_on_corrections(user, ["email"])
    queue_email(
        to=old_email,
        kind="email_changed",
        subject=_l("The email address of your Koopseri account was changed"),
        user=user,
        new_email_masked=mask_email(new_email),
    )
    return user


def cancel_offer(token: str) -> str:
    """The new address (masked) that a cancel link would stop; raises as
    :func:`portal.auth.links.find` (``TokenUsed`` once the link was used)."""
    return mask_email(links.find(LinkPurpose.EMAIL_CHANGE_CANCEL, token).new_email)


def cancel_email_change(token: str) -> bool:
    """Answer "This wasn't me": the change the link's alert was about can no longer happen.

    Needs no log-in: the link proves the current mailbox. The owner is sent a notice of the
    cancellation (so it is recorded in their notices) that suggests a new password. Returns
    whether a change was still pending (False if it had ended already: nothing to stop).
    Raises as :func:`cancel_offer`.
    """
    link = links.find(LinkPurpose.EMAIL_CHANGE_CANCEL, token)
    links.use(link)
    user = db.session.get(User, link.user_id)
    pending = links.end(user.id, LinkPurpose.EMAIL_CHANGE, new_email=link.new_email) > 0
    queue_email(
        to=user.email,
        kind="email_change_cancelled",
        subject=_l("The change of email address of your Koopseri account was cancelled"),
        user=user,
        new_email_masked=mask_email(link.new_email),
        reset_url=public_url("auth.reset_request"),
    )
    log.info("email change cancelled user=%s pending=%s", user.id, pending)
    return pending

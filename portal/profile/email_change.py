"""Changing a seller's email: a link to the new address, an alert to the old one, and no
change at all until the link is used (24 hours, once, for the account that asked)."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.auth import services as auth
from portal.auth.models import User
from portal.extensions import db
from portal.links import public_url
from portal.outbox import reachability
from portal.outbox.services import queue_email
from portal.profile.services import record_change
from portal.security import TokenInvalid, fingerprint, make_token, read_token
from portal.sqltypes import utcnow


class SameEmail(Exception):
    """The new email address is the one the account already has."""


class EmailTaken(TokenInvalid):
    """The address was free when the change was asked for, but an account has it now."""


def mask_email(address: str) -> str:
    """``aisyah@example.com`` → ``a•••••@example.com``: enough to recognise, not to harvest."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}{'•' * max(len(local) - 1, 1)}@{domain}"


def request_email_change(user: User, new_email: str) -> None:
    """Send a confirmation link to ``new_email`` and an alert to the current address.

    Nothing changes until the link is used. If the new address already has an account, its
    owner is told instead, and the caller answers exactly as for a free address.
    Raises :class:`SameEmail`.
    """
    new_email = auth.normalize_email(new_email)
    if new_email == user.email:
        raise SameEmail()
    hours = int(current_app.config["EMAIL_CHANGE_MAX_AGE"].total_seconds() // 3600)
    queue_email(
        to=user.email,
        kind="email_change_requested",
        subject=_l("A change of email address was asked for on your Koopseri account"),
        user=user,
        new_email_masked=mask_email(new_email),
        hours=hours,
    )
    owner = auth.find_by_email(new_email)
    if owner is not None:
        queue_email(
            to=owner.email,
            kind="email_change_existing",
            subject=_l("Someone tried to move a Koopseri account to your email address"),
            user=owner,
            login_url=public_url("auth.login"),
        )
        return
    token = make_token(
        "email-change", {"u": user.id, "n": new_email, "e": fingerprint("email-change", user.email)}
    )
    queue_email(
        to=new_email,
        kind="email_change_confirm",
        subject=_l("Confirm your new email address"),
        user=user,
        confirm_url=public_url("profile.confirm_email", token=token),
        hours=hours,
    )


def email_change_target(token: str) -> tuple[User, str]:
    """The account and new address of a change link; raises ``TokenInvalid`` (or a subclass:
    ``TokenUsed`` once the email has changed, :class:`EmailTaken` if the address is taken)."""
    max_age = current_app.config["EMAIL_CHANGE_MAX_AGE"]
    payload = read_token("email-change", token, int(max_age.total_seconds()))
    user = db.session.get(User, payload.get("u"))
    new_email = payload.get("n")
    if user is None or not isinstance(new_email, str):
        raise TokenInvalid()
    if payload.get("e") != fingerprint("email-change", user.email):
        raise auth.TokenUsed()
    if auth.find_by_email(new_email) is not None:
        raise EmailTaken()
    return user, new_email


def confirm_email_change(token: str) -> User:
    """Move the account to the new address; the old address is told once, and only then."""
    user, new_email = email_change_target(token)
    old_email = user.email
    record_change(user, user, "email", old_email, new_email)
    user.email = new_email
    user.email_verified_at = utcnow()  # the link reached the new address
    reachability.new_address(user)
    db.session.flush()
    queue_email(
        to=old_email,
        kind="email_changed",
        subject=_l("The email address of your Koopseri account was changed"),
        user=user,
        new_email_masked=mask_email(new_email),
    )
    return user

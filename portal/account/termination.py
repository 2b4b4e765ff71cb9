"""Ending a seller account, and taking it back before its data is deleted.

"Upon termination of account, we will retain your personal information for 3 more months
before we delete and remove everything." Terminating takes effect at once: every session
ends, sharing stops (the sharing service serves active accounts only), and logging in
shows only the deletion date, and the way back when the seller closed it themselves: an
account staff closed, only an admin reopens (:mod:`portal.auth.states`). The retention job erases the account once
``deletion_due_at`` has passed, and emails a reminder a week before.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete

from portal.account import age_check
from portal.auth import links, states
from portal.auth.models import LinkPurpose, LoginSession, User
from portal.auth.states import AccountStatus, Transition
from portal.clock import add_months, utcnow, zone_named
from portal.extensions import db
from portal.outbox.services import queue_email

KEEP_AFTER_TERMINATION_MONTHS = 3
REMINDER_BEFORE = timedelta(days=7)


class TooLate(Exception):
    """The deletion date has passed: there is nothing left to reactivate."""


def zone_of(user: User) -> ZoneInfo:
    return zone_named(user.timezone)


def deletion_due(terminated_at: datetime, zone: ZoneInfo) -> datetime:
    """When the data goes: three calendar months after termination, counted on the seller's
    own calendar, as UTC."""
    local = terminated_at.astimezone(zone)
    return add_months(local, KEEP_AFTER_TERMINATION_MONTHS).astimezone(terminated_at.tzinfo)


def deletion_day(user: User) -> date | None:
    """The deletion date as the seller reads it, in their time zone."""
    if user.deletion_due_at is None:
        return None
    return user.deletion_due_at.astimezone(zone_of(user)).date()


def terminate(user: User, *, actor: User, reason: str | None = None) -> None:
    """Close ``user``'s account now; flushes, the caller commits.

    ``actor`` is the seller themself (who may reopen it until the deletion date) or an admin,
    who gives a reason: then only an admin reopens it. An account its seller closed keeps
    its deletion date when an admin closes it too. Raises
    :class:`portal.auth.states.TransitionRefused` (a frozen seller may not close their
    account; only admins close someone else's).
    """
    by_staff = actor.id != user.id
    already_closed = user.status == AccountStatus.CLOSED_BY_SELLER
    states.apply(
        user,
        Transition.TERMINATE if by_staff else Transition.CLOSE,
        actor=actor,
        reason=reason,
    )
    if not already_closed:
        now = utcnow()
        user.terminated_at = now
        user.deletion_due_at = deletion_due(now, zone_of(user))
        user.deletion_reminded_at = None
        db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
        # A closed account changes nothing more: a link still waiting in a mailbox (a new
        # address, a reset) must not act on it. Reactivating does not bring them back.
        links.end(user.id, *LinkPurpose)
    queue_email(
        to=user.email,
        kind="account_terminated",
        subject=_l("Your seller account is closed"),
        user=user,
        deletion_day=deletion_day(user),
        by_staff=by_staff,
    )
    db.session.flush()


def reactivate(user: User) -> None:
    """The seller takes back an account they closed, before its deletion date; flushes.

    Raises :class:`TooLate`, or :class:`portal.auth.states.TransitionRefused` for an account
    the seller did not close themselves (what staff closed, only staff reopen).
    """
    if not states.allowed(user.status, Transition.REACTIVATE, states.actor_of(user, user)):
        raise states.NotFromThisState(Transition.REACTIVATE, user.status, states.Actor.SELLER)
    if utcnow() >= user.deletion_due_at:
        raise TooLate(user.id)
    states.apply(user, Transition.REACTIVATE, actor=user)
    _reopened(user, by_staff=False)


def reopen(user: User, *, staff: User, reason: str) -> None:
    """An admin reopens an account staff closed, with a reason; the seller is emailed, and
    an erasure proposal waiting for the account is withdrawn. Flushes only. Raises
    :class:`TooLate` or :class:`portal.auth.states.TransitionRefused`."""
    if user.deletion_due_at is not None and utcnow() >= user.deletion_due_at:
        raise TooLate(user.id)
    states.apply(user, Transition.REOPEN, actor=staff, reason=reason)
    age_check.withdraw(user.id, staff, reason)
    _reopened(user, by_staff=True)


def _reopened(user: User, *, by_staff: bool) -> None:
    user.terminated_at = None
    user.deletion_due_at = None
    user.deletion_reminded_at = None
    queue_email(
        to=user.email,
        kind="account_reactivated",
        subject=_l("Your seller account is open again"),
        user=user,
        by_staff=by_staff,
    )
    db.session.flush()


def send_reminder(user: User) -> None:
    """The email a week before deletion, once."""
    user.deletion_reminded_at = utcnow()
    queue_email(
        to=user.email,
        kind="deletion_reminder",
        subject=_l("Your data will be deleted in a week"),
        user=user,
        deletion_day=deletion_day(user),
    )

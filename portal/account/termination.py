"""Ending a seller account, and taking it back before its data is deleted.

"Upon termination of account, we will retain your personal information for 3 more months
before we delete and remove everything." Terminating takes effect at once: every session
ends, sharing stops (the sharing service serves active accounts only), and logging in
shows only the deletion date and the way back. The retention job erases the account once
``deletion_due_at`` has passed, and emails a reminder a week before.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete

from portal.audit.services import record as audit
from portal.auth.models import AccountStatus, LoginSession, User
from portal.extensions import db
from portal.outbox.services import queue_email
from portal.sqltypes import utcnow

KEEP_AFTER_TERMINATION_MONTHS = 3
REMINDER_BEFORE = timedelta(days=7)


class NotTerminated(Exception):
    pass


class TooLate(Exception):
    """The deletion date has passed: there is nothing left to reactivate."""


def add_months(moment: datetime, months: int) -> datetime:
    """The same wall-clock time ``months`` calendar months later; a day the month lacks
    becomes its last day (30 November + 3 months is 28 or 29 February)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def zone_of(user: User) -> ZoneInfo:
    return ZoneInfo(user.timezone or current_app.config["BABEL_DEFAULT_TIMEZONE"])


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
    """Terminate ``user``'s account now; flushes, the caller commits.

    ``actor`` is the seller themself or a member of staff; staff give a reason, and the act
    goes into the audit trail.
    """
    now = utcnow()
    user.status = AccountStatus.TERMINATED
    user.terminated_at = now
    user.deletion_due_at = deletion_due(now, zone_of(user))
    user.deletion_reminded_at = None
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    if actor.id != user.id:
        audit(actor, "account.terminate", "user", user.id, reason)
    queue_email(
        to=user.email,
        kind="account_terminated",
        subject=_l("Your seller account is closed"),
        user=user,
        deletion_day=deletion_day(user),
        by_staff=actor.id != user.id,
    )
    db.session.flush()


def reactivate(user: User) -> None:
    """Take the account back before its deletion date; flushes, the caller commits."""
    if user.status != AccountStatus.TERMINATED:
        raise NotTerminated(user.id)
    if utcnow() >= user.deletion_due_at:
        raise TooLate(user.id)
    user.status = AccountStatus.ACTIVE
    user.terminated_at = None
    user.deletion_due_at = None
    user.deletion_reminded_at = None
    queue_email(
        to=user.email,
        kind="account_reactivated",
        subject=_l("Your seller account is open again"),
        user=user,
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

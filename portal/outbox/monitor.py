"""The operator's view of the outbox: how much is in each state, what failed, and a retry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from portal.clock import utcnow
from portal.extensions import db
from portal.outbox.models import MessageStatus, OutboxMessage
from portal.pagination import Page, paginate
from portal.sqltypes import as_utc


@dataclass(frozen=True)
class Counts:
    due: int  # pending, to be sent now
    waiting: int  # pending, backing off after a temporary failure
    sent: int
    failed: int


def counts() -> Counts:
    now = utcnow()
    waiting = (OutboxMessage.status == MessageStatus.PENDING) & (
        OutboxMessage.next_attempt_at > now
    )
    rows = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    backing_off = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(waiting))
    pending = rows.get(MessageStatus.PENDING, 0)
    return Counts(
        due=pending - backing_off,
        waiting=backing_off,
        sent=rows.get(MessageStatus.SENT, 0),
        failed=rows.get(MessageStatus.FAILED, 0),
    )


def oldest_due() -> datetime | None:
    """When the longest-waiting message that is due now was written (None: nothing is due),
    for the metrics: a queue that only grows older means no worker is sending."""
    now = utcnow()
    is_due = (OutboxMessage.status == MessageStatus.PENDING) & (
        OutboxMessage.next_attempt_at.is_(None) | (OutboxMessage.next_attempt_at <= now)
    )
    return as_utc(db.session.scalar(select(func.min(OutboxMessage.created_at)).where(is_due)))


def failed(page: int = 1, per_page: int = 50) -> Page:
    """A page of failed messages, newest first."""
    return paginate(
        select(OutboxMessage)
        .where(OutboxMessage.status == MessageStatus.FAILED)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()),
        page,
        per_page,
    )


def retry(message_id: int) -> bool:
    """Put a failed message back in the queue, due now, with a fresh count of attempts.

    False if it is not failed (already retried, or sent). Flushes only.
    """
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == MessageStatus.FAILED)
        .values(status=MessageStatus.PENDING, attempts=0, next_attempt_at=None),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount == 1

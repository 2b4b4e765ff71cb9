"""The operator's view of the outbox: how much is in each state, what failed, and a retry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, literal_column, select, update

from portal.clock import utcnow
from portal.extensions import db
from portal.outbox.models import MessageStatus, OutboxMessage
from portal.pagination import Page, paginate
from portal.sqltypes import as_utc

SENT_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Counts:
    due: int  # pending, to be sent now
    waiting: int  # pending, backing off after a temporary failure
    sent: int  # in the last SENT_WINDOW
    failed: int


def counts() -> Counts:
    """The outbox's figures in one round trip, each read through an index of its own rows
    (pending, failed, sent since a day ago): never a count of every message ever written,
    which grows with every email until the retention run removes it (bench/pages_at_scale.py
    measured that at 8.75x from 1,000 to 100,000 sellers)."""
    now = utcnow()
    # Written out, not bound: the planner matches it to the partial index of pending rows.
    pending = OutboxMessage.status == literal_column("'pending'")
    backing_off = pending & (OutboxMessage.next_attempt_at > now)

    def number(condition):
        return select(func.count()).select_from(OutboxMessage).where(condition).scalar_subquery()

    row = db.session.execute(
        select(
            number(pending),
            number(backing_off),
            number(OutboxMessage.sent_at >= now - SENT_WINDOW),
            number(OutboxMessage.status == MessageStatus.FAILED),
        )
    ).one()
    all_pending, waiting, sent, failed = row
    return Counts(due=all_pending - waiting, waiting=waiting, sent=sent, failed=failed)


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

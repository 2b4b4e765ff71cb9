"""Sending outbox rows: claim a batch, send it over one connection, record each outcome.

Both senders use this: the hand-over right after a commit (:func:`deliver`, for the rows
that commit wrote) and the worker (:func:`work`, for everything due). A row is claimed
before it is sent, in its own short transaction, so that any number of senders on any
number of hosts never send one row twice: on PostgreSQL with ``FOR UPDATE SKIP LOCKED``
(concurrent claimers pass over each other's rows), on SQLite with one conditional UPDATE
(SQLite runs one writer at a time, and the UPDATE re-checks that each row is free). A claim
lasts ``OUTBOX_CLAIM_TIMEOUT``; a sender that dies mid-batch leaves rows that become
claimable again.

Failures: a refused recipient or message (SMTP 5xx) fails at once, and the outbox signals
it (:mod:`portal.outbox.signals`: the seller's profile counts it against their
reachability, and a delivery clears the count); a temporary one (4xx, connection refused, timeout) is retried after
an exponentially growing, jittered delay, until ``OUTBOX_MAX_ATTEMPTS``.
"""

from __future__ import annotations

import logging
import random
import smtplib
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, literal_column, or_, select, update

from portal.clock import utcnow
from portal.extensions import db
from portal.outbox import signals
from portal.outbox.models import MessageStatus, OutboxMessage
from portal.outbox.transports import transport_for

log = logging.getLogger(__name__)


@dataclass
class Tally:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def add(self, other: Tally) -> None:
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed


# --- claiming -----------------------------------------------------------------------------------


def _claimable(now: datetime):
    return and_(
        # Written out, not bound: the planner matches it to the partial index of pending
        # rows even in a prepared statement's generic plan.
        OutboxMessage.status == literal_column("'pending'"),
        or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
    )


def claim(limit: int, *, ids: Iterable[int] | None = None, now: datetime | None = None):
    """Claim up to ``limit`` due messages (only among ``ids`` if given) and commit the claim.

    Returns the claimed rows, oldest first. Rows claimed by another sender, not yet due,
    or no longer pending are passed over.
    """
    now = now or utcnow()
    token = uuid.uuid4().hex
    condition = _claimable(now)
    if ids is not None:
        condition = and_(condition, OutboxMessage.id.in_(list(ids)))
    mark = {"claim_token": token, "claimed_until": now + current_app.config["OUTBOX_CLAIM_TIMEOUT"]}
    oldest = select(OutboxMessage.id).where(condition).order_by(OutboxMessage.id).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        chosen = db.session.scalars(oldest.with_for_update(skip_locked=True)).all()
        if chosen:
            db.session.execute(
                update(OutboxMessage).where(OutboxMessage.id.in_(chosen)).values(mark),
                execution_options={"synchronize_session": False},
            )
    else:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(oldest.scalar_subquery()), condition)
            .values(mark),
            execution_options={"synchronize_session": False},
        )
    db.session.commit()
    rows = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.claim_token == token).order_by(OutboxMessage.id)
    ).all()
    envelopes = [Envelope.of(row) for row in rows]
    db.session.expunge_all()  # outcomes are written by UPDATE; memory stays flat
    # End the read's transaction: a worker must not sit "idle in transaction" while it
    # connects to SMTP or waits for the next poll (it would hold up schema changes).
    db.session.commit()
    return envelopes


@dataclass(frozen=True)
class Envelope:
    """What a transport needs of a claimed row, detached from the session."""

    id: int
    user_id: int | None
    recipient: str
    subject: str
    body_text: str
    body_html: str
    message_id: str
    created_at: datetime
    attempts: int

    @classmethod
    def of(cls, row: OutboxMessage) -> Envelope:
        return cls(
            row.id, row.user_id, row.recipient, row.subject, row.body_text, row.body_html,
            row.message_id, row.created_at, row.attempts,
        )  # fmt: skip


# --- sending ------------------------------------------------------------------------------------


class _Kind:
    PERMANENT = "permanent"  # this message can never be delivered as it is
    TEMPORARY = "temporary"  # this message may go later; the connection is still good
    CONNECTION = "connection"  # nothing more can go over this connection now


def classify(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return _Kind.PERMANENT if codes and all(c >= 500 for c in codes) else _Kind.TEMPORARY
    if isinstance(exc, smtplib.SMTPSenderRefused | smtplib.SMTPAuthenticationError):
        return _Kind.CONNECTION  # our own configuration: no recipient is to blame
    if isinstance(exc, smtplib.SMTPResponseException):
        return _Kind.PERMANENT if exc.smtp_code >= 500 else _Kind.TEMPORARY
    if isinstance(exc, smtplib.SMTPServerDisconnected | OSError):
        return _Kind.CONNECTION
    return _Kind.TEMPORARY


def describe(exc: Exception) -> str:
    """The error's class and SMTP code: enough to diagnose, and never an address."""
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code = next(iter(c for c, _ in exc.recipients.values()), None)
    return f"{type(exc).__name__}{f' {code}' if code else ''}"[:255]


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff with "equal jitter": half the delay fixed, half random."""
    config = current_app.config
    delay = min(config["OUTBOX_RETRY_MAX"], config["OUTBOX_RETRY_BASE"] * 2 ** (attempts - 1))
    return delay / 2 + delay / 2 * random.random()


def send_claimed(
    messages: list[Envelope], now: datetime | None = None, stop: threading.Event | None = None
) -> Tally:
    """Send claimed messages over one connection; each outcome is committed on its own, so
    a crash mid-batch never forgets that a message went.

    Once ``stop`` is set, the message being sent is finished and the rest are released at
    once: finishing a whole batch (a hundred messages, each allowed ``MAIL_TIMEOUT``) could
    outlast the time the service manager waits before it kills the process, and a kill
    would leave the rows claimed, and a message that went perhaps unrecorded.
    """
    now = now or utcnow()
    tally, done = Tally(), set()
    try:
        with transport_for(current_app) as transport:
            for message in messages:
                if stop is not None and stop.is_set():
                    break
                try:
                    transport.send(message)
                except Exception as exc:
                    kind = classify(exc)
                    if kind == _Kind.PERMANENT:
                        _failed(message, exc, now, tally)
                    else:
                        _retry(message, exc, now, tally)
                    done.add(message.id)
                    if kind == _Kind.CONNECTION:
                        break
                    continue
                _sent(message, now, tally)
                done.add(message.id)
    except Exception as exc:  # the connection could not be opened (or broke on closing)
        db.session.rollback()
        left = [m for m in messages if m.id not in done]
        for message in left:
            _retry(message, exc, now, tally)
            done.add(message.id)
        if left:
            log.warning(
                "outbox transport unavailable messages=%d error=%s", len(left), describe(exc)
            )
    _release([m.id for m in messages if m.id not in done])  # cut short: connection or stop
    return tally


def _record(message: Envelope, **values) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id)
        .values(attempts=message.attempts + 1, claim_token=None, claimed_until=None, **values),
        execution_options={"synchronize_session": False},
    )


def _sent(message: Envelope, now: datetime, tally: Tally) -> None:
    _record(message, status=MessageStatus.SENT, sent_at=now, last_error=None, next_attempt_at=None)
    if message.user_id is not None:
        signals.delivered.send(current_app._get_current_object(), user_id=message.user_id)
    db.session.commit()
    tally.sent += 1
    log.info("outbox sent message=%s", message.id)


def _retry(message: Envelope, exc: Exception, now: datetime, tally: Tally) -> None:
    attempts, error = message.attempts + 1, describe(exc)
    if attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        _record(message, status=MessageStatus.FAILED, last_error=error, next_attempt_at=None)
        tally.failed += 1
    else:
        _record(message, last_error=error, next_attempt_at=now + retry_delay(attempts))
        tally.retrying += 1
    db.session.commit()
    log.warning("outbox will retry message=%s attempts=%d error=%s", message.id, attempts, error)


def _failed(message: Envelope, exc: Exception, now: datetime, tally: Tally) -> None:
    error = describe(exc)
    _record(message, status=MessageStatus.FAILED, last_error=error, next_attempt_at=None)
    if message.user_id is not None:
        signals.refused.send(current_app._get_current_object(), user_id=message.user_id, now=now)
    db.session.commit()
    tally.failed += 1
    log.warning("outbox refused message=%s error=%s", message.id, error)


def _release(ids: list[int]) -> None:
    if ids:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.status == MessageStatus.PENDING)
            .values(claim_token=None, claimed_until=None),
            execution_options={"synchronize_session": False},
        )
        db.session.commit()


# --- the two senders ----------------------------------------------------------------------------


def deliver(ids: Iterable[int]) -> int:
    """Hand over the given messages now (after the commit that wrote them); returns how
    many were sent. What fails stays for the worker."""
    ids = list(ids)
    if not ids:
        return 0
    messages = claim(len(ids), ids=ids)
    return send_claimed(messages).sent if messages else 0


def work(
    *, once: bool, batch_size: int, interval: float, stop: threading.Event | None = None, now=None
) -> Tally:
    """Send every due message, batch by batch. With ``once``, stop when none is due;
    otherwise wait ``interval`` seconds and look again, until ``stop`` is set (then the
    message being sent is finished and the rest of its batch released)."""
    stop = stop or threading.Event()
    total = Tally()
    while not stop.is_set():
        messages = claim(batch_size, now=now)
        if messages:
            total.add(send_claimed(messages, now=now, stop=stop))
            continue
        if once:
            break
        stop.wait(interval)
    return total

"""Writing email into the outbox, handing committed messages to a transport, and reading an
account's mail back.

Mail is written in the same transaction as the change that causes it (:func:`queue_email`),
and handed over only after that transaction commits: after the response is sent for a web
request, at the end of the app context for a CLI command. A failed hand-over leaves the row
pending for the worker; a rolled-back transaction never sends anything.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app, render_template
from sqlalchemy import ColumnElement, Row, Select, delete, event, func, insert, select, update
from sqlalchemy.orm import Session, defer

from portal.clock import utcnow
from portal.deferred import after_response
from portal.extensions import db
from portal.i18n import speaking_to
from portal.links import public_url
from portal.outbox import transports, worker
from portal.outbox.models import MessageStatus, OutboxMessage

log = logging.getLogger(__name__)

_NEW = "outbox_new"  # ids flushed in the open transaction
_COMMITTED = "outbox_committed"  # ids whose transaction committed, not yet handed over


def queue_email(
    *,
    to: str,
    kind: str,
    subject,
    user=None,
    locale: str | None = None,
    **context,
) -> OutboxMessage:
    """Render ``templates/email/<kind>.txt`` and ``.html`` and add the message to the session.

    ``subject`` may be a lazy string: it is evaluated in the recipient's language, like the
    bodies, and dates are shown in the recipient's time zone. Flushes, but does not commit:
    the caller's commit decides whether it is sent.
    """
    locale = locale or (user.locale if user is not None else None)
    with speaking_to(locale, user.timezone if user is not None else None):
        context.update(user=user, recipient=to)
        text, html = render_email(kind, subject, **context)
        message = OutboxMessage(
            user_id=user.id if user is not None else None,
            recipient=to,
            kind=kind,
            subject=str(subject),
            body_text=text,
            body_html=html,
            message_id=f"<{uuid.uuid4().hex}@{current_app.config['MAIL_MESSAGE_ID_DOMAIN']}>",
        )
    db.session.add(message)
    db.session.flush()
    db.session.info.setdefault(_NEW, []).append(message.id)
    log.info("outbox queued message=%s kind=%s", message.id, kind)
    return message


@dataclass(frozen=True)
class Letter:
    """One already-rendered email of a bulk mailing (:func:`queue_many`).

    ``key`` names it for good (``policy-3-42``: version 3, account 42); it becomes the
    Message-ID, which the outbox keeps unique, so queuing the same letter twice adds it once.
    """

    user_id: int | None
    to: str
    subject: str
    body_text: str
    body_html: str
    key: str
    # Demo data only (``flask demo load --sellers``): mail recorded as written and sent at
    # that time, as a seller who joined then would have had it; never sent again.
    sent_at: datetime | None = None


def queue_many(kind: str, letters: Iterable[Letter]) -> int:
    """Add many rendered emails at once, skipping any the outbox already holds (by ``key``).

    For mail to every seller: one SELECT of the keys already there and one bulk INSERT, with
    no object per message. Unlike :func:`queue_email`, nothing is handed over after the
    commit: the worker sends bulk mail. Flushes only; returns how many were added.
    """
    domain = current_app.config["MAIL_MESSAGE_ID_DOMAIN"]
    rows = {f"<{letter.key}@{domain}>": letter for letter in letters}
    if not rows:
        return 0
    present = set(
        db.session.scalars(
            select(OutboxMessage.message_id).where(OutboxMessage.message_id.in_(list(rows)))
        )
    )
    now = utcnow()
    new = [
        {
            "user_id": letter.user_id,
            "recipient": letter.to,
            "kind": kind,
            "subject": letter.subject,
            "body_text": letter.body_text,
            "body_html": letter.body_html,
            "message_id": message_id,
            "created_at": letter.sent_at or now,
            "status": MessageStatus.PENDING if letter.sent_at is None else MessageStatus.SENT,
            "sent_at": letter.sent_at,
            "attempts": 0 if letter.sent_at is None else 1,
        }
        for message_id, letter in rows.items()
        if message_id not in present
    ]
    if new:
        db.session.execute(insert(OutboxMessage), new)
    return len(new)


def render_email(kind: str, subject, **context) -> tuple[str, str]:
    """The text and HTML bodies of ``templates/email/<kind>``, in the current language.

    ``url_for`` in the templates (and in the partials they include or extend) is
    :func:`portal.links.public_url`: every link starts with ``PUBLIC_URL``, whether the mail
    is written during a request (whatever its ``Host``), by the worker or by a CLI command.
    """
    context["url_for"] = public_url
    text = render_template(f"email/{kind}.txt", **context)
    html = render_template(f"email/{kind}.html", subject=str(subject), **context)
    return text, html


# --- one account's mail, read back (the notification centre) ----------------------------------


def _mail_of(user_id: int):
    # The HTML part is never shown, so never loaded; touching it by mistake raises.
    return (
        select(OutboxMessage)
        .where(OutboxMessage.user_id == user_id)
        .options(defer(OutboxMessage.body_html, raiseload=True))
    )


def _count_of(user_id, *, unread: bool) -> Select:
    condition = OutboxMessage.user_id == user_id
    if unread:
        condition = condition & OutboxMessage.read_at.is_(None)
    return select(func.count()).select_from(OutboxMessage).where(condition)


def count_for(user_id: int, *, unread: bool = False) -> int:
    """How many messages were written for the account (only those unread, with ``unread``):
    one COUNT over the (user_id, …) index."""
    return db.session.scalar(_count_of(user_id, unread=unread))


def mail_for(user_id: int, *, offset: int, limit: int) -> list[OutboxMessage]:
    """The account's messages, newest first, without their HTML part."""
    return list(
        db.session.scalars(
            _mail_of(user_id)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
            .offset(offset)
            .limit(limit)
        )
    )


def message_for(user_id: int, message_id: int) -> OutboxMessage | None:
    """Message ``message_id`` if it was written for the account (None for anyone else's)."""
    return db.session.scalar(_mail_of(user_id).where(OutboxMessage.id == message_id))


def mark_read(user_id: int, now: datetime, *, message_id: int | None = None) -> int:
    """Mark the account's unread messages read (only ``message_id``, if given), in one
    statement; returns how many. Flushes only."""
    condition = (OutboxMessage.user_id == user_id) & OutboxMessage.read_at.is_(None)
    if message_id is not None:
        condition = condition & (OutboxMessage.id == message_id)
    result = db.session.execute(update(OutboxMessage).where(condition).values(read_at=now))
    return result.rowcount


def deliver(ids: list[int]) -> int:
    """Hand the given messages over now (:func:`portal.outbox.worker.deliver`)."""
    return worker.deliver(ids)


def take_committed() -> list[int]:
    """Ids of messages whose transaction committed since the last call (and forget them)."""
    return db.session.info.pop(_COMMITTED, [])


def init_app(app: Flask) -> None:
    """Hand over committed mail after each request (post-response) and each CLI context.

    Needs ``portal.deferred`` registered first: Flask runs after-request hooks in reverse
    order, so the deferred tasks are collected after this hook has added the hand-over.
    Registers Flask-Mail with the portal's ``MAIL_*`` settings.
    """
    transports.configure(app)

    @app.after_request
    def _schedule_handover(response):
        ids = take_committed()
        if ids and app.config["MAIL_HANDOVER_AFTER_COMMIT"]:
            # A crash there is logged and leaves the rows pending; the response is unharmed.
            after_response(deliver, ids)
        return response

    @app.teardown_appcontext
    def _handover_outside_requests(exc):
        # Registered after Flask-SQLAlchemy, so this runs before its session is removed.
        ids = take_committed()
        if ids and exc is None and app.config["MAIL_HANDOVER_AFTER_COMMIT"]:
            deliver(ids)


@event.listens_for(Session, "after_commit")
def _mark_committed(session: Session) -> None:
    new = session.info.pop(_NEW, None)
    if new:
        session.info.setdefault(_COMMITTED, []).extend(new)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_NEW, None)


def sent_to(user_id: int, *, limit: int) -> tuple[list[Row], bool]:
    """The newest ``limit`` emails written for the seller, as staff see them: subject, when
    written, delivery status and when sent (never a body); and whether older ones exist."""
    rows = db.session.execute(
        select(
            OutboxMessage.subject,
            OutboxMessage.created_at,
            OutboxMessage.status,
            OutboxMessage.sent_at,
        )
        .where(OutboxMessage.user_id == user_id)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(limit + 1)
    ).all()
    return rows[:limit], len(rows) > limit


def delete_finished_before(cutoff: datetime, *, to_sellers: bool, dry_run: bool = False) -> int:
    """The retention rule for mail: messages sent or given up on before ``cutoff`` go, those
    to sellers' accounts (``to_sellers``) or those to other addresses (reporters, staff).
    Mail still waiting to be sent is kept. Returns how many went (or would, in a dry run);
    executes, the caller commits."""
    conditions = (
        OutboxMessage.user_id.is_not(None) if to_sellers else OutboxMessage.user_id.is_(None),
        OutboxMessage.status.in_((MessageStatus.SENT, MessageStatus.FAILED)),
        OutboxMessage.created_at < cutoff,
    )
    if dry_run:
        return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(*conditions))
    return db.session.execute(delete(OutboxMessage).where(*conditions)).rowcount


def unread_column(user_id) -> ColumnElement[int]:
    """How many of the account's messages are unread, as a SQL expression over ``user_id``
    (a value or a column), so a caller can ask it inside its own statement."""
    return _count_of(user_id, unread=True).scalar_subquery()

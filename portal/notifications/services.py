"""Reading the outbox back as the seller's notices: pages, unread counts, safe bodies.

The outbox keeps every email written for a seller (``user_id``); these functions show a
seller only their own rows. Bodies are shown from the plain-text part, never the HTML, and
a link that proves access to the mailbox is never shown at all
(:func:`portal.outbox.redaction.redact_secret_links`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement

from portal.clock import utcnow
from portal.outbox import kinds
from portal.outbox import services as outbox
from portal.outbox.redaction import redact_secret_links

PAGE_SIZE = 20


class NotFound(Exception):
    """No such message for this seller: it does not exist or belongs to someone else."""


@dataclass(frozen=True)
class Notice:
    """One message as the centre shows it."""

    message: outbox.OutboxMessage  # read-only here: the outbox's row
    body: str  # plain text, secret links replaced
    links_hidden: bool

    @property
    def category(self) -> kinds.Category:
        return kinds.category(self.message.kind)

    @property
    def unread(self) -> bool:
        return self.message.read_at is None


@dataclass(frozen=True)
class Page:
    notices: list[Notice]
    page: int
    pages: int
    total: int

    @property
    def has_older(self) -> bool:
        return self.page < self.pages


def shown_body(message) -> tuple[str, bool]:
    """The plain-text body to show, and whether links were taken out of it.

    A verification, reset or email-change link proves that its holder reads the mailbox;
    shown here, it would let anyone holding the session prove it without the mailbox.
    """
    body = redact_secret_links(message.body_text)
    return body, body != message.body_text


def _notice(message) -> Notice:
    body, hidden = shown_body(message)
    return Notice(message=message, body=body, links_hidden=hidden)


def page_of(user_id: int, *, page: int = 1, per_page: int = PAGE_SIZE) -> Page:
    """One page of the seller's messages, newest first; a page past the end shows the last.

    Two queries whatever the number of messages: the count, then the page.
    """
    total = outbox.count_for(user_id)
    if not total:
        return Page(notices=[], page=1, pages=1, total=0)
    pages = math.ceil(total / per_page)
    page = min(max(page, 1), pages)
    messages = outbox.mail_for(user_id, offset=(page - 1) * per_page, limit=per_page)
    return Page(notices=[_notice(m) for m in messages], page=page, pages=pages, total=total)


def open_message(
    user_id: int, message_id: int, *, now: datetime | None = None
) -> tuple[Notice, int]:
    """The seller's message ``message_id``, marked read if it was not, and how many were
    marked (0 or 1: what the unread count went down by). Flushes.

    Raises :class:`NotFound` for a message that is not this seller's, exactly as for one
    that does not exist, so an id reveals nothing.
    """
    message = outbox.message_for(user_id, message_id)
    if message is None:
        raise NotFound()
    marked = 0
    if message.read_at is None:
        marked = outbox.mark_read(user_id, now or utcnow(), message_id=message_id)
    return _notice(message), marked


def mark_all_read(user_id: int, *, now: datetime | None = None) -> int:
    """Mark every unread message of the seller read, in one statement; returns how many."""
    return outbox.mark_read(user_id, now or utcnow())


def unread_count(user_id: int) -> int:
    """How many of the seller's messages are unread: one COUNT over the (user_id, …) index."""
    return outbox.count_for(user_id, unread=True)


def unread_count_column(user_id) -> ColumnElement[int]:
    """:func:`unread_count` as a SQL expression over ``user_id`` (a value or a column)."""
    return outbox.unread_column(user_id)

"""Sellers whom email cannot reach: counted, flagged, and reached another way by staff.

"We will mainly reach out and contact you via email… in exceptional cases where we are
unable to reach you, we may have to contact you via the contact information that you have
provided us with." Every permanently refused email, and every bounce reported later, adds
one to the seller's count; a delivered email sets it back to zero. Past
``OUTBOX_UNREACHABLE_AFTER`` in a row the seller is flagged: they see a banner asking them
to check their address, and support staff see them in a queue with their phone number and
address, where each attempt to reach them is logged. A delivery or a new address clears it.

The outbox knows nothing of sellers: it signals each delivery, refusal and reported bounce
(:mod:`portal.outbox.signals`), and this module listens from the moment the profile package
loads. The count lives in the profile's own table (:class:`SellerReachability`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from flask import current_app
from sqlalchemy import case, delete, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from portal.auth.models import Role, User
from portal.clock import utcnow
from portal.extensions import db
from portal.outbox import signals
from portal.pagination import Page, paginate
from portal.profile.models import ContactAttempt, SellerReachability
from portal.sqltypes import UTCDateTime, as_utc


class ContactChannel(StrEnum):
    PHONE = "phone"
    SMS = "sms"
    WHATSAPP = "whatsapp"
    POST = "post"


class ContactOutcome(StrEnum):
    REACHED = "reached"
    NO_ANSWER = "no_answer"
    LEFT_MESSAGE = "left_message"
    WRONG_NUMBER = "wrong_number"
    OTHER = "other"


def record_failure(user_id: int, now: datetime | None = None) -> None:
    """One more email the seller did not get; flags them once the count reaches the limit.

    One statement (an upsert), so two senders failing at once both count. Flushes only.
    """
    now = now or utcnow()
    limit = current_app.config["OUTBOX_UNREACHABLE_AFTER"]
    table = SellerReachability.__table__
    when = literal(now, UTCDateTime())
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    count = table.c.email_failures + 1
    reached = (count >= limit) & table.c.unreachable_since.is_(None)
    db.session.execute(
        dialect.insert(table)
        .values(user_id=user_id, email_failures=1, unreachable_since=now if limit <= 1 else None)
        .on_conflict_do_update(
            index_elements=[table.c.user_id],
            set_={
                "email_failures": count,
                "unreachable_since": case((reached, when), else_=table.c.unreachable_since),
            },
        )
    )


def record_delivery(user_id: int) -> None:
    """An email reached the seller: the count and the flag go. Writes only if there is any."""
    clear(user_id)


def clear(user_id: int) -> None:
    """Forget past failures, as when the seller confirms a new address. Flushes only."""
    db.session.execute(
        delete(SellerReachability).where(SellerReachability.user_id == user_id),
        execution_options={"synchronize_session": False},
    )


def new_address(user: User) -> None:
    """The seller confirmed a new address: failures of the old one no longer count."""
    clear(user.id)


def record_bounce(email: str) -> bool:
    """A bounce reported for ``email`` after it was sent; False if no account has it."""
    user_id = db.session.scalar(
        select(User.id).where(func.lower(User.email) == email.strip().lower())
    )
    if user_id is None:
        return False
    record_failure(user_id)
    return True


@dataclass(frozen=True)
class State:
    """How email fares with one account (no failures: 0 and None)."""

    email_failures: int
    unreachable_since: datetime | None


def state_of(user_id: int) -> State:
    row = db.session.get(SellerReachability, user_id)
    if row is None:
        return State(0, None)
    return State(row.email_failures, row.unreachable_since)


# --- what the outbox signals ---------------------------------------------------------------------


@signals.delivered.connect
def _on_delivered(app, *, user_id: int) -> None:
    record_delivery(user_id)


@signals.refused.connect
def _on_refused(app, *, user_id: int, now: datetime) -> None:
    record_failure(user_id, now)


@signals.bounced.connect
def _on_bounced(app, *, address: str) -> bool:
    return record_bounce(address)


# --- the staff queue ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Flagged:
    seller: User
    email_failures: int
    unreachable_since: datetime
    attempts: int
    last_attempt_at: datetime | None


def _flagged():
    tries = (
        select(
            ContactAttempt.user_id,
            func.count().label("attempts"),
            func.max(ContactAttempt.attempted_at).label("last"),
        )
        .group_by(ContactAttempt.user_id)
        .subquery()
    )
    return (
        select(
            User,
            SellerReachability.email_failures,
            SellerReachability.unreachable_since,
            tries.c.attempts,
            tries.c.last,
        )
        .join(SellerReachability, SellerReachability.user_id == User.id)
        .outerjoin(tries, tries.c.user_id == User.id)
        .where(User.role == Role.SELLER, SellerReachability.unreachable_since.is_not(None))
    )


def _as_flagged(row) -> Flagged:
    seller, failures, since, attempts, last = row
    return Flagged(seller, failures, as_utc(since), attempts or 0, as_utc(last))


def unreachable(page: int = 1, per_page: int = 50) -> Page:
    """A page of flagged sellers, longest-flagged first (past the end: the last page), with
    how often staff have tried them, and how many are flagged in all."""
    total = summary().count
    found = paginate(
        _flagged().order_by(SellerReachability.unreachable_since, User.id),
        page,
        per_page,
        total=total,
    )
    return found.with_items(_as_flagged(row) for row in found.items)


@dataclass(frozen=True)
class Summary:
    count: int
    oldest: datetime | None


def summary() -> Summary:
    """How many sellers are flagged, and since when the longest-flagged one."""
    count, oldest = db.session.execute(
        select(func.count(), func.min(SellerReachability.unreachable_since))
        .join(User, User.id == SellerReachability.user_id)
        .where(User.role == Role.SELLER, SellerReachability.unreachable_since.is_not(None))
    ).one()
    return Summary(count, as_utc(oldest))


def flagged_seller(user_id: int) -> Flagged | None:
    """The seller ``user_id`` if email cannot reach them (None for anyone else)."""
    row = db.session.execute(_flagged().where(User.id == user_id)).first()
    return _as_flagged(row) if row is not None else None


def attempts_for(user_id: int) -> list[ContactAttempt]:
    return list(
        db.session.scalars(
            select(ContactAttempt)
            .where(ContactAttempt.user_id == user_id)
            .order_by(ContactAttempt.attempted_at.desc(), ContactAttempt.id.desc())
        )
    )


def log_attempt(user_id: int, staff: User, channel: str, outcome: str, note: str) -> ContactAttempt:
    """Record one try at reaching the seller by phone, SMS, WhatsApp or post. Flushes only."""
    attempt = ContactAttempt(
        user_id=user_id,
        staff_id=staff.id,
        channel=channel,
        outcome=outcome,
        note=note.strip() or None,
    )
    db.session.add(attempt)
    db.session.flush()
    return attempt

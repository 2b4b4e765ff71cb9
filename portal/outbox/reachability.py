"""Sellers whom email cannot reach: counted, flagged, and reached another way by staff.

"We will mainly reach out and contact you via email… in exceptional cases where we are
unable to reach you, we may have to contact you via the contact information that you have
provided us with." Every permanently refused email, and every bounce reported later, adds
one to the seller's count; a delivered email sets it back to zero. Past
``OUTBOX_UNREACHABLE_AFTER`` in a row the seller is flagged: they see a banner asking them
to check their address, and support staff see them in a queue with their phone number and
address, where each attempt to reach them is logged. A delivery or a new address clears it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import case, func, select, update

from portal.auth.models import Role, User
from portal.clock import utcnow
from portal.extensions import db
from portal.outbox.models import ContactAttempt
from portal.pagination import paginate
from portal.sqltypes import as_utc


def record_failure(user_id: int, now: datetime | None = None) -> None:
    """One more email the seller did not get; flags them once the count reaches the limit.

    One UPDATE, so two senders failing at once both count. Flushes only.
    """
    now = now or utcnow()
    count = User.email_failures + 1
    reached = (
        count >= current_app.config["OUTBOX_UNREACHABLE_AFTER"]
    ) & User.unreachable_since.is_(None)
    db.session.execute(
        update(User)
        .where(User.id == user_id)
        .values(
            email_failures=count,
            unreachable_since=case((reached, now), else_=User.unreachable_since),
        ),
        execution_options={"synchronize_session": False},
    )


def record_delivery(user_id: int) -> None:
    """An email reached the seller: the count and the flag go. Writes only if there is any."""
    clear(user_id)


def clear(user_id: int) -> None:
    """Forget past failures, as when the seller confirms a new address. Flushes only."""
    db.session.execute(
        update(User)
        .where(User.id == user_id, (User.email_failures > 0) | User.unreachable_since.is_not(None))
        .values(email_failures=0, unreachable_since=None),
        execution_options={"synchronize_session": False},
    )


def new_address(user: User) -> None:
    """The seller confirmed a new address: failures of the old one no longer count."""
    user.email_failures = 0
    user.unreachable_since = None


def record_bounce(email: str) -> bool:
    """A bounce reported for ``email`` after it was sent; False if no account has it."""
    user_id = db.session.scalar(
        select(User.id).where(func.lower(User.email) == email.strip().lower())
    )
    if user_id is None:
        return False
    record_failure(user_id)
    return True


# --- the staff queue ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Flagged:
    seller: User
    attempts: int
    last_attempt_at: datetime | None


def unreachable(page: int = 1, per_page: int = 50) -> tuple[list[Flagged], int]:
    """Flagged sellers, longest-flagged first, with how often staff have tried them."""
    flagged = (User.role == Role.SELLER) & User.unreachable_since.is_not(None)
    total = db.session.scalar(select(func.count()).select_from(User).where(flagged))
    tries = (
        select(
            ContactAttempt.user_id,
            func.count().label("attempts"),
            func.max(ContactAttempt.attempted_at).label("last"),
        )
        .group_by(ContactAttempt.user_id)
        .subquery()
    )
    found = paginate(  # past the end: the last page
        select(User, tries.c.attempts, tries.c.last)
        .outerjoin(tries, tries.c.user_id == User.id)
        .where(flagged)
        .order_by(User.unreachable_since, User.id),
        page,
        per_page,
        total=total,
    )
    return [
        Flagged(seller, attempts or 0, as_utc(last)) for seller, attempts, last in found.items
    ], total


@dataclass(frozen=True)
class Summary:
    count: int
    oldest: datetime | None


def summary() -> Summary:
    """How many sellers are flagged, and since when the longest-flagged one."""
    flagged = (User.role == Role.SELLER) & User.unreachable_since.is_not(None)
    count, oldest = db.session.execute(
        select(func.count(), func.min(User.unreachable_since)).where(flagged)
    ).one()
    return Summary(count, as_utc(oldest))


def flagged_seller(user_id: int) -> User | None:
    seller = db.session.get(User, user_id)
    if seller is None or not seller.is_seller or seller.unreachable_since is None:
        return None
    return seller


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

"""What the rest of the portal asks of verification (issue 23).

``summary(user_id)`` is everything the dashboard, the back office and the marketplace API
show: the account's status and each requirement's state, with deadlines, and nothing
personal (codes and dates only). It is computed afresh from the rooms' facts, with the
deadlines the daily run stored, so a document just sent shows at once. ``refresh`` (the
daily run, ``flask verification run``) stores the states and sends the emails; ``queue``
lists the sellers staff should look at, from what the last run stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import case, distinct, func, select

from portal.auth.models import AccountStatus, Role, User
from portal.clock import utcnow, zone_named
from portal.extensions import db
from portal.pagination import Page, paginate
from portal.verification import rules, tracking
from portal.verification.models import TrackedRequirement
from portal.verification.sources import gather
from portal.verification.states import Code, Requirement, State, Status, Summary

__all__ = [
    "Code",
    "QueueEntry",
    "Requirement",
    "State",
    "Status",
    "Summary",
    "UnknownSeller",
    "queue",
    "queue_counts",
    "refresh",
    "sellers_after",
    "summary",
    "today_for",
]

QUEUE_PER_PAGE = 50
_OPEN = (State.PAST_DUE, State.CURRENTLY_DUE)


class UnknownSeller(LookupError):
    """No seller has this id."""


def today_for(user: User, now: datetime | None = None) -> date:
    """The seller's calendar day at ``now`` (in their own time zone, Malaysia by default):
    the day deadlines are counted and judged on."""
    return (now or utcnow()).astimezone(zone_named(user.timezone)).date()


def _seller(user_id: int) -> User:
    user = db.session.get(User, user_id)  # the logged-in account costs no statement
    if user is None or user.role != Role.SELLER:
        raise UnknownSeller(user_id)
    return user


def summary(user_id: int, today: date | None = None) -> Summary:
    """The seller's verification on ``today`` (their own today by default), read-only.
    Raises :class:`UnknownSeller`."""
    user = _seller(user_id)
    today = today or today_for(user)
    return rules.evaluate(
        gather(user_id),
        tracking.tracked_of(user_id),
        today,
        deadline_days=current_app.config["VERIFICATION_DEADLINE_DAYS"],
    )


def refresh(user_id: int, today: date) -> Summary:
    """Evaluate the seller on ``today``, store each requirement's state and deadline, and
    queue the email a change calls for (at most one per run; none when nothing changed).
    Flushes; the caller commits. Raises :class:`UnknownSeller`."""
    return tracking.refresh(_seller(user_id), today)


def sellers_after(user_id: int, limit: int) -> list[User]:
    """The next ``limit`` active sellers after ``user_id``, by id: the daily run's batches."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.role == Role.SELLER,
                User.status == AccountStatus.ACTIVE,
                User.id > user_id,
            )
            .order_by(User.id)
            .limit(limit)
        )
    )


# --- the back office's queue ------------------------------------------------------------------


@dataclass(frozen=True)
class QueueEntry:
    seller: User
    restricted: bool
    deadline: date | None  # the earliest deadline among what is due or past due


# Requirements due or past due, of accounts that are open: a closed or frozen account's rows
# wait, unchanged, until the daily run sees it active again.
_HELD_BACK = (TrackedRequirement.state.in_(_OPEN), User.status == AccountStatus.ACTIVE)


def _restricted():
    return func.max(case((TrackedRequirement.state == State.PAST_DUE, 1), else_=0))


def queue_counts() -> tuple[int, int]:
    """(restricted sellers, sellers with action needed) among active accounts, as the last
    run stored them."""
    per_seller = (
        select(TrackedRequirement.user_id, _restricted().label("restricted"))
        .join(User, User.id == TrackedRequirement.user_id)
        .where(*_HELD_BACK)
        .group_by(TrackedRequirement.user_id)
        .subquery()
    )
    total, restricted = db.session.execute(
        select(func.count(), func.coalesce(func.sum(per_seller.c.restricted), 0))
    ).one()
    return int(restricted), int(total) - int(restricted)


def queue(page: int, per_page: int = QUEUE_PER_PAGE) -> Page:
    """Active sellers with something past due (restricted) first, then those with something
    due, the soonest deadline first: two statements, whatever the number of sellers."""
    restricted = _restricted()
    earliest = func.min(TrackedRequirement.deadline)
    statement = (
        select(User, restricted, earliest)
        .join(TrackedRequirement, TrackedRequirement.user_id == User.id)
        .where(*_HELD_BACK)
        .group_by(User.id)
        .order_by(restricted.desc(), earliest, User.id)
    )
    total = db.session.scalar(
        select(func.count(distinct(TrackedRequirement.user_id)))
        .join(User, User.id == TrackedRequirement.user_id)
        .where(*_HELD_BACK)
    )
    found = paginate(statement, page, per_page, total=total)
    return found.with_items(
        QueueEntry(seller, bool(flag), deadline) for seller, flag, deadline in found.items
    )

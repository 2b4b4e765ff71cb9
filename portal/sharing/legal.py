"""Disclosures required by law, recorded by admins, and the review of those withheld.

A legal disclosure is shown to the seller, and emailed to them, unless an admin withholds
it (the law may forbid telling the seller) with a reason and a date to review that choice.
On that date it comes up in the back office, where an admin shows it to the seller or keeps
it withheld until a later date. Every step goes into the audit trail.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.audit.services import record as audit
from portal.auth.models import Role, User
from portal.clock import local_midnight
from portal.extensions import db
from portal.outbox.services import queue_email
from portal.pagination import paginate
from portal.sharing.models import Disclosure, DisclosureKind


def record(
    *,
    seller: User,
    staff: User,
    authority: str,
    legal_basis: str,
    reference: str,
    disclosed_on: date,
    categories: list[str],
    documents_released: str | None,
    withheld: bool,
    withheld_reason: str | None,
    review_on: date | None,
) -> Disclosure:
    """Add the disclosure (and, unless withheld, the seller's email) to the session."""
    disclosure = Disclosure(
        user_id=seller.id,
        kind=DisclosureKind.LEGAL,
        recipient=authority,
        categories=sorted(categories),
        purpose="required by law",
        reference=reference,
        outcome="released",
        disclosed_at=local_midnight(disclosed_on),
        legal_basis=legal_basis,
        documents_released=documents_released or None,
        withheld=withheld,
        withheld_reason=withheld_reason if withheld else None,
        review_on=review_on if withheld else None,
        recorded_by=staff.id,
    )
    db.session.add(disclosure)
    db.session.flush()
    audit(
        staff,
        "legal_disclosure.record",
        "disclosure",
        disclosure.id,
        f"withheld until review on {review_on.isoformat()}" if withheld else "shown to the seller",
    )
    if not withheld:
        _tell_seller(seller, disclosure)
    return disclosure


def release(disclosure: Disclosure, staff: User) -> None:
    """Show a withheld disclosure to the seller from now on, and tell them."""
    if not disclosure.withheld:
        return
    disclosure.withheld = False
    disclosure.withheld_reason = None
    disclosure.review_on = None
    audit(staff, "legal_disclosure.release", "disclosure", disclosure.id)
    _tell_seller(db.session.get(User, disclosure.user_id), disclosure)
    db.session.flush()


def keep_withheld(disclosure: Disclosure, staff: User, *, reason: str, review_on: date) -> None:
    """Decide again to withhold, with the reason now, until the next review."""
    disclosure.withheld_reason = reason
    disclosure.review_on = review_on
    audit(
        staff,
        "legal_disclosure.keep_withheld",
        "disclosure",
        disclosure.id,
        f"next review on {review_on.isoformat()}",
    )
    db.session.flush()


def _tell_seller(seller: User, disclosure: Disclosure) -> None:
    queue_email(
        to=seller.email,
        kind="legal_disclosure",
        subject=_l("We disclosed some of your data because the law required it"),
        user=seller,
        disclosure=disclosure,
    )


def due_for_review(today: date) -> list[Disclosure]:
    query = (
        select(Disclosure)
        .where(Disclosure.withheld.is_(True), Disclosure.review_on <= today)
        .order_by(Disclosure.review_on, Disclosure.id)
    )
    return list(db.session.scalars(query))


def review_summary(today: date) -> tuple[int, date | None]:
    """How many withheld disclosures are due for review, and the oldest review date."""
    count, oldest = db.session.execute(
        select(func.count(), func.min(Disclosure.review_on)).where(
            Disclosure.withheld.is_(True), Disclosure.review_on <= today
        )
    ).one()
    return count, oldest


def legal_disclosures(*, page: int = 1, per_page: int = 25) -> tuple[list[Disclosure], bool]:
    query = (
        select(Disclosure)
        .where(Disclosure.kind == DisclosureKind.LEGAL)
        .order_by(Disclosure.disclosed_at.desc(), Disclosure.id.desc())
    )
    found = paginate(query, page, per_page)
    return found.items, found.has_next


def legal_disclosure(disclosure_id: int) -> Disclosure | None:
    """The legal disclosure ``disclosure_id``; None for a transfer to a third party."""
    disclosure = db.session.get(Disclosure, disclosure_id)
    return (
        disclosure if disclosure is not None and disclosure.kind == DisclosureKind.LEGAL else None
    )


def seller_by_email(email: str) -> User | None:
    """The seller whose email this is, whatever its case: the one a disclosure is about."""
    return db.session.scalar(
        select(User).where(func.lower(User.email) == email.lower(), User.role == Role.SELLER)
    )


def seller_emails(user_ids: set[int]) -> dict[int, str]:
    """The email of each of these accounts, by id, in one statement (none asked: none run)."""
    if not user_ids:
        return {}
    rows = db.session.execute(select(User.id, User.email).where(User.id.in_(user_ids)))
    return dict(rows.all())

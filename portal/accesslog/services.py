"""Recording and reading access to sellers' personal data: by staff, and by the
marketplace through its API."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select

from portal.accesslog.models import StaffAccess
from portal.auth.models import User
from portal.extensions import db
from portal.pagination import Page, paginate


def record(staff, seller_id: int, subject: str, object_id: int | None = None, reason=None):
    """Note that ``staff`` looked at ``subject`` of seller ``seller_id``. Flushes only: the
    record commits with the request, and a failed request that showed nothing leaves none."""
    entry = StaffAccess(
        seller_id=seller_id,
        staff_id=staff.id,
        staff_role=staff.role,
        subject=subject,
        object_id=object_id,
        reason=reason,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


# Who looked, when it was not a member of staff: Koopseri's marketplace, through its API
# (portal.api). Recorded in the role column, with no staff member.
MARKETPLACE = "marketplace"


def record_by_marketplace(seller_id: int, subject: str) -> StaffAccess:
    """Note that the marketplace read ``subject`` of seller ``seller_id`` through its API.
    Flushes only, as :func:`record` does."""
    entry = StaffAccess(seller_id=seller_id, staff_id=None, staff_role=MARKETPLACE, subject=subject)
    db.session.add(entry)
    db.session.flush()
    return entry


def entries_for(seller_id: int, limit: int = 100) -> list[StaffAccess]:
    """The newest looks at one seller's data first."""
    return list(
        db.session.scalars(
            select(StaffAccess)
            .where(StaffAccess.seller_id == seller_id)
            .order_by(StaffAccess.accessed_at.desc(), StaffAccess.id.desc())
            .limit(limit)
        )
    )


def delete_older_than(cutoff: datetime, *, dry_run: bool = False) -> int:
    """The retention rule for this record: entries from before ``cutoff`` go. Returns how
    many went (or would, in a dry run); executes, the caller commits."""
    if dry_run:
        return db.session.scalar(
            select(func.count()).select_from(StaffAccess).where(StaffAccess.accessed_at < cutoff)
        )
    return db.session.execute(delete(StaffAccess).where(StaffAccess.accessed_at < cutoff)).rowcount


def looks_at(seller_id: int, page: int, per_page: int) -> Page:
    """One page of the looks at seller ``seller_id``'s data, newest first, each as
    ``(entry, the staff member's full name)``: the name comes in the same statement."""
    return paginate(
        select(StaffAccess, User.full_name)
        .outerjoin(User, User.id == StaffAccess.staff_id)
        .where(StaffAccess.seller_id == seller_id)
        .order_by(StaffAccess.accessed_at.desc(), StaffAccess.id.desc()),
        page,
        per_page,
    )


def sellers_seen_by(staff_id: int, start: datetime, end: datetime) -> set[int]:
    """The sellers whose data staff member ``staff_id`` looked at from ``start`` to before
    ``end``: for a breach by, or through, that member of staff (PDPA s.12B)."""
    query = select(StaffAccess.seller_id).where(
        StaffAccess.staff_id == staff_id,
        StaffAccess.accessed_at >= start,
        StaffAccess.accessed_at < end,
    )
    return set(db.session.scalars(query.distinct()))

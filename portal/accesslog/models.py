"""One row per look at a seller's personal data, by staff or by the marketplace's API. Rows
are only ever added."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.clock import utcnow
from portal.extensions import db
from portal.sqltypes import UTCDateTime


class StaffAccess(db.Model):
    __tablename__ = "staff_access_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The staff member may leave; the record of what they looked at stays, with their role.
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # The staff member's role then; "marketplace" (with no staff member) for the marketplace's
    # API (portal.accesslog.services.record_by_marketplace).
    staff_role: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(32))  # what was looked at, e.g. "document"
    object_id: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(String(255))
    accessed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<StaffAccess {self.id} seller={self.seller_id} staff={self.staff_id}>"

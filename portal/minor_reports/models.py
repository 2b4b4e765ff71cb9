"""Reports that a minor's personal data was shared with us, and what became of them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.clock import utcnow
from portal.extensions import db
from portal.sqltypes import UTCDateTime
from portal.storage import holds_storage_keys


class Relationship(StrEnum):
    PARENT = "parent"  # parent or guardian
    MINOR = "minor"  # the minor themself
    OTHER = "other"


class ReportStatus(StrEnum):
    OPEN = "open"
    DISMISSED = "dismissed"
    CONFIRMED = "confirmed"


class MinorReport(db.Model):
    """One report from the public form. The reporter's details are personal data too: they
    serve the follow-up only, and go six months after the report is closed."""

    __tablename__ = "minor_reports"
    __table_args__ = (
        CheckConstraint("relationship IN ('parent', 'minor', 'other')", name="relationship_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    reporter_name: Mapped[str | None] = mapped_column(String(200))
    reporter_email: Mapped[str | None] = mapped_column(String(254))
    relationship: Mapped[str] = mapped_column(String(16))
    seller_hint: Mapped[str] = mapped_column(String(254))  # the shop name or email given
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=ReportStatus.OPEN, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    matched_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # An optional supporting file: a clean copy only, sealed in storage like documents.
    file_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    file_content_type: Mapped[str | None] = mapped_column(String(32))
    file_size: Mapped[int | None]
    # A digest of the random value of the form's showing that filed it: one showing, one
    # report (a robot cannot replay a form it fetched once). Not personal; never shown.
    form_nonce_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Why staff closed it, for the record; the reporter is told the outcome, not this.
    closing_reason: Mapped[str | None] = mapped_column(Text)
    closed_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    def __repr__(self) -> str:
        return f"<MinorReport {self.id} {self.status}>"


holds_storage_keys(MinorReport.file_key)

"""A proposal to erase an account at once, waiting for a second person to confirm it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.clock import utcnow
from portal.extensions import db
from portal.sqltypes import UTCDateTime


class ProposalSource(StrEnum):
    MINOR_REPORT = "minor_report"  # a report that the seller is a minor, found true
    UNDER_AGE_DOCUMENT = "under_age_document"  # the identity document shows someone under 18


class ErasureProposal(db.Model):
    """A reviewer's or admin's proposal to erase a seller's account now, bound to the report
    or identity document it came from. The account is frozen while it waits; an admin who
    is not the proposer confirms it (the account is erased and this row with it), or staff
    withdraw it (the row goes). The audit trail keeps both steps."""

    __tablename__ = "erasure_proposals"
    __table_args__ = (
        CheckConstraint("source IN ('minor_report', 'under_age_document')", name="source_known"),
        CheckConstraint(
            "(source = 'minor_report' AND report_id IS NOT NULL AND document_id IS NULL) OR "
            "(source = 'under_age_document' AND document_id IS NOT NULL AND report_id IS NULL)",
            name="names_its_object",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # One pending proposal per account.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    source: Mapped[str] = mapped_column(String(24))
    report_id: Mapped[int | None] = mapped_column(
        ForeignKey("minor_reports.id", ondelete="CASCADE"), index=True
    )
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    proposed_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<ErasureProposal {self.id} user={self.user_id}>"

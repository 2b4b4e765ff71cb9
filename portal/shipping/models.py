"""Courier pickups a seller booked; each points at the disclosure of what the courier got."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import utcnow
from portal.extensions import db
from portal.sharing.models import Disclosure, ThirdParty
from portal.sqltypes import UTCDateTime


class ParcelSize(StrEnum):
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


class PickupStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"  # before its day, and the courier was told through the door


class Pickup(db.Model):
    """A parcel collection booked with a courier; its disclosure says what the courier got.

    ``status`` changes only through ``shipping.services`` (one function holds the moves); a
    cancelled pickup points at the disclosure that told the courier.
    """

    __tablename__ = "pickups"
    __table_args__ = (
        CheckConstraint("parcel_size IN ('small', 'medium', 'large')", name="parcel_size_known"),
        CheckConstraint("status IN ('booked', 'cancelled')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    third_party_id: Mapped[int] = mapped_column(ForeignKey("third_parties.id"))
    pickup_date: Mapped[date]
    parcel_size: Mapped[str] = mapped_column(String(16))
    disclosure_id: Mapped[int] = mapped_column(
        ForeignKey("disclosures.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(
        String(16), default=PickupStatus.BOOKED, server_default=PickupStatus.BOOKED.value
    )
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancellation_id: Mapped[int | None] = mapped_column(
        ForeignKey("disclosures.id", ondelete="SET NULL")
    )

    third_party: Mapped[ThirdParty] = relationship()
    disclosure: Mapped[Disclosure] = relationship(foreign_keys=[disclosure_id])
    cancellation: Mapped[Disclosure | None] = relationship(foreign_keys=[cancellation_id])

    def __repr__(self) -> str:
        return f"<Pickup {self.id}>"

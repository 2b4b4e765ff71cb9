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


class Pickup(db.Model):
    """A parcel collection booked with a courier; its disclosure says what the courier got."""

    __tablename__ = "pickups"
    __table_args__ = (
        CheckConstraint("parcel_size IN ('small', 'medium', 'large')", name="parcel_size_known"),
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

    third_party: Mapped[ThirdParty] = relationship()
    disclosure: Mapped[Disclosure] = relationship()

    def __repr__(self) -> str:
        return f"<Pickup {self.id}>"

"""A seller's online store linked to the portal; it points at the disclosure of what it got."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import utcnow
from portal.crypto import Encrypted
from portal.extensions import db
from portal.sharing.models import Disclosure, ThirdParty
from portal.sqltypes import UTCDateTime


class StoreConnection(db.Model):
    """A seller's online store linked to the portal (one per seller)."""

    __tablename__ = "store_connections"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    third_party_id: Mapped[int] = mapped_column(ForeignKey("third_parties.id"))
    store_url: Mapped[str] = mapped_column(String(300))
    disclosure_id: Mapped[int] = mapped_column(
        ForeignKey("disclosures.id", ondelete="CASCADE"), index=True
    )
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The REST API key the seller made in their store (encrypted; shown by its last characters
    # only), and the store's id of the customer record the portal created there.
    consumer_key: Mapped[str | None] = mapped_column(Encrypted("store_connections.consumer_key"))
    consumer_secret: Mapped[str | None] = mapped_column(
        Encrypted("store_connections.consumer_secret")
    )
    key_hint: Mapped[str | None] = mapped_column(String(8))
    customer_id: Mapped[str | None] = mapped_column(String(64))

    third_party: Mapped[ThirdParty] = relationship()
    disclosure: Mapped[Disclosure] = relationship()

    def __repr__(self) -> str:
        return f"<StoreConnection {self.user_id}>"

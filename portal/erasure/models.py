"""What erasure keeps: that an account was erased, the files still to delete, and the
requests to third parties. None of it is personal data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.clock import utcnow
from portal.crypto import Encrypted
from portal.extensions import db
from portal.sqltypes import UTCDateTime


class Erasure(db.Model):
    """That an account's personal data was erased: no name, no email, nothing personal."""

    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int]  # the id the account had; the row itself is gone
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(String(32))  # e.g. "minor_report", "retention"
    reference: Mapped[str | None] = mapped_column(String(32))  # e.g. the report's reference

    def __repr__(self) -> str:
        return f"<Erasure {self.id} account={self.account_id}>"


class PendingFileDeletion(db.Model):
    """A file whose rows are gone (or going) in the same transaction: deleted after the
    commit, and by the next retention run if the process died before it could."""

    __tablename__ = "pending_file_deletions"

    id: Mapped[int] = mapped_column(primary_key=True)
    store: Mapped[str] = mapped_column(String(16))  # "documents", "mail" or "shared"
    key: Mapped[str] = mapped_column(String(200))
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ErasureRequest(db.Model):
    """A request to a third party to erase what it received: our references, no personal
    data. Sent after the erasure commits; retried by the next retention run until answered."""

    __tablename__ = "erasure_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    erasure_id: Mapped[int] = mapped_column(ForeignKey("erasures.id"))
    third_party_id: Mapped[int] = mapped_column(ForeignKey("third_parties.id"))
    disclosure_refs: Mapped[list[str]] = mapped_column(JSON)  # our references, sent as such
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(200))
    # "api": made through the party's API; "email": sent to ``contact``, the privacy contact
    # in the registry at the time, and open until staff record the ``answer``.
    channel: Mapped[str] = mapped_column(String(8), default="api", server_default="api")
    partner_refs: Mapped[list[str] | None] = mapped_column(JSON)  # the party's own references
    # What the API call needs that dies with the account (a seller's own store keys), sealed,
    # and emptied once the request is answered.
    credentials: Mapped[str | None] = mapped_column(
        Encrypted("erasure_requests.credentials", length=1024)
    )
    contact: Mapped[str | None] = mapped_column(String(254))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer: Mapped[str | None] = mapped_column(String(500))

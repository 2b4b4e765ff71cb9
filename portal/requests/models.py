"""Data-subject requests, and the codes that verify a public request's email address."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.clock import utcnow
from portal.extensions import db
from portal.sqltypes import UTCDateTime


class Kind(StrEnum):
    ACCESS = "access"  # a copy of my data (s.30)
    CORRECTION = "correction"  # correct my data (s.34-35)
    PORTABILITY = "portability"  # move my data to another service (s.43A)
    OBJECTION = "objection"  # stop using my data for a purpose (s.42)
    DELETION = "deletion"  # delete my data


class Status(StrEnum):
    OPEN = "open"
    EXTENDED = "extended"  # still open; the requester was told why, with the new date
    ANSWERED = "answered"
    REFUSED = "refused"


OPEN_STATES = (Status.OPEN, Status.EXTENDED)


class PrivacyRequest(db.Model):
    """One request. It is Koopseri's record of a statutory duty, so it outlives the account
    (the account's id is emptied when the account is erased) and goes by its own retention
    rule once closed."""

    __tablename__ = "privacy_requests"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('access', 'correction', 'portability', 'objection', 'deletion')",
            name="kind_known",
        ),
        CheckConstraint(
            "status IN ('open', 'extended', 'answered', 'refused')", name="status_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    details: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # The address a request from the public form was verified by (none for a seller's own
    # request: their account's address is used).
    requester_email: Mapped[str | None] = mapped_column(String(254))
    locale: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default=Status.OPEN, index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The last day of the statutory period, in Malaysia: 21 days after receipt, 14 more once
    # extended (s.31(2)).
    due_on: Mapped[date] = mapped_column(Date)
    extended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    closed_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # What the requester was told: the answer, or the refusal's reasons.
    outcome: Mapped[str | None] = mapped_column(Text)
    refusal_ground: Mapped[str | None] = mapped_column(String(32))
    # A copy of the data (an access or portability request): the emailed link's secret, as
    # a digest, and when the link stops working.
    copy_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    copy_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<PrivacyRequest {self.id} {self.status}>"


class RequestCode(db.Model):
    """A request typed into the public form, waiting for the code emailed to its address.
    The code is kept only as a keyed digest; the row goes once used or expired."""

    __tablename__ = "privacy_request_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(16))
    details: Mapped[str] = mapped_column(Text)
    locale: Mapped[str | None] = mapped_column(String(8))
    code_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<RequestCode {self.id}>"

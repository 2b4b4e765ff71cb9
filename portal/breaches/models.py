"""The breach register's tables: the incident, its timeline, and the sellers it affected."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from portal.clock import utcnow
from portal.extensions import db
from portal.sqltypes import UTCDateTime


class Breach(db.Model):
    """One personal data breach, as the Commissioner's notice form asks for it (s.12B).

    Describes the incident, not a person: the sellers it affected are named only in
    ``breach_notices``. The clocks are worked out from ``discovered_at`` and
    ``commissioner_notified_at`` (:mod:`portal.breaches.clocks`).
    """

    __tablename__ = "breaches"

    id: Mapped[int] = mapped_column(primary_key=True)
    discovered_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    description: Mapped[str] = mapped_column(Text)
    categories: Mapped[list[str]] = mapped_column(JSON)  # values of datamap.Category
    systems: Mapped[str] = mapped_column(Text)
    containment: Mapped[str] = mapped_column(Text)
    # The significant-harm questions of s.12B: any "yes" means the sellers must be told.
    harm_financial_loss: Mapped[bool] = mapped_column(default=False, server_default=false())
    harm_sensitive_data: Mapped[bool] = mapped_column(default=False, server_default=false())
    harm_financial_data: Mapped[bool] = mapped_column(default=False, server_default=false())
    harm_identity_fraud: Mapped[bool] = mapped_column(default=False, server_default=false())
    harm_over_1000: Mapped[bool] = mapped_column(default=False, server_default=false())
    recorded_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    commissioner_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    late_reason: Mapped[str | None] = mapped_column(Text)  # s.12B: written reasons if late
    follow_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The query that chose the affected sellers, in words for the record ("DHL, 1-7 Dec").
    selection: Mapped[str | None] = mapped_column(String(300))
    selected_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # What the sellers are told, in both languages, fixed when notifying starts.
    message_en: Mapped[str | None] = mapped_column(Text)
    message_ms: Mapped[str | None] = mapped_column(Text)
    notify_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def reference(self) -> str:
        return f"BR-{self.id:05d}"

    @property
    def harm_answers(self) -> dict[str, bool]:
        return {name: getattr(self, f"harm_{name}") for name in HARM_QUESTIONS}

    @property
    def sellers_must_be_told(self) -> bool:
        """s.12B: data subjects are notified where significant harm is likely."""
        return any(self.harm_answers.values())

    def __repr__(self) -> str:
        return f"<Breach {self.id}>"


HARM_QUESTIONS = (
    "financial_loss",
    "sensitive_data",
    "financial_data",
    "identity_fraud",
    "over_1000",
)


class BreachEvent(db.Model):
    """One entry of an incident's timeline. Only ever added (``portal.breaches.guard``)."""

    __tablename__ = "breach_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    breach_id: Mapped[int] = mapped_column(
        ForeignKey("breaches.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(32))  # what happened, as a code (events.py)
    note: Mapped[str] = mapped_column(Text, default="")
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    def __repr__(self) -> str:
        return f"<BreachEvent {self.id} breach={self.breach_id}>"


class BreachNotice(db.Model):
    """A seller the breach affected, and when their notice went to the outbox. One row per
    (breach, seller): a seller is selected, and told, once."""

    __tablename__ = "breach_notices"
    __table_args__ = (UniqueConstraint("breach_id", "user_id", name="uq_breach_notices_seller"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    breach_id: Mapped[int] = mapped_column(ForeignKey("breaches.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    selected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<BreachNotice {self.id} breach={self.breach_id} user={self.user_id}>"

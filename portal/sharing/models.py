"""The registry of third parties, and the record of every disclosure made to them or by law."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.auth.models import User
from portal.clock import utcnow
from portal.extensions import db
from portal.sqltypes import UTCDateTime

# The bases for a transfer abroad (portal.sharing.abroad.TransferBasis, which a test holds
# to this list); spelt out here so the schema's check does not import the module that labels them.
TRANSFER_BASES = (
    "adequate_law",
    "consent",
    "contract_with_seller",
    "contract_for_seller",
    "legal_proceedings",
    "avoid_harm",
    "due_diligence",
    "vital_interests",
    "public_interest",
)


class ThirdParty(db.Model):
    """A service provider that receives seller data, and the categories it may receive.

    Parties are retired, never deleted: past disclosures keep pointing at them. ``slug`` names
    the party in configuration (its endpoint and token) and in code (which feature uses it).
    """

    __tablename__ = "third_parties"
    __table_args__ = (
        CheckConstraint(
            "breach_notice_hours IS NULL OR breach_notice_hours > 0", name="breach_hours_positive"
        ),
        CheckConstraint(
            "transfer_basis IS NULL OR transfer_review_on IS NOT NULL",
            name="transfer_basis_has_review",
        ),
        CheckConstraint(
            "transfer_basis IS NULL OR transfer_basis IN ("
            + ", ".join(f"'{basis}'" for basis in TRANSFER_BASES)
            + ")",
            name="transfer_basis_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    service: Mapped[str] = mapped_column(Text)  # what they do for Koopseri
    purpose: Mapped[str] = mapped_column(Text)  # why seller data is shared with them
    # The same two in Malay; empty: Malay readers see the English.
    service_ms: Mapped[str] = mapped_column(Text, default="", server_default="")
    purpose_ms: Mapped[str] = mapped_column(Text, default="", server_default="")
    categories: Mapped[list[str]] = mapped_column(JSON)  # values of datamap.Category
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    privacy_url: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The contract with the party, and the hours within which it must tell Koopseri of a
    # breach of seller data (so Koopseri can notify within 72 hours, PDPA s.12B).
    contract_reference: Mapped[str | None] = mapped_column(String(100))
    contract_signed_on: Mapped[date | None]
    breach_notice_hours: Mapped[int | None]
    # A party abroad: the basis for transferring data to it (PDPA s.129; values of
    # portal.sharing.abroad.TransferBasis) and the day that basis is next reviewed.
    transfer_basis: Mapped[str | None] = mapped_column(String(32))
    transfer_review_on: Mapped[date | None]
    # How the party is spoken to: a name in ``portal.sharing.parties.CONNECTORS`` ("json", the
    # portal's own JSON, for a party an admin added), and where a request it cannot take
    # through its API (an erasure) is emailed.
    connector: Mapped[str] = mapped_column(String(32), default="json", server_default="json")
    privacy_email: Mapped[str | None] = mapped_column(String(254))

    def text(self, field: str, language: str) -> str:
        """``service`` or ``purpose`` in ``language``, or in English where it has none."""
        translated = getattr(self, f"{field}_{language}", None) if language != "en" else None
        return translated or getattr(self, field)

    def __repr__(self) -> str:
        return f"<ThirdParty {self.slug}>"

    @property
    def active(self) -> bool:
        return self.retired_at is None


class DisclosureKind(StrEnum):
    TRANSFER = "transfer"  # sent to a registered third party through the sharing service
    LEGAL = "legal"  # released to an authority because the law required it


class Disclosure(db.Model):
    """One time a seller's data left Koopseri: when, to whom, which categories, why, and the
    outcome. A transfer is recorded only once the third party has accepted it.

    A legal disclosure may be withheld from the seller (the law can forbid telling them) with
    a reason and a date on which staff must review that decision.
    """

    __tablename__ = "disclosures"
    __table_args__ = (
        CheckConstraint("kind IN ('transfer', 'legal')", name="kind_known"),
        CheckConstraint(
            "NOT withheld OR (withheld_reason IS NOT NULL AND review_on IS NOT NULL)",
            name="withheld_has_reason_and_review",
        ),
        Index("ix_disclosures_user_id_disclosed_at", "user_id", "disclosed_at"),
        Index("ix_disclosures_withheld_review_on", "withheld", "review_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    third_party_id: Mapped[int | None] = mapped_column(ForeignKey("third_parties.id"))
    # Copied at the time, so the record stays true when the registry changes.
    recipient: Mapped[str] = mapped_column(String(200))
    categories: Mapped[list[str]] = mapped_column(JSON)
    purpose: Mapped[str] = mapped_column(Text)
    reference: Mapped[str] = mapped_column(String(100))  # ours, or the authority's
    partner_reference: Mapped[str | None] = mapped_column(String(64))  # the party's, if given
    # A message that called off an earlier transfer (a cancelled pickup): that transfer's
    # reference. Such a message carries no seller data, so ``categories`` is empty.
    cancels_reference: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(200))
    disclosed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Legal disclosures only.
    legal_basis: Mapped[str | None] = mapped_column(Text)
    documents_released: Mapped[str | None] = mapped_column(Text)
    withheld: Mapped[bool] = mapped_column(default=False, server_default=false())
    withheld_reason: Mapped[str | None] = mapped_column(Text)
    review_on: Mapped[date | None]
    recorded_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    third_party: Mapped[ThirdParty | None] = relationship()

    def __repr__(self) -> str:
        return f"<Disclosure {self.id} {self.kind}>"


# The purpose recorded on a disclosure that passed a corrected value on (PDPA s.35).
CORRECTION = "correction"
# The purpose recorded on a disclosure that moved the seller's data to another service at
# their request (PDPA s.43A, data portability).
PORTABILITY = "portability"


class CorrectionStatus(StrEnum):
    PENDING = "pending"  # to be sent; a failed delivery stays pending and is tried again
    SENT = "sent"  # the party accepted it: ``disclosure_id`` is the record
    STAFF = "staff"  # cannot be sent (``reason``): staff must tell the party another way
    HANDLED = "handled"  # staff passed it on another way, or decided it needs nothing more


class CorrectionReason(StrEnum):
    RETIRED = "retired"  # the party is retired from the registry
    NO_ENDPOINT = "no_endpoint"  # no way to reach the party is configured
    NOT_REGISTERED = "not_registered"  # the party is no longer registered for the category
    ACCOUNT_PAUSED = "account_paused"  # sharing is paused on the seller's account
    NO_API = "no_api"  # the party's API has no way to take a correction (a courier's)
    REFUSED = "refused"  # the party refused it, for a reason a retry will not change


class Correction(db.Model):
    """A corrected value owed to a third party that received the category in the 12 months
    before the correction (PDPA s.35): queued with the change, sent through the door after
    the response, tried again until accepted; what cannot be sent is listed for staff.

    ``reference`` is ours for the correction, sent as the idempotency key on every try (so
    the party recognises a repeat) and kept as the disclosure's reference once accepted.
    ``corrects``: our references of the transfers that carried the old value.
    """

    __tablename__ = "corrections"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sent', 'staff', 'handled')", name="status_known"),
        Index("ix_corrections_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    third_party_id: Mapped[int] = mapped_column(ForeignKey("third_parties.id"))
    category: Mapped[str] = mapped_column(String(40))  # a value of datamap.Category
    reference: Mapped[str] = mapped_column(String(100), unique=True)
    corrects: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default=CorrectionStatus.PENDING)
    reason: Mapped[str | None] = mapped_column(String(40))  # why staff must act
    attempts: Mapped[int] = mapped_column(default=0)
    outcome: Mapped[str | None] = mapped_column(String(200))  # the last try's, no personal data
    corrected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disclosure_id: Mapped[int | None] = mapped_column(
        ForeignKey("disclosures.id", ondelete="SET NULL")
    )
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    third_party: Mapped[ThirdParty] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def __repr__(self) -> str:
        return f"<Correction {self.id} {self.category} {self.status}>"

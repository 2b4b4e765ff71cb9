"""Photographs and identification documents, and the files that hold them.

A :class:`Document` is what the seller sees as one item (the profile photo, a shop photo,
the identity document, the proof of bank account, the business registration document); its :class:`DocumentFile` rows are the
stored objects behind it: the original kept as evidence (identity and bank documents only,
never served), the clean copies people look at (one per page: a MyKad's front and back, a
PDF's first pages) and a thumbnail of each. Every stored object is
encrypted; ``key_id`` says under which key, for rotation.

An :class:`IdentityNumber` is the number printed on the identity document, as the seller
typed it beside the upload: encrypted, with a keyed hash that finds the same number on
another account, and its last four digits for showing it masked.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import utcnow
from portal.crypto import Encrypted
from portal.extensions import db
from portal.sqltypes import UTCDateTime
from portal.storage import holds_storage_keys

MAX_SHOP_PHOTOS = 8


class DocumentKind(StrEnum):
    PROFILE_PHOTO = "profile_photo"
    SHOP_PHOTO = "shop_photo"
    IDENTITY = "identity"
    BANK_PROOF = "bank_proof"
    BUSINESS_REGISTRATION = "business_registration"  # SSM certificate or the like

    @property
    def is_evidence(self) -> bool:
        """Checked by a reviewer, and kept byte for byte as well as a clean copy."""
        return self in EVIDENCE


EVIDENCE = frozenset(
    {DocumentKind.IDENTITY, DocumentKind.BANK_PROOF, DocumentKind.BUSINESS_REGISTRATION}
)


class IdentityType(StrEnum):
    MYKAD = "mykad"
    PASSPORT = "passport"


class ReviewStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class FilePurpose(StrEnum):
    ORIGINAL = "original"  # byte for byte as uploaded: evidence, never served
    DISPLAY = "display"  # decoded and re-encoded, no metadata: what people see
    THUMBNAIL = "thumbnail"


class Document(db.Model):
    __tablename__ = "documents"
    __table_args__ = (
        # One profile photo, one identity document, one proof of bank account, and up to
        # eight shop photos: each kind has numbered slots, and a slot holds one document.
        UniqueConstraint("user_id", "kind", "slot", name="uq_documents_one_per_slot"),
        CheckConstraint(f"slot BETWEEN 1 AND {MAX_SHOP_PHOTOS}", name="slot_range"),
        CheckConstraint("kind = 'shop_photo' OR slot = 1", name="single_slot"),
        CheckConstraint(
            "kind IN ('profile_photo', 'shop_photo', 'identity', 'bank_proof', "
            "'business_registration')",
            name="kind_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    slot: Mapped[int] = mapped_column(default=1)
    identity_type: Mapped[str | None] = mapped_column(String(16))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Counts replacements, so a decision made on what a reviewer saw cannot land on a newer
    # upload the reviewer never saw.
    revision: Mapped[int] = mapped_column(default=1)

    # Review of identity and bank documents; empty for photographs.
    status: Mapped[str | None] = mapped_column(String(16), index=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    rejection_reasons: Mapped[str | None] = mapped_column(String(255))  # codes, comma-separated
    rejection_note: Mapped[str | None] = mapped_column(Text)

    files: Mapped[list[DocumentFile]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="DocumentFile.id",
    )

    def __repr__(self) -> str:
        return f"<Document {self.id} user={self.user_id}>"

    def files_for(self, purpose: FilePurpose) -> list[DocumentFile]:
        return [f for f in self.files if f.purpose == purpose]

    @property
    def thumbnail(self) -> DocumentFile | None:
        return next(iter(self.files_for(FilePurpose.THUMBNAIL)), None)

    @property
    def reason_codes(self) -> list[str]:
        return reason_codes(self.rejection_reasons)


def reason_codes(stored: str | None) -> list[str]:
    """The reason codes a rejection stored as one comma-separated column."""
    return [code for code in (stored or "").split(",") if code]


class DocumentFile(db.Model):
    __tablename__ = "document_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(16))
    page: Mapped[int] = mapped_column(default=1)
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    key_id: Mapped[str] = mapped_column(String(16), index=True)
    content_type: Mapped[str] = mapped_column(String(32))
    size_bytes: Mapped[int]
    width: Mapped[int | None]
    height: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    document: Mapped[Document] = relationship(back_populates="files")

    def __repr__(self) -> str:
        return f"<DocumentFile {self.id} document={self.document_id}>"


holds_storage_keys(DocumentFile.storage_key)


class IdentityNumber(db.Model):
    """The number on the seller's identity document: a MyKad number (12 digits), or a
    passport's number with its issuing country and expiry date. One per seller.

    ``number_digest`` is a keyed hash of the type, the country (for a passport) and the
    normalised number: the same number on two accounts has the same digest, and nothing
    else can be learnt from it. Nothing is read from the number's structure beyond what the
    check needs (a MyKad's last digit says the holder's sex: never read, never stored).
    """

    __tablename__ = "identity_numbers"
    __table_args__ = (
        CheckConstraint("identity_type IN ('mykad', 'passport')", name="identity_type_known"),
        CheckConstraint(
            "identity_type = 'passport' OR "
            "(passport_country IS NULL AND passport_expires_on IS NULL)",
            name="passport_details_only_for_passports",
        ),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    identity_type: Mapped[str] = mapped_column(String(16))
    number: Mapped[str] = mapped_column(Encrypted("identity_numbers.number"))
    number_digest: Mapped[str] = mapped_column(String(64), index=True)
    number_last4: Mapped[str] = mapped_column(String(4))
    passport_country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    passport_expires_on: Mapped[date | None]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<IdentityNumber {self.user_id}>"

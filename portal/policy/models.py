"""Published privacy policy versions and the consent records that prove acceptance."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import utcnow
from portal.extensions import db
from portal.sqltypes import UTCDateTime


class PolicyVersion(db.Model):
    """One numbered version of the Seller Privacy Policy, in Markdown.

    Immutable once published: the database itself refuses an UPDATE or a DELETE of a row
    (triggers made by migration 0007), so no code path, and no mistaken SQL, can change
    the words a seller accepted.
    """

    __tablename__ = "policy_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    body_markdown: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(String(500), default="")
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    effective_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<PolicyVersion {self.version}>"


class PolicyTranslation(db.Model):
    """A version's text in another of the portal's languages (Malay), published with it.

    The English text (``PolicyVersion.body_markdown``) prevails; a translation says so at
    its top. Immutable like its version: triggers (migration 0018) refuse UPDATE and DELETE.
    """

    __tablename__ = "policy_translations"
    __table_args__ = (UniqueConstraint("policy_version_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_version_id: Mapped[int] = mapped_column(ForeignKey("policy_versions.id"))
    language: Mapped[str] = mapped_column(String(8))
    body_markdown: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(String(500), default="")

    def __repr__(self) -> str:
        return f"<PolicyTranslation {self.policy_version_id} {self.language}>"


class ConsentRecord(db.Model):
    """Proof that a seller accepted a policy version: when, from where, with what browser."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    policy_version_id: Mapped[int] = mapped_column(ForeignKey("policy_versions.id"))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip_address: Mapped[str] = mapped_column(String(45))
    user_agent: Mapped[str] = mapped_column(String(512), default="")
    context: Mapped[str] = mapped_column(String(20), default="registration")
    # The language of the text the seller read and accepted ("en" or "ms").
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")

    policy_version: Mapped[PolicyVersion] = relationship()

    def __repr__(self) -> str:
        return f"<ConsentRecord {self.id} user={self.user_id}>"


class PolicyDraft(db.Model):
    """The next version as an admin is writing it; there is at most one draft at a time."""

    __tablename__ = "policy_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_markdown: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(String(500), default="")
    # The Malay translation, published together with the English text.
    body_markdown_ms: Mapped[str] = mapped_column(Text, default="", server_default="")
    summary_ms: Mapped[str] = mapped_column(String(500), default="", server_default="")
    effective_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    def __repr__(self) -> str:
        return f"<PolicyDraft {self.id}>"

"""A seller's details beyond registration, their bank account, their business and tax
identity, the history of changes, and whether email reaches them (with staff's attempts to
reach them another way)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from portal.auth.models import User
from portal.clock import utcnow
from portal.crypto import Encrypted
from portal.extensions import db
from portal.formatting import masked
from portal.sqltypes import UTCDateTime


class SellerProfile(db.Model):
    """Shop name, postal address and review dates; one row per seller, made on first save."""

    __tablename__ = "seller_profiles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    display_name: Mapped[str | None] = mapped_column(String(100))
    address_line1: Mapped[str | None] = mapped_column(String(200))
    address_line2: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    postcode: Mapped[str | None] = mapped_column(String(12))
    # An ISO 3166-2 code (MY-10) in Malaysia; elsewhere the region as the seller wrote it.
    state: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(2))
    last_reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<SellerProfile {self.user_id}>"

    @property
    def has_address(self) -> bool:
        return bool(self.address_line1 and self.city and self.country)


class BankAccount(db.Model):
    """Where a seller is paid. The number is encrypted; its last four digits are kept apart
    for display, and a keyed hash of it for finding the same account on two sellers."""

    __tablename__ = "bank_accounts"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    bank_code: Mapped[str] = mapped_column(String(32))
    bank_other_name: Mapped[str | None] = mapped_column(String(100))
    holder_name: Mapped[str] = mapped_column(String(200))
    account_number: Mapped[str] = mapped_column(Encrypted("bank_accounts.account_number"))
    account_number_last4: Mapped[str] = mapped_column(String(4))
    account_number_digest: Mapped[str] = mapped_column(String(64), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<BankAccount {self.user_id}>"

    @property
    def masked_number(self) -> str:
        return masked(self.account_number_last4)


class BusinessDetails(db.Model):
    """How the seller sells (``portal.malaysia.business.SellingAs``) and, for a registered
    business, company or LLP, its registered name and SSM number; the TIN (encrypted, its last
    four characters apart for display) and the SST registration. One row per seller, made on
    first save. Which values are required follows ``selling_as``
    (``portal.profile.business.required_fields``)."""

    __tablename__ = "business_details"
    __table_args__ = (
        CheckConstraint(
            "selling_as IN ('individual', 'business', 'company', 'llp')", name="selling_as_known"
        ),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    selling_as: Mapped[str] = mapped_column(String(16))
    business_name: Mapped[str | None] = mapped_column(String(200))
    # The 12-digit number SSM has issued since October 2019, and the older one as issued.
    ssm_number: Mapped[str | None] = mapped_column(String(12))
    ssm_old_number: Mapped[str | None] = mapped_column(String(30))
    tin: Mapped[str | None] = mapped_column(Encrypted("business_details.tin"))
    tin_last4: Mapped[str | None] = mapped_column(String(4))
    sst_registered: Mapped[bool] = mapped_column(default=False, server_default=false())
    sst_number: Mapped[str | None] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<BusinessDetails {self.user_id}>"

    @property
    def masked_tin(self) -> str | None:
        return masked(self.tin_last4) if self.tin_last4 else None


class Actor(StrEnum):
    SELLER = "seller"
    STAFF = "staff"


class ProfileChange(db.Model):
    """One field of a seller's data changed: when, by whom, from what to what.

    Sensitive values are stored masked (``•••• 6789``), never in full.
    """

    __tablename__ = "profile_changes"
    __table_args__ = (
        CheckConstraint("actor IN ('seller', 'staff')", name="actor_known"),
        Index("ix_profile_changes_user_id_changed_at", "user_id", "changed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(String(300))
    new_value: Mapped[str | None] = mapped_column(String(300))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(16), default=Actor.SELLER)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    def __repr__(self) -> str:
        return f"<ProfileChange {self.id} user={self.user_id}>"


class SellerReachability(db.Model):
    """Email that cannot be delivered to a seller: permanent failures and reported bounces in
    a row, and since when they are flagged (past ``OUTBOX_UNREACHABLE_AFTER``). A row exists
    only while there is something to remember: a delivery or a new address deletes it.

    The account carries it as ``user.reachability`` (None: email reaches them), loaded in
    the same statement as the account, so the banner on every page costs no query.
    """

    __tablename__ = "seller_reachability"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    email_failures: Mapped[int] = mapped_column(default=0, server_default="0")
    unreachable_since: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    # Read-only both ways: written by UPDATE and upsert (portal.profile.reachability), and
    # removed with the account by the database's cascade and by erasure.
    user: Mapped[User] = relationship(
        backref=backref("reachability", uselist=False, lazy="joined", viewonly=True),
        viewonly=True,
    )

    def __repr__(self) -> str:
        return f"<SellerReachability {self.user_id}>"


class ContactAttempt(db.Model):
    """Staff trying to reach a seller whom email cannot reach, by the details they gave."""

    __tablename__ = "contact_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<ContactAttempt {self.id} user={self.user_id}>"

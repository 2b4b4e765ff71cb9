"""Accounts (sellers and staff), their login sessions and the links that prove their mailbox."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.auth import states
from portal.auth.roles import STAFF_ROLES, Role
from portal.auth.states import STORED, AccountStatus
from portal.clock import utcnow
from portal.crypto import Encrypted
from portal.extensions import db
from portal.sqltypes import UTCDateTime


def _initial_status(context) -> str:
    """Where an account starts in the state machine: awaiting verification until its email
    is confirmed (staff, and demo accounts, are created confirmed)."""
    confirmed = context.get_current_parameters().get("email_verified_at") is not None
    return AccountStatus.ACTIVE if confirmed else AccountStatus.UNVERIFIED


class User(UserMixin, db.Model):
    """A person who logs in: a seller (with personal data) or a member of staff (with a role)."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN ('seller', 'admin', 'reviewer', 'support', 'dpo')", name="role_known"
        ),
        CheckConstraint(
            "status IN (" + ", ".join(f"'{status}'" for status in STORED) + ")",
            name="status_known",
        ),
        # The back office's list of sellers, newest first (portal.profile.search.newest):
        # read backwards from the start of this index, a page costs the same at 1,000
        # sellers as at 100,000, where without it every seller was sorted for each page.
        Index("ix_users_role_created_at_id", "role", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16), default=Role.SELLER)
    # Changed only through the state machine (portal.auth.states.apply).
    status: Mapped[str] = mapped_column(String(16), default=_initial_status)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Seller's registration data; empty for staff.
    full_name: Mapped[str | None] = mapped_column(String(200))
    date_of_birth: Mapped[date | None]
    phone_e164: Mapped[str | None] = mapped_column(String(20))

    locale: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(64))

    # Set when staff approve an identity document; from then on the date of birth is fixed.
    identity_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Optional two-factor: the TOTP secret (encrypted) and the last time step accepted, so a
    # code works once.
    totp_secret: Mapped[str | None] = mapped_column(Encrypted("users.totp_secret"))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None]

    # Staff only: an admin disabled the account (it cannot log in; its sessions were ended).
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Termination: when, and when the retention job erases the account (3 calendar months on,
    # on the seller's own calendar); the reminder a week before is sent once.
    terminated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deletion_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    deletion_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Failed-login bookkeeping, only to alert the owner; blocking is done by the rate limiter,
    # which treats known and unknown emails alike.
    failed_login_count: Mapped[int] = mapped_column(default=0)
    last_failed_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lockout_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Wrong codes at the second step of a log-in, after the right password: the password is
    # known to whoever typed them. Only to alert the owner, once per TWO_FACTOR_ALERT_WINDOW.
    two_factor_failures: Mapped[int] = mapped_column(default=0, server_default="0")
    last_two_factor_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    two_factor_alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    sessions: Mapped[list[LoginSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    # Set per request by the login machinery (never stored): the id Flask-Login keeps in the
    # cookie is the login session's token, not the user's id; and when this browser last
    # proved it is the owner (password, and code if two-factor is on).
    session_token: ClassVar[str | None] = None
    authenticated_at: ClassVar[datetime | None] = None

    def __repr__(self) -> str:
        return f"<User {self.id}>"

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_seller(self) -> bool:
        return self.role == Role.SELLER

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_enabled_at is not None

    def get_id(self) -> str:
        if not self.session_token:
            raise RuntimeError("log in through portal.auth.sessions, not login_user directly")
        return self.session_token


states.guard(User.status)  # the status changes through portal.auth.states.apply only


class LoginSession(db.Model):
    """One logged-in browser. The cookie holds its token; the row holds its lifetime."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    remember: Mapped[bool] = mapped_column(default=False)
    # Shown to the seller in the list of their sessions, so they can spot one that is not theirs.
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(512))
    # The last time this browser gave the password (at log-in, or to confirm a sensitive act).
    authenticated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="sessions")

    def __repr__(self) -> str:
        return f"<LoginSession {self.id} user={self.user_id}>"


class RecoveryCode(db.Model):
    """One of the ten single-use codes that stand in for the authenticator app when it is lost.

    Only a SHA-256 of each code is kept: each is 64 random bits, too many to guess.
    """

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<RecoveryCode {self.id} user={self.user_id}>"


class LinkPurpose(StrEnum):
    """What a link sent by email lets its holder do; each purpose has its own lifetime."""

    VERIFY = "verify"  # confirm the address given at registration
    RESET = "reset"  # choose a new password
    EMAIL_CHANGE = "email_change"  # move the account to the new address the link went to
    EMAIL_CHANGE_CANCEL = "email_change_cancel"  # "this wasn't me", sent to the old address


class MailboxLink(db.Model):
    """A link we emailed whose use proves that its holder reads that mailbox.

    The row is the link's life: a link works only while its row exists, unused and unexpired
    (see :mod:`portal.auth.links`). Only a SHA-256 of the link's random secret is stored, as
    for login sessions: a copy of the database holds no working link.
    """

    __tablename__ = "mailbox_links"
    __table_args__ = (
        CheckConstraint(
            "purpose IN ('verify', 'reset', 'email_change', 'email_change_cancel')",
            name="purpose_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(24))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The address an email change moves the account to (on both of its links).
    new_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<MailboxLink {self.id} user={self.user_id} {self.purpose}>"

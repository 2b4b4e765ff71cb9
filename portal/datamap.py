"""The data map: every column the portal stores, classified.

Each personal column names its category from the policy's list, why it is kept, and what
happens to it on export and erasure. Every other column is declared not personal. A test
fails when a model gains a column that is in neither table, so nothing personal slips in
unclassified. The export (account issue) and erasure (retention issue) read this map.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    """The policy's categories, plus what is collected from interaction with the site."""

    NAME = "name"
    PHOTOGRAPHS = "photographs"
    IDENTIFICATION = "identification documents"
    ADDRESS = "address"
    EMAIL = "email"
    PHONE = "phone"
    FINANCIAL = "financial"
    INTERACTION = "interaction with the website"


class Retention(StrEnum):
    ACCOUNT = "while the account is active, then 3 months after termination"


@dataclass(frozen=True)
class Personal:
    category: Category
    purpose: str
    retention: Retention = Retention.ACCOUNT
    exported: bool = True
    erased: bool = True


PERSONAL: dict[str, Personal] = {
    "users.email": Personal(Category.EMAIL, "log-in, and every notice we send"),
    "users.full_name": Personal(Category.NAME, "identify the seller contractually"),
    "users.date_of_birth": Personal(Category.IDENTIFICATION, "refuse anyone under 18"),
    "users.phone_e164": Personal(Category.PHONE, "reach a seller whom email cannot"),
    "users.password_hash": Personal(
        Category.INTERACTION, "check the password at log-in", exported=False
    ),
    "users.totp_secret": Personal(
        Category.INTERACTION, "check two-factor codes (encrypted)", exported=False
    ),
    "seller_profiles.display_name": Personal(Category.NAME, "name the shop to buyers"),
    "seller_profiles.address_line1": Personal(Category.ADDRESS, "collection and returns"),
    "seller_profiles.address_line2": Personal(Category.ADDRESS, "collection and returns"),
    "seller_profiles.city": Personal(Category.ADDRESS, "collection and returns"),
    "seller_profiles.postcode": Personal(Category.ADDRESS, "collection and returns"),
    "seller_profiles.state": Personal(Category.ADDRESS, "collection and returns"),
    "seller_profiles.country": Personal(Category.ADDRESS, "collection and returns"),
    "bank_accounts.bank_code": Personal(Category.FINANCIAL, "pay the seller"),
    "bank_accounts.bank_other_name": Personal(Category.FINANCIAL, "pay the seller"),
    "bank_accounts.holder_name": Personal(Category.FINANCIAL, "pay the seller"),
    "bank_accounts.account_number": Personal(Category.FINANCIAL, "pay the seller (encrypted)"),
    "bank_accounts.account_number_last4": Personal(
        Category.FINANCIAL, "show which account without showing it all"
    ),
    "bank_accounts.account_number_digest": Personal(
        Category.FINANCIAL, "find one account used by two sellers (keyed hash)", exported=False
    ),
    "profile_changes.old_value": Personal(Category.INTERACTION, "history of the seller's data"),
    "profile_changes.new_value": Personal(Category.INTERACTION, "history of the seller's data"),
    "login_sessions.ip_address": Personal(Category.INTERACTION, "list the seller's sessions"),
    "login_sessions.user_agent": Personal(Category.INTERACTION, "list the seller's sessions"),
    "recovery_codes.code_hash": Personal(
        Category.INTERACTION, "log in without the authenticator app", exported=False
    ),
    "consent_records.ip_address": Personal(Category.INTERACTION, "proof of consent"),
    "consent_records.user_agent": Personal(Category.INTERACTION, "proof of consent"),
    "outbox_messages.recipient": Personal(Category.EMAIL, "deliver the notice"),
    "outbox_messages.subject": Personal(Category.INTERACTION, "show the notice in the portal"),
    "outbox_messages.body_text": Personal(Category.INTERACTION, "show the notice in the portal"),
    "outbox_messages.body_html": Personal(Category.INTERACTION, "show the notice in the portal"),
}

# Keys, timestamps, counters and settings: about an account, but not personal data in
# themselves; they go with the row they belong to.
NOT_PERSONAL: frozenset[str] = frozenset(
    {
        "users.id", "users.role", "users.status", "users.created_at", "users.email_verified_at",
        "users.last_login_at", "users.password_changed_at", "users.locale", "users.timezone",
        "users.failed_login_count", "users.last_failed_login_at", "users.lockout_notified_at",
        "login_sessions.id", "login_sessions.user_id", "login_sessions.token_hash",
        "login_sessions.created_at", "login_sessions.last_seen_at", "login_sessions.expires_at",
        "login_sessions.remember",
        "consent_records.id", "consent_records.user_id", "consent_records.policy_version_id",
        "consent_records.accepted_at", "consent_records.context",
        "outbox_messages.id", "outbox_messages.user_id", "outbox_messages.kind",
        "outbox_messages.message_id", "outbox_messages.status", "outbox_messages.attempts",
        "outbox_messages.created_at", "outbox_messages.sent_at", "outbox_messages.last_error",
        "users.identity_verified_at", "users.totp_enabled_at", "users.totp_last_step",
        "login_sessions.authenticated_at",
        "seller_profiles.user_id", "seller_profiles.last_reviewed_at",
        "seller_profiles.review_reminded_at", "seller_profiles.updated_at",
        "bank_accounts.user_id", "bank_accounts.updated_at",
        "profile_changes.id", "profile_changes.user_id", "profile_changes.field",
        "profile_changes.changed_at", "profile_changes.actor", "profile_changes.actor_id",
        "recovery_codes.id", "recovery_codes.user_id", "recovery_codes.created_at",
        "recovery_codes.used_at",
        "policy_versions.id", "policy_versions.version", "policy_versions.body_markdown",
        "policy_versions.summary", "policy_versions.published_at", "policy_versions.effective_at",
    }
)  # fmt: skip

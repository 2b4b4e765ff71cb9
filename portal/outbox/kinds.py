"""What each kind of email is, for the places that show mail again after it was sent.

Security notices (about the account's safety) and legal notices (about the seller's rights
under the policy) are marked as such in the notification centre. Links that prove the
mailbox are hidden by their address, whatever the kind (:mod:`portal.outbox.redaction`).
"""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    SECURITY = "security"
    LEGAL = "legal"
    GENERAL = "general"


SECURITY_KINDS = frozenset(
    {
        "bank_details_changed",
        "breach_notice",  # a data breach affected the seller (PDPA s.12B)
        "email_change_cancelled",
        "email_change_requested",
        "email_changed",
        "login_locked",
        "password_changed",
        "recovery_codes_replaced",
        "register_existing",
        "reset_password",
        "two_factor_disabled",
        "two_factor_enabled",
        "two_factor_failed",
    }
)

# The policy, termination and disclosure issues add their notices here.
LEGAL_KINDS = frozenset(
    {
        "policy_changed",
        "account_terminated",
        "deletion_reminder",
        "account_frozen_age",
        "legal_disclosure",
    }
)


def category(kind: str) -> Category:
    if kind in SECURITY_KINDS:
        return Category.SECURITY
    if kind in LEGAL_KINDS:
        return Category.LEGAL
    return Category.GENERAL

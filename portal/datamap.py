"""The data map: every column and stored file the portal keeps, classified.

Each personal column names its category from the policy's list, why it is kept, its
retention rule (a key of ``portal.retention.rules.RULES``), whether it goes into the
seller's export, and what erasure does to it. Every other column is declared not personal.
``SELLER_TABLES`` says how each table's rows belong to a seller (and which stored files they
name); ``OTHER_TABLES`` says why a table belongs to no seller; ``ACCOUNT_REFERENCES`` says
what erasing an account does through each column that names it. The export, the erasure
routine (:mod:`portal.erasure`, which imports no feature: this map is all it knows) and the
public retention schedule all read this module, and tests fail when a column or table is
left out of it, so a column added next year cannot escape export or deletion. ``LEGAL_BASES``
gives each category the PDPA ground it is processed on; with the columns' purposes, the
registry and the retention rules it makes the record of processing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from flask_babel import lazy_gettext as _l


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


# Each category as every page, notice and record names it, in the policy's order: the
# registry's choices, a breach's categories, the record of processing.
CATEGORY_NAMES: dict[Category, object] = {
    Category.NAME: _l("Name"),
    Category.PHOTOGRAPHS: _l("Photographs"),
    Category.IDENTIFICATION: _l("Identification documents"),
    Category.ADDRESS: _l("Address"),
    Category.EMAIL: _l("Email"),
    Category.PHONE: _l("Phone number"),
    Category.FINANCIAL: _l("Financial details"),
    Category.INTERACTION: _l("Use of the portal (log-ins, notices, history)"),
}


def category_name(value: str):
    """A category (its stored value) as the reader says it; an unknown value as stored."""
    try:
        return CATEGORY_NAMES[Category(value)]
    except ValueError:
        return value


def category_names(values: Iterable[str]) -> str:
    """Categories in the policy's order, as the reader says them: "Name, Address, Phone"."""
    order = {category.value: n for n, category in enumerate(CATEGORY_NAMES)}
    ordered = sorted(values, key=lambda value: order.get(value, len(order)))
    return ", ".join(str(category_name(value)) for value in ordered)


class LegalBasis(StrEnum):
    """The grounds on which the PDPA lets personal data be processed (s.6, the General
    Principle): the seller's consent, or one of the cases of s.6(2) that need none."""

    CONSENT = "consent"  # s.6(1)(a): given at registration, naming the policy version
    CONTRACT = "contract"  # s.6(2)(a): to perform the seller's contract with Koopseri
    LEGAL_OBLIGATION = "legal obligation"  # s.6(2)(c): a duty the law puts on Koopseri


# On which grounds each category is processed; the record of processing
# (portal.retention.processing) prints them beside the purposes of the columns below. The
# policy asks consent at registration for all of it; where the data is also needed to trade
# (pay the seller, collect parcels) or by law (identity, proof of consent), that is said too.
LEGAL_BASES: dict[Category, tuple[LegalBasis, ...]] = {
    Category.NAME: (LegalBasis.CONSENT, LegalBasis.CONTRACT),
    Category.PHOTOGRAPHS: (LegalBasis.CONSENT,),
    Category.IDENTIFICATION: (
        LegalBasis.CONSENT,
        LegalBasis.CONTRACT,
        LegalBasis.LEGAL_OBLIGATION,
    ),
    Category.ADDRESS: (LegalBasis.CONSENT, LegalBasis.CONTRACT),
    Category.EMAIL: (LegalBasis.CONSENT, LegalBasis.CONTRACT),
    Category.PHONE: (LegalBasis.CONSENT, LegalBasis.CONTRACT),
    Category.FINANCIAL: (LegalBasis.CONSENT, LegalBasis.CONTRACT),
    Category.INTERACTION: (LegalBasis.CONSENT, LegalBasis.CONTRACT, LegalBasis.LEGAL_OBLIGATION),
}


class Retention(StrEnum):
    """The rules of the retention schedule, by key (see ``portal.retention.rules``)."""

    ACCOUNT = "account"  # while active, then 3 months after termination
    UNVERIFIED = "unverified"  # registrations never confirmed: 7 days
    TOKENS = "tokens"  # expired sessions, used recovery codes: at once
    REPORT = "minor_report"  # reporters' data: 6 months after the report closes
    MAIL = "mail"  # copies of emails to sellers: 24 months
    OTHER_MAIL = "other_mail"  # emails to people without an account: 6 months
    ACCESS_LOG = "access_log"  # staff, or the marketplace, looking at a seller's data: 2 years
    REQUEST = "privacy_request"  # data-subject requests: 6 years after closing
    BREACH = "breach"  # the breach register (PDPA s.12B): 6 years after discovery
    RECORD = "record"  # not personal: kept


class Erase(StrEnum):
    """What erasing data does to a column: a personal column's own erasure (with the seller,
    or by its retention rule), and what erasing an account does through a column that names
    it (``ACCOUNT_REFERENCES``)."""

    DELETE = "delete"  # the row goes with the seller
    BLANK = "blank"  # the row stays (it is someone else's record); the value is emptied


@dataclass(frozen=True)
class Personal:
    category: Category
    purpose: str
    retention: Retention = Retention.ACCOUNT
    exported: bool = True
    erase: Erase = Erase.DELETE


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
    # Business and tax identity (issue 23). How the seller sells says which of the rest
    # apply. The SSM and SST numbers identify the seller's business to the authorities
    # (identification); the TIN is the seller's (or their business's) number with the tax
    # authority, LHDN: a financial identifier, encrypted like the bank account number.
    "business_details.selling_as": Personal(
        Category.IDENTIFICATION, "know which business and tax details to ask for"
    ),
    "business_details.business_name": Personal(
        Category.NAME, "identify the registered business, and check the bank account's name"
    ),
    "business_details.ssm_number": Personal(
        Category.IDENTIFICATION, "identify the registered business (SSM)"
    ),
    "business_details.ssm_old_number": Personal(
        Category.IDENTIFICATION, "identify the registered business (SSM, the older number)"
    ),
    "business_details.tin": Personal(
        Category.FINANCIAL, "the tax identification number for invoices and tax (encrypted)"
    ),
    "business_details.tin_last4": Personal(
        Category.FINANCIAL, "show which tax identification number without showing it all"
    ),
    "business_details.sst_registered": Personal(
        Category.FINANCIAL, "know whether sales and service tax applies"
    ),
    "business_details.sst_number": Personal(
        Category.IDENTIFICATION, "identify the business registered for SST"
    ),
    "profile_changes.old_value": Personal(Category.INTERACTION, "history of the seller's data"),
    "profile_changes.new_value": Personal(Category.INTERACTION, "history of the seller's data"),
    "login_sessions.ip_address": Personal(
        Category.INTERACTION, "list the seller's sessions", Retention.TOKENS
    ),
    "login_sessions.user_agent": Personal(
        Category.INTERACTION, "list the seller's sessions", Retention.TOKENS
    ),
    "recovery_codes.code_hash": Personal(
        Category.INTERACTION,
        "log in without the authenticator app",
        Retention.TOKENS,
        exported=False,
    ),
    # The address an email change would move the account to, until the change is made,
    # cancelled or expires. The whole table stays out of the export: its rows are secrets.
    "mailbox_links.new_email": Personal(
        Category.EMAIL,
        "confirm a new email address before using it",
        Retention.TOKENS,
        exported=False,
    ),
    "consent_records.ip_address": Personal(Category.INTERACTION, "proof of consent"),
    "consent_records.user_agent": Personal(Category.INTERACTION, "proof of consent"),
    "outbox_messages.recipient": Personal(Category.EMAIL, "deliver the notice", Retention.MAIL),
    "outbox_messages.subject": Personal(
        Category.INTERACTION, "show the notice in the portal", Retention.MAIL
    ),
    "outbox_messages.body_text": Personal(
        Category.INTERACTION, "show the notice in the portal", Retention.MAIL
    ),
    "outbox_messages.body_html": Personal(
        Category.INTERACTION, "show the notice in the portal", Retention.MAIL, exported=False
    ),
    "documents.identity_type": Personal(Category.IDENTIFICATION, "know which sides to check"),
    "documents.rejection_reasons": Personal(
        Category.IDENTIFICATION, "tell the seller what to fix in a document"
    ),
    "documents.rejection_note": Personal(
        Category.IDENTIFICATION, "tell the seller what to fix in a document"
    ),
    "contact_attempts.note": Personal(
        Category.INTERACTION, "what staff learnt when reaching the seller another way"
    ),
    "identity_numbers.identity_type": Personal(
        Category.IDENTIFICATION, "know which number was given: MyKad or passport"
    ),
    "identity_numbers.number": Personal(
        Category.IDENTIFICATION, "check the identity document against the person (encrypted)"
    ),
    "identity_numbers.number_digest": Personal(
        Category.IDENTIFICATION,
        "find one identity number given by two accounts (keyed hash)",
        exported=False,
    ),
    "identity_numbers.number_last4": Personal(
        Category.IDENTIFICATION, "show which number without showing it all"
    ),
    "identity_numbers.passport_country": Personal(
        Category.IDENTIFICATION, "check the passport: the country that issued it"
    ),
    "identity_numbers.passport_expires_on": Personal(
        Category.IDENTIFICATION, "ask for a new passport before this one expires"
    ),
    "minor_reports.reporter_name": Personal(
        Category.NAME, "follow up a report", Retention.REPORT, exported=False, erase=Erase.BLANK
    ),
    "minor_reports.reporter_email": Personal(
        Category.EMAIL, "follow up a report", Retention.REPORT, exported=False, erase=Erase.BLANK
    ),
    "minor_reports.seller_hint": Personal(
        Category.NAME,
        "find the account reported",
        Retention.REPORT,
        exported=False,
        erase=Erase.BLANK,
    ),
    "minor_reports.closing_reason": Personal(
        Category.INTERACTION,
        "why staff closed a report",
        Retention.REPORT,
        exported=False,
        erase=Erase.BLANK,
    ),
    "minor_reports.description": Personal(
        Category.INTERACTION,
        "judge the report",
        Retention.REPORT,
        exported=False,
        erase=Erase.BLANK,
    ),
    # A data-subject request is Koopseri's record of a statutory duty (PDPA s.30-31, s.35,
    # s.43A): it outlives the account and goes by its own rule once closed. The seller's
    # export includes their own requests (EXPORTED_RECORDS below).
    "privacy_requests.details": Personal(
        Category.INTERACTION, "answer a data-subject request", Retention.REQUEST, erase=Erase.BLANK
    ),
    "privacy_requests.requester_email": Personal(
        Category.EMAIL,
        "answer a request made without an account",
        Retention.REQUEST,
        erase=Erase.BLANK,
    ),
    "privacy_requests.extension_reason": Personal(
        Category.INTERACTION,
        "tell the requester why the answer takes longer",
        Retention.REQUEST,
        erase=Erase.BLANK,
    ),
    "privacy_requests.outcome": Personal(
        Category.INTERACTION, "what the requester was told", Retention.REQUEST, erase=Erase.BLANK
    ),
    # A request typed into the public form, until the code emailed to its address is entered.
    "privacy_request_codes.email": Personal(
        Category.EMAIL,
        "send the code that confirms a request",
        Retention.TOKENS,
        exported=False,
        erase=Erase.BLANK,
    ),
    "privacy_request_codes.details": Personal(
        Category.INTERACTION,
        "file the request once its code is entered",
        Retention.TOKENS,
        exported=False,
        erase=Erase.BLANK,
    ),
    "staff_access_log.reason": Personal(
        Category.INTERACTION, "show the seller why staff looked at their data", Retention.ACCESS_LOG
    ),
    "disclosures.legal_basis": Personal(
        Category.INTERACTION, "record why the law required a disclosure"
    ),
    "disclosures.documents_released": Personal(
        Category.INTERACTION, "record what was released to an authority"
    ),
    # Shown to admins only: the seller must not learn of a withheld disclosure until released.
    "disclosures.withheld_reason": Personal(
        Category.INTERACTION, "why a disclosure is withheld from the seller", exported=False
    ),
    "store_connections.store_url": Personal(Category.INTERACTION, "link the seller's online store"),
    # The seller's own store keys: they reach the store, so they never leave in an export.
    "store_connections.consumer_key": Personal(
        Category.INTERACTION, "reach the seller's store through its API (encrypted)", exported=False
    ),
    "store_connections.consumer_secret": Personal(
        Category.INTERACTION, "reach the seller's store through its API (encrypted)", exported=False
    ),
    "store_connections.key_hint": Personal(
        Category.INTERACTION, "show which store key is in use without showing it"
    ),
    "store_connections.customer_id": Personal(
        Category.INTERACTION, "remove the record the portal made in the seller's store"
    ),
    # Derived from the name, shop name, email and phone above; rebuilt when they change.
    "seller_search_terms.term": Personal(
        Category.NAME,
        "let staff find the account by name, shop name, email or phone number",
        exported=False,
    ),
}

# Stored files, by document kind and purpose ("<kind>/<purpose>"). Originals are evidence:
# kept encrypted, never served, and so not exported either (they may carry metadata).
STORED_FILES: dict[str, Personal] = {
    **{
        f"{kind}/{purpose}": Personal(Category.PHOTOGRAPHS, "show the seller and their shop")
        for kind in ("profile_photo", "shop_photo")
        for purpose in ("display", "thumbnail")
    },
    "identity/original": Personal(
        Category.IDENTIFICATION, "evidence of the identity checked (encrypted)", exported=False
    ),
    "identity/display": Personal(Category.IDENTIFICATION, "check the seller's identity"),
    "identity/thumbnail": Personal(Category.IDENTIFICATION, "check the seller's identity"),
    "bank_proof/original": Personal(
        Category.FINANCIAL, "evidence of the bank account checked (encrypted)", exported=False
    ),
    "bank_proof/display": Personal(Category.FINANCIAL, "check the bank account is the seller's"),
    "bank_proof/thumbnail": Personal(Category.FINANCIAL, "check the bank account is the seller's"),
    "business_registration/original": Personal(
        Category.IDENTIFICATION,
        "evidence of the business registration checked (encrypted)",
        exported=False,
    ),
    "business_registration/display": Personal(
        Category.IDENTIFICATION, "check the seller's business is registered"
    ),
    "business_registration/thumbnail": Personal(
        Category.IDENTIFICATION, "check the seller's business is registered"
    ),
}

# Files that are not a seller's document: a minor report's supporting file (a clean copy).
OTHER_FILES: dict[str, Personal] = {
    "minor_report/attachment": Personal(
        Category.INTERACTION,
        "judge a report about a minor",
        Retention.REPORT,
        exported=False,
        erase=Erase.BLANK,
    ),
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
        "consent_records.accepted_at", "consent_records.context", "consent_records.language",
        "outbox_messages.id", "outbox_messages.user_id", "outbox_messages.kind",
        "outbox_messages.message_id", "outbox_messages.status", "outbox_messages.attempts",
        "outbox_messages.created_at", "outbox_messages.sent_at", "outbox_messages.last_error",
        "users.identity_verified_at", "users.totp_enabled_at", "users.totp_last_step",
        "login_sessions.authenticated_at",
        "seller_profiles.user_id", "seller_profiles.last_reviewed_at",
        "seller_profiles.review_reminded_at", "seller_profiles.updated_at",
        "bank_accounts.user_id", "bank_accounts.updated_at",
        "business_details.user_id", "business_details.updated_at",
        "profile_changes.id", "profile_changes.user_id", "profile_changes.field",
        "profile_changes.changed_at", "profile_changes.actor", "profile_changes.actor_id",
        "recovery_codes.id", "recovery_codes.user_id", "recovery_codes.created_at",
        "recovery_codes.used_at",
        "policy_versions.id", "policy_versions.version", "policy_versions.body_markdown",
        "policy_versions.summary", "policy_versions.published_at", "policy_versions.effective_at",
        "policy_translations.id", "policy_translations.policy_version_id",
        "policy_translations.language", "policy_translations.body_markdown",
        "policy_translations.summary",
        "documents.id", "documents.user_id", "documents.kind", "documents.slot",
        "documents.uploaded_at", "documents.revision", "documents.status",
        "documents.reviewed_at", "documents.reviewer_id",
        "identity_numbers.user_id", "identity_numbers.updated_at",
        "document_files.id", "document_files.document_id", "document_files.purpose",
        "document_files.page", "document_files.storage_key", "document_files.key_id",
        "document_files.content_type", "document_files.size_bytes", "document_files.width",
        "document_files.height", "document_files.created_at",
        "staff_access_log.id", "staff_access_log.seller_id", "staff_access_log.staff_id",
        "staff_access_log.staff_role", "staff_access_log.subject", "staff_access_log.object_id",
        "staff_access_log.accessed_at",
        "outbox_messages.next_attempt_at", "outbox_messages.claim_token",
        "outbox_messages.claimed_until", "outbox_messages.read_at",
        "seller_reachability.user_id", "seller_reachability.email_failures",
        "seller_reachability.unreachable_since",
        "policy_drafts.id", "policy_drafts.body_markdown", "policy_drafts.summary",
        "policy_drafts.body_markdown_ms", "policy_drafts.summary_ms",
        "policy_drafts.effective_at", "policy_drafts.updated_at", "policy_drafts.updated_by",
        "minor_reports.id", "minor_reports.reference", "minor_reports.relationship",
        "minor_reports.status", "minor_reports.created_at", "minor_reports.closed_at",
        "minor_reports.matched_user_id", "minor_reports.closed_by",
        "minor_reports.file_key", "minor_reports.file_content_type", "minor_reports.file_size",
        "minor_reports.form_nonce_hash",
        "audit_events.id", "audit_events.at", "audit_events.actor_id",
        "audit_events.actor_role", "audit_events.action", "audit_events.subject_type",
        "audit_events.subject_id", "audit_events.detail",
        "erasures.id", "erasures.account_id", "erasures.erased_at", "erasures.reason",
        "erasures.reference",
        "contact_attempts.id", "contact_attempts.user_id", "contact_attempts.staff_id",
        "contact_attempts.channel", "contact_attempts.outcome", "contact_attempts.attempted_at",
        "users.terminated_at", "users.deletion_due_at", "users.deletion_reminded_at",
        "users.disabled_at",
        "pending_file_deletions.id", "pending_file_deletions.store",
        "pending_file_deletions.key", "pending_file_deletions.queued_at",
        "erasure_requests.id", "erasure_requests.erasure_id",
        "erasure_requests.third_party_id", "erasure_requests.disclosure_refs",
        "erasure_requests.status", "erasure_requests.attempts", "erasure_requests.created_at",
        "erasure_requests.sent_at", "erasure_requests.outcome",
        "erasure_requests.channel", "erasure_requests.partner_refs",
        "erasure_requests.credentials", "erasure_requests.contact",
        "erasure_requests.answered_at", "erasure_requests.answer",
        "third_parties.id", "third_parties.slug", "third_parties.name", "third_parties.service",
        "third_parties.purpose", "third_parties.service_ms", "third_parties.purpose_ms",
        "third_parties.categories", "third_parties.country",
        "third_parties.privacy_url", "third_parties.created_at", "third_parties.updated_at",
        "third_parties.retired_at",
        "third_parties.contract_reference", "third_parties.contract_signed_on",
        "third_parties.breach_notice_hours", "third_parties.transfer_basis",
        "third_parties.transfer_review_on", "third_parties.connector",
        "third_parties.privacy_email",
        "disclosures.id", "disclosures.user_id", "disclosures.kind", "disclosures.third_party_id",
        "disclosures.recipient", "disclosures.categories", "disclosures.purpose",
        "disclosures.reference", "disclosures.partner_reference", "disclosures.outcome",
        "disclosures.disclosed_at", "disclosures.created_at", "disclosures.withheld",
        "disclosures.review_on", "disclosures.recorded_by",
        "pickups.id", "pickups.user_id", "pickups.third_party_id", "pickups.pickup_date",
        "pickups.parcel_size", "pickups.disclosure_id", "pickups.created_at",
        "pickups.status", "pickups.cancelled_at", "pickups.cancellation_id",
        "disclosures.cancels_reference",
        "corrections.id", "corrections.user_id", "corrections.third_party_id",
        "corrections.category", "corrections.reference", "corrections.corrects",
        "corrections.status", "corrections.reason", "corrections.attempts",
        "corrections.outcome", "corrections.corrected_at", "corrections.sent_at",
        "corrections.disclosure_id", "corrections.handled_at", "corrections.handled_by",
        "store_connections.user_id", "store_connections.third_party_id",
        "store_connections.disclosure_id", "store_connections.connected_at",
        "seller_search_terms.seller_id",
        "users.two_factor_failures", "users.last_two_factor_failure_at",
        "users.two_factor_alerted_at",
        "mailbox_links.id", "mailbox_links.user_id", "mailbox_links.purpose",
        "mailbox_links.token_hash", "mailbox_links.created_at", "mailbox_links.expires_at",
        "mailbox_links.used_at",
        "erasure_proposals.id", "erasure_proposals.user_id", "erasure_proposals.source",
        "erasure_proposals.report_id", "erasure_proposals.document_id",
        "erasure_proposals.proposed_by", "erasure_proposals.proposed_at",
        "privacy_requests.id", "privacy_requests.reference", "privacy_requests.kind",
        "privacy_requests.user_id", "privacy_requests.locale", "privacy_requests.status",
        "privacy_requests.received_at", "privacy_requests.due_on",
        "privacy_requests.extended_at", "privacy_requests.closed_at",
        "privacy_requests.closed_by", "privacy_requests.refusal_ground",
        "privacy_requests.copy_token_hash", "privacy_requests.copy_expires_at",
        "privacy_request_codes.id", "privacy_request_codes.kind",
        "privacy_request_codes.locale", "privacy_request_codes.code_digest",
        "privacy_request_codes.created_at", "privacy_request_codes.expires_at",
        "privacy_request_codes.attempts", "privacy_request_codes.used_at",
        # The breach register (PDPA s.12B) describes an incident, not a person: staff write
        # what happened and what was done, and name no seller there (the sellers it affected
        # are the rows of breach_notices). The whole register goes by Retention.BREACH.
        "breaches.id", "breaches.discovered_at", "breaches.description", "breaches.categories",
        "breaches.systems", "breaches.containment", "breaches.harm_financial_loss",
        "breaches.harm_sensitive_data", "breaches.harm_financial_data",
        "breaches.harm_identity_fraud", "breaches.harm_over_1000", "breaches.recorded_by",
        "breaches.recorded_at", "breaches.commissioner_notified_at", "breaches.late_reason",
        "breaches.follow_up_at", "breaches.selection", "breaches.selected_count",
        "breaches.message_en", "breaches.message_ms", "breaches.notify_started_at",
        "breaches.notified_at",
        "breach_events.id", "breach_events.breach_id", "breach_events.at", "breach_events.kind",
        "breach_events.note", "breach_events.staff_id",
        # That a breach affected the seller, and when they were told: the seller's (exported,
        # erased with them), and gone with the breach after Retention.BREACH.
        "breach_notices.id", "breach_notices.breach_id", "breach_notices.user_id",
        "breach_notices.selected_at", "breach_notices.queued_at",
        # Verification (issue 23): codes and dates about the account (which requirement,
        # its state, its deadline, the last email about it), the seller's, nothing more.
        "verification_requirements.user_id", "verification_requirements.code",
        "verification_requirements.state", "verification_requirements.deadline",
        "verification_requirements.since", "verification_requirements.notified",
        "verification_requirements.updated_at",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Files:
    """The stored files a table's rows name: which ``store`` holds them, and the row's
    ``columns`` their key is made from. Erasing the rows deletes the files after the commit
    (the stores are in ``portal.erasure.files``)."""

    store: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class SellerTable:
    """How a table's rows belong to a seller: ``owner`` holds the seller's id, directly or,
    with ``via``, through a parent table (``via`` = (parent table, parent's owner column))."""

    owner: str
    via: tuple[str, str] | None = None
    # Rows the seller must not receive in their export (a disclosure withheld by law).
    export_filter: str | None = None
    files: Files | None = None


# Every table whose rows are a seller's data. Erasure deletes these rows (children first);
# the export reads them. The account row itself comes last.
SELLER_TABLES: dict[str, SellerTable] = {
    "seller_profiles": SellerTable("user_id"),
    "bank_accounts": SellerTable("user_id"),
    "business_details": SellerTable("user_id"),
    "profile_changes": SellerTable("user_id"),
    "login_sessions": SellerTable("user_id"),
    "recovery_codes": SellerTable("user_id"),
    "mailbox_links": SellerTable("user_id"),
    "consent_records": SellerTable("user_id"),
    # The copy of each message the development transport wrote (``<created>-<id>.eml``).
    "outbox_messages": SellerTable("user_id", files=Files("mail", ("created_at", "id"))),
    "documents": SellerTable("user_id"),
    "identity_numbers": SellerTable("user_id"),
    "document_files": SellerTable(
        "document_id", via=("documents", "user_id"), files=Files("documents", ("storage_key",))
    ),
    "staff_access_log": SellerTable("seller_id"),
    "contact_attempts": SellerTable("user_id"),
    "seller_reachability": SellerTable("user_id"),
    # Corrections owed to third parties (PDPA s.35): before the disclosures they point at.
    "corrections": SellerTable("user_id"),
    # A transfer's copy, written by a development set-up instead of being sent.
    "disclosures": SellerTable(
        "user_id",
        export_filter="withheld",
        files=Files("shared", ("kind", "third_party_id", "reference")),
    ),
    "pickups": SellerTable("user_id"),
    "store_connections": SellerTable("user_id"),
    "seller_search_terms": SellerTable("seller_id"),
    # Staff's pending decision to erase the account, short-lived: it goes with the account
    # or when withdrawn. Not exported (below): the seller is told of the freeze it causes.
    "erasure_proposals": SellerTable("user_id"),
    # The breaches that affected the seller and when each notice was sent (PDPA s.12B).
    "breach_notices": SellerTable("user_id"),
    # Where the seller stands in verification: exported, and erased with the account.
    "verification_requirements": SellerTable("user_id"),
    "users": SellerTable("id"),
}

# Every column that holds an account's id, and what erasing the account does through it.
# DELETE: the row is the seller's and goes with them (the owners of SELLER_TABLES above).
# BLANK: the row is someone else's record (a staff member's act, a report, the audit trail)
# and stays, naming no one: the database empties the column as the account row goes (ON
# DELETE SET NULL; the audit trail refuses the application's UPDATEs), and a test holds the
# schema to this map.
ACCOUNT_REFERENCES: dict[str, Erase] = {
    **{
        f"{name}.{owned.owner}": Erase.DELETE
        for name, owned in SELLER_TABLES.items()
        if owned.via is None
    },
    "audit_events.actor_id": Erase.BLANK,
    "breach_events.staff_id": Erase.BLANK,
    "breaches.recorded_by": Erase.BLANK,
    "contact_attempts.staff_id": Erase.BLANK,
    "corrections.handled_by": Erase.BLANK,
    "disclosures.recorded_by": Erase.BLANK,
    "documents.reviewer_id": Erase.BLANK,
    "erasure_proposals.proposed_by": Erase.BLANK,
    "minor_reports.closed_by": Erase.BLANK,
    "minor_reports.matched_user_id": Erase.BLANK,
    "policy_drafts.updated_by": Erase.BLANK,
    "privacy_requests.closed_by": Erase.BLANK,
    "privacy_requests.user_id": Erase.BLANK,
    "profile_changes.actor_id": Erase.BLANK,
    "staff_access_log.staff_id": Erase.BLANK,
}

# Tables that belong to no seller, and why erasing one leaves them as they are.
OTHER_TABLES: dict[str, str] = {
    "policy_versions": "the published policies, the same for everyone",
    "policy_translations": "the published policies in Malay, the same for everyone",
    "policy_drafts": "the next policy, written by staff",
    "third_parties": "the registry of companies, not of people",
    "audit_events": "staff actions, by ids and kinds only",
    "erasures": "that an account was erased: id, time and reason only",
    "erasure_requests": "requests sent to third parties: references only",
    "pending_file_deletions": "storage keys of files already due for deletion",
    "minor_reports": "the reporter's record; the seller's id is set to NULL when they go",
    "privacy_requests": "the record of a statutory duty; the seller's id is set to NULL when "
    "they go, the rest by its retention rule",
    "privacy_request_codes": "a public request waiting for its code, deleted once used or expired",
    "breaches": "the breach register: an incident, not a person (PDPA s.12B)",
    "breach_events": "a breach's timeline, written by staff: append-only",
}

# Records that are not the seller's (erasing the account leaves them, above) but that are
# about the seller, so their export includes them: how each names the seller.
EXPORTED_RECORDS: dict[str, SellerTable] = {
    "privacy_requests": SellerTable("user_id"),
}

# Columns never put in an export, personal or not: secrets and internal plumbing.
NEVER_EXPORTED: frozenset[str] = frozenset(
    {
        "users.password_hash", "users.totp_secret", "users.totp_last_step",
        "login_sessions.token_hash", "recovery_codes.code_hash",
        "bank_accounts.account_number_digest", "identity_numbers.number_digest",
        "outbox_messages.claim_token", "outbox_messages.claimed_until",
        "outbox_messages.message_id", "outbox_messages.last_error",
        "document_files.storage_key", "document_files.key_id",
        "disclosures.withheld", "disclosures.withheld_reason", "disclosures.review_on",
        "disclosures.recorded_by", "seller_search_terms.seller_id",
        "corrections.handled_by",
        # A link waiting in the seller's mailbox is a secret like a session's token: none of
        # its row goes out (the bodies of the emails that carried them are redacted too).
        "mailbox_links.id", "mailbox_links.user_id", "mailbox_links.purpose",
        "mailbox_links.token_hash", "mailbox_links.created_at", "mailbox_links.expires_at",
        "mailbox_links.used_at",
        "erasure_proposals.id", "erasure_proposals.user_id", "erasure_proposals.source",
        "erasure_proposals.report_id", "erasure_proposals.document_id",
        "erasure_proposals.proposed_by", "erasure_proposals.proposed_at",
        # Who closed a request is staff's, and the copy link is a secret like a session's.
        "privacy_requests.closed_by", "privacy_requests.copy_token_hash",
    }
)  # fmt: skip


def exported_columns(table) -> list[str]:
    """The columns of ``table`` (a SQLAlchemy Table) that go into the seller's export."""
    names = []
    for column in table.columns:
        key = f"{table.name}.{column.name}"
        personal = PERSONAL.get(key)
        if key in NEVER_EXPORTED or (personal is not None and not personal.exported):
            continue
        names.append(column.name)
    return names


def names_an_account(column) -> bool:
    """Whether ``column`` (a SQLAlchemy Column) holds an account's id."""
    return (column.table.name, column.name) == ("users", "id") or any(
        key.column.table.name == "users" for key in column.foreign_keys
    )


def unclassified(metadata) -> list[str]:
    """Columns and tables of ``metadata`` that this map does not account for, and columns
    naming an account for which it does not say what erasure does."""
    problems = [
        f"{table.name}.{column.name}"
        for table in metadata.sorted_tables
        for column in table.columns
        if f"{table.name}.{column.name}" not in PERSONAL
        and f"{table.name}.{column.name}" not in NOT_PERSONAL
    ]
    problems += [
        table.name
        for table in metadata.sorted_tables
        if table.name not in SELLER_TABLES and table.name not in OTHER_TABLES
    ]
    problems += [
        f"{table.name}.{column.name} (names an account: say what erasure does)"
        for table in metadata.sorted_tables
        for column in table.columns
        if names_an_account(column) and f"{table.name}.{column.name}" not in ACCOUNT_REFERENCES
    ]
    return problems

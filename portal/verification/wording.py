"""How people read verification: each requirement's name, its state and its reason in
words, and where the seller goes to complete it. Shared by the dashboard, the back office
and the emails, so the three never say it differently."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.verification.states import Code, Requirement, State, Status

LABELS = {
    Code.IDENTITY: _l("Identity document and number"),
    Code.BANK: _l("Bank account in your own name"),
    Code.ADDRESS: _l("Postal address"),
    Code.BUSINESS: _l("Business details"),
    Code.PASSPORT_VALID: _l("A passport that has not expired"),
}

STATES = {
    State.CURRENTLY_DUE: _l("To do"),
    State.EVENTUALLY_DUE: _l("Later"),
    State.PAST_DUE: _l("Past due"),
    State.PENDING_VERIFICATION: _l("We are checking it"),
    State.SATISFIED: _l("Done"),
}

STATUSES = {
    Status.VERIFIED: _l("Verified"),
    Status.PENDING: _l("We are checking what you sent"),
    Status.ACTION_NEEDED: _l("Action needed"),
    Status.RESTRICTED: _l("Restricted"),
}

REASONS = {
    "missing": _l("Not given yet."),
    "rejected": _l("We could not accept the document you sent: please send it again."),
    "number_missing": _l("The number of your identity document is missing."),
    "holder_name_differs": _l(
        "The account holder's name is not the name on your identity document or business "
        "registration: send a proof of bank account."
    ),
    "selling_as_missing": _l("Tell us whether you sell as an individual or as a business."),
    "incomplete": _l("Some of your business details are missing."),
    "registration_document_missing": _l(
        "Send your SSM certificate or business registration document."
    ),
    "registration_document_rejected": _l(
        "We could not accept your business registration document: please send it again."
    ),
    "expiring": _l("Your passport expires soon: send your new one."),
    "expired": _l("Your passport has expired: send your new one."),
}

# The restricted account's reason, as a sentence: what is past due.
RESTRICTED_BECAUSE = {
    Code.IDENTITY: _l("your identity document and number are past due"),
    Code.BANK: _l("your bank account details are past due"),
    Code.ADDRESS: _l("your postal address is past due"),
    Code.BUSINESS: _l("your business details are past due"),
    Code.PASSPORT_VALID: _l("your passport has expired"),
}

# Where the seller completes each requirement: an endpoint and the section on its page.
_LINKS = {
    Code.IDENTITY: ("documents.index", "identity"),
    Code.ADDRESS: ("profile.address", None),
    Code.BUSINESS: ("profile.business", None),
    Code.PASSPORT_VALID: ("documents.index", "identity"),
}


# The business details are given; what is asked is the SSM certificate, sent on the documents
# page, not the details' own form.
_ASKS_FOR_REGISTRATION_DOCUMENT = frozenset(
    {"registration_document_missing", "registration_document_rejected"}
)


def link_of(requirement: Requirement) -> tuple[str, str | None]:
    """(endpoint, section) where the seller does what ``requirement`` asks."""
    if requirement.code == Code.BANK:
        if requirement.reason == "holder_name_differs":
            return "documents.index", "bank-proof"
        return "profile.financial", None
    if requirement.reason in _ASKS_FOR_REGISTRATION_DOCUMENT:
        return "documents.index", "business-registration"
    return _LINKS[requirement.code]


def reason_of(requirement: Requirement):
    return REASONS.get(requirement.reason) if requirement.reason else None

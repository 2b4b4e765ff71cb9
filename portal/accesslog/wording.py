"""The seller's access log in words: who looked (a member of staff by first name and role,
"Aisyah, reviewer", never an email or a surname; or "Koopseri marketplace") and what they
looked at ("Your MyKad, uploaded 6 Dec 2026"), in the page's language.

Documents are the documents room's: the caller passes what it knows of each (its kind, its
identity type and when it was uploaded), so this record imports no feature.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal import formatting
from portal.accesslog.services import MARKETPLACE

# What was looked at, by the subject the features record. Spaces, hyphens and case do not
# matter ("contact details" and "contact_details" are the same subject).
SUBJECT_LABELS = {
    "seller_page": _l("Your account as staff see it (sensitive values masked)"),
    "seller": _l("Your account as staff see it (sensitive values masked)"),
    "document": _l("A document you uploaded"),
    "contact_details": _l("Your contact details (phone number and address)"),
    "revealed_value": _l("A masked value shown in full"),
    "revealed:date_of_birth": _l("Your date of birth, shown in full"),
    "revealed:bank_account_number": _l("Your bank account number, shown in full"),
    "revealed:phone": _l("Your phone number, shown in full"),
    "revealed:identity_number": _l("Your identity number, shown in full"),
    "revealed:tin": _l("Your tax identification number (TIN), shown in full"),
    "bank_account": _l("Your full bank account number"),
    "export": _l("An export of your data"),
    # What the marketplace's API answers: states and deadlines, nothing personal.
    "verification_status": _l("Your verification status (what is due and by when)"),
}
GENERIC_SUBJECT = _l("Your personal data")
DELETED_DOCUMENT = _l("A document you have since deleted")

# A document by its kind (and, for an identity document, its type), as its owner calls it.
DOCUMENT_NAMES = {
    ("identity", "mykad"): _l("Your MyKad"),
    ("identity", "passport"): _l("Your passport"),
    ("identity", None): _l("Your identity document"),
    ("bank_proof", None): _l("Your proof of bank account"),
    ("business_registration", None): _l("Your business registration document"),
    ("profile_photo", None): _l("Your profile photo"),
    ("shop_photo", None): _l("A photo of your shop"),
}

# The role on its own, and the role after a first name: "Aisyah, reviewer".
ROLE_ALONE = {
    "admin": _l("An administrator"),
    "reviewer": _l("A reviewer"),
    "support": _l("A member of the support team"),
    "dpo": _l("Our Data Protection Officer"),
    MARKETPLACE: _l("Koopseri marketplace"),  # its API: no staff member, no name
}
# Why, when the marketplace looked: it records no reason of its own.
MARKETPLACE_REASON = _l("To know whether your shop may sell on the marketplace")
ROLE_AFTER_NAME = {
    "admin": _l("administrator"),
    "reviewer": _l("reviewer"),
    "support": _l("support team"),
    "dpo": _l("Data Protection Officer"),
}


@dataclass(frozen=True)
class AccessEntry:
    accessed_at: datetime
    who: str
    what: str
    reason: str | None


def subject_label(subject: str | None) -> str:
    key = (subject or "").strip().lower().replace(" ", "_").replace("-", "_")
    return str(SUBJECT_LABELS.get(key, GENERIC_SUBJECT))


def first_name(full_name: str | None) -> str | None:
    words = (full_name or "").split()
    return words[0] if words else None


def staff_label(full_name: str | None, role: str | None) -> str:
    """ "Aisyah, reviewer", or the role alone when the member of staff has no name (or their
    account was deleted)."""
    name = first_name(full_name)
    if name is None:
        return str(ROLE_ALONE.get(role or "", _l("A member of staff")))
    return _("%(name)s, %(role)s", name=name, role=ROLE_AFTER_NAME.get(role or "", _("staff")))


def document_label(document) -> str:
    """ "Your MyKad, uploaded 6 Dec 2026" for ``document`` (anything with ``kind``,
    ``identity_type`` and ``uploaded_at``); None, a document that is no longer there."""
    if document is None:
        return str(DELETED_DOCUMENT)
    kind = getattr(document.kind, "value", document.kind)
    kind_type = getattr(document.identity_type, "value", document.identity_type)
    name = DOCUMENT_NAMES.get((kind, kind_type)) or DOCUMENT_NAMES.get((kind, None))
    if name is None:
        return str(SUBJECT_LABELS["document"])
    return _(
        "%(document)s, uploaded %(day)s", document=name, day=formatting.day(document.uploaded_at)
    )


def entry(row, full_name: str | None, documents: dict[int, object]) -> AccessEntry:
    """One look as the seller reads it; ``documents`` are the seller's documents by id, for
    naming the one looked at."""
    if row.subject == "document" and row.object_id is not None:
        what = document_label(documents.get(row.object_id))
    else:
        what = subject_label(row.subject)
    reason = row.reason
    if reason is None and row.staff_role == MARKETPLACE:
        reason = str(MARKETPLACE_REASON)
    return AccessEntry(
        accessed_at=row.accessed_at,
        who=staff_label(full_name, row.staff_role),
        what=what,
        reason=reason,
    )

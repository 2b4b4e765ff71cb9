"""Names people read for document kinds, identity types, statuses and rejection reasons,
and the countries a passport may come from."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.countries import country_name as country_name
from portal.documents.models import DocumentKind, IdentityType, ReviewStatus

KIND_LABELS = {
    DocumentKind.PROFILE_PHOTO: _l("Profile photo"),
    DocumentKind.SHOP_PHOTO: _l("Shop photo"),
    DocumentKind.IDENTITY: _l("Identity document"),
    DocumentKind.BANK_PROOF: _l("Proof of bank account"),
    DocumentKind.BUSINESS_REGISTRATION: _l("SSM certificate or business registration document"),
}

# The name a downloaded file gets; ASCII only, nothing about the seller.
KIND_FILENAMES = {
    DocumentKind.PROFILE_PHOTO: "profile-photo",
    DocumentKind.SHOP_PHOTO: "shop-photo",
    DocumentKind.IDENTITY: "identity-document",
    DocumentKind.BANK_PROOF: "proof-of-bank-account",
    DocumentKind.BUSINESS_REGISTRATION: "business-registration",
}

# What the number beside each type of identity document is called.
NUMBER_LABELS = {
    IdentityType.MYKAD: _l("MyKad number"),
    IdentityType.PASSPORT: _l("Passport number"),
}

IDENTITY_TYPES = {
    IdentityType.MYKAD: _l("MyKad (front and back)"),
    IdentityType.PASSPORT: _l("Passport (photo page)"),
}

STATUS_LABELS = {
    ReviewStatus.PENDING: _l("Waiting for review"),
    ReviewStatus.APPROVED: _l("Approved"),
    ReviewStatus.REJECTED: _l("Not accepted"),
}

# What a reviewer can find wrong; the seller reads these in the decision email and page.
REJECTION_REASONS = {
    "expired": _l("The document has expired."),
    "unreadable": _l("The document cannot be read."),
    "glare_or_cropped": _l("Glare or cropping hides part of the document."),
    "greyscale": _l("It is a black-and-white copy; we need the document in colour."),
    "screenshot": _l("It is a screenshot; we need a photo or scan of the document itself."),
    "missing_side": _l("The front or the back is missing."),
    "name_mismatch": _l("The name does not match the name in your profile."),
    "dob_mismatch": _l("The date of birth does not match the one in your profile."),
    "address_mismatch": _l("The address does not match the address in your profile."),
    "type_not_accepted": _l("We do not accept this type of document."),
}


def reason_labels(codes: list[str]) -> list:
    return [REJECTION_REASONS[code] for code in codes if code in REJECTION_REASONS]


# The sides of a MyKad sent as two pictures (or a PDF of two pages), by page.
SIDES = {1: _l("Front"), 2: _l("Back")}

# What a delete button says, and what its confirmation page deletes.
DELETE_LABELS = {
    DocumentKind.PROFILE_PHOTO: _l("Delete profile photo"),
    DocumentKind.IDENTITY: _l("Delete identity document"),
    DocumentKind.BANK_PROOF: _l("Delete proof of bank account"),
    DocumentKind.BUSINESS_REGISTRATION: _l("Delete business registration document"),
}


def delete_label(kind: str, number: int):
    """The delete button's words; ``number`` is a shop photo's place on the page."""
    if kind == DocumentKind.SHOP_PHOTO:
        return _l("Delete shop photo %(n)d", n=number)
    return DELETE_LABELS[DocumentKind(kind)]


def page_name(page: int, count: int, two_sided: bool):
    """The name of one page of a document of ``count`` pages; None for a single page."""
    if two_sided:
        return SIDES[page]
    if count > 1:
        return _l("Page %(n)d", n=page)
    return None

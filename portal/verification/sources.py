"""The one place verification reads the rooms: their services, never their models.

The documents room gives, in one statement, the identity document with its number and a
passport's expiry, and the review status of the proof of bank account and of the business
registration document (``evidence_of``); the profile gives, in one statement, the
address, the bank account's holder against the name it should bear, and the business details
(``standing``).
"""

from __future__ import annotations

from portal.documents import services as documents
from portal.profile import services as profile
from portal.verification.facts import Facts


def gather(user_id: int) -> Facts:
    """Everything the rules need about ``user_id``, from the rooms' services (two
    statements)."""
    evidence = documents.evidence_of(user_id)
    standing = profile.standing(user_id)
    identity, bank, business = evidence.identity, standing.bank, standing.business
    return Facts(
        identity_status=identity.status,
        identity_type=identity.identity_type,
        identity_number_on_file=identity.number_on_file,
        passport_expires_on=identity.passport_expires_on,
        identity_reasons=tuple(identity.reasons),
        bank_present=bank.present,
        holder_name_differs=bank.holder_name_differs,
        bank_proof_status=evidence.statuses.get(documents.DocumentKind.BANK_PROOF),
        address_present=standing.address_present,
        selling_as=business.selling_as,
        business_complete=business.complete,
        business_missing=tuple(business.missing),
        needs_registration_document=business.needs_registration_document,
        registration_document_status=evidence.statuses.get(
            documents.DocumentKind.BUSINESS_REGISTRATION
        )
        if business.needs_registration_document
        else None,
    )

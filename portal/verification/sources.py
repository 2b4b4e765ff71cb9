"""The one place verification reads the rooms: their services, never their models.

The documents room gives, in one statement, the identity document with its number and a
passport's expiry, and the review status of the proof of bank account and of the business
registration document (``evidence_of``); the profile gives, in one statement, the
address, the bank account's holder against the name it should bear, and the business details
(``standing``).
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.documents import services as documents
from portal.profile import services as profile


@dataclass(frozen=True)
class Read:
    identity: documents.IdentityFacts
    bank: profile.BankFacts
    business: profile.BusinessFacts
    bank_proof_status: str | None
    registration_document_status: str | None
    address_present: bool


def read(user_id: int) -> Read:
    """What the documents and the profile say about ``user_id`` today (two statements)."""
    evidence = documents.evidence_of(user_id)
    standing = profile.standing(user_id)
    return Read(
        identity=evidence.identity,
        bank=standing.bank,
        business=standing.business,
        bank_proof_status=evidence.statuses.get(documents.DocumentKind.BANK_PROOF),
        registration_document_status=evidence.statuses.get(
            documents.DocumentKind.BUSINESS_REGISTRATION
        )
        if standing.business.needs_registration_document
        else None,
        address_present=standing.address_present,
    )

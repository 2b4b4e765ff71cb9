"""The one place verification reads the rooms: their services, never their models.

Replaced at merge: the documents and profile rooms are adding ``identity_facts``,
``evidence_status``, ``bank_facts`` and ``business_facts`` to their services on other
branches. Until they land, :func:`read` answers from what those rooms offer today (the
identity document's and the bank proof's review status, whether there is a bank account and
an address) and says "not applicable" for the rest: an identity number counts as on file,
no holder name is known to differ, nobody has said how they sell. Only this module changes
when the real services arrive; the shapes below carry the same attribute names as theirs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from portal.documents import services as documents
from portal.profile import services as profile


@dataclass(frozen=True)
class IdentityFacts:  # replaced at merge: documents.services.IdentityFacts
    status: str | None = None
    identity_type: str | None = None
    number_on_file: bool = False
    passport_expires_on: date | None = None
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Read:
    identity: IdentityFacts
    bank: profile.BankFacts
    business: profile.BusinessFacts
    bank_proof_status: str | None
    registration_document_status: str | None
    address_present: bool


def read(user_id: int) -> Read:
    """What the rooms say about ``user_id`` today."""
    found = documents.overview(user_id)
    standing = profile.standing(user_id)
    identity = found.identity
    return Read(
        identity=IdentityFacts(
            status=identity.status if identity else None,
            identity_type=identity.identity_type if identity else None,
            number_on_file=True,  # replaced at merge: no number is asked for yet
            reasons=identity.reason_codes if identity else [],
        ),
        bank=standing.bank,
        business=standing.business,
        bank_proof_status=found.bank_proof.status if found.bank_proof else None,
        registration_document_status=None,  # replaced at merge: no such document kind yet
        address_present=standing.address_present,
    )

"""What verification knows of one seller: plain values gathered from the rooms' services.

The rules (:mod:`portal.verification.rules`) judge a :class:`Facts` and nothing else, so every
rule is tested with facts built by hand. :func:`portal.verification.sources.gather` collects
them for a real seller, the one function that calls the rooms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

BUSINESS_WAYS = ("business", "company", "llp")  # the ways of selling that need business details


@dataclass(frozen=True)
class Facts:
    # The identity document (documents): its review status (None: never sent; "pending",
    # "approved", "rejected"), its type ("mykad", "passport"), whether its number is on file,
    # a passport's expiry date, and the codes of the reasons it was refused.
    identity_status: str | None = None
    identity_type: str | None = None
    identity_number_on_file: bool = False
    passport_expires_on: date | None = None
    identity_reasons: tuple[str, ...] = ()
    # The bank account (profile) and the proof of it (documents).
    bank_present: bool = False
    holder_name_differs: bool = False
    bank_proof_status: str | None = None
    # The postal address (profile).
    address_present: bool = False
    # How the seller sells (profile: None until they say; "individual", "business",
    # "company", "llp"), whether the business details are complete, which are missing, and
    # whether a registration document is required and where it stands (documents).
    selling_as: str | None = None
    business_complete: bool = False
    business_missing: tuple[str, ...] = ()
    needs_registration_document: bool = False
    registration_document_status: str | None = None

    @property
    def sells_as_business(self) -> bool:
        return self.selling_as in BUSINESS_WAYS

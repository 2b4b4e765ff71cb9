"""Transfers abroad (PDPA s.129) and the rest of a party's contract terms in the registry.

A party outside Malaysia is registered with the basis on which seller data may be
transferred to it, and a day on which that basis is reviewed; :func:`reviews_due` lists the
parties whose review has come (or whose basis was never recorded), for the back-office home.

The bases: s.129 as amended by Act A1727 (2024, in force 1 April 2025) lets data go where the
law is substantially similar to the Act or protects it to an equivalent level, s.129(2) (the
Minister's list of places is gone; the Commissioner's Cross Border Personal Data Transfer
Guideline of 29 April 2025 asks for a transfer impact assessment, reassessed every 3 years,
which is what the review day is for), and keeps the exceptions of s.129(3), each listed here
with its paragraph. The paragraph letters are those of the Act's text before the amendment:
check them against the gazetted Act A1727 before quoting them to the Commissioner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from portal.extensions import db
from portal.sharing.models import ThirdParty

HOME_COUNTRY = "MY"  # no transfer abroad: no basis needed


class TransferBasis(StrEnum):
    ADEQUATE_LAW = "adequate_law"
    CONSENT = "consent"
    CONTRACT_WITH_SELLER = "contract_with_seller"
    CONTRACT_FOR_SELLER = "contract_for_seller"
    LEGAL_PROCEEDINGS = "legal_proceedings"
    AVOID_HARM = "avoid_harm"
    DUE_DILIGENCE = "due_diligence"
    VITAL_INTERESTS = "vital_interests"
    PUBLIC_INTEREST = "public_interest"


BASES: dict[TransferBasis, object] = {
    TransferBasis.ADEQUATE_LAW: _l(
        "s.129(2): the country has a law substantially similar to the PDPA, or one that "
        "protects the data to an equivalent level"
    ),
    TransferBasis.CONSENT: _l("s.129(3)(a): the seller has consented to the transfer"),
    TransferBasis.CONTRACT_WITH_SELLER: _l(
        "s.129(3)(b): needed to perform a contract between the seller and Koopseri"
    ),
    TransferBasis.CONTRACT_FOR_SELLER: _l(
        "s.129(3)(c): needed for a contract with the third party that the seller asked for "
        "or that is in the seller's interest"
    ),
    TransferBasis.LEGAL_PROCEEDINGS: _l(
        "s.129(3)(d): for legal proceedings or legal advice, or to establish, exercise or "
        "defend legal rights"
    ),
    TransferBasis.AVOID_HARM: _l(
        "s.129(3)(e): to avoid or lessen action against the seller, where their consent "
        "cannot practicably be asked and they would give it"
    ),
    TransferBasis.DUE_DILIGENCE: _l(
        "s.129(3)(f): Koopseri has taken every reasonable precaution and exercised due "
        "diligence that the data will not be processed against the PDPA (contractual "
        "safeguards)"
    ),
    TransferBasis.VITAL_INTERESTS: _l(
        "s.129(3)(g): needed to protect the seller's vital interests"
    ),
    TransferBasis.PUBLIC_INTEREST: _l(
        "s.129(3)(h): needed in the public interest, as the Minister determines"
    ),
}


def basis_label(value: str | None):
    try:
        return BASES[TransferBasis(value)]
    except ValueError:
        return value or ""


def is_abroad(country: str | None) -> bool:
    return bool(country) and country != HOME_COUNTRY


@dataclass(frozen=True)
class ReviewDue:
    """An active party abroad whose transfer basis must be looked at: ``review_on`` has
    come, or (None) no basis was ever recorded."""

    party_id: int
    name: str
    country: str
    review_on: date | None


def reviews_due(today: date) -> list[ReviewDue]:
    """Active parties abroad whose transfer basis is due for review on ``today`` (review day
    today or past) or missing, the most overdue first."""
    query = (
        select(ThirdParty.id, ThirdParty.name, ThirdParty.country, ThirdParty.transfer_review_on)
        .where(
            ThirdParty.retired_at.is_(None),
            ThirdParty.country != HOME_COUNTRY,
            or_(
                ThirdParty.transfer_basis.is_(None),
                ThirdParty.transfer_review_on.is_(None),
                ThirdParty.transfer_review_on <= today,
            ),
        )
        .order_by(ThirdParty.transfer_review_on.is_not(None), ThirdParty.transfer_review_on)
    )
    return [ReviewDue(*row) for row in db.session.execute(query)]

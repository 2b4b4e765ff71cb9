"""Business and tax identity (issue 23), and whether the bank account is in the seller's own
name.

How the seller sells decides what else is asked: an individual gives nothing more (a TIN if
they like); a registered business, a company or an LLP gives its registered name, its SSM
number and its TIN; whoever is registered for SST gives the SST number. The formats are
checked by :mod:`portal.malaysia.business` (in the form); what is required is said once, by
:func:`required_fields`, for the form and for :func:`standing` alike.

The bank account's holder must be the seller: the name on their verified identity
(``users.full_name``), or for a business, company or LLP its registered name. A sole
proprietor's or partnership's "business" (registered under the Registration of Businesses
Act 1956) is not a person of its own: its account is often in the owner's name, so for
``business`` either name is accepted. A company or an LLP is a person of its own (Companies
Act 2016 s.20; LLP Act 2012 s.4): its account must be in its registered name. Names are
compared the Malaysian way (:func:`portal.malaysia.names.same_name`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select

from portal.auth.models import User
from portal.extensions import db
from portal.formatting import masked
from portal.malaysia import names
from portal.malaysia.business import SellingAs
from portal.profile.changes import apply, record_change
from portal.profile.models import BankAccount, BusinessDetails, SellerProfile

SELLING_AS_LABELS = {
    SellingAs.INDIVIDUAL: _l("An individual"),
    SellingAs.BUSINESS: _l("A registered business (sole proprietor or partnership)"),
    SellingAs.COMPANY: _l("A company (Sdn Bhd or Bhd)"),
    SellingAs.LLP: _l("A limited liability partnership (LLP)"),
}

# The kinds registered with SSM: they give a registered name, an SSM number and a TIN.
REGISTERED = frozenset({SellingAs.BUSINESS, SellingAs.COMPANY, SellingAs.LLP})


def selling_as_label(value: str | None) -> str:
    """A stored ``selling_as`` as the reader says it; an unknown value as stored."""
    try:
        return str(SELLING_AS_LABELS[SellingAs(value)])
    except ValueError:
        return value or ""


def required_fields(selling_as: str | None, sst_registered: bool) -> tuple[str, ...]:
    """The fields a seller who sells as ``selling_as`` must give: for a registered kind the
    business name, SSM number and TIN; the SST number for whoever is registered for SST."""
    if selling_as is None:
        return ("selling_as",)
    required = ("business_name", "ssm_number", "tin") if selling_as in REGISTERED else ()
    return (*required, "sst_number") if sst_registered else required


# --- saving ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Business:
    """The section as the form checked it: numbers normalised by ``portal.malaysia``.
    ``tin`` None keeps the one on file."""

    selling_as: str
    business_name: str | None
    ssm_number: str | None
    ssm_old_number: str | None
    tin: str | None
    sst_registered: bool
    sst_number: str | None


def business_of(user_id: int) -> BusinessDetails | None:
    return db.session.get(BusinessDetails, user_id)


def update_business(user: User, data: Business, *, actor: User) -> list[str]:
    """Save the business details; returns the fields that changed.

    What does not apply is emptied, not kept: an individual keeps no business name or SSM
    number, and a seller not registered for SST no SST number. The TIN is encrypted and the
    history shows it masked. Business details are not among what the sharing door sends,
    so no correction is owed to a third party."""
    details = business_of(user.id)
    if details is None:
        details = BusinessDetails(user_id=user.id)
        db.session.add(details)
    registered = data.selling_as in REGISTERED
    changed = apply(
        user,
        actor,
        details,
        {
            "selling_as": data.selling_as,
            "business_name": data.business_name if registered else None,
            "ssm_number": data.ssm_number if registered else None,
            "ssm_old_number": data.ssm_old_number if registered else None,
            "sst_registered": data.sst_registered,
            "sst_number": data.sst_number if data.sst_registered else None,
        },
    )
    if data.tin is not None and data.tin != details.tin:
        old = masked(details.tin_last4) if details.tin_last4 else None
        # Two numbers can end alike: the row is written even when the masks are the same.
        record_change(user, actor, "tin", old, masked(data.tin[-4:]), always=True)
        details.tin, details.tin_last4 = data.tin, data.tin[-4:]
        changed.append("tin")
    db.session.flush()
    return changed


# --- what other rooms ask --------------------------------------------------------------------


@dataclass(frozen=True)
class BusinessFacts:
    """What verification asks of the business details. ``missing`` names the required
    fields not given (``selling_as`` when the section was never saved);
    ``needs_registration_document``: the SSM certificate is asked for."""

    selling_as: str | None
    complete: bool
    missing: list[str]
    business_name: str | None
    needs_registration_document: bool


def facts_of(details) -> BusinessFacts:
    """``details``: the business details (a row, or the columns :func:`standing` reads by the
    same names), or None when never saved."""
    if details is None:
        return BusinessFacts(None, False, ["selling_as"], None, False)
    given = {
        "business_name": details.business_name,
        "ssm_number": details.ssm_number or details.ssm_old_number,
        "tin": details.tin_last4,  # not decrypted to know it is there
        "sst_number": details.sst_number,
    }
    missing = [
        name
        for name in required_fields(details.selling_as, details.sst_registered)
        if not given[name]
    ]
    return BusinessFacts(
        selling_as=details.selling_as,
        complete=not missing,
        missing=missing,
        business_name=details.business_name,
        needs_registration_document=details.selling_as in REGISTERED,
    )


@dataclass(frozen=True)
class BankFacts:
    """The bank account's holder against the name it should bear. ``expected_source`` is
    "identity" (the seller's full legal name) or "business" (the registered business name);
    when the holder matches, they name the name it matched. ``holder_name_differs`` is never
    true without an account (``present``)."""

    present: bool
    holder_name: str | None
    expected_name: str | None
    expected_source: str | None
    holder_name_differs: bool


IDENTITY = "identity"
BUSINESS = "business"


def holder_check(
    full_name: str | None,
    holder_name: str | None,
    selling_as: str | None,
    business_name: str | None,
) -> BankFacts:
    """Compare the holder's name with the names the account may bear (module docstring)."""
    accepted: list[tuple[str, str]] = []
    if selling_as in REGISTERED and business_name:
        accepted.append((business_name, BUSINESS))
        if selling_as == SellingAs.BUSINESS and full_name:
            accepted.append((full_name, IDENTITY))
    elif full_name:
        accepted.append((full_name, IDENTITY))
    expected, source = accepted[0] if accepted else (None, None)
    if holder_name is None:
        return BankFacts(False, None, expected, source, False)
    for name, where in accepted:
        if names.same_name(holder_name, name):
            return BankFacts(True, holder_name, name, where, False)
    return BankFacts(True, holder_name, expected, source, bool(accepted))


@dataclass(frozen=True)
class Standing:
    """What verification asks of the profile, together: whether the postal address is
    given, the bank account against the name it should bear, and the business details."""

    address_present: bool
    bank: BankFacts
    business: BusinessFacts


# The business details' columns that are read without the TIN itself (never decrypted for a
# summary or for verification): its last four characters stand for it.
SUMMARY_COLUMNS = (
    BusinessDetails.selling_as,
    BusinessDetails.business_name,
    BusinessDetails.ssm_number,
    BusinessDetails.ssm_old_number,
    BusinessDetails.tin_last4,
    BusinessDetails.sst_registered,
    BusinessDetails.sst_number,
)


@functools.cache
def _standing_statement():
    # Built once per process; each call binds only the seller's id.
    return (
        select(
            User.full_name,
            SellerProfile.address_line1,
            SellerProfile.city,
            SellerProfile.country,
            BankAccount.holder_name,
            *SUMMARY_COLUMNS,
        )
        .outerjoin(SellerProfile, SellerProfile.user_id == User.id)
        .outerjoin(BankAccount, BankAccount.user_id == User.id)
        .outerjoin(BusinessDetails, BusinessDetails.user_id == User.id)
        .where(User.id == bindparam("user_id"))
    )


def standing(user_id: int) -> Standing:
    """:class:`Standing` of ``user_id``, in one statement of only the columns it needs: no
    row is built, and nothing encrypted (the account number, the TIN) is read."""
    row = db.session.execute(_standing_statement(), {"user_id": user_id}).one()
    return Standing(
        # As SellerProfile.has_address.
        address_present=bool(row.address_line1 and row.city and row.country),
        bank=holder_check(row.full_name, row.holder_name, row.selling_as, row.business_name),
        # facts_of reads the business details' attributes, which the row has by name.
        business=facts_of(row if row.selling_as is not None else None),
    )

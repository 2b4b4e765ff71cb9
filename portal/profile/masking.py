"""A seller's phone number, bank account and business details as staff first see them:
masked to the last four digits, the bank account number and the TIN not even decrypted. The values in full are read only for a
reveal whose reason the caller records in the access log first.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from portal import formatting
from portal.extensions import db
from portal.formatting import masked
from portal.profile import choices
from portal.profile.business import SUMMARY_COLUMNS, selling_as_label
from portal.profile.models import BankAccount, BusinessDetails


@dataclass(frozen=True)
class BankSummary:
    bank: str
    holder_name: str
    masked_number: str


def bank_summary(user_id: int) -> BankSummary | None:
    """The seller's bank, account holder and masked number; None when none is given."""
    # The number itself is not read (nor decrypted): only its last four digits.
    row = db.session.execute(
        select(
            BankAccount.bank_code,
            BankAccount.bank_other_name,
            BankAccount.holder_name,
            BankAccount.account_number_last4,
        ).where(BankAccount.user_id == user_id)
    ).first()
    if row is None:
        return None
    return BankSummary(
        bank=choices.bank_name(row.bank_code, row.bank_other_name),
        holder_name=row.holder_name,
        masked_number=masked(row.account_number_last4),
    )


@dataclass(frozen=True)
class BusinessSummary:
    selling_as: str  # as the reader says it
    business_name: str | None
    ssm_number: str | None  # the 12-digit number
    ssm_old_number: str | None  # the older one, shown beside it
    masked_tin: str | None
    sst_registered: bool
    sst_number: str | None


def business_summary(user_id: int) -> BusinessSummary | None:
    """The seller's business details with the TIN masked; None when none are given."""
    # The TIN itself is not read (nor decrypted): only its last four characters.
    row = db.session.execute(
        select(*SUMMARY_COLUMNS).where(BusinessDetails.user_id == user_id)
    ).first()
    if row is None:
        return None
    return BusinessSummary(
        selling_as=selling_as_label(row.selling_as),
        business_name=row.business_name,
        ssm_number=row.ssm_number,
        ssm_old_number=row.ssm_old_number,
        masked_tin=masked(row.tin_last4) if row.tin_last4 else None,
        sst_registered=row.sst_registered,
        sst_number=row.sst_number,
    )


def bank_account_number(user_id: int) -> str | None:
    """The seller's bank account number in full (decrypted); None when none is given."""
    return db.session.scalar(
        select(BankAccount.account_number).where(BankAccount.user_id == user_id)
    )


def tin_in_full(user_id: int) -> str | None:
    """The seller's tax identification number in full (decrypted); None when none is given."""
    return db.session.scalar(select(BusinessDetails.tin).where(BusinessDetails.user_id == user_id))


def masked_phone(phone_e164: str | None) -> str | None:
    """The phone number's last four digits behind dots; None when there is no number."""
    if not phone_e164:
        return None
    return masked("".join(c for c in phone_e164 if c.isdigit())[-4:])


def phone_in_full(phone_e164: str | None) -> str | None:
    """The phone number as the seller sees it: national format for a Malaysian number."""
    if not phone_e164:
        return None
    return formatting.phone(phone_e164)

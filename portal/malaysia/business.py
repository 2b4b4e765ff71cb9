"""Business and tax identity: how a seller sells, the SSM registration number, the TIN and
the SST registration number. Sources are cited per rule below."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class SellingAs(StrEnum):
    INDIVIDUAL = "individual"
    BUSINESS = "business"  # registered business: sole proprietor or partnership (ROBA 1956)
    COMPANY = "company"  # Sdn Bhd / Bhd (Companies Act 2016)
    LLP = "llp"  # limited liability partnership (LLP Act 2012)


@dataclass(frozen=True)
class SSMNumber:
    new: str | None  # the 12-digit number (since October 2019)
    old: str | None  # the older format, as issued (shown beside the new one)


def ssm_number(text: str, selling_as: SellingAs) -> SSMNumber:
    """Parse a new (12-digit) or old SSM number for ``selling_as``; raises Invalid("ssm_format")
    or Invalid("ssm_type") (a 12-digit number whose entity code is another kind's)."""
    raise NotImplementedError


def tin(text: str) -> str:
    """An LHDN tax identification number, normalised; raises Invalid("tin_format")."""
    raise NotImplementedError


def sst_number(text: str) -> str:
    """A Royal Malaysian Customs SST registration number, normalised; Invalid("sst_format")."""
    raise NotImplementedError

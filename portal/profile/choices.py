"""The lists sellers choose from: Malaysian states, banks and countries."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.countries import MY_STATES as MY_STATES
from portal.countries import countries as countries
from portal.countries import country_name as country_name

MALAYSIA = "MY"

OUTSIDE_MALAYSIA = "other"

OTHER_BANK = "other"
# Banks licensed in Malaysia that sellers are paid into (Bank Negara Malaysia's lists).
MY_BANKS: dict[str, str] = {
    "affin": "Affin Bank",
    "agrobank": "Agrobank",
    "alliance": "Alliance Bank",
    "alrajhi": "Al Rajhi Bank",
    "ambank": "AmBank",
    "bank-islam": "Bank Islam",
    "bank-muamalat": "Bank Muamalat",
    "bank-rakyat": "Bank Rakyat",
    "bsn": "Bank Simpanan Nasional (BSN)",
    "boc": "Bank of China (Malaysia)",
    "cimb": "CIMB Bank",
    "citibank": "Citibank",
    "gxbank": "GXBank",
    "hong-leong": "Hong Leong Bank",
    "hsbc": "HSBC Bank",
    "kfh": "Kuwait Finance House",
    "maybank": "Maybank",
    "mbsb": "MBSB Bank",
    "ocbc": "OCBC Bank",
    "public-bank": "Public Bank",
    "rhb": "RHB Bank",
    "standard-chartered": "Standard Chartered",
    "uob": "UOB Malaysia",
}


def state_name(value: str | None) -> str:
    """A stored state for display: the name of a Malaysian state, or the region as written."""
    if not value:
        return ""
    return MY_STATES.get(value, value)


def bank_name(code: str | None, other_name: str | None = None) -> str:
    if code == OTHER_BANK:
        return other_name or str(_l("Other bank"))
    return MY_BANKS.get(code or "", code or "")

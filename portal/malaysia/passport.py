"""Passport number, issuing country and expiry.

Sources:

* The document number: ICAO Doc 9303 "Machine Readable Travel Documents", Part 4
  (specifications for machine readable passports), the data page's "document number" field
  and the MRZ's positions 1–9 of line 2: at most 9 characters, upper-case letters A–Z and
  digits 0–9 (a shorter number is padded with "<" in the MRZ, which no one types). We ask for
  at least 6, which every passport we know of has; this is our limit, not ICAO's.
* A Malaysian passport number is one letter followed by 8 digits, e.g. A12345678: Jabatan
  Imigresen Malaysia prints it so on the data page, and LHDN's MyInvois API documentation
  gives "A12345678" as its passport example
  (https://sdk.myinvois.hasil.gov.my/einvoicingapi/01-validate-taxpayer-tin).
* The issuing country: an ISO 3166-1 alpha-2 code from the same source as the portal's
  address countries (:mod:`portal.countries`): CLDR's territory names, through Babel,
  without the codes that are not countries (EU, UN…).
* Expiry: a passport is valid through the day printed as its date of expiry (ICAO Doc 9303
  Part 4, "date of expiry"); the portal asks for a new one from 60 days before, and no
  longer accepts it on that day (:func:`check_expiry`).
"""

from __future__ import annotations

import re
from datetime import date

from portal import countries
from portal.malaysia.errors import Invalid

RENEW_BEFORE_DAYS = 60  # issue 23: re-requested 60 days before it expires
MALAYSIA = "MY"

_NUMBER = re.compile(r"^[A-Z0-9]{6,9}$")
_MALAYSIAN_NUMBER = re.compile(r"^[A-Z]\d{8}$")
_SEPARATORS = re.compile(r"[\s\-]")


def number(text: str, issuing_country: str | None = None) -> str:
    """The passport number, upper-cased, spaces and dashes removed; raises
    Invalid("passport_format"), or Invalid("passport_format_my") for a Malaysian passport
    (``issuing_country`` "MY") that is not a letter and 8 digits."""
    value = _SEPARATORS.sub("", text or "").upper()
    if not _NUMBER.match(value):
        raise Invalid("passport_format")
    if issuing_country == MALAYSIA and not _MALAYSIAN_NUMBER.match(value):
        raise Invalid("passport_format_my")
    return value


COUNTRY_CODES = countries.CODES


def country(code: str) -> str:
    """An ISO 3166-1 alpha-2 code the portal knows, upper-cased; raises
    Invalid("passport_country")."""
    value = (code or "").strip().upper()
    if value not in COUNTRY_CODES:
        raise Invalid("passport_country")
    return value


def check_expiry(expires_on: date, today: date) -> None:
    """Raise Invalid("passport_expired") when it has expired or expires ``today``.

    ICAO counts a passport valid through its date of expiry, but issue 23 makes the seller's
    passport requirement past due on that day (:mod:`portal.verification.rules`): a passport
    accepted on its last day would hold the account back the moment it is saved."""
    if expires_on <= today:
        raise Invalid("passport_expired")

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
  address countries (portal/profile/choices.py): CLDR's territory names, through Babel,
  without the codes that are not countries one is born in or issued a passport by (EU, UN…).
* Expiry: a passport is valid through the day printed as its date of expiry (ICAO Doc 9303
  Part 4, "date of expiry").
"""

from __future__ import annotations

import functools
import re
from datetime import date

from babel import Locale
from flask_babel import get_locale

from portal.malaysia.errors import Invalid

RENEW_BEFORE_DAYS = 60  # issue 23: re-requested 60 days before it expires
MALAYSIA = "MY"

_NUMBER = re.compile(r"^[A-Z0-9]{6,9}$")
_MALAYSIAN_NUMBER = re.compile(r"^[A-Z]\d{8}$")
_SEPARATORS = re.compile(r"[\s\-]")
# CLDR names these regions too, but no passport is issued by them (as in profile/choices.py).
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB", "AQ", "CP", "DG"})


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


@functools.cache
def _territories(locale: str) -> tuple[tuple[str, str], ...]:
    names = Locale.parse(locale).territories
    return tuple(
        sorted(
            (
                (code, name)
                for code, name in names.items()
                if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
            ),
            key=lambda item: item[1].casefold(),
        )
    )


COUNTRY_CODES: frozenset[str] = frozenset(code for code, _ in _territories("en"))


def countries() -> tuple[tuple[str, str], ...]:
    """(ISO code, name in the reader's language), alphabetical: the choices of a select."""
    return _territories(str(get_locale() or "en"))


def country(code: str) -> str:
    """An ISO 3166-1 alpha-2 code the portal knows, upper-cased; raises
    Invalid("passport_country")."""
    value = (code or "").strip().upper()
    if value not in COUNTRY_CODES:
        raise Invalid("passport_country")
    return value


def check_expiry(expires_on: date, today: date) -> None:
    """Raise Invalid("passport_expired") when it has expired (valid through its expiry day)."""
    if expires_on < today:
        raise Invalid("passport_expired")

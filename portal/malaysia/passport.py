"""Passport number, issuing country and expiry (ICAO Doc 9303)."""

from __future__ import annotations

from datetime import date

from portal.malaysia.errors import Invalid

RENEW_BEFORE_DAYS = 60  # issue 23: re-requested 60 days before it expires


def number(text: str) -> str:
    """The passport number, upper-cased, spaces removed; raises Invalid("passport_format")."""
    raise NotImplementedError


def country(code: str) -> str:
    """An ISO 3166-1 alpha-2 code the portal knows; raises Invalid("passport_country")."""
    raise NotImplementedError


def check_expiry(expires_on: date, today: date) -> None:
    """Raise Invalid("passport_expired") when it has expired (valid through its expiry day)."""
    if expires_on < today:
        raise Invalid("passport_expired")

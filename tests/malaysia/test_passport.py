"""Passport numbers (ICAO Doc 9303), issuing countries and expiry."""

from __future__ import annotations

from datetime import date

import pytest

from portal.malaysia import passport
from portal.malaysia.errors import Invalid


@pytest.mark.parametrize(
    ("typed", "country", "number"),
    [
        ("A12345678", "MY", "A12345678"),
        ("a1234 5678", "MY", "A12345678"),
        ("K 1234 5678", "MY", "K12345678"),
        ("E12345678", "SG", "E12345678"),  # Singapore
        ("123456789", "US", "123456789"),
        ("C01X00T47", "DE", "C01X00T47"),  # German: letters and digits
        ("AB123456", "GB", "AB123456"),
        ("EA1234567", "CN", "EA1234567"),
        ("123456", None, "123456"),  # six characters, the shortest we take
    ],
)
def test_passport_numbers_are_upper_case_without_spaces(typed, country, number):
    assert passport.number(typed, country) == number


@pytest.mark.parametrize(
    ("typed", "country", "code"),
    [
        ("", None, "passport_format"),
        ("A1234", None, "passport_format"),  # too short
        ("A123456789", None, "passport_format"),  # 10 characters: over ICAO's 9
        ("A1234567<", None, "passport_format"),  # MRZ filler is not part of the number
        ("A12345/78", None, "passport_format"),
        ("12345678", "MY", "passport_format_my"),  # Malaysian: a letter first
        ("AB1234567", "MY", "passport_format_my"),
        ("A1234567", "MY", "passport_format_my"),  # 7 digits
    ],
)
def test_malformed_passport_numbers_are_refused(typed, country, code):
    with pytest.raises(Invalid) as raised:
        passport.number(typed, country)
    assert raised.value.code == code


@pytest.mark.parametrize(("typed", "code"), [("MY", "MY"), ("sg", "SG"), (" id ", "ID")])
def test_issuing_countries_are_iso_codes(typed, code):
    assert passport.country(typed) == code


@pytest.mark.parametrize("typed", ["", "MYS", "XX", "EU", "UN", "ZZ", "M1"])
def test_unknown_countries_are_refused(typed):
    with pytest.raises(Invalid) as raised:
        passport.country(typed)
    assert raised.value.code == "passport_country"


def test_a_passport_is_accepted_until_the_day_before_its_expiry_day():
    passport.check_expiry(date(2026, 12, 7), date(2026, 12, 6))
    passport.check_expiry(date(2031, 1, 1), date(2026, 12, 6))
    for expires_on in (date(2026, 12, 6), date(2026, 12, 5)):  # on the day it is past due
        with pytest.raises(Invalid) as raised:
            passport.check_expiry(expires_on, date(2026, 12, 6))
        assert raised.value.code == "passport_expired"
    assert passport.RENEW_BEFORE_DAYS == 60

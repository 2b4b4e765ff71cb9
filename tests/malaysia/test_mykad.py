"""MyKad numbers: shape, date of birth, place-of-birth code, and agreement with the profile."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from portal.malaysia import mykad
from portal.malaysia.errors import Invalid

TODAY = date(2026, 12, 6)


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("900517-14-5678", "900517145678"),
        ("900517145678", "900517145678"),
        (" 900517 14 5678 ", "900517145678"),
        ("900517–14–5678", "900517145678"),  # en dashes, as pasted from a document
        ("000229-10-1234", "000229101234"),  # 29 February 2000
        ("850101-71-0001", "850101710001"),  # born abroad, before the 1990s codes
        ("020304-66-1234", "020304661234"),  # born in Singapore
        ("991231-59-4321", "991231594321"),  # Negeri Sembilan's further code
        ("110101-98-1234", "110101981234"),  # stateless
    ],
)
def test_well_formed_numbers_parse_to_their_digits(typed, digits):
    number = mykad.parse(typed)
    assert number.digits == digits
    assert number.formatted == f"{digits[:6]}-{digits[6:8]}-{digits[8:]}"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "mykad_format"),
        ("90051714567", "mykad_format"),  # 11 digits
        ("9005171456789", "mykad_format"),  # 13 digits
        ("900517-14-567X", "mykad_format"),
        ("A1234567", "mykad_format"),  # the old pre-1990 card number
        ("990230-14-5678", "mykad_date"),  # 30 February
        ("901301-14-5678", "mykad_date"),  # month 13
        ("900100-14-5678", "mykad_date"),  # day 0
        ("010229-14-5678", "mykad_date"),  # 29 February in neither 1901 nor 2001
        ("900517-00-5678", "mykad_place"),
        ("900517-17-5678", "mykad_place"),
        ("900517-20-5678", "mykad_place"),
        ("900517-69-5678", "mykad_place"),
        ("900517-70-5678", "mykad_place"),
        ("900517-73-5678", "mykad_place"),
        ("900517-80-5678", "mykad_place"),
        ("900517-81-5678", "mykad_place"),
        ("900517-94-5678", "mykad_place"),
        ("900517-97-5678", "mykad_place"),
    ],
)
def test_malformed_numbers_say_what_is_wrong(typed, code):
    with pytest.raises(Invalid) as raised:
        mykad.parse(typed)
    assert raised.value.code == code


def test_the_issued_place_codes_are_jpns_lists():
    issued = {int(code) for code in mykad.ISSUED_PLACE_CODES}
    expected = (
        set(range(1, 17))
        | set(range(21, 60))
        | set(range(60, 69))
        | {71, 72}
        | set(range(74, 80))
        | set(range(82, 94))
        | {98, 99}
    )
    assert issued == expected
    assert all(len(code) == 2 for code in mykad.ISSUED_PLACE_CODES)


def test_a_number_matching_the_profile_is_accepted():
    mykad.check_against(mykad.parse("900517-14-5678"), date(1990, 5, 17), TODAY)
    mykad.check_against(mykad.parse("050101-10-1234"), date(2005, 1, 1), TODAY)


def test_a_number_for_another_day_is_a_mismatch_naming_the_profile_date():
    with pytest.raises(Invalid) as raised:
        mykad.check_against(mykad.parse("900518-14-5678"), date(1990, 5, 17), TODAY)
    assert raised.value.code == "mykad_dob_mismatch"
    assert raised.value.params == {"expected": date(1990, 5, 17)}


def test_only_the_six_digits_are_compared_with_the_profile():
    # The card has a two-digit year: a profile born on 1 January 1930 matches 300101, though
    # the digits alone could also be 2030.
    mykad.check_against(mykad.parse("300101-14-5678"), date(1930, 1, 1), TODAY)


@pytest.mark.parametrize("typed", ["100517-14-5678", "081207-10-1234", "261206-10-1234"])
def test_a_number_that_reads_as_under_18_is_a_minor(typed):
    with pytest.raises(Invalid) as raised:
        mykad.check_against(mykad.parse(typed), date(1990, 5, 17), TODAY)
    assert raised.value.code == "mykad_minor"


def test_eighteen_today_is_not_a_minor_and_the_minimum_age_is_the_callers():
    turned_18_today = mykad.parse("081206-10-1234")
    with pytest.raises(Invalid) as raised:
        mykad.check_against(turned_18_today, date(1990, 5, 17), TODAY)
    assert raised.value.code == "mykad_dob_mismatch"
    with pytest.raises(Invalid) as raised:
        mykad.check_against(turned_18_today, date(1990, 5, 17), TODAY, minimum_age=21)
    assert raised.value.code == "mykad_minor"


def test_the_year_reads_in_the_latest_century_not_after_today():
    assert mykad.birth_date(mykad.parse("150101-10-1234"), TODAY) == date(2015, 1, 1)
    assert mykad.birth_date(mykad.parse("261206-10-1234"), TODAY) == date(2026, 12, 6)
    assert mykad.birth_date(mykad.parse("261207-10-1234"), TODAY) == date(1926, 12, 7)
    assert mykad.birth_date(mykad.parse("300101-10-1234"), TODAY) == date(1930, 1, 1)
    assert mykad.birth_date(mykad.parse("000229-10-1234"), TODAY) == date(2000, 2, 29)


def _outcome(typed: str, born: date) -> str:
    number = mykad.parse(typed)
    try:
        mykad.check_against(number, born, TODAY)
    except Invalid as error:
        return f"{error.code}:{error.params}"
    return "ok"


@pytest.mark.parametrize(
    ("first", "born"),
    [
        ("900517-14-567", date(1990, 5, 17)),  # match
        ("900517-14-567", date(1991, 5, 17)),  # mismatch
        ("100517-14-567", date(1990, 5, 17)),  # minor
    ],
)
def test_the_last_digit_is_never_read(first, born):
    # Two numbers differing only in the last digit (its parity is the holder's sex) give
    # exactly the same answers and the same parts.
    odd, even = mykad.parse(first + "7"), mykad.parse(first + "8")
    assert _outcome(first + "7", born) == _outcome(first + "8", born)
    exposed = {
        name: getattr(odd, name)
        for name in dir(odd)
        if not name.startswith("_") and name not in ("digits", "formatted")
    }
    assert exposed == {
        name: getattr(even, name)
        for name in dir(even)
        if not name.startswith("_") and name not in ("digits", "formatted")
    }
    assert [field.name for field in dataclasses.fields(odd)] == ["digits"]
    assert exposed == {"birth_digits": first[:6], "place_code": first[7:9]}
    assert repr(odd) == repr(even) and odd.digits not in repr(odd)
    assert mykad.birth_date(odd, TODAY) == mykad.birth_date(even, TODAY)

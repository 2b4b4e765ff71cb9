"""Small stand-ins for :mod:`portal.malaysia`'s MyKad and passport validators, used by the
tests of the rooms that call them only while the validators still raise
``NotImplementedError``: once written, the real ones are tested through the same pages.

They know just enough for the numbers the tests type: 12 digits, a real date in the first
six, a few place-of-birth codes that are never issued, a date of birth that must match (or
reads as under 18), a passport number of 6 to 9 letters and digits, a two-letter country.
"""

from __future__ import annotations

import re
from datetime import date

from portal.malaysia import Invalid, mykad, passport

_NEVER_ISSUED = {"00", "17", "18", "19", "20", "69", "70", "73", "80", "81", "94", "95", "96"}


def _parse(text: str) -> mykad.MyKad:
    digits = mykad.normalise(text)
    if not re.fullmatch(r"\d{12}", digits):
        raise Invalid("mykad_format")
    try:
        date(2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        raise Invalid("mykad_date") from None
    if digits[6:8] in _NEVER_ISSUED:
        raise Invalid("mykad_place")
    return mykad.MyKad(digits)


def _check_against(number: mykad.MyKad, date_of_birth: date, today: date) -> None:
    if number.birth_digits == date_of_birth.strftime("%y%m%d"):
        return
    year = 2000 + int(number.digits[:2])
    if year > today.year:
        year -= 100
    born = date(year, int(number.digits[2:4]), int(number.digits[4:6]))
    if (today.year - born.year - ((today.month, today.day) < (born.month, born.day))) < 18:
        raise Invalid("mykad_minor")
    raise Invalid("mykad_dob_mismatch", expected=date_of_birth.strftime("%d/%m/%Y"))


def _number(text: str) -> str:
    value = re.sub(r"\s", "", text or "").upper()
    if not re.fullmatch(r"[A-Z0-9]{6,9}", value):
        raise Invalid("passport_format")
    return value


def _country(code: str) -> str:
    if not re.fullmatch(r"[A-Z]{2}", code or ""):
        raise Invalid("passport_country")
    return code


def _written(function, *args) -> bool:
    try:
        function(*args)
    except NotImplementedError:
        return False
    except Invalid:
        return True
    return True


def use_stand_ins_until_written(monkeypatch) -> None:
    """Put the stand-ins in place of the validators that are not written yet."""
    if not _written(mykad.parse, "880701145678"):
        monkeypatch.setattr(mykad, "parse", _parse)
    if not _written(
        mykad.check_against, mykad.MyKad("880701145678"), date(1988, 7, 1), date.today()
    ):
        monkeypatch.setattr(mykad, "check_against", _check_against)
    if not _written(passport.number, "A1234567"):
        monkeypatch.setattr(passport, "number", _number)
    if not _written(passport.country, "MY"):
        monkeypatch.setattr(passport, "country", _country)

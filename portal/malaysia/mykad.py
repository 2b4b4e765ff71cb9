"""The MyKad number (nombor kad pengenalan): YYMMDD-PB-###G.

Sources: Jabatan Pendaftaran Negara (JPN), "Kod Negeri" / "Kod Negara" place-of-birth codes
(https://www.jpn.gov.my/en/kod-negeri-eng, https://www.jpn.gov.my/en/kod-negara-eng).

The last digit's parity encodes the holder's sex; this module never reads it, and nothing
derived from it is stored (issue 23).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from portal.malaysia.errors import Invalid

_DIGITS = re.compile(r"^\d{12}$")


@dataclass(frozen=True)
class MyKad:
    digits: str  # 12 digits, no dashes

    @property
    def formatted(self) -> str:
        return formatted(self.digits)

    @property
    def birth_digits(self) -> str:  # YYMMDD
        return self.digits[:6]

    @property
    def place_code(self) -> str:
        return self.digits[6:8]


def normalise(text: str) -> str:
    """The digits of a number typed with or without dashes and spaces."""
    return re.sub(r"[\s-]", "", text or "")


def formatted(digits: str) -> str:
    return f"{digits[:6]}-{digits[6:8]}-{digits[8:]}"


ISSUED_PLACE_CODES: frozenset[str] = frozenset()  # filled in from JPN's lists


def parse(text: str) -> MyKad:
    """A well-formed MyKad number; raises :class:`Invalid` ("mykad_format", "mykad_date",
    "mykad_place")."""
    digits = normalise(text)
    if not _DIGITS.match(digits):
        raise Invalid("mykad_format")
    raise NotImplementedError


def check_against(number: MyKad, date_of_birth: date, today: date) -> None:
    """Raise :class:`Invalid` unless ``number`` agrees with the profile's ``date_of_birth``:
    "mykad_minor" when its date reads as someone under 18 on ``today`` (and does not match),
    "mykad_dob_mismatch" (params: expected) when it does not match."""
    raise NotImplementedError

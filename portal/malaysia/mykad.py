"""The MyKad number (nombor kad pengenalan): YYMMDD-PB-###G, 12 digits.

The rules, and where they come from:

* Twelve digits, printed as YYMMDD-PB-####; people type them with or without the dashes, and
  sometimes with spaces. (Jabatan Pendaftaran Negara, JPN: the number printed on the MyKad.)
* YYMMDD is the holder's date of birth, so it must be a real day in some century. The year
  has two digits: 000229 is a real day (29 February 2000), 010229 is not.
* PB is the place of birth, a code from JPN's two lists: "Kod Negeri" (a Malaysian state,
  01–16 and 21–59) and "Kod Negara" (born outside Malaysia: 60–68, 71–72, 74–79, 82–93,
  98–99), https://www.jpn.gov.my/en/kod-negeri-eng and
  https://www.jpn.gov.my/en/kod-negara-eng. The JPN pages themselves were not reachable from
  here; the codes below are as republished, with JPN named as the source, in
  python-stdnum's ``stdnum/my/bp.dat`` ("generated from National Registration Department
  of Malaysia, downloaded from http://www.jpn.gov.my/informasi/kod-negeri/ and
  http://www.jpn.gov.my/en/informasi/kod-negara/"). Codes in neither list — 00, 17–20, 69,
  70, 73, 80, 81, 94–97 — are not issued.
* The last four digits are a serial number. The last digit's parity encodes the holder's sex
  (odd for men, even for women): this module never reads it, and nothing derived from it is
  kept (issue 23). Nothing here looks past the place-of-birth code except to keep the digits.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date

from portal.malaysia.errors import Invalid

_DIGITS = re.compile(r"^\d{12}$")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]")  # spaces, hyphens and dashes as typed
ADULT_AGE = 18  # the portal's MINIMUM_AGE; callers pass their configured value


def _codes(*ranges: tuple[int, int]) -> frozenset[str]:
    return frozenset(f"{n:02d}" for low, high in ranges for n in range(low, high + 1))


# JPN "Kod Negeri": the 13 states and 3 federal territories (01–16), and the further codes
# JPN gave each state when its first ran out (21–59).
STATE_CODES = _codes((1, 16), (21, 59))
# JPN "Kod Negara": born outside Malaysia, by country or region (60–68 the ASEAN neighbours,
# 71–72 "luar negara" as used before 1990s, 74–79 single countries, 82 "negeri tidak
# diketahui", 83–93 regions of the world, 98 stateless, 99 unspecified / refugee).
COUNTRY_CODES = _codes((60, 68), (71, 72), (74, 79), (82, 93), (98, 99))
ISSUED_PLACE_CODES: frozenset[str] = STATE_CODES | COUNTRY_CODES


@dataclass(frozen=True, repr=False)
class MyKad:
    """A well-formed MyKad number. Its only parts are the digits, the date-of-birth digits
    and the place-of-birth code: nothing reads the last digit."""

    digits: str  # 12 digits, no dashes

    def __repr__(self) -> str:
        # Identity numbers never reach a log line or a traceback.
        return "MyKad(…)"

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
    return _SEPARATORS.sub("", text or "")


def formatted(digits: str) -> str:
    """As printed on the card: "900517-14-5678"."""
    return f"{digits[:6]}-{digits[6:8]}-{digits[8:]}"


def parse(text: str) -> MyKad:
    """A well-formed MyKad number; raises :class:`Invalid` ("mykad_format", "mykad_date",
    "mykad_place")."""
    digits = normalise(text)
    if not _DIGITS.match(digits):
        raise Invalid("mykad_format")
    if not _centuries_with(digits[:6]):
        raise Invalid("mykad_date")
    if digits[6:8] not in ISSUED_PLACE_CODES:
        raise Invalid("mykad_place")
    return MyKad(digits)


def birth_date(number: MyKad, today: date) -> date:
    """The date of birth the number reads as: YYMMDD in the most recent century that does not
    put it after ``today`` (on 6 Dec 2026, 150101 is 2015 and 300101 is 1930)."""
    for day in sorted(_centuries_with(number.birth_digits), reverse=True):
        if day <= today:
            return day
    raise Invalid("mykad_date")  # a date of birth in the future, in every century


def check_against(
    number: MyKad, date_of_birth: date, today: date, *, minimum_age: int = ADULT_AGE
) -> None:
    """Raise :class:`Invalid` unless ``number`` agrees with the profile's ``date_of_birth``.

    "mykad_minor" when the number does not match and its own date reads as someone under
    ``minimum_age`` on ``today`` (the under-age rule decides what happens next);
    "mykad_dob_mismatch" otherwise, with ``expected`` = the profile's date (a ``date``,
    written for the reader when the message is shown).
    """
    if number.birth_digits == date_of_birth.strftime("%y%m%d"):
        return
    try:
        read = birth_date(number, today)
    except Invalid:
        read = None
    if read is not None and _age_on(read, today) < minimum_age:
        raise Invalid("mykad_minor")
    raise Invalid("mykad_dob_mismatch", expected=date_of_birth)


def _centuries_with(yymmdd: str) -> list[date]:
    """Every real day YYMMDD names in the 1900s and 2000s (none: not a date)."""
    yy, mm, dd = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    days = []
    for century in (1900, 2000):
        with contextlib.suppress(ValueError):  # no such day in that century
            days.append(date(century + yy, mm, dd))
    return days


def _age_on(born: date, day: date) -> int:
    # Whole years, as the portal's 18+ rule counts them (portal.auth.registration.age_on).
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

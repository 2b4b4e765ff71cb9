"""Countries as people choose and read them: ISO 3166-1 alpha-2 codes with CLDR's names in the
reader's language (through Babel), for postal addresses, third parties' countries and the
country that issued a passport. One list, so a code accepted in one place is named in every
other. Malaysia's states too (ISO 3166-2:MY), for the profile's address and the couriers that
are sent it.
"""

from __future__ import annotations

import functools

from babel import Locale
from flask_babel import get_locale

# CLDR names these regions too, but they are not countries: no one has a postal address in
# them or a passport issued by them.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB", "AQ", "CP", "DG"})


@functools.cache
def _territories(locale: str) -> tuple[tuple[str, str], ...]:
    names = Locale.parse(locale).territories
    found = [
        (code, name)
        for code, name in names.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    ]
    return tuple(sorted(found, key=lambda item: item[1].casefold()))


CODES: frozenset[str] = frozenset(code for code, _ in _territories("en"))


def countries() -> tuple[tuple[str, str], ...]:
    """(ISO code, name in the reader's language), alphabetical: the choices of a select."""
    return _territories(str(get_locale() or "en"))


def country_name(code: str | None) -> str:
    """The country's name in the reader's language; an unknown code as it is, nothing for
    nothing."""
    if not code:
        return ""
    return dict(countries()).get(code, code)


# The 13 states and 3 federal territories, by their ISO 3166-2:MY codes.
MY_STATES: dict[str, str] = {
    "MY-01": "Johor",
    "MY-02": "Kedah",
    "MY-03": "Kelantan",
    "MY-04": "Melaka",
    "MY-05": "Negeri Sembilan",
    "MY-06": "Pahang",
    "MY-08": "Perak",
    "MY-09": "Perlis",
    "MY-07": "Pulau Pinang",
    "MY-12": "Sabah",
    "MY-13": "Sarawak",
    "MY-10": "Selangor",
    "MY-11": "Terengganu",
    "MY-14": "Wilayah Persekutuan Kuala Lumpur",
    "MY-15": "Wilayah Persekutuan Labuan",
    "MY-16": "Wilayah Persekutuan Putrajaya",
}

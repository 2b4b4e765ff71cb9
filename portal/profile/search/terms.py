"""What a seller can be found by, and what staff type, normalised the same way.

Pure functions, no database: the index (:mod:`portal.profile.search.services`), the benchmark and the
tests all use these. Migration 0017 holds a frozen copy for the backfill (migrations do not
import the app); change both together, and rebuild the terms with a new migration.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

MAX_TERM = 200  # the column's length; longer names and queries are cut
MAX_TAILS = 8  # a name of more words is found by its first eight words' tails

_NON_WORD = re.compile(r"[\W_]+")
_PHONE_LIKE = re.compile(r"\+?[\d\s().\-/]+")
_NOT_DIGIT = re.compile(r"\D")


def fold(text: str) -> str:
    """Lower case, accents dropped, compatibility forms unified: "José" and "JOSE" match."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str | None) -> list[str]:
    """The words of ``text``, folded; punctuation and spaces only separate them."""
    return [word for word in _NON_WORD.split(fold(text or "")) if word]


def _tails(text: str | None) -> set[str]:
    """Every tail of the words: "tan mei ling", "mei ling", "ling". A prefix of a tail is
    what staff type when they start with any word of a name ("mei li")."""
    found = words(text)
    return {" ".join(found[start:])[:MAX_TERM] for start in range(min(len(found), MAX_TAILS))}


def _phone_terms(phone_e164: str | None) -> set[str]:
    """The number's digits as it may be typed: 60123456789, 0123456789 and 123456789."""
    if not phone_e164:
        return set()
    found = {_NOT_DIGIT.sub("", phone_e164)}
    try:
        number = phonenumbers.parse(phone_e164, None)
    except phonenumbers.NumberParseException:
        return found - {""}
    significant = phonenumbers.national_significant_number(number)
    found.add(significant)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    found.add(_NOT_DIGIT.sub("", national))
    # The trunk prefix before the number as well, even where the formatter leaves it out
    # (numbers it does not know as valid): 0 + 185599944.
    region = phonenumbers.region_code_for_country_code(number.country_code)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is not None and metadata.national_prefix:
        found.add(metadata.national_prefix + significant)
    return found - {""}


def terms_for(
    full_name: str | None,
    email: str | None,
    phone_e164: str | None,
    shop_name: str | None,
) -> set[str]:
    """Every search term of one seller."""
    found = _tails(full_name) | _tails(shop_name) | _phone_terms(phone_e164)
    if email and email.strip():
        found.add(email.strip().casefold()[:MAX_TERM])
    return found


def prefixes(query: str) -> list[str]:
    """The term prefixes a query stands for: none for an empty one, one or two otherwise.

    An email (or its beginning, "mei.ling") is matched as typed; a phone number in any
    format ("+60 12-345 6789", "012 345 6789", "0060…") by its digits; anything else by its
    folded words, which match the tail of a name or shop name that starts with them.
    """
    query = query.strip()[:MAX_TERM]
    if not query:
        return []
    if "@" in query:
        return [query.casefold()]
    if _PHONE_LIKE.fullmatch(query) and any(c.isdigit() for c in query):
        digits = _NOT_DIGIT.sub("", query)
        if digits.startswith("00"):  # the international prefix dialled from Malaysia
            digits = digits[2:]
        return [digits] if digits else []
    found = []
    text = " ".join(words(query))
    if text:
        found.append(text)
    typed = query.casefold()
    if typed != text and not any(c.isspace() for c in typed):
        found.append(typed)  # the start of an email: "mei.ling", "tan_88"
    return found


def prefix_range(prefix: str) -> tuple[str, str | None]:
    """``[low, high)`` holding exactly the strings that start with ``prefix``, in code point
    order: SQLite's BINARY collation and PostgreSQL's "C" collation both compare UTF-8
    bytes, which sort as code points. ``high`` is None when nothing sorts above."""
    chars = list(prefix)
    while chars:
        following = ord(chars[-1]) + 1
        if 0xD800 <= following <= 0xDFFF:  # surrogates cannot be stored; skip past them
            following = 0xE000
        if following <= 0x10FFFF:
            chars[-1] = chr(following)
            return prefix, "".join(chars)
        chars.pop()
    return prefix, None

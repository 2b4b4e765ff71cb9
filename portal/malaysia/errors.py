"""What a validator found wrong, as a code, and the sentence a person reads for it.

Each sentence says what is wrong and what to do, in the reader's language (the Malay is in
``portal/translations/ms``). The sentence is lazy: it is translated, and its parameters
formatted, when it is shown, so an :class:`Invalid` raised in a service reads right in the
page of whoever sees it.
"""

from __future__ import annotations

from datetime import date

from flask_babel import LazyString, format_date
from flask_babel import lazy_gettext as _l

# The day as portal.formatting writes it ("6 Dec 2026" / "6 Dis 2026"). The core modules are
# independent of one another (pyproject.toml, the layers contract), so the pattern is
# repeated here rather than imported; tests/malaysia checks the two agree.
DAY = "d MMM y"

MESSAGES = {
    # MyKad
    "mykad_format": _l("Enter the 12 digits of your MyKad number, like 900517-14-5678."),
    "mykad_date": _l(
        "The first six digits of a MyKad number are a date of birth (YYMMDD), and these are "
        "not a real date. Check the number on your MyKad."
    ),
    "mykad_place": _l(
        "The 7th and 8th digits are not a place-of-birth code that JPN issues. Check the "
        "number on your MyKad."
    ),
    "mykad_dob_mismatch": _l(
        "The first six digits do not match the date of birth in your profile (%(expected)s). "
        "Check the number on your MyKad; if your date of birth is wrong, correct it in your "
        "profile first."
    ),
    "mykad_minor": _l(
        "This MyKad number belongs to someone under 18. Sellers must be 18 or older."
    ),
    # Passport
    "passport_format": _l(
        "Enter the passport number as printed on its photo page: 6 to 9 letters and digits."
    ),
    "passport_format_my": _l(
        "A Malaysian passport number is a letter followed by 8 digits, like A12345678."
    ),
    "passport_country": _l("Choose the country that issued the passport."),
    "passport_expired": _l(
        "This passport has expired, or expires today. Upload a passport that is still valid."
    ),
    # Business
    "ssm_format": _l(
        "Enter the 12-digit SSM registration number (like 201901012345), or the old number "
        "(like 1312525-A)."
    ),
    "ssm_type": _l(
        "This SSM number is for a different kind of business from the one you chose. Check the "
        "number, or change how you sell."
    ),
    "tin_format": _l(
        "Enter the tax identification number (TIN) as LHDN issued it: IG and digits for an "
        "individual (like IG12345678090), or letters and digits for a business (like "
        "C25845632020)."
    ),
    "sst_format": _l(
        "Enter the SST registration number as Customs issued it, like W10-1808-32000123."
    ),
}


class Invalid(ValueError):
    """A value that breaks a published rule; ``code`` is a key of :data:`MESSAGES`.

    ``params`` hold the values the sentence names (a date stays a date, formatted for the
    reader when the sentence is shown). ``str(error)`` is the code only: an error may be
    logged, and the values it was raised for are personal data.
    """

    def __init__(self, code: str, **params):
        if code not in MESSAGES:
            raise KeyError(code)
        super().__init__(code)
        self.code = code
        self.params = params

    @property
    def message(self) -> LazyString:
        """The sentence the person reads, in their language, with the parameters filled in."""
        return LazyString(_render, self.code, dict(self.params))


def _render(code: str, params: dict) -> str:
    text = str(MESSAGES[code])  # translated now, in the reader's language
    if not params:
        return text
    return text % {name: _shown(value) for name, value in params.items()}


def _shown(value):
    return format_date(value, DAY) if isinstance(value, date) else value


def message(code: str):
    """The sentence for ``code`` (without parameters), lazily translated."""
    return MESSAGES[code]

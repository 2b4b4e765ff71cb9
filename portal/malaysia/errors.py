"""What a validator found wrong, as a code, and the sentence a person reads for it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

MESSAGES = {
    # MyKad
    "mykad_format": _l("Enter the 12 digits of your MyKad number, like 900517-14-5678."),
    "mykad_date": _l("The first six digits of a MyKad number are a date of birth (YYMMDD)."),
    "mykad_place": _l("The middle two digits are not a place-of-birth code that is issued."),
    "mykad_dob_mismatch": _l(
        "The first six digits do not match the date of birth in your profile (%(expected)s)."
    ),
    "mykad_minor": _l("This MyKad number belongs to someone under 18."),
    # Passport
    "passport_format": _l("Enter the passport number as printed: 6 to 9 letters and digits."),
    "passport_country": _l("Choose the country that issued the passport."),
    "passport_expired": _l("This passport has expired. Upload a valid passport."),
    # Business
    "ssm_format": _l(
        "Enter the 12-digit SSM registration number (like 201901012345), or the old number."
    ),
    "ssm_type": _l("This SSM number is not for the kind of business you chose."),
    "tin_format": _l("Enter the tax identification number as LHDN issued it, like IG12345678090."),
    "sst_format": _l("Enter the SST registration number as issued, like W10-1808-32000123."),
}


class Invalid(ValueError):
    """A value that breaks a published rule; ``code`` is a key of :data:`MESSAGES`."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params

    @property
    def message(self):
        return MESSAGES[self.code] if not self.params else _l_format(self.code, self.params)


def _l_format(code: str, params: dict):
    return MESSAGES[code] % params


def message(code: str):
    return MESSAGES[code]

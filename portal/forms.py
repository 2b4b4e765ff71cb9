"""What every form shares: the base form with the single-line-text rule, the shared filters,
``required``, the checks of an email, a phone number and a date of birth, the name rule,
confirm forms, and numbers sent back in hidden fields. (Page numbers read
from the query string are in :mod:`portal.pagination`, where services reach them too.)

Every form in the portal inherits :class:`PortalForm` (a test walks the package to hold it
to that). Its one rule is applied to every field by type, so a new field cannot forget it:

- A single line of text (every ``StringField``: text, email, telephone, search, URL and
  hidden inputs) holds no control character at all (Unicode category Cc: line breaks, tabs,
  NUL, escape...), no line or paragraph separator (U+2028, U+2029), no bidirectional
  embedding, override or isolate (U+202A-U+202E, U+2066-U+2069: the "Trojan Source" trick,
  CVE-2021-42574, that shows text in another order than it is stored) and no invisible
  zero-width space, word joiner or byte-order mark (U+200B, U+2060, U+FEFF). Such a value
  lands verbatim in an email, a page, a log or a CSV for someone else; a person never types
  one. (Zero-width joiners, U+200C and U+200D, stay: Tamil, Indic scripts and emoji need
  them.)
- A text area (``TextAreaField``) keeps its line breaks and tabs, and refuses the other
  control characters and the bidirectional controls.
- A password (``PasswordField``) is exempt: it is never shown, stored, mailed or logged,
  only its hash is kept, browsers already drop line breaks from password inputs, and
  refusing a character at log-in would lock out whoever managed to set one.

The error is a message next to the field, in the person's language; the form is then not
valid, so the view saves nothing (each profile section is its own form: a bad value in one
leaves the others, and what was saved before, as they were).
"""

from __future__ import annotations

import re
from datetime import date

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, ValidationError

from portal.pagination import whole_number

# --- the single-line-text rule ------------------------------------------------------------

_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # category Cc, less tab, line feed, return
_BIDI = "\u202a-\u202e\u2066-\u2069"
_NOT_IN_A_LINE = re.compile(f"[{_CONTROL}\t\n\r{_BIDI}\u2028\u2029\u200b\u2060\ufeff]")
_NOT_IN_A_TEXT = re.compile(f"[{_CONTROL}{_BIDI}]")


def one_line_message():
    return _l("Write this on one line, without line breaks or invisible characters.")


def text_area_message():
    return _l("This text contains invisible control characters. Please remove them.")


def problem_in(field):
    """The message for a rule ``field``'s value breaks, or None: text areas, single lines,
    or no rule at all (passwords, and fields that hold no free text: choices, dates, files,
    check boxes)."""
    value = field.data
    if not isinstance(value, str):
        return None
    if isinstance(field, TextAreaField):
        return text_area_message() if _NOT_IN_A_TEXT.search(value) else None
    if isinstance(field, PasswordField):
        return None
    if isinstance(field, StringField):
        return one_line_message() if _NOT_IN_A_LINE.search(value) else None
    return None


class PortalForm(FlaskForm):
    """The base of every form in the portal: CSRF (from Flask-WTF) and the text rules.

    ``exempt_from_text_rule`` names fields the rule must leave alone, each for a reason
    given where it is set (the report form's robot trap: whatever a robot writes there must
    earn it the same answer as a person).
    """

    exempt_from_text_rule: frozenset[str] = frozenset()

    def validate(self, extra_validators=None) -> bool:
        # Judged on what was sent (after the filters), before the fields' own validators:
        # they may stop early (Optional) or tidy the value up (an account number loses its
        # spaces), and the rule must hold whatever they do. The messages are added after,
        # since validating a field starts its list of errors afresh.
        problems = {
            name: message
            for name, field in self._fields.items()
            if name not in self.exempt_from_text_rule and (message := problem_in(field)) is not None
        }
        valid = super().validate(extra_validators)
        for name, message in problems.items():
            self._fields[name].errors = [*self._fields[name].errors, message]
        return valid and not problems


class ConfirmForm(PortalForm):
    """A form with nothing but its CSRF token, for one-button confirmations."""


# --- shared filters, required, and the field checks ----------------------------------------


def strip(value):
    return value.strip() if isinstance(value, str) else value


required = DataRequired(message=_l("This field is required."))


def check_email(form, field) -> None:
    try:
        validate_email(field.data or "", check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError(_l("Enter a valid email address, like name@example.com.")) from exc


def parse_phone(value: str) -> str | None:
    """The number in E.164 (e.g. +60123456789), or None if it is not a valid number."""
    try:
        number = phonenumbers.parse(value, current_app.config["DEFAULT_PHONE_REGION"])
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def check_phone(form, field) -> None:
    """Sets ``field.e164``, the number as stored, for the view to read."""
    field.e164 = parse_phone(field.data or "")
    if field.e164 is None:
        raise ValidationError(
            _l("Enter a valid phone number, like 012-345 6789 or +60 12-345 6789.")
        )


def check_date_of_birth(form, field) -> None:
    if field.data is None:  # not a date: the field has already said so
        return
    if field.data > date.today():
        raise ValidationError(_l("Your date of birth cannot be in the future."))
    if field.data.year < 1900:
        raise ValidationError(_l("Enter your date of birth as day, month and year."))


# --- the name rule --------------------------------------------------------------------------


# A web address, or what a mail program or a person would take for one: a scheme, "www.",
# or words joined by dots ending in two or more letters ("evil.example", "bit.ly"). Full
# stops as Chinese and Japanese text writes them count: IDNA treats them as dots (RFC 3490,
# 3.1). Names with initials or titles keep working with a space after the dot ("A. Rahman").
_DOT = "[.\u3002\uff0e\uff61]"
_WEB_ADDRESS = re.compile(
    rf"://|www{_DOT}|(?:[^\W_][\w-]*{_DOT})+[^\W\d_]{{2,}}(?![\w-])", re.IGNORECASE
)


def no_web_address(form, field) -> None:
    """A person's or a shop's name holds no web address: names travel into pages and mail
    that others read, where a link would speak with Koopseri's voice."""
    if isinstance(field.data, str) and _WEB_ADDRESS.search(field.data):
        raise ValidationError(
            _l(
                "A name cannot contain a web address. If a dot joins two words, put a space after it."
            )
        )


# --- numbers a page sends back ----------------------------------------------------------


def whole_number_or_empty(form, field) -> None:
    """A number a page sends back in a hidden field (a version, a revision): digits up to
    :data:`portal.pagination.LARGEST_ID`, or nothing. Anything else did not come from our page, and must not
    reach ``int()`` or a query."""
    value = "" if field.data is None else str(field.data).strip()
    if value and whole_number(value) is None:
        raise ValidationError(
            _l("This page cannot be used that way. Please go back and try again.")
        )

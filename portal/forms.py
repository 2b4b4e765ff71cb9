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
valid, so the view saves nothing (each profile section is its own page and form: a bad value
in one leaves the others, and what was saved before, as they were).

A page that shows a form with errors says so the same way everywhere (:func:`init_app`): its
<title> starts "Error: " and it answers 400, whatever the view returned; the error summary
(``errors_summary`` in templates/_macros/forms.html) links each message to its field
(:func:`first_input_id`).

A date a person types (a date of birth) is three boxes, day, month and year
(:class:`DateInputField`, drawn by the ``date_input`` macro), as the GOV.UK Design System
advises: no browser date picker with its foreign mm/dd/yyyy.
"""

from __future__ import annotations

import re
from datetime import date

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask import current_app, g, has_request_context
from flask.signals import before_render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, PasswordField, StringField, TextAreaField
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, StopValidation, ValidationError
from wtforms.widgets import ListWidget

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


# --- a date as three boxes ----------------------------------------------------------------

DATE_PARTS = ("day", "month", "year")


def _missing_message(missing: tuple[str, ...], label) -> str:
    # Whole sentences, not assembled from words: Malay orders them its own way.
    messages = {
        ("day",): _("%(label)s must include a day.", label=label),
        ("month",): _("%(label)s must include a month.", label=label),
        ("year",): _("%(label)s must include a year.", label=label),
        ("day", "month"): _("%(label)s must include a day and month.", label=label),
        ("day", "year"): _("%(label)s must include a day and year.", label=label),
        ("month", "year"): _("%(label)s must include a month and year.", label=label),
    }
    return messages[missing]


class DateInputField(Field):
    """A date typed into three boxes named ``<name>-day``, ``<name>-month`` and
    ``<name>-year``; drawn by the ``date_input`` macro, never by a widget of its own.

    ``parts`` keeps what was typed, exactly, so a page shown again with an error gives it
    back. Errors say which part is wrong ("must include a month", "must be a real date") and
    ``parts_in_error`` names the boxes to mark; the error summary links to the first of them.
    Without ``required_message`` three empty boxes are no date (``None``) and no error.
    """

    def __init__(self, label=None, validators=None, *, required_message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required_message = required_message
        self.parts = dict.fromkeys(DATE_PARTS, "")
        self.parts_in_error: tuple[str, ...] = ()

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.object_data = data
        self.data = data if isinstance(data, date) else None
        if self.data is not None:
            self.parts = {"day": str(data.day), "month": str(data.month), "year": str(data.year)}
        self.raw_data = []
        if formdata is not None:
            names = [f"{self.name}-{part}" for part in DATE_PARTS]
            self.raw_data = [formdata.get(name, "") for name in names]
            self.parts = {
                part: value.strip() for part, value in zip(DATE_PARTS, self.raw_data, strict=True)
            }
            self.data = self._typed_date()

    def _typed_date(self) -> date | None:
        try:
            return date(*(int(self.parts[part]) for part in ("year", "month", "day")))
        except ValueError:  # empty, not a number, or no such day (31 2 1990)
            return None

    @property
    def first_input_id(self) -> str:
        return f"{self.id}-{(self.parts_in_error or DATE_PARTS)[0]}"

    def pre_validate(self, form) -> None:
        if not self.raw_data:  # the form was not sent (or the boxes were left out of it)
            if self.required_message:
                self.parts_in_error = DATE_PARTS
                raise StopValidation(self.required_message)
            return
        missing = tuple(part for part in DATE_PARTS if not self.parts[part])
        if len(missing) == len(DATE_PARTS):
            if self.required_message:
                self.parts_in_error = DATE_PARTS
                raise StopValidation(self.required_message)
            return
        label = self.label.text
        if missing:
            self.parts_in_error = missing
            raise StopValidation(_missing_message(missing, label))
        if not all(
            self.parts[part].isascii() and self.parts[part].isdigit() for part in DATE_PARTS
        ):
            self.parts_in_error = DATE_PARTS
            raise StopValidation(_("%(label)s must be a real date.", label=label))
        if len(self.parts["year"]) != 4:
            self.parts_in_error = ("year",)
            raise StopValidation(_("The year must have 4 numbers, like 1990."))
        if self.data is None:
            self.parts_in_error = DATE_PARTS
            raise StopValidation(_("%(label)s must be a real date.", label=label))


# A day typed as text, where three boxes would crowd the form (a filter, a pickup day): day,
# month and year in the Malaysian order, "7/12/2026" (also with dashes, dots or spaces), or
# ISO 8601 "2026-12-07". Never the browser's date picker, whose order follows the browser.
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})")
DAY_FORMAT_EXAMPLE = "7/12/2026"


def parse_day(text: str | None) -> date | None:
    """The day ``text`` names as day/month/year (or ISO 8601); None if it names none."""
    text = (text or "").strip()
    match = _DAY_MONTH_YEAR.fullmatch(text)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            found = date(year, month, day)
        else:
            found = date.fromisoformat(text)
    except ValueError:
        return None
    # Years 1 and 9999 would overflow once turned into UTC instants.
    return found if 2 <= found.year <= 9998 else None


def day_as_typed(day: date) -> str:
    """A day the way :func:`parse_day` reads it and people write it: "7/12/2026"."""
    return f"{day.day}/{day.month}/{day.year}"


class DayField(StringField):
    """A day typed as text, day/month/year; the page shows the format beside it
    (``day_hint``). What was typed is given back as typed when it is not a day."""

    def process_formdata(self, valuelist):
        text = valuelist[0] if valuelist else ""
        self.data = parse_day(text) if text.strip() else None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return day_as_typed(self.data) if isinstance(self.data, date) else ""

    def pre_validate(self, form) -> None:
        if self.raw_data and self.raw_data[0].strip() and self.data is None:
            raise StopValidation(
                _(
                    "Enter %(label)s as day/month/year, for example %(example)s.",
                    label=self.label.text.lower(),
                    example=DAY_FORMAT_EXAMPLE,
                )
            )


def day_hint() -> str:
    """The format a :class:`DayField` takes, for its hint."""
    return _("Day/month/year, for example %(example)s.", example=DAY_FORMAT_EXAMPLE)


# --- pages that show errors ------------------------------------------------------------------


def first_input_id(field) -> str | None:
    """The id an error summary links to for ``field``: the input itself, the first option of
    a radio or check box group, the first box of a date in error; None for a hidden field,
    which a person cannot correct."""
    if isinstance(field, HiddenField) or field.type == "CSRFTokenField":
        return None
    if hasattr(field, "first_input_id"):
        return field.first_input_id
    if isinstance(field.widget, ListWidget):
        options = list(field)
        return options[0].id if options else field.id
    return field.id


def _forms_in(context: dict):
    for value in context.values():
        if isinstance(value, FlaskForm):
            yield value
        elif isinstance(value, dict | list | tuple):
            yield from (
                v
                for v in (value.values() if isinstance(value, dict) else value)
                if isinstance(v, FlaskForm)
            )


def _note_form_errors(sender, template, context, **extra) -> None:
    """Before a template renders: does it show a form with errors? base.html reads
    ``form_errors`` to start the <title> with "Error: ", and the request answers 400."""
    if any(form.errors for form in _forms_in(context)):
        context["form_errors"] = True
        if has_request_context():
            g.form_errors_shown = True


def _invalid_form_is_a_bad_request(response):
    # One rule for every view: a form shown again with its errors was a request the portal
    # could not carry out, whatever status the view returned with it. Redirects, 4xx and 5xx
    # keep theirs.
    if g.pop("form_errors_shown", False) and response.status_code == 200:
        response.status_code = 400
    return response


def init_app(app) -> None:
    before_render_template.connect(_note_form_errors, app)
    app.after_request(_invalid_form_is_a_bad_request)
    app.add_template_global(first_input_id)
    app.add_template_global(day_hint)

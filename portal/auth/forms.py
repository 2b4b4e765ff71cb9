"""Forms of the auth pages. Labels are the contract: people and tests find fields by them."""

from __future__ import annotations

from datetime import date

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField, TelField
from wtforms.fields import DateField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, ValidationError

from portal.forms import ConfirmForm as ConfirmForm  # long imported from here by the features
from portal.forms import PortalForm, no_web_address, strip, whole_number_or_empty
from portal.security import password_problems


def check_email(form, field) -> None:
    try:
        validate_email(field.data or "", check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError(_l("Enter a valid email address, like name@example.com.")) from exc


def check_new_password(form, field) -> None:
    problems = password_problems(field.data or "", avoid=form.not_the_password())
    if problems:
        raise ValidationError(" ".join(str(p) for p in problems))


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


required = DataRequired(message=_l("This field is required."))


class RegistrationForm(PortalForm):
    full_name = StringField(
        _l("Full legal name"),
        filters=[strip],
        validators=[required, Length(max=200), no_web_address],
    )
    email = EmailField(
        _l("Email"), filters=[strip], validators=[required, Length(max=254), check_email]
    )
    password = PasswordField(_l("Password"), validators=[required, check_new_password])
    date_of_birth = DateField(
        _l("Date of birth"),
        validators=[InputRequired(message=_l("Enter your date of birth."))],
    )
    phone = TelField(
        _l("Phone number"), filters=[strip], validators=[required, Length(max=40), check_phone]
    )
    # The label names the version and is written by the template, next to a link to read it.
    consent = BooleanField(
        validators=[DataRequired(message=_l("You must accept the privacy policy to register."))]
    )
    policy_version = HiddenField(validators=[whole_number_or_empty])

    def not_the_password(self) -> list[str]:
        return [self.email.data or "", self.full_name.data or ""]

    def validate_date_of_birth(self, field) -> None:
        check_date_of_birth(self, field)


class LoginForm(PortalForm):
    email = EmailField(_l("Email"), filters=[strip], validators=[required, Length(max=254)])
    password = PasswordField(_l("Password"), validators=[required])
    remember = BooleanField(_l("Keep me logged in for 30 days"))
    next = HiddenField()


class ResetRequestForm(PortalForm):
    email = EmailField(
        _l("Email"), filters=[strip], validators=[required, Length(max=254), check_email]
    )


class NewPasswordForm(PortalForm):
    """A new password for the account whose email is ``account_email``."""

    def __init__(self, *args, account_email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.account_email = account_email

    def not_the_password(self) -> list[str]:
        return [self.account_email]

    password = PasswordField(_l("New password"), validators=[required, check_new_password])
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[required, EqualTo("password", message=_l("The two passwords do not match."))],
    )


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[required])


class ConfirmIdentityForm(PortalForm):
    """The password again (and a code, with two-factor) before a sensitive act."""

    password = PasswordField(_l("Password"), validators=[required])
    code = StringField(
        _l("Authentication code"),
        filters=[strip],
        validators=[Length(max=32)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    next = HiddenField()


class TwoFactorLoginForm(PortalForm):
    """The second step of a log-in with two-factor on: a code from the app, or a recovery code."""

    code = StringField(
        _l("Authentication code"),
        filters=[strip],
        validators=[required, Length(max=32)],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"},
    )

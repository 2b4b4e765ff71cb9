"""Forms of the auth pages. Labels are the contract: people and tests find fields by them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField, TelField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from portal.forms import (
    DateInputField,
    PortalForm,
    check_date_of_birth,
    check_email,
    check_phone,
    no_web_address,
    required,
    strip,
    whole_number_or_empty,
)
from portal.security import password_problems


def check_new_password(form, field) -> None:
    problems = password_problems(field.data or "", avoid=form.not_the_password())
    if problems:
        raise ValidationError(" ".join(str(p) for p in problems))


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
    date_of_birth = DateInputField(
        _l("Date of birth"), required_message=_l("Enter your date of birth.")
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

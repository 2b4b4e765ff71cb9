"""Forms of the account page. Labels are the contract: people and tests find fields by them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from portal.forms import PortalForm, required, strip


class TwoFactorSetupForm(PortalForm):
    """The first code from the authenticator app, proving it holds the new secret."""

    code = StringField(
        _l("Authentication code"),
        filters=[strip],
        validators=[DataRequired(message=_l("This field is required.")), Length(max=16)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class TerminateForm(PortalForm):
    """Closing the account: the password (and code, with two-factor), and the word typed."""

    password = PasswordField(_l("Password"), validators=[required])
    code = StringField(
        _l("Authentication code"),
        filters=[strip],
        validators=[Length(max=32)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    confirmation = StringField(
        _l("Type TERMINATE to confirm"),
        filters=[strip],
        validators=[required],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )

    def validate_confirmation(self, field):
        if field.data != "TERMINATE":
            raise ValidationError(_l("Type the word TERMINATE, in capitals, to confirm."))

"""Forms of the account page. Labels are the contract: people and tests find fields by them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from portal.auth.forms import strip


class TwoFactorSetupForm(FlaskForm):
    """The first code from the authenticator app, proving it holds the new secret."""

    code = StringField(
        _l("Authentication code"),
        filters=[strip],
        validators=[DataRequired(message=_l("This field is required.")), Length(max=16)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )

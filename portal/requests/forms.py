"""The request forms: the seller's, the public one (with its emailed code)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Regexp

from portal.forms import PortalForm, check_email, required, strip
from portal.requests.wording import KINDS


def _kind_field():
    return RadioField(
        _l("Type of request"),
        choices=[SelectChoice(value.value, label) for value, label in KINDS.items()],
        validators=[InputRequired(message=_l("Choose the type of request."))],
    )


def _details_field():
    return TextAreaField(_l("Details"), filters=[strip], validators=[required, Length(max=5000)])


class RequestForm(PortalForm):
    kind = _kind_field()
    details = _details_field()


class PublicRequestForm(PortalForm):
    email = EmailField(
        _l("Your email"),
        filters=[strip],
        validators=[InputRequired(message=_l("Enter your email address.")), check_email],
    )
    kind = _kind_field()
    details = _details_field()


class CodeForm(PortalForm):
    pending = HiddenField()
    code = StringField(
        _l("Code"),
        filters=[strip],
        validators=[
            InputRequired(message=_l("Enter the code we emailed you.")),
            Regexp(r"^\d{6}$", message=_l("The code is 6 digits.")),
        ],
    )

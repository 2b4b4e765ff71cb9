"""Staff's record of a third party's answer to an erasure request (/admin/erasure-requests)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from portal.clock import local_today
from portal.forms import DayField, PortalForm, strip


class AnswerForm(PortalForm):
    answer = TextAreaField(
        _l("Their answer"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Write what the party answered.")),
            Length(max=500, message=_l("Keep the answer to 500 characters.")),
        ],
    )
    answered_on = DayField(
        _l("Date of their answer"),
        validators=[InputRequired(message=_l("Enter the day the party answered."))],
    )

    def validate_answered_on(self, field):
        if field.data and field.data > local_today():
            raise ValidationError(_l("An answer cannot be dated in the future."))

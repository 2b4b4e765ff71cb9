"""Staff answers to a minor report (/admin/minor-reports): a question, or a dismissal."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from portal.forms import PortalForm, strip


class QuestionForm(PortalForm):
    question = TextAreaField(
        _l("Question for the reporter"),
        filters=[strip],
        validators=[DataRequired(message=_l("Write the question to send.")), Length(max=2000)],
    )


class DismissForm(PortalForm):
    reason = TextAreaField(
        _l("Why this report is dismissed"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Give the reason: it is kept with the report.")),
            Length(max=2000),
        ],
    )

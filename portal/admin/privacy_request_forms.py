"""Staff's answers to a data-subject request (/admin/requests/<id>)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.forms import PortalForm, strip


class ExtendForm(PortalForm):
    reason = TextAreaField(
        _l("Why we need more time"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Give the reason: the requester is told it.")),
            Length(max=2000),
        ],
    )


class RefuseForm(PortalForm):
    ground = RadioField(
        _l("Ground for refusing"),
        choices=[],
        validators=[InputRequired(message=_l("Choose the ground for refusing."))],
    )
    explanation = TextAreaField(
        _l("Explanation for the requester"),
        filters=[strip],
        validators=[Optional(), Length(max=2000)],
    )


class AnswerForm(PortalForm):
    text = TextAreaField(
        _l("Our answer"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Write the answer to send.")),
            Length(max=5000),
        ],
    )


class NoteForm(PortalForm):
    """Fulfilling with a copy or by closing the account: a note is optional."""

    text = TextAreaField(
        _l("A note for the requester"), filters=[strip], validators=[Optional(), Length(max=5000)]
    )


class TransferForm(PortalForm):
    """Moving the seller's data to the party staff chose (PDPA s.43A): the party and the
    digest of what staff were shown go back with the confirmation."""

    party = HiddenField()  # checked by the service: an unknown party is refused in words
    digest = HiddenField()
    text = TextAreaField(
        _l("A note for the requester"), filters=[strip], validators=[Optional(), Length(max=5000)]
    )

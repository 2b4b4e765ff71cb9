"""The staff log of reaching a seller whom email cannot reach: how, and what happened."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from portal.forms import PortalForm
from portal.profile.reachability import ContactChannel, ContactOutcome

CHANNELS = {
    ContactChannel.PHONE: _l("Phone call"),
    ContactChannel.SMS: _l("SMS"),
    ContactChannel.WHATSAPP: _l("WhatsApp"),
    ContactChannel.POST: _l("Letter by post"),
}
OUTCOMES = {
    ContactOutcome.REACHED: _l("Reached the seller"),
    ContactOutcome.NO_ANSWER: _l("No answer"),
    ContactOutcome.LEFT_MESSAGE: _l("Left a message"),
    ContactOutcome.WRONG_NUMBER: _l("Wrong number or address"),
    ContactOutcome.OTHER: _l("Other"),
}


class ContactAttemptForm(PortalForm):
    channel = RadioField(
        _l("How"),
        choices=[SelectChoice(value, label) for value, label in CHANNELS.items()],
        validators=[InputRequired(message=_l("Choose how you tried to reach the seller."))],
    )
    outcome = RadioField(
        _l("Outcome"),
        choices=[SelectChoice(value, label) for value, label in OUTCOMES.items()],
        validators=[InputRequired(message=_l("Choose what happened."))],
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])

"""Back-office forms."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.auth.forms import ValidationError, strip
from portal.outbox.models import ContactChannel, ContactOutcome


class EmptyForm(FlaskForm):
    """Only the CSRF token: for buttons whose target is in the URL."""


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


class ContactAttemptForm(FlaskForm):
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


def _unix_newlines(value):
    # Browsers send a textarea's lines ending in CRLF; published versions use LF, and the
    # word diff would otherwise mark every line break as changed.
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


class PolicyDraftForm(FlaskForm):
    """The next privacy policy version as an admin writes it; saved as a draft as it is."""

    body = TextAreaField(
        _l("Policy text (Markdown)"), filters=[_unix_newlines], validators=[Length(max=200_000)]
    )
    summary = TextAreaField(
        _l("Summary of changes"),
        filters=[strip],
        validators=[Length(max=500, message=_l("Keep the summary to 500 characters or fewer."))],
    )
    effective = DateField(_l("Takes effect on"), validators=[Optional()])
    # The version the admin saw the button for: a publish by someone else meanwhile shows.
    number = HiddenField()


class PolicyPublishForm(PolicyDraftForm):
    """The draft's fields, checked as a version sellers will be asked to accept."""

    def __init__(self, *args, latest_text: str, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.latest_text = latest_text
        self.today = today

    def validate_body(self, field) -> None:
        text = (field.data or "").strip()
        if not text:
            raise ValidationError(_l("Write the text of the policy."))
        if text == self.latest_text.strip():
            raise ValidationError(
                _l("The text is the same as the newest version. Change it before publishing.")
            )

    def validate_summary(self, field) -> None:
        if not field.data:
            raise ValidationError(
                _l("Say in a sentence or two what changed: sellers read it in the email.")
            )

    def validate_effective(self, field) -> None:
        if field.data is not None and field.data < self.today:
            raise ValidationError(_l("Choose today or a later date."))


class QuestionForm(FlaskForm):
    question = TextAreaField(
        _l("Question for the reporter"),
        filters=[strip],
        validators=[DataRequired(message=_l("Write the question to send.")), Length(max=2000)],
    )


class DismissForm(FlaskForm):
    reason = TextAreaField(
        _l("Why this report is dismissed"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Give the reason: it is kept with the report.")),
            Length(max=2000),
        ],
    )


class ConfirmErasureForm(FlaskForm):
    checked = BooleanField(
        _l("I have checked that this account belongs to someone under 18"),
        validators=[DataRequired()],
    )

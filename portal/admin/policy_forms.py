"""The privacy policy's next version as an admin drafts and publishes it (/admin/policy)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from portal.forms import DayField, PortalForm, strip, whole_number_or_empty


def _unix_newlines(value):
    # Browsers send a textarea's lines ending in CRLF; published versions use LF, and the
    # word diff would otherwise mark every line break as changed.
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


class PolicyDraftForm(PortalForm):
    """The next privacy policy version as an admin writes it; saved as a draft as it is."""

    body = TextAreaField(
        _l("Policy text (Markdown)"), filters=[_unix_newlines], validators=[Length(max=200_000)]
    )
    summary = TextAreaField(
        _l("Summary of changes"),
        filters=[strip],
        validators=[Length(max=500, message=_l("Keep the summary to 500 characters or fewer."))],
    )
    body_ms = TextAreaField(
        _l("Policy text in Malay (Markdown)"),
        filters=[_unix_newlines],
        validators=[Length(max=200_000)],
    )
    summary_ms = TextAreaField(
        _l("Summary of changes in Malay"),
        filters=[strip],
        validators=[Length(max=500, message=_l("Keep the summary to 500 characters or fewer."))],
    )
    effective = DayField(_l("Takes effect on"), validators=[Optional()])
    # The version the admin saw the button for: a publish by someone else meanwhile shows.
    number = HiddenField(validators=[whole_number_or_empty])


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

    def validate_body_ms(self, field) -> None:
        if not (field.data or "").strip():
            raise ValidationError(
                _l("Write the Malay translation: both languages are published together.")
            )

    def validate_summary_ms(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Write the summary in Malay too."))

    def validate_effective(self, field) -> None:
        if field.data is not None and field.data < self.today:
            raise ValidationError(_l("Choose today or a later date."))

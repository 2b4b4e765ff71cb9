"""Back-office forms."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from portal.auth.forms import ValidationError, required, strip
from portal.clock import local_today
from portal.forms import PortalForm, whole_number_or_empty
from portal.profile.reachability import ContactChannel, ContactOutcome


class EmptyForm(PortalForm):
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
    effective = DateField(_l("Takes effect on"), validators=[Optional()])
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


class ConfirmErasureForm(PortalForm):
    checked = BooleanField(
        _l("I have checked that this account belongs to someone under 18"),
        validators=[DataRequired()],
    )


# --- Third parties and legal disclosures --------------------------------------------------


class CheckboxesField(SelectMultipleField):
    """Several choices as check boxes, rendered one by one by the ``choices`` macro."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _category_choices():
    from portal.sharing.payload import SHAREABLE

    return [SelectChoice(category.value, label) for category, label in SHAREABLE.items()]


def check_https_url(form, field):
    parts = urlsplit(field.data or "")
    if parts.scheme != "https" or not parts.hostname or "." not in parts.hostname:
        raise ValidationError(_l("Enter a full https:// address."))


class ThirdPartyForm(PortalForm):
    name = StringField(_l("Name"), filters=[strip], validators=[required, Length(max=100)])
    slug = StringField(
        _l("Connector key"),
        filters=[strip],
        validators=[
            required,
            Regexp(
                r"^[a-z0-9][a-z0-9-]{1,39}$",
                message=_l("Use 2 to 40 lower-case letters, digits and hyphens."),
            ),
        ],
    )
    service = TextAreaField(
        _l("What they do for Koopseri"), filters=[strip], validators=[required, Length(max=2000)]
    )
    purpose = TextAreaField(
        _l("Purpose of sharing"), filters=[strip], validators=[required, Length(max=2000)]
    )
    service_ms = TextAreaField(
        _l("What they do for Koopseri, in Malay"), filters=[strip], validators=[Length(max=2000)]
    )
    purpose_ms = TextAreaField(
        _l("Purpose of sharing, in Malay"), filters=[strip], validators=[Length(max=2000)]
    )
    categories = CheckboxesField(
        _l("Data they receive"),
        validators=[DataRequired(message=_l("Choose at least one category of data."))],
    )
    country = SelectField(_l("Country"), validators=[required])
    privacy_url = URLField(
        _l("Link to their privacy notice"),
        filters=[strip],
        validators=[required, Length(max=300), check_https_url],
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        from portal.profile.choices import countries

        super().__init__(*args, **kwargs)
        self.categories.choices = _category_choices()
        self.country.choices = [SelectChoice("", _l("Choose a country"))] + [
            SelectChoice(code, name) for code, name in countries()
        ]
        if editing:  # the key names the party in configuration: it never changes
            del self.slug


class LegalDisclosureForm(PortalForm):
    seller_email = EmailField(
        _l("Seller's email"), filters=[strip], validators=[required, Length(max=254)]
    )
    authority = StringField(
        _l("Authority"), filters=[strip], validators=[required, Length(max=200)]
    )
    legal_basis = TextAreaField(
        _l("Legal basis"), filters=[strip], validators=[required, Length(max=2000)]
    )
    reference = StringField(
        _l("Their reference"), filters=[strip], validators=[required, Length(max=100)]
    )
    disclosed_on = DateField(
        _l("Date of disclosure"),
        validators=[InputRequired(message=_l("Enter the day the data was released."))],
    )
    categories = CheckboxesField(
        _l("Data disclosed"),
        validators=[DataRequired(message=_l("Choose at least one category of data."))],
    )
    documents_released = TextAreaField(
        _l("Documents released"), filters=[strip], validators=[Optional(), Length(max=2000)]
    )
    withheld = BooleanField(_l("Withhold from the seller"))
    withheld_reason = TextAreaField(
        _l("Reason for withholding"), filters=[strip], validators=[Optional(), Length(max=2000)]
    )
    review_on = DateField(_l("Review on"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories.choices = _category_choices()

    def validate_disclosed_on(self, field):

        if field.data and field.data > local_today():
            raise ValidationError(_l("A disclosure cannot be dated in the future."))

    def validate(self, extra_validators=None) -> bool:
        # Checked here, not per field: an empty field stops at Optional() before its own
        # validate_<field> method runs, and these are needed only when withholding.
        valid = super().validate(extra_validators)
        if self.withheld.data:
            if not self.withheld_reason.data:
                self.withheld_reason.errors.append(
                    _l("Give the reason the seller may not be told.")
                )
                valid = False
            valid = check_review_date(self.review_on) and valid
        return valid


def check_review_date(field) -> bool:
    """A review date is required and after today; adds the error to ``field``."""

    if field.errors:
        return False
    if field.data is None:
        field.errors.append(_l("Choose the day this decision must be reviewed."))
        return False
    if field.data <= local_today():
        field.errors.append(_l("Choose a review day after today."))
        return False
    return True


class KeepWithheldForm(PortalForm):
    withheld_reason = TextAreaField(
        _l("Reason for withholding"), filters=[strip], validators=[required, Length(max=2000)]
    )
    review_on = DateField(_l("Next review on"), validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return check_review_date(self.review_on) and valid


class StaffTerminateForm(PortalForm):
    reason = TextAreaField(
        _l("Reason"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Give the reason: it goes into the audit trail.")),
            Length(max=255),
        ],
    )
    confirm = BooleanField(
        _l("I understand that the seller is logged out now and their data is deleted in 3 months"),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )


def _account_reason(label, field_id: str):
    return TextAreaField(
        label,
        id=field_id,  # two of these can share the seller's page with the reveal form
        filters=[strip],
        validators=[
            DataRequired(message=_l("Give the reason: it goes into the audit trail.")),
            Length(max=255),
        ],
    )


class LiftFreezeForm(PortalForm):
    reason = _account_reason(_l("Why the freeze can end"), "lift-reason")


class ReopenForm(PortalForm):
    reason = _account_reason(_l("Why the account is reopened"), "reopen-reason")

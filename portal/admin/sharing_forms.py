"""Staff forms of the sharing door: the registry of third parties, and disclosures the law
required (/admin/third-parties, /admin/disclosures)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from portal.clock import local_today
from portal.forms import DayField, PortalForm, required, strip
from portal.profile.choices import countries
from portal.sharing.payload import SHAREABLE


class CheckboxesField(SelectMultipleField):
    """Several choices as check boxes, rendered one by one by the ``choices`` macro."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _category_choices():
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
    disclosed_on = DayField(
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
    review_on = DayField(_l("Review on"), validators=[Optional()])

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
    review_on = DayField(_l("Next review on"), validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return check_review_date(self.review_on) and valid

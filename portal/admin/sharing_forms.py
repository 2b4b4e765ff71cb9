"""Staff forms of the sharing door: the registry of third parties, and disclosures the law
required (/admin/third-parties, /admin/disclosures)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
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
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from portal.clock import local_today
from portal.forms import DayField, PortalForm, check_email, required, strip
from portal.profile.choices import countries
from portal.sharing.abroad import BASES, is_abroad
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


class HoursField(IntegerField):
    """A whole number of hours; anything else is refused in the reader's language."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Enter a whole number of hours, such as 24.")) from error


# A party must report a breach to Koopseri in time for Koopseri's own notice to the
# Commissioner within 72 hours (PDPA s.12B); a longer term is refused.
MAX_BREACH_NOTICE_HOURS = 72


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
    # Where an erasure request the party's API cannot take is emailed (issue 24).
    privacy_email = EmailField(
        _l("Privacy contact email"),
        filters=[strip],
        validators=[Optional(), Length(max=254), check_email],
    )
    contract_reference = StringField(
        _l("Contract reference"), filters=[strip], validators=[Optional(), Length(max=100)]
    )
    contract_signed_on = DayField(_l("Date of the contract"), validators=[Optional()])
    breach_notice_hours = HoursField(
        _l("Hours within which they must report a breach to Koopseri"),
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=MAX_BREACH_NOTICE_HOURS,
                message=_l("Enter a number of hours from 1 to 72."),
            ),
        ],
    )
    transfer_basis = SelectField(
        _l("Basis for transferring data out of Malaysia"), validators=[Optional()]
    )
    transfer_review_on = DayField(_l("Review the basis on"), validators=[Optional()])

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories.choices = _category_choices()
        self.country.choices = [SelectChoice("", _l("Choose a country"))] + [
            SelectChoice(code, name) for code, name in countries()
        ]
        self.transfer_basis.choices = [SelectChoice("", _l("None: the party is in Malaysia"))] + [
            SelectChoice(basis.value, label) for basis, label in BASES.items()
        ]
        if editing:  # the key names the party in configuration: it never changes
            del self.slug

    def validate_contract_signed_on(self, field):
        if field.data and field.data > local_today():
            raise ValidationError(_l("A contract cannot be dated in the future."))

    def validate(self, extra_validators=None) -> bool:
        # Checked together, not per field: each of these depends on another field.
        valid = super().validate(extra_validators)
        if bool(self.contract_reference.data) != bool(self.contract_signed_on.data):
            if not self.contract_reference.data:
                self.contract_reference.errors.append(_l("Enter the contract's reference."))
            elif not self.contract_signed_on.errors:
                self.contract_signed_on.errors.append(_l("Enter the date of the contract."))
            valid = False
        if is_abroad(self.country.data):
            # PDPA s.129: data goes abroad only on one of the grounds it lists.
            if not self.transfer_basis.data:
                self.transfer_basis.errors.append(
                    _l("Choose the basis for sending seller data out of Malaysia.")
                )
                valid = False
            valid = check_review_date(self.transfer_review_on) and valid
        elif self.country.data:
            # Nothing leaves Malaysia: no basis to record or review.
            self.transfer_basis.data = ""
            self.transfer_review_on.data = None
        return valid

    def values(self, names) -> dict:
        """The ``names`` fields' data as the registry stores them: an optional term left
        empty is None, not ""."""
        return {
            name: (getattr(self, name).data or None)
            if name in _OPTIONAL_TERMS
            else getattr(self, name).data
            for name in names
        }


# The registry's terms that may be left empty; stored as NULL, not "".
_OPTIONAL_TERMS = frozenset(
    {
        "privacy_email",
        "contract_reference",
        "contract_signed_on",
        "breach_notice_hours",
        "transfer_basis",
        "transfer_review_on",
    }
)


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

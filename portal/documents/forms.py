"""Upload forms, one per kind, each with its own prefix so they share one page.

The file's content is judged by the services (:mod:`portal.documents.content`), not here:
a form only says whether a file was chosen at all. Likewise the identity number typed beside
the identity document is checked against the seller by the services
(:mod:`portal.documents.numbers`); the form collects it, and keeps what was typed when the
page is shown again.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.countries import countries as passport_countries
from portal.documents.choices import IDENTITY_TYPES, REJECTION_REASONS
from portal.documents.models import IdentityType
from portal.documents.numbers import FIELDS, TypedNumber
from portal.forms import DateInputField, PortalForm, strip, whole_number_or_empty

PHOTO_ACCEPT = "image/jpeg,image/png,image/webp,.jpg,.jpeg,.png,.webp"
DOCUMENT_ACCEPT = PHOTO_ACCEPT + ",application/pdf,.pdf"


def _chosen(field) -> list:
    data = field.data if isinstance(field.data, list) else [field.data]
    return [f for f in data if f is not None and getattr(f, "filename", "")]


class _UploadForm(PortalForm):
    def chosen(self) -> list:
        return _chosen(self.file)


class ProfilePhotoForm(_UploadForm):
    file = FileField(_l("Profile photo"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="profile_photo", **kwargs)


class ShopPhotoForm(_UploadForm):
    file = FileField(_l("Shop photo"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="shop_photo", **kwargs)


class _NumberFields(PortalForm):
    """The number printed on the identity document: a MyKad's, or a passport's with its
    issuing country and expiry date. Only the fields of the type in question count: what
    is typed into the others is neither judged nor used."""

    mykad_number = StringField(_l("MyKad number"), filters=[strip])
    passport_number = StringField(_l("Passport number"), filters=[strip])
    passport_country = SelectField(_l("Passport issuing country"), validate_choice=False)
    passport_expires_on = DateInputField(_l("Passport expiry date"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.passport_country.choices = [SelectChoice("", _("Choose a country"))] + [
            SelectChoice(code, name) for code, name in passport_countries()
        ]

    def number_type(self) -> IdentityType:
        raise NotImplementedError

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        chosen = FIELDS.get(self.number_type(), ())
        for name in {name for names in FIELDS.values() for name in names} - set(chosen):
            self[name].errors = []
        return not self.errors

    def typed_number(self) -> TypedNumber:
        return TypedNumber(
            identity_type=self.number_type(),
            mykad_number=self.mykad_number.data or "",
            passport_number=self.passport_number.data or "",
            passport_country=self.passport_country.data or "",
            passport_expires_on=self.passport_expires_on.data,
        )

    def show_refusal(self, errors: dict[str, list]) -> None:
        """Put what the services found wrong with the number next to its fields."""
        for name, messages in errors.items():
            self[name].errors = list(messages)


class IdentityForm(_NumberFields):
    identity_type = RadioField(
        _l("Type of document"),
        choices=[SelectChoice(value, label) for value, label in IDENTITY_TYPES.items()],
        default=IdentityType.MYKAD,
        validators=[InputRequired(message=_l("Choose the type of document."))],
    )
    file = MultipleFileField(_l("Identity document"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="identity", **kwargs)

    def chosen(self) -> list:
        return _chosen(self.file)

    def number_type(self) -> IdentityType | None:
        try:
            return IdentityType(self.identity_type.data)
        except ValueError:
            return None


class IdentityNumberForm(_NumberFields):
    """The number alone, for the identity document already sent: its type is the
    document's, given by the page."""

    def __init__(self, identity_type: str, *args, **kwargs):
        super().__init__(*args, prefix="identity_number", **kwargs)
        self.document_type = IdentityType(identity_type)

    def number_type(self) -> IdentityType:
        return self.document_type


class BusinessRegistrationForm(_UploadForm):
    file = FileField(_l("SSM certificate or business registration document"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="business_registration", **kwargs)


class BankProofForm(_UploadForm):
    file = FileField(_l("Proof of bank account"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="bank_proof", **kwargs)


class DeleteForm(PortalForm):
    """Only the CSRF token: the document is named by the URL and checked against the owner."""


class DecisionForm(PortalForm):
    revision = HiddenField(validators=[whole_number_or_empty])
    reasons = SelectMultipleField(
        _l("Reasons"),
        choices=[SelectChoice(value, label) for value, label in REJECTION_REASONS.items()],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[Optional()],
    )
    note = TextAreaField(_l("Note to the seller"), validators=[Optional(), Length(max=2000)])

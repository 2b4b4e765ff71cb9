"""Upload forms, one per kind, each with its own prefix so they share one page.

The file's content is judged by the services (:mod:`portal.documents.content`), not here:
a form only says whether a file was chosen at all.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from wtforms import HiddenField, RadioField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.documents.choices import IDENTITY_TYPES, REJECTION_REASONS
from portal.documents.models import IdentityType
from portal.forms import PortalForm, whole_number_or_empty

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


class IdentityForm(_UploadForm):
    identity_type = RadioField(
        _l("Type of document"),
        choices=[SelectChoice(value, label) for value, label in IDENTITY_TYPES.items()],
        default=IdentityType.MYKAD,
        validators=[InputRequired(message=_l("Choose the type of document."))],
    )
    file = MultipleFileField(_l("Identity document"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="identity", **kwargs)


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

"""The "Business details" form: how the seller sells, and the registered name, SSM number,
TIN and SST number that follow from it. Each number is checked by
:mod:`portal.malaysia.business`; its error is said next to the field, in the seller's
language, and nothing is saved. What is required follows
:func:`portal.profile.business.required_fields`."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from portal.forms import PortalForm, no_web_address, strip
from portal.malaysia import Invalid
from portal.malaysia import business as rules
from portal.malaysia.business import SellingAs, SSMNumber
from portal.profile.business import SELLING_AS_LABELS, Business, required_fields
from portal.profile.models import BusinessDetails

REQUIRED_MESSAGES = {
    "business_name": _l("Enter the business name as registered with SSM."),
    "ssm_number": _l("Enter the SSM registration number."),
    "tin": _l("Enter the tax identification number (TIN)."),
    "sst_number": _l("Enter the SST registration number, or untick “Registered for SST”."),
}


class BusinessForm(PortalForm):
    """The business details. With ``keep_tin`` (a TIN is on file) an empty TIN keeps it."""

    selling_as = RadioField(
        _l("How do you sell on Koopseri?"),
        choices=[SelectChoice(kind.value, label) for kind, label in SELLING_AS_LABELS.items()],
        validators=[InputRequired(message=_l("Choose how you sell on Koopseri."))],
    )
    business_name = StringField(
        _l("Registered business name"),
        filters=[strip],
        validators=[Length(max=200), no_web_address],
    )
    ssm_number = StringField(
        _l("SSM registration number"), filters=[strip], validators=[Length(max=30)]
    )
    ssm_old_number = StringField(
        _l("Old SSM registration number (optional)"),
        filters=[strip],
        validators=[Length(max=30)],
    )
    tin = StringField(
        _l("Tax identification number (TIN)"),
        filters=[strip],
        validators=[Length(max=20)],
        render_kw={"autocomplete": "off"},
    )
    sst_registered = BooleanField(_l("Registered for SST (sales and service tax)"))
    sst_number = StringField(
        _l("SST registration number"), filters=[strip], validators=[Length(max=40)]
    )

    def __init__(self, *args, keep_tin: bool = False, **kwargs):
        super().__init__(*args, prefix="business", **kwargs)
        self.keep_tin = keep_tin
        self.ssm = SSMNumber(None, None)

    @classmethod
    def for_details(cls, details: BusinessDetails | None, **kwargs) -> BusinessForm:
        """The form as the details on file fill it: the TIN is never put in a page."""
        if details is None:
            return cls(**kwargs)
        return cls(
            keep_tin=details.tin_last4 is not None,
            data={
                "selling_as": details.selling_as,
                "business_name": details.business_name,
                "ssm_number": details.ssm_number or details.ssm_old_number,
                "ssm_old_number": details.ssm_old_number if details.ssm_number else None,
                "sst_registered": details.sst_registered,
                "sst_number": details.sst_number,
            },
            **kwargs,
        )

    def _required(self) -> tuple[str, ...]:
        if self.selling_as.data not in {kind.value for kind in SellingAs}:
            return ()  # the choice has its own error; nothing else is judged without it
        return required_fields(self.selling_as.data, bool(self.sst_registered.data))

    def _missing(self, field) -> bool:
        """Whether a required ``field`` is empty (raises its message), or not to be judged."""
        if field.data:
            return False
        if field.short_name in self._required():
            if field is self.tin and self.keep_tin:
                return True
            raise ValidationError(REQUIRED_MESSAGES[field.short_name])
        return True

    def _registered(self) -> bool:
        return "ssm_number" in self._required()

    def validate_business_name(self, field) -> None:
        self._missing(field)

    def validate_ssm_number(self, field) -> None:
        if not self._registered() or self._missing(field):
            return
        try:
            self.ssm = rules.ssm_number(field.data, SellingAs(self.selling_as.data))
        except Invalid as exc:
            raise ValidationError(exc.message) from exc

    def validate_ssm_old_number(self, field) -> None:
        if not self._registered() or not field.data:
            return
        try:
            other = rules.ssm_number(field.data, SellingAs(self.selling_as.data))
        except Invalid as exc:
            raise ValidationError(exc.message) from exc
        if (other.new and self.ssm.new) or (other.old and self.ssm.old):
            raise ValidationError(
                _l(
                    "Both numbers are in the same format. Enter the 12-digit number in one box "
                    "and the old number in the other."
                )
            )
        self.ssm = SSMNumber(self.ssm.new or other.new, self.ssm.old or other.old)

    def validate_tin(self, field) -> None:
        if self._missing(field):
            return
        try:
            field.data = rules.tin(field.data)
        except Invalid as exc:
            raise ValidationError(exc.message) from exc

    def validate_sst_number(self, field) -> None:
        if not self.sst_registered.data or self._missing(field):
            return
        try:
            field.data = rules.sst_number(field.data)
        except Invalid as exc:
            raise ValidationError(exc.message) from exc

    def to_business(self) -> Business:
        """The checked values, for ``services.update_business``."""
        return Business(
            selling_as=self.selling_as.data,
            business_name=self.business_name.data or None,
            ssm_number=self.ssm.new,
            ssm_old_number=self.ssm.old,
            tin=self.tin.data or None,
            sst_registered=bool(self.sst_registered.data),
            sst_number=self.sst_number.data or None,
        )

"""Forms of the profile: one per section, each on its own page. The prefixes (``personal-``,
``contact-``, ``address-``) keep the names the section forms have always posted."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField, TelField
from wtforms.validators import Length, Optional, ValidationError

from portal.forms import (
    DateInputField,
    PortalForm,
    check_date_of_birth,
    check_email,
    check_phone,
    no_web_address,
    required,
    strip,
)
from portal.profile import choices, services

_MY_POSTCODE = re.compile(r"^\d{5}$")
_POSTCODE = re.compile(r"^[A-Z0-9][A-Z0-9 -]{1,11}$")


class PersonalForm(PortalForm):
    """Name, shop name and date of birth. ``locked_dob`` drops the date once an ID is approved."""

    full_name = StringField(
        _l("Full legal name"),
        filters=[strip],
        validators=[required, Length(max=200), no_web_address],
    )
    display_name = StringField(
        _l("Shop name"), filters=[strip], validators=[Optional(), Length(max=100), no_web_address]
    )
    date_of_birth = DateInputField(
        _l("Date of birth"),
        required_message=_l("Enter your date of birth."),
        validators=[check_date_of_birth],
    )

    def __init__(self, *args, locked_dob: bool = False, **kwargs):
        super().__init__(*args, prefix="personal", **kwargs)
        if locked_dob:
            del self.date_of_birth


class ContactForm(PortalForm):
    phone = TelField(
        _l("Phone number"), filters=[strip], validators=[required, Length(max=40), check_phone]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="contact", **kwargs)


class EmailChangeForm(PortalForm):
    new_email = EmailField(
        _l("New email address"),
        filters=[strip],
        validators=[required, Length(max=254), check_email],
    )


class AddressForm(PortalForm):
    """A postal address: strict for Malaysia (5-digit postcode, a state from the list),
    looser elsewhere (any postcode of letters and digits, a free-text region)."""

    address_line1 = StringField(
        _l("Address line 1"), filters=[strip], validators=[required, Length(max=200)]
    )
    address_line2 = StringField(
        _l("Address line 2 (optional)"), filters=[strip], validators=[Optional(), Length(max=200)]
    )
    city = StringField(_l("Town or city"), filters=[strip], validators=[required, Length(max=100)])
    postcode = StringField(_l("Postcode"), filters=[strip], validators=[Length(max=12)])
    state = SelectField(_l("State"), validate_choice=False)
    region = StringField(
        _l("State or region (outside Malaysia)"),
        filters=[strip],
        validators=[Optional(), Length(max=100)],
    )
    country = SelectField(_l("Country"), default=choices.MALAYSIA, validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="address", **kwargs)
        self.state.choices = [
            ("", _l("Choose a state")),
            *sorted(choices.MY_STATES.items(), key=lambda item: item[1]),
            (choices.OUTSIDE_MALAYSIA, _l("Outside Malaysia")),
        ]
        self.country.choices = list(choices.countries())

    @classmethod
    def for_profile(cls, profile, **kwargs) -> AddressForm:
        if profile is None or not profile.country:
            return cls(**kwargs)
        in_malaysia = profile.country == choices.MALAYSIA
        return cls(
            data={
                "address_line1": profile.address_line1,
                "address_line2": profile.address_line2,
                "city": profile.city,
                "postcode": profile.postcode,
                "state": profile.state if in_malaysia else choices.OUTSIDE_MALAYSIA,
                "region": None if in_malaysia else profile.state,
                "country": profile.country,
            },
            **kwargs,
        )

    def validate_country(self, field) -> None:
        if field.data not in dict(choices.countries()):
            raise ValidationError(_l("Choose a country from the list."))

    def validate_postcode(self, field) -> None:
        value = (field.data or "").upper()
        if self.country.data == choices.MALAYSIA:
            value = value.replace(" ", "")
            if not _MY_POSTCODE.match(value):
                raise ValidationError(_l("Enter the 5-digit postcode, like 50450."))
        elif value and not _POSTCODE.match(value):
            raise ValidationError(_l("Use letters, digits, spaces or hyphens only."))
        field.data = value

    def validate_state(self, field) -> None:
        if self.country.data == choices.MALAYSIA:
            if field.data not in choices.MY_STATES:
                raise ValidationError(_l("Choose your state or federal territory."))
        elif field.data in choices.MY_STATES:
            raise ValidationError(
                _l("That state is in Malaysia. Choose “Outside Malaysia”, or change the country.")
            )

    def to_address(self) -> services.Address:
        in_malaysia = self.country.data == choices.MALAYSIA
        return services.Address(
            address_line1=self.address_line1.data,
            address_line2=self.address_line2.data or None,
            city=self.city.data,
            postcode=self.postcode.data or None,
            state=self.state.data if in_malaysia else (self.region.data or None),
            country=self.country.data,
        )


class FinancialForm(PortalForm):
    """Bank details. With ``keep_number`` (an account is on file) an empty number keeps it."""

    bank = SelectField(_l("Bank"), validate_choice=False)
    bank_other = StringField(_l("Other bank name"), filters=[strip], validators=[Length(max=100)])
    holder_name = StringField(
        _l("Account holder name"),
        filters=[strip],
        validators=[required, Length(max=200), no_web_address],
    )
    account_number = StringField(
        _l("Account number"),
        filters=[strip],
        validators=[Length(max=40)],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )

    def __init__(self, *args, keep_number: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.keep_number = keep_number
        self.bank.choices = [
            ("", _l("Choose your bank")),
            *sorted(choices.MY_BANKS.items(), key=lambda item: item[1]),
            (choices.OTHER_BANK, _l("Other bank")),
        ]

    def validate_bank(self, field) -> None:
        if field.data != choices.OTHER_BANK and field.data not in choices.MY_BANKS:
            raise ValidationError(_l("Choose your bank, or “Other bank”."))

    def validate_bank_other(self, field) -> None:
        if self.bank.data == choices.OTHER_BANK and not field.data:
            raise ValidationError(_l("Enter the name of your bank."))

    def validate_account_number(self, field) -> None:
        digits = re.sub(r"[\s-]", "", field.data or "")
        if not digits and self.keep_number:
            field.data = ""
            return
        if not digits:
            raise ValidationError(_l("This field is required."))
        if not re.fullmatch(r"[0-9]{6,20}", digits):  # ASCII: isdigit() takes any script's
            raise ValidationError(_l("Enter the account number as 6 to 20 digits."))
        field.data = digits

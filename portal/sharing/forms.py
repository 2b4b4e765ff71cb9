"""Forms of the sharing features: a pickup, a store connection, and their confirmations."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, URLField
from wtforms.fields import DateField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from portal.clock import local_today
from portal.forms import PortalForm, required, strip
from portal.sharing.models import ParcelSize

PARCEL_SIZES = {
    ParcelSize.SMALL: _l("Small: up to 2 kg, fits in a shoebox"),
    ParcelSize.MEDIUM: _l("Medium: up to 10 kg, a moving box"),
    ParcelSize.LARGE: _l("Large: up to 30 kg"),
}


class PickupForm(PortalForm):
    """The courier is chosen among the active couriers in the registry (set by the view)."""

    courier = RadioField(_l("Courier"), validators=[InputRequired(message=_l("Choose a courier."))])
    pickup_date = DateField(
        _l("Pickup date"),
        validators=[InputRequired(message=_l("Choose the day the courier should come."))],
    )
    parcel_size = RadioField(
        _l("Parcel size"),
        choices=[SelectChoice(value, label) for value, label in PARCEL_SIZES.items()],
        validators=[InputRequired(message=_l("Choose the size of your parcel."))],
    )
    # The fingerprint of what the seller saw on the confirmation page.
    digest = HiddenField()

    def __init__(self, *args, couriers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.courier.choices = [SelectChoice(party.slug, party.name) for party in couriers]

    def validate_pickup_date(self, field):
        if field.data is None:
            return
        earliest = local_today() + timedelta(days=1)
        latest = local_today() + timedelta(days=current_app.config["PICKUP_MAX_DAYS_AHEAD"])
        if not earliest <= field.data <= latest:
            raise ValidationError(
                _l(
                    "Choose a day from tomorrow up to %(days)d days ahead.",
                    days=current_app.config["PICKUP_MAX_DAYS_AHEAD"],
                )
            )


def check_store_url(form, field):
    parts = urlsplit(field.data or "")
    try:
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        port_ok = False
    if (
        parts.scheme != "https"
        or not parts.hostname
        or "." not in parts.hostname
        or parts.username
        or parts.password
        or not port_ok
    ):
        raise ValidationError(
            _l("Enter your store's address as it starts in the browser, with https://.")
        )


class StoreForm(PortalForm):
    store_url = URLField(
        _l("Store address"),
        filters=[strip, lambda v: v.rstrip("/") if isinstance(v, str) else v],
        validators=[required, Length(max=300), check_store_url],
    )
    digest = HiddenField()

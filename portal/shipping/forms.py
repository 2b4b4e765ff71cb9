"""The pickup form: a courier, a day and a parcel size."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from portal.clock import local_today
from portal.forms import DayField, PortalForm
from portal.shipping.services import PARCEL_SIZES


class PickupForm(PortalForm):
    """The courier is chosen among the active couriers in the registry (set by the view)."""

    courier = RadioField(_l("Courier"), validators=[InputRequired(message=_l("Choose a courier."))])
    pickup_date = DayField(
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
        self.couriers = list(couriers)  # the page lists the same ones: asked once a request
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

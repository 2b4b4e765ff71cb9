"""Arrange a pickup: a courier collects the seller's parcel, and gets their name, address and
phone through the sharing door."""

from flask import Blueprint

from portal import events
from portal.security import sellers_only

bp = Blueprint("shipping", __name__)
bp.before_request(sellers_only())

from portal.shipping import erasing, views  # noqa: E402,F401  (routes attach themselves to bp)

# Connected once, as the blueprint is first registered: the erasure asks, through the signal
# and without importing this room, which pickups a courier must still cancel.
bp.record_once(lambda state: events.erasing_accounts.connect(erasing.still_open))

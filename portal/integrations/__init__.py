"""Connect a WooCommerce store: the store gets the seller's shop name, email and phone
through the sharing door."""

from flask import Blueprint

from portal import events
from portal.security import sellers_only

bp = Blueprint("integrations", __name__)
bp.before_request(sellers_only())

from portal.integrations import erasing, views  # noqa: E402,F401  (routes attach themselves to bp)

# Connected once, as the blueprint is first registered: the erasure asks, through the signal
# and without importing this room, which store record to delete and with which keys.
bp.record_once(lambda state: events.erasing_accounts.connect(erasing.still_open))

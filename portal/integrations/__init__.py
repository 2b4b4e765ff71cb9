"""Connect a WooCommerce store: the store gets the seller's shop name, email and phone
through the sharing door."""

from flask import Blueprint

from portal import events
from portal.security import sellers_only

bp = Blueprint("integrations", __name__)
bp.before_request(sellers_only())

from portal.integrations import erasing, views  # noqa: E402,F401  (routes attach themselves to bp)
from portal.integrations.services import lend_reach  # noqa: E402

# Connected once, as the blueprint is first registered: the erasure asks, through the signal
# and without importing this room, which store record to delete and with which keys; and a
# correction owed to the seller's store reaches its record.
bp.record_once(lambda state: events.erasing_accounts.connect(erasing.still_open))
bp.record_once(lend_reach)

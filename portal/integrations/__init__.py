"""Connect a WooCommerce store: the store gets the seller's shop name, email and phone
through the sharing door."""

from flask import Blueprint

from portal.security import sellers_only

bp = Blueprint("integrations", __name__)
bp.before_request(sellers_only())

from portal.integrations import views  # noqa: E402,F401  (routes attach themselves to bp)
from portal.integrations.services import lend_reach  # noqa: E402

bp.record_once(lend_reach)  # a correction owed to the seller's store reaches its record

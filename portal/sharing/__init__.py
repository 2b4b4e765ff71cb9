"""Third parties: the public registry page, the seller features that share data with them
(a courier pickup, a WooCommerce store), and "where my data went"."""

from flask import Blueprint

from portal.security import sellers_only

bp = Blueprint("sharing", __name__)
bp.before_request(sellers_only("sharing.third_parties"))

from portal.sharing import views  # noqa: E402,F401  (routes attach themselves to bp)

"""The door through which seller data leaves for a third party: the registry of third
parties (and its public page), the connectors, the payload, legal disclosures, and "where my
data went". The features that share (shipping, integrations) call it through its services
and show its check page through :mod:`portal.sharing.door_views`."""

from flask import Blueprint

from portal.security import sellers_only

bp = Blueprint("sharing", __name__)
bp.before_request(sellers_only("sharing.third_parties"))

from portal.sharing import views  # noqa: E402,F401  (routes attach themselves to bp)

"""The seller's own details: personal, contact, address, financial and business, their
history and review, and whether email reaches them."""

from flask import Blueprint

from portal.profile import choices, sharing_fields

bp = Blueprint("profile", __name__, url_prefix="/profile")
bp.record_once(sharing_fields.register)  # the door reads the profile's fields through these
bp.add_app_template_filter(choices.country_name, "country_name")

# Routes attach themselves to bp; reachability listens to the outbox's signals.
from portal.profile import business_views, reachability, views  # noqa: E402,F401

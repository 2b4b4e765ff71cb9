"""The seller's own details: personal, contact, address and financial, their history and review."""

from flask import Blueprint

from portal.profile import choices, sharing_fields

bp = Blueprint("profile", __name__, url_prefix="/profile")
bp.record_once(sharing_fields.register)  # the door reads the profile's fields through these
bp.add_app_template_filter(choices.country_name, "country_name")

from portal.profile import views  # noqa: E402,F401  (routes attach themselves to bp)

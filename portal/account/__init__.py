"""The seller's account page (consent, password), closing it, its export and access log;
and the age check, which listens for an identity that shows someone under 18."""

from flask import Blueprint

from portal import events

bp = Blueprint("account", __name__)

from portal.account import access_log_views, age_check, export_views, termination_views, views  # noqa: E402,F401  (routes attach themselves to bp)

# Connected once, as the blueprint is first registered: the documents room tells the age
# check through the signal, without importing this room.
bp.record_once(lambda state: events.identity_shows_minor.connect(age_check.on_identity_shows_minor))

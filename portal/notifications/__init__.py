"""The notification centre: a copy in the portal of every email sent to the seller."""

from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

from portal.notifications import views  # noqa: E402,F401  (routes attach themselves to bp)

"""The seller's own details: personal, contact, address and financial, their history and review."""

from flask import Blueprint

bp = Blueprint("profile", __name__, url_prefix="/profile")

from portal.profile import views  # noqa: E402,F401  (routes attach themselves to bp)

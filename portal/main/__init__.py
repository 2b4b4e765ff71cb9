"""The home page, the seller's dashboard and the health check."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from portal.main import views  # noqa: E402,F401  (routes attach themselves to bp)

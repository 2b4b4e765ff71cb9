"""The seller's account page (consent, password), closing it, its export and access log."""

from flask import Blueprint

bp = Blueprint("account", __name__)

from portal.account import access_log_views, export_views, termination_views, views  # noqa: E402,F401  (routes attach themselves to bp)

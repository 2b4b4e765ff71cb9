"""Reports that a minor's personal data was shared: the public form, and later staff review."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from portal.reports import views  # noqa: E402,F401  (routes attach themselves to bp)

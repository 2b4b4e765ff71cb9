"""Reports that a minor's personal data was shared: the public form, and later staff review."""

from flask import Blueprint

bp = Blueprint("minor_reports", __name__)

from portal.minor_reports import views  # noqa: E402,F401  (routes attach themselves to bp)

"""Seller registration with consent, email verification, login sessions and passwords."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from portal.auth import views  # noqa: E402,F401  (routes attach themselves to bp)

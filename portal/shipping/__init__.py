"""Arrange a pickup: a courier collects the seller's parcel, and gets their name, address and
phone through the sharing door."""

from flask import Blueprint

from portal.security import sellers_only

bp = Blueprint("shipping", __name__)
bp.before_request(sellers_only())

from portal.shipping import views  # noqa: E402,F401  (routes attach themselves to bp)

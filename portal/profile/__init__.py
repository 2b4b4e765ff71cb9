"""The seller's own details: personal, contact, address and financial, their history and review,
and whether email reaches them."""

from flask import Blueprint

bp = Blueprint("profile", __name__, url_prefix="/profile")

# Routes attach themselves to bp; reachability listens to the outbox's signals.
from portal.profile import reachability, views  # noqa: E402,F401

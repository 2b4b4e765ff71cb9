"""Data-subject requests under the PDPA (s.30-31 access, s.35 correction, s.43A
portability, objection and deletion) with their statutory clocks: the seller's own page,
the public form verified by a code sent to the email, and the services the back office
works the register with."""

from flask import Blueprint

bp = Blueprint("requests", __name__)

from portal.requests import views  # noqa: E402,F401  (routes attach themselves to bp)

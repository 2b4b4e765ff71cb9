"""The seller's photographs and identification documents: upload, replace, delete, review;
and the number printed on the identity document."""

from flask import Blueprint

from portal import events

bp = Blueprint("documents", __name__, url_prefix="/documents")

from portal.documents import review, views  # noqa: E402,F401  (routes attach themselves to bp)

# Connected once, as the blueprint is first registered: the profile room tells that a
# verified value changed through the signal, without importing this room.
bp.record_once(
    lambda state: events.verified_identity_changed.connect(review.on_verified_identity_changed)
)

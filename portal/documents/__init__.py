"""The seller's photographs and identification documents: upload, replace, delete, review."""

from flask import Blueprint

bp = Blueprint("documents", __name__, url_prefix="/documents")

from portal.documents import views  # noqa: E402,F401  (routes attach themselves to bp)

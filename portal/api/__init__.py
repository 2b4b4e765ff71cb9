"""The marketplace's read-only JSON API (issue 23), under /api/v1.

Koopseri's marketplace asks, for a seller id, where that seller's verification stands:
``GET /api/v1/sellers/<id>/status``, described at ``/api/v1/openapi.json``. The API stands
outside the portal's pages: it reads no cookie and sets none (so no log-in, no session, no
request gate and no language applies to it), takes GET only (so no CSRF), and answers in
JSON, its errors as ``application/problem+json`` (RFC 9457), never cached. Calls carry a
bearer token from ``MARKETPLACE_API_TOKENS``; they are limited per token
(``RATELIMIT_MARKETPLACE_API``); every answer about a seller is in that seller's access log
as the marketplace's.
"""

from __future__ import annotations

from flask import Blueprint, Flask

from portal.errors import answer_in_json

PREFIX = "/api/"

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from portal.api import views  # noqa: E402  (routes attach themselves to bp)


def init_app(app: Flask) -> None:
    """Errors under /api/ answer in JSON; cookies sent to /api/ are not read."""
    answer_in_json(app, PREFIX, views.error_answer)
    app.wsgi_app = _WithoutCookies(app.wsgi_app, PREFIX)


class _WithoutCookies:
    """WSGI middleware: a request under ``prefix`` reaches the portal without its cookies.

    A browser's session cookie would otherwise log it in, put it through the pages' gates
    (policy acceptance redirects), touch its session and have its cookie sent back; the API
    authenticates the marketplace by its token alone and must set no cookie."""

    def __init__(self, wsgi_app, prefix: str):
        self.wsgi_app, self.prefix = wsgi_app, prefix

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith(self.prefix):
            environ.pop("HTTP_COOKIE", None)
        return self.wsgi_app(environ, start_response)

"""The API's routes, and its answers: JSON, errors as ``application/problem+json``
(RFC 9457), never cached.

Each error document says ``type`` (``about:blank``: the status says it all), ``title``
(the HTTP status phrase), ``status``, ``detail`` (a sentence for the developer reading the
logs) and ``code``, which stays the same whatever the wording: ``unauthorized``,
``not_found``, ``method_not_allowed``, ``rate_limited``, ``server_error`` (or ``error``).
The API speaks to a program, so its words are English, in every language.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from http import HTTPStatus

from flask import Response, current_app, g, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from portal.api import bp, openapi
from portal.api import services as api
from portal.extensions import db, limiter, remote_address
from portal.security import limit_key, rate_limited

PROBLEM_TYPE = "application/problem+json"
# (code, detail) by status.
PROBLEMS = {
    401: ("unauthorized", "Send a valid token: Authorization: Bearer <token>."),
    404: ("not_found", "There is no active seller account with this id."),
    405: ("method_not_allowed", "Only GET is answered here."),
    429: ("rate_limited", "Too many calls: try again after the seconds in Retry-After."),
    500: ("server_error", "Something went wrong on our side; try again later."),
}
# RFC 6750 s.3: the realm, and the error once a token was sent (none when none was).
REALM = 'Bearer realm="koopseri-marketplace"'
RETRY_AFTER_UNKNOWN = 60  # seconds, should the limiter not say when its window ends


def answer(body: dict, status: int = 200, headers: dict | None = None) -> Response:
    response = current_app.json.response(body)
    response.status_code = status
    response.headers.update(headers or {})
    response.headers["Cache-Control"] = "no-store"
    return response


NO_SUCH_PATH = "The API has no such address: see /api/v1/openapi.json."


def problem(status: int, headers: dict | None = None, detail: str | None = None) -> Response:
    code, default_detail = PROBLEMS.get(status, ("error", HTTPStatus(status).description))
    detail = detail or default_detail
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
    }
    response = answer(body, status, headers)
    response.mimetype = PROBLEM_TYPE
    return response


def error_answer(status: int, error: Exception) -> Response:
    """Every error under /api/, matched route or not (``portal.errors`` calls this)."""
    headers = {}
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    if status == 429:
        headers["Retry-After"] = str(_seconds_until_reset())
    if not isinstance(error, HTTPException):
        status = 500
    # A path no route matched; a seller the API does not answer about is the view's 404.
    detail = NO_SUCH_PATH if status == 404 else None
    return problem(status, headers, detail)


def _seconds_until_reset() -> int:
    breached = limiter.current_limit
    if breached is None:
        return RETRY_AFTER_UNKNOWN
    return max(1, int(breached.reset_at - time.time()))


# --- who is calling --------------------------------------------------------------------------


def _caller_token() -> str | None:
    """The request's bearer token if it is one of the configured tokens, else None (read
    once per request: the rate limit and the guard both ask)."""
    if "api_token" not in g:
        token = api.presented_token(request.headers.get("Authorization"))
        valid = api.is_valid_token(token, current_app.config["MARKETPLACE_API_TOKENS"])
        g.api_token = token if valid else None
    return g.api_token


def _limit_key() -> str:
    """Calls count against the token; without a valid one, against the client's address.
    Either is kept as a keyed digest only (``limit_key``)."""
    token = _caller_token()
    if token is not None:
        return limit_key("marketplace-api", token)
    return limit_key("marketplace-api-unknown", remote_address())


def token_required(view: Callable) -> Callable:
    """Let the view answer only a caller with a valid token; 401 otherwise. Placed under the
    rate limit, so that refused calls count too."""

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        if _caller_token() is not None:
            return view(*args, **kwargs)
        sent = request.headers.get("Authorization") is not None
        challenge = f'{REALM}, error="invalid_token"' if sent else REALM
        return problem(401, {"WWW-Authenticate": challenge})

    return guarded


@bp.after_request
def _never_cached(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


# --- the routes --------------------------------------------------------------------------------


@bp.get("/sellers/<int:seller_id>/status", provide_automatic_options=False)
@rate_limited("RATELIMIT_MARKETPLACE_API", key=_limit_key)
@token_required
def seller_status(seller_id: int):
    body = api.seller_status(seller_id)
    if body is None:
        return problem(404)
    db.session.commit()  # the access log's entry, with the answer
    return answer(body)


@bp.get("/openapi.json", provide_automatic_options=False)
def openapi_document():
    """The description is public: it holds nothing but the API's shape."""
    return answer(openapi.document())

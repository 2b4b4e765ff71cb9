"""Friendly error pages that reveal nothing: no stack traces, no ids, no hints about accounts.

Parts of the portal that answer programs (the marketplace's API) register their own answer
for errors under their path (:func:`answer_in_json`); everything else gets the page."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Flask, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from portal.extensions import db
from portal.security import is_safe_redirect
from portal.uploads import drain_body, is_upload_view

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Something was wrong with that request"), _l("Please go back and try again.")),
    403: (_l("You cannot open this page"), _l("Your account does not have access to it.")),
    404: (
        _l("Page not found"),
        _l(
            "The page you asked for is not here. Check the address, or start again from the home page."
        ),
    ),
    405: (
        _l("That did not work"),
        _l("This page cannot be used that way. Please go back and try again."),
    ),
    413: (
        _l("That was too large"),
        _l("What you sent is larger than we accept. Please send something smaller."),
    ),
    429: (
        _l("Too many attempts"),
        _l(
            "For your security we have paused this for a few minutes. Please wait, then try again. If you have forgotten your password, you can reset it."
        ),
    ),
    500: (
        _l("Something went wrong on our side"),
        _l("We have been told about it. Please try again in a few minutes."),
    ),
}
CSRF_MESSAGE = (
    _l("This form has expired"),
    _l(
        "For your security, forms stop working after a while or when you log in or out. Please go back, reload the page and try again."
    ),
)


def render_error(code: int, title=None, message=None, back_url=None):
    default_title, default_message = MESSAGES.get(code, MESSAGES[500])
    return (
        render_template(
            "errors/error.html",
            code=code,
            title=title or default_title,
            message=message or default_message,
            back_url=back_url,
        ),
        code,
    )


def _referrer_path() -> str | None:
    path = urlsplit(request.referrer or "").path
    return path if is_safe_redirect(path) else None


# Parts of the portal that answer machines, not people (the marketplace's API): their errors
# are answered by their own function, by path prefix, instead of with an HTML page. By path,
# because a request that matched no route (404, 405) belongs to no blueprint.
_JSON_ERRORS = "portal.json_errors"


def answer_in_json(app: Flask, prefix: str, render) -> None:
    """Answer the errors of requests whose path starts with ``prefix`` with
    ``render(code, error)`` (a response) instead of an error page."""
    app.extensions.setdefault(_JSON_ERRORS, {})[prefix] = render


def _json_answer(code: int, error: Exception):
    for prefix, render in current_app.extensions.get(_JSON_ERRORS, {}).items():
        if request.path.startswith(prefix):
            return render(code, error)
    return None


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error):
        return render_error(400, *CSRF_MESSAGE)

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(error):
        drain_body()
        if is_upload_view():
            limit = app.config["UPLOAD_MAX_BYTES"] // (1024 * 1024)
            return render_error(
                413,
                _l("That file is too large"),
                _l(
                    "Each file may be at most %(limit)s MB. Nothing was uploaded. Please go back and choose a smaller file, for example a photo taken at a lower resolution.",
                    limit=limit,
                ),
                back_url=request.path if request.method == "GET" else _referrer_path(),
            )
        return render_error(413)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        code = error.code or 500
        return _json_answer(code, error) or render_error(code if code in MESSAGES else 400)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return _http(error)
        db.session.rollback()
        log.exception("unhandled error")
        return _json_answer(500, error) or render_error(500)

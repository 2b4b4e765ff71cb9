"""Work that runs after the response has been sent, in its own app context and transaction.

The one place the portal does this. The outbox hands committed mail over here, so SMTP
never delays a page. So does work whose cost would otherwise tell an observer something:
the bookkeeping and alert of a failed log-in on a real account, or the email of a reset
request, happen only for existing accounts, so doing them before answering would reveal by
timing that the account exists. Each task commits on its own; mail it queues is handed
over as its context ends.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, current_app, g, request

from portal.extensions import db

log = logging.getLogger(__name__)


def after_response(task: Callable, *args) -> None:
    """Run ``task(*args)`` once this request's response has been sent."""
    g.setdefault("_deferred", []).append((task, args))


def _run(app: Flask, tasks: list) -> None:
    for task, args in tasks:
        # A bare request context on the portal's own address: never the visitor's Host,
        # which an attacker chooses (links in mail come from PUBLIC_URL in any case). No
        # cookies, so no user and no session are involved.
        with app.test_request_context(base_url=app.config["PUBLIC_URL"]):
            try:
                task(*args)
                db.session.commit()
            except Exception:
                db.session.rollback()
                log.exception("deferred task %s failed", task.__name__)


_ENVIRON_KEY = "portal.deferred"


def init_app(app: Flask) -> None:
    @app.after_request
    def _schedule(response):
        tasks = g.pop("_deferred", None)
        if tasks:
            real_app = current_app._get_current_object()
            request.environ.setdefault(_ENVIRON_KEY, []).append(lambda: _run(real_app, tasks))
        return response

    app.wsgi_app = _AfterBody(app.wsgi_app)


class _AfterBody:
    """WSGI middleware: run a request's deferred work once its body has been sent.

    Not only on ``close()``: Werkzeug's development server skips ``close()`` when the
    browser resets the connection after reading a redirect (which Chromium does), and the
    work would be lost. So the work runs when the server has taken the body's last chunk,
    or at ``close()`` if the body was never read to its end; whichever comes first, once.
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        body = self.wsgi_app(environ, start_response)
        callbacks = environ.pop(_ENVIRON_KEY, None)
        return _ThenRun(body, callbacks) if callbacks else body


class _ThenRun:
    def __init__(self, body, callbacks: list[Callable]):
        self.body, self.callbacks = body, callbacks

    def __iter__(self):
        try:
            yield from self.body
        finally:
            self._run()

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self._run()

    def _run(self) -> None:
        callbacks, self.callbacks = self.callbacks, []
        for callback in callbacks:
            callback()

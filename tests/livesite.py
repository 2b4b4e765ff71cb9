"""The portal on a real loopback server, for the browser tests and the screenshot script.

Debian's Chromium only: Playwright never downloads a browser here.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from werkzeug.serving import make_server

from portal import create_app
from portal.extensions import db

CHROMIUM = Path("/usr/bin/chromium")
# Headless, and quiet: without these Chromium keeps calling hosts this machine cannot reach.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def build_app(instance: Path, label: str) -> Flask:
    """A portal in ``instance`` with its schema (and privacy policy version 1) migrated."""
    from flask_migrate import upgrade

    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": f"{label}-" + "x" * 40,
            "BCRYPT_ROUNDS": 4,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return app


def _static_read_whole(wsgi_app):
    """Static files read into memory and their file closed before the first byte is sent.

    When the browser drops a connection (a page left while its logo loads), Werkzeug's
    development server fails in its clean-up before it closes the response, and the open
    file surfaces later as a ResourceWarning in whichever test is running. Production is
    gunicorn, which closes it; the live test server must too.
    """

    def app(environ, start_response):
        body = wsgi_app(environ, start_response)
        if not environ.get("PATH_INFO", "").startswith("/static/"):
            return body
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return app


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a free loopback port in a thread; yields its base URL, which is also
    its ``PUBLIC_URL`` (links in its mail lead back to it, as an operator would set it)."""
    server = make_server("127.0.0.1", 0, _static_read_whole(app), threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_URL"] = base
    # A short poll, so that shutting the server down at a test's end takes no half second.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-site", daemon=True
    )
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()

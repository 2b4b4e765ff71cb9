"""Koopseri Seller Portal: the application factory.

``create_app`` builds the app step by step: configuration, extensions, blueprints, the
request gates, error pages, security headers and CLI commands. Nothing else creates an app
or reads config.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from flask import Flask, has_request_context
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.config import load_config
from portal.uploads import PortalRequest

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the portal. ``config`` overrides every other source (used by tests and tools)."""
    instance_path = (config or {}).get("INSTANCE_PATH") or os.environ.get(
        "PORTAL_INSTANCE_PATH", str(ROOT / "instance")
    )
    app = Flask(
        __name__,
        instance_path=str(Path(instance_path).resolve()),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.request_class = PortalRequest
    load_config(app, config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config["PROXY_FIX_X_FOR"] or app.config["PROXY_FIX_X_PROTO"]:
        app.wsgi_app = ProxyFix(
            app.wsgi_app,
            x_for=app.config["PROXY_FIX_X_FOR"],
            x_proto=app.config["PROXY_FIX_X_PROTO"],
        )

    register_extensions(app)
    register_blueprints(app)
    register_gates(app)
    register_errorhandlers(app)
    register_security_headers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    # Imported at build time, not at the top: see the module docstring.
    from portal import crypto, deferred, formatting, i18n, links, logs, storage
    from portal.auth import sessions
    from portal.extensions import babel, csrf, db, limiter, migrate, ping_idle_connections
    from portal.outbox import services as outbox

    logs.init_app(app)
    links.init_app(app)  # second: a request for a foreign Host meets nothing else first
    crypto.init_app(app)
    db.init_app(app)
    with app.app_context():
        ping_idle_connections(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    limiter.init_app(app)
    sessions.init_app(app)
    deferred.init_app(app)  # before outbox: its hook must run last, after outbox adds its task
    outbox.init_app(app)  # after db: its teardown must run before the session is removed
    storage.init_app(app)  # after db, for the same reason

    i18n.init_app(app)
    formatting.init_app(app)  # after babel: it takes Babel's own date filters away
    from portal import forms  # (issue 21, forms) an invalid form: "Error: " title, status 400

    forms.init_app(app)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """WAL (readers never block the writer), enforced foreign keys, and patience with locks."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def register_blueprints(app: Flask) -> None:
    # Imported at build time, not at the top: see the module docstring.
    from portal import (
        account,
        admin,
        api,
        auth,
        documents,
        i18n,
        integrations,
        main,
        metrics,
        minor_reports,
        notifications,
        pagination,
        policy,
        profile,
        requests,
        retention,
        sharing,
        shipping,
    )

    pagination.init_app(app)  # first: a route takes its converters (<int:...>) when added

    for module in (
        main,
        i18n,
        auth,
        profile,
        documents,
        notifications,
        policy,
        account,
        minor_reports,
        requests,
        retention,
        sharing,
        shipping,
        integrations,
        admin,
        api,
        metrics,
    ):
        app.register_blueprint(module.bp)
    api.init_app(app)  # the marketplace's API: JSON errors, no cookies (portal.api)


def register_gates(app: Flask) -> None:
    """The app-wide request gates, in their order (``portal.gates``): after the extensions'
    own request checks, before each blueprint's guard."""
    # Imported at build time, not at the top: see the module docstring.
    from portal import gates

    gates.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    # Imported at build time, not at the top: see the module docstring.
    from portal.errors import init_app

    init_app(app)


# Scripts and styles only from our own origin; nothing may frame the portal.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


# Once a browser has seen the portal over HTTPS, it never uses plain HTTP for it again for a
# year, subdomains included (RFC 6797; OWASP HTTP Strict Transport Security cheat sheet).
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response):
        headers = response.headers
        if app.config["SESSION_COOKIE_SECURE"]:  # served over HTTPS: say so for good
            headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if has_request_context() and current_user.is_authenticated:
            # Personal pages must not linger in shared caches or the back-forward cache.
            headers["Cache-Control"] = "no-store"
        return response


def register_commands(app: Flask) -> None:
    # Imported at build time, not at the top: see the module docstring.
    from portal import cli

    cli.register(app)

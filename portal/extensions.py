"""Flask extensions, created unbound here and attached to an app by the factory."""

from __future__ import annotations

import time

from flask import Flask, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event, exc
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so migrations can refer to (and drop) them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def remote_address() -> str:
    """The client's address as the app sees it (ProxyFix has already applied trusted proxies)."""
    return request.remote_addr or "unknown"


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
mail = Mail()  # configured from the portal's MAIL_* settings by portal.outbox.services
limiter = Limiter(key_func=remote_address)


def ping_idle_connections(app: Flask) -> None:
    """Check a pooled database connection before use only when it has sat idle for
    ``DATABASE_PING_AFTER_IDLE_SECONDS``: long enough for the server, a failover or a
    firewall to have dropped it. A dead one is replaced before the request sees it.

    SQLAlchemy's ``pool_pre_ping`` checks on every checkout: one more round trip on every
    request, for connections a busy worker used a moment ago. This is the same check, taken
    only when it can matter (SQLAlchemy's "pessimistic disconnect handling" with a custom
    checkout event). A connection that dies while in steady use still fails one request, as
    with any pool; SQLAlchemy then discards the whole pool's connections at once. SQLite
    has no server and is left alone.
    """
    engine = db.engine
    if engine.dialect.name == "sqlite":
        return
    after = app.config["DATABASE_PING_AFTER_IDLE_SECONDS"]

    @event.listens_for(engine, "checkin")
    def _note_return(dbapi_connection, record) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, proxy) -> None:
        returned_at = record.info.get("returned_at")
        if returned_at is None or time.monotonic() - returned_at < after:
            return  # new (just opened), or used a moment ago
        try:
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute("SELECT 1")
            finally:
                cursor.close()
        except Exception as error:  # the connection is gone: the pool opens another
            raise exc.DisconnectionError() from error

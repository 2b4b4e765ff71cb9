"""Flask extensions, created unbound here and attached to an app by the factory."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
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


def limit_key(scope: str, *parts: object) -> str:
    """A rate-limit key: ``scope`` and a keyed digest of ``parts`` (an account id, an email,
    a session or device id). The limit store (Redis) is readable by more people and tools
    than the database, so it never holds an address, a bearer token or a device id as typed;
    the key is the same on every web process, which share ``SECRET_KEY``."""
    message = "\x1f".join(str(part) for part in parts).encode()
    secret = current_app.config["SECRET_KEY"].encode()
    return f"{scope}:{hmac.new(secret, message, hashlib.sha256).hexdigest()}"


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
limiter = Limiter(key_func=remote_address)

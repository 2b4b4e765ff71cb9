"""Fixtures: an app per test on SQLite (and on PostgreSQL when configured), a client, a
mailbox over the real .eml folder, a real SMTP server on loopback, and small factories.

The schema always comes from the Alembic migrations, run once per session into a template
(a SQLite file that each test copies; a PostgreSQL database per xdist worker that each test
empties), so the tests exercise exactly what `flask db upgrade` builds.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import MetaData, Table, create_engine, text
from sqlalchemy.engine import make_url

from portal import create_app
from portal.extensions import db
from tests.support import (
    PASSWORD,
    AuthActions,
    Mailbox,
    SMTPRecorder,
    free_port,
    make_seller,
)

POSTGRES_URL = os.environ.get("PORTAL_TEST_POSTGRES_URL")
REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL")
REQUIRE_SERVICES = os.environ.get("PORTAL_TEST_REQUIRE_SERVICES") == "1"

pytest_plugins = ["tests.logscan"]

SECRET_KEY = "test-secret-key-" + "x" * 40


def pytest_sessionstart(session):
    if REQUIRE_SERVICES and not (POSTGRES_URL and REDIS_URL):
        raise pytest.UsageError(
            "PORTAL_TEST_REQUIRE_SERVICES=1 needs PORTAL_TEST_POSTGRES_URL and PORTAL_TEST_REDIS_URL"
        )
    if not hasattr(session.config, "workerinput"):
        _compile_catalogues()


def _compile_catalogues() -> None:
    """What `make install` does: the Malay catalogue compiled, when pytest runs on its own."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (Path(__file__).resolve().parent.parent / "portal" / "translations").glob(
        "*/LC_MESSAGES/messages.po"
    ):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with open(po, "rb") as source:
            catalogue = read_po(source)
        with open(mo, "wb") as target:
            write_mo(target, catalogue)


class BufferedClient(FlaskClient):
    """Consumes and closes each response, so post-response work (mail hand-over) has run
    when the request returns, as it has for a browser once the page arrived."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


def base_config(instance: Path) -> dict:
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": SECRET_KEY,
        "BCRYPT_ROUNDS": 4,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
    }


def _migrate(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        db.engine.dispose()


# --- databases -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    instance = tmp_path_factory.mktemp("template-instance")
    _migrate(create_app(base_config(instance)))
    return instance / "portal.sqlite3"


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory) -> str:
    """A database of this xdist worker's own, migrated once, dropped at the end."""
    admin_url = make_url(POSTGRES_URL)
    name = f"portal_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    instance = tmp_path_factory.mktemp("postgres-instance")
    _migrate(create_app({**base_config(instance), "SQLALCHEMY_DATABASE_URI": url}))
    _snapshot_seeded_rows(url)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


# Tables whose migrations seed rows (the registry of third parties): emptied like the others,
# then given their seeded rows back, so every test starts from what `db upgrade` made.
SEEDED_TABLES = ("third_parties",)
_seeded: dict[str, tuple[Table, list[dict]]] = {}


def _snapshot_seeded_rows(url: str) -> None:
    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine, only=SEEDED_TABLES)
    with engine.connect() as conn:
        for name in SEEDED_TABLES:
            table = metadata.tables[name]
            _seeded[name] = (table, [dict(row._mapping) for row in conn.execute(table.select())])
    engine.dispose()


def _empty_postgres(url: str) -> None:
    """Back to the freshly migrated state: no rows but the seeded policy version 1 (in both
    languages) and the seeded third parties."""
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = [
            row[0]
            for row in conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            )
            if row[0] not in {"alembic_version", "policy_versions", "policy_translations"}
        ]
        if tables:
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        # Published versions are immutable (a trigger refuses DELETE); tests may remove
        # theirs with triggers off for this session only.
        conn.execute(text("SET session_replication_role = replica"))
        conn.execute(
            text(
                "DELETE FROM policy_translations WHERE policy_version_id IN "
                "(SELECT id FROM policy_versions WHERE version > 1)"
            )
        )
        conn.execute(text("DELETE FROM policy_versions WHERE version > 1"))
        conn.execute(text("SET session_replication_role = DEFAULT"))
        for name, (table, rows) in _seeded.items():
            if rows:
                conn.execute(table.insert(), rows)
                # ``name`` comes from SEEDED_TABLES above, never from input.
                reset = (
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), max(id)) FROM {name}"  # noqa: S608
                )
                conn.execute(text(reset))
    engine.dispose()


DATABASES = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])


@pytest.fixture(params=DATABASES)
def database(request, tmp_path) -> str:
    """The database URI for one test: a copy of the SQLite template, or an emptied PostgreSQL."""
    if request.param == "sqlite":
        target = tmp_path / "instance" / "portal.sqlite3"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        return f"sqlite:///{target}"
    url = request.getfixturevalue("postgres_url")
    _empty_postgres(url)
    return url


@pytest.fixture
def make_app(database, tmp_path):
    """Build an app on this test's database with extra configuration."""
    apps = []

    def build(**overrides):
        config = base_config(tmp_path / "instance")
        config["SQLALCHEMY_DATABASE_URI"] = database
        config.update(overrides)
        app = create_app(config)
        app.test_client_class = BufferedClient
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- mail ------------------------------------------------------------------------------------


@pytest.fixture
def mailbox(app) -> Mailbox:
    return Mailbox(Path(app.instance_path) / "mail")


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback; ``.port`` and ``.handler.received``."""
    from aiosmtpd.controller import Controller

    handler = SMTPRecorder()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


# --- accounts --------------------------------------------------------------------------------


@pytest.fixture
def seller(app):
    with app.app_context():
        user = make_seller()
        return {"id": user.id, "email": user.email, "password": PASSWORD}


@pytest.fixture
def other_seller(app):
    """The adversary: a second seller who must never reach the first one's data."""
    with app.app_context():
        user = make_seller("other@example.com", full_name="Other Seller")
        return {"id": user.id, "email": user.email, "password": PASSWORD}


@pytest.fixture
def auth(client):
    return AuthActions(client)

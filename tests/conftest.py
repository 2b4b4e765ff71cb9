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
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import MetaData, Table, create_engine, text
from sqlalchemy.engine import make_url

from portal import create_app
from portal.extensions import db
from tests.support import (
    PASSWORD,
    AuthActions,
    Mailbox,
    SMTPRecorder,
    make_seller,
    smtp_on_loopback,
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


class SharedTemplateCache(BytecodeCache):
    """Each test builds its own app, and with it a Jinja environment that would compile every
    template it renders again; this worker's apps share the compiled code instead. Jinja
    checks each entry against the template's source, so an edited template is compiled anew.
    (One app per process in production compiles each template once anyway.)"""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = SharedTemplateCache()


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
    # PORTAL_TEST_DATABASE_PREFIX keeps two checkouts testing at once on one server apart.
    prefix = os.environ.get("PORTAL_TEST_DATABASE_PREFIX", "portal_test")
    name = f"{prefix}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        # A test's commits need not wait for the disk: the database is thrown away at the end.
        conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    instance = tmp_path_factory.mktemp("postgres-instance")
    _migrate(create_app({**base_config(instance), "SQLALCHEMY_DATABASE_URI": url}))
    _plan_emptying(url)
    yield url
    for engine in _emptiers.values():
        engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


# Tables whose migrations seed rows (the registry of third parties): emptied like the others,
# then given their seeded rows back, so every test starts from what `db upgrade` made.
SEEDED_TABLES = ("third_parties",)
# Published policy version 1, in both languages, is seeded too; versions a test published go.
POLICY_TABLES = ("policy_versions", "policy_translations")
_seeded: dict[str, tuple[Table, list[dict]]] = {}
_emptying: dict[str, str] = {}
_emptiers: dict[str, object] = {}


def _plan_emptying(url: str) -> None:
    """Read the migrated database once: the seeded rows to give back, and one batch of
    statements that empties every table and restarts every sequence."""
    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine, only=SEEDED_TABLES)
    with engine.connect() as conn:
        for name in SEEDED_TABLES:
            table = metadata.tables[name]
            _seeded[name] = (table, [dict(row._mapping) for row in conn.execute(table.select())])
        tables = conn.scalars(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        ).all()
        # Each table's own sequence (its serial id), by the table it belongs to.
        sequences = dict(
            conn.execute(
                text(
                    "SELECT t.relname, s.relname FROM pg_class s "
                    "JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i') "
                    "JOIN pg_class t ON t.oid = d.refobjid "
                    "WHERE s.relkind = 'S' AND t.relnamespace = 'public'::regnamespace"
                )
            ).all()
        )
    engine.dispose()
    skip = {"alembic_version", *POLICY_TABLES}
    # Names read from the catalogue, never from input. DELETE rather than TRUNCATE: on a
    # test's few rows it is about eight times faster (TRUNCATE makes new files per table).
    # With replication_role = replica, foreign keys and the trigger that keeps published
    # policy versions immutable stand aside for this transaction only.
    emptied = [table for table in tables if table not in skip]
    statements = [
        "SET LOCAL session_replication_role = replica",
        *(f'DELETE FROM "{table}"' for table in emptied),  # noqa: S608
        "DELETE FROM policy_translations WHERE policy_version_id IN "
        "(SELECT id FROM policy_versions WHERE version > 1)",
        "DELETE FROM policy_versions WHERE version > 1",
        *(
            f'ALTER SEQUENCE "{sequences[table]}" RESTART'
            for table in emptied
            if table in sequences
        ),
        *(
            f"SELECT setval('{sequences[table]}', max(id)) FROM \"{table}\""  # noqa: S608
            for table in POLICY_TABLES
        ),
    ]
    _emptying[url] = ";\n".join(statements)


def _empty_postgres(url: str) -> None:
    """Back to the freshly migrated state: no rows but the seeded policy version 1 (in both
    languages) and the seeded third parties."""
    engine = _emptiers.get(url)
    if engine is None:
        engine = _emptiers[url] = create_engine(url, pool_size=1, pool_pre_ping=True)
    with engine.begin() as conn:
        conn.exec_driver_sql(_emptying[url])
        for name, (table, rows) in _seeded.items():
            if rows:
                conn.execute(table.insert(), rows)
                # ``name`` comes from SEEDED_TABLES above, never from input.
                reset = (
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), max(id)) FROM {name}"  # noqa: S608
                )
                conn.execute(text(reset))


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
        app.jinja_env.bytecode_cache = TEMPLATE_CACHE
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
def partner(tmp_path):
    """A third party's HTTPS endpoint on loopback (tests/partner.py)."""
    from tests.partner import serve_partner

    with serve_partner(tmp_path) as running:
        yield running


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback; ``.port`` and ``.handler.received``."""
    with smtp_on_loopback(SMTPRecorder()) as controller:
        yield controller


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

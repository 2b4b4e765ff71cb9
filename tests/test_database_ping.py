"""A pooled PostgreSQL connection that the server dropped while it sat idle (a restart, a
failover, a firewall's idle timeout) is replaced before a request uses it, without the
per-request ping SQLAlchemy's ``pool_pre_ping`` would add; one used a moment ago is trusted.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text

from portal import create_app
from portal.extensions import db
from tests.conftest import POSTGRES_URL, base_config

pytestmark = pytest.mark.postgres


def _backend_pid(app) -> int:
    with app.app_context():
        pid = db.session.scalar(text("SELECT pg_backend_pid()"))
        db.session.remove()  # the connection goes back to the pool, still open
    return pid


def _kill(url: str, pid: int) -> None:
    """What a restart or a firewall does to an idle connection: the server ends it."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        assert conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()


@pytest.fixture
def make_pg_app(request, tmp_path):
    """An app on this worker's PostgreSQL database, pinging after the given idle time."""
    if not POSTGRES_URL:
        pytest.skip("set PORTAL_TEST_POSTGRES_URL: SQLite has no server to drop a connection")
    url = request.getfixturevalue("postgres_url")
    apps = []

    def build(ping_after: float):
        config = base_config(tmp_path / "instance")
        config.update(SQLALCHEMY_DATABASE_URI=url, DATABASE_PING_AFTER_IDLE_SECONDS=ping_after)
        apps.append(create_app(config))
        return apps[-1], url

    yield build
    for app in apps:
        with app.app_context():
            db.engine.dispose()


def test_a_connection_dropped_while_idle_is_replaced_before_the_request(make_pg_app):
    app, url = make_pg_app(0.2)
    pid = _backend_pid(app)
    _kill(url, pid)
    time.sleep(0.3)  # idle past the setting
    response = app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["database"] == "ok"
    assert _backend_pid(app) != pid  # a new connection served it


def test_a_connection_used_within_the_setting_is_not_pinged(make_pg_app):
    app, url = make_pg_app(3600)
    pid = _backend_pid(app)
    _kill(url, pid)
    # Not checked first, so the query itself meets the dead connection: the one request a
    # drop costs without a ping (the price of not pinging on every request).
    assert app.test_client().get("/readyz").status_code == 503
    assert _backend_pid(app) != pid  # the pool replaced it for the next request
    assert app.test_client().get("/readyz").status_code == 200

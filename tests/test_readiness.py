"""/readyz: 200 when the database, Redis (when the limits live there) and the document
storage answer; 503 naming only the part that is down; back to 200 once it is up again."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from portal import create_app
from portal.extensions import db
from tests import pgserver
from tests.conftest import REQUIRE_SERVICES, base_config
from tests.support import free_port


def _ready(app, **kwargs):
    response = app.test_client().get("/readyz", **kwargs)
    assert "Set-Cookie" not in response.headers
    return response.status_code, response.get_json()


def test_ready_when_everything_answers(app):
    assert _ready(app) == (200, {"database": "ok", "storage": "ok"})


def test_answered_whatever_the_host(make_app):
    app = make_app(PUBLIC_URL="http://sellers.example", TRUSTED_HOSTS=["sellers.example"])
    assert _ready(app, headers={"Host": "10.0.0.5:8000"})[0] == 200


def test_sqlite_file_gone_then_back(make_app, database, tmp_path):
    if not database.startswith("sqlite"):
        pytest.skip("the SQLite file case")
    path = Path(make_url(database).database)
    app = make_app()
    assert _ready(app)[0] == 200
    hidden = path.with_name("hidden")
    with app.app_context():
        from portal.extensions import db

        db.engine.dispose()
    shutil.move(path, hidden)
    path.mkdir()  # a folder where the file was: no database opens there (root or not)
    try:
        assert _ready(app) == (503, {"database": "down", "storage": "ok"})
    finally:
        path.rmdir()
        shutil.move(hidden, path)
    assert _ready(app)[0] == 200


def test_postgresql_on_a_closed_port_is_down(make_app, database):
    if database.startswith("sqlite"):
        pytest.skip("the PostgreSQL case")
    closed = make_url(database).set(host="127.0.0.1", port=free_port())
    app = make_app(SQLALCHEMY_DATABASE_URI=closed.render_as_string(hide_password=False))
    status, parts = _ready(app)
    assert (status, parts["database"]) == (503, "down")


def test_postgresql_stopped_then_started(tmp_path):
    """A server of the test's own, stopped and started again: /readyz says the database is
    down while it is stopped, and ok with the first request after it is back (the pooled
    connections the stop cut are not handed out again)."""
    if pgserver.binaries() is None:
        if REQUIRE_SERVICES:
            pytest.fail("PostgreSQL's server programs are required here (pg_config --bindir)")
        pytest.skip("PostgreSQL's server programs are not installed")
    with pgserver.private_postgresql() as server:
        config = base_config(tmp_path / "instance") | {"SQLALCHEMY_DATABASE_URI": server.url}
        app = create_app(config)
        try:
            assert _ready(app) == (200, {"database": "ok", "storage": "ok"})
            server.stop()
            assert _ready(app) == (503, {"database": "down", "storage": "ok"})
            assert _ready(app)[0] == 503  # still down: nothing was left half-open
            server.start()
            assert _ready(app) == (200, {"database": "ok", "storage": "ok"})
        finally:
            with app.app_context():
                db.engine.dispose()


def _wait_for_port(port: int, timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(port)


def test_redis_down_then_up(make_app, tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    port = free_port()  # nothing listens there yet
    app = make_app(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{port}/0")
    assert _ready(app) == (503, {"database": "ok", "redis": "down", "storage": "ok"})
    process = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port)
        assert _ready(app) == (200, {"database": "ok", "redis": "ok", "storage": "ok"})
    finally:
        process.terminate()
        process.wait(10)
    assert _ready(app)[1]["redis"] == "down"


def test_storage_that_cannot_be_written_is_down(make_app, tmp_path):
    folder = tmp_path / "documents"
    app = make_app(DOCUMENT_STORAGE_PATH=str(folder))
    folder.write_text("a file where the folder should be")  # a full or read-only disk alike
    assert _ready(app) == (503, {"database": "ok", "storage": "down"})
    folder.unlink()
    assert _ready(app)[0] == 200  # made again

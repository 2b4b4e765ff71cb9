"""Two gunicorn servers, as on two hosts behind a load balancer, over one PostgreSQL database
and one Redis: a session made on one is valid on the other, and failed log-ins are counted
across both. Production settings (``PORTAL_ENVIRONMENT=production``), CSRF on."""

from __future__ import annotations

import base64
import json
import secrets
import uuid

import pytest

from portal import create_app
from portal.extensions import db
from tests import servers
from tests.conftest import POSTGRES_URL, REDIS_URL, REQUIRE_SERVICES, _empty_postgres
from tests.support import PASSWORD, make_seller

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def _key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


@pytest.fixture
def two_servers(request, tmp_path):
    """Two servers with the same settings, each with two workers, and one seller."""
    if not (POSTGRES_URL and REDIS_URL):
        if REQUIRE_SERVICES:
            pytest.fail("PORTAL_TEST_POSTGRES_URL and PORTAL_TEST_REDIS_URL are required in CI")
        pytest.skip("set PORTAL_TEST_POSTGRES_URL and PORTAL_TEST_REDIS_URL")
    postgres_url = request.getfixturevalue("postgres_url")
    _empty_postgres(postgres_url)
    keys = {"k1": _key()}
    hash_key = _key()
    settings = {
        "PORTAL_ENVIRONMENT": "production",
        "PORTAL_SECRET_KEY": secrets.token_hex(32),
        "PORTAL_ENCRYPTION_KEYS": json.dumps(keys),
        "PORTAL_ENCRYPTION_KEY_ID": "k1",
        "PORTAL_HASH_KEY": hash_key,
        # The load balancer's address: links in mail start with it, and only its host is
        # trusted (TRUSTED_HOSTS ignores the port, so both servers answer on loopback).
        "PORTAL_PUBLIC_URL": "http://127.0.0.1",
        "PORTAL_DPO_EMAIL": "dpo@koopseri.example",
        "PORTAL_SQLALCHEMY_DATABASE_URI": postgres_url,
        "PORTAL_RATELIMIT_STORAGE_URI": REDIS_URL,
        "PORTAL_RATELIMIT_KEY_PREFIX": uuid.uuid4().hex,
        # Only the shared limiter refuses here, not the database's lockout count.
        "PORTAL_LOCKOUT_THRESHOLD": "1000",
        "PORTAL_BCRYPT_ROUNDS": "4",
        # Shared file storage and mail folder, as on a shared volume.
        "PORTAL_INSTANCE_PATH": str(tmp_path / "shared"),
    }
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": postgres_url,
            "INSTANCE_PATH": str(tmp_path / "shared"),
            "SECRET_KEY": settings["PORTAL_SECRET_KEY"],
            "BCRYPT_ROUNDS": 4,
            "ENCRYPTION_KEYS": keys,
            "ENCRYPTION_KEY_ID": "k1",
            "HASH_KEY": hash_key,
            "PUBLIC_URL": settings["PORTAL_PUBLIC_URL"],
            "DPO_EMAIL": settings["PORTAL_DPO_EMAIL"],
        }
    )
    with app.app_context():
        make_seller()
        db.engine.dispose()
    with (
        servers.gunicorn(settings, tmp_path / "a.log") as first,
        servers.gunicorn(settings, tmp_path / "b.log") as second,
    ):
        yield first.base, second.base


def test_a_session_made_on_one_server_is_valid_on_the_other(two_servers):
    first, second = two_servers
    person = servers.Browser()
    status, _, headers = person.log_in(first, PASSWORD)
    assert status == 302 and headers["Location"].endswith("/dashboard")

    status, page, _ = person.get(f"{second}/dashboard")
    assert status == 200
    assert "Tan Mei Ling" in page or "Dashboard" in page
    # A form served by one server is accepted by the other (the CSRF token is in the session).
    token = person.form_token(f"{first}/profile")
    status, _, headers = person.post(f"{second}/auth/logout", {"csrf_token": token})
    assert status == 302
    # Logged out on the second means logged out on the first: the session is gone.
    status, _, headers = person.get(f"{first}/dashboard")
    assert status == 302 and "/auth/login" in headers["Location"]

    stranger = servers.Browser()
    status, _, headers = stranger.get(f"{second}/dashboard")
    assert status == 302 and "/auth/login" in headers["Location"]


def test_failed_log_ins_are_counted_across_both_servers(two_servers):
    first, second = two_servers
    person = servers.Browser()
    statuses = [
        person.log_in(server, "wrong-password-guess")[0]
        for server in (first, second, first, second, first)
    ]
    assert statuses == [200] * 5
    # The sixth attempt is refused by whichever server gets it, even with the right password.
    for server in (second, first):
        status, page, _ = person.log_in(server, PASSWORD)
        assert status == 429
        assert "Too many attempts" in page

"""Finding 2, Host header poisoning: links in mail came from the request's ``Host``.

The attacker sends the real seller's address to the reset form with ``Host: evil.example``;
the seller then gets a genuine Koopseri email whose reset link points at the attacker's
site. The same trick worked on every mail sent during a request (verification, "someone
tried to register", the lockout alert). Links must come from ``PUBLIC_URL`` only, and
production must answer 400 to a Host that is not its own.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from portal import create_app
from portal.config import ConfigError
from portal.crypto import generate_key
from portal.extensions import db
from tests import servers
from tests.support import Mailbox, body_html, body_text, make_seller, registration_form, wait_for

PUBLIC_URL = "https://portal.koopseri.test"
EVIL = "evil.example"
HOSTILE = {"Host": EVIL}
URL = re.compile(r"https?://[^\s\"'<>]+")

# What production needs besides PUBLIC_URL: a real secret key (base_config's) and keys.
PRODUCTION = {
    "TESTING": False,
    "ENVIRONMENT": "production",
    "PUBLIC_URL": PUBLIC_URL,
    "ENCRYPTION_KEYS": {"k1": generate_key()},
    "ENCRYPTION_KEY_ID": "k1",
    "HASH_KEY": generate_key(),
    "DPO_EMAIL": "dpo@koopseri.test",
}


@pytest.fixture
def app(make_app):
    return make_app(PUBLIC_URL=PUBLIC_URL)


def assert_links_are_ours(message) -> None:
    """Every link in both bodies starts with PUBLIC_URL; the hostile host is nowhere."""
    bodies = (body_text(message), body_html(message))
    assert EVIL not in "".join(bodies) + str(message.items())
    for body in bodies:
        links = URL.findall(body)
        assert links, body
        for link in links:
            assert link.startswith(PUBLIC_URL + "/"), link


def test_reset_link_comes_from_public_url_whatever_the_host(client, seller, mailbox):
    response = client.post("/auth/reset", data={"email": seller["email"]}, headers=HOSTILE)
    assert response.status_code == 200
    message = mailbox.last(seller["email"])
    assert message["Subject"] == "Reset your Koopseri password"
    assert re.search(re.escape(PUBLIC_URL) + r"/auth/reset/\S+", body_text(message))
    assert_links_are_ours(message)


def test_verification_link_comes_from_public_url(client, mailbox):
    email = "victim@example.com"
    client.post("/auth/register", data=registration_form(email=email), headers=HOSTILE)
    message = mailbox.last(email)
    assert re.search(re.escape(PUBLIC_URL) + r"/auth/verify/\S+", body_text(message))
    assert_links_are_ours(message)


def test_someone_tried_to_register_mail_links_come_from_public_url(client, seller, mailbox):
    client.post("/auth/register", data=registration_form(email=seller["email"]), headers=HOSTILE)
    message = mailbox.last(seller["email"])
    assert message["Subject"] == "Someone tried to register with your email address"
    assert_links_are_ours(message)


def test_lockout_mail_links_come_from_public_url(app, client, seller, mailbox):
    for _ in range(app.config["LOCKOUT_THRESHOLD"]):
        client.post(
            "/auth/login",
            data={"email": seller["email"], "password": "not-the-password-1"},
            headers=HOSTILE,
        )
    message = mailbox.last(seller["email"])
    assert message["Subject"] == "Repeated failed log-ins to your Koopseri account"
    assert_links_are_ours(message)


# --- production -------------------------------------------------------------------------------


@pytest.fixture
def production(make_app):
    """The portal in production mode, with one seller, and its mailbox."""
    app = make_app(**PRODUCTION)
    with app.app_context():
        email = make_seller().email
        db.session.remove()
    return app, email, Mailbox(Path(app.instance_path) / "mail")


def test_production_answers_400_to_a_foreign_host_and_sends_nothing(production):
    app, email, mailbox = production
    client = app.test_client()
    response = client.post("/auth/reset", data={"email": email}, headers=HOSTILE)
    assert response.status_code == 400
    assert EVIL not in response.get_data(as_text=True)
    assert mailbox.messages(email) == []
    # Every page, public or behind a gate, and a log-in attempt: 400 before anything runs.
    for path in ("/", "/auth/login", "/dashboard", "/admin/", "/privacy", "/no-such-page"):
        assert client.get(path, headers=HOSTILE).status_code == 400, path
    # Only the load balancer's health check answers whatever the Host (it shows nothing).
    assert client.get("/healthz", headers={"Host": "10.0.0.5:8000"}).status_code == 200
    login = {"email": email, "password": "not-the-password-1"}
    assert client.post("/auth/login", data=login, headers=HOSTILE).status_code == 400
    assert mailbox.messages(email) == []


def test_production_serves_its_own_host_and_links_to_public_url(production):
    app, email, mailbox = production
    client = app.test_client()
    own = {"Host": "portal.koopseri.test"}
    assert client.get("/auth/login", headers=own).status_code == 200
    assert client.post("/auth/reset", data={"email": email}, headers=own).status_code == 200
    assert_links_are_ours(mailbox.last(email))


def test_production_refuses_to_start_without_public_url(tmp_path):
    config = {**PRODUCTION, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "s" * 40}
    del config["PUBLIC_URL"]
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        create_app(config)


@pytest.mark.parametrize(
    "bad",
    [
        "portal.koopseri.test",
        "ftp://portal.koopseri.test",
        "https://",
        "/relative",
        "https://portal.koopseri.test/?next=x",
        "https://user:secret@portal.koopseri.test",
    ],
)
def test_production_refuses_a_public_url_that_is_not_an_absolute_http_url(tmp_path, bad):
    config = {**PRODUCTION, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "s" * 40}
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        create_app({**config, "PUBLIC_URL": bad})


def test_hsts_on_every_response_when_cookies_are_secure(make_app):
    app = make_app(**PRODUCTION, SESSION_COOKIE_SECURE=True)
    client = app.test_client()
    own = {"Host": "portal.koopseri.test"}
    for path in ("/", "/auth/login", "/healthz", "/no-such-page"):
        response = client.get(path, headers=own)
        assert response.headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains"
        ), path


def test_no_hsts_over_plain_http_in_development(client):
    assert "Strict-Transport-Security" not in client.get("/auth/login").headers


def _post(url: str, fields: dict, host: str) -> int:
    """POST with the Host header the attacker chose; the status, whatever it is."""
    data = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(url, data=data, method="POST", headers={"Host": host})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status
    except urllib.error.HTTPError as error:
        with error:
            return error.code


def test_gunicorn_in_production_refuses_a_foreign_host(tmp_path):
    """As the attack was made: gunicorn, production settings, a real Host header."""
    instance = tmp_path / "instance"
    env = {
        "PORTAL_ENVIRONMENT": "production",
        "PORTAL_INSTANCE_PATH": str(instance),
        "PORTAL_SECRET_KEY": "s" * 40,
        "PORTAL_PUBLIC_URL": PUBLIC_URL,
        "PORTAL_ENCRYPTION_KEYS": json.dumps(PRODUCTION["ENCRYPTION_KEYS"]),
        "PORTAL_ENCRYPTION_KEY_ID": "k1",
        "PORTAL_HASH_KEY": PRODUCTION["HASH_KEY"],
        "PORTAL_DPO_EMAIL": PRODUCTION["DPO_EMAIL"],
        "PORTAL_BCRYPT_ROUNDS": "4",
        "PORTAL_WTF_CSRF_ENABLED": "false",
    }
    servers.migrate({**os.environ, **env})
    app = create_app({**PRODUCTION, "INSTANCE_PATH": str(instance), "SECRET_KEY": "s" * 40})
    with app.app_context():
        email = make_seller().email
        db.engine.dispose()
    mailbox = Mailbox(instance / "mail")
    with servers.gunicorn(env, tmp_path / "gunicorn.log", workers=1) as server:
        assert _post(f"{server.base}/auth/reset", {"email": email}, EVIL) == 400
        assert _post(f"{server.base}/auth/reset", {"email": email}, "portal.koopseri.test") == 200
        assert wait_for(lambda: mailbox.messages(email))
    assert len(mailbox.messages(email)) == 1
    assert_links_are_ours(mailbox.last(email))

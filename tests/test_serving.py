"""The portal under gunicorn with the repository's configuration: JSON access log lines with
the request id, and no query string, token or email in them; structured app logs."""

from __future__ import annotations

import json
import logging
import os
import time
import urllib.request

import pytest

from portal.logs import JsonFormatter, Redact, redact
from tests import servers


@pytest.fixture
def gunicorn(tmp_path):
    env = {"PORTAL_ENVIRONMENT": "development", "PORTAL_INSTANCE_PATH": str(tmp_path / "instance")}
    servers.migrate({**os.environ, **env})
    with servers.gunicorn(env, tmp_path / "gunicorn.log") as server:
        yield server.base, server.log


def _get(url: str):
    """The response's headers (any status): the server is ours, on loopback."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
            return response.headers
    except urllib.error.HTTPError as error:
        with error:
            return error.headers


def test_access_lines_are_json_with_the_request_id_and_nothing_personal(gunicorn):
    base, log = gunicorn
    token = "x" * 40 + ".Zk9QbA.abcdefghijk"
    headers = _get(f"{base}/auth/verify/{token}?next=/profile&email=mei%40example.com")
    request_id = headers["X-Request-ID"]
    assert len(request_id) == 16
    time.sleep(0.5)  # the access line is written after the response
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    mine = [line for line in lines if line.get("request_id") == request_id]
    assert len(mine) == 1, lines
    assert mine[0]["method"] == "GET" and mine[0]["path"].startswith("/auth/verify/")
    text = log.read_text()
    assert token not in text and "xxxxxxxxxxxxxxxxxxxxxxxx" not in text
    assert "example.com" not in text and "next=" not in text


def test_every_response_has_its_own_request_id(gunicorn):
    base, _ = gunicorn
    ids = {_get(f"{base}/healthz")["X-Request-ID"] for _ in range(5)}
    assert len(ids) == 5


def test_an_incoming_request_id_is_kept_only_when_trusted(make_app):
    untrusted = make_app().test_client().get("/healthz", headers={"X-Request-ID": "lb-12345678"})
    assert untrusted.headers["X-Request-ID"] != "lb-12345678"
    app = make_app(TRUST_REQUEST_ID=True)
    trusted = app.test_client().get("/healthz", headers={"X-Request-ID": "lb-12345678"})
    assert trusted.headers["X-Request-ID"] == "lb-12345678"
    odd = app.test_client().get("/healthz", headers={"X-Request-ID": "<script>"})
    assert odd.headers["X-Request-ID"] != "<script>"


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("login failed for mei.ling@example.com", "login failed for [email]"),
        ("call +60 12-345 6789 now", "call [number] now"),
        ("token eyJhbGciOiJIUzI1NiJ9abcdefghijklmnopqrstuv.Zk9QbA.sig123456", "token [token]"),
        ("message=42 kind=password_changed", "message=42 kind=password_changed"),
    ],
)
def test_redaction(text, kept):
    assert redact(text) == kept


def test_app_log_lines_are_json_with_the_request_id(app):
    record = logging.LogRecord(
        "portal.test", logging.INFO, __file__, 1, "sent to %s", ("a@b.co",), None
    )
    with app.test_request_context():
        from flask import g

        g.request_id = "abc123abc123abcd"
        Redact().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "abc123abc123abcd"
    assert line["message"] == "sent to [email]"
    assert line["level"] == "INFO" and line["logger"] == "portal.test"

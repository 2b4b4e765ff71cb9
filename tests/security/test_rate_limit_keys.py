"""Finding 10: the rate-limit key ``terminate:<raw session token>`` put a live bearer token
into Redis, where the database keeps only its hash. Every limiter key must be a scope name,
an address and keyed digests: no session token, email address or device id as typed.

The attacker here is anyone who can read the rate-limit store (a Redis dump, a monitoring
tool): the test reads the store after a seller's failed attempts and looks for the seller's
secrets in every key.
"""

from __future__ import annotations

import re

from portal.extensions import limiter
from tests.support import AuthActions

DIGEST_OR_SCOPE = re.compile(r"^(?:[a-z][a-z-]*|[0-9a-f]{64}|[0-9a-f:.]+)$")


def _session_token(app, client) -> str:
    """The bearer token the session cookie carries (what the database keeps only a hash of)."""
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.loads(cookie.value)["_user_id"]


def _keys() -> list[str]:
    storage = limiter.storage
    return list(storage.storage) + list(storage.events)


def test_no_limiter_key_holds_a_session_token_or_an_email(app, client, seller):
    AuthActions(client).login(seller["email"], seller["password"])
    token = _session_token(app, client)
    wrong = {"password": "not my password at all", "confirmation": "TERMINATE", "code": ""}
    assert client.post("/account/terminate", data=wrong).status_code == 400
    client.post(
        "/auth/password",
        data={"current_password": "not my password at all", "password": "x" * 20},
    )
    client.post("/auth/logout")
    client.post("/auth/login", data={"email": seller["email"], "password": "wrong password!"})
    client.post("/auth/reset", data={"email": seller["email"]})

    keys = _keys()
    assert any("terminate" in key for key in keys), keys  # the failure was counted
    for key in keys:
        assert token not in key, key
        assert seller["email"] not in key, key
        # LIMITER/[prefix/]<key>/[endpoint/]<limit>: the key is a scope and digests.
        for own_key in (segment for segment in key.split("/") if ":" in segment):
            for part in own_key.split(":"):
                assert DIGEST_OR_SCOPE.match(part), key

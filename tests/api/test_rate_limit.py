"""Calls are limited per token (RATELIMIT_MARKETPLACE_API), not per address; past the limit
the answer is 429 with Retry-After, as the document says. Callers without a valid token are
counted per address, apart from the marketplace."""

from __future__ import annotations

import pytest

from tests.api.conftest import NEXT_TOKEN, STATUS_PATH, TOKEN, ask
from tests.api.openapi_check import check


@pytest.fixture
def app(make_app):
    return make_app(
        MARKETPLACE_API_TOKENS=[TOKEN, NEXT_TOKEN], RATELIMIT_MARKETPLACE_API="3 per minute"
    )


def test_past_the_limit_the_answer_is_429_with_retry_after(client, seller):
    document = client.get("/api/v1/openapi.json").get_json()
    assert [ask(client, seller["id"]).status_code for _ in range(3)] == [200, 200, 200]
    refused = ask(client, seller["id"])
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert refused.get_json()["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in refused.headers
    check(document, STATUS_PATH, refused)
    # Any seller, any answer: the limit is the token's.
    assert ask(client, 999).status_code == 429


def test_the_limit_is_the_tokens_not_the_addresss(app, client, seller):
    for _ in range(3):
        ask(client, seller["id"], TOKEN)
    assert ask(client, seller["id"], TOKEN).status_code == 429
    # The same address, the other token: its own allowance.
    assert ask(client, seller["id"], NEXT_TOKEN).status_code == 200
    # Another address, the same token: still spent.
    elsewhere = app.test_client()
    response = elsewhere.get(
        f"/api/v1/sellers/{seller['id']}/status",
        headers={"Authorization": f"Bearer {TOKEN}"},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert response.status_code == 429


def test_wrong_tokens_are_counted_per_address_apart_from_the_marketplace(client, seller):
    assert [ask(client, seller["id"], "w" * 40).status_code for _ in range(3)] == [401] * 3
    assert ask(client, seller["id"], "w" * 40).status_code == 429
    assert ask(client, seller["id"], None).status_code == 429  # the same address, no token
    assert ask(client, seller["id"], TOKEN).status_code == 200

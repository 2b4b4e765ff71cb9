"""The marketplace's API under test: an app with two tokens configured (the one in use and
the one replacing it), and a way to call it as the marketplace does."""

from __future__ import annotations

import pytest

TOKEN = "marketplace-test-token-" + "a1B2" * 6
NEXT_TOKEN = "marketplace-next-token-" + "c3D4" * 6  # the one replacing it
STATUS_PATH = "/sellers/{id}/status"


@pytest.fixture
def app(make_app):
    return make_app(MARKETPLACE_API_TOKENS=[TOKEN, NEXT_TOKEN])


def ask(client, seller_id, token: str | None = TOKEN, scheme: str = "Bearer"):
    """GET the seller's status as the marketplace: with ``Authorization: <scheme> <token>``,
    or with no Authorization header when ``token`` is None."""
    headers = {} if token is None else {"Authorization": f"{scheme} {token}"}
    return client.get(f"/api/v1/sellers/{seller_id}/status", headers=headers)

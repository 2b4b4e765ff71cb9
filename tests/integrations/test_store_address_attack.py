"""A seller types an address inside Koopseri's own network as their "store" (server-side
request forgery): the portal must not become a way to reach its own hosts, the loopback or the
cloud's metadata service. Production refuses every store address that resolves to an address
that is not public on the internet, before any connection, at every call (the check, the
connection, the disconnection, an erasure), so a name that changes what it resolves to between
two calls gains nothing."""

from __future__ import annotations

import pytest

from portal.sharing.connectors import Refused
from portal.sharing.parties.client import Client
from tests.integrations.conftest import connect


@pytest.fixture
def production_addresses(app):
    """As in production: only public addresses may be a store's."""
    app.config["SHARING_STORE_PRIVATE_ADDRESSES"] = False


def test_a_store_on_the_portals_own_network_is_refused_before_any_request(
    app, store, browser, shop, production_addresses
):
    page = connect(browser, shop)  # https://127.0.0.1:<port>: the loopback store of the tests
    assert page.status == 400  # the form again, with why
    assert "This is not a public address on the internet" in page.shown
    assert store.calls == []  # nothing reached it: not the check, not the keys


@pytest.mark.parametrize(
    "url",
    [
        "https://169.254.169.254/latest",  # the cloud's metadata service
        "https://10.0.0.5",
        "https://192.168.1.1:8443",
        "https://[::1]:9443",
        "https://localhost",
    ],
)
def test_addresses_that_are_not_public_are_refused_by_the_client(app, url):
    with app.app_context():
        client = Client(url, name="store", public_only=True, attempts=1)
        with pytest.raises(Refused) as refused:
            client.call("GET", "/customers")
    assert refused.value.code == "private_address"

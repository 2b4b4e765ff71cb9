"""A seller connects their WooCommerce store with a key made in it, and disconnects it, in a
real browser, against a store on loopback HTTPS that checks every request against
WooCommerce's published REST API schema; "Where my data went" shows both events."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.contracts.woocommerce import serve_woocommerce, store_url
from tests.e2e.conftest import log_in
from tests.sharing.conftest import give_address
from tests.support import make_seller

EMAIL = "aminah.store@example.com"
KEY = "ck_" + "7a3e" * 10
SECRET = "cs_" + "5b9d" * 10


@pytest.fixture
def store(tmp_path):
    with serve_woocommerce(tmp_path, key=KEY, secret=SECRET) as api:
        yield api
        assert api.violations == [], api.violations


def test_a_seller_connects_and_disconnects_a_store(live_server, browser_page, store):
    app = live_server.app
    app.config.update(
        SHARING_CA_FILE=store.ca_file,
        SHARING_TIMEOUT=1.0,
        SHARING_RETRY_DELAY=0.01,
        SHARING_STORE_PRIVATE_ADDRESSES=True,  # the test store is on loopback
    )
    with app.app_context():
        seller = make_seller(EMAIL, full_name="Aminah binti Yusof", phone_e164="+60135556677")
        give_address(seller.id, display_name="Kedai Songket Aminah")
    page = browser_page
    log_in(page, live_server, EMAIL, landing="/dashboard")

    page.get_by_role("link", name="Connect a WooCommerce store").click()
    page.get_by_label("Store address").fill(store_url(store))
    page.get_by_label("Consumer key").fill(KEY)
    page.get_by_label("Consumer secret").fill(SECRET)
    page.get_by_role("button", name="Check the keys and what will be shared").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check what will be shared")
    expect(page.get_by_text("WooCommerce will receive exactly this")).to_be_visible()
    expect(page.get_by_role("cell", name="Kedai Songket Aminah")).to_be_visible()
    assert [call.method for call in store.calls] == ["GET"]  # the keys checked, read-only
    assert SECRET not in page.content() and KEY not in page.content()
    page.get_by_role("button", name="Confirm and share with WooCommerce").click()

    expect(page.get_by_role("status")).to_contain_text("Your store is connected.")
    expect(page.get_by_text("ck_…" + KEY[-4:])).to_be_visible()
    (created,) = store.calls_to("POST", "/customers")
    assert created.body["billing"]["company"] == "Kedai Songket Aminah"

    page.get_by_role("button", name="Disconnect this store").click()
    expect(page.get_by_role("status")).to_contain_text("Your store is disconnected")
    assert store.calls_to("DELETE", "/customers/25") and store.state["customers"] == {}

    page.goto(f"{live_server.url}/dashboard")
    page.get_by_role("link", name="Where my data went").first.click()
    events = page.locator(".notices__item").filter(has_text="WooCommerce")
    expect(events).to_have_count(2)
    expect(events.first).to_contain_text("None: a cancellation of")
    expect(events.nth(1)).to_contain_text("Name")

"""Connect a WooCommerce store with its own keys, over real HTTP with CSRF, against a store
that checks every request against WooCommerce's published schema: what the store receives
is exactly the registry's categories, the keys are checked before anything is saved, kept
encrypted, shown masked, and changed only after the password."""

from __future__ import annotations

from sqlalchemy import func, select, text

from portal.extensions import db
from portal.integrations.models import StoreConnection
from portal.sharing.models import Disclosure, ThirdParty
from tests.contracts.server import json_paths
from tests.integrations.conftest import EMAIL, KEY, PHONE, SECRET, SHOP, Browser, connect
from tests.support import expire_reauth

CONFIRM = "/integrations/woocommerce/confirm"

# Every path of POST /customers that holds the seller's personal data, and its category.
PERSONAL_PATHS = {
    "$.email": "email",
    "$.billing.email": "email",
    "$.billing.company": "name",  # the shop name is of the category "name"
    "$.billing.phone": "phone",
}
# What else the request carries, none of it the seller's: our reference of the transfer.
OTHER_PATHS = {"$.meta_data[0].key", "$.meta_data[0].value"}


def _connected(browser: Browser, shop: str):
    check = connect(browser, shop)
    assert check.status == 200, check.text
    return browser.submit(check, CONFIRM)


def test_the_customer_record_carries_exactly_the_registered_categories(
    app, store, browser, shop
):
    check = connect(browser, shop)
    assert "WooCommerce will receive exactly this" in check.text
    assert [c.method for c in store.calls] == ["GET"]  # the read-only check, nothing written
    assert KEY not in check.text and SECRET not in check.text  # the keys wait on the server

    page = browser.submit(check, CONFIRM)
    assert "Your store is connected." in page.text

    (created,) = store.calls_to("POST", "/customers")
    paths = json_paths(created.body)
    assert set(paths) == set(PERSONAL_PATHS) | OTHER_PATHS
    assert paths["$.email"] == paths["$.billing.email"] == EMAIL
    assert paths["$.billing.company"] == SHOP
    assert paths["$.billing.phone"] == PHONE
    seller_values = {EMAIL, SHOP, PHONE, "Tan Mei Ling", "12 Jalan Bunga Raya", "Shah Alam"}
    assert not {paths[p] for p in OTHER_PATHS} & seller_values
    with app.app_context():
        registered = db.session.scalar(select(ThirdParty).where(ThirdParty.slug == "woocommerce"))
        assert set(PERSONAL_PATHS.values()) == set(registered.categories)
        disclosure = db.session.scalar(select(Disclosure))
        assert sorted(disclosure.categories) == sorted(registered.categories)
        assert paths["$.meta_data[0].value"] == disclosure.reference
        connection = db.session.get(StoreConnection, disclosure.user_id)
        assert connection.customer_id == disclosure.partner_reference == "25"
    assert 25 in store.state["customers"]

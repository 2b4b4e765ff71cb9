"""Connect a WooCommerce store with its own keys, over real HTTP with CSRF, against a store
that checks every request against WooCommerce's published schema: what the store receives
is exactly the registry's categories, the keys are checked before anything is saved, kept
encrypted, shown masked, and changed only after the password."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from portal.extensions import db
from portal.integrations.models import StoreConnection
from portal.sharing.models import Disclosure, ThirdParty
from tests.contracts.server import json_paths
from tests.integrations.conftest import (
    EMAIL,
    KEY,
    PHONE,
    SECRET,
    SHOP,
    STORE_LABELS,
    Browser,
    connect,
)
from tests.support import PASSWORD, expire_reauth, make_seller

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


def test_the_customer_record_carries_exactly_the_registered_categories(app, store, browser, shop):
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


def _nothing_saved(app, store):
    assert store.calls_to("POST") == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StoreConnection)) == 0
        assert db.session.scalar(select(func.count()).select_from(Disclosure)) == 0


KEYS_REFUSED = {
    "en": "Your store did not accept these keys, so nothing was saved.",
    "ms": "Kedai anda tidak menerima kunci ini, jadi tiada apa-apa yang disimpan.",
}


@pytest.mark.parametrize("language", ["en", "ms"])
@pytest.mark.parametrize(
    "key, secret", [(KEY, "cs_" + "0" * 40), ("ck_" + "1" * 40, SECRET)], ids=["secret", "key"]
)
def test_keys_the_store_refuses_save_nothing(app, store, site, seller, shop, language, key, secret):
    browser = Browser(site, language)
    browser.log_in()
    page = connect(browser, shop, key, secret)
    assert page.status == 400
    assert KEYS_REFUSED[language] in page.shown
    assert page.doc.get_element_by_id("store_url").value == shop  # what was typed stays
    assert secret not in page.text
    _nothing_saved(app, store)


FORM_ERRORS = {
    "en": (
        "Enter your store's address as it starts in the browser, with https://.",
        "Enter the consumer key as WooCommerce shows it: it starts with ck_ and has no spaces.",
        "Enter the consumer secret as WooCommerce shows it: it starts with cs_ and has no spaces.",
    ),
    "ms": (
        "Masukkan alamat kedai dalam talian anda seperti yang dipaparkan dalam pelayar, bermula "
        "dengan https://.",
        "Masukkan kunci pengguna seperti yang ditunjukkan oleh WooCommerce: ia bermula dengan ck_ "
        "dan tiada ruang.",
        "Masukkan rahsia pengguna seperti yang ditunjukkan oleh WooCommerce: ia bermula dengan cs_ "
        "dan tiada ruang.",
    ),
}


@pytest.mark.parametrize("language", ["en", "ms"])
def test_bad_input_is_named_field_by_field_and_nothing_is_sent(app, store, site, seller, language):
    browser = Browser(site, language)
    browser.log_in()
    page = browser.get("/integrations/woocommerce")
    # An address without https, and the key and the secret swapped, as a hurried paste does.
    values = ("http://shop.example.my", SECRET, KEY)
    fill = dict(zip(STORE_LABELS[language], values, strict=True))
    answer = browser.submit(page, "/integrations/woocommerce", fill)
    assert answer.status == 400
    for message in FORM_ERRORS[language]:
        assert message in answer.shown
    assert store.calls == []
    _nothing_saved(app, store)


def test_a_form_without_its_csrf_token_is_refused(app, store, browser, shop):
    answer = browser.open(
        "/integrations/woocommerce",
        {"store_url": shop, "consumer_key": KEY, "consumer_secret": SECRET},
    )
    assert answer.status == 400
    assert store.calls == []
    _nothing_saved(app, store)


def test_the_keys_are_kept_encrypted_and_shown_masked(app, store, browser, shop):
    _connected(browser, shop)
    with app.app_context():
        raw_key, raw_secret, hint = db.session.execute(
            text("SELECT consumer_key, consumer_secret, key_hint FROM store_connections")
        ).one()
        connection = db.session.scalar(select(StoreConnection))
        assert (connection.consumer_key, connection.consumer_secret) == (KEY, SECRET)
    assert KEY not in raw_key and KEY[3:] not in raw_key and SECRET[3:] not in raw_secret
    assert hint == KEY[-4:]
    page = browser.get("/integrations/woocommerce").text
    assert f"ck_…{KEY[-4:]}" in page
    assert KEY not in page and SECRET not in page
    assert browser.get("/account/export").status == 200  # the export leaves the keys out


NEW_KEY = "ck_" + "b" * 40
NEW_SECRET = "cs_" + "c" * 40


def test_changing_the_keys_asks_for_the_password_first(app, store, browser, seller, shop):
    _connected(browser, shop)
    with app.app_context():
        expire_reauth(seller["id"])
    page = browser.get("/integrations/woocommerce")
    assert "Confirm your password to change them" in page.text
    assert 'name="consumer_secret"' not in page.text
    # A form sent anyway (the token from the disconnect form) changes nothing.
    token = page.form("/integrations/woocommerce/disconnect").fields["csrf_token"]
    calls = len(store.calls)
    answer = browser.open(
        "/integrations/woocommerce",
        {
            "csrf_token": token,
            "store_url": shop,
            "consumer_key": NEW_KEY,
            "consumer_secret": NEW_SECRET,
        },
    )
    assert answer.status == 302 and answer.location.startswith("/auth/confirm")
    assert len(store.calls) == calls

    confirm = browser.get("/auth/confirm?next=/integrations/woocommerce")
    page = browser.submit(confirm, "/auth/confirm", {"Password": PASSWORD})
    assert page.url == "/integrations/woocommerce"
    store.state.update(key=NEW_KEY, secret=NEW_SECRET)  # the seller made a new key
    page = browser.submit(
        page,
        "/integrations/woocommerce",
        {"Store address": shop, "Consumer key": NEW_KEY, "Consumer secret": NEW_SECRET},
    )
    assert "Your store's keys are changed. Nothing new was shared with it." in page.shown
    assert [c.method for c in store.calls[calls:]] == ["GET"]  # checked, nothing shared
    with app.app_context():
        connection = db.session.scalar(select(StoreConnection))
        assert (connection.consumer_key, connection.key_hint) == (NEW_KEY, NEW_KEY[-4:])
        assert connection.customer_id == "25"
        assert db.session.scalar(select(func.count()).select_from(Disclosure)) == 1


def test_a_store_connected_without_keys_asks_to_be_connected_again(app, store, browser, seller):
    with app.app_context():
        party = db.session.scalar(select(ThirdParty).where(ThirdParty.slug == "woocommerce"))
        disclosure = Disclosure(
            user_id=seller["id"],
            kind="transfer",
            third_party_id=party.id,
            recipient="WooCommerce",
            categories=["email", "name", "phone"],
            purpose=party.purpose,
            reference="KS-OLDSTORE01",
            outcome="accepted",
        )
        db.session.add(disclosure)
        db.session.flush()
        db.session.add(
            StoreConnection(
                user_id=seller["id"],
                third_party_id=party.id,
                store_url="https://old.example.my",
                disclosure_id=disclosure.id,
            )
        )
        db.session.commit()
    page = browser.get("/integrations/woocommerce")
    assert "Please connect it again with a key from your store" in page.text
    assert page.doc.get_element_by_id("store_url").value == "https://old.example.my"
    page = browser.submit(page, "/integrations/woocommerce/disconnect")
    assert "Your store is no longer connected." in page.text
    assert store.calls == []  # without keys, nothing can reach the store


def test_another_seller_never_sees_the_store(app, store, browser, site, shop):
    _connected(browser, shop)
    with app.app_context():
        make_seller("other@example.com", full_name="Other Seller")
    other = Browser(site)
    other.log_in("other@example.com")
    page = other.get("/integrations/woocommerce").text
    assert shop not in page and "ck_…" not in page
    token = other.get("/integrations/woocommerce").form("/integrations/woocommerce")
    other.open("/integrations/woocommerce/disconnect", {"csrf_token": token.fields["csrf_token"]})
    assert store.calls_to("DELETE") == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StoreConnection)) == 1

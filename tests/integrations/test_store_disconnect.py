"""Disconnecting a store asks it to delete the customer record the portal made, records that
message as a cancellation of the connection, and deletes the keys; a store that cannot be
reached does not keep the seller connected. An erasure request deletes the record with the
keys it is given; a correction updates it."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from portal.clock import utcnow
from portal.extensions import db
from portal.integrations import messages
from portal.integrations.models import StoreConnection
from portal.sharing import erasure_requests
from portal.sharing.connectors import CORRECTION, Credentials, Message, Unsupported
from portal.sharing.models import Disclosure, ThirdParty
from portal.sharing.parties import connector_for
from tests.contracts.server import Reply, json_paths
from tests.contracts.woocommerce import serve_woocommerce, store_url, unavailable
from tests.integrations.conftest import KEY, SECRET, Browser, connect

CONFIRM = "/integrations/woocommerce/confirm"
DISCONNECT = "/integrations/woocommerce/disconnect"


def _connect(browser, shop):
    page = browser.submit(connect(browser, shop), CONFIRM)
    assert "Your store is connected." in page.shown
    return page


def _woocommerce():
    return db.session.scalar(select(ThirdParty).where(ThirdParty.slug == "woocommerce"))


def test_disconnecting_deletes_the_record_and_the_keys_and_is_recorded(app, store, browser, shop):
    page = _connect(browser, shop)
    page = browser.submit(page, DISCONNECT)
    assert "the customer record we made there is deleted, and so are its keys" in page.shown

    (deleted,) = store.calls_to("DELETE")
    assert deleted.path == "/customers/25" and deleted.query == {"force": ["true"]}
    assert deleted.body is None
    assert store.state["customers"] == {}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StoreConnection)) == 0
        connected, cancelled = db.session.scalars(select(Disclosure).order_by(Disclosure.id))
        assert cancelled.cancels_reference == connected.reference
        assert cancelled.categories == [] and cancelled.partner_reference == "25"
    where = browser.get("/account/disclosures").shown
    assert f"None: a cancellation of {connected.reference}, quoting only that reference" in where
    assert connected.reference in where and cancelled.reference in where


@pytest.mark.parametrize("language", ["en", "ms"])
def test_a_store_that_cannot_be_reached_still_lets_the_seller_go(
    app, store, site, seller, shop, language
):
    browser = Browser(site, language)
    browser.log_in()
    page = browser.submit(connect(browser, shop), CONFIRM)
    store.fail_next(unavailable(), unavailable(), unavailable())
    page = browser.submit(page, DISCONNECT)
    with app.test_request_context(), force_locale(language):
        expected = str(messages.not_removed_message())
    assert expected in page.shown
    assert list(store.state["customers"]) == [25]  # still there: the seller was told so
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StoreConnection)) == 0
        assert db.session.scalar(select(func.count()).select_from(Disclosure)) == 1


def test_a_record_already_deleted_in_the_store_is_fine(app, store, browser, shop):
    page = _connect(browser, shop)
    store.state["customers"].clear()  # the seller deleted it in WooCommerce
    page = browser.submit(page, DISCONNECT)
    assert "the customer record we made there is deleted" in page.shown


def test_an_erasure_request_deletes_the_customer_record(app, store, browser, shop):
    _connect(browser, shop)
    with app.app_context():
        reference = db.session.scalar(select(Disclosure.reference))
        outcome = erasure_requests.ask_to_erase(
            _woocommerce().id,
            reference="KS-ERASURE001",
            references=[reference],
            partner_references=["25"],
            credentials=Credentials(shop, KEY, SECRET),
        ).outcome
    assert "25" in outcome
    assert store.state["customers"] == {}
    (deleted,) = store.calls_to("DELETE")
    assert deleted.path == "/customers/25" and deleted.query == {"force": ["true"]}


def test_without_keys_an_erasure_request_must_go_by_email(app, store):
    with app.app_context(), pytest.raises(Unsupported):
        erasure_requests.ask_to_erase(
            _woocommerce().id,
            reference="KS-ERASURE002",
            references=["KS-X"],
            partner_references=["25"],
        )
    assert store.calls == []


def test_a_correction_updates_only_the_corrected_field(app, store, browser, shop):
    _connect(browser, shop)
    with app.app_context(), app.test_request_context():
        receipt = connector_for(_woocommerce(), Credentials(shop, KEY, SECRET)).send(
            Message(
                kind=CORRECTION,
                reference="KS-CORRECT01",
                sent_at=utcnow(),
                purpose="correction",
                categories=("phone",),
                seller={"phone": "+60199998888"},
                partner_reference="25",
            )
        )
    assert receipt.reference == "25"
    (put,) = store.calls_to("PUT")
    assert json_paths(put.body) == {"$.billing.phone": "+60199998888"}
    assert store.state["customers"][25]["billing"]["phone"] == "+60199998888"


def test_a_record_made_by_a_try_whose_answer_was_lost_is_taken_not_made_twice(
    app, store, site, seller, shop
):
    """WooCommerce takes no idempotency key: the first try makes the record but its answer
    never arrives; the second is told the address is taken, and finds our own record by the
    reference it carries."""
    create = store.routes[("POST", "/customers")]
    lost = []

    def answer_lost_once(api, call):
        reply = create(api, call)
        if not lost:
            lost.append(call)
            return Reply(reply.status, reply.body, reply.headers, delay=1.5)
        return reply

    store.routes[("POST", "/customers")] = answer_lost_once
    browser = Browser(site)
    browser.log_in()
    page = browser.submit(connect(browser, shop), CONFIRM)
    assert "Your store is connected." in page.shown
    assert len(store.calls_to("POST")) == 2 and list(store.state["customers"]) == [25]
    with app.app_context():
        assert db.session.scalar(select(StoreConnection.customer_id)) == "25"


def test_an_address_taken_by_another_account_is_never_taken_over(app, store, site, seller, shop):
    store.state["customers"][7] = {
        "id": 7,
        "email": seller["email"],
        "role": "customer",
        "meta_data": [],
    }
    browser = Browser(site)
    browser.log_in()
    page = browser.submit(connect(browser, shop), CONFIRM)
    assert page.status == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StoreConnection)) == 0


@pytest.mark.parametrize("old_store_answers", [True, False], ids=["removed", "unreachable"])
def test_moving_to_another_store_removes_the_record_from_the_old_one(
    app, store, browser, shop, tmp_path, monkeypatch, old_store_answers
):
    page = _connect(browser, shop)
    # The second store serves the first one's certificate (two self-signed certificates of
    # one name in one CA file would not both verify): one CA file trusts both.
    certificate = (Path(store.ca_file), Path(store.ca_file).with_name("partner-key.pem"))
    monkeypatch.setattr("tests.contracts.server.make_certificate", lambda folder: certificate)
    new_key, new_secret = "ck_" + "d" * 40, "cs_" + "e" * 40
    with serve_woocommerce(tmp_path, key=new_key, secret=new_secret) as second:
        if not old_store_answers:
            store.fail_next(unavailable(), unavailable(), unavailable())
        check = connect(browser, store_url(second), new_key, new_secret)
        assert "WooCommerce will receive exactly this" in check.shown
        page = browser.submit(check, CONFIRM)
        assert "Your store is connected." in page.shown
        assert second.violations == [] and list(second.state["customers"]) == [25]
    with app.test_request_context():
        not_removed = str(messages.not_removed_message())
    assert (not_removed in page.shown) is not old_store_answers
    assert (store.state["customers"] == {}) is old_store_answers
    with app.app_context():
        connection = db.session.scalar(select(StoreConnection))
        assert connection.store_url == store_url(second)
        assert (connection.consumer_key, connection.customer_id) == (new_key, "25")
        records = db.session.scalars(select(Disclosure).order_by(Disclosure.id))
        cancels = [record.cancels_reference is not None for record in records]
        # Connected to the first store, then the second; then the first one's record removed.
        assert cancels == ([False, False, True] if old_store_answers else [False, False])

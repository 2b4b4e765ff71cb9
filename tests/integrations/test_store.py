"""Connect a WooCommerce store: shop name, contact email and phone, shown before they go."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.integrations.models import StoreConnection
from portal.sharing.models import Disclosure
from tests.partner import Reply

STORE = "https://shop.meilingbatik.my"


def _digest(html: str) -> str:
    return re.search(r'name="digest" value="([0-9a-f]{64})"', html).group(1)


@pytest.fixture
def logged_in(client, auth, ready_seller):
    auth.login()
    return ready_seller


def _connect(client, url=STORE):
    preview = client.post("/integrations/woocommerce", data={"store_url": url})
    assert preview.status_code == 200, preview.get_data(as_text=True)
    return client.post(
        "/integrations/woocommerce/confirm",
        data={"store_url": url, "digest": _digest(preview.get_data(as_text=True))},
    )


def test_checking_shows_shop_name_email_and_phone_only(client, logged_in, partner):
    page = client.post("/integrations/woocommerce", data={"store_url": STORE + "/"}).get_data(
        as_text=True
    )
    assert "WooCommerce will receive exactly this" in page
    for shown in ("Mei Ling Batik", "seller@example.com", "+60123456789"):
        assert shown in page
    assert "12 Jalan Bunga Raya" not in page and "Tan Mei Ling" not in page
    assert partner.received == []


def test_connecting_records_one_disclosure_and_shows_the_store(app, client, logged_in, partner):
    response = _connect(client)
    assert response.status_code == 302
    (sent,) = partner.received
    assert set(sent.body["seller"]) == {"shop_name", "email", "phone"}
    assert sent.body["request"] == {"type": "store_connection", "store_url": STORE}
    page = client.get("/integrations/woocommerce").get_data(as_text=True)
    assert STORE in page and "Disconnect this store" in page
    with app.app_context():
        (disclosure,) = db.session.scalars(select(Disclosure)).all()
        assert disclosure.categories == ["email", "name", "phone"]
        connection = db.session.get(StoreConnection, logged_in["id"])
        assert connection.disclosure_id == disclosure.id


def test_a_failed_connection_keeps_nothing_but_the_typed_address(app, client, logged_in, partner):
    partner.answer(Reply(500), Reply(502), Reply(504))
    response = _connect(client)
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "We could not reach WooCommerce" in page
    assert f'value="{STORE}"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Disclosure)) == 0
        assert db.session.get(StoreConnection, logged_in["id"]) is None


@pytest.mark.parametrize(
    "url", ["http://shop.example.my", "shop.example.my", "https://user:pw@shop.example.my", ""]
)
def test_a_store_address_must_be_https(client, logged_in, partner, url):
    response = client.post("/integrations/woocommerce", data={"store_url": url})
    assert response.status_code == 400
    assert partner.received == []


def test_disconnecting_removes_the_link_but_not_the_record(app, client, logged_in, partner):
    _connect(client)
    response = client.post("/integrations/woocommerce/disconnect")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(StoreConnection, logged_in["id"]) is None
        # What was sent stays on record: it did happen.
        assert db.session.scalar(select(func.count()).select_from(Disclosure)) == 1

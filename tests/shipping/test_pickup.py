"""Arrange a pickup: the seller reads exactly what the courier gets before anything is sent;
a confirmed pickup is one transfer and one disclosure; a failure books and records nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.auth.models import AccountStatus, User
from portal.clock import local_today
from portal.extensions import db
from portal.sharing.models import Disclosure
from portal.shipping.models import Pickup
from tests.partner import Reply
from tests.sharing.conftest import tomorrow
from tests.support import make_staff, put_in_state


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _form(app, **overrides) -> dict:
    return {"courier": "dhl", "pickup_date": tomorrow(app), "parcel_size": "small", **overrides}


def _digest(html: str) -> str:
    return re.search(r'name="digest" value="([0-9a-f]{64})"', html).group(1)


@pytest.fixture
def logged_in(client, auth, ready_seller):
    auth.login()
    return ready_seller


def test_the_page_offers_the_registered_couriers(client, logged_in):
    page = client.get("/shipping/pickup").get_data(as_text=True)
    assert "Arrange a pickup" in page
    for label in ("Courier", "Pickup date", "Parcel size", "Sendparcel", "DHL"):
        assert label in page
    assert "WooCommerce" not in page


def test_checking_shows_exactly_what_will_be_shared_and_sends_nothing(
    app, client, logged_in, partner
):
    response = client.post("/shipping/pickup", data=_form(app))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "DHL will receive exactly this" in page
    for shown in ("Tan Mei Ling", "+60123456789", "12 Jalan Bunga Raya", "40000 Shah Alam"):
        assert shown in page
    assert "seller@example.com" not in page  # the email is not part of a pickup
    assert "Confirm and share with DHL" in page
    assert partner.received == []
    with app.app_context():
        assert _count(Disclosure) == 0


def test_confirming_books_the_pickup_and_records_one_disclosure(app, client, logged_in, partner):
    preview = client.post("/shipping/pickup", data=_form(app)).get_data(as_text=True)
    response = client.post(
        "/shipping/pickup/confirm", data={**_form(app), "digest": _digest(preview)}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/shipping/pickup"
    page = client.get("/shipping/pickup").get_data(as_text=True)
    with app.app_context():
        (disclosure,) = db.session.scalars(select(Disclosure)).all()
        (pickup,) = db.session.scalars(select(Pickup)).all()
        assert pickup.disclosure_id == disclosure.id
        assert pickup.user_id == logged_in["id"]
        assert pickup.pickup_date == local_today() + timedelta(days=1)
        assert disclosure.categories == ["address", "name", "phone"]
    assert f"Your reference is {disclosure.reference}" in page
    (sent,) = partner.received
    assert sent.body["request"] == {
        "type": "pickup",
        "pickup_date": tomorrow(app),
        "parcel_size": "small",
    }
    assert set(sent.body["seller"]) == {"name", "address", "phone"}


def test_a_courier_that_cannot_be_reached_books_nothing_and_says_so(
    app, client, logged_in, partner
):
    partner.answer(Reply(503), Reply(503), Reply(503))
    preview = client.post("/shipping/pickup", data=_form(app)).get_data(as_text=True)
    response = client.post(
        "/shipping/pickup/confirm",
        data={**_form(app, parcel_size="large"), "digest": _digest(preview)},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "We could not reach DHL, so nothing was shared and nothing was booked." in page
    # What the seller chose is still selected, ready to try again.
    assert re.search(r'value="large"[^>]*checked|checked[^>]*value="large"', page)
    assert re.search(r'value="dhl"[^>]*checked|checked[^>]*value="dhl"', page)
    with app.app_context():
        assert _count(Disclosure) == 0
        assert _count(Pickup) == 0


def test_details_changed_after_checking_are_shown_again_before_anything_is_sent(
    app, client, logged_in, partner
):
    preview = client.post("/shipping/pickup", data=_form(app)).get_data(as_text=True)
    with app.app_context():
        db.session.get(User, logged_in["id"]).phone_e164 = "+60127777777"
        db.session.commit()
    response = client.post(
        "/shipping/pickup/confirm", data={**_form(app), "digest": _digest(preview)}
    )
    page = response.get_data(as_text=True)
    assert "Your details changed since you checked them." in page
    assert "+60127777777" in page and "Confirm and share with DHL" in page
    assert partner.received == []
    with app.app_context():
        assert _count(Disclosure) == 0


def test_a_confirmation_without_the_checked_fingerprint_sends_nothing(
    app, client, logged_in, partner
):
    response = client.post("/shipping/pickup/confirm", data=_form(app))
    assert "Check what will be shared" in response.get_data(as_text=True)
    assert partner.received == []


def test_without_an_address_the_seller_is_sent_to_add_it(app, client, seller, auth, partner):
    auth.login()
    response = client.post("/shipping/pickup", data=_form(app))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "First add these details to your profile" in page
    assert 'href="/profile#address"' in page
    assert partner.received == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pickup_date": "2001-01-01"}, "Choose a day from tomorrow up to 14 days ahead."),
        ({"pickup_date": ""}, "Choose the day the courier should come."),
        ({"courier": "woocommerce"}, "Not a valid choice"),
        ({"courier": ""}, "Choose a courier."),
        ({"parcel_size": "huge"}, "Not a valid choice"),
    ],
)
def test_bad_choices_are_explained_and_nothing_is_sent(
    app, client, logged_in, partner, change, message
):
    for url in ("/shipping/pickup", "/shipping/pickup/confirm"):
        response = client.post(url, data=_form(app, **change))
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert partner.received == []


def test_a_frozen_account_shares_nothing(app, client, logged_in, partner):
    preview = client.post("/shipping/pickup", data=_form(app)).get_data(as_text=True)
    with app.app_context():
        put_in_state(logged_in["id"], AccountStatus.FROZEN)
    assert "Sharing with our partners is paused" in client.get("/shipping/pickup").get_data(
        as_text=True
    )
    response = client.post(
        "/shipping/pickup/confirm", data={**_form(app), "digest": _digest(preview)}
    )
    assert response.status_code == 503
    assert partner.received == []
    with app.app_context():
        assert _count(Disclosure) == 0


def test_a_seller_sees_only_their_own_pickups(app, client, auth, ready_seller, other_seller):
    from tests.sharing.conftest import give_address

    with app.app_context():
        give_address(other_seller["id"])
    auth.login(other_seller["email"], other_seller["password"])
    preview = client.post("/shipping/pickup", data=_form(app)).get_data(as_text=True)
    client.post("/shipping/pickup/confirm", data={**_form(app), "digest": _digest(preview)})
    with app.app_context():
        reference = db.session.scalar(select(Disclosure.reference))
    assert reference in client.get("/shipping/pickup").get_data(as_text=True)
    auth.logout()
    auth.login()
    assert reference not in client.get("/shipping/pickup").get_data(as_text=True)
    assert reference not in client.get("/account/disclosures").get_data(as_text=True)


SELLER_ROUTES = [
    ("GET", "/shipping/pickup"),
    ("POST", "/shipping/pickup"),
    ("POST", "/shipping/pickup/confirm"),
    ("GET", "/integrations/woocommerce"),
    ("POST", "/integrations/woocommerce"),
    ("POST", "/integrations/woocommerce/confirm"),
    ("POST", "/integrations/woocommerce/disconnect"),
    ("GET", "/account/disclosures"),
]


def test_visitors_are_asked_to_log_in_and_staff_are_not_served(app, client, auth):
    for method, url in SELLER_ROUTES:
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/auth/login"), (method, url)
    with app.app_context():
        make_staff("admin@example.com", "admin")
    auth.login("admin@example.com")
    for method, url in SELLER_ROUTES:
        assert client.open(url, method=method).status_code == 404, (method, url)


def test_the_page_says_what_is_missing_before_offering_a_form(app, client, seller, auth):
    auth.login()
    page = client.get("/shipping/pickup").get_data(as_text=True)
    assert "What a pickup needs" in page
    assert "Missing" in page and 'href="/profile#address"' in page
    assert 'name="pickup_date"' not in page
    assert "You can book a pickup once everything above is ready." in page


def test_a_frozen_account_is_shown_paused_and_offered_no_form(app, client, logged_in):
    with app.app_context():
        put_in_state(logged_in["id"], AccountStatus.FROZEN)
    page = client.get("/shipping/pickup").get_data(as_text=True)
    assert "Paused" in page
    assert 'name="pickup_date"' not in page

"""A booked pickup is confirmed by email, in the seller's language, and can be cancelled
before its day: the courier is told through the sharing door (a real HTTPS partner on
loopback), the message is a recorded disclosure without seller data, and the seller is
emailed. On or after the day it cannot be; another seller's pickup is a 404."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.auth.models import User
from portal.clock import local_today
from portal.extensions import db
from portal.sharing.models import Disclosure
from portal.shipping.models import Pickup
from tests.partner import Reply
from tests.sharing.conftest import give_address, tomorrow
from tests.support import body_html, body_text


def _book(app, client, **overrides) -> Pickup:
    form = {"courier": "dhl", "pickup_date": tomorrow(app), "parcel_size": "medium", **overrides}
    preview = client.post("/shipping/pickup", data=form).get_data(as_text=True)
    digest = re.search(r'name="digest" value="([0-9a-f]{64})"', preview).group(1)
    response = client.post("/shipping/pickup/confirm", data={**form, "digest": digest})
    assert response.status_code == 302
    with app.app_context():
        return db.session.scalars(select(Pickup).order_by(Pickup.id.desc())).first()


@pytest.fixture
def logged_in(client, auth, ready_seller):
    auth.login()
    return ready_seller


def test_booking_emails_the_seller_with_the_day_and_reference(
    app, client, logged_in, partner, mailbox
):
    pickup = _book(app, client)
    reference = partner.received[0].body["reference"]
    message = mailbox.last(logged_in["email"])
    assert message["Subject"] == "Your pickup is booked"
    with app.app_context():
        from portal import formatting
        from portal.links import public_url

        day = formatting.day(pickup.pickup_date, weekday=True)
        link = public_url("shipping.pickup")
    for body in (body_text(message), body_html(message)):
        assert f"DHL will collect your parcel on {day}" in body
        assert reference in body
        assert link.startswith("http") and link in body


def test_the_booking_email_speaks_malay_to_a_malay_seller(app, client, logged_in, mailbox):
    with app.app_context():
        db.session.get(User, logged_in["id"]).locale = "ms"
        db.session.commit()
    _book(app, client)
    message = mailbox.last(logged_in["email"])
    assert message["Subject"] == "Pengambilan anda telah ditempah"
    assert "akan mengambil bungkusan anda pada" in body_text(message)


def test_cancelling_tells_the_courier_through_the_door_and_records_it(
    app, client, logged_in, partner, mailbox
):
    pickup = _book(app, client)
    booking_reference = partner.received[0].body["reference"]
    page = client.get("/shipping/pickup").get_data(as_text=True)
    assert f'href="/shipping/pickups/{pickup.id}/cancel"' in page

    confirm = client.get(f"/shipping/pickups/{pickup.id}/cancel").get_data(as_text=True)
    assert "Cancel this pickup?" in confirm
    assert 'class="button button--danger"' in confirm
    assert len(partner.received) == 1  # asking is not doing

    response = client.post(f"/shipping/pickups/{pickup.id}/cancel")
    assert response.status_code == 302
    assert len(partner.received) == 2
    sent = partner.received[1]
    assert sent.body["cancels"] == booking_reference
    assert sent.body["seller"] == {} and sent.body["categories"] == []
    assert sent.body["request"]["type"] == "pickup_cancellation"
    assert sent.headers["authorization"] == "Bearer dhl-test-token"
    assert sent.headers["idempotency-key"] == sent.body["reference"]
    with app.app_context():
        stored = db.session.get(Pickup, pickup.id)
        assert stored.status == "cancelled"
        assert stored.cancellation.reference == sent.body["reference"]
        assert stored.cancellation.cancels_reference == booking_reference
        assert stored.cancellation.categories == []

    where = client.get("/account/disclosures").get_data(as_text=True)
    assert sent.body["reference"] in where
    assert f"a cancellation of {booking_reference}" in where
    page = client.get("/shipping/pickup").get_data(as_text=True)
    assert "Cancelled" in page
    assert f'href="/shipping/pickups/{pickup.id}/cancel"' not in page
    message = mailbox.last(logged_in["email"])
    assert message["Subject"] == "Your pickup is cancelled"
    assert booking_reference in body_text(message) and booking_reference in body_html(message)


def test_a_second_cancellation_sends_nothing_more(app, client, logged_in, partner):
    pickup = _book(app, client)
    client.post(f"/shipping/pickups/{pickup.id}/cancel")
    response = client.post(f"/shipping/pickups/{pickup.id}/cancel")
    assert response.status_code == 409
    assert "already cancelled" in response.get_data(as_text=True)
    assert len(partner.received) == 2


@pytest.mark.parametrize("days_after", [0, 1])
def test_on_or_after_its_day_a_pickup_cannot_be_cancelled(
    app, client, logged_in, partner, days_after
):
    from datetime import timedelta

    pickup = _book(app, client)
    with app.app_context():
        db.session.get(Pickup, pickup.id).pickup_date = local_today() - timedelta(days=days_after)
        db.session.commit()
    assert f"/shipping/pickups/{pickup.id}/cancel" not in client.get("/shipping/pickup").get_data(
        as_text=True
    )
    page = client.get(f"/shipping/pickups/{pickup.id}/cancel").get_data(as_text=True)
    assert "can be cancelled only before its day" in page
    assert "button--danger" not in page
    response = client.post(f"/shipping/pickups/{pickup.id}/cancel")
    assert response.status_code == 409
    assert "can be cancelled only before its day" in response.get_data(as_text=True)
    assert len(partner.received) == 1
    with app.app_context():
        assert db.session.get(Pickup, pickup.id).status == "booked"


def test_a_courier_that_cannot_be_reached_leaves_the_pickup_booked(app, client, logged_in, partner):
    pickup = _book(app, client)
    partner.answer(Reply(503), Reply(503), Reply(503))
    response = client.post(f"/shipping/pickups/{pickup.id}/cancel")
    assert response.status_code == 503
    assert "so your pickup is not cancelled yet" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Pickup, pickup.id).status == "booked"
        assert len(db.session.scalars(select(Disclosure)).all()) == 1


def test_another_sellers_pickup_is_not_found(app, client, auth, logged_in, other_seller, partner):
    pickup = _book(app, client)
    auth.logout()
    with app.app_context():
        give_address(other_seller["id"])
    auth.login(other_seller["email"], other_seller["password"])
    assert client.get(f"/shipping/pickups/{pickup.id}/cancel").status_code == 404
    assert client.post(f"/shipping/pickups/{pickup.id}/cancel").status_code == 404
    assert client.get("/shipping/pickups/999999/cancel").status_code == 404
    assert len(partner.received) == 1
    with app.app_context():
        assert db.session.get(Pickup, pickup.id).status == "booked"


def test_visitors_are_sent_to_log_in(client):
    for method in ("GET", "POST"):
        response = client.open("/shipping/pickups/1/cancel", method=method)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/auth/login")

"""When DHL says no, or says nothing: its error documents become the door's words for the
seller, in English and in Malay; what may pass on a second try is tried again (429 with
Retry-After, 503); a time-out, refused keys or a final refusal book and record nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.auth.models import User
from portal.clock import local_today
from portal.extensions import db
from portal.shipping.models import Pickup
from tests.contracts import mydhl
from tests.parties.dhl.conftest import book, recorded

ENGLISH_AND_MALAY = {
    "date": (
        "DHL cannot collect on that date. Nothing was shared.",
        "DHL tidak dapat mengambil bungkusan pada tarikh itu.",
    ),
    "address": (
        "DHL did not accept your address. Nothing was shared.",
        "DHL tidak menerima alamat anda.",
    ),
    "phone": (
        "DHL did not accept your phone number. Nothing was shared.",
        "DHL tidak menerima nombor telefon anda.",
    ),
    "rejected": (
        "DHL did not accept the request, so nothing was shared.",
        "DHL tidak menerima permintaan itu, jadi tiada apa-apa yang dikongsi.",
    ),
    "credentials": (
        "DHL did not accept the keys it was given, so nothing was shared.",
        "DHL tidak menerima kunci yang diberikan, jadi tiada apa-apa yang dikongsi.",
    ),
    "busy": (
        "DHL is busy and asked us to wait, so nothing was shared.",
        "DHL sedang sibuk dan meminta kami menunggu, jadi tiada apa-apa yang dikongsi.",
    ),
    "unreachable": (
        "We could not reach DHL, so nothing was shared and nothing was booked.",
        "Kami tidak dapat menghubungi DHL, jadi tiada apa-apa yang dikongsi",
    ),
}

# DHL's error documents, as MyDHL words them (its field errors are "#/path: what is wrong").
DOCUMENTS = {
    "date": lambda: mydhl.refused("410928: The requested pickup date is a public holiday"),
    "address": lambda: mydhl.field_errors(
        "#/customerDetails/shipperDetails/postalAddress/cityName: expected maxLength: 45, actual: 49"
    ),
    "phone": lambda: mydhl.field_errors(
        "#/customerDetails/pickupDetails/contactInformation/phone: expected minLength: 1, actual: 0"
    ),
    "rejected": lambda: mydhl.refused(
        "8003: Account not allowed for this service. Please contact your DHL Express "
        "representative."
    ),
}


def _speaks(app, seller_id: int, locale: str) -> None:
    with app.app_context():
        db.session.get(User, seller_id).locale = locale
        db.session.commit()


@pytest.mark.parametrize("locale", ["en", "ms"])
@pytest.mark.parametrize("cause", sorted(DOCUMENTS))
def test_each_error_document_is_worded_for_the_seller(
    app, client, logged_in, dhl_api, cause, locale
):
    _speaks(app, logged_in["id"], locale)
    mydhl.script(dhl_api, DOCUMENTS[cause]())
    response = book(app, client)
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert ENGLISH_AND_MALAY[cause][locale == "ms"] in page
    assert len(dhl_api.calls_to("POST", "/pickups")) == 1  # a refusal is not tried again
    assert recorded(app) == (0, 0)


def test_a_day_more_than_ten_days_ahead_is_refused_by_dhl_itself(app, client, logged_in, dhl_api):
    with app.app_context():
        day = local_today() + timedelta(days=12)  # the portal offers 14 days, MyDHL takes 10
    response = book(app, client, day=day.isoformat())
    assert response.status_code == 503
    assert ENGLISH_AND_MALAY["date"][0] in response.get_data(as_text=True)
    assert recorded(app) == (0, 0)


def test_too_many_requests_is_waited_out_then_booked(app, client, logged_in, dhl_api):
    mydhl.script(dhl_api, mydhl.too_many(retry_after="1"))
    response = book(app, client)
    assert response.status_code == 302
    first, second = dhl_api.calls_to("POST", "/pickups")
    assert first.headers["message-reference"] == second.headers["message-reference"]
    assert first.body == second.body
    assert recorded(app) == (1, 1)


def test_a_party_that_asks_for_too_long_a_wait_is_busy(app, client, logged_in, dhl_api):
    mydhl.script(dhl_api, mydhl.too_many(retry_after="120"))
    response = book(app, client)
    assert ENGLISH_AND_MALAY["busy"][0] in response.get_data(as_text=True)
    assert recorded(app) == (0, 0)


def test_a_service_unavailable_is_tried_again_then_booked(app, client, logged_in, dhl_api):
    mydhl.script(dhl_api, mydhl.unavailable())
    assert book(app, client).status_code == 302
    assert len(dhl_api.calls_to("POST", "/pickups")) == 2
    assert recorded(app) == (1, 1)


@pytest.mark.parametrize("locale", ["en", "ms"])
def test_a_time_out_could_not_reach_dhl(app, client, logged_in, dhl_api, locale):
    _speaks(app, logged_in["id"], locale)
    app.config.update(SHARING_TIMEOUT=0.2)
    mydhl.script(dhl_api, *(mydhl.silent(0.5) for _ in range(app.config["SHARING_ATTEMPTS"])))
    response = book(app, client)
    assert response.status_code == 503
    assert ENGLISH_AND_MALAY["unreachable"][locale == "ms"] in response.get_data(as_text=True)
    assert len(dhl_api.calls_to("POST", "/pickups")) == app.config["SHARING_ATTEMPTS"]
    assert recorded(app) == (0, 0)


@pytest.mark.parametrize("locale", ["en", "ms"])
def test_refused_keys_say_so_and_record_nothing(app, client, logged_in, dhl_api, locale):
    _speaks(app, logged_in["id"], locale)
    app.config["SHARING_CREDENTIALS"] = {"dhl": {**mydhl.CREDENTIALS, "password": "not-it"}}
    response = book(app, client)
    assert response.status_code == 503
    assert ENGLISH_AND_MALAY["credentials"][locale == "ms"] in response.get_data(as_text=True)
    assert len(dhl_api.calls_to("POST", "/pickups")) == 1  # 401 is not tried again
    assert recorded(app) == (0, 0)


def test_an_address_longer_than_dhl_takes_is_not_sent(app, client, logged_in, dhl_api):
    from portal.profile.models import SellerProfile

    with app.app_context():
        profile = db.session.get(SellerProfile, logged_in["id"])
        profile.address_line1 = "Lot " + "1234 Jalan Panjang Sekali " * 7
        db.session.commit()
    response = book(app, client)
    assert ENGLISH_AND_MALAY["address"][0] in response.get_data(as_text=True)
    assert dhl_api.calls == []
    assert recorded(app) == (0, 0)


def test_a_booking_dhl_no_longer_knows_leaves_the_pickup_booked(app, client, logged_in, dhl_api):
    book(app, client)
    dhl_api.state["pickups"].clear()  # DHL lost or closed it meanwhile
    with app.app_context():
        pickup_id = db.session.scalars(select(Pickup.id)).one()
    response = client.post(f"/shipping/pickups/{pickup_id}/cancel")
    assert response.status_code == 503
    assert len(dhl_api.calls_to("DELETE")) == 1  # 404 is not tried again
    with app.app_context():
        assert db.session.get(Pickup, pickup_id).status == "booked"
    assert recorded(app) == (1, 1)

"""Booking a SendParcel pickup, as a seller does it (real HTTP, CSRF on), against Pos
Malaysia's API on loopback that checks every request against its documented schema: what the
courier receives is exactly the registered categories, its error documents reach the seller
in English and in Malay, it is waited for and tried again when it says so, and a failure
books and records nothing."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import func, select

from portal.auth.models import User
from portal.extensions import db
from portal.sharing.models import Disclosure, ThirdParty
from portal.shipping.models import Pickup
from tests.contracts.sendparcel import (
    BOOK,
    TOKEN,
    error,
    script,
    silence,
    too_many,
    unavailable,
)
from tests.contracts.server import Reply, json_paths
from tests.parties.sendparcel.conftest import (
    ADDRESS,
    PROFILE,
    book,
    flash_text,
    in_days,
    log_in,
    personal_values,
)

# The JSON paths of the booking that hold the seller's personal data, by category.
PERSONAL_PATHS = {
    "$.sender.name": "name",
    "$.sender.phone_number": "phone",
    "$.sender.address.address1": "address",
    "$.sender.address.address2": "address",
    "$.sender.address.city": "address",
    "$.sender.address.state": "address",
    "$.sender.address.postcode": "address",
    "$.sender.address.country": "address",
}


def _recorded(app) -> tuple[int, int]:
    with app.app_context():
        count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
        return count(Pickup), count(Disclosure)


def test_the_booking_carries_exactly_the_registered_categories(
    app, site, full_seller, sendparcel_api
):
    day = in_days(app, 2)
    status, page = book(log_in(site), day, size="medium")
    assert status == 302
    [call] = sendparcel_api.calls_to("POST", BOOK)
    paths = json_paths(call.body)

    # The paths that hold personal data, and nothing under the sender besides them.
    assert {path for path in paths if path.startswith("$.sender")} == set(PERSONAL_PATHS)
    with app.app_context():
        registered = set(
            db.session.scalar(select(ThirdParty).filter_by(slug="sendparcel")).categories
        )
    assert set(PERSONAL_PATHS.values()) == registered
    assert paths["$.sender.name"] == PROFILE["full_name"]
    assert paths["$.sender.phone_number"] == PROFILE["phone_e164"]
    assert paths["$.sender.address.address1"] == ADDRESS["address_line1"]
    assert paths["$.sender.address.address2"] == ADDRESS["address_line2"]
    assert paths["$.sender.address.state"] == "Selangor"  # MY-10, as Pos names it
    assert (paths["$.sender.address.postcode"], paths["$.sender.address.country"]) == (
        "40400",
        "MY",
    )

    # No personal value of the seller anywhere else: not the email, the date of birth, the
    # shop name or the bank account, not in another field, not in a header.
    elsewhere = {path: value for path, value in paths.items() if path not in PERSONAL_PATHS}
    for value in personal_values():
        assert not [path for path, found in elsewhere.items() if value in str(found)], value
        assert value not in json.dumps(dict(call.headers))
    assert paths["$.pickup.date"] == day.isoformat()
    assert (paths["$.parcel_details[0].weight"], paths["$.parcel_details[0].item_count"]) == (
        10.0,
        1,
    )

    # Booked: the pickup number is the party's reference of the recorded transfer.
    number = next(iter(sendparcel_api.state["pickups"]))
    with app.app_context():
        disclosure = db.session.scalar(select(Disclosure))
        assert disclosure.partner_reference == number
        assert sorted(disclosure.categories) == sorted(registered)
        assert call.body["reference"]["merchant_reference_number"] == disclosure.reference
        assert db.session.scalar(select(Pickup)).status == "booked"
    assert "Sendparcel will collect your parcel on" in flash_text(page)
    assert disclosure.reference in page


def _closed_day(app, api, day):
    api.state["closed_dates"].add(day.isoformat())


def _unknown_postcode(app, api, day):
    api.state["unknown_postcodes"].add(ADDRESS["postcode"])


def _foreign_phone(app, api, day):
    with app.app_context():
        db.session.scalar(select(User)).phone_e164 = "+6581234567"
        db.session.commit()


def _other_refusal(app, api, day):
    script(
        api, BOOK, error(422, "Unprocessable Entity", "parcel_details[0].weight: over the contract")
    )


def _keys_refused(app, api, day):
    script(api, TOKEN, Reply(401, {"error": "invalid_client"}))


def _busy(app, api, day):
    script(api, BOOK, *[too_many(0)] * 3)


REFUSALS = {
    "date": (
        _closed_day,
        "Sendparcel cannot collect on that date. Nothing was shared. Please choose another day.",
        "Sendparcel tidak dapat mengambil bungkusan pada tarikh itu. Tiada apa-apa yang "
        "dikongsi. Sila pilih hari lain.",
    ),
    "address": (
        _unknown_postcode,
        "Sendparcel did not accept your address. Nothing was shared.",
        "Sendparcel tidak menerima alamat anda. Tiada apa-apa yang dikongsi.",
    ),
    "phone": (
        _foreign_phone,
        "Sendparcel did not accept your phone number. Nothing was shared.",
        "Sendparcel tidak menerima nombor telefon anda. Tiada apa-apa yang dikongsi.",
    ),
    "rejected": (
        _other_refusal,
        "Sendparcel did not accept the request, so nothing was shared.",
        "Sendparcel tidak menerima permintaan itu, jadi tiada apa-apa yang dikongsi.",
    ),
    "credentials": (
        _keys_refused,
        "Sendparcel did not accept the keys it was given, so nothing was shared.",
        "Sendparcel tidak menerima kunci yang diberikan, jadi tiada apa-apa yang dikongsi.",
    ),
    "busy": (
        _busy,
        "Sendparcel is busy and asked us to wait, so nothing was shared.",
        "Sendparcel sedang sibuk dan meminta kami menunggu, jadi tiada apa-apa yang dikongsi.",
    ),
}


@pytest.mark.parametrize("locale", ["en", "ms"])
@pytest.mark.parametrize("code", sorted(REFUSALS))
def test_each_error_document_becomes_the_sellers_message(
    app, site, full_seller, sendparcel_api, code, locale
):
    arrange, english, malay = REFUSALS[code]
    day = in_days(app, 3)
    arrange(app, sendparcel_api, day)
    with app.app_context():
        db.session.get(User, full_seller).locale = locale
        db.session.commit()
    status, page = book(log_in(site), day)
    assert status == 503
    assert (english if locale == "en" else malay) in flash_text(page)
    assert _recorded(app) == (0, 0)
    assert sendparcel_api.state["pickups"] == {}


def test_429_with_retry_after_is_waited_for_then_booked(app, site, full_seller, sendparcel_api):
    script(sendparcel_api, BOOK, too_many(1))
    person = log_in(site)
    started = time.monotonic()
    status, _ = book(person, in_days(app, 2))
    assert status == 302
    assert time.monotonic() - started >= 1.0  # the party's Retry-After, not our own delay
    assert len(sendparcel_api.calls_to("POST", BOOK)) == 2
    assert _recorded(app) == (1, 1)


def test_503_is_tried_again_then_booked(app, site, full_seller, sendparcel_api):
    script(sendparcel_api, BOOK, unavailable())
    status, _ = book(log_in(site), in_days(app, 2))
    assert status == 302
    assert len(sendparcel_api.calls_to("POST", BOOK)) == 2
    assert _recorded(app) == (1, 1)


def test_a_party_that_never_answers_books_and_records_nothing(
    app, site, full_seller, sendparcel_api
):
    script(sendparcel_api, BOOK, *[silence()] * 3)
    status, page = book(log_in(site), in_days(app, 2))
    assert status == 503
    assert "We could not reach Sendparcel, so nothing was shared" in flash_text(page)
    assert len(sendparcel_api.calls_to("POST", BOOK)) == 3
    assert _recorded(app) == (0, 0)


def test_a_token_the_api_no_longer_takes_is_replaced_once(app, site, full_seller, sendparcel_api):
    person = log_in(site)
    assert book(person, in_days(app, 2))[0] == 302
    sendparcel_api.state["tokens"].clear()  # Pos revoked it before its 24 hours
    assert book(person, in_days(app, 3))[0] == 302
    assert len(sendparcel_api.calls_to("POST", TOKEN)) == 2
    assert len(sendparcel_api.calls_to("POST", BOOK)) == 3  # refused once, then booked
    assert _recorded(app) == (2, 2)


def test_the_token_request_is_form_encoded_and_one_serves_many_bookings(
    app, site, full_seller, sendparcel_api
):
    person = log_in(site)
    for days in (2, 3):
        assert book(person, in_days(app, days))[0] == 302
    [token] = sendparcel_api.calls_to("POST", TOKEN)
    assert token.headers["content-type"] == "application/x-www-form-urlencoded"
    assert token.body["grant_type"] == "client_credentials"
    issued = next(iter(sendparcel_api.state["tokens"]))
    for call in sendparcel_api.calls_to("POST", BOOK):
        assert call.headers["authorization"] == f"Bearer {issued}"

"""DHL Express through the MyDHL API, as a seller meets it: a pickup booked through the
pickup pages reaches a server that checks every request against MyDHL's published OpenAPI
document, carries exactly the registry's categories for DHL, and is cancelled from the
seller's pickups list (recorded, shown, emailed)."""

from __future__ import annotations

import base64
import uuid
from datetime import timedelta

from sqlalchemy import select

from portal.clock import local_today
from portal.extensions import db
from portal.sharing import services as sharing
from portal.sharing.models import Disclosure
from portal.sharing.parties import mydhl as connector
from portal.shipping.models import Pickup
from tests.contracts import mydhl
from tests.contracts.server import json_paths
from tests.parties.dhl.conftest import SELLER, book
from tests.support import body_html, body_text

# Where the seller's data sits in a MyDHL pickup request, and the category each one is.
PARTY = {
    "postalAddress.postalCode": "address",
    "postalAddress.cityName": "address",
    "postalAddress.countryCode": "address",
    "postalAddress.provinceCode": "address",
    "postalAddress.addressLine1": "address",
    "contactInformation.phone": "phone",
    "contactInformation.companyName": "name",  # required by MyDHL: the seller's own name
    "contactInformation.fullName": "name",
}
PERSONAL_PATHS = {
    f"$.customerDetails.{party}.{leaf}": category
    for party in ("shipperDetails", "pickupDetails")
    for leaf, category in PARTY.items()
}


def _personal_values() -> set[str]:
    """Everything of the seller's, as stored or as it could be sent."""
    values = {value for name, value in SELLER.items() if name not in ("country", "state")}
    values.add(f"{SELLER['line1']} {SELLER['line2']}")
    return values


def _pickup_call(api):
    (call,) = api.calls_to("POST", "/pickups")
    return call


def test_the_request_carries_exactly_the_registered_categories(app, client, logged_in, dhl_api):
    response = book(app, client, size="small")
    assert response.status_code == 302
    body = _pickup_call(dhl_api).body
    paths = json_paths(body)

    assert set(PERSONAL_PATHS) <= set(paths)
    with app.app_context():
        registered = set(sharing.party_by_slug("dhl").categories)
        disclosure = db.session.scalars(select(Disclosure)).one()
        assert set(disclosure.categories) == registered
    assert set(PERSONAL_PATHS.values()) == registered == {"name", "address", "phone"}

    # The values at those paths are the seller's, and nothing of theirs is anywhere else.
    shipper = body["customerDetails"]["shipperDetails"]
    assert shipper["contactInformation"] == {
        "phone": SELLER["phone_e164"],
        "companyName": SELLER["full_name"],
        "fullName": SELLER["full_name"],
    }
    assert shipper["postalAddress"] == {
        "postalCode": "01000",
        "cityName": SELLER["city"],
        "countryCode": "MY",
        "provinceCode": "MY-09",
        "addressLine1": f"{SELLER['line1']} {SELLER['line2']}",
    }
    assert body["customerDetails"]["pickupDetails"] == shipper
    for path, value in paths.items():
        if path in PERSONAL_PATHS:
            continue
        for personal in _personal_values():
            assert personal not in str(value), f"{path} holds the seller's {personal!r}"
    text = str(body)
    for absent in ("email", "date_of_birth", "shop_name", "bank_number"):
        assert SELLER[absent] not in text

    # What the seller chose, and the rest as DHL needs it.
    with app.app_context():
        day = local_today() + timedelta(days=1)
    assert body["plannedPickupDateAndTime"] == f"{day.isoformat()}T10:00:00GMT+08:00"
    assert body["accounts"] == [{"typeCode": "shipper", "number": mydhl.ACCOUNT}]
    (shipment,) = body["shipmentDetails"]
    assert shipment["productCode"] == "N" and shipment["isCustomsDeclarable"] is False
    assert shipment["packages"] == [connector.PACKAGES["small"]]


def test_headers_say_who_asks_and_which_message(app, client, logged_in, dhl_api):
    book(app, client)
    call = _pickup_call(dhl_api)
    token = base64.b64encode(f"{mydhl.USERNAME}:{mydhl.PASSWORD}".encode()).decode()
    assert call.headers["authorization"] == f"Basic {token}"
    assert call.headers["x-version"] == "3.3.1"
    with app.app_context():
        disclosure = db.session.scalars(select(Disclosure)).one()
    reference = call.headers["message-reference"]
    assert reference == str(uuid.uuid5(connector._REFERENCES, disclosure.reference))
    assert len(reference) == 36
    assert call.headers["message-reference-date"].endswith(" GMT")


def test_the_dispatch_confirmation_number_is_the_receipt(app, client, logged_in, dhl_api):
    book(app, client)
    (number,) = dhl_api.state["pickups"]
    with app.app_context():
        pickup = db.session.scalars(select(Pickup)).one()
        assert pickup.disclosure.partner_reference == number
        assert number in pickup.disclosure.outcome
    page = client.get("/shipping/pickup").get_data(as_text=True)
    assert pickup.disclosure.reference in page


def test_cancelling_from_the_pickups_list_deletes_the_dhl_booking(
    app, client, logged_in, dhl_api, mailbox
):
    book(app, client)
    (number,) = dhl_api.state["pickups"]
    with app.app_context():
        pickup = db.session.scalars(select(Pickup)).one()
        booking = pickup.disclosure.reference
    page = client.get("/shipping/pickup").get_data(as_text=True)
    assert f'href="/shipping/pickups/{pickup.id}/cancel"' in page

    response = client.post(f"/shipping/pickups/{pickup.id}/cancel")
    assert response.status_code == 302
    (call,) = dhl_api.calls_to("DELETE")
    assert call.path == f"/pickups/{number}"
    assert call.query == {"requestorName": ["Koopseri"], "reason": ["seller cancelled"]}
    assert call.body is None
    assert dhl_api.state["pickups"][number]["status"] == "cancelled"
    with app.app_context():
        stored = db.session.get(Pickup, pickup.id)
        assert stored.status == "cancelled"
        assert stored.cancellation.cancels_reference == booking
        assert stored.cancellation.categories == []
        cancellation = stored.cancellation.reference
    assert call.headers["message-reference"] == str(uuid.uuid5(connector._REFERENCES, cancellation))

    where = client.get("/account/disclosures").get_data(as_text=True)
    assert booking in where and cancellation in where
    assert f"a cancellation of {booking}" in where
    message = mailbox.last(logged_in["email"])
    assert message["Subject"] == "Your pickup is cancelled"
    assert booking in body_text(message) and booking in body_html(message)

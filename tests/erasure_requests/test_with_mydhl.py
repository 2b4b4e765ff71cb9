"""An erasure request through a party's real connector: a seller with a DHL pickup booked
through the MyDHL API (the schema-validating loopback server, tests/contracts/mydhl.py) is
erased; the request cancels the pickup through the API, and since DHL keeps its records, the
rest is asked of DHL's privacy contact by one email, over SMTP, naming references only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.clock import local_today
from portal.extensions import db
from portal.sharing import services as sharing
from portal.shipping import services as shipping
from tests.contracts import mydhl
from tests.contracts.server import serve_api
from tests.erasure_requests.conftest import erase, raw_rows, requests_by_party, send, set_party
from tests.sharing.conftest import give_address
from tests.support import body_text, make_seller

PERSONAL = ["Siti Hajar binti Osman", "siti.hajar@example.com", "+60172233445", "172233445"]
PERSONAL += ["Hajar Tenun", "21 Jalan Kenanga", "Kuala Terengganu", "20000"]


@pytest.fixture
def dhl_api(tmp_path):
    with serve_api(tmp_path, mydhl.BASE_PATH, mydhl.routes()) as api:
        yield api
        assert api.violations == []


@pytest.fixture
def app(make_app, dhl_api, smtp_server):
    """DHL through its own connector, mail over SMTP to the loopback server."""
    return make_app(
        SHARING_ENDPOINTS={"dhl": dhl_api.url},
        SHARING_CREDENTIALS={"dhl": dict(mydhl.CREDENTIALS)},
        SHARING_CA_FILE=dhl_api.ca_file,
        SHARING_RETRY_DELAY=0.01,
        SHARING_TIMEOUT=1.0,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_server.port,
    )


def test_the_open_pickup_is_cancelled_and_dhl_is_emailed_the_rest(app, dhl_api, smtp_server):
    set_party(app, "dhl", privacy_email="privacy@dhl.example")
    with app.test_request_context():
        seller = make_seller(
            PERSONAL[1], full_name=PERSONAL[0], phone_e164=PERSONAL[2], locale="en"
        )
        give_address(
            seller.id,
            display_name="Hajar Tenun",
            address_line1="21 Jalan Kenanga",
            city="Kuala Terengganu",
            postcode="20000",
            state="MY-11",
        )
        pickup = shipping.book_pickup(
            seller, sharing.party_by_slug("dhl"), local_today() + timedelta(days=3), "small"
        )
        db.session.commit()
        seller_id, number = seller.id, pickup.disclosure.partner_reference
    smtp_server.handler.received.clear()  # the seller's own "pickup booked" email
    assert dhl_api.state["pickups"][number]["status"] != "cancelled"

    erase(app, seller_id)
    assert send(app) == 1

    assert dhl_api.state["pickups"][number]["status"] == "cancelled"
    assert [call.path for call in dhl_api.calls_to("DELETE")] == [f"/pickups/{number}"]
    request = requests_by_party(app)["dhl"]
    assert request.partner_refs == [number]
    assert (request.status, request.contact) == ("emailed", "privacy@dhl.example")
    assert "cancelled 1 open pickup" in request.outcome
    ((_, to, mail),) = smtp_server.handler.received
    assert to == ["privacy@dhl.example"]
    text = body_text(mail)
    assert number in text and f"ER-{request.id}" in text
    leaked = [value for value in PERSONAL if value.lower() in text.lower()]
    assert not leaked, leaked
    dumped = repr(raw_rows(app)).lower()
    assert not [value for value in PERSONAL if value.lower() in dumped]

"""Calling a SendParcel pickup off: from the seller's pickups list (real HTTP, CSRF on)
through Pos Malaysia's API, recorded and emailed; a pickup Pos no longer knows is said so in
the seller's language; an erasure cancels the open pickups and leaves the rest to Pos's
privacy contact. What the API has no request for is refused before anything is sent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.auth.models import User
from portal.clock import utcnow
from portal.extensions import db
from portal.sharing import connectors, parties
from portal.sharing.erasure_requests import ask_to_erase
from portal.sharing.models import Disclosure, ThirdParty
from portal.sharing.parties.sendparcel import SendParcel
from portal.shipping.models import Pickup
from tests.contracts.sendparcel import BOOK, CANCEL, KEYS, sendparcel_config
from tests.parties.sendparcel.conftest import EMAIL, book, flash_text, in_days, log_in
from tests.support import Mailbox, body_text, wait_for


def _cancel_link(page: str) -> str:
    return re.search(r'href="(/shipping/pickups/\d+/cancel)"', page).group(1)


def _booked(app, person, days: int = 2) -> tuple[str, str]:
    """Book a pickup; our reference and SendParcel's pickup number."""
    assert book(person, in_days(app, days))[0] == 302
    with app.app_context():
        disclosure = db.session.scalars(select(Disclosure).order_by(Disclosure.id.desc())).first()
        return disclosure.reference, disclosure.partner_reference


def _party(app) -> ThirdParty:
    return db.session.scalar(select(ThirdParty).filter_by(slug="sendparcel"))


def test_cancelling_from_the_pickups_list_goes_through_the_api_and_is_recorded(
    app, site, full_seller, sendparcel_api
):
    person = log_in(site)
    reference, number = _booked(app, person)
    link = _cancel_link(person.get("/shipping/pickup")[1])
    _, confirm = person.get(link)
    assert sendparcel_api.calls_to("POST", CANCEL) == []  # asking is not doing
    status, _ = person.submit(confirm, link)
    assert status == 302

    [call] = sendparcel_api.calls_to("POST", CANCEL)
    assert call.body["pickup_number"] == number
    assert call.body["account_number"] == KEYS["account_number"]
    assert reference in call.body["remark"]  # ours, and nothing of the seller
    assert sendparcel_api.state["pickups"][number]["status"] == "cancelled"
    with app.app_context():
        pickup = db.session.scalar(select(Pickup))
        assert pickup.status == "cancelled"
        assert pickup.cancellation.cancels_reference == reference
        assert pickup.cancellation.partner_reference == number
        assert pickup.cancellation.categories == []
        cancellation = pickup.cancellation.reference

    where = flash_text(person.get("/account/disclosures")[1])
    assert cancellation in where and f"a cancellation of {reference}" in where
    mailbox = Mailbox(Path(app.instance_path) / "mail")
    assert wait_for(lambda: len(mailbox.messages(EMAIL)) == 2)
    message = mailbox.last(EMAIL)
    assert message["Subject"] == "Your pickup is cancelled"
    assert reference in body_text(message)


@pytest.mark.parametrize(
    ("locale", "says"),
    [
        (
            "en",
            "Sendparcel no longer knows this booking. It may already be cancelled or collected.",
        ),
        ("ms", "Sendparcel tidak lagi mempunyai tempahan ini."),
    ],
)
def test_a_pickup_pos_no_longer_knows_stays_booked_and_the_seller_is_told(
    app, site, full_seller, sendparcel_api, locale, says
):
    person = log_in(site)
    _, number = _booked(app, person)
    sendparcel_api.state["pickups"][number]["status"] = "collected"  # the courier came early
    with app.app_context():
        db.session.get(User, full_seller).locale = locale
        db.session.commit()
    link = _cancel_link(person.get("/shipping/pickup")[1])
    status, page = person.submit(person.get(link)[1], link)
    assert status == 503
    assert says in flash_text(page)
    with app.app_context():
        assert db.session.scalar(select(Pickup)).status == "booked"
        assert db.session.scalar(select(func.count()).select_from(Disclosure)) == 1


def test_an_erasure_cancels_the_open_pickups_and_leaves_the_rest_to_pos(
    app, site, full_seller, sendparcel_api
):
    person = log_in(site)
    first, open_one = _booked(app, person, days=2)
    second, closed_one = _booked(app, person, days=3)
    sendparcel_api.state["pickups"][closed_one]["status"] = "collected"
    with app.app_context():
        outcome = ask_to_erase(
            _party(app).id,
            reference="KS-ERASE00001",
            references=[first, second],
            partner_references=[open_one, closed_one, "PU99999999"],
        ).outcome
    assert outcome == "1 open pickups cancelled, 2 already closed"
    assert sendparcel_api.state["pickups"][open_one]["status"] == "cancelled"
    sent = sendparcel_api.calls_to("POST", CANCEL)
    assert [call.body["pickup_number"] for call in sent] == [open_one, closed_one, "PU99999999"]
    assert all(set(call.body) == {"account_number", "pickup_number", "remark"} for call in sent)
    assert all("KS-ERASE00001" in call.body["remark"] for call in sent)


def _message(kind: str, **fields) -> connectors.Message:
    return connectors.Message(
        kind=kind, reference="KS-TEST000001", sent_at=utcnow(), purpose="", **fields
    )


def test_the_erasure_receipt_says_pos_still_holds_records(app, sendparcel_api):
    with app.app_context():
        connector = parties.connector_for(_party(app))
        assert isinstance(connector, SendParcel)
        receipt = connector.send(_message(connectors.ERASURE, partner_references=()))
    assert receipt.erased is False
    assert sendparcel_api.calls == []  # nothing open: nothing to ask the API


@pytest.mark.parametrize(
    "kind",
    [connectors.CORRECTION, connectors.PORTABILITY, connectors.STORE_CONNECTION, ""],
)
def test_what_the_api_has_no_request_for_is_unsupported(app, sendparcel_api, kind):
    with app.app_context(), pytest.raises(connectors.Unsupported):
        parties.connector_for(_party(app)).send(_message(kind, seller={"name": "X"}))
    assert sendparcel_api.calls == []


def test_an_address_outside_malaysia_is_refused_before_anything_is_sent(app, sendparcel_api):
    seller = {
        "name": "Lim Wei Jie",
        "phone": "+6591234567",
        "address": {"line1": "1 Orchard Road", "line2": "", "city": "Singapore"}
        | {"postcode": "238823", "state": "Central", "country": "SG"},
    }
    message = _message(
        connectors.PICKUP,
        seller=seller,
        details={"pickup_date": "2030-01-07", "parcel_size": "small"},
    )
    with app.app_context(), pytest.raises(connectors.Refused) as refused:
        parties.connector_for(_party(app)).send(message)
    assert refused.value.code == "address"
    assert sendparcel_api.calls == []


def test_a_cancellation_without_a_pickup_number_is_not_found(app, sendparcel_api):
    with app.app_context(), pytest.raises(connectors.Refused) as refused:
        parties.connector_for(_party(app)).send(_message(connectors.PICKUP_CANCELLATION))
    assert refused.value.code == "not_found"


def test_without_an_endpoint_development_writes_to_the_folder_and_production_refuses(
    make_app, sendparcel_api
):
    config = sendparcel_config(sendparcel_api)
    app = make_app(**{**config, "SHARING_ENDPOINTS": {}})
    with app.app_context():
        assert isinstance(parties.connector_for(_party(app)), connectors.FolderConnector)
        app.testing, app.config["ENVIRONMENT"] = False, "production"
        with pytest.raises(connectors.NotConfigured):
            parties.connector_for(_party(app))


def test_missing_keys_are_named_without_their_values(make_app, sendparcel_api):
    config = sendparcel_config(sendparcel_api)
    keys = {name: value for name, value in KEYS.items() if name != "client_secret"}
    app = make_app(**{**config, "SHARING_CREDENTIALS": {"sendparcel": keys}})
    with app.app_context(), pytest.raises(connectors.NotConfigured) as missing:
        parties.connector_for(_party(app))
    assert "client_secret" in str(missing.value)
    assert not any(value in str(missing.value) for value in keys.values())


def test_the_contract_server_refuses_a_field_the_documentation_does_not_name(app, sendparcel_api):
    """The check is real: a booking with a field outside the schema is answered 400 and
    recorded, which fails the test that sent it."""
    from portal.sharing.parties.client import Client

    with app.app_context():
        client = Client(sendparcel_api.url)
        form = {"grant_type": "client_credentials"} | {
            k: KEYS[k] for k in ("client_id", "client_secret")
        }
        token = client.call("POST", "/oauth2/token", form=form).body["access_token"]
        answer = client.call(
            "POST",
            BOOK,
            json_body={"sender": {"date_of_birth": "1990-03-14"}},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert answer.status == 400
    assert any("date_of_birth" in problem for problem in sendparcel_api.violations)
    assert any("account_number" in problem for problem in sendparcel_api.violations)
    sendparcel_api.violations.clear()  # expected here; anywhere else they fail the test

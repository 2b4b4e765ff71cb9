"""What the MyDHL connector does besides booking and cancelling: an erasure request cancels
the open pickups through the API and says DHL still holds its records; what the API cannot
say is not said; without its API configured, DHL is not reached."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.clock import utcnow
from portal.extensions import db
from portal.sharing import connectors, parties
from portal.sharing import services as sharing
from portal.sharing.erasure_requests import ask_to_erase
from portal.shipping.models import Pickup
from tests.contracts import mydhl
from tests.parties.dhl.conftest import book


def _message(kind: str, **fields) -> connectors.Message:
    return connectors.Message(
        kind=kind, reference="KS-ERASE23456", sent_at=utcnow(), purpose="erasure", **fields
    )


def test_an_erasure_request_cancels_the_open_pickups(app, client, logged_in, dhl_api):
    book(app, client)
    (number,) = dhl_api.state["pickups"]
    with app.app_context():
        pickup = db.session.scalars(select(Pickup)).one()
        party = sharing.party_by_slug("dhl")
        outcome = ask_to_erase(
            party.id,
            reference="KS-ERASE23456",
            references=[pickup.disclosure.reference],
            partner_references=[number, "PRG991231000999"],
        ).outcome
    assert "cancelled 1 open pickup(s), 1 no longer open" in outcome
    assert dhl_api.state["pickups"][number]["status"] == "cancelled"
    deletes = dhl_api.calls_to("DELETE")
    assert [call.path for call in deletes] == [f"/pickups/{number}", "/pickups/PRG991231000999"]
    for call in deletes:
        assert call.query == {"requestorName": ["Koopseri"], "reason": ["seller account closed"]}
    # Each cancellation is its own message to DHL, with its own reference.
    assert len({call.headers["message-reference"] for call in deletes}) == 2


def test_dhl_keeps_its_records_so_the_erasure_is_not_complete(app, dhl_api):
    with app.app_context():
        connector = parties.connector_for(sharing.party_by_slug("dhl"))
        receipt = connector.send(_message(connectors.ERASURE, references=("KS-OLD1234567",)))
    assert receipt.erased is False
    assert "privacy contact" in receipt.outcome
    assert dhl_api.calls == []  # no open pickup: nothing to ask the API


def test_a_failing_cancellation_leaves_the_erasure_request_to_be_sent_again(app, dhl_api):
    mydhl.script(dhl_api, *(mydhl.unavailable() for _ in range(3)))
    with app.app_context():
        party = sharing.party_by_slug("dhl")
        with pytest.raises(connectors.DeliveryFailed):
            ask_to_erase(
                party.id, reference="KS-ERASE23456", references=[], partner_references=["PRG1"]
            )


@pytest.mark.parametrize(
    "kind",
    [
        connectors.CORRECTION,
        connectors.PORTABILITY,
        connectors.STORE_CONNECTION,
        connectors.STORE_DISCONNECTION,
        "",
    ],
)
def test_what_the_mydhl_api_cannot_say_is_unsupported(app, dhl_api, kind):
    with app.app_context():
        connector = parties.connector_for(sharing.party_by_slug("dhl"))
        with pytest.raises(connectors.Unsupported):
            connector.send(_message(kind, seller={"name": "x"}))
    assert dhl_api.calls == []


def test_the_registry_gives_dhl_the_mydhl_connector(app):
    from portal.sharing.parties.mydhl import MyDhl

    with app.app_context():
        party = sharing.party_by_slug("dhl")
        assert party.connector == "mydhl"
        assert isinstance(parties.connector_for(party), MyDhl)


def test_without_keys_dhl_is_not_reached(app, dhl_api):
    app.config["SHARING_CREDENTIALS"] = {"dhl": {"username": "only-a-name"}}
    with app.app_context(), pytest.raises(connectors.NotConfigured, match="password, account"):
        parties.connector_for(sharing.party_by_slug("dhl"))


def test_without_an_endpoint_development_writes_a_file_and_production_refuses(app, tmp_path):
    app.config.update(SHARING_ENDPOINTS={}, SHARING_FOLDER=str(tmp_path))
    with app.app_context():
        connector = parties.connector_for(sharing.party_by_slug("dhl"))
        assert isinstance(connector, connectors.FolderConnector)  # tests count as development
    app.config.update(TESTING=False, ENVIRONMENT="production")
    try:
        with app.app_context(), pytest.raises(connectors.NotConfigured):
            parties.connector_for(sharing.party_by_slug("dhl"))
    finally:
        app.config.update(TESTING=True)

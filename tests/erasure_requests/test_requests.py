"""Erasure requests a party can act on: what the erasure gathers before the rows go (open
pickups, the store's customer and keys), the keys sealed and then emptied, the party's API
first, then an email to its privacy contact naming references only, staff when there is no
contact, and a party that cannot be reached asked again on the next run."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from freezegun import freeze_time

from portal.crypto import decrypt
from portal.sharing.connectors import DeliveryFailed, Refused, Unsupported
from tests.erasure_requests.conftest import (
    PERSONAL,
    SELLER,
    erase,
    raw_rows,
    requests_by_party,
    seller_with_pickups_and_store,
    send,
    set_party,
)
from tests.partner import Reply
from tests.support import body_html, body_text

NOW = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)  # 10:00 in Kuala Lumpur


def test_queueing_gathers_the_open_pickups_and_the_store_keys_sealed(app, partner):
    with freeze_time(NOW):
        seller = seller_with_pickups_and_store(app, partner)
        erase(app, seller.id)
    found = requests_by_party(app)
    assert set(found) == {"dhl", "woocommerce"}
    dhl, store = found["dhl"], found["woocommerce"]
    # DHL: everything it received, by our references; its booking id of the one still to come.
    assert dhl.disclosure_refs == sorted(
        seller.disclosures[name] for name in ("open", "past", "cancelled")
    )
    assert dhl.partner_refs == ["DHL-OPEN"]
    assert dhl.credentials is None
    # The store: its customer, and the seller's own keys, kept only sealed.
    assert store.disclosure_refs == [seller.disclosures["store"]]
    assert store.partner_refs == ["77"]
    assert json.loads(store.credentials) == {
        "url": SELLER["store_url"],
        "key": SELLER["key"],
        "secret": SELLER["secret"],
    }
    raw = next(row["credentials"] for row in raw_rows(app) if row["id"] == store.id)
    assert raw and SELLER["secret"] not in raw and SELLER["key"] not in raw
    assert "aminah" not in raw.lower()
    with app.app_context():  # sealed for this column only
        assert json.loads(decrypt(raw, "erasure_requests.credentials"))["key"] == SELLER["key"]
    assert all(row["status"] == "pending" for row in raw_rows(app))


def test_a_party_whose_api_erases_everything_is_answered_and_the_keys_emptied(
    app, partner, stand_in
):
    with freeze_time(NOW):
        seller = seller_with_pickups_and_store(app, partner)
        store_api = stand_in(app, "woocommerce", outcome="deleted customer 77 through the API")
        erase(app, seller.id)
        assert send(app) == 2
    # The store's connector got its customer and the seller's keys; nothing else of the seller.
    (message,) = store_api.messages
    assert message.kind == "erasure_request"
    assert message.partner_references == ("77",)
    assert message.references == (seller.disclosures["store"],)
    assert message.credentials.key == SELLER["key"] == store_api.credentials.key
    assert not message.seller
    # DHL, through the door's generic JSON: our references and an idempotency key, nothing more.
    (asked,) = [r for r in partner.received if r.body.get("type") == "erasure_request"]
    found = requests_by_party(app)
    assert asked.headers["idempotency-key"] == f"ER-{found['dhl'].id}"
    assert not any(value in json.dumps(asked.body) for value in PERSONAL)
    for request in found.values():
        assert (request.status, request.channel, request.attempts) == ("answered", "api", 1)
        assert request.answered_at == request.sent_at == NOW
        assert request.credentials is None
    assert found["woocommerce"].answer == "deleted customer 77 through the API"
    assert all(row["credentials"] is None for row in raw_rows(app))
    assert send(app) == 0  # nothing more to make


def test_what_the_api_cannot_erase_is_emailed_to_the_privacy_contact(
    app, partner, stand_in, smtp_server
):
    with freeze_time(NOW):
        seller = seller_with_pickups_and_store(app, partner)
    set_party(app, "dhl", privacy_email="privacy@dhl.example")
    courier = stand_in(app, "dhl", erased=False, outcome="cancelled 1 open pickup through the API")
    stand_in(app, "woocommerce")
    with freeze_time(NOW):
        erase(app, seller.id)
        assert send(app) == 2
    (message,) = courier.messages
    assert message.partner_references == ("DHL-OPEN",)
    assert courier.credentials is None and message.credentials is None
    request = requests_by_party(app)["dhl"]
    assert (request.status, request.channel) == ("emailed", "email")
    assert request.contact == "privacy@dhl.example"
    assert request.outcome == "cancelled 1 open pickup through the API"
    assert request.sent_at == NOW and request.answered_at is None

    # One email, through the outbox, over SMTP, to the privacy contact only.
    mails = [m for _, to, m in smtp_server.handler.received if to == ["privacy@dhl.example"]]
    assert len(mails) == 1 and len(smtp_server.handler.received) == 1
    (mail,) = mails
    assert mail["Subject"] == f"Erasure request ER-{request.id} from Koopseri"
    text, html = body_text(mail), body_html(mail)
    for body in (text, html):
        assert f"ER-{request.id}" in body
        assert all(reference in body for reference in request.disclosure_refs)
        assert "DHL-OPEN" in body
        assert "cancelled 1 open pickup through the API" in body
        assert "dpo@example.com" in body  # where the party answers
        leaked = [value for value in PERSONAL if value.lower() in body.lower()]
        assert not leaked, leaked
    assert "privacy contact of a party" in html  # not the sellers' footer
    assert send(app) == 0  # emailed once


def test_a_party_without_a_privacy_contact_waits_for_staff_until_the_registry_has_one(
    app, partner, stand_in, smtp_server
):
    with freeze_time(NOW):
        seller = seller_with_pickups_and_store(app, partner)
    stand_in(app, "dhl", fails=Unsupported("no erasure in this API"))
    stand_in(app, "woocommerce")
    with freeze_time(NOW):
        erase(app, seller.id)
        assert send(app) == 1  # the store only
    request = requests_by_party(app)["dhl"]
    assert (request.status, request.contact, request.sent_at) == ("staff", None, None)
    assert request.outcome.endswith("no privacy contact in the registry")
    assert smtp_server.handler.received == []
    assert send(app) == 0  # still none

    set_party(app, "dhl", privacy_email="privacy@dhl.example")
    assert send(app) == 1
    request = requests_by_party(app)["dhl"]
    assert (request.status, request.contact) == ("emailed", "privacy@dhl.example")
    assert request.outcome == "the API takes no erasure requests"
    ((_, to, mail),) = smtp_server.handler.received
    assert to == ["privacy@dhl.example"] and "DHL-OPEN" in body_text(mail)


def test_a_party_that_cannot_be_reached_is_asked_again_on_the_next_run(app, partner):
    with freeze_time(NOW):
        seller = seller_with_pickups_and_store(app, partner)
        erase(app, seller.id)
        partner.answer(*[Reply(503)] * 6)  # both requests, every try
        assert send(app) == 0
    for request in requests_by_party(app).values():
        assert (request.status, request.attempts) == ("pending", 1)
        assert request.outcome.startswith("not delivered")
    store = requests_by_party(app)["woocommerce"]
    assert store.credentials is not None  # kept for the next try

    assert send(app) == 2
    for request in requests_by_party(app).values():
        assert (request.status, request.attempts, request.channel) == ("answered", 2, "api")
        assert request.credentials is None


def test_a_refusal_a_retry_cannot_change_goes_to_the_privacy_contact(app, partner, stand_in):
    with freeze_time(NOW):
        seller = seller_with_pickups_and_store(app, partner)
    set_party(app, "woocommerce", privacy_email="privacy@woo.example")
    stand_in(app, "woocommerce", fails=Refused("credentials", "woocommerce_rest_cannot_view"))
    busy = stand_in(app, "dhl", fails=Refused("busy"))
    with freeze_time(NOW):
        erase(app, seller.id)
        assert send(app) == 1
    found = requests_by_party(app)
    assert found["woocommerce"].status == "emailed"
    assert found["woocommerce"].outcome == "the API refused the request (credentials)"
    assert found["woocommerce"].credentials is None
    assert found["dhl"].status == "pending"  # asked to wait: the next run asks again
    busy.fails = None
    assert send(app) == 1
    assert requests_by_party(app)["dhl"].status == "answered"


def test_a_failure_is_a_delivery_failure_not_a_crash(app, partner, stand_in):
    with freeze_time(NOW):
        seller = seller_with_pickups_and_store(app, partner)
    stand_in(app, "dhl", fails=DeliveryFailed("timeout"))
    with freeze_time(NOW):
        erase(app, seller.id)
        send(app)
    assert requests_by_party(app)["dhl"].outcome == "not delivered: timeout"


def test_nothing_personal_remains_in_the_records_of_the_requests(app, partner, stand_in):
    with freeze_time(NOW):
        seller = seller_with_pickups_and_store(app, partner)
    set_party(app, "dhl", privacy_email="privacy@dhl.example")
    stand_in(app, "dhl", erased=False, outcome="cancelled 1 open pickup through the API")
    with freeze_time(NOW):
        erase(app, seller.id)
        send(app)
    rows = raw_rows(app)
    assert {row["status"] for row in rows} == {"emailed", "answered"}
    dumped = json.dumps(rows, default=str).lower()
    leaked = [value for value in PERSONAL if value.lower() in dumped]
    assert not leaked, leaked
    assert all(row["credentials"] is None for row in rows)

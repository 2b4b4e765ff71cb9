"""The one door: only registered categories leave, through a real HTTPS endpoint on loopback,
and a disclosure is recorded exactly when the party accepted the data."""

from __future__ import annotations

import json
import os
import stat

import pytest
from sqlalchemy import func, select

from portal.auth.models import AccountStatus, User
from portal.clock import utcnow
from portal.extensions import db
from portal.profile.models import BankAccount
from portal.profile.services import account_number_digest
from portal.sharing import connectors, parties, payload, services
from portal.sharing.models import Disclosure
from tests.partner import Reply, speak_json
from tests.sharing.conftest import give_address
from tests.support import put_in_state

# Everything the sharing service knows how to read that is outside name, address and phone.
EVERYTHING = ("name", "address", "phone", "email", "bank_account", "date_of_birth")


def _disclosures() -> int:
    return db.session.scalar(select(func.count()).select_from(Disclosure))


def _seller_with_bank(seller_id: int) -> User:
    db.session.add(
        BankAccount(
            user_id=seller_id,
            bank_code="maybank",
            holder_name="Tan Mei Ling",
            account_number="514433221100",
            account_number_last4="1100",
            account_number_digest=account_number_digest("514433221100"),
        )
    )
    db.session.commit()
    return db.session.get(User, seller_id)


@pytest.fixture
def dhl(app):
    with app.app_context():
        return services.party_by_slug("dhl").id


def _party(party_id):
    from portal.sharing.models import ThirdParty

    return db.session.get(ThirdParty, party_id)


def test_payload_for_name_address_phone_carries_nothing_else_even_when_asked(
    app, ready_seller, dhl, partner
):
    with app.app_context():
        user = _seller_with_bank(ready_seller["id"])
        party = _party(dhl)
        assert sorted(party.categories) == ["address", "name", "phone"]

        built = services.preview(user, party, EVERYTHING)
        assert set(built.data) == {"name", "address", "phone"}
        assert set(built.refused) == {"email", "bank_account", "date_of_birth"}

        disclosure = services.share(user, party, EVERYTHING, request={"type": "test"})
        db.session.commit()
        sent = partner.received[0].body
        raw = json.dumps(sent)
        assert set(sent["seller"]) == {"name", "address", "phone"}
        for secret in (user.email, "514433221100", "Maybank", "1988-07-01"):
            assert secret not in raw
        assert sent["categories"] == ["address", "name", "phone"]
        assert disclosure.categories == ["address", "name", "phone"]


def test_exactly_name_address_phone_when_those_fields_are_asked(app, ready_seller, dhl, partner):
    with app.app_context():
        user = _seller_with_bank(ready_seller["id"])
        services.share(
            user,
            _party(dhl),
            ("name", "address", "phone", "email", "bank_account"),
            request={"type": "pickup"},
        )
        db.session.commit()
    seller_data = partner.received[0].body["seller"]
    assert set(seller_data) == {"name", "address", "phone"}
    assert seller_data["name"] == "Tan Mei Ling"
    assert seller_data["phone"] == "+60123456789"
    assert seller_data["address"]["postcode"] == "40000"


def test_a_field_outside_the_categories_is_never_read(app, ready_seller, dhl, monkeypatch):
    """The bank account is not even loaded for a party without the financial category."""
    read = []
    original = payload.FIELDS["bank_account"]
    monkeypatch.setitem(
        payload.FIELDS,
        "bank_account",
        payload.Field(original.category, original.label, lambda u: read.append(u) or "x"),
    )
    with app.app_context():
        user = db.session.get(User, ready_seller["id"])
        services.preview(user, _party(dhl), ("name", "bank_account"))
    assert read == []


def test_narrowing_the_registry_narrows_what_is_sent(app, ready_seller, dhl, partner):
    with app.app_context():
        party = _party(dhl)
        party.categories = ["address", "name"]
        db.session.commit()
        user = db.session.get(User, ready_seller["id"])
        disclosure = services.share(user, party, ("name", "address", "phone"), request={})
        db.session.commit()
        assert disclosure.categories == ["address", "name"]
    assert set(partner.received[0].body["seller"]) == {"name", "address"}


def test_success_records_exactly_one_disclosure_with_the_idempotency_key(
    app, ready_seller, dhl, partner
):
    with app.app_context():
        user = db.session.get(User, ready_seller["id"])
        disclosure = services.share(user, _party(dhl), ("name", "address", "phone"), request={})
        db.session.commit()
        assert _disclosures() == 1
        assert disclosure.recipient == "DHL"
        assert disclosure.user_id == user.id
        assert disclosure.partner_reference == "PARTNER-1"
        assert disclosure.purpose == _party(dhl).purpose
    (request,) = partner.received
    assert request.headers["idempotency-key"] == disclosure.reference
    assert request.headers["authorization"] == "Bearer dhl-test-token"
    assert request.headers["content-type"].startswith("application/json")
    assert request.body["reference"] == disclosure.reference


def test_a_temporary_failure_is_retried_with_the_same_key_and_recorded_once(
    app, ready_seller, dhl, partner
):
    partner.answer(Reply(503), Reply(201, {"id": 77}))
    with app.app_context():
        user = db.session.get(User, ready_seller["id"])
        disclosure = services.share(user, _party(dhl), ("name", "phone"), request={})
        db.session.commit()
        assert _disclosures() == 1
        assert disclosure.partner_reference == "77"
    keys = {r.headers["idempotency-key"] for r in partner.received}
    assert len(partner.received) == 2 and keys == {disclosure.reference}


@pytest.mark.parametrize(
    ("replies", "requests"),
    [
        ([Reply(503)] * 3, 3),  # still failing after every attempt
        ([Reply(400, {"error": "bad"})], 1),  # refused: no point trying again
        ([Reply(401)], 1),
        ([Reply(201, delay=1.5)] * 3, 3),  # slower than the timeout, every time
    ],
    ids=["unavailable", "refused", "unauthorised", "timeout"],
)
def test_a_failure_records_no_disclosure(app, ready_seller, dhl, partner, replies, requests):
    partner.answer(*replies)
    with app.app_context():
        user = db.session.get(User, ready_seller["id"])
        with pytest.raises(services.DeliveryFailed) as failure:
            services.share(user, _party(dhl), ("name", "phone"), request={})
        db.session.rollback()
        assert _disclosures() == 0
        assert "could not reach DHL" in str(failure.value.message)
    assert len(partner.received) == requests


def test_a_certificate_that_is_not_trusted_is_a_failure(make_app, ready_seller, partner):
    app = make_app(SHARING_ENDPOINTS={"dhl": partner.url}, SHARING_RETRY_DELAY=0.01)
    speak_json(app)
    with app.app_context():
        user = db.session.get(User, ready_seller["id"])
        with pytest.raises(services.DeliveryFailed):
            services.share(user, services.party_by_slug("dhl"), ("name",), request={})
        assert _disclosures() == 0
    assert partner.received == []


def test_nothing_listening_is_a_failure(make_app, ready_seller):
    from tests.support import free_port

    app = make_app(
        SHARING_ENDPOINTS={"dhl": f"https://127.0.0.1:{free_port()}/x"}, SHARING_RETRY_DELAY=0
    )
    speak_json(app)
    with app.app_context():
        user = db.session.get(User, ready_seller["id"])
        with pytest.raises(services.DeliveryFailed):
            services.share(user, services.party_by_slug("dhl"), ("name",), request={})
        assert _disclosures() == 0


def test_plain_http_endpoints_are_refused(make_app, ready_seller):
    app = make_app(SHARING_ENDPOINTS={"dhl": "http://127.0.0.1:9/x"})
    speak_json(app)
    with app.app_context():
        user = db.session.get(User, ready_seller["id"])
        with pytest.raises(services.DeliveryFailed):
            services.share(user, services.party_by_slug("dhl"), ("name",), request={})
        assert _disclosures() == 0


def test_without_an_endpoint_development_writes_the_payload_to_a_folder(make_app, seller):
    app = make_app()  # testing counts as development; no endpoint configured
    speak_json(app)
    with app.app_context():
        give_address(seller["id"])
        user = db.session.get(User, seller["id"])
        disclosure = services.share(
            user, services.party_by_slug("sendparcel"), ("name", "address"), request={}
        )
        db.session.commit()
        path = connectors.sharing_folder() / "sendparcel" / f"{disclosure.reference}.json"
        written = json.loads(path.read_text())
        assert set(written["seller"]) == {"name", "address"}
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert disclosure.outcome == "written to the development folder"


def test_production_without_an_endpoint_refuses_instead_of_parking_data(make_app):
    app = make_app()
    app.testing = False
    app.config["ENVIRONMENT"] = "production"
    with app.app_context(), pytest.raises(connectors.NotConfigured):
        parties.connector_for(services.party_by_slug("dhl"))


def test_a_seller_whose_account_is_not_active_shares_nothing(app, ready_seller, dhl, partner):
    with app.app_context():
        put_in_state(ready_seller["id"], AccountStatus.FROZEN)
        user = db.session.get(User, ready_seller["id"])
        with pytest.raises(services.SharingPaused):
            services.share(user, _party(dhl), ("name",), request={})
        assert _disclosures() == 0
    assert partner.received == []


def test_a_retired_party_receives_nothing(app, ready_seller, dhl, partner):
    with app.app_context():
        party = _party(dhl)
        party.retired_at = utcnow()
        db.session.commit()
        user = db.session.get(User, ready_seller["id"])
        with pytest.raises(services.PartyUnavailable):
            services.share(user, party, ("name",), request={})
        assert _disclosures() == 0
    assert partner.received == []


def test_missing_details_send_nothing(app, seller, dhl, partner):
    with app.app_context():
        user = db.session.get(User, seller["id"])  # no address yet
        with pytest.raises(payload.MissingDetails) as missing:
            services.share(user, _party(dhl), ("name", "address", "phone"), request={})
        assert missing.value.fields == ["address"]
        assert _disclosures() == 0
    assert partner.received == []


def test_a_confirmation_for_other_data_than_is_current_sends_nothing(
    app, ready_seller, dhl, partner
):
    with app.app_context():
        user = db.session.get(User, ready_seller["id"])
        shown = services.preview(user, _party(dhl), ("name", "phone"))
        user.phone_e164 = "+60129999999"
        db.session.commit()
        with pytest.raises(services.DetailsChanged):
            services.share(
                user, _party(dhl), ("name", "phone"), request={}, confirmed_digest=shown.digest
            )
        assert _disclosures() == 0
    assert partner.received == []


# --- calling off an earlier transfer (a cancelled pickup) -----------------------------------


def test_a_cancellation_goes_the_same_way_carries_no_seller_data_and_is_recorded(
    app, ready_seller, dhl, partner
):
    with app.app_context():
        user = db.session.get(User, ready_seller["id"])
        booking = services.share(user, _party(dhl), EVERYTHING, request={"type": "pickup"})
        db.session.commit()
        put_in_state(user.id, AccountStatus.FROZEN)  # nothing personal goes: still told
        user = db.session.get(User, ready_seller["id"])
        message = services.cancel(user, booking, request={"type": "pickup_cancellation"})
        db.session.commit()
        assert (message.cancels_reference, message.categories) == (booking.reference, [])
        assert message.recipient == "DHL" and message.reference != booking.reference
        assert _disclosures() == 2
    sent = partner.received[-1]
    assert sent.path == partner.received[0].path
    assert sent.headers["authorization"] == "Bearer dhl-test-token"
    assert sent.body["seller"] == {} and sent.body["categories"] == []
    assert sent.body["cancels"] == booking.reference


def test_a_cancellation_the_party_does_not_accept_records_nothing(app, ready_seller, dhl, partner):
    with app.app_context():
        user = db.session.get(User, ready_seller["id"])
        booking = services.share(user, _party(dhl), ("name",), request={"type": "pickup"})
        db.session.commit()
        partner.answer(Reply(500), Reply(500), Reply(500))
        with pytest.raises(services.DeliveryFailed):
            services.cancel(user, booking, request={"type": "pickup_cancellation"})
        db.session.rollback()
        assert _disclosures() == 1

"""A "correct my data" request (PDPA s.35) fulfilled by staff through the profile services:
the seller's address (or phone, or personal details) corrected from the request's page with
the profile's own forms and checks, recorded in the profile history as staff's, audited, and
passed on to a third party that received the address within the 12 months before; the
request stays open for its answer. Showing the values is a look in the seller's access log."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from portal.accesslog.models import StaffAccess
from portal.audit.models import AuditEvent
from portal.auth.models import User
from portal.extensions import db
from portal.profile.models import ProfileChange, SellerProfile
from portal.requests.models import PrivacyRequest
from portal.sharing import services as sharing
from tests.partner import every_party_to, speak_json
from tests.requests.conftest import RECEIVED, file_as_seller
from tests.sharing.conftest import give_address
from tests.support import client_as, date_boxes, make_staff

# DHL received the seller's address for a pickup seven weeks before the request.
BOOKED_AT = datetime(2027, 1, 10, 2, 0, tzinfo=UTC)
LATER = RECEIVED + timedelta(days=2)

NEW_ADDRESS = {
    "address-address_line1": "8 Lorong Kenanga",
    "address-city": "Ipoh",
    "address-postcode": "30450",
    "address-state": "MY-08",
    "address-country": "MY",
}


@pytest.fixture
def app(make_app, partner):
    """Every party posts to the loopback HTTPS partner; retries come fast."""
    app = make_app(**every_party_to(partner), SHARING_TOKENS={"dhl": "dhl-test-token"})
    speak_json(app)
    return app


@pytest.fixture
def correcting(app, seller, dpo, partner):
    """The seller (with an address DHL received) asked for their address to be corrected."""
    with app.app_context():
        give_address(seller["id"])
    with freeze_time(BOOKED_AT), app.test_request_context():
        user = db.session.get(User, seller["id"])
        sharing.share(
            user,
            sharing.party_by_slug("dhl"),
            ("name", "address", "phone"),
            request={"type": "pickup"},
        )
        db.session.commit()
    assert len(partner.received) == 1
    request_id, _ = file_as_seller(
        app, seller, kind="correction", details="I moved to Ipoh: 8 Lorong Kenanga, 30450."
    )
    return request_id


def _address(app, seller_id):
    with app.app_context():
        saved = db.session.get(SellerProfile, seller_id)
        return (saved.address_line1, saved.city, saved.postcode)


def _changes(app, seller_id):
    with app.app_context():
        return db.session.execute(
            select(ProfileChange.field, ProfileChange.actor, ProfileChange.actor_id)
            .where(ProfileChange.user_id == seller_id)
            .order_by(ProfileChange.id)
        ).all()


def _events(app):
    with app.app_context():
        return db.session.execute(
            select(AuditEvent.action, AuditEvent.subject_id, AuditEvent.detail).where(
                AuditEvent.action == "privacy_request.correct"
            )
        ).all()


def _status(app, request_id):
    with app.app_context():
        return db.session.get(PrivacyRequest, request_id).status


def _staff_id(app, email):
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def test_staff_correct_the_address_and_the_courier_gets_it(app, seller, dpo, correcting, partner):
    with freeze_time(LATER, tick=True):
        staff = client_as(app, dpo)
        page = staff.get(f"/admin/requests/{correcting}")
        assert page.status_code == 200
        text = html.unescape(page.get_data(as_text=True))
        assert "Correct the seller's details" in text
        assert 'value="12 Jalan Bunga Raya"' in text  # prefilled with what is saved
        assert "Bank details can be changed only by the seller" in text
        response = staff.post(f"/admin/requests/{correcting}/correct/address", data=NEW_ADDRESS)
        assert response.status_code == 302, response.get_data(as_text=True)
        after = html.unescape(staff.get(response.headers["Location"]).get_data(as_text=True))
    assert "The seller's address is corrected." in after
    assert "Send the answer" in after  # the request stays open for its answer
    assert _status(app, correcting) == "open"
    assert _address(app, seller["id"]) == ("8 Lorong Kenanga", "Ipoh", "30450")
    dpo_id = _staff_id(app, dpo)
    changes = _changes(app, seller["id"])
    assert {field for field, _, _ in changes} == {"address_line1", "city", "postcode", "state"}
    assert {(actor, actor_id) for _, actor, actor_id in changes} == {("staff", dpo_id)}
    [(action, subject_id, detail)] = _events(app)
    assert subject_id == correcting and detail.startswith("address: ")
    # DHL received the address seven weeks before: it gets the corrected one, and only it.
    assert len(partner.received) == 2
    sent = partner.received[1].body
    assert sent["purpose"] == "correction" and sent["categories"] == ["address"]
    assert sent["seller"]["address"]["line1"] == "8 Lorong Kenanga"
    assert sent["seller"]["address"]["city"] == "Ipoh"
    # The look at the seller's phone, address and date of birth is in their access log.
    with app.app_context():
        looks = db.session.execute(
            select(StaffAccess.subject, StaffAccess.reason, StaffAccess.staff_id).where(
                StaffAccess.seller_id == seller["id"]
            )
        ).all()
        reference = db.session.get(PrivacyRequest, correcting).reference
    assert ("contact_details", reference, dpo_id) in looks
    assert ("revealed:date_of_birth", reference, dpo_id) in looks


def test_staff_correct_the_phone_as_staff(app, seller, dpo, correcting, partner):
    with freeze_time(LATER, tick=True):
        staff = client_as(app, dpo)
        response = staff.post(
            f"/admin/requests/{correcting}/correct/contact", data={"contact-phone": "012-999 8888"}
        )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, seller["id"]).phone_e164 == "+60129998888"
    assert _changes(app, seller["id"]) == [("phone_e164", "staff", _staff_id(app, dpo))]
    assert partner.received[-1].body["seller"] == {"phone": "+60129998888"}


def test_an_invalid_postcode_is_400_keeps_what_was_typed_and_changes_nothing(
    app, seller, dpo, correcting, partner
):
    staff = client_as(app, dpo)
    response = staff.post(
        f"/admin/requests/{correcting}/correct/address",
        data={**NEW_ADDRESS, "address-postcode": "3045"},
    )
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert 'class="error-summary"' in text and "There is a problem" in text
    assert "Enter the 5-digit postcode, like 50450." in text  # the profile's own message
    assert 'value="8 Lorong Kenanga"' in text and 'value="3045"' in text
    assert _address(app, seller["id"]) == ("12 Jalan Bunga Raya", "Shah Alam", "40000")
    assert _changes(app, seller["id"]) == [] and _events(app) == []
    assert len(partner.received) == 1 and _status(app, correcting) == "open"
    # Bank details are not a section staff may correct.
    assert staff.post(f"/admin/requests/{correcting}/correct/financial").status_code == 404


def test_another_kind_of_request_offers_no_correction_and_refuses_it(app, seller, dpo, partner):
    with app.app_context():
        give_address(seller["id"])
    request_id, _ = file_as_seller(app, seller, kind="access")
    staff = client_as(app, dpo)
    page = staff.get(f"/admin/requests/{request_id}").get_data(as_text=True)
    assert "address-address_line1" not in page
    response = staff.post(f"/admin/requests/{request_id}/correct/address", data=NEW_ADDRESS)
    assert response.status_code == 404
    assert _address(app, seller["id"]) == ("12 Jalan Bunga Raya", "Shah Alam", "40000")


def test_a_closed_request_or_one_without_an_account_is_404(app, seller, dpo, correcting):
    staff = client_as(app, dpo)
    with app.app_context():
        db.session.get(PrivacyRequest, correcting).user_id = None
        db.session.get(PrivacyRequest, correcting).requester_email = "gone@example.com"
        db.session.commit()
    assert "address-address_line1" not in staff.get(f"/admin/requests/{correcting}").get_data(
        as_text=True
    )
    response = staff.post(f"/admin/requests/{correcting}/correct/address", data=NEW_ADDRESS)
    assert response.status_code == 404
    with app.app_context():
        db.session.get(PrivacyRequest, correcting).user_id = seller["id"]
        db.session.commit()
    answered = staff.post(f"/admin/requests/{correcting}/answer", data={"text": "Done."})
    assert answered.status_code == 302
    response = staff.post(f"/admin/requests/{correcting}/correct/address", data=NEW_ADDRESS)
    assert response.status_code == 404
    assert _address(app, seller["id"]) == ("12 Jalan Bunga Raya", "Shah Alam", "40000")


@pytest.mark.parametrize("role", ["reviewer", "support"])
def test_other_staff_get_404(app, seller, correcting, partner, role):
    with app.app_context():
        make_staff(f"{role}@staff.example", role)
    client = client_as(app, f"{role}@staff.example")
    assert client.get(f"/admin/requests/{correcting}").status_code == 404
    response = client.post(f"/admin/requests/{correcting}/correct/address", data=NEW_ADDRESS)
    assert response.status_code == 404
    assert _address(app, seller["id"]) == ("12 Jalan Bunga Raya", "Shah Alam", "40000")
    assert _changes(app, seller["id"]) == [] and len(partner.received) == 1


def _personal(**overrides) -> dict:
    data = {
        "personal-full_name": "Nur Aisyah binti Ahmad",
        "personal-display_name": "Kedai Aisyah",
        **date_boxes("personal-date_of_birth", "1990-05-17"),
    }
    return {**data, **overrides}


def test_staff_correct_the_name_as_staff(app, seller, dpo, correcting):
    with freeze_time(LATER, tick=True):
        staff = client_as(app, dpo)
        response = staff.post(f"/admin/requests/{correcting}/correct/personal", data=_personal())
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, seller["id"]).full_name == "Nur Aisyah binti Ahmad"
    changes = _changes(app, seller["id"])
    assert ("full_name", "staff", _staff_id(app, dpo)) in changes
    assert _status(app, correcting) == "open"


def test_an_under_age_date_of_birth_is_refused_and_nothing_changes(app, seller, dpo, correcting):
    with app.app_context():
        before = db.session.get(User, seller["id"])
        name, born = before.full_name, before.date_of_birth
    young = date_boxes("personal-date_of_birth", LATER.date().replace(year=LATER.year - 10))
    with freeze_time(LATER, tick=True):
        staff = client_as(app, dpo)
        response = staff.post(
            f"/admin/requests/{correcting}/correct/personal",
            data=_personal(**young, **{"personal-full_name": "Someone Else"}),
        )
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert "Someone Else" in page  # what was typed is kept
    with app.app_context():
        after = db.session.get(User, seller["id"])
        assert (after.full_name, after.date_of_birth) == (name, born)
    assert _changes(app, seller["id"]) == []

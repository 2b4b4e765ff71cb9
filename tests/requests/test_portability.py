"""A portability request (PDPA s.43A) answered by moving the seller's data to the third party
they named, through the sharing door: only the categories the party is registered for, with
the purpose "portability", shown under "Where my data went" in English and Malay; a party
that cannot be reached records nothing and leaves the request open."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.auth.models import User
from portal.extensions import db
from portal.requests.models import PrivacyRequest
from portal.sharing.models import Disclosure, ThirdParty
from portal.sharing.payload import FIELDS
from tests.partner import Reply, every_party_to, speak_json
from tests.requests.conftest import RECEIVED, file_as_seller
from tests.sharing.conftest import give_address
from tests.support import body_text, client_as, make_staff

LATER = RECEIVED + timedelta(days=2)


@pytest.fixture
def app(make_app, partner):
    """Every party posts to the loopback partner; retries come fast and time-outs soon."""
    app = make_app(**every_party_to(partner))
    speak_json(app)
    return app


@pytest.fixture
def moving(app, seller, dpo):
    """The seller (with an address) asked for their data to go to DHL."""
    with app.app_context():
        give_address(seller["id"])
    request_id, _ = file_as_seller(
        app, seller, kind="portability", details="Please move my data to DHL."
    )
    return request_id


def _confirm_form(page: str) -> dict:
    """The hidden fields of the confirmation form, as the browser would post them."""
    fields = dict(re.findall(r'name="(transfer-(?:party|digest))"[^>]*value="([^"]*)"', page))
    fields.update(
        (name, value)
        for value, name in re.findall(
            r'value="([^"]*)"[^>]*name="(transfer-(?:party|digest))"', page
        )
    )
    token = re.search(r'name="csrf_token"[^>]*value="([^"]*)"', page)
    if token:
        fields["csrf_token"] = token.group(1)
    return fields


def _open(app, request_id) -> bool:
    with app.app_context():
        return db.session.get(PrivacyRequest, request_id).status in ("open", "extended")


def _portability_disclosures(app):
    with app.app_context():
        return db.session.scalars(
            select(Disclosure).where(Disclosure.purpose == "portability")
        ).all()


def test_the_data_goes_to_the_named_party_with_only_its_categories(
    app, seller, dpo, moving, partner, mailbox
):
    with freeze_time(LATER):
        staff = client_as(app, dpo)
        page = staff.get(f"/admin/requests/{moving}?party=dhl")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        # What will go is shown before staff confirm: DHL's categories, not the email.
        shown = re.search(r"Data that will go</dt><dd>([^<]*)</dd>", text).group(1)
        assert "Address" in shown and "Name" in shown and "Email" not in shown
        response = staff.post(f"/admin/requests/{moving}/transfer", data=_confirm_form(text))
        assert response.status_code == 302, response.get_data(as_text=True)
    [received] = partner.received
    with app.app_context():
        dhl = db.session.scalar(select(ThirdParty).where(ThirdParty.slug == "dhl"))
        registered = set(dhl.categories)
        user = db.session.get(User, seller["id"])
        assert received.body["purpose"] == "portability"
        assert set(received.body["categories"]) <= registered
        assert {"name", "address"} <= set(received.body["categories"])
        for name in received.body["seller"]:
            assert FIELDS[name].category.value in registered, name
        assert "email" not in received.body["seller"]
        assert received.body["seller"]["name"] == user.full_name
        request = db.session.get(PrivacyRequest, moving)
        assert request.status == "answered"
        assert received.body["request"]["request_reference"] == request.reference
        [event] = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "privacy_request.transfer")
        ).all()
        assert (event.subject_id, event.detail) == (moving, "dhl")
    [disclosure] = _portability_disclosures(app)
    assert disclosure.recipient == "DHL"
    assert sorted(disclosure.categories) == sorted(received.body["categories"])
    mail = body_text(mailbox.last(seller["email"]))
    assert "DHL" in mail and disclosure.reference in mail


def test_the_seller_sees_it_under_where_my_data_went_in_english_and_malay(
    app, seller, dpo, moving, partner
):
    with freeze_time(LATER):
        staff = client_as(app, dpo)
        text = staff.get(f"/admin/requests/{moving}?party=dhl").get_data(as_text=True)
        assert (
            staff.post(f"/admin/requests/{moving}/transfer", data=_confirm_form(text)).status_code
            == 302
        )
    [disclosure] = _portability_disclosures(app)
    own = client_as(app, seller["email"])
    page = own.get("/account/disclosures").get_data(as_text=True)
    assert disclosure.reference in page
    assert "Moved at your request" in page and "PDPA section 43A" in page
    with app.app_context():
        db.session.get(User, seller["id"]).locale = "ms"
        db.session.commit()
    page = own.get("/account/disclosures").get_data(as_text=True)
    assert disclosure.reference in page
    assert "Dipindahkan atas permintaan anda" in page and "seksyen 43A" in page


def test_a_party_that_cannot_be_reached_records_nothing_and_the_request_stays_open(
    app, seller, dpo, moving, partner, mailbox
):
    partner.answer(Reply(503), Reply(503), Reply(503))
    with freeze_time(LATER):
        staff = client_as(app, dpo)
        text = staff.get(f"/admin/requests/{moving}?party=dhl").get_data(as_text=True)
        sent_before = len(mailbox.messages(seller["email"]))
        response = staff.post(f"/admin/requests/{moving}/transfer", data=_confirm_form(text))
        assert response.status_code == 400
        assert "We could not reach DHL" in response.get_data(as_text=True)
    assert len(partner.received) == 3  # tried, and tried again
    assert _portability_disclosures(app) == []
    assert _open(app, moving)
    with app.app_context():
        assert not db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "privacy_request.transfer")
        ).all()
    assert len(mailbox.messages(seller["email"])) == sent_before


@pytest.mark.parametrize("role", ["reviewer", "support"])
def test_other_staff_get_404(app, seller, moving, partner, role):
    with app.app_context():
        make_staff(f"{role}@staff.example", role)
    client = client_as(app, f"{role}@staff.example")
    assert client.get(f"/admin/requests/{moving}?party=dhl").status_code == 404
    response = client.post(
        f"/admin/requests/{moving}/transfer",
        data={"transfer-party": "dhl", "transfer-digest": "x"},
    )
    assert response.status_code == 404
    assert partner.received == [] and _open(app, moving)


def test_no_such_request_404(app, dpo, partner):
    staff = client_as(app, dpo)
    response = staff.post(
        "/admin/requests/999999/transfer", data={"transfer-party": "dhl", "transfer-digest": "x"}
    )
    assert response.status_code == 404
    assert partner.received == []


def test_another_kind_of_request_offers_no_transfer(app, seller, dpo, partner):
    request_id, _ = file_as_seller(app, seller, kind="access")
    staff = client_as(app, dpo)
    page = staff.get(f"/admin/requests/{request_id}?party=dhl").get_data(as_text=True)
    assert "transfer-digest" not in page
    response = staff.post(
        f"/admin/requests/{request_id}/transfer",
        data={"transfer-party": "dhl", "transfer-digest": "x"},
    )
    assert response.status_code == 404
    assert partner.received == [] and _open(app, request_id)


def test_a_request_without_an_account_offers_no_transfer(app, seller, dpo, partner):
    request_id, _ = file_as_seller(app, seller, kind="portability")
    with app.app_context():
        db.session.get(PrivacyRequest, request_id).user_id = None
        db.session.get(PrivacyRequest, request_id).requester_email = "gone@example.com"
        db.session.commit()
    staff = client_as(app, dpo)
    page = staff.get(f"/admin/requests/{request_id}?party=dhl").get_data(as_text=True)
    assert "transfer-digest" not in page
    response = staff.post(
        f"/admin/requests/{request_id}/transfer",
        data={"transfer-party": "dhl", "transfer-digest": "x"},
    )
    assert response.status_code == 404
    assert partner.received == []


def test_a_retired_or_unknown_party_is_refused(app, seller, dpo, moving, partner):
    staff = client_as(app, dpo)
    text = staff.get(f"/admin/requests/{moving}?party=dhl").get_data(as_text=True)
    form = _confirm_form(text)
    with app.app_context():
        from portal.clock import utcnow

        dhl = db.session.scalar(select(ThirdParty).where(ThirdParty.slug == "dhl"))
        dhl.retired_at = utcnow()
        db.session.commit()
    response = staff.post(f"/admin/requests/{moving}/transfer", data=form)
    assert response.status_code == 400
    form["transfer-party"] = "nobody"
    assert staff.post(f"/admin/requests/{moving}/transfer", data=form).status_code == 400
    assert partner.received == [] and _open(app, moving)

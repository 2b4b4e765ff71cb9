"""Corrections passed on (PDPA s.35): a corrected value goes, through the door, to every third
party that received its category in the 12 months before the correction, and only that
category; what cannot be sent is listed for staff; a failed delivery leaves the correction
saved, listed, and tried again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale, gettext
from freezegun import freeze_time
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.auth.models import User
from portal.clock import add_months
from portal.extensions import db
from portal.profile import services as profile
from portal.profile.models import SellerProfile
from portal.sharing import connectors, registry
from portal.sharing import services as sharing
from portal.sharing.models import Correction, Disclosure
from tests.partner import Reply
from tests.support import client_as, link_in, make_staff

# When the courier first received the seller's address.
BOOKED_AT = datetime(2027, 1, 10, 2, 0, tzinfo=UTC)

NEW_ADDRESS = {
    "address-address_line1": "8 Lorong Kenanga",
    "address-city": "Ipoh",
    "address-postcode": "30450",
    "address-state": "MY-08",
    "address-country": "MY",
}


def _received(app, seller_id: int, slug: str, fields=("name", "address", "phone"), at=BOOKED_AT):
    """The party receives the seller's ``fields`` through the door at ``at``."""
    with freeze_time(at), app.test_request_context():
        user = db.session.get(User, seller_id)
        disclosure = sharing.share(
            user, sharing.party_by_slug(slug), fields, request={"type": "pickup"}
        )
        db.session.commit()
        return disclosure.reference


def _corrections(app) -> list[Correction]:
    with app.app_context():
        rows = db.session.scalars(select(Correction).order_by(Correction.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def _correction_disclosures(app) -> list[Disclosure]:
    with app.app_context():
        rows = db.session.scalars(select(Disclosure).where(Disclosure.purpose == "correction"))
        return [(row.recipient, row.categories, row.reference) for row in rows]


@pytest.mark.parametrize(("months", "passed_on"), [(11, True), (13, False)])
def test_a_corrected_address_goes_to_the_courier_that_received_it_within_12_months(
    app, client, auth, ready_seller, partner, months, passed_on
):
    earlier = _received(app, ready_seller["id"], "dhl")
    assert len(partner.received) == 1
    with freeze_time(add_months(BOOKED_AT, months), tick=True):
        auth.login()
        response = client.post("/profile/address", data=NEW_ADDRESS)
        assert response.status_code == 302
    with app.app_context():
        saved = db.session.get(SellerProfile, ready_seller["id"])
        assert (saved.address_line1, saved.city) == ("8 Lorong Kenanga", "Ipoh")
    if not passed_on:
        assert len(partner.received) == 1  # nothing more
        assert _corrections(app) == [] and _correction_disclosures(app) == []
        return
    assert len(partner.received) == 2
    sent = partner.received[1].body
    assert sent["purpose"] == "correction"
    assert sent["categories"] == ["address"]
    assert set(sent["seller"]) == {"address"}  # not the name or phone it also received
    assert sent["seller"]["address"]["line1"] == "8 Lorong Kenanga"
    assert sent["seller"]["address"]["city"] == "Ipoh"
    assert sent["request"] == {"type": "correction", "corrects": [earlier]}
    ((recipient, categories, reference),) = _correction_disclosures(app)
    assert (recipient, categories) == ("DHL", ["address"])
    assert partner.received[1].headers["idempotency-key"] == reference == sent["reference"]
    (correction,) = _corrections(app)
    assert correction.status == "sent" and correction.reference == reference


def test_a_party_that_never_received_the_category_gets_nothing(
    app, client, auth, ready_seller, partner
):
    _received(app, ready_seller["id"], "woocommerce", fields=("name", "email", "phone"))
    with freeze_time(add_months(BOOKED_AT, 1), tick=True):
        auth.login()
        assert client.post("/profile/address", data=NEW_ADDRESS).status_code == 302
    assert len(partner.received) == 1
    assert _corrections(app) == []


def test_a_corrected_phone_goes_to_each_party_that_received_it_and_only_the_phone(
    app, client, auth, ready_seller, partner
):
    _received(app, ready_seller["id"], "woocommerce", fields=("name", "email", "phone"))
    _received(app, ready_seller["id"], "dhl")
    with freeze_time(add_months(BOOKED_AT, 2), tick=True):
        auth.login()
        assert (
            client.post("/profile/contact", data={"contact-phone": "012-999 8888"}).status_code
            == 302
        )
    corrections = [entry.body for entry in partner.received[2:]]
    assert len(corrections) == 2
    for body in corrections:
        assert body["categories"] == ["phone"] and body["seller"] == {"phone": "+60129998888"}
    assert sorted(c.third_party.slug for c in _load_parties(app)) == ["dhl", "woocommerce"]


def _load_parties(app):
    with app.app_context():
        rows = db.session.scalars(select(Correction)).all()
        for row in rows:
            row.third_party  # noqa: B018 (loaded before the session ends)
            db.session.expunge(row.third_party)
        return rows


def test_a_retired_party_is_listed_for_staff_and_not_sent_to(
    app, client, auth, ready_seller, partner
):
    _received(app, ready_seller["id"], "dhl")
    with app.app_context():
        admin = make_staff("admin@example.com", "admin")
        make_staff("dpo@example.com", "dpo")
        registry.retire(sharing.party_by_slug("dhl"), admin)
        db.session.commit()
    with freeze_time(add_months(BOOKED_AT, 3), tick=True):
        auth.login()
        assert client.post("/profile/address", data=NEW_ADDRESS).status_code == 302
        assert len(partner.received) == 1
        (correction,) = _corrections(app)
        assert (correction.status, correction.reason) == ("staff", "retired")

        for email in ("admin@example.com", "dpo@example.com"):
            page = client_as(app, email).get("/admin/corrections").get_data(as_text=True)
            assert "DHL" in page and "The party is retired from the registry" in page
            assert correction.reference in page
        # Support staff do not work this list: the back office does not show it to them.
        with app.app_context():
            make_staff("support@example.com", "support")
        assert client_as(app, "support@example.com").get("/admin/corrections").status_code == 404

        admin_client = client_as(app, "admin@example.com")
        home = admin_client.get("/admin/").get_data(as_text=True)
        assert "1 correction is not passed on yet." in home
        done = admin_client.post(f"/admin/corrections/{correction.id}/handled")
        assert done.status_code == 302
        page = admin_client.get("/admin/corrections").get_data(as_text=True)
        assert "The correction is marked as passed on." in page
        assert "Every correction has been passed on." in page
    (correction,) = _corrections(app)
    assert correction.status == "handled"
    with app.app_context():
        assert (
            db.session.scalar(
                select(AuditEvent.action).where(AuditEvent.subject_type == "correction")
            )
            == "correction.handled"
        )
    assert len(partner.received) == 1  # retired: never sent to


def test_a_party_without_an_endpoint_is_listed_for_staff(
    app, client, auth, ready_seller, partner, monkeypatch
):
    _received(app, ready_seller["id"], "dhl")
    # As in production: no endpoint configured for DHL, and no development folder.
    app.config["SHARING_ENDPOINTS"] = {"sendparcel": partner.url}
    monkeypatch.setattr(connectors, "is_development", lambda _app: False)
    with freeze_time(add_months(BOOKED_AT, 3), tick=True):
        auth.login()
        assert client.post("/profile/address", data=NEW_ADDRESS).status_code == 302
    assert len(partner.received) == 1
    (correction,) = _corrections(app)
    assert (correction.status, correction.reason) == ("staff", "no_endpoint")


def _malay(app, text: str) -> str:
    with app.test_request_context(), force_locale("ms"):
        translated = gettext(text)
    assert translated != text
    return translated


def test_the_correction_shows_under_where_my_data_went_in_english_and_malay(
    app, client, auth, ready_seller, partner
):
    _received(app, ready_seller["id"], "dhl")
    with freeze_time(add_months(BOOKED_AT, 6), tick=True):
        auth.login()
        client.post("/profile/address", data=NEW_ADDRESS)
        english = client.get("/account/disclosures").get_data(as_text=True)
        client.post("/language", data={"language": "ms", "next": "/"})
        malay = client.get("/account/disclosures").get_data(as_text=True)
    ((_, _, reference),) = _correction_disclosures(app)
    why = (
        "You corrected these details, and %(name)s had received them in the 12 months "
        "before: the law asks us to send it the corrected details."
    )
    assert reference in english and reference in malay
    assert why % {"name": "DHL"} in english
    assert _malay(app, why) % {"name": "DHL"} in malay
    assert ">Correction<" in english and f">{_malay(app, 'Correction')}<" in malay
    # What went: the address alone, named in each language.
    entry = english.split(reference)[0].rsplit('<li class="notices__item">', 1)[1]
    assert "<dd>Address</dd>" in entry
    entry = malay.split(reference)[0].rsplit('<li class="notices__item">', 1)[1]
    assert f"<dd>{_malay(app, 'Address')}</dd>" in entry


def test_a_correction_made_by_staff_passes_on_too(app, ready_seller, partner, runner):
    """Staff correct a seller's details through the same profile services (a correction
    request, PDPA s.35): outside a seller's request the correction waits for the next run."""
    _received(app, ready_seller["id"], "dhl")
    with freeze_time(add_months(BOOKED_AT, 4), tick=True):
        with app.app_context():
            staff = make_staff("dpo@example.com", "dpo")
            seller = db.session.get(User, ready_seller["id"])
            profile.update_address(
                seller,
                profile.Address("8 Lorong Kenanga", None, "Ipoh", "30450", "MY-08", "MY"),
                actor=staff,
            )
            db.session.commit()
        (correction,) = _corrections(app)
        assert correction.status == "pending"
        result = runner.invoke(args=["retention", "run"])
        assert result.exit_code == 0, result.output
        assert "1 passed on to third parties" in " ".join(result.output.split())
    assert len(partner.received) == 2
    assert partner.received[1].body["seller"]["address"]["city"] == "Ipoh"
    assert _corrections(app)[0].status == "sent"


def test_a_failed_delivery_keeps_the_correction_and_lists_it_until_sent(
    app, client, auth, ready_seller, partner
):
    _received(app, ready_seller["id"], "dhl")
    partner.answer(Reply(503), Reply(503), Reply(503))
    with freeze_time(add_months(BOOKED_AT, 5), tick=True):
        auth.login()
        response = client.post("/profile/address", data=NEW_ADDRESS)
        assert response.status_code == 302
        assert "Your address has been saved." in client.get("/profile").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(SellerProfile, ready_seller["id"]).city == "Ipoh"
        history, _more = profile.history(ready_seller["id"])
        assert "city" in {row.field for row in history}
    assert len(partner.received) == 4  # the pickup, then three tries
    (correction,) = _corrections(app)
    assert (correction.status, correction.attempts) == ("pending", 1)
    assert "HTTP 503" in correction.outcome
    assert _correction_disclosures(app) == []  # nothing recorded as sent

    with app.app_context():
        make_staff("dpo@example.com", "dpo")
    dpo = client_as(app, "dpo@example.com")
    page = dpo.get("/admin/corrections").get_data(as_text=True)
    assert "Not accepted yet" in page and "HTTP 503" in page
    sent = dpo.post(f"/admin/corrections/{correction.id}/send")
    assert sent.status_code == 302
    assert "DHL accepted the correction." in dpo.get("/admin/corrections").get_data(as_text=True)
    # The same reference on every try, so the partner can recognise a repeat.
    keys = {entry.headers["idempotency-key"] for entry in partner.received[1:]}
    assert keys == {correction.reference}
    ((recipient, categories, reference),) = _correction_disclosures(app)
    assert (recipient, categories, reference) == ("DHL", ["address"], correction.reference)
    assert _corrections(app)[0].status == "sent"


def test_a_failed_delivery_is_tried_again_by_the_retention_run(
    app, client, auth, ready_seller, partner, runner
):
    _received(app, ready_seller["id"], "dhl")
    partner.answer(Reply(503), Reply(503), Reply(503))
    with freeze_time(add_months(BOOKED_AT, 5), tick=True):
        auth.login()
        client.post("/profile/address", data=NEW_ADDRESS)
        assert _corrections(app)[0].status == "pending"
        assert runner.invoke(args=["retention", "run"]).exit_code == 0
    (correction,) = _corrections(app)
    assert (correction.status, correction.attempts) == ("sent", 2)
    assert len(_correction_disclosures(app)) == 1


def test_a_changed_email_goes_to_the_store_that_received_it(
    app, client, auth, ready_seller, partner, mailbox
):
    _received(app, ready_seller["id"], "woocommerce", fields=("name", "email", "phone"))
    _received(app, ready_seller["id"], "dhl")  # never received the email
    with freeze_time(add_months(BOOKED_AT, 7), tick=True):
        auth.login()
        assert (
            client.post("/profile/email", data={"new_email": "ml@example.net"}).status_code == 302
        )
        link = link_in(mailbox.last("ml@example.net"), "/profile/email/confirm/")
        assert client.post(link).status_code == 302
    (sent,) = [entry.body for entry in partner.received[2:]]
    assert sent["categories"] == ["email"] and sent["seller"] == {"email": "ml@example.net"}
    ((recipient, categories, _),) = _correction_disclosures(app)
    assert (recipient, categories) == ("WooCommerce", ["email"])

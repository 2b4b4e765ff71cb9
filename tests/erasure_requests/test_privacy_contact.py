"""The registry's privacy contact: where an erasure request a party's API cannot take is
emailed. Admins keep it like the other fields (checked, audited); the party's connector is
code, shown on its page and never chosen there."""

from __future__ import annotations

import lxml.html
import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.sharing.models import ThirdParty
from tests.support import client_as, make_staff


@pytest.fixture
def app(make_app):
    """The registry as the migration seeds it: each party with its own connector."""
    return make_app()


@pytest.fixture
def admin(app):
    with app.app_context():
        make_staff("admin@staff.example", "admin")
    return client_as(app, "admin@staff.example")


def _dhl(app) -> ThirdParty:
    with app.app_context():
        party = db.session.scalar(select(ThirdParty).where(ThirdParty.slug == "dhl"))
        db.session.expunge(party)
        return party


def _form(party: ThirdParty, **changes) -> dict:
    return {
        "name": party.name,
        "service": party.service,
        "purpose": party.purpose,
        "categories": list(party.categories),
        "country": party.country,
        "privacy_url": party.privacy_url,
        **changes,
    }


def _updates(app) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent.detail).where(AuditEvent.action == "third_party.update")
            )
        )


def test_an_admin_records_the_privacy_contact_and_it_is_audited(app, admin):
    dhl = _dhl(app)
    assert dhl.privacy_email is None
    page = lxml.html.fromstring(admin.get(f"/admin/third-parties/{dhl.id}").get_data(as_text=True))
    (label,) = page.xpath('//label[normalize-space()="Privacy contact email"]')
    assert page.xpath(f'//input[@id="{label.get("for")}"]/@type') == ["email"]
    response = admin.post(
        f"/admin/third-parties/{dhl.id}", data=_form(dhl, privacy_email=" privacy@dhl.example ")
    )
    assert response.status_code == 302
    assert _dhl(app).privacy_email == "privacy@dhl.example"
    assert _updates(app) == ["privacy_email"]
    # Emptied again: stored as nothing, not as "", and audited once more.
    emptied = _form(dhl, privacy_email="")  # a browser sends the empty box
    assert admin.post(f"/admin/third-parties/{dhl.id}", data=emptied).status_code == 302
    assert _dhl(app).privacy_email is None
    assert _updates(app) == ["privacy_email", "privacy_email"]


@pytest.mark.parametrize("typed", ["privacy.dhl.example", "privacy@", "a b@dhl.example"])
def test_a_privacy_contact_that_is_not_an_email_address_is_refused(app, admin, typed):
    dhl = _dhl(app)
    response = admin.post(f"/admin/third-parties/{dhl.id}", data=_form(dhl, privacy_email=typed))
    assert response.status_code == 400
    assert "Enter a valid email address" in response.get_data(as_text=True)
    assert _dhl(app).privacy_email is None and _updates(app) == []


def test_a_new_party_may_be_registered_with_its_privacy_contact(app, admin):
    form = {
        "name": "Pos Laju",
        "slug": "poslaju",
        "service": "Collects and delivers parcels.",
        "purpose": "Collect a seller's parcels.",
        "categories": ["name", "address"],
        "country": "MY",
        "privacy_url": "https://www.pos.com.my/privacy-notice",
        "privacy_email": "dpo@pos.example",
    }
    assert admin.post("/admin/third-parties/new", data=form).status_code == 302
    with app.app_context():
        party = db.session.scalar(select(ThirdParty).where(ThirdParty.slug == "poslaju"))
        assert (party.privacy_email, party.connector) == ("dpo@pos.example", "json")


def test_the_connector_is_shown_and_cannot_be_chosen(app, admin):
    dhl = _dhl(app)
    assert dhl.connector == "mydhl"
    body = admin.get(f"/admin/third-parties/{dhl.id}").get_data(as_text=True)
    page = lxml.html.fromstring(body)
    (shown,) = page.xpath('//*[@id="party-connector"]')
    assert "MyDHL API of DHL Express" in shown.text_content() and "mydhl" in shown.text_content()
    assert page.xpath('//*[@name="connector"]') == []
    response = admin.post(f"/admin/third-parties/{dhl.id}", data=_form(dhl, connector="json"))
    assert response.status_code == 302
    assert _dhl(app).connector == "mydhl" and _updates(app) == []

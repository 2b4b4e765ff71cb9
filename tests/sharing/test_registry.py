"""The registry of third parties: what the migration seeds, what the public page and the
pickup page show, and the admin pages that add, edit, retire and reinstate parties."""

from __future__ import annotations

import lxml.html
import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.datamap import category_name
from portal.extensions import db
from portal.sharing.models import ThirdParty
from tests.support import client_as, make_staff, routes_under

NEW_PARTY = {
    "name": "Pos Laju",
    "slug": "poslaju",
    "service": "Collects and delivers parcels across Malaysia.",
    "purpose": "Collect a seller's parcels from the address they give.",
    "categories": ["name", "address"],
    "country": "MY",
    "privacy_url": "https://www.pos.com.my/privacy-notice",
}


@pytest.fixture
def admin(app):
    with app.app_context():
        return make_staff("admin@example.com", "admin").id


@pytest.fixture
def admin_client(app, admin):
    return client_as(app, "admin@example.com")


def _party_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(select(ThirdParty.id).where(ThirdParty.slug == slug))


def _party_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ThirdParty))


def _events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).all()
        db.session.expunge_all()
        return list(events)


def _active_names(app) -> set[str]:
    with app.app_context():
        return set(
            db.session.scalars(select(ThirdParty.name).where(ThirdParty.retired_at.is_(None)))
        )


def _public_sections(client) -> dict[str, lxml.html.HtmlElement]:
    """The public page's party sections, by the party name in their heading."""
    response = client.get("/third-parties")
    assert response.status_code == 200
    page = lxml.html.fromstring(response.get_data(as_text=True))
    sections = {}
    for heading in page.xpath('//h2[starts-with(@id, "party-")]'):
        sections[heading.text_content().strip()] = heading.getparent()
    return sections


def _received_labels(section) -> set[str]:
    """The category labels under "What they receive", whether a list or a sentence."""
    [received] = section.xpath(
        './/dt[normalize-space()="What they receive"]/following-sibling::dd[1]'
    )
    items = received.xpath(".//li") or [received]
    return {
        label.strip() for item in items for label in item.text_content().split(",") if label.strip()
    }


def _couriers_offered(client) -> set[str]:
    response = client.get("/shipping/pickup")
    assert response.status_code == 200
    page = lxml.html.fromstring(response.get_data(as_text=True))
    labels = set()
    for radio in page.xpath('//input[@type="radio"][@name="courier"]'):
        labels.add(page.xpath(f'//label[@for="{radio.get("id")}"]')[0].text_content().strip())
    return labels


def _party_form(**overrides) -> dict:
    return {**NEW_PARTY, **overrides}


# --- the seeded registry ------------------------------------------------------------------


def test_migration_seeds_exactly_the_three_parties_with_their_categories(app):
    with app.app_context():
        parties = db.session.scalars(select(ThirdParty)).all()
        seeded = {party.slug: sorted(party.categories) for party in parties}
        assert all(party.active for party in parties)
    assert seeded == {
        "sendparcel": ["address", "name", "phone"],
        "dhl": ["address", "name", "phone"],
        "woocommerce": ["email", "name", "phone"],
    }


# --- the public page ----------------------------------------------------------------------


def test_public_page_lists_exactly_the_active_parties_as_the_registry_changes(
    app, client, admin_client
):
    assert (
        set(_public_sections(client)) == _active_names(app) == {"Sendparcel", "DHL", "WooCommerce"}
    )

    added = admin_client.post("/admin/third-parties/new", data=_party_form())
    assert added.status_code == 302
    retired = admin_client.post(f"/admin/third-parties/{_party_id(app, 'dhl')}/retire")
    assert retired.status_code == 302

    listed = set(_public_sections(client))
    assert listed == {"Sendparcel", "WooCommerce", "Pos Laju"}
    assert listed == _active_names(app)


def test_public_page_shows_each_partys_categories_and_privacy_link(app, client, admin_client):
    assert admin_client.post("/admin/third-parties/new", data=_party_form()).status_code == 302
    sections = _public_sections(client)
    with app.app_context():
        parties = db.session.scalars(select(ThirdParty).where(ThirdParty.retired_at.is_(None)))
        expected = {
            party.name: ({str(category_name(c)) for c in party.categories}, party.privacy_url)
            for party in parties
        }
    assert set(sections) == set(expected)
    for name, (labels, privacy_url) in expected.items():
        section = sections[name]
        assert _received_labels(section) == labels, name
        assert privacy_url in section.xpath(".//a/@href"), name
    assert sections["Pos Laju"] is not None
    assert expected["Pos Laju"][0] == {"Name", "Address"}


# --- adding a party -----------------------------------------------------------------------


def test_admin_adds_a_party_with_an_audit_event(app, admin_client, admin):
    response = admin_client.post("/admin/third-parties/new", data=_party_form())
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/third-parties"
    with app.app_context():
        party = db.session.scalar(select(ThirdParty).where(ThirdParty.slug == "poslaju"))
        assert party.name == "Pos Laju"
        assert party.categories == ["address", "name"]
        assert party.country == "MY"
        assert party.privacy_url == NEW_PARTY["privacy_url"]
        assert party.active
        party_id = party.id
    [event] = _events(app, "third_party.create")
    assert (event.actor_id, event.subject_id, event.detail) == (admin, party_id, "poslaju")


def _assert_refused_and_kept(app, response, message: str | None, typed: dict) -> None:
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    if message:
        assert message in text
    assert _party_count(app) == 3
    assert _events(app, "third_party.create") == []
    page = lxml.html.fromstring(text)
    assert page.xpath('//input[@name="name"]/@value') == [typed["name"]]
    assert page.xpath('//textarea[@name="service"]')[0].text_content().strip() == typed["service"]
    assert page.xpath('//input[@name="privacy_url"]/@value') == [typed["privacy_url"]]
    ticked = set(page.xpath('//input[@name="categories"][@checked]/@value'))
    assert ticked == set(typed.get("categories", []))


def test_a_duplicate_connector_key_is_refused(app, admin_client):
    typed = _party_form(slug="dhl")
    response = admin_client.post("/admin/third-parties/new", data=typed)
    _assert_refused_and_kept(app, response, "Another third party already has this key.", typed)
    assert lxml.html.fromstring(response.get_data(as_text=True)).xpath(
        '//input[@name="slug"]/@value'
    ) == ["dhl"]
    with app.app_context():
        assert db.session.scalar(select(ThirdParty.name).where(ThirdParty.slug == "dhl")) == "DHL"


def test_a_plain_http_privacy_link_is_refused(app, admin_client):
    typed = _party_form(privacy_url="http://www.pos.com.my/privacy-notice")
    response = admin_client.post("/admin/third-parties/new", data=typed)
    _assert_refused_and_kept(app, response, "Enter a full https:// address.", typed)


def test_a_party_without_categories_is_refused(app, admin_client):
    typed = _party_form()
    del typed["categories"]
    response = admin_client.post("/admin/third-parties/new", data=typed)
    _assert_refused_and_kept(app, response, "Choose at least one category of data.", typed)


# --- editing a party ----------------------------------------------------------------------


def _edit_form(app, party_slug: str, **overrides) -> dict:
    """The edit form as the admin would post it: the party's current values, changed."""
    with app.app_context():
        party = db.session.scalar(select(ThirdParty).where(ThirdParty.slug == party_slug))
        form = {
            "name": party.name,
            "service": party.service,
            "purpose": party.purpose,
            "categories": list(party.categories),
            "country": party.country,
            "privacy_url": party.privacy_url,
        }
    form.update(overrides)
    return form


def test_editing_categories_and_purpose_saves_and_is_audited(app, admin_client, admin):
    dhl = _party_id(app, "dhl")
    form = _edit_form(app, "dhl", purpose="Collect parcels only.", categories=["address", "name"])
    response = admin_client.post(f"/admin/third-parties/{dhl}", data=form)
    assert response.status_code == 302
    with app.app_context():
        party = db.session.get(ThirdParty, dhl)
        assert party.purpose == "Collect parcels only."
        assert sorted(party.categories) == ["address", "name"]
        assert party.name == "DHL"
    [event] = _events(app, "third_party.update")
    assert (event.actor_id, event.subject_id) == (admin, dhl)
    assert set(event.detail.split(", ")) == {"purpose", "categories"}


def test_the_update_event_names_only_the_fields_that_changed(app, admin_client):
    dhl = _party_id(app, "dhl")
    form = _edit_form(app, "dhl", purpose="Collect parcels only.")
    assert admin_client.post(f"/admin/third-parties/{dhl}", data=form).status_code == 302
    [event] = _events(app, "third_party.update")
    assert event.detail == "purpose"


def test_the_connector_key_cannot_be_edited(app, admin_client):
    dhl = _party_id(app, "dhl")
    page = admin_client.get(f"/admin/third-parties/{dhl}").get_data(as_text=True)
    assert lxml.html.fromstring(page).xpath('//input[@name="slug"]') == []
    form = _edit_form(app, "dhl", slug="dhl-renamed", name="DHL eCommerce")
    assert admin_client.post(f"/admin/third-parties/{dhl}", data=form).status_code == 302
    with app.app_context():
        party = db.session.get(ThirdParty, dhl)
        assert (party.slug, party.name) == ("dhl", "DHL eCommerce")
        assert db.session.scalar(select(ThirdParty).where(ThirdParty.slug == "dhl-renamed")) is None


# --- retiring and reinstating -------------------------------------------------------------


def test_a_retired_courier_is_not_offered_until_reinstated(app, admin_client, admin, ready_seller):
    dhl = _party_id(app, "dhl")
    # With an address: the pickup form is offered only once everything it needs is there.
    seller_client = client_as(app, ready_seller["email"])
    assert _couriers_offered(seller_client) == {"Sendparcel", "DHL"}

    assert admin_client.post(f"/admin/third-parties/{dhl}/retire").status_code == 302
    with app.app_context():
        assert db.session.get(ThirdParty, dhl).retired_at is not None
    [retired] = _events(app, "third_party.retire")
    assert (retired.actor_id, retired.subject_id) == (admin, dhl)
    assert _couriers_offered(seller_client) == {"Sendparcel"}

    assert admin_client.post(f"/admin/third-parties/{dhl}/reinstate").status_code == 302
    with app.app_context():
        assert db.session.get(ThirdParty, dhl).retired_at is None
    [reinstated] = _events(app, "third_party.reinstate")
    assert (reinstated.actor_id, reinstated.subject_id) == (admin, dhl)
    assert _couriers_offered(seller_client) == {"Sendparcel", "DHL"}


# --- who may reach the registry -----------------------------------------------------------


def _registry_routes(app) -> list[tuple[str, str]]:
    routes = routes_under(app, "/admin/third-parties")
    assert len(routes) >= 7, routes
    return routes


def _assert_registry_hidden(app, client) -> None:
    for method, url in _registry_routes(app):
        data = _party_form(slug="intruder", name="Intruder") if method == "POST" else None
        response = client.open(url, method=method, data=data)
        assert response.status_code == 404, (method, url)
    assert _party_count(app) == 3
    assert _active_names(app) == {"Sendparcel", "DHL", "WooCommerce"}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


@pytest.mark.parametrize("role", ["reviewer", "support"])
def test_other_staff_get_404_on_every_registry_route(app, role):
    with app.app_context():
        make_staff(f"{role}@example.com", role)
    _assert_registry_hidden(app, client_as(app, f"{role}@example.com"))


def test_sellers_get_404_on_every_registry_route(app, seller):
    _assert_registry_hidden(app, client_as(app, seller["email"]))


def test_anonymous_visitors_get_404_on_every_registry_route(app, client):
    _assert_registry_hidden(app, client)


def test_admins_reach_every_registry_route(app, admin_client):
    """The control for the 404s above: the same requests, as an admin, are answered."""
    for method, url in _registry_routes(app):
        data = _party_form(slug="intruder", name="Intruder") if method == "POST" else None
        response = admin_client.open(url, method=method, data=data)
        assert response.status_code in (200, 302), (method, url, response.status_code)

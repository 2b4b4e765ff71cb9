"""Disclosures required by law: recorded by an admin, shown and emailed to the seller unless
withheld, withheld ones reviewed on their date, and none of it reachable by anyone else."""

from __future__ import annotations

from datetime import timedelta

import lxml.html
import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.clock import local_today
from portal.extensions import db
from portal.sharing import services
from portal.sharing.models import Disclosure, DisclosureKind
from tests.support import body_text, client_as, make_staff, routes_under

AUTHORITY = "Royal Malaysia Police (PDRM), Commercial Crime Investigation Department"
LEGAL_BASIS = "Section 111 of the Criminal Procedure Code"
REFERENCE = "PDRM/JSJK/2026/0417"
REASON = "An investigation is open; telling the seller would prejudice it."


@pytest.fixture
def admin(app):
    with app.app_context():
        return make_staff("admin@example.com", "admin").id


@pytest.fixture
def admin_client(app, admin):
    return client_as(app, "admin@example.com")


@pytest.fixture
def seller_client(app, seller):
    return client_as(app, seller["email"])


def _days_from_today(app, days: int) -> str:
    with app.app_context():
        return (local_today() + timedelta(days=days)).isoformat()


def _form(app, seller_email: str, **overrides) -> dict:
    form = {
        "seller_email": seller_email,
        "authority": AUTHORITY,
        "legal_basis": LEGAL_BASIS,
        "reference": REFERENCE,
        "disclosed_on": _days_from_today(app, -2),
        "categories": ["name", "phone"],
        "documents_released": "Account details and the last three pickups.",
    }
    form.update(overrides)
    return {key: value for key, value in form.items() if value is not None}


def _withheld_form(app, seller_email: str, **overrides) -> dict:
    withheld = {"withheld": "y", "withheld_reason": REASON, "review_on": _days_from_today(app, 30)}
    return _form(app, seller_email, **{**withheld, **overrides})


def _record(app, admin_client, form: dict) -> int:
    response = admin_client.post("/admin/disclosures/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        return db.session.scalar(select(func.max(Disclosure.id)))


def _disclosure(app, disclosure_id: int) -> Disclosure:
    with app.app_context():
        item = db.session.get(Disclosure, disclosure_id)
        db.session.expunge(item)
        return item


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).all()
        db.session.expunge_all()
        return list(events)


def _seller_page(client, query: str = "") -> str:
    response = client.get("/account/disclosures" + query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _legal_emails(mailbox, to: str) -> list:
    return [m for m in mailbox.messages(to=to) if "because the law required it" in m["Subject"]]


def _admin_home_due(admin_client) -> str | None:
    """The figure in the admin home's "Legal disclosures due for review" card, if shown."""
    page = lxml.html.fromstring(admin_client.get("/admin/").get_data(as_text=True))
    cards = page.xpath('//section[h2[normalize-space()="Legal disclosures due for review"]]')
    if not cards:
        return None
    return cards[0].xpath('.//p[contains(@class, "figure")]')[0].text_content().strip()


def _due_section(admin_client) -> list[str]:
    """The links listed under "Withheld, due for review" on /admin/disclosures."""
    page = lxml.html.fromstring(admin_client.get("/admin/disclosures").get_data(as_text=True))
    sections = page.xpath('//section[h2[normalize-space()="Withheld, due for review"]]')
    if not sections:
        return []
    return [link.get("href") for link in sections[0].xpath(".//li/a")]


# --- recording one the seller sees --------------------------------------------------------


def test_a_recorded_disclosure_is_stored_audited_emailed_and_shown(
    app, admin_client, admin, seller, seller_client, mailbox
):
    response = admin_client.post("/admin/disclosures/new", data=_form(app, seller["email"]))
    assert response.status_code == 302
    with app.app_context():
        item = db.session.scalar(select(Disclosure))
        assert response.headers["Location"] == f"/admin/disclosures/{item.id}"
        assert item.kind == DisclosureKind.LEGAL
        assert (item.user_id, item.recorded_by) == (seller["id"], admin)
        assert (item.recipient, item.legal_basis, item.reference) == (
            AUTHORITY,
            LEGAL_BASIS,
            REFERENCE,
        )
        assert item.categories == ["name", "phone"]
        assert item.withheld is False
        item_id = item.id
    [event] = _events(app, "legal_disclosure.record")
    assert (event.actor_id, event.subject_type, event.subject_id) == (admin, "disclosure", item_id)

    [message] = _legal_emails(mailbox, seller["email"])
    assert AUTHORITY in body_text(message)

    page = _seller_page(seller_client)
    for shown in (AUTHORITY, LEGAL_BASIS, REFERENCE):
        assert shown in page


# --- withheld ones ------------------------------------------------------------------------


def test_a_withheld_disclosure_is_hidden_from_the_seller(
    app, admin_client, seller, seller_client, mailbox
):
    item_id = _record(app, admin_client, _withheld_form(app, seller["email"]))
    assert _disclosure(app, item_id).withheld is True

    assert _legal_emails(mailbox, seller["email"]) == []
    for query in ("", "?party=legal"):
        page = _seller_page(seller_client, query)
        assert AUTHORITY not in page
        assert REFERENCE not in page
    with app.app_context():
        assert services.disclosures_for(seller["id"]) == ([], False)


def test_a_withheld_disclosure_is_shown_to_the_admin_with_its_reason(app, admin_client, seller):
    item_id = _record(app, admin_client, _withheld_form(app, seller["email"]))

    listing = admin_client.get("/admin/disclosures").get_data(as_text=True)
    assert AUTHORITY in listing
    assert f"/admin/disclosures/{item_id}" in listing
    assert "Withheld until review on" in listing

    detail = admin_client.get(f"/admin/disclosures/{item_id}")
    assert detail.status_code == 200
    text = detail.get_data(as_text=True)
    assert REASON in text
    assert seller["email"] in text
    assert "Withheld" in text


# --- what the form refuses ----------------------------------------------------------------


def _assert_refused(app, admin_client, form: dict, message: str) -> None:
    response = admin_client.post("/admin/disclosures/new", data=form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _count(app, Disclosure) == 0
    assert _events(app, "legal_disclosure.record") == []


def test_withholding_needs_a_reason(app, admin_client, seller):
    form = _withheld_form(app, seller["email"], withheld_reason="")
    _assert_refused(app, admin_client, form, "Give the reason the seller may not be told.")


def test_withholding_needs_a_review_date(app, admin_client, seller):
    form = _withheld_form(app, seller["email"], review_on="")
    _assert_refused(app, admin_client, form, "Choose the day this decision must be reviewed.")


@pytest.mark.parametrize("days", [0, -1])
def test_the_review_date_must_be_after_today(app, admin_client, seller, days):
    form = _withheld_form(app, seller["email"], review_on=_days_from_today(app, days))
    _assert_refused(app, admin_client, form, "Choose a review day after today.")


def test_a_disclosure_cannot_be_dated_in_the_future(app, admin_client, seller):
    form = _form(app, seller["email"], disclosed_on=_days_from_today(app, 1))
    _assert_refused(app, admin_client, form, "A disclosure cannot be dated in the future.")


def test_an_unknown_email_is_refused(app, admin_client, seller):
    form = _form(app, "nobody@example.com")
    _assert_refused(app, admin_client, form, "No seller has this email.")


def test_a_staff_email_is_not_a_seller(app, admin_client, seller):
    with app.app_context():
        make_staff("support@example.com", "support")
    for email in ("support@example.com", "admin@example.com"):
        _assert_refused(app, admin_client, _form(app, email), "No seller has this email.")


# --- review of withheld ones --------------------------------------------------------------


def _make_due(app, item_id: int) -> None:
    with app.app_context():
        item = db.session.get(Disclosure, item_id)
        item.review_on = local_today() - timedelta(days=1)
        db.session.commit()


def test_a_withheld_disclosure_comes_up_for_review_on_its_date(app, admin_client, seller):
    item_id = _record(app, admin_client, _withheld_form(app, seller["email"]))
    assert _due_section(admin_client) == []
    assert _admin_home_due(admin_client) in (None, "0")

    _make_due(app, item_id)
    assert _due_section(admin_client) == [f"/admin/disclosures/{item_id}"]
    assert _admin_home_due(admin_client) == "1"


def test_releasing_a_due_disclosure_shows_and_emails_it_to_the_seller(
    app, admin_client, admin, seller, seller_client, mailbox
):
    item_id = _record(app, admin_client, _withheld_form(app, seller["email"]))
    _make_due(app, item_id)

    response = admin_client.post(f"/admin/disclosures/{item_id}/release")
    assert response.status_code == 302
    item = _disclosure(app, item_id)
    assert (item.withheld, item.withheld_reason, item.review_on) == (False, None, None)
    [event] = _events(app, "legal_disclosure.release")
    assert (event.actor_id, event.subject_id) == (admin, item_id)

    [message] = _legal_emails(mailbox, seller["email"])
    assert AUTHORITY in body_text(message)
    page = _seller_page(seller_client)
    assert AUTHORITY in page
    assert REFERENCE in page

    assert _due_section(admin_client) == []
    assert _admin_home_due(admin_client) in (None, "0")


def test_keeping_it_withheld_sets_the_next_review(app, admin_client, admin, seller, seller_client):
    item_id = _record(app, admin_client, _withheld_form(app, seller["email"]))
    _make_due(app, item_id)
    next_review = _days_from_today(app, 60)

    response = admin_client.post(
        f"/admin/disclosures/{item_id}/keep-withheld",
        data={"withheld_reason": "The court order was extended.", "review_on": next_review},
    )
    assert response.status_code == 302
    item = _disclosure(app, item_id)
    assert item.withheld is True
    assert item.withheld_reason == "The court order was extended."
    assert item.review_on.isoformat() == next_review
    [event] = _events(app, "legal_disclosure.keep_withheld")
    assert (event.actor_id, event.subject_id) == (admin, item_id)
    assert next_review in event.detail

    assert AUTHORITY not in _seller_page(seller_client)
    assert _due_section(admin_client) == []


def test_keeping_it_withheld_with_a_past_date_changes_nothing(app, admin_client, seller):
    item_id = _record(app, admin_client, _withheld_form(app, seller["email"]))
    _make_due(app, item_id)
    before = _disclosure(app, item_id)

    response = admin_client.post(
        f"/admin/disclosures/{item_id}/keep-withheld",
        data={"withheld_reason": "Another reason.", "review_on": _days_from_today(app, -3)},
    )
    assert response.status_code == 400
    assert "Choose a review day after today." in response.get_data(as_text=True)
    after = _disclosure(app, item_id)
    assert (after.withheld, after.withheld_reason, after.review_on) == (
        True,
        REASON,
        before.review_on,
    )
    assert _events(app, "legal_disclosure.keep_withheld") == []


def test_keeping_it_withheld_needs_a_review_date(app, admin_client, seller):
    item_id = _record(app, admin_client, _withheld_form(app, seller["email"]))
    before = _disclosure(app, item_id)

    response = admin_client.post(
        f"/admin/disclosures/{item_id}/keep-withheld",
        data={"withheld_reason": "Another reason.", "review_on": ""},
    )
    assert response.status_code == 400
    assert "Choose the day this decision must be reviewed." in response.get_data(as_text=True)
    after = _disclosure(app, item_id)
    assert (after.withheld_reason, after.review_on) == (REASON, before.review_on)


# --- other sellers, other roles -----------------------------------------------------------


def test_a_seller_never_sees_another_sellers_legal_disclosure(
    app, admin_client, seller, other_seller, seller_client, mailbox
):
    _record(app, admin_client, _form(app, other_seller["email"]))
    assert len(_legal_emails(mailbox, other_seller["email"])) == 1

    assert _legal_emails(mailbox, seller["email"]) == []
    for query in ("", "?party=legal"):
        page = _seller_page(seller_client, query)
        assert AUTHORITY not in page
        assert REFERENCE not in page
    assert AUTHORITY in _seller_page(client_as(app, other_seller["email"]))


def _disclosure_routes(app) -> list[tuple[str, str]]:
    routes = routes_under(app, "/admin/disclosures")
    assert len(routes) >= 6, routes
    return routes


@pytest.fixture
def withheld_one(app, admin_client, seller):
    """Disclosure 1: withheld, due, so every route with an id has something to act on."""
    item_id = _record(app, admin_client, _withheld_form(app, seller["email"]))
    assert item_id == 1
    _make_due(app, item_id)
    return item_id


def _assert_disclosures_hidden(app, client) -> None:
    for method, url in _disclosure_routes(app):
        data = (
            _form(app, "seller@example.com")
            | {"withheld_reason": "x", "review_on": _days_from_today(app, 9)}
            if method == "POST"
            else None
        )
        response = client.open(url, method=method, data=data)
        assert response.status_code == 404, (method, url)
    assert _count(app, Disclosure) == 1
    assert _disclosure(app, 1).withheld is True
    assert _events(app, "legal_disclosure.release") == []
    assert _events(app, "legal_disclosure.keep_withheld") == []


@pytest.mark.parametrize("role", ["reviewer", "support"])
def test_other_staff_get_404_on_every_disclosure_route(app, withheld_one, role):
    with app.app_context():
        make_staff(f"{role}@example.com", role)
    _assert_disclosures_hidden(app, client_as(app, f"{role}@example.com"))


def test_sellers_get_404_on_every_disclosure_route(app, withheld_one, seller):
    _assert_disclosures_hidden(app, client_as(app, seller["email"]))


def test_anonymous_visitors_get_404_on_every_disclosure_route(app, withheld_one, client):
    _assert_disclosures_hidden(app, client)


def test_admins_reach_every_disclosure_route(app, withheld_one, admin_client):
    """The control for the 404s above."""
    for method, url in _disclosure_routes(app):
        if url.endswith("/release"):
            continue  # would release disclosure 1 before keep-withheld is tried
        response = admin_client.get(url) if method == "GET" else admin_client.post(url, data={})
        assert response.status_code in (200, 302, 400), (method, url, response.status_code)


def test_a_transfer_is_not_a_legal_disclosure_even_for_admins(app, admin_client, seller):
    with app.app_context():
        transfer = Disclosure(
            user_id=seller["id"],
            kind=DisclosureKind.TRANSFER,
            third_party_id=services.party_by_slug("dhl").id,
            recipient="DHL",
            categories=["address", "name", "phone"],
            purpose="Collect a parcel.",
            reference="KS-ABCDEFGHJK",
            outcome="accepted",
        )
        db.session.add(transfer)
        db.session.commit()
        transfer_id = transfer.id

    assert admin_client.get(f"/admin/disclosures/{transfer_id}").status_code == 404
    assert admin_client.post(f"/admin/disclosures/{transfer_id}/release").status_code == 404
    response = admin_client.post(
        f"/admin/disclosures/{transfer_id}/keep-withheld",
        data={"withheld_reason": "x", "review_on": _days_from_today(app, 9)},
    )
    assert response.status_code == 404
    assert "KS-ABCDEFGHJK" not in admin_client.get("/admin/disclosures").get_data(as_text=True)
    item = _disclosure(app, transfer_id)
    assert (item.kind, item.withheld, item.withheld_reason) == ("transfer", False, None)

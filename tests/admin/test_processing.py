"""The record of processing (/admin/processing and its CSV), generated from the data map, the
registry and the retention rules; the registry's contract and transfer terms (PDPA s.129,
s.12B) through the real form; the transfer reviews due on the back-office home; and what the
Data Protection Officer may do."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import lxml.html
import pytest
from freezegun import freeze_time
from sqlalchemy import select

from portal import datamap
from portal.admin.permissions import MATRIX, Permission, allowed
from portal.clock import local_today
from portal.datamap import Category, Personal
from portal.extensions import db
from portal.sharing.abroad import BASES, TransferBasis
from portal.sharing.models import TRANSFER_BASES, ThirdParty
from tests.support import client_as, make_staff, without_tokens


@pytest.fixture
def admin_client(app):
    with app.app_context():
        make_staff("admin@example.com", "admin")
    return client_as(app, "admin@example.com")


@pytest.fixture
def dpo_client(app):
    with app.app_context():
        make_staff("dpo@example.com", "dpo")
    return client_as(app, "dpo@example.com")


def _party(app, slug: str) -> ThirdParty:
    with app.app_context():
        party = db.session.scalar(select(ThirdParty).where(ThirdParty.slug == slug))
        db.session.expunge(party)
        return party


def _edit_form(party: ThirdParty, **overrides) -> dict:
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


def _html(response) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(response.get_data(as_text=True))


# --- the registry's new terms, through the form ---------------------------------------------


def _typed(day: date) -> str:
    return f"{day.day}/{day.month}/{day.year}"


def _today(app) -> date:
    with app.app_context():
        return local_today()


def test_the_terms_are_saved_through_the_form(app, admin_client):
    woo = _party(app, "woocommerce")  # seeded in the United States
    form = _edit_form(
        woo,
        contract_reference="DPA-2026-014",
        contract_signed_on="3/2/2026",
        breach_notice_hours="24",
        transfer_basis="due_diligence",
        transfer_review_on="1/3/2099",
    )
    response = admin_client.post(f"/admin/third-parties/{woo.id}", data=form)
    assert response.status_code == 302
    saved = _party(app, "woocommerce")
    assert saved.contract_reference == "DPA-2026-014"
    assert saved.contract_signed_on == date(2026, 2, 3)
    assert saved.breach_notice_hours == 24
    assert saved.transfer_basis == "due_diligence"
    assert saved.transfer_review_on == date(2099, 3, 1)
    # The form shows them back as they were typed.
    page = _html(admin_client.get(f"/admin/third-parties/{woo.id}"))
    assert page.xpath('string(//input[@name="contract_signed_on"]/@value)') == "3/2/2026"
    assert page.xpath('string(//select[@name="transfer_basis"]/option[@selected]/@value)') == (
        "due_diligence"
    )


def test_a_party_in_malaysia_needs_no_transfer_basis(app, admin_client):
    dhl = _party(app, "dhl")
    form = _edit_form(dhl, transfer_basis="consent", transfer_review_on="1/1/2099")
    assert admin_client.post(f"/admin/third-parties/{dhl.id}", data=form).status_code == 302
    saved = _party(app, "dhl")
    assert (saved.transfer_basis, saved.transfer_review_on) == (None, None)


TODAY, TOMORROW = "today", "tomorrow"  # filled in by the test, from the portal's clock


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"transfer_review_on": "1/1/2028"}, "transfer_basis", "Choose the basis for sending"),
        ({"transfer_basis": "consent"}, "transfer_review_on", "Choose the day this"),
        (
            {"transfer_basis": "consent", "transfer_review_on": TODAY},
            "transfer_review_on",
            "Choose a review day after today.",
        ),
        (
            {"transfer_basis": "whitelist", "transfer_review_on": "1/1/2028"},
            "transfer_basis",
            "Not a valid choice",
        ),
        ({"breach_notice_hours": "a day"}, "breach_notice_hours", "Enter a whole number of hours"),
        ({"breach_notice_hours": "96"}, "breach_notice_hours", "from 1 to 72"),
        ({"breach_notice_hours": "0"}, "breach_notice_hours", "from 1 to 72"),
        ({"contract_reference": "DPA-1"}, "contract_signed_on", "Enter the date of the contract."),
        ({"contract_signed_on": "1/2/2026"}, "contract_reference", "Enter the contract"),
        (
            {"contract_reference": "DPA-1", "contract_signed_on": TOMORROW},
            "contract_signed_on",
            "cannot be dated in the future",
        ),
        (
            {"contract_reference": "DPA-1", "contract_signed_on": "31/2/2026"},
            "contract_signed_on",
            "as day/month/year",
        ),
    ],
)
def test_bad_terms_are_refused_and_what_was_typed_is_kept(
    app, admin_client, overrides, field, message
):
    today = _today(app)
    days = {TODAY: _typed(today), TOMORROW: _typed(today + timedelta(days=1))}
    overrides = {name: days.get(value, value) for name, value in overrides.items()}
    woo = _party(app, "woocommerce")
    form = _edit_form(woo, name="WooCommerce Inc.", **overrides)
    response = admin_client.post(f"/admin/third-parties/{woo.id}", data=form)
    assert response.status_code == 400
    page = _html(response)
    assert message in page.xpath(f'string(//p[@id="{field}-error"])')
    assert page.xpath('string(//input[@name="name"]/@value)') == "WooCommerce Inc."
    for name, value in overrides.items():
        if name == "transfer_basis":
            continue  # an unknown choice cannot be shown selected
        assert page.xpath(f'string(//input[@name="{name}"]/@value)') == value, name
    unchanged = _party(app, "woocommerce")
    assert (unchanged.name, unchanged.contract_reference, unchanged.transfer_basis) == (
        "WooCommerce",
        None,
        None,
    )


def test_the_bases_are_the_schemas_and_cite_section_129():
    assert tuple(basis.value for basis in TransferBasis) == TRANSFER_BASES
    assert set(BASES) == set(TransferBasis)
    assert all(str(label).startswith("s.129(") for label in BASES.values())


# --- the review due on the back-office home --------------------------------------------------


def _set_review(app, slug: str, basis: str | None, review_on: date | None) -> None:
    with app.app_context():
        party = db.session.scalar(select(ThirdParty).where(ThirdParty.slug == slug))
        party.transfer_basis, party.transfer_review_on = basis, review_on
        db.session.commit()


def _due_card(client) -> lxml.html.HtmlElement | None:
    found = _html(client.get("/admin/")).xpath('//section[@id="transfers-due"]')
    return found[0] if found else None


@pytest.mark.parametrize("role", ["admin", "dpo"])
def test_a_review_comes_up_on_the_home_page_on_its_day(app, role):
    with app.app_context():
        make_staff(f"{role}@example.com", role)
    _set_review(app, "woocommerce", "consent", date(2027, 5, 1))
    # Each moment logs in afresh: a staff session would not outlive the jumps in time.
    with freeze_time("2027-04-30 15:59:00"):  # 23:59 on 30 April in Malaysia
        card = _due_card(client_as(app, f"{role}@example.com"))
        assert "No transfer basis is due for review." in card.text_content()
        assert "WooCommerce" not in card.text_content()
    with freeze_time("2027-04-30 16:00:00"):  # midnight: 1 May in Malaysia
        card = _due_card(client_as(app, f"{role}@example.com"))
        text = " ".join(card.text_content().split())
        assert "WooCommerce, United States" in text
        assert "review due since 1 May 2027" in text
    with freeze_time("2027-06-01 04:00:00"):  # past: still due until reviewed
        assert "WooCommerce" in _due_card(client_as(app, f"{role}@example.com")).text_content()
    # Only admins, who keep the registry, get the link to the party's form.
    links = card.xpath('.//a[contains(@href, "/admin/third-parties/")]')
    assert bool(links) == (role == "admin")


def test_a_party_abroad_without_a_basis_is_due_and_a_retired_one_is_not(app, admin_client):
    woo = _party(app, "woocommerce")
    text = " ".join(_due_card(admin_client).text_content().split())
    assert "WooCommerce, United States no basis recorded" in text
    admin_client.post(f"/admin/third-parties/{woo.id}/retire")
    assert "WooCommerce" not in _due_card(admin_client).text_content()


@pytest.mark.parametrize("role", ["reviewer", "support"])
def test_other_staff_do_not_see_the_reviews(app, role):
    with app.app_context():
        make_staff(f"{role}@example.com", role)
    assert _due_card(client_as(app, f"{role}@example.com")) is None


# --- the record of processing ----------------------------------------------------------------


def _rows(client) -> dict[str, lxml.html.HtmlElement]:
    response = client.get("/admin/processing")
    assert response.status_code == 200
    return {row.get("data-category"): row for row in _html(response).xpath("//tbody/tr")}


def _csv(client) -> list[dict[str, str]]:
    response = client.get("/admin/processing.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_every_category_of_the_data_map_is_a_line(app, admin_client):
    entries = (*datamap.PERSONAL.values(), *datamap.STORED_FILES.values())
    used = {str(entry.category) for entry in (*entries, *datamap.OTHER_FILES.values())}
    rows = _rows(admin_client)
    assert set(rows) == used
    address = " ".join(rows["address"].text_content().split())
    assert "collection and returns" in address  # the column's purpose in the data map
    assert "Consent (PDPA s.6(1)(a))" in address  # the category's basis in the data map
    assert "Sendparcel" in address and "DHL" in address  # the registry: couriers get addresses
    assert "WooCommerce" not in address  # it receives no address
    assert "While your account is active" in address  # the retention rule
    financial = rows["financial"].text_content()
    assert "Kept by Koopseri only" in financial  # nobody receives bank details


def test_a_new_column_and_party_appear_without_touching_the_record(app, admin_client, monkeypatch):
    monkeypatch.setitem(
        datamap.PERSONAL,
        "loyalty_cards.number",
        Personal(Category.FINANCIAL, "reward loyal sellers", datamap.Retention.MAIL),
    )
    monkeypatch.setitem(
        datamap.PERSONAL,
        "fingerprints.template",
        Personal("biometric", "unlock the app"),  # a category the policy does not have yet
    )
    monkeypatch.setitem(datamap.LEGAL_BASES, "biometric", (datamap.LegalBasis.CONSENT,))
    response = admin_client.post(
        "/admin/third-parties/new",
        data={
            "name": "Paylater Pte Ltd",
            "slug": "paylater",
            "service": "Lends sellers money against their sales.",
            "purpose": "Decide a seller's loan.",
            "categories": ["financial", "name"],
            "country": "SG",
            "privacy_url": "https://paylater.example/privacy",
            "transfer_basis": "consent",
            "transfer_review_on": "1/1/2099",
            "breach_notice_hours": "48",
        },
    )
    assert response.status_code == 302
    rows = _rows(admin_client)
    financial = " ".join(rows["financial"].text_content().split())
    assert "reward loyal sellers" in financial
    assert "Paylater Pte Ltd, Singapore" in financial
    assert "s.129(3)(a)" in financial and "review on 1 Jan 2099" in financial
    assert "reports a breach within 48 hours" in financial
    assert "24 months after sending" in financial  # the MAIL rule, from the settings
    assert "unlock the app" in rows["biometric"].text_content()

    lines = {line["Category of personal data"]: line for line in _csv(admin_client)}
    assert "reward loyal sellers" in lines["Financial details"]["Purposes"]
    assert "Paylater Pte Ltd" in lines["Financial details"]["Recipients"]
    assert lines["Financial details"]["Countries"] == "Singapore"
    assert (
        "Paylater Pte Ltd: s.129(3)(a)"
        in lines["Financial details"]["Basis for transfer abroad (PDPA s.129)"]
    )
    assert "biometric" in lines


def test_the_csv_has_a_row_per_category_in_the_readers_language(app, admin_client):
    lines = _csv(admin_client)
    assert [line["Category of personal data"] for line in lines][:2] == ["Name", "Photographs"]
    address = next(line for line in lines if line["Category of personal data"] == "Address")
    assert set(address["Recipients"].split("; ")) == {"Sendparcel", "DHL"}
    assert address["Countries"] == "Malaysia"
    assert address["Basis for transfer abroad (PDPA s.129)"] == "No transfer abroad"
    email = next(line for line in lines if line["Category of personal data"] == "Email")
    assert "WooCommerce: not recorded" in email["Basis for transfer abroad (PDPA s.129)"]

    malay = admin_client.get("/admin/processing.csv", headers={"Accept-Language": "ms"})
    header = next(csv.reader(io.StringIO(malay.get_data(as_text=True))))
    assert header[0] == "Kategori data peribadi"


def test_a_party_name_cannot_become_a_spreadsheet_formula(app, admin_client):
    woo = _party(app, "woocommerce")
    form = _edit_form(woo, name="=HYPERLINK(1)", transfer_basis="consent")
    form["transfer_review_on"] = "1/1/2099"
    assert admin_client.post(f"/admin/third-parties/{woo.id}", data=form).status_code == 302
    raw = admin_client.get("/admin/processing.csv").get_data(as_text=True)
    assert "'=HYPERLINK(1)" in raw
    assert "\n=HYPERLINK" not in raw and ",=HYPERLINK" not in raw


def test_the_dpo_reads_the_record(app, dpo_client):
    assert dpo_client.get("/admin/processing").status_code == 200
    assert dpo_client.get("/admin/processing.csv").status_code == 200
    home = without_tokens(dpo_client.get("/admin/"))
    assert 'href="/admin/processing"' in home
    assert 'href="/admin/staff"' not in home  # the oversight card shows only what they may open


@pytest.mark.parametrize("role", ["reviewer", "support"])
def test_other_staff_get_404(app, role):
    with app.app_context():
        make_staff(f"{role}@example.com", role)
    client = client_as(app, f"{role}@example.com")
    assert client.get("/admin/processing").status_code == 404
    assert client.get("/admin/processing.csv").status_code == 404


def test_sellers_and_visitors_get_404(app, client, seller):
    assert client.get("/admin/processing.csv").status_code == 404
    seller_client = client_as(app, seller["email"])
    assert seller_client.get("/admin/processing").status_code == 404


# --- what the Data Protection Officer may do --------------------------------------------------

# The issue: the DPO "works requests and breaches and reads the audit trail"; the record of
# processing is theirs to read. Keeping the registry, the policy, legal disclosures, the
# sellers' accounts and the staff stay with the roles that had them.
DPO_MAY = {
    Permission.HOME,
    Permission.SET_UP_TWO_FACTOR,
    Permission.SEARCH_SELLERS,
    Permission.READ_AUDIT,
    Permission.READ_PROCESSING,
}
DPO_MAY_NOT = {
    Permission.REVIEW_DOCUMENTS,
    Permission.HANDLE_MINOR_REPORTS,
    Permission.OPERATE_MAIL,
    Permission.REACH_SELLERS,
    Permission.REVEAL_SELLER_DATA,
    Permission.TERMINATE_ACCOUNTS,
    Permission.REOPEN_ACCOUNTS,
    Permission.LIFT_FREEZE,
    Permission.CONFIRM_ERASURE,
    Permission.PUBLISH_POLICY,
    Permission.KEEP_REGISTRY,
    Permission.RECORD_DISCLOSURES,
    Permission.MANAGE_STAFF,
}


def test_what_the_dpo_may_and_may_not_do():
    assert {p for p in DPO_MAY if allowed("dpo", p)} == DPO_MAY
    assert {p for p in DPO_MAY_NOT if allowed("dpo", p)} == set()
    assert MATRIX[Permission.READ_PROCESSING] == {"admin", "dpo"}

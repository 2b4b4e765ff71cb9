"""Business details: how the seller sells decides what is asked; each number is checked and a
bad one saves nothing and says why, in English and in Malay; the TIN is encrypted, masked
everywhere but behind the password, masked in the history; the section is in the export
and on the staff's seller page; verification reads it through standing."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from flask_babel import force_locale
from sqlalchemy import text

from portal.extensions import db
from portal.malaysia.errors import MESSAGES
from portal.profile import services
from portal.profile.business_forms import REQUIRED_MESSAGES
from tests.support import PASSWORD, expire_reauth, make_staff

URL = "/profile/business"
TIN = "C23456789010"  # as LHDN writes it: the trailing 0 included
COMPANY = {
    "business-selling_as": "company",
    "business-business_name": "Batik Mei Ling Sdn Bhd",
    "business-ssm_number": "202001012345",
    "business-tin": TIN,
}
KINDS = {
    "individual": "An individual",
    "business": "A registered business (sole proprietor or partnership)",
    "company": "A company (Sdn Bhd or Bhd)",
    "llp": "A limited liability partnership (LLP)",
}
# A registered number of each kind (the entity code is the 5th and 6th digits).
SSM = {"business": "202003012345", "company": "202001012345", "llp": "202004012345"}


def _row(app, seller_id):
    with app.app_context():
        return (
            db.session.execute(
                text("SELECT * FROM business_details WHERE user_id = :id"), {"id": seller_id}
            )
            .mappings()
            .one_or_none()
        )


def _words(page: str) -> str:
    """The page as read: tags dropped, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split()).replace(" )", ")").replace("( ", "(")


def _facts(app, seller_id):
    with app.app_context():
        return services.standing(seller_id).business


def _in_malay(app, message) -> str:
    with app.test_request_context(), force_locale("ms"):
        translated = str(message)
    with app.test_request_context():
        assert translated != str(message), "the catalogue has no Malay for it"
    return translated


# --- the page ----------------------------------------------------------------------------------


def test_the_page_asks_how_the_seller_sells_with_every_field_labelled(browser):
    page = browser.get(URL)
    assert "How do you sell on Koopseri?" in page
    for label in KINDS.values():
        assert label in page
    for label in (
        "Registered business name",
        "SSM registration number",
        "Old SSM registration number (optional)",
        "Tax identification number (TIN)",
        "Registered for SST (sales and service tax)",
        "SST registration number",
    ):
        assert f">{label}</label>" in page, label
    assert 'name="csrf_token"' in page


def test_before_saving_the_profile_offers_the_section_and_facts_say_it_is_missing(
    app, browser, seller
):
    summary = browser.get("/profile")
    assert "Business details" in summary and 'href="/profile/business"' in summary
    facts = _facts(app, seller["id"])
    assert (facts.selling_as, facts.complete, facts.missing) == (None, False, ["selling_as"])
    assert not facts.needs_registration_document


# --- each way of selling -----------------------------------------------------------------------


def test_an_individual_gives_nothing_more(app, browser, seller):
    response = browser.submit(URL, {"business-selling_as": "individual"})
    assert response.status_code == 302
    row = _row(app, seller["id"])
    assert row["selling_as"] == "individual" and row["tin"] is None
    facts = _facts(app, seller["id"])
    assert (facts.complete, facts.missing, facts.needs_registration_document) == (True, [], False)
    assert "An individual" in browser.get("/profile")


def test_an_individual_may_give_a_tin(app, browser, seller):
    browser.submit(URL, {"business-selling_as": "individual", "business-tin": "ig 12345678090"})
    assert _row(app, seller["id"])["tin_last4"] == "8090"


@pytest.mark.parametrize("kind", ["business", "company", "llp"])
def test_a_registered_seller_gives_name_ssm_number_and_tin(app, browser, seller, kind):
    response = browser.submit(
        URL,
        {
            "business-selling_as": kind,
            "business-business_name": "Kedai Batik Mei Ling",
            "business-ssm_number": SSM[kind],
            "business-tin": TIN,
        },
    )
    assert response.status_code == 302
    row = _row(app, seller["id"])
    assert (row["selling_as"], row["business_name"], row["ssm_number"]) == (
        kind,
        "Kedai Batik Mei Ling",
        SSM[kind],
    )
    facts = _facts(app, seller["id"])
    assert facts.complete and facts.missing == []
    assert facts.needs_registration_document
    assert facts.business_name == "Kedai Batik Mei Ling"
    summary = browser.get("/profile")
    assert KINDS[kind] in summary and SSM[kind] in summary


@pytest.mark.parametrize("kind", ["business", "company", "llp"])
def test_a_registered_seller_must_give_each_required_value(app, browser, seller, kind):
    response = browser.submit(URL, {"business-selling_as": kind})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for field in ("business_name", "ssm_number", "tin"):
        assert str(REQUIRED_MESSAGES[field]) in page, field
    assert "Nothing has been saved yet." in page
    assert _row(app, seller["id"]) is None


def test_choosing_how_one_sells_is_required(app, browser, seller):
    response = browser.submit(URL, {"business-business_name": "Kedai Batik"})
    assert response.status_code == 400
    assert "Choose how you sell on Koopseri." in response.get_data(as_text=True)
    assert _row(app, seller["id"]) is None


def test_the_old_ssm_number_is_accepted_and_shown_beside_the_new(app, browser, seller):
    browser.submit(URL, {**COMPANY, "business-ssm_old_number": "1234567-a"})
    row = _row(app, seller["id"])
    assert (row["ssm_number"], row["ssm_old_number"]) == ("202001012345", "1234567-A")
    assert "202001012345 (old number: 1234567-A)" in _words(browser.get("/profile"))

    # Only the old number: accepted, and shown alone.
    browser.submit(URL, {**COMPANY, "business-ssm_number": "1234567-A", "business-tin": ""})
    row = _row(app, seller["id"])
    assert (row["ssm_number"], row["ssm_old_number"]) == (None, "1234567-A")
    assert _facts(app, seller["id"]).complete


def test_two_numbers_of_one_format_are_refused(app, browser, seller):
    response = browser.submit(URL, {**COMPANY, "business-ssm_old_number": "202001099999"})
    assert response.status_code == 400
    assert "Both numbers are in the same format." in response.get_data(as_text=True)
    assert _row(app, seller["id"]) is None


# --- bad numbers: nothing saved, the reason said, what was typed kept ---------------------------


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        ({"business-ssm_number": "12345"}, "ssm_format"),
        ({"business-ssm_number": "202003012345"}, "ssm_type"),  # a business's, not a company's
        ({"business-tin": "12345"}, "tin_format"),
        ({"business-sst_registered": "y", "business-sst_number": "W10-18"}, "sst_format"),
    ],
)
def test_a_bad_number_saves_nothing_and_says_why_in_english_and_malay(
    app, browser, seller, bad, code
):
    browser.submit(URL, {"business-selling_as": "individual"})
    before = dict(_row(app, seller["id"]))

    response = browser.submit(URL, {**COMPANY, **bad})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    with app.test_request_context():
        english = str(MESSAGES[code])
    assert english in page
    assert "Nothing has been saved yet." in page
    typed = next(iter(bad.values())) if len(bad) == 1 else bad["business-sst_number"]
    assert f'value="{typed}"' in page  # what was typed is kept
    assert 'value="Batik Mei Ling Sdn Bhd"' in page
    assert dict(_row(app, seller["id"])) == before

    browser.submit("/language", {"language": "ms", "next": URL}, page=URL)
    malay = browser.client.post(URL, data={})  # no token: refused, and nothing saved
    assert malay.status_code == 400
    response = browser.submit(URL, {**COMPANY, **bad})
    assert _in_malay(app, MESSAGES[code]) in response.get_data(as_text=True)
    assert dict(_row(app, seller["id"])) == before


def test_sst_registered_needs_its_number_and_unregistered_keeps_none(app, browser, seller):
    response = browser.submit(URL, {**COMPANY, "business-sst_registered": "y"})
    assert response.status_code == 400
    assert str(REQUIRED_MESSAGES["sst_number"]) in response.get_data(as_text=True)

    browser.submit(
        URL,
        {**COMPANY, "business-sst_registered": "y", "business-sst_number": "w10-1808-32000123"},
    )
    row = _row(app, seller["id"])
    assert (row["sst_registered"], row["sst_number"]) == (True, "W10-1808-32000123")
    assert "Registered: W10-1808-32000123" in browser.get("/profile")

    # Unticked: the number is not kept, whatever the box still holds.
    browser.submit(URL, {**COMPANY, "business-tin": "", "business-sst_number": "W10-1808-32000123"})
    row = _row(app, seller["id"])
    assert (row["sst_registered"], row["sst_number"]) == (False, None)


def test_becoming_an_individual_empties_the_business_values(app, browser, seller):
    browser.submit(URL, {**COMPANY, "business-ssm_old_number": "1234567-A"})
    browser.submit(URL, {**COMPANY, "business-selling_as": "individual", "business-tin": ""})
    row = _row(app, seller["id"])
    assert row["selling_as"] == "individual"
    assert (row["business_name"], row["ssm_number"], row["ssm_old_number"]) == (None, None, None)
    assert row["tin_last4"] == "9010"  # the TIN is the seller's own: kept


# --- the TIN -----------------------------------------------------------------------------------


def test_the_tin_is_encrypted_masked_and_shown_only_after_the_password(app, browser, seller):
    browser.submit(URL, COMPANY)
    row = _row(app, seller["id"])
    assert row["tin"].startswith("dev1:") and TIN not in str(dict(row))
    assert row["tin_last4"] == "9010"
    with app.app_context():
        assert services.business_of(seller["id"]).tin == TIN

    for url in ("/profile", URL, "/profile/history", "/profile/review", "/dashboard"):
        assert TIN not in browser.get(url), url
    assert "•••• 9010" in browser.get("/profile")
    assert "Leave empty to keep the TIN ending in 9010." in browser.get(URL)
    assert TIN in browser.get("/profile/business/tin")

    with app.app_context():
        expire_reauth(seller["id"])
    response = browser.client.get("/profile/business/tin")
    assert response.headers["Location"].startswith("/auth/confirm?next=/profile/business/tin")


def test_an_empty_tin_keeps_the_one_on_file_and_a_new_one_replaces_it(app, browser, seller):
    browser.submit(URL, COMPANY)
    browser.submit(URL, {**COMPANY, "business-tin": "", "business-business_name": "Batik ML"})
    with app.app_context():
        assert services.business_of(seller["id"]).tin == TIN
    browser.submit(URL, {**COMPANY, "business-tin": "C99999999010"})  # ends alike
    with app.app_context():
        assert services.business_of(seller["id"]).tin == "C99999999010"
    rows = [line for line in _history(app, seller["id"]) if line[0] == "tin"]
    assert rows == [("tin", None, "•••• 9010"), ("tin", "•••• 9010", "•••• 9010")]


def _history(app, seller_id):
    with app.app_context():
        return [
            tuple(row)
            for row in db.session.execute(
                text(
                    "SELECT field, old_value, new_value FROM profile_changes "
                    "WHERE user_id = :id ORDER BY id"
                ),
                {"id": seller_id},
            )
        ]


def test_the_history_names_each_change_with_the_tin_masked(app, browser, seller):
    browser.submit(URL, {"business-selling_as": "individual"})
    browser.submit(URL, COMPANY)
    stored = _history(app, seller["id"])
    assert ("selling_as", "individual", "company") in stored
    assert all(TIN not in str(value) for line in stored for value in line)
    page = browser.get("/profile/history")
    for words in (
        "How you sell",
        "An individual",
        "A company (Sdn Bhd or Bhd)",
        "Registered business name",
        "Batik Mei Ling Sdn Bhd",
        "Tax identification number (TIN)",
        "•••• 9010",
    ):
        assert words in page, words
    assert TIN not in page


# --- export and the back office ------------------------------------------------------------------


def test_the_export_holds_the_section_readably(app, browser, seller):
    browser.submit(
        URL, {**COMPANY, "business-sst_registered": "y", "business-sst_number": "W10-1808-32000123"}
    )
    response = browser.submit("/account/export", {}, page="/account/export")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    [row] = json.loads(archive.read("data.json"))["tables"]["business_details"]
    assert row["selling_as"] == "company"
    assert row["business_name"] == "Batik Mei Ling Sdn Bhd"
    assert row["ssm_number"] == "202001012345"
    assert row["tin"] == TIN  # the seller's own data, in full
    assert row["sst_number"] == "W10-1808-32000123" and row["sst_registered"] is True
    readme = archive.read("README.txt").decode()
    assert "business_details" in readme and "tax identification number" in readme


def test_staff_see_the_section_on_the_seller_s_page_with_the_tin_masked(
    app, make_app, browser, seller
):
    browser.submit(URL, {**COMPANY, "business-ssm_old_number": "1234567-A"})
    with app.app_context():
        make_staff("support@example.com", "support")
    staff = make_app().test_client()
    from tests.support import AuthActions

    AuthActions(staff).login("support@example.com", PASSWORD)
    page = staff.get(f"/admin/sellers/{seller['id']}").get_data(as_text=True)
    assert "Business details" in page
    assert "A company (Sdn Bhd or Bhd)" in page and "Batik Mei Ling Sdn Bhd" in page
    assert "202001012345" in page and "1234567-A" in page
    assert "•••• 9010" in page and TIN not in page


def test_staff_reveal_the_tin_only_with_a_reason_and_the_seller_reads_that_they_did(
    app, make_app, browser, seller
):
    browser.submit(URL, COMPANY)
    with app.app_context():
        make_staff("admin@example.com", "admin")
    staff = make_app().test_client()
    from tests.support import AuthActions

    AuthActions(staff).login("admin@example.com", PASSWORD)
    url = f"/admin/sellers/{seller['id']}"
    assert TIN not in staff.get(url).get_data(as_text=True)
    refused = staff.post(f"{url}/reveal", data={"value": "tin", "reason": ""})
    assert refused.status_code == 400 and TIN not in refused.get_data(as_text=True)
    shown = staff.post(f"{url}/reveal", data={"value": "tin", "reason": "LHDN asked us"})
    assert f'data-revealed="tin">{TIN}<' in shown.get_data(as_text=True)
    log = browser.get("/account/access-log")
    assert "Your tax identification number (TIN), shown in full" in log
    assert "LHDN asked us" in log

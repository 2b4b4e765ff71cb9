"""The bank account in the seller's own name: the holder's name is compared the Malaysian way
with the verified name (or the registered business name), a difference is said plainly on
the bank details with a link to upload the proof, and the reviewer of that proof sees both
names side by side. ``standing(...).bank`` is what verification reads."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from portal.auth.models import User
from portal.documents.models import Document
from portal.extensions import db
from portal.profile import services
from portal.profile.services import BankFacts
from tests.documents import samples
from tests.documents.conftest import Uploader
from tests.support import PASSWORD, AuthActions, make_staff

DIFFERS = "The account holder's name differs from the name on your"
UPLOAD = "upload a proof of bank account so we can check it"


def _bank(holder: str) -> dict:
    return {"bank": "maybank", "holder_name": holder, "account_number": "514012345678"}


def _named(app, seller_id: int, full_name: str) -> None:
    with app.app_context():
        db.session.execute(update(User).where(User.id == seller_id).values(full_name=full_name))
        db.session.commit()


def _facts(app, seller_id: int) -> BankFacts:
    with app.app_context():
        return services.standing(seller_id).bank


@pytest.mark.parametrize(
    ("full_name", "holder"),
    [
        ("Ahmad Faiz bin Abdullah", "AHMAD FAIZ B. ABDULLAH"),
        ("Nur Aisyah binti Hassan", "Nur Aisyah Bt Hassan"),
        ("Nur Aisyah binti Hassan", "nur  aisyah   binti hassan"),
        ("Muthu a/l Rajan", "Muthu anak lelaki Rajan"),
        ("Kavitha a/p Subramaniam", "KAVITHA A/P SUBRAMANIAM"),
        ("Tan Mei Ling", "Tan Mei Ling"),
    ],
)
def test_the_same_name_written_another_way_is_the_same(app, browser, seller, full_name, holder):
    _named(app, seller["id"], full_name)
    assert browser.submit("/profile/financial", _bank(holder)).status_code == 302
    facts = _facts(app, seller["id"])
    assert facts == BankFacts(True, holder, full_name, "identity", False)
    for url in ("/profile", "/profile/financial"):
        assert DIFFERS not in browser.get(url), url


@pytest.mark.parametrize(
    ("full_name", "holder"),
    [
        ("Ahmad Faiz bin Abdullah", "Ahmad Faiz bin Ismail"),
        ("Muthu a/l Rajan", "Muthu a/p Rajan"),
        ("Tan Mei Ling", "Lim Ah Kow"),
    ],
)
def test_another_name_is_said_plainly_with_the_way_to_fix_it(
    app, browser, seller, full_name, holder
):
    _named(app, seller["id"], full_name)
    saved = browser.submit("/profile/financial", _bank(holder))
    assert saved.status_code == 302
    after = browser.get(saved.headers["Location"])
    assert "Your bank details have been saved." in after  # saved all the same
    assert f"{DIFFERS} identity document: {UPLOAD}." in after
    assert 'href="/documents/"' in after or 'href="/documents"' in after
    assert f"{DIFFERS} identity document" in browser.get("/profile/financial")
    assert _facts(app, seller["id"]) == BankFacts(True, holder, full_name, "identity", True)


def test_without_bank_details_nothing_differs(app, seller):
    assert _facts(app, seller["id"]) == BankFacts(False, None, "Tan Mei Ling", "identity", False)


def _sells_as(browser, kind: str, name: str = "Batik Mei Ling Sdn Bhd") -> None:
    ssm = {"business": "202003012345", "company": "202001012345", "llp": "202004012345"}[kind]
    response = browser.submit(
        "/profile/business",
        {
            "business-selling_as": kind,
            "business-business_name": name,
            "business-ssm_number": ssm,
            "business-tin": "C2345678901",
        },
    )
    assert response.status_code == 302


@pytest.mark.parametrize("kind", ["company", "llp"])
def test_a_company_s_account_bears_its_registered_name(app, browser, seller, kind):
    _sells_as(browser, kind)
    browser.submit("/profile/financial", _bank("BATIK MEI LING SDN. BHD."))
    assert _facts(app, seller["id"]) == BankFacts(
        True, "BATIK MEI LING SDN. BHD.", "Batik Mei Ling Sdn Bhd", "business", False
    )
    # The owner's own name is not the company's account.
    browser.submit("/profile/financial", _bank("Tan Mei Ling"))
    facts = _facts(app, seller["id"])
    assert (facts.holder_name_differs, facts.expected_source) == (True, "business")
    assert f"{DIFFERS} business registration: {UPLOAD}." in browser.get("/profile/financial")


def test_a_sole_proprietor_s_account_may_bear_either_name(app, browser, seller):
    _sells_as(browser, "business", "Kedai Batik Mei Ling")
    browser.submit("/profile/financial", _bank("Kedai Batik Mei Ling"))
    assert _facts(app, seller["id"]).expected_source == "business"
    browser.submit("/profile/financial", _bank("TAN MEI LING"))
    assert _facts(app, seller["id"]) == BankFacts(
        True, "TAN MEI LING", "Tan Mei Ling", "identity", False
    )
    browser.submit("/profile/financial", _bank("Someone Else"))
    assert _facts(app, seller["id"]) == BankFacts(
        True, "Someone Else", "Kedai Batik Mei Ling", "business", True
    )


# --- the reviewer --------------------------------------------------------------------------


def _bank_proof_for_review(app, client, seller_email: str) -> int:
    """The seller uploads a proof of bank account; a reviewer logs in on ``client``."""
    auth = AuthActions(client)
    auth.login(seller_email)
    proof = samples.encode(samples.picture((700, 500), "teal"), "PNG")
    assert Uploader(client)("bank_proof", (proof, "statement.png")).status_code == 302
    auth.logout()
    with app.app_context():
        make_staff("reviewer@example.com", "reviewer")
    auth.login("reviewer@example.com", PASSWORD)
    with app.app_context():
        return db.session.scalar(select(Document.id).where(Document.kind == "bank_proof"))


def test_the_reviewer_sees_the_names_side_by_side(app, client, browser, seller):
    browser.submit("/profile/financial", _bank("Lim Ah Kow"))
    document_id = _bank_proof_for_review(app, client, seller["email"])
    page = client.get(f"/admin/documents/{document_id}").get_data(as_text=True)
    assert "Account holder’s name" in page
    assert '<dd class="holder-name">Lim Ah Kow</dd>' in page
    assert '<dd class="expected-name">Tan Mei Ling</dd>' in page
    assert "Full legal name (identity)" in page
    assert "Names differ" in page and "Names match" not in page


def test_the_reviewer_sees_when_the_names_match(app, client, browser, seller):
    _sells_as(browser, "company")
    browser.submit("/profile/financial", _bank("Batik Mei Ling Sdn Bhd"))
    document_id = _bank_proof_for_review(app, client, seller["email"])
    page = client.get(f"/admin/documents/{document_id}").get_data(as_text=True)
    assert "Registered business name" in page
    assert "Names match" in page and "Names differ" not in page

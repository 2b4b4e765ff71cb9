"""The number beside the identity document: checked against the seller before anything is
stored, kept encrypted and shown masked; a MyKad number of someone under 18 freezes the
account; a corrected number, a deleted document or a changed verified value ends the
verification, and the current approval is what counts."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pytest
from sqlalchemy import select, text

from portal import events
from portal.audit.models import AuditEvent
from portal.auth.models import User
from portal.documents import services
from portal.documents.models import Document, DocumentKind, IdentityNumber
from portal.erasure import erase_account
from portal.extensions import db
from tests.documents import samples
from tests.documents.conftest import Uploader, number_fields
from tests.support import PASSWORD, body_text

FRONT_BACK = ((samples.jpeg(), "front.jpg"), (samples.jpeg(), "back.jpg"))


def _number(app, user_id: int) -> IdentityNumber | None:
    with app.app_context():
        row = db.session.get(IdentityNumber, user_id)
        if row is not None:
            db.session.expunge(row)
        return row


def _user(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def _identity(app) -> Document | None:
    with app.app_context():
        document = db.session.scalar(select(Document).where(Document.kind == "identity"))
        if document is not None:
            db.session.expunge(document)
        return document


def _nothing_saved(app, seller, counts, stored) -> None:
    assert counts() == (0, 0)
    assert stored() == []
    assert _number(app, seller["id"]) is None


def test_a_mykad_number_that_agrees_is_kept_encrypted_and_shown_masked(app, client, upload, seller):
    response = upload("identity", *FRONT_BACK, identity_type="mykad")
    assert response.status_code == 302

    row = _number(app, seller["id"])
    assert (row.identity_type, row.number, row.number_last4) == ("mykad", "880701145678", "5678")
    assert row.passport_country is None and row.passport_expires_on is None
    with app.app_context():
        raw = db.session.execute(text("SELECT number, number_digest FROM identity_numbers")).one()
    assert "880701145678" not in raw.number and "5678" not in raw.number
    assert "880701145678" not in raw.number_digest

    page = client.get("/documents/").get_data(as_text=True)
    assert "•••• 5678" in page
    assert "880701145678" not in page and "880701-14-5678" not in page


def test_a_passport_is_kept_with_its_country_and_expiry(app, client, upload, seller):
    response = upload(
        "identity", (samples.jpeg(), "passport.jpg"), identity_type="passport",
        passport_number="a1234 5678",
    )  # fmt: skip
    assert response.status_code == 302
    row = _number(app, seller["id"])
    assert (row.identity_type, row.number, row.passport_country, row.passport_expires_on) == (
        "passport",
        "A12345678",
        "MY",
        date(2036, 1, 31),
    )
    page = client.get("/documents/").get_data(as_text=True)
    assert "•••• 5678" in page and "31 Jan 2036" in page and "Malaysia" in page


def test_a_mykad_number_that_does_not_match_the_date_of_birth_saves_nothing_and_says_why(
    app, client, upload, seller, counts, stored
):
    response = upload("identity", *FRONT_BACK, identity_type="mykad", mykad_number="900517-14-5678")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The first six digits do not match the date of birth in your profile" in page
    assert 'id="identity-mykad_number-error"' in page  # next to the field
    assert 'href="#identity-mykad_number"' in page  # and in the summary, linked to it
    assert 'value="900517-14-5678"' in page  # what was typed, kept
    _nothing_saved(app, seller, counts, stored)


def test_the_mismatch_is_explained_in_malay(app, client, upload, seller, counts, stored):
    with app.app_context():
        db.session.get(User, seller["id"]).locale = "ms"
        db.session.commit()
    response = upload("identity", *FRONT_BACK, identity_type="mykad", mykad_number="900517-14-5678")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enam digit pertama tidak sepadan dengan tarikh lahir dalam profil anda" in page
    assert "Nombor MyKad" in page
    _nothing_saved(app, seller, counts, stored)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter your MyKad number."),
        ("8807011456", "Enter the 12 digits of your MyKad number"),
        ("881301-14-5678", "The first six digits of a MyKad number are a date of birth"),
        ("880701-00-5678", "The 7th and 8th digits are not a place-of-birth code that JPN issues."),
    ],
)
def test_a_malformed_mykad_number_saves_nothing(
    app, upload, seller, counts, stored, typed, message
):
    response = upload("identity", *FRONT_BACK, identity_type="mykad", mykad_number=typed)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    _nothing_saved(app, seller, counts, stored)


def test_an_expired_passport_is_refused(app, upload, seller, counts, stored):
    response = upload(
        "identity",
        (samples.jpeg(), "passport.jpg"),
        identity_type="passport",
        passport_expires_on="2020-05-01",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert (
        "This passport has expired, or expires today. Upload a passport that is still valid."
        in page
    )
    assert 'name="identity-passport_number" type="text" value="A12345678"' in page
    _nothing_saved(app, seller, counts, stored)


def test_a_passport_without_its_details_says_what_is_missing(app, upload, seller, counts, stored):
    response = upload(
        "identity",
        (samples.jpeg(), "passport.jpg"),
        identity_type="passport",
        passport_number="",
        passport_country="",
        passport_expires_on=("", "", ""),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter your passport number." in page
    assert "Choose the country that issued the passport." in page
    assert "Enter the passport's expiry date." in page.replace("&#39;", "'")
    _nothing_saved(app, seller, counts, stored)


def test_the_other_types_fields_are_not_judged(app, upload, seller):
    """A MyKad sent with half a passport date left in the other boxes is still a MyKad."""
    response = upload(
        "identity", *FRONT_BACK, identity_type="mykad", extra={"identity-passport_expires_on-day": "3"}
    )  # fmt: skip
    assert response.status_code == 302
    assert _number(app, seller["id"]).identity_type == "mykad"


def test_a_mykad_number_of_someone_under_18_freezes_the_account_and_saves_nothing(
    app, client, upload, seller, counts, stored, mailbox
):
    response = upload("identity", *FRONT_BACK, identity_type="mykad", mykad_number="120304-14-5678")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This MyKad number belongs to someone under 18." in page
    assert "We cannot keep the details of anyone under 18, so nothing was saved." in page
    _nothing_saved(app, seller, counts, stored)

    assert _user(app, seller["id"]).status == "frozen"
    with app.app_context():
        event = db.session.scalar(select(AuditEvent))
        assert (event.action, event.actor_id, event.actor_role, event.subject_id) == (
            "account.freeze",
            None,
            "system",
            seller["id"],
        )
    (message,) = mailbox.messages(seller["email"])
    assert "Please confirm your age" in message["Subject"]

    # Typed again: the account is frozen already, nothing more happens.
    again = upload("identity", *FRONT_BACK, identity_type="mykad", mykad_number="120304-14-5678")
    assert again.status_code == 400
    assert len(mailbox.messages(seller["email"])) == 1


# --- the number on its own ----------------------------------------------------------------


@pytest.fixture
def approved(app, client, auth, upload, reviewer, seller):
    """The seller's MyKad, approved by the reviewer; the seller is logged in again."""
    upload("identity", *FRONT_BACK, identity_type="mykad")
    document = _identity(app)
    auth.logout()
    auth.login(reviewer["email"], PASSWORD)
    client.post(
        f"/admin/documents/{document.id}/decision",
        data={"revision": str(document.revision), "decision": "approve"},
    )
    auth.logout()
    auth.login()
    assert _user(app, seller["id"]).identity_verified_at is not None
    return _identity(app)


def test_a_seller_corrects_the_number_without_sending_the_document_again(
    app, client, approved, seller
):
    page = client.get("/documents/").get_data(as_text=True)
    assert 'action="/documents/identity-number"' in page
    assert 'name="identity_number-passport_number"' not in page  # a MyKad's number only

    response = client.post(
        "/documents/identity-number", data=number_fields("identity_number", "mykad", mykad_number="880701-14-1234")
    )  # fmt: skip
    assert response.status_code == 302
    assert _number(app, seller["id"]).number_last4 == "1234"
    document = _identity(app)
    assert (document.status, document.revision) == ("pending", approved.revision + 1)
    assert document.reviewer_id is None
    assert _user(app, seller["id"]).identity_verified_at is None


def test_the_same_number_again_changes_nothing(app, client, approved, seller):
    response = client.post(
        "/documents/identity-number", data=number_fields("identity_number", "mykad")
    )
    assert response.status_code == 302
    assert _identity(app).status == "approved"
    assert _user(app, seller["id"]).identity_verified_at is not None


def test_a_wrong_number_on_its_own_form_changes_nothing(app, client, approved, seller):
    response = client.post(
        "/documents/identity-number",
        data=number_fields("identity_number", "mykad", mykad_number="900517-14-5678"),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="identity_number-mykad_number-error"' in page
    assert _number(app, seller["id"]).number == "880701145678"
    assert _identity(app).status == "approved"


def test_a_number_needs_an_identity_document(client, upload, seller):
    response = client.post(
        "/documents/identity-number", data=number_fields("identity_number", "mykad")
    )
    assert response.status_code == 404


def test_deleting_the_identity_document_takes_its_number_and_the_verification(
    app, client, approved, seller
):
    response = client.post(f"/documents/{approved.id}/delete")
    assert response.status_code == 302
    assert _number(app, seller["id"]) is None
    assert _user(app, seller["id"]).identity_verified_at is None


def test_sending_a_new_identity_document_ends_the_verification_until_approved_again(
    app, client, auth, approved, seller, reviewer
):
    first = _user(app, seller["id"]).identity_verified_at
    assert Uploader(client)("identity", *FRONT_BACK, identity_type="mykad").status_code == 302
    assert _user(app, seller["id"]).identity_verified_at is None
    document = _identity(app)
    auth.logout()
    auth.login(reviewer["email"], PASSWORD)
    client.post(
        f"/admin/documents/{document.id}/decision",
        data={"revision": str(document.revision), "decision": "approve"},
    )
    again = _user(app, seller["id"]).identity_verified_at
    assert again is not None and again > first


def test_a_changed_verified_value_puts_the_approval_back_to_review(
    app, client, auth, approved, seller, reviewer
):
    with app.app_context():
        user = db.session.get(User, seller["id"])
        events.verified_identity_changed.send(user, field="date_of_birth")
        db.session.commit()
    document = _identity(app)
    assert (document.status, document.revision) == ("pending", approved.revision + 1)
    assert _user(app, seller["id"]).identity_verified_at is None
    assert "Waiting for review" in client.get("/documents/").get_data(as_text=True)

    # A decision made on what the reviewer saw before cannot land.
    auth.logout()
    auth.login(reviewer["email"], PASSWORD)
    client.post(
        f"/admin/documents/{document.id}/decision",
        data={"revision": str(approved.revision), "decision": "reject", "reasons": ["expired"]},
    )
    assert _identity(app).status == "pending"


def test_the_signal_by_account_id_and_without_an_approval(app, upload, seller):
    upload("identity", *FRONT_BACK, identity_type="mykad")
    before = _identity(app)
    with app.app_context():
        events.verified_identity_changed.send(seller["id"], field="full_name")
        db.session.commit()
    after = _identity(app)
    assert (after.status, after.revision) == ("pending", before.revision)  # not approved: as is


# --- what verification and the reviewer read ------------------------------------------------


def test_the_evidence_follows_the_documents_and_number(app, client, approved, seller, upload):
    with app.app_context():
        facts = services.evidence_of(seller["id"]).identity
        assert facts == services.IdentityFacts("approved", "mykad", True, None, [])
        assert services.evidence_of(seller["id"]).statuses.get(DocumentKind.BANK_PROOF) is None
        assert services.evidence_of(seller["id"] + 100).identity == services.IdentityFacts(
            None, None, False, None, []
        )
    upload("bank_proof", (samples.jpeg(), "statement.jpg"))
    with app.app_context():
        assert services.evidence_of(seller["id"]).statuses.get(DocumentKind.BANK_PROOF) == "pending"


def test_accounts_sharing_a_number(app, client, auth, upload, seller, other_seller):
    upload("identity", *FRONT_BACK, identity_type="mykad")
    auth.logout()
    with app.app_context():
        db.session.get(User, other_seller["id"]).date_of_birth = date(1988, 7, 1)
        db.session.commit()
    auth.login(other_seller["email"])
    assert Uploader(client)("identity", *FRONT_BACK, identity_type="mykad").status_code == 302
    with app.app_context():
        assert services.accounts_sharing_identity_number(seller["id"]) == [other_seller["id"]]
        assert services.accounts_sharing_identity_number(other_seller["id"]) == [seller["id"]]
        # An account without a number shares it with no one.
        assert services.accounts_sharing_identity_number(seller["id"] + 100) == []


def test_the_decision_email_names_the_business_registration_document(
    app, client, auth, upload, reviewer, seller, mailbox
):
    assert upload("business_registration", (samples.pdf(1), "ssm.pdf")).status_code == 302
    page = client.get("/documents/").get_data(as_text=True)
    assert "For registered businesses, companies and LLPs" in page
    assert "Waiting for review" in page
    with app.app_context():
        document = db.session.scalar(select(Document))
        assert (document.kind, document.status) == ("business_registration", "pending")
        document_id = document.id
    auth.logout()
    auth.login(reviewer["email"], PASSWORD)
    queue = client.get("/admin/documents").get_data(as_text=True)
    assert "SSM certificate or business registration document" in queue
    review = client.get(f"/admin/documents/{document_id}").get_data(as_text=True)
    assert "Number given by the seller" not in review  # only for an identity document
    client.post(
        f"/admin/documents/{document_id}/decision", data={"revision": "1", "decision": "approve"}
    )
    (message,) = mailbox.messages(seller["email"])
    assert "SSM certificate or business registration document" in body_text(message)
    with app.app_context():
        assert services.evidence_of(seller["id"]).statuses.get(
            DocumentKind.BUSINESS_REGISTRATION
        ) == ("approved")


def test_a_business_registration_document_is_deleted_like_the_others(
    app, client, upload, seller, stored
):
    upload("business_registration", (samples.jpeg(), "ssm.jpg"))
    with app.app_context():
        document_id = db.session.scalar(select(Document.id))
    confirm = client.get(f"/documents/{document_id}/delete").get_data(as_text=True)
    assert "Your business registration document, uploaded" in confirm
    assert client.post(f"/documents/{document_id}/delete").status_code == 302
    assert stored() == []


def test_another_seller_cannot_reach_the_business_registration_document(
    app, client, auth, upload, other_seller
):
    upload("business_registration", (samples.jpeg(), "ssm.jpg"))
    with app.app_context():
        document_id = db.session.scalar(select(Document.id))
    auth.logout()
    auth.login(other_seller["email"])
    assert client.get(f"/documents/{document_id}/delete").status_code == 404
    assert client.post(f"/documents/{document_id}/delete").status_code == 404
    assert client.post("/documents/identity-number", data={}).status_code == 404


def test_the_number_is_in_the_sellers_export_and_goes_with_the_account(app, client, upload, seller):
    upload("identity", *FRONT_BACK, identity_type="mykad")
    response = client.post("/account/export")
    assert response.status_code == 200
    data = json.loads(zipfile.ZipFile(io.BytesIO(response.data)).read("data.json"))
    [row] = data["tables"]["identity_numbers"]
    assert (row["identity_type"], row["number"], row["number_last4"]) == (
        "mykad",
        "880701145678",  # in full: it is the seller's own
        "5678",
    )
    assert "number_digest" not in row

    with app.app_context():
        erase_account(seller["id"], reason="test", reference="identity-numbers")
        db.session.commit()
        assert db.session.scalar(select(IdentityNumber)) is None


def test_a_number_given_for_a_rejected_document_leaves_it_rejected(
    app, client, auth, upload, reviewer, seller
):
    upload("identity", *FRONT_BACK, identity_type="mykad")
    document = _identity(app)
    auth.logout()
    auth.login(reviewer["email"], PASSWORD)
    client.post(
        f"/admin/documents/{document.id}/decision",
        data={"revision": "1", "decision": "reject", "reasons": ["unreadable"]},
    )
    auth.logout()
    auth.login()
    response = client.post(
        "/documents/identity-number",
        data=number_fields("identity_number", "mykad", mykad_number="880701-14-4321"),
    )
    assert response.status_code == 302
    assert _number(app, seller["id"]).number_last4 == "4321"
    assert _identity(app).status == "rejected"  # the pictures still need sending again
    with app.app_context():
        assert services.evidence_of(seller["id"]).identity.reasons == ["unreadable"]

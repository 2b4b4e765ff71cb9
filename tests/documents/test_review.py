"""Staff review: a queue oldest first, one decision and one email per upload, reasons the
seller can act on, and a replaced document back in the queue."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.auth.models import User
from portal.documents.models import Document
from portal.extensions import db
from tests.documents import samples
from tests.documents.conftest import Uploader
from tests.support import PASSWORD, body_text


@pytest.fixture
def pending(app, client, auth, upload, reviewer):
    """The seller's identity document, uploaded; then the reviewer is logged in."""
    upload(
        "identity",
        (samples.jpeg(), "front.jpg"),
        (samples.jpeg(), "back.jpg"),
        identity_type="mykad",
    )
    auth.logout()
    auth.login(reviewer["email"], PASSWORD)
    with app.app_context():
        return db.session.scalar(select(Document.id))


def _document(app) -> Document:
    with app.app_context():
        document = db.session.scalar(select(Document))
        db.session.expunge(document)
        return document


def test_the_queue_lists_pending_documents_and_the_page_shows_them(client, pending):
    queue = client.get("/admin/documents").get_data(as_text=True)
    assert "1 waiting" in queue
    assert f"/admin/documents/{pending}" in queue
    page = client.get(f"/admin/documents/{pending}").get_data(as_text=True)
    assert len(re.findall(r'<img src="/documents/files/\d+"', page)) == 2  # front and back
    assert "Tan Mei Ling" in page  # the profile to check against


def test_approving_emails_the_seller_once_and_verifies_identity(
    app, client, pending, mailbox, seller
):
    first = client.post(
        f"/admin/documents/{pending}/decision", data={"revision": "1", "decision": "approve"}
    )
    assert first.status_code == 302
    again = client.post(
        f"/admin/documents/{pending}/decision", data={"revision": "1", "decision": "approve"}
    )
    assert again.status_code == 404  # decided: no longer a document to decide

    decisions = [m for m in mailbox.messages(seller["email"]) if "approved" in m["Subject"]]
    assert len(decisions) == 1
    assert "approved" in body_text(decisions[0])
    document = _document(app)
    assert document.status == "approved" and document.reviewer_id is not None
    with app.app_context():
        assert db.session.get(User, seller["id"]).identity_verified_at is not None


def test_rejecting_needs_a_reason_and_tells_the_seller_what_to_fix(
    app, client, pending, mailbox, seller
):
    refused = client.post(
        f"/admin/documents/{pending}/decision",
        data={"revision": "1", "decision": "reject", "note": "Too dark"},
    )
    assert refused.status_code == 400
    assert "Choose at least one reason" in refused.get_data(as_text=True)
    assert _document(app).status == "pending"
    assert mailbox.messages(seller["email"]) == []

    client.post(
        f"/admin/documents/{pending}/decision",
        data={
            "revision": "1",
            "decision": "reject",
            "reasons": ["glare_or_cropped", "missing_side"],
            "note": "Please retake it in daylight.",
        },
    )
    document = _document(app)
    assert document.status == "rejected"
    assert document.reason_codes == ["glare_or_cropped", "missing_side"]
    (message,) = mailbox.messages(seller["email"])
    text = body_text(message)
    assert "Glare or cropping hides part of the document." in text
    assert "The front or the back is missing." in text
    assert "Please retake it in daylight." in text
    with app.app_context():
        assert db.session.get(User, seller["id"]).identity_verified_at is None


def test_a_decision_on_an_older_upload_does_not_land_on_a_newer_one(app, client, pending):
    with app.app_context():
        db.session.get(Document, pending).revision = 2  # the seller replaced it meanwhile
        db.session.commit()
    client.post(
        f"/admin/documents/{pending}/decision", data={"revision": "1", "decision": "approve"}
    )
    assert _document(app).status == "pending"


def test_replacing_an_approved_document_puts_it_back_to_pending(app, client, auth, pending, seller):
    client.post(
        f"/admin/documents/{pending}/decision", data={"revision": "1", "decision": "approve"}
    )
    auth.logout()
    auth.login()
    page = client.get("/documents/").get_data(as_text=True)
    assert "Approved" in page

    response = Uploader(client)("identity", (samples.png(), "passport.png"))
    assert response.status_code == 302
    document = _document(app)
    assert (document.status, document.revision, document.identity_type) == (
        "pending",
        2,
        "passport",
    )
    assert document.reviewer_id is None
    assert "Waiting for review" in client.get("/documents/").get_data(as_text=True)


def test_photographs_are_not_in_the_review_queue(client, auth, upload, reviewer):
    upload("profile_photo", (samples.jpeg(), "me.jpg"))
    auth.logout()
    auth.login(reviewer["email"], PASSWORD)
    assert "No documents are waiting for review." in client.get("/admin/documents").get_data(
        as_text=True
    )


def test_the_dashboard_counts_photographs_and_an_approved_identity(app, client, pending, auth):
    auth.logout()
    auth.login()
    before = client.get("/dashboard").get_data(as_text=True)
    assert '<a href="/documents/">Photographs</a>' in before
    assert '<a href="/documents/">Identification</a>' in before
    Uploader(client)("profile_photo", (samples.jpeg(), "me.jpg"))
    auth.logout()
    auth.login("reviewer@example.com", PASSWORD)
    client.post(
        f"/admin/documents/{pending}/decision", data={"revision": "1", "decision": "approve"}
    )
    auth.logout()
    auth.login()
    after = client.get("/dashboard").get_data(as_text=True)
    assert '<a href="/documents/">Photographs</a>' not in after
    assert '<a href="/documents/">Identification</a>' not in after
    assert "checklist__item--done" in after


def test_the_back_office_home_shows_the_queue_to_reviewers(app, client, pending):
    page = client.get("/admin/").get_data(as_text=True)
    assert "Documents to review" in page and "Oldest waiting since" in page
    assert 'href="/admin/documents"' in page


def test_an_identity_document_showing_under_18_erases_the_account_once_an_admin_confirms(
    app, client, auth, pending, seller, stored
):
    from sqlalchemy import select as sql_select

    from portal.erasure import Erasure
    from tests.support import make_staff

    assert len(stored()) > 0
    unticked = client.post(f"/admin/documents/{pending}/under-age")
    assert unticked.status_code == 302
    client.post(f"/admin/documents/{pending}/under-age", data={"checked": "y"})
    with app.app_context():
        assert db.session.get(User, seller["id"]).status == "frozen"  # proposed, not erased
        make_staff("admin@example.com", "admin")
    auth.logout()
    auth.login("admin@example.com", PASSWORD)
    client.post(f"/admin/documents/{pending}/under-age/confirm", data={"checked": "y"})
    with app.app_context():
        assert db.session.get(User, seller["id"]) is None
        record = db.session.scalar(sql_select(Erasure))
        assert (record.account_id, record.reason) == (seller["id"], "under_age_document")
    assert stored() == []

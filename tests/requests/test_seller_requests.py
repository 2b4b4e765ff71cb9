"""A seller's own requests at /account/requests: the form, the answer page with the day
the law says we answer by, the list, and nobody else's requests."""

from __future__ import annotations

from freezegun import freeze_time
from sqlalchemy import func, select

from portal.extensions import db
from portal.requests.models import PrivacyRequest
from tests.requests.conftest import RECEIVED, file_as_seller, reference_in
from tests.support import body_text, client_as


def test_the_answer_page_gives_the_reference_and_the_day_21_days_on_in_malaysia(
    app, seller, mailbox
):
    request_id, page = file_as_seller(app, seller)
    reference = reference_in(page)
    # Received 00:30 on 2 March in Malaysia (still 1 March in UTC): due 23 March.
    assert "We will answer by 23 Mar 2027." in page
    with app.app_context():
        stored = db.session.get(PrivacyRequest, request_id)
        assert (stored.reference, stored.kind, stored.status, stored.user_id) == (
            reference,
            "access",
            "open",
            seller["id"],
        )
        assert stored.due_on.isoformat() == "2027-03-23"
    mail = mailbox.last(seller["email"])
    assert reference in mail["Subject"]
    assert "We will answer by 23 Mar 2027." in body_text(mail)


def test_the_form_has_the_labels_people_look_for_and_keeps_what_was_typed(app, seller):
    client = client_as(app, seller["email"])
    page = client.get("/account/requests").get_data(as_text=True)
    assert "Type of request" in page and "Details" in page
    for label in (
        "A copy of my data",
        "Correct my data",
        "Move my data to another service",
        "Stop using my data for a purpose",
        "Delete my data",
    ):
        assert label in page
    response = client.post("/account/requests", data={"details": "My phone number is wrong"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Choose the type of request." in text and "My phone number is wrong" in text
    assert 'class="error-summary"' in text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PrivacyRequest)) == 0


def test_the_seller_sees_their_requests_with_state_and_deadline(app, seller):
    file_as_seller(app, seller, kind="correction", details="My address changed.")
    with freeze_time(RECEIVED):
        page = client_as(app, seller["email"]).get("/account/requests").get_data(as_text=True)
    assert "Correct my data" in page and "23 Mar 2027" in page and "Waiting for an answer" in page


def test_the_account_page_links_to_the_requests(app, seller):
    page = client_as(app, seller["email"]).get("/account").get_data(as_text=True)
    assert 'href="/account/requests"' in page


def test_another_seller_cannot_see_a_request(app, seller, other_seller):
    request_id, _page = file_as_seller(app, seller)
    other = client_as(app, other_seller["email"])
    assert other.get(f"/account/requests/{request_id}").status_code == 404
    assert "DSR-" not in other.get("/account/requests").get_data(as_text=True)


def test_visitors_are_sent_to_log_in(client):
    response = client.get("/account/requests")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]

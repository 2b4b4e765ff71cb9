"""Staff review of minor reports: who reaches the queue, matching, questions, dismissal."""

from __future__ import annotations

import pytest

from portal.auth.models import User
from portal.extensions import db
from portal.reports import services
from portal.reports.models import MinorReport
from tests.support import PASSWORD, body_text, make_staff


@pytest.fixture
def report(app, seller):
    with app.test_request_context():
        filed = services.file_report(
            services.Report("Siti", "siti@example.com", "parent", seller["email"], "She is 15.")
        )
        db.session.commit()
        return filed.id


def _login(app, auth, role):
    with app.app_context():
        make_staff(f"{role}@example.com", role)
    auth.login(f"{role}@example.com", PASSWORD)


@pytest.mark.parametrize("role", ["support", "seller", None])
def test_only_reviewers_and_admins_reach_the_queue(app, client, auth, report, role):
    if role == "seller":
        auth.login()
    elif role:
        _login(app, auth, role)
    for url in ("/admin/minor-reports", f"/admin/minor-reports/{report}"):
        assert client.get(url).status_code == 404, (role, url)
    assert (
        client.post(f"/admin/minor-reports/{report}/dismiss", data={"reason": "x"}).status_code
        == 404
    )


@pytest.mark.parametrize("role", ["reviewer", "admin"])
def test_reviewers_see_open_reports_and_the_matching_account(
    app, client, auth, report, role, seller
):
    _login(app, auth, role)
    queue = client.get("/admin/minor-reports").get_data(as_text=True)
    assert "1 open" in queue and f"/admin/minor-reports/{report}" in queue
    page = client.get(f"/admin/minor-reports/{report}").get_data(as_text=True)
    assert "She is 15." in page and "Tan Mei Ling" in page and f"account {seller['id']}" in page


def test_a_question_is_emailed_to_the_reporter(app, client, auth, report, mailbox):
    _login(app, auth, "reviewer")
    client.post(f"/admin/minor-reports/{report}/question", data={"question": "How old is she?"})
    message = mailbox.last("siti@example.com")
    assert "a question" in message["Subject"] and "How old is she?" in body_text(message)


def test_dismissing_needs_a_reason_and_keeps_the_seller(app, client, auth, report, seller, mailbox):
    _login(app, auth, "reviewer")
    refused = client.post(f"/admin/minor-reports/{report}/dismiss", data={"reason": " "})
    assert refused.status_code == 400 and "Give the reason" in refused.get_data(as_text=True)
    client.post(f"/admin/minor-reports/{report}/dismiss", data={"reason": "ID shows she is 24."})
    with app.app_context():
        closed = db.session.get(MinorReport, report)
        assert (closed.status, closed.closing_reason) == ("dismissed", "ID shows she is 24.")
        assert db.session.get(User, seller["id"]).email == seller["email"]  # intact
    told = mailbox.last("siti@example.com")
    assert "is closed" in told["Subject"]
    assert "ID shows she is 24." not in body_text(told)  # the reason stays with us
    assert "1 open" not in client.get("/admin/minor-reports").get_data(as_text=True)


def test_matching_finds_the_shop_name_in_any_case_and_the_email(app, report, seller):
    from portal.profile.models import SellerProfile
    from portal.reports import review

    with app.app_context():
        db.session.add(SellerProfile(user_id=seller["id"], display_name="Kedai Comel Batik"))
        db.session.commit()
        filed = db.session.get(MinorReport, report)
        found = {}
        for hint in (seller["email"].upper(), "comel", "KEDAI COMEL BATIK", "100%_", "Nobody"):
            filed.seller_hint = hint
            found[hint] = [user.id for user, _ in review.matches(filed)]
        db.session.rollback()
    assert found == {
        seller["email"].upper(): [seller["id"]],
        "comel": [seller["id"]],
        "KEDAI COMEL BATIK": [seller["id"]],
        "100%_": [],  # wildcards are taken literally
        "Nobody": [],
    }

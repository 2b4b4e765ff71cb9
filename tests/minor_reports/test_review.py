"""Staff review of minor reports: who reaches the queue, matching, questions, dismissal."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.auth.models import User
from portal.extensions import db
from portal.minor_reports import services
from portal.minor_reports.models import MinorReport
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
    from portal.minor_reports import review
    from portal.profile.models import SellerProfile

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


# --- freezing and confirming -------------------------------------------------------------------


def _full_seller(app, client, seller):
    """The seller with a profile, documents, a login session and mail, as a real one has."""
    from tests.documents.conftest import Uploader
    from tests.documents.samples import jpeg

    client.post("/auth/login", data={"email": seller["email"], "password": PASSWORD})
    uploader = Uploader(client)
    uploader("profile_photo", (jpeg(), "me.jpg"))
    uploader("identity", (jpeg(), "passport.jpg"))
    client.post(
        "/profile/address",
        data={
            "address-address_line1": "1 Jalan Besar", "address-city": "Kuantan",
            "address-postcode": "25000", "address-state": "MY-06", "address-country": "MY",
        },
    )  # fmt: skip
    client.post("/auth/logout")


def _rows_about(app, user_id) -> dict[str, int]:
    """How many rows of each table still point at the account (walked from the schema)."""
    from sqlalchemy import func

    counts = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for fk in table.foreign_keys:
                if fk.column.table.name == "users":
                    query = select(func.count()).select_from(table).where(fk.parent == user_id)
                    counts[f"{table.name}.{fk.parent.name}"] = db.session.scalar(query)
        counts["users"] = db.session.scalar(
            select(func.count()).select_from(User).where(User.id == user_id)
        )
    return counts


def test_freezing_pauses_the_account_and_asks_for_proof_of_age(
    app, client, auth, report, seller, mailbox
):
    _login(app, auth, "reviewer")
    client.post(f"/admin/minor-reports/{report}/freeze/{seller['id']}")
    with app.app_context():
        assert db.session.get(User, seller["id"]).status == "frozen"
        assert db.session.get(MinorReport, report).matched_user_id == seller["id"]
    assert "confirm your age" in mailbox.last(seller["email"])["Subject"]
    auth.logout()
    auth.login()
    assert "Your shop is paused while we check your age." in client.get("/dashboard").get_data(
        as_text=True
    )


def test_confirming_erases_the_account_its_rows_and_files_and_tells_the_reporter(
    app, client, auth, report, seller, mailbox, stored
):
    from portal.erasure import Erasure

    _full_seller(app, client, seller)
    assert len(stored()) > 0
    assert _rows_about(app, seller["id"])["documents.user_id"] == 2
    _login(app, auth, "reviewer")
    client.post(f"/admin/minor-reports/{report}/propose/{seller['id']}", data={"checked": "y"})
    auth.logout()
    _login(app, auth, "admin")  # a second person confirms

    unticked = client.post(f"/admin/minor-reports/{report}/confirm/{seller['id']}")
    assert unticked.status_code == 302 and _rows_about(app, seller["id"])["users"] == 1

    client.post(f"/admin/minor-reports/{report}/confirm/{seller['id']}", data={"checked": "y"})
    left = {name: count for name, count in _rows_about(app, seller["id"]).items() if count}
    assert left == {}, left
    assert stored() == []  # every file left storage
    with app.app_context():
        record = db.session.scalar(select(Erasure))
        assert (record.account_id, record.reason) == (seller["id"], "minor_report")
        closed = db.session.get(MinorReport, report)
        assert closed.status == "confirmed" and record.reference == closed.reference
        from portal.outbox.models import OutboxMessage

        leftovers = db.session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.recipient == seller["email"])
        ).all()
        assert leftovers == []  # no copy of any mail to the seller either
    told = mailbox.last("siti@example.com")
    assert "the data was deleted" in told["Subject"]
    assert seller["email"] not in body_text(told)

    auth.logout()
    refused = auth.login(seller["email"], PASSWORD)
    assert "/dashboard" not in refused.headers.get("Location", "")


def test_reporters_data_goes_six_months_after_closing(app, client, auth, report, runner):
    from datetime import timedelta

    from portal.clock import utcnow

    _login(app, auth, "reviewer")
    client.post(f"/admin/minor-reports/{report}/dismiss", data={"reason": "Adult."})
    assert "0 closed reports were cleared" in runner.invoke(args=["reports", "purge"]).output
    with app.app_context():
        closed = db.session.get(MinorReport, report)
        closed.closed_at = utcnow() - timedelta(days=200)
        db.session.commit()
    assert (
        "1 closed reports would be cleared"
        in runner.invoke(args=["reports", "purge", "--dry-run"]).output
    )
    assert "1 closed reports were cleared" in runner.invoke(args=["reports", "purge"]).output
    with app.app_context():
        cleared = db.session.get(MinorReport, report)
        assert (cleared.reporter_name, cleared.reporter_email, cleared.description) == (
            None,
            None,
            "",
        )
        assert (cleared.status, cleared.reference) == (
            "dismissed",
            cleared.reference,
        )  # the record stays
    assert "0 closed reports were cleared" in runner.invoke(args=["reports", "purge"]).output


def test_every_staff_step_on_a_report_is_in_the_audit_trail(app, client, auth, report, seller):
    from portal.audit.models import AuditEvent

    _login(app, auth, "reviewer")
    client.post(f"/admin/minor-reports/{report}/question", data={"question": "Age?"})
    client.post(f"/admin/minor-reports/{report}/freeze/{seller['id']}")
    client.post(f"/admin/minor-reports/{report}/propose/{seller['id']}", data={"checked": "y"})
    auth.logout()
    _login(app, auth, "admin")
    client.post(f"/admin/minor-reports/{report}/confirm/{seller['id']}", data={"checked": "y"})
    with app.app_context():
        events = db.session.execute(
            select(AuditEvent.action, AuditEvent.actor_role, AuditEvent.subject_id).order_by(
                AuditEvent.id
            )
        ).all()
    assert [(e.action, e.actor_role) for e in events] == [
        ("minor_report.question", "reviewer"),
        ("account.freeze", "reviewer"),
        ("erasure.propose", "reviewer"),
        ("account.erase", "admin"),
    ]
    assert events[-1].subject_id == seller["id"]  # the account id, kept after the erasure


def test_dismissing_a_report_lifts_the_freeze_it_caused(app, client, auth, report, seller):
    _login(app, auth, "reviewer")
    client.post(f"/admin/minor-reports/{report}/freeze/{seller['id']}")
    client.post(f"/admin/minor-reports/{report}/dismiss", data={"reason": "Passport shows 30."})
    with app.app_context():
        assert db.session.get(User, seller["id"]).status == "active"

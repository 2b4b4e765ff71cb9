"""Closing an account: what the seller is told, what happens at once, the deletion date on
the seller's own calendar, reactivation, and closing by staff."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from portal.account.termination import deletion_due
from portal.audit.models import AuditEvent
from portal.auth.models import AccountStatus, User
from portal.clock import add_months
from portal.extensions import db
from portal.sharing import services as sharing
from tests.support import PASSWORD, make_staff

KL = ZoneInfo("Asia/Kuala_Lumpur")
CLOSE = {"password": PASSWORD, "confirmation": "TERMINATE"}


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (datetime(2026, 11, 30, 12), 3, datetime(2027, 2, 28, 12)),
        (datetime(2027, 11, 30, 12), 3, datetime(2028, 2, 29, 12)),  # a leap year
        (datetime(2026, 8, 31, 9), 3, datetime(2026, 11, 30, 9)),
        (datetime(2026, 1, 31, 9), 1, datetime(2026, 2, 28, 9)),
        (datetime(2026, 12, 15, 9), 3, datetime(2027, 3, 15, 9)),
        (datetime(2027, 3, 31, 9), -1, datetime(2027, 2, 28, 9)),
    ],
)
def test_calendar_months_clamp_to_the_last_day(start, months, expected):
    assert add_months(start, months) == expected


def test_the_date_is_counted_on_the_sellers_calendar():
    # 30 November, 23:30 in Kuala Lumpur is still 30 November there (15:30 UTC)...
    late = datetime(2026, 11, 30, 15, 30, tzinfo=UTC)
    assert deletion_due(late, KL).astimezone(KL).date().isoformat() == "2027-02-28"
    # ...but 1 December, 00:30 there (16:30 UTC on 30 November) counts from 1 December.
    next_day = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)
    assert deletion_due(next_day, KL).astimezone(KL).date().isoformat() == "2027-03-01"


@pytest.fixture
def logged_in(client, auth, seller):
    auth.login()
    return seller


CLOSING_DAY = datetime(2026, 11, 30, 10, tzinfo=UTC)  # 18:00 in Kuala Lumpur


def test_the_page_says_what_happens_and_when(client, auth, seller):
    with freeze_time(CLOSING_DAY):
        auth.login()
        page = client.get("/account/terminate").get_data(as_text=True)
    assert "On 28 Feb 2027 we delete everything" in page
    for label in ("Password", "Type TERMINATE to confirm", "Close my account"):
        assert label in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"password": PASSWORD, "confirmation": "terminate"}, "Type the word TERMINATE"),
        ({"password": PASSWORD, "confirmation": ""}, "This field is required."),
        ({"password": "wrong-password-123", "confirmation": "TERMINATE"}, "not your password"),
    ],
)
def test_a_wrong_word_or_password_changes_nothing(app, client, logged_in, data, message):
    response = client.post("/account/terminate", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, logged_in["id"]).status == AccountStatus.ACTIVE
    assert client.get("/dashboard").status_code == 200


def test_closing_logs_out_everywhere_stops_sharing_and_emails_the_date(
    app, client, auth, seller, mailbox
):
    logged_in = seller
    other_browser = app.test_client()
    with freeze_time(CLOSING_DAY):
        auth.login()
        other_browser.post("/auth/login", data={"email": seller["email"], "password": PASSWORD})
        assert other_browser.get("/dashboard").status_code == 200
        response = client.post("/account/terminate", data=CLOSE)
        assert response.status_code == 302
        for browser in (client, other_browser):
            assert browser.get("/dashboard").headers["Location"].startswith("/auth/login")
    with app.app_context():
        user = db.session.get(User, logged_in["id"])
        assert user.status == AccountStatus.CLOSED_BY_SELLER
        assert user.deletion_due_at == datetime(2027, 2, 28, 10, tzinfo=UTC)
        with pytest.raises(sharing.SharingPaused):
            sharing.share(user, sharing.party_by_slug("dhl"), ("name",), request={})
    (email,) = [m for m in mailbox.messages(logged_in["email"]) if "closed" in m["Subject"]]
    assert "28 Feb 2027" in email.get_body(("plain",)).get_content()


def test_logging_in_shows_only_the_deletion_date_and_the_way_back(app, client, auth, seller):
    logged_in = seller
    with freeze_time(CLOSING_DAY):
        auth.login()
        assert client.post("/account/terminate", data=CLOSE).status_code == 302
    with freeze_time(datetime(2027, 1, 10, tzinfo=UTC)):
        auth.login()
        for url in ("/dashboard", "/profile", "/documents/", "/shipping/pickup", "/account"):
            assert client.get(url).headers["Location"] == "/account/closed", url
        page = client.get("/account/closed").get_data(as_text=True)
        assert "Your data will be deleted on 28 Feb 2027." in page
        assert "Reactivate my account" in page
        assert client.get("/account/export").status_code == 200  # their data, until the end
        response = client.post("/account/reactivate")
        assert response.headers["Location"] == "/dashboard"
        assert client.get("/dashboard").status_code == 200
    with app.app_context():
        user = db.session.get(User, logged_in["id"])
        assert user.status == AccountStatus.ACTIVE and user.deletion_due_at is None


def test_after_the_date_the_account_cannot_come_back(app, client, auth, seller):
    logged_in = seller
    with freeze_time(CLOSING_DAY):
        auth.login()
        assert client.post("/account/terminate", data=CLOSE).status_code == 302
    with freeze_time(datetime(2027, 3, 1, tzinfo=UTC)):
        auth.login()
        page = client.get("/account/closed").get_data(as_text=True)
        assert "Reactivate my account" not in page
        client.post("/account/reactivate")
    with app.app_context():
        assert db.session.get(User, logged_in["id"]).status == AccountStatus.CLOSED_BY_SELLER


def test_with_two_factor_the_code_is_needed_too(app, client, logged_in):
    import pyotp

    from portal.clock import utcnow

    secret = pyotp.random_base32()
    with app.app_context():
        user = db.session.get(User, logged_in["id"])
        user.totp_secret, user.totp_enabled_at = secret, utcnow()
        db.session.commit()
    response = client.post("/account/terminate", data={**CLOSE, "code": "000000"})
    assert response.status_code == 400
    assert "That code is not right" in response.get_data(as_text=True)
    response = client.post("/account/terminate", data={**CLOSE, "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, logged_in["id"]).status == AccountStatus.CLOSED_BY_SELLER


def test_an_admin_closes_an_account_with_a_reason(app, client, auth, seller, mailbox):
    with app.app_context():
        make_staff("admin@example.com", "admin")
        make_staff("support@example.com", "support")
    auth.login("support@example.com", PASSWORD)
    assert client.get(f"/admin/sellers/{seller['id']}/terminate").status_code == 404
    auth.logout()
    auth.login("admin@example.com", PASSWORD)
    url = f"/admin/sellers/{seller['id']}/terminate"
    refused = client.post(url, data={"reason": "", "confirm": "y"})
    assert refused.status_code == 400
    assert (
        client.post(url, data={"reason": "Fraud case 2026-114", "confirm": "y"}).status_code == 302
    )
    with app.app_context():
        assert db.session.get(User, seller["id"]).status == AccountStatus.CLOSED_BY_STAFF
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "account.terminate")
        )
        assert (event.subject_id, event.detail) == (seller["id"], "Fraud case 2026-114")
    (email,) = [m for m in mailbox.messages(seller["email"]) if "closed" in m["Subject"]]
    assert "Koopseri has closed your seller account." in email.get_body(("plain",)).get_content()


def test_staff_accounts_cannot_be_closed_here(app, client, auth):
    with app.app_context():
        make_staff("admin@example.com", "admin")
        other = make_staff("reviewer@example.com", "reviewer")
        other_id = other.id
    auth.login("admin@example.com", PASSWORD)
    assert client.get(f"/admin/sellers/{other_id}/terminate").status_code == 404
    assert client.get(f"/admin/sellers/{other_id + 1000}/terminate").status_code == 404


def test_the_account_page_links_to_closing_and_to_the_export(client, logged_in):
    page = client.get("/account").get_data(as_text=True)
    assert 'href="/account/terminate"' in page
    assert 'href="/account/export"' in page

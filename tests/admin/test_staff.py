"""Staff sign-in: two-factor set up at the first log-in, a 15-minute idle limit, and
accounts an admin can disable (which ends their sessions)."""

from __future__ import annotations

from datetime import timedelta

import pyotp
from freezegun import freeze_time
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.auth.models import User
from portal.clock import utcnow
from portal.extensions import db
from tests.support import PASSWORD, client_as, make_seller, make_staff


def test_the_first_log_in_sets_up_two_factor_before_anything_else(app, client):
    with app.app_context():
        make_staff("new@example.com", "reviewer", two_factor=False)
    response = client.post("/auth/login", data={"email": "new@example.com", "password": PASSWORD})
    landing = client.get(response.headers["Location"])  # the dashboard, for everyone
    assert landing.headers["Location"] == "/admin/two-factor"
    assert client.get("/admin/").headers["Location"] == "/admin/two-factor"
    page = client.get("/admin/two-factor").get_data(as_text=True)
    assert "Staff must log in with two-factor" in page
    secret = page.split('id="totp-secret">')[1].split("<")[0].replace(" ", "")
    wrong = client.post("/admin/two-factor", data={"code": "000000"})
    assert "That code is not right" in wrong.get_data(as_text=True)
    done = client.post("/admin/two-factor", data={"code": pyotp.TOTP(secret).now()})
    assert "Your recovery codes" in done.get_data(as_text=True)
    assert client.get("/admin/").status_code == 200
    with app.app_context():
        assert db.session.scalar(
            select(User).where(User.email == "new@example.com")
        ).two_factor_enabled


def test_staff_sessions_end_after_15_idle_minutes_and_sellers_after_30(app):
    with app.app_context():
        make_staff("staff@example.com", "support")
        make_seller("seller@example.com")
    start = utcnow()
    with freeze_time(start):
        staff = client_as(app, "staff@example.com")
        seller = client_as(app, "seller@example.com")
    with freeze_time(start + timedelta(minutes=14)):
        assert staff.get("/admin/").status_code == 200
    with freeze_time(start + timedelta(minutes=14 + 16)):
        assert staff.get("/admin/").status_code == 404  # logged out: the back office hides
        assert seller.get("/dashboard").status_code == 200


def test_staff_cannot_keep_a_session_by_remembering_it(app, client, auth):
    with app.app_context():
        make_staff("staff@example.com", "admin")
    auth.login("staff@example.com", remember="y")
    with app.app_context():
        sessions = db.session.scalar(select(User).where(User.email == "staff@example.com")).sessions
        assert [s.remember for s in sessions] == [False]


def test_an_admin_disables_a_member_of_staff(app):
    with app.app_context():
        make_staff("admin@example.com", "admin")
        reviewer_id = make_staff("reviewer@example.com", "reviewer").id
    admin = client_as(app, "admin@example.com")
    reviewer = client_as(app, "reviewer@example.com")
    assert reviewer.get("/admin/").status_code == 200
    assert "reviewer@example.com" in admin.get("/admin/staff").get_data(as_text=True)

    assert admin.post(f"/admin/staff/{reviewer_id}/disable").status_code == 302
    assert reviewer.get("/admin/").status_code == 404  # that session ended at once
    again = app.test_client().post(
        "/auth/login", data={"email": "reviewer@example.com", "password": PASSWORD}
    )
    assert "The email or password is not right" in again.get_data(as_text=True)
    with app.app_context():
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.subject_id == reviewer_id)
        ).all()
        assert actions == ["staff.disable"]

    assert admin.post(f"/admin/staff/{reviewer_id}/enable").status_code == 302
    assert client_as(app, "reviewer@example.com").get("/admin/").status_code == 200


def test_an_admin_cannot_disable_themself(app):
    with app.app_context():
        admin_id = make_staff("admin@example.com", "admin").id
    admin = client_as(app, "admin@example.com")
    admin.post(f"/admin/staff/{admin_id}/disable")
    assert admin.get("/admin/").status_code == 200
    with app.app_context():
        assert db.session.get(User, admin_id).disabled_at is None

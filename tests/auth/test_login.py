"""Log in and out: one generic error, equal hash work, sessions that rotate and expire."""

from __future__ import annotations

from datetime import timedelta

import bcrypt
import pytest
from sqlalchemy import select

from portal.auth.models import LoginSession
from portal.clock import utcnow
from portal.extensions import db
from tests.support import PASSWORD, body_text, make_seller, without_tokens


@pytest.fixture
def hash_checks(monkeypatch):
    """Counts real bcrypt checks (the real function still runs)."""
    calls = []
    real = bcrypt.checkpw

    def counting(password, hashed):
        calls.append(hashed)
        return real(password, hashed)

    monkeypatch.setattr(bcrypt, "checkpw", counting)
    return calls


def test_login_form_has_labelled_fields(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert ">Email</label>" in page and ">Password</label>" in page


def test_login_then_dashboard(client, seller, auth):
    response = auth.login()
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Welcome, Tan Mei Ling" in page
    assert "version 1" in page


def test_wrong_password_and_unknown_email_look_identical(client, seller, auth):
    wrong = auth.login(password="not-the-right-password")
    unknown = auth.login(email_address="nobody@example.com", password="not-the-right-password")
    assert wrong.status_code == unknown.status_code == 200
    message = "The email or password is not right. Please try again."
    assert message in wrong.get_data(as_text=True)
    assert without_tokens(wrong).replace("seller@example.com", "X") == without_tokens(
        unknown
    ).replace("nobody@example.com", "X")


def test_unknown_email_does_the_same_hash_work_as_a_wrong_password(
    app, client, seller, auth, hash_checks
):
    auth.login(password="not-the-right-password")
    known = list(hash_checks)
    hash_checks.clear()
    auth.login(email_address="nobody@example.com", password="not-the-right-password")
    unknown = list(hash_checks)

    assert len(known) == len(unknown) == 1
    # The same cost factor: "$2b$04$..." carries the rounds in the hash itself.
    assert known[0][:7] == unknown[0][:7] == b"$2b$04$"


def test_dummy_hash_follows_the_configured_cost(make_app, hash_checks):
    app = make_app(BCRYPT_ROUNDS=5)
    app.test_client().post("/auth/login", data={"email": "x@example.com", "password": "whatever"})
    assert hash_checks and hash_checks[0][:7] == b"$2b$05$"


def test_unverified_account_gets_a_new_link_not_a_session(client, app, auth, mailbox):
    with app.app_context():
        make_seller("new@example.com", verified=False)
    response = auth.login("new@example.com")
    assert response.status_code == 200
    assert "Confirm your email address first" in response.get_data(as_text=True)
    assert "/auth/verify/" in body_text(mailbox.last("new@example.com"))
    assert client.get("/dashboard").status_code == 302


def test_session_is_cleared_and_rotated_at_login(client, seller, auth):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    auth.login()
    with client.session_transaction() as session:
        assert "planted" not in session
        first = session["_user_id"]
    auth.logout()
    auth.login()
    with client.session_transaction() as session:
        assert session["_user_id"] != first


def _only_session(app) -> LoginSession:
    with app.app_context():
        return db.session.scalars(select(LoginSession)).one()


def _age_session(app, **changes) -> None:
    with app.app_context():
        row = db.session.scalars(select(LoginSession)).one()
        for name, value in changes.items():
            setattr(row, name, value)
        db.session.commit()


def test_idle_session_ends_after_30_minutes(client, app, seller, auth):
    auth.login()
    _age_session(app, last_seen_at=utcnow() - timedelta(minutes=29))
    assert client.get("/dashboard").status_code == 200
    _age_session(app, last_seen_at=utcnow() - timedelta(minutes=31))
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
    with app.app_context():
        assert db.session.scalars(select(LoginSession)).all() == []


def test_session_ends_after_12_hours_even_when_active(client, app, seller, auth):
    auth.login()
    row = _only_session(app)
    assert timedelta(hours=11, minutes=59) < row.expires_at - row.created_at <= timedelta(hours=12)
    _age_session(app, expires_at=utcnow() - timedelta(seconds=1))
    assert client.get("/dashboard").status_code == 302


def test_remember_me_lasts_30_days_at_most(client, app, seller, auth):
    response = auth.login(remember="y")
    cookie = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("portal_session=")
    )
    assert "Expires=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    row = _only_session(app)
    assert row.remember
    assert timedelta(days=29, hours=23) < row.expires_at - row.created_at <= timedelta(days=30)
    # Idle for a day is fine for a remembered session ...
    _age_session(app, last_seen_at=utcnow() - timedelta(days=1))
    assert client.get("/dashboard").status_code == 200
    # ... but never past 30 days.
    _age_session(app, expires_at=utcnow() - timedelta(seconds=1))
    assert client.get("/dashboard").status_code == 302


def test_without_remember_me_the_cookie_ends_with_the_browser(seller, auth):
    response = auth.login()
    cookie = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("portal_session=")
    )
    assert "Expires=" not in cookie


def test_logout_is_post_only_and_ends_the_session(client, app, seller, auth):
    auth.login()
    assert client.get("/auth/logout").status_code == 405
    assert client.get("/dashboard").status_code == 200
    response = auth.logout()
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 302
    with app.app_context():
        assert db.session.scalars(select(LoginSession)).all() == []


def test_a_stolen_cookie_is_useless_after_logout(client, app, seller, auth):
    auth.login()
    with client.session_transaction() as session:
        stolen = dict(session)
    auth.logout()
    with client.session_transaction() as session:
        session.update(stolen)
    assert client.get("/dashboard").status_code == 302


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/account", "/account"),
        ("/privacy?x=1", "/privacy?x=1"),
        ("https://evil.example.com/", "/dashboard"),
        ("//evil.example.com/", "/dashboard"),
        ("/\\evil.example.com", "/dashboard"),
        ("javascript:alert(1)", "/dashboard"),
        ("", "/dashboard"),
    ],
)
def test_next_only_redirects_within_the_site(seller, auth, next_url, expected):
    response = auth.login(next=next_url)
    assert response.headers["Location"] == expected


def test_protected_page_sends_anonymous_visitors_to_login_and_back(client, seller, auth):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=%2Faccount"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="/account"' in page


def test_last_login_is_recorded(app, seller, auth):
    auth.login()
    with app.app_context():
        from portal.auth.models import User

        assert db.session.get(User, seller["id"]).last_login_at is not None


def test_password_is_never_echoed_back(seller, auth):
    page = auth.login(password="my-secret-attempt-123").get_data(as_text=True)
    assert "my-secret-attempt-123" not in page
    assert PASSWORD not in page

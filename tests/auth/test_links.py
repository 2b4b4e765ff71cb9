"""Verification and reset links: signed, expiring, single-use; password changes end sessions."""

from __future__ import annotations

import time as real_time

import itsdangerous.timed
import pytest
from sqlalchemy import func, select

from portal.auth.models import LoginSession, User
from portal.extensions import db
from tests.support import (
    PASSWORD,
    body_text,
    forged,
    link_in,
    make_seller,
    registration_form,
    without_tokens,
)

NEW_PASSWORD = "mangosteen-monsoon-lantern-7"


class _Later:
    """time, as itsdangerous sees it, ``seconds`` from now."""

    def __init__(self, seconds: float):
        self.seconds = seconds

    def time(self) -> float:
        return real_time.time() + self.seconds


@pytest.fixture
def travel(monkeypatch):
    def to(seconds_from_now: float) -> None:
        monkeypatch.setattr(itsdangerous.timed, "time", _Later(seconds_from_now))

    return to


def _register_and_get_link(client, mailbox, email="aisyah@example.com") -> str:
    client.post("/auth/register", data=registration_form(email=email))
    return link_in(mailbox.last(email), "/auth/verify/")


# --- verification ----------------------------------------------------------------------------


def test_verification_link_shows_a_button_then_verifies_once(client, app, mailbox, auth):
    link = _register_and_get_link(client, mailbox)
    page = client.get(link)
    assert page.status_code == 200
    assert "Confirm my email address" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User.email_verified_at)) is None  # GET changes nothing

    response = client.post(link)
    assert response.headers["Location"] == "/auth/login"
    assert auth.login("aisyah@example.com").headers["Location"] == "/dashboard"

    again = client.post(link, follow_redirects=True)
    assert "This link has already been used" in again.get_data(as_text=True)


@pytest.mark.parametrize(("hours", "works"), [(47.9, True), (48.1, False)])
def test_verification_link_lasts_48_hours(client, app, mailbox, travel, hours, works):
    link = _register_and_get_link(client, mailbox)
    travel(hours * 3600)
    response = client.post(link)
    if works:
        assert response.status_code == 302
    else:
        assert response.status_code == 400
        assert "This link has expired" in response.get_data(as_text=True)
    with app.app_context():
        assert (db.session.scalar(select(User.email_verified_at)) is not None) is works


@pytest.mark.parametrize("mangle", [forged, lambda t: "x" + t, lambda t: "garbage"])
def test_a_forged_verification_link_is_refused(client, app, mailbox, mangle):
    link = _register_and_get_link(client, mailbox)
    prefix, token = link.rsplit("/", 1)
    response = client.post(f"{prefix}/{mangle(token)}")
    assert response.status_code == 400
    assert "This link does not work" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User.email_verified_at)) is None


def test_a_reset_token_cannot_verify_an_email(client, app, mailbox, seller):
    client.post("/auth/reset", data={"email": seller["email"]})
    token = link_in(mailbox.last(seller["email"]), "/auth/reset/").rsplit("/", 1)[1]
    assert client.post(f"/auth/verify/{token}").status_code == 400


# --- reset -----------------------------------------------------------------------------------


def _reset_link(client, mailbox, email) -> str:
    client.post("/auth/reset", data={"email": email})
    return link_in(mailbox.last(email), "/auth/reset/")


def test_reset_request_answers_the_same_for_unknown_addresses(client, seller, mailbox):
    known = client.post("/auth/reset", data={"email": seller["email"]})
    # The page shows the typed address masked ("s•••••@example.com"): one that masks alike.
    unknown = client.post("/auth/reset", data={"email": "sunita@example.com"})
    assert without_tokens(known) == without_tokens(unknown)
    assert mailbox.messages("sunita@example.com") == []
    message = mailbox.last(seller["email"])
    assert message["Subject"] == "Reset your Koopseri password"
    assert "60 minutes" in body_text(message)


def test_reset_sets_a_new_password_once(client, app, seller, mailbox, auth):
    link = _reset_link(client, mailbox, seller["email"])
    assert "New password" in client.get(link).get_data(as_text=True)
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.headers["Location"] == "/auth/login"

    assert auth.login(password=PASSWORD).status_code == 200
    assert auth.login(password=NEW_PASSWORD).status_code == 302
    auth.logout()

    reused = client.post(
        link, data={"password": "another-passphrase-99", "confirm": "another-passphrase-99"}
    )
    assert reused.status_code == 400
    assert "This link has already been used" in reused.get_data(as_text=True)
    assert auth.login(password=NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(("minutes", "works"), [(59, True), (61, False)])
def test_reset_link_lasts_one_hour(client, seller, mailbox, travel, minutes, works):
    link = _reset_link(client, mailbox, seller["email"])
    travel(minutes * 60)
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert (response.status_code == 302) is works
    if not works:
        assert "This link has expired" in response.get_data(as_text=True)


def test_reset_ends_every_session_and_alerts_the_owner(app, seller, mailbox):
    laptop, phone, browser = app.test_client(), app.test_client(), app.test_client()
    for device in (laptop, phone):
        device.post("/auth/login", data={"email": seller["email"], "password": PASSWORD})
        assert device.get("/dashboard").status_code == 200

    link = _reset_link(browser, mailbox, seller["email"])
    browser.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert laptop.get("/dashboard").status_code == 302
    assert phone.get("/dashboard").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 0
    alert = mailbox.last(seller["email"])
    assert alert["Subject"] == "Your Koopseri password was changed"


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("short", "short", "Use at least 12 characters."),
        ("qwerty123456", "qwerty123456", "This password is too common."),
        ("seller@example.com", "seller@example.com", "must not be your email address"),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "The two passwords do not match."),
    ],
)
def test_reset_refuses_weak_or_mismatched_passwords(
    client, seller, mailbox, auth, password, confirm, message
):
    link = _reset_link(client, mailbox, seller["email"])
    response = client.post(link, data={"password": password, "confirm": confirm})
    assert response.status_code == 400  # a form shown again with its errors
    assert message in response.get_data(as_text=True)
    assert auth.login().status_code == 302  # the old password still works


def test_reset_verifies_an_unverified_address(client, app, mailbox, auth):
    with app.app_context():
        make_seller("late@example.com", verified=False)
    link = _reset_link(client, mailbox, "late@example.com")
    client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert auth.login("late@example.com", NEW_PASSWORD).status_code == 302


# --- change ----------------------------------------------------------------------------------


def test_change_password_keeps_this_session_and_ends_the_others(app, seller, mailbox):
    here, elsewhere = app.test_client(), app.test_client()
    for device in (here, elsewhere):
        device.post("/auth/login", data={"email": seller["email"], "password": PASSWORD})

    response = here.post(
        "/auth/password",
        data={"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.headers["Location"] == "/account"
    assert here.get("/dashboard").status_code == 200
    assert elsewhere.get("/dashboard").status_code == 302
    alert = mailbox.last(seller["email"])
    assert alert["Subject"] == "Your Koopseri password was changed"
    assert "every other device was logged out" in body_text(alert)
    subjects = [m["Subject"] for m in mailbox.messages(to=seller["email"])]
    assert subjects.count("Your Koopseri password was changed") == 1  # exactly once


def test_change_password_needs_the_current_one(client, seller, auth, mailbox):
    auth.login()
    response = client.post(
        "/auth/password",
        data={
            "current_password": "not-my-password",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 400
    assert "Your current password is not right." in response.get_data(as_text=True)
    auth.logout()
    assert auth.login().status_code == 302
    assert mailbox.messages(seller["email"]) == []


def test_change_password_requires_login(client):
    assert client.get("/auth/password").status_code == 302


def test_guessing_the_current_password_is_limited(client, seller, auth):
    auth.login()
    wrong = {
        "current_password": "guess-guess-guess",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }
    for _ in range(5):
        assert client.post("/auth/password", data=wrong).status_code == 400
    right = {**wrong, "current_password": PASSWORD}
    response = client.post("/auth/password", data=right)
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)

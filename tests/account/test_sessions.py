"""The list of logged-in devices on /account: what it shows, and signing sessions out."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.account.services import describe_device
from portal.auth.models import LoginSession
from portal.extensions import db
from tests.support import PASSWORD

CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
FIREFOX_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)


def _browser(app, user_agent: str, ip: str, email: str = "seller@example.com"):
    """A separate browser, logged in as ``email`` with its own User-Agent and address."""
    browser = app.test_client()
    browser.environ_base.update(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=ip)
    response = browser.post("/auth/login", data={"email": email, "password": PASSWORD})
    assert response.headers["Location"] == "/dashboard"
    return browser


def _session_id(app, user_agent: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(LoginSession.id).where(LoginSession.user_agent == user_agent)
        )


def _session_count(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(LoginSession)).all())


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        (CHROME_WINDOWS, "Chrome on Windows"),
        (FIREFOX_ANDROID, "Firefox on Android"),
        (SAFARI_IPHONE, "Safari on iOS"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.4 Safari/605.1.15",
            "Safari on macOS",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/124.0.0.0 Safari/537.36 OPR/109.0.0.0",
            "Opera on Linux",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
            "SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
            "Samsung Internet on Android",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1",
            "Chrome on iOS",
        ),
        (
            "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/124.0.0.0 Safari/537.36",
            "Chrome on ChromeOS",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
            "Firefox on Linux",
        ),
        ("curl/8.5.0", "Unknown device"),
        ("", "Unknown device"),
        (None, "Unknown device"),
    ],
)
def test_device_names(app, user_agent, expected):
    with app.test_request_context():
        assert describe_device(user_agent) == expected


def test_the_list_shows_this_device_and_the_others(app, seller):
    me = _browser(app, CHROME_WINDOWS, "203.0.113.10")
    _browser(app, FIREFOX_ANDROID, "198.51.100.20")
    page = me.get("/account").get_data(as_text=True)
    rows = re.findall(r"<tr>\s*<td>(.*?)</tr>", page, re.S)
    assert len(rows) == 2
    mine, other = rows  # this browser first
    assert "Chrome on Windows" in mine and "This device" in mine and "203.0.113.10" in mine
    assert "/end" not in mine  # this browser logs out with "Log out", not from the list
    assert "Firefox on Android" in other and "This device" not in other
    assert "198.51.100.20" in other
    other_id = _session_id(app, FIREFOX_ANDROID)
    assert f'action="/account/sessions/{other_id}/end"' in other
    assert "Sign out all other sessions" in page


def test_alone_there_is_nothing_else_to_sign_out(app, seller):
    me = _browser(app, CHROME_WINDOWS, "203.0.113.10")
    page = me.get("/account").get_data(as_text=True)
    assert "This device" in page and "Sign out all other sessions" not in page


def test_signing_out_one_other_session(app, seller):
    me = _browser(app, CHROME_WINDOWS, "203.0.113.10")
    phone = _browser(app, FIREFOX_ANDROID, "198.51.100.20")
    response = me.post(f"/account/sessions/{_session_id(app, FIREFOX_ANDROID)}/end")
    assert response.headers["Location"] == "/account"
    assert "That session has been signed out." in me.get("/account").get_data(as_text=True)
    assert phone.get("/dashboard").status_code == 302
    assert me.get("/dashboard").status_code == 200
    assert _session_count(app) == 1


def test_signing_out_all_other_sessions_keeps_this_one(app, seller):
    me = _browser(app, CHROME_WINDOWS, "203.0.113.10")
    others = [
        _browser(app, FIREFOX_ANDROID, "198.51.100.20"),
        _browser(app, SAFARI_IPHONE, "198.51.100.30"),
    ]
    response = me.post("/account/sessions/end-others", follow_redirects=True)
    assert "2 other sessions have been signed out." in response.get_data(as_text=True)
    assert me.get("/dashboard").status_code == 200
    for browser in others:
        assert browser.get("/dashboard").status_code == 302
    assert _session_count(app) == 1

    again = me.post("/account/sessions/end-others", follow_redirects=True)
    assert "There were no other sessions to sign out." in again.get_data(as_text=True)


def test_another_seller_cannot_end_my_session(app, seller, other_seller):
    mine = _browser(app, CHROME_WINDOWS, "203.0.113.10")
    theirs = _browser(app, FIREFOX_ANDROID, "198.51.100.20", email=other_seller["email"])
    my_session = _session_id(app, CHROME_WINDOWS)

    assert theirs.post(f"/account/sessions/{my_session}/end").status_code == 404
    with app.app_context():
        assert db.session.get(LoginSession, my_session) is not None
    assert mine.get("/dashboard").status_code == 200
    # Nor is it in their list, and "all other sessions" means their own only.
    assert "Chrome on Windows" not in theirs.get("/account").get_data(as_text=True)
    theirs.post("/account/sessions/end-others")
    assert mine.get("/dashboard").status_code == 200


@pytest.mark.parametrize("session_id", [0, 999999])
def test_unknown_sessions_are_404(app, seller, session_id):
    me = _browser(app, CHROME_WINDOWS, "203.0.113.10")
    assert me.post(f"/account/sessions/{session_id}/end").status_code == 404


def test_signing_out_sessions_is_post_only(app, seller):
    me = _browser(app, CHROME_WINDOWS, "203.0.113.10")
    assert me.get("/account/sessions/end-others").status_code == 405
    assert me.get(f"/account/sessions/{_session_id(app, CHROME_WINDOWS)}/end").status_code == 405


def _csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_every_form_on_the_account_page_carries_a_csrf_token(make_app):
    from tests.support import make_seller

    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_seller()
    browsers = []
    for user_agent in (CHROME_WINDOWS, FIREFOX_ANDROID):
        browser = app.test_client()
        browser.environ_base["HTTP_USER_AGENT"] = user_agent
        token = _csrf_token(browser.get("/auth/login").get_data(as_text=True))
        data = {"email": "seller@example.com", "password": PASSWORD, "csrf_token": token}
        assert browser.post("/auth/login", data=data).status_code == 302
        browsers.append(browser)
    me, phone = browsers

    page = me.get("/account").get_data(as_text=True)
    forms = re.findall(r'<form method="post".*?</form>', page, re.S)
    assert len(forms) >= 3  # log out, sign out the phone, sign out all others
    for form in forms:
        assert 'name="csrf_token"' in form, form

    assert me.post("/account/sessions/end-others").status_code == 400  # forged: no token
    assert phone.get("/dashboard").status_code == 200
    response = me.post("/account/sessions/end-others", data={"csrf_token": _csrf_token(page)})
    assert response.status_code == 302
    assert phone.get("/dashboard").status_code == 302

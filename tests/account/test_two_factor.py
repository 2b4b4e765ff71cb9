"""Two-factor log-in: setting it up behind re-authentication, codes that work once, recovery
codes shown once, the second step of a log-in, and an email for every change."""

from __future__ import annotations

import time

import pyotp
import pytest
from sqlalchemy import func, select

from portal.auth.models import RecoveryCode, User
from portal.extensions import db
from tests.account.conftest import codes_on, secret_on
from tests.support import PASSWORD, body_text

ENABLED = "Two-factor log-in is now on for your Koopseri account"
DISABLED = "Two-factor log-in is now off for your Koopseri account"
REPLACED = "New recovery codes for your Koopseri account"


def _subjects(mailbox, to="seller@example.com") -> list[str]:
    return [message["Subject"] for message in mailbox.messages(to=to)]


def _recovery_code_count(app, user_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(RecoveryCode).where(RecoveryCode.user_id == user_id)
        )


def _wrong_code(two_factor) -> str:
    """A six-digit code that no step near the clock's produces."""
    near = {two_factor.code(seconds) for seconds in (-30, 0, 30)}
    return next(c for c in (f"{n:06d}" for n in range(123456, 999999, 7)) if c not in near)


# --- setting it up -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/account/two-factor"),
        ("POST", "/account/two-factor"),
        ("POST", "/account/two-factor/disable"),
        ("POST", "/account/two-factor/recovery-codes/new"),
    ],
)
def test_two_factor_changes_need_a_recent_password(client, seller, auth, two_factor, method, url):
    auth.login()
    two_factor.age_reauth(minutes=11)
    response = client.open(url, method=method, data={"code": "123456"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/confirm?next=")
    if method == "GET":
        assert response.headers["Location"] == "/auth/confirm?next=" + url
    assert not two_factor.user(seller["id"]).two_factor_enabled


def test_after_confirming_the_password_setup_opens(client, seller, auth, two_factor):
    auth.login()
    two_factor.age_reauth(minutes=11)
    confirm = client.get("/account/two-factor").headers["Location"]
    page = client.get(confirm).get_data(as_text=True)
    assert "Authentication code" not in page  # two-factor is off: the password is enough
    response = client.post(confirm, data={"password": PASSWORD, "next": "/account/two-factor"})
    assert response.headers["Location"] == "/account/two-factor"
    assert client.get("/account/two-factor", follow_redirects=True).status_code == 200


def test_setup_page_draws_the_qr_code_itself_and_shows_the_key(client, seller, auth, two_factor):
    auth.login()
    page = two_factor.setup_page()
    assert "<svg" in page and "<title>QR code</title>" in page
    assert len(two_factor.secret) == 32
    assert "Authentication code</label>" in page and '="None"' not in page
    assert "style=" not in page and "http" not in page.split("<svg", 1)[1].split("</svg>")[0]
    # The same secret until it is confirmed, so a reload does not undo a scan ...
    assert secret_on(client.get("/account/two-factor").get_data(as_text=True)) == two_factor.secret
    # ... and it is not readable in the session cookie.
    with client.session_transaction() as session:
        assert two_factor.secret not in repr(dict(session))


def test_a_wrong_code_changes_nothing(client, app, seller, auth, two_factor, mailbox):
    auth.login()
    two_factor.setup_page()
    response = client.post("/account/two-factor", data={"code": _wrong_code(two_factor)})
    assert response.status_code == 400
    assert "That code is not right" in response.get_data(as_text=True)
    user = two_factor.user(seller["id"])
    assert not user.two_factor_enabled and user.totp_secret is None
    assert _recovery_code_count(app, seller["id"]) == 0
    assert _subjects(mailbox) == []


@pytest.mark.parametrize("code", ["", "12345", "abcdef", "1234567"])
def test_malformed_codes_are_refused(client, seller, auth, two_factor, code):
    auth.login()
    two_factor.setup_page()
    response = client.post("/account/two-factor", data={"code": code})
    assert response.status_code == 400
    assert 'id="code-error"' in response.get_data(as_text=True)
    assert not two_factor.user(seller["id"]).two_factor_enabled


def test_turning_on_with_the_apps_current_code(client, app, seller, auth, mailbox):
    auth.login()
    page = client.get("/account/two-factor", follow_redirects=True).get_data(as_text=True)
    secret = secret_on(page)
    response = client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now()})
    assert response.headers["Location"] == "/account/two-factor/recovery-codes"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Two-factor log-in is now on." in page
    assert len(set(codes_on(page))) == 10
    assert "only time they are shown" in page

    with app.app_context():
        user = db.session.get(User, seller["id"])
        assert user.two_factor_enabled and user.totp_secret == secret
    assert _recovery_code_count(app, seller["id"]) == 10

    account = client.get("/account").get_data(as_text=True)
    assert "since" in account and "You have 10 unused recovery codes." in account
    assert "Turn off two-factor" in account and "Turn on two-factor" not in account

    alerts = [m for m in mailbox.messages(to=seller["email"]) if m["Subject"] == ENABLED]
    assert len(alerts) == 1
    assert "authenticator app" in body_text(alerts[0])


def test_recovery_codes_are_shown_once(client, seller, auth, two_factor):
    auth.login()
    codes = two_factor.turn_on()
    again = client.get("/account/two-factor/recovery-codes").get_data(as_text=True)
    assert codes_on(again) == []
    assert not any(code in again for code in codes)
    assert "already been shown" in again


def test_setup_is_refused_when_already_on(client, seller, auth, two_factor):
    auth.login()
    two_factor.turn_on()
    response = client.get("/account/two-factor", follow_redirects=True)
    assert "Two-factor log-in is already on." in response.get_data(as_text=True)


# --- logging in with it ------------------------------------------------------------------------


def test_after_turning_on_login_asks_for_a_code(client, seller, auth, two_factor):
    auth.login()
    two_factor.turn_on()
    auth.logout()

    response = auth.login()
    assert response.headers["Location"] == "/auth/two-factor"
    assert client.get("/dashboard").status_code == 302  # the password alone is not a session
    assert two_factor.session_rows() == []
    page = client.get("/auth/two-factor").get_data(as_text=True)
    assert "Authentication code</label>" in page and "recovery codes" in page
    assert '="None"' not in page

    response = client.post("/auth/two-factor", data={"code": two_factor.code(30)})
    assert response.headers["Location"] == "/dashboard"
    assert client.get("/dashboard").status_code == 200
    assert len(two_factor.session_rows()) == 1
    assert any(c.startswith("portal_device=") for c in response.headers.getlist("Set-Cookie"))


def test_an_authenticator_code_works_once(client, seller, auth, two_factor):
    auth.login()
    two_factor.turn_on()
    auth.logout()
    code = two_factor.code(30)
    assert two_factor.log_in(code).headers["Location"] == "/dashboard"
    auth.logout()

    replay = two_factor.log_in(code)
    assert replay.status_code == 400
    assert "That code is not right, or it has been used already." in replay.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302
    # Nor does an older code, once a newer one has been used.
    assert two_factor.log_in(two_factor.code(0)).status_code == 400
    # The next step's code does.
    two_factor.clock.advance(30)
    assert two_factor.log_in(two_factor.code(30)).headers["Location"] == "/dashboard"


def test_a_recovery_code_works_once(client, app, seller, auth, two_factor):
    auth.login()
    codes = two_factor.turn_on()
    auth.logout()
    # Typed with spaces and in capitals, as people copy them.
    typed = codes[3].upper().replace("-", " ")
    assert two_factor.log_in(typed).headers["Location"] == "/dashboard"
    assert "You have 9 unused recovery codes." in client.get("/account").get_data(as_text=True)
    auth.logout()
    assert two_factor.log_in(codes[3]).status_code == 400
    assert client.get("/dashboard").status_code == 302
    assert two_factor.log_in(codes[4]).headers["Location"] == "/dashboard"


def test_the_second_step_keeps_next_and_remember(client, seller, auth, two_factor):
    auth.login()
    two_factor.turn_on()
    auth.logout()
    auth.login(next="/account", remember="y")
    response = client.post("/auth/two-factor", data={"code": two_factor.code(30)})
    assert response.headers["Location"] == "/account"
    assert two_factor.session_rows()[0].remember
    auth.logout()
    auth.login(next="https://evil.example.com/")
    two_factor.clock.advance(30)
    response = client.post("/auth/two-factor", data={"code": two_factor.code(30)})
    assert response.headers["Location"] == "/dashboard"


def test_the_second_step_needs_a_pending_login(client, seller):
    response = client.get("/auth/two-factor")
    assert response.headers["Location"] == "/auth/login"
    response = client.post("/auth/two-factor", data={"code": "123456"})
    assert response.headers["Location"] == "/auth/login"


def test_a_pending_login_expires_after_five_minutes(client, seller, auth, two_factor):
    auth.login()
    two_factor.turn_on()
    auth.logout()
    auth.login()
    with client.session_transaction() as session:
        note = session["pending_login"]
        session["pending_login"] = {**note, "t": note["t"] - (5 * 60 + 1)}
    response = client.post("/auth/two-factor", data={"code": two_factor.code(30)})
    assert response.headers["Location"] == "/auth/login"
    page = client.get("/auth/login").get_data(as_text=True)
    assert "Your log-in took too long to finish. Please log in again." in page
    assert client.get("/auth/two-factor").headers["Location"] == "/auth/login"
    assert client.get("/dashboard").status_code == 302


def test_a_pending_login_dies_with_a_password_change(app, client, seller, auth, two_factor):
    auth.login()
    two_factor.turn_on()
    auth.logout()
    auth.login()
    with app.app_context():
        from portal.security import hash_password

        db.session.get(User, seller["id"]).password_hash = hash_password("another-long-password-1")
        db.session.commit()
    response = client.post("/auth/two-factor", data={"code": two_factor.code(30)})
    assert response.headers["Location"] == "/auth/login"
    assert client.get("/dashboard").status_code == 302


def test_wrong_codes_are_rate_limited_per_account(client, seller, auth, two_factor):
    auth.login()
    two_factor.turn_on()
    auth.logout()
    auth.login()
    wrong = _wrong_code(two_factor)
    for _ in range(5):
        assert client.post("/auth/two-factor", data={"code": wrong}).status_code == 400
    locked = client.post("/auth/two-factor", data={"code": two_factor.code(30)})
    assert locked.status_code == 429
    assert client.get("/dashboard").status_code == 302


def test_right_codes_do_not_count_against_the_limit(client, seller, auth, two_factor):
    auth.login()
    two_factor.turn_on()
    for _ in range(7):
        auth.logout()
        two_factor.clock.advance(30)
        assert two_factor.log_in(two_factor.code(30)).headers["Location"] == "/dashboard"


# --- turning it off, new recovery codes, and the emails ---------------------------------------


def test_turning_off(client, app, seller, auth, two_factor, mailbox):
    auth.login()
    two_factor.turn_on()
    response = client.post("/account/two-factor/disable", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Two-factor log-in is now off" in page and "Turn on two-factor" in page
    user = two_factor.user(seller["id"])
    assert not user.two_factor_enabled
    assert user.totp_secret is None and user.totp_last_step is None
    assert _recovery_code_count(app, seller["id"]) == 0
    assert _subjects(mailbox).count(DISABLED) == 1

    auth.logout()
    assert auth.login().headers["Location"] == "/dashboard"


def test_new_recovery_codes_replace_the_old_ones(client, app, seller, auth, two_factor, mailbox):
    auth.login()
    old = two_factor.turn_on()
    response = client.post("/account/two-factor/recovery-codes/new")
    assert response.headers["Location"] == "/account/two-factor/recovery-codes"
    new = codes_on(client.get(response.headers["Location"]).get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    assert codes_on(client.get("/account/two-factor/recovery-codes").get_data(as_text=True)) == []
    assert _subjects(mailbox).count(REPLACED) == 1

    auth.logout()
    assert two_factor.log_in(old[0]).status_code == 400
    assert two_factor.log_in(new[0]).headers["Location"] == "/dashboard"


def test_nothing_to_do_when_two_factor_is_off(client, app, seller, auth, two_factor, mailbox):
    auth.login()
    page = client.post("/account/two-factor/disable", follow_redirects=True).get_data(as_text=True)
    assert "Two-factor log-in is already off." in page
    page = client.post("/account/two-factor/recovery-codes/new", follow_redirects=True).get_data(
        as_text=True
    )
    assert "Recovery codes are for two-factor log-in, which is off." in page
    assert _recovery_code_count(app, seller["id"]) == 0
    assert _subjects(mailbox) == []


def test_each_change_is_emailed_exactly_once(client, seller, auth, two_factor, mailbox):
    auth.login()
    two_factor.turn_on()
    client.post("/account/two-factor/recovery-codes/new")
    client.post("/account/two-factor/disable")
    subjects = _subjects(mailbox)
    assert sorted(subjects) == sorted([ENABLED, REPLACED, DISABLED])
    for message in mailbox.messages(to=seller["email"]):
        text = body_text(message)
        assert "/auth/reset" in text  # "if it was not you"
        for secret in (two_factor.secret, *two_factor.recovery_codes):
            assert secret not in text


# --- confirming identity with two-factor on ---------------------------------------------------


def test_confirm_asks_for_the_code_when_two_factor_is_on(client, seller, auth, two_factor):
    auth.login()
    two_factor.turn_on()
    two_factor.age_reauth(minutes=11)
    response = client.post("/account/two-factor/recovery-codes/new")
    confirm = response.headers["Location"]
    assert confirm.startswith("/auth/confirm?next=")
    page = client.get(confirm).get_data(as_text=True)
    assert "Authentication code</label>" in page

    target = {"next": "/account"}
    refused = client.post(confirm, data={"password": PASSWORD, **target})
    assert "The password or the authentication code is not right." in refused.get_data(as_text=True)
    refused = client.post(
        confirm, data={"password": "wrong-password-1", "code": two_factor.code(30), **target}
    )
    assert refused.status_code == 400

    accepted = client.post(
        confirm, data={"password": PASSWORD, "code": two_factor.code(30), **target}
    )
    assert accepted.headers["Location"] == "/account"
    response = client.post("/account/two-factor/recovery-codes/new")
    assert response.headers["Location"] == "/account/two-factor/recovery-codes"


def test_the_setup_secret_is_replaced_if_the_session_lost_it(client, seller, auth, two_factor):
    auth.login()
    two_factor.setup_page()
    with client.session_transaction() as session:
        session.pop("account.totp_setup")
    response = client.post("/account/two-factor", data={"code": two_factor.code()})
    assert response.headers["Location"] == "/account/two-factor"
    assert not two_factor.user(seller["id"]).two_factor_enabled
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "Please scan this new QR code" in page
    assert secret_on(page) != two_factor.secret


def test_clock_fixture_is_close_to_real_time(clock):
    assert abs(clock.now.timestamp() - time.time()) < 60

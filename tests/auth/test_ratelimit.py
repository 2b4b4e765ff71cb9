"""Rate limits and the soft lockout: clear 429 pages, no enumeration, no permanent lock-out."""

from __future__ import annotations

import os
import uuid

import pytest

from tests.support import PASSWORD, body_text, make_seller, registration_form

REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL")
REQUIRE_SERVICES = os.environ.get("PORTAL_TEST_REQUIRE_SERVICES") == "1"


def _fail(client, email="seller@example.com", times=1, ip="192.0.2.1"):
    return [
        client.post(
            "/auth/login",
            data={"email": email, "password": "wrong-password-guess"},
            environ_base={"REMOTE_ADDR": ip},
        )
        for _ in range(times)
    ]


def _assert_clear_429(response):
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many attempts" in page
    assert "Please wait, then try again" in page


@pytest.mark.parametrize("email", ["seller@example.com", "nobody@example.com"])
def test_five_failures_per_account_then_429_for_known_and_unknown_alike(client, seller, email):
    responses = _fail(client, email, times=5)
    assert [r.status_code for r in responses] == [200] * 5
    # Even the right password waits now: the limit does not reveal whether it was right.
    locked = client.post(
        "/auth/login",
        data={"email": email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.1"},
    )
    _assert_clear_429(locked)


def test_account_limit_counts_across_addresses(client, seller):
    for n in range(5):
        _fail(client, ip=f"198.51.100.{n + 1}")
    _assert_clear_429(_fail(client, ip="198.51.100.99")[0])


def test_owner_is_emailed_once_when_the_account_locks(client, seller, mailbox):
    _fail(client, times=4)
    assert mailbox.messages("seller@example.com") == []
    _fail(client, times=1)
    alerts = mailbox.messages("seller@example.com")
    assert len(alerts) == 1
    assert alerts[0]["Subject"] == "Repeated failed log-ins to your Koopseri account"
    assert "/auth/reset" in body_text(alerts[0])
    _fail(client, times=3)  # refused by the limiter; no second alert in the same window
    assert len(mailbox.messages("seller@example.com")) == 1


def test_successful_logins_do_not_count(client, seller, auth):
    for _ in range(12):
        assert auth.login().status_code == 302
        auth.logout()


def test_an_attacker_cannot_lock_the_owner_out_of_a_known_device(app, seller):
    owner = app.test_client()
    attacker = app.test_client()
    assert (
        owner.post("/auth/login", data={"email": seller["email"], "password": PASSWORD}).status_code
        == 302
    )
    owner.post("/auth/logout")

    _fail(attacker, times=5, ip="203.0.113.66")
    _assert_clear_429(
        attacker.post(
            "/auth/login",
            data={"email": seller["email"], "password": PASSWORD},
            environ_base={"REMOTE_ADDR": "203.0.113.66"},
        )
    )
    # The owner's browser logged in before: its attempts count on their own.
    response = owner.post("/auth/login", data={"email": seller["email"], "password": PASSWORD})
    assert response.status_code == 302


def test_a_device_cookie_for_another_account_does_not_help(app, seller, other_seller):
    browser = app.test_client()
    browser.post("/auth/login", data={"email": other_seller["email"], "password": PASSWORD})
    browser.post("/auth/logout")
    _fail(browser, email=seller["email"], times=5)
    _assert_clear_429(_fail(browser, email=seller["email"])[0])


def test_ten_failures_per_address_then_429(client, app):
    for n in range(10):
        responses = _fail(client, email=f"guess{n}@example.com")
        assert responses[0].status_code == 200
    _assert_clear_429(_fail(client, email="another@example.com")[0])
    # Another address is not affected.
    assert _fail(client, email="another@example.com", ip="192.0.2.200")[0].status_code == 200


def test_signup_is_limited_to_20_per_minute_per_address(client):
    for n in range(20):
        response = client.post("/auth/register", data=registration_form(email=f"u{n}@example.com"))
        assert response.status_code == 302
    _assert_clear_429(
        client.post("/auth/register", data=registration_form(email="u21@example.com"))
    )


def test_reset_requests_are_limited_to_5_an_hour_per_email(client, seller, mailbox):
    for _ in range(5):
        assert client.post("/auth/reset", data={"email": seller["email"]}).status_code == 200
    _assert_clear_429(client.post("/auth/reset", data={"email": seller["email"]}))
    assert client.post("/auth/reset", data={"email": "other@example.com"}).status_code == 200
    assert len(mailbox.messages(seller["email"])) == 5


@pytest.mark.redis
def test_limits_are_shared_by_every_web_process_through_redis(make_app):
    if not REDIS_URL:
        if REQUIRE_SERVICES:
            pytest.fail("PORTAL_TEST_REDIS_URL is required in CI")
        pytest.skip("set PORTAL_TEST_REDIS_URL to run against Redis")
    shared = {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex}
    first = make_app(**shared)
    second = make_app(**shared)
    with first.app_context():
        make_seller()
    _fail(first.test_client(), times=3)
    _fail(second.test_client(), times=2)
    _assert_clear_429(_fail(first.test_client())[0])
    _assert_clear_429(_fail(second.test_client())[0])


def test_failure_bookkeeping_waits_until_the_answer_has_been_sent(app, seller, mailbox):
    """What only a real account costs (count, alert) must not lengthen the answer itself."""
    from portal.auth.models import User
    from portal.extensions import db

    client = app.test_client()
    responses = [
        client.post(
            "/auth/login",
            data={"email": seller["email"], "password": "wrong-password-guess"},
            buffered=False,  # like a server that has sent the page but not yet closed
        )
        for _ in range(5)
    ]
    with app.app_context():
        assert db.session.get(User, seller["id"]).failed_login_count == 0
    assert mailbox.messages(seller["email"]) == []

    for response in responses:
        response.close()
    with app.app_context():
        assert db.session.get(User, seller["id"]).failed_login_count == 5
    assert len(mailbox.messages(seller["email"])) == 1


def test_reset_email_is_written_after_the_answer(app, seller, mailbox):
    response = app.test_client().post(
        "/auth/reset", data={"email": seller["email"]}, buffered=False
    )
    body = iter(response.response)
    assert b"Check your email" in next(body)  # the server is sending the page
    assert mailbox.messages(seller["email"]) == []
    assert list(body) == []  # the server has taken the whole answer
    assert len(mailbox.messages(seller["email"])) == 1
    response.close()
    assert len(mailbox.messages(seller["email"])) == 1  # once, not again at close

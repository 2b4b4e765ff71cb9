"""Finding 10 of issue 19 (mail flooding): reset mail was limited per address only, about
7,200 a day to one victim, and email-change requests not at all.

Each test runs as the attacker would: many requests, from many addresses (``REMOTE_ADDR``,
as ProxyFix leaves it behind a trusted proxy), spread over a day. The rate limiter's clock
is moved forward instead of waiting.
"""

from __future__ import annotations

import time as real_time

import limits.storage.memory
import pytest

from tests.security.attack import report_form
from tests.support import client_as, make_seller, without_tokens


class _Clock:
    """``time`` as the in-memory rate-limit storage sees it, moved forward by hand."""

    def __init__(self):
        self.offset = 0.0

    def time(self) -> float:
        return real_time.time() + self.offset

    def __getattr__(self, name):
        return getattr(real_time, name)


@pytest.fixture
def clock(monkeypatch) -> _Clock:
    fake = _Clock()
    monkeypatch.setattr(limits.storage.memory, "time", fake)
    return fake


def _reset(client, email, ip):
    return client.post("/auth/reset", data={"email": email}, environ_base={"REMOTE_ADDR": ip})


def test_reset_mail_to_one_address_is_capped_per_day_whatever_the_ip(
    app, client, seller, mailbox, clock
):
    for hour in range(20):  # a new burst every hour, each request from a new address
        for n in range(10):
            _reset(client, seller["email"], f"198.51.{hour}.{n + 1}")
        clock.offset += 3600
    assert len(mailbox.messages(seller["email"])) <= 10


def test_reset_requests_from_one_ip_are_capped(app, client, mailbox, clock):
    with app.app_context():
        victims = [make_seller(f"victim{n}@example.com").email for n in range(30)]
    answers = [_reset(client, email, "203.0.113.7").status_code for email in victims]
    assert answers.count(200) <= 20
    assert answers[-1] == 429
    assert len(mailbox.messages()) <= 20
    # Another address is not held back by this one.
    assert _reset(client, victims[-1], "203.0.113.8").status_code == 200
    # And over a day the one address sends at most 100, however slowly it goes.
    sent = 0
    for _hour in range(24):
        clock.offset += 3600
        sent += sum(
            _reset(client, f"nobody{sent + n}@example.com", "203.0.113.7").status_code == 200
            for n in range(20)
        )
    assert sent <= 100


def test_a_limited_reset_answers_alike_for_known_and_unknown_addresses(client, seller, clock):
    for n in range(20):
        _reset(client, f"x{n}@example.com", "203.0.113.9")
    known = _reset(client, seller["email"], "203.0.113.9")
    unknown = _reset(client, "nobody@example.com", "203.0.113.9")
    assert known.status_code == unknown.status_code == 429
    assert without_tokens(known) == without_tokens(unknown)
    for n in range(10):
        _reset(client, "nobody@example.com", f"198.51.100.{n + 1}")
        _reset(client, seller["email"], f"198.51.100.{n + 1}")
    known = _reset(client, seller["email"], "192.0.2.50")
    unknown = _reset(client, "nobody@example.com", "192.0.2.50")
    assert known.status_code == unknown.status_code == 429
    assert without_tokens(known) == without_tokens(unknown)


def _ask(client, new_email, ip="192.0.2.10"):
    return client.post(
        "/profile/email", data={"new_email": new_email}, environ_base={"REMOTE_ADDR": ip}
    )


def test_email_change_requests_are_capped_per_account(app, seller, mailbox, clock):
    browser = client_as(app, seller["email"])
    answers = []
    for hour in range(10):
        for n in range(5):
            answers.append(_ask(browser, f"target{hour}-{n}@example.net").status_code)
        clock.offset += 3600
    assert answers.count(302) <= 10
    alerts = [m for m in mailbox.messages(seller["email"]) if "change of email" in m["Subject"]]
    assert len(alerts) <= 10


def test_email_change_mail_to_one_address_is_capped(app, mailbox, clock):
    target = "victim@example.org"
    for n in range(12):
        with app.app_context():
            make_seller(f"asker{n}@example.com")
        _ask(client_as(app, f"asker{n}@example.com"), target, ip=f"198.51.100.{n + 1}")
    assert len(mailbox.messages(target)) <= 5


def test_email_change_requests_from_one_ip_are_capped(app, mailbox, clock):
    answers = []
    for n in range(25):
        with app.app_context():
            make_seller(f"asker{n}@example.com")
        browser = client_as(app, f"asker{n}@example.com")
        answers.append(_ask(browser, f"new{n}@example.net", ip="203.0.113.20").status_code)
    assert answers.count(302) <= 20
    assert answers[-1] == 429


def test_someone_tried_to_register_mail_to_one_address_is_capped(
    app, client, seller, mailbox, clock
):
    """The same flood through the registration form: every attempt with a registered
    address mails its owner "someone tried to register with your email address"."""
    from tests.support import registration_form

    for hour in range(20):
        for n in range(10):
            client.post(
                "/auth/register",
                data=registration_form(email=seller["email"]),
                environ_base={"REMOTE_ADDR": f"198.51.{hour}.{n + 1}"},
            )
        clock.offset += 3600
    assert len(mailbox.messages(seller["email"])) <= 10


def test_verification_mail_to_one_address_is_capped(app, client, mailbox, clock):
    """Register with someone else's address, then log in again and again with the password
    chosen: every log-in of an unconfirmed account mails a new verification link."""
    from tests.support import PASSWORD, registration_form

    victim = "victim@example.org"
    client.post("/auth/register", data=registration_form(email=victim))
    for hour in range(20):
        for n in range(10):
            client.post(
                "/auth/login",
                data={"email": victim, "password": PASSWORD},
                environ_base={"REMOTE_ADDR": f"198.51.{hour}.{n + 1}"},
            )
        clock.offset += 3600
    assert len(mailbox.messages(victim)) <= 10


def _report(client, reporter: str, ip: str):
    form = report_form(client, reporter_email=reporter)
    return client.post("/report-minor", data=form, environ_base={"REMOTE_ADDR": ip})


def test_report_receipts_to_one_address_are_capped_whatever_the_ip(app, client, mailbox, clock):
    """The minor-report form mails a receipt to whatever "Your email" says: from many
    addresses, a stranger's mailbox could be filled. Every report is kept; receipts stop."""
    app.config["MINOR_REPORT_MIN_SECONDS"] = 0
    victim = "victim@example.com"
    for hour in range(24):
        clock.offset = hour * 3600
        for n in range(5):
            assert _report(client, victim, f"10.2.{hour}.{n}").status_code == 200
    assert len(mailbox.messages(victim)) == 10  # the configured "3 per hour;10 per day"
    with app.app_context():
        from portal.extensions import db
        from portal.minor_reports.models import MinorReport

        assert db.session.query(MinorReport).count() == 120

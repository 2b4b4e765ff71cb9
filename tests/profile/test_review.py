"""Keeping details current: completeness on the dashboard, the review page, the yearly
reminder (safe to run daily), and a constant number of queries on /profile."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from portal.auth.models import User
from portal.clock import utcnow
from portal.extensions import db
from portal.profile.models import ProfileChange, SellerProfile
from tests.support import QueryCounter, body_text, make_seller, make_staff


def _age_account(app, user_id, days):
    with app.app_context():
        db.session.execute(
            update(User)
            .where(User.id == user_id)
            .values(created_at=utcnow() - timedelta(days=days))
        )
        db.session.commit()


def _reminders(mailbox, to):
    return [m for m in mailbox.messages(to=to) if "still correct" in m["Subject"]]


def test_the_dashboard_lists_the_missing_categories(client, seller, auth):
    auth.login()
    page = client.get("/dashboard").get_data(as_text=True)
    assert "4 categories of the policy are still missing" in page
    assert '<a href="/profile/address">Address</a>' in page  # straight to the section's page
    assert '<a href="/profile/financial">Financial</a>' in page
    assert '<a href="/documents/">Photographs</a>' in page

    client.post(
        "/profile/address",
        data={
            "address-address_line1": "1 Jalan Besar",
            "address-city": "Kuantan",
            "address-postcode": "25000",
            "address-state": "MY-06",
            "address-country": "MY",
        },
    )
    page = client.get("/dashboard").get_data(as_text=True)
    assert "3 categories of the policy are still missing" in page


def test_reviewing_sets_the_last_reviewed_date(app, client, seller, auth):
    auth.login()
    page = client.get("/profile").get_data(as_text=True)
    assert "Not reviewed since you registered on " in page
    review = client.get("/profile/review").get_data(as_text=True)
    assert "My details are correct" in review and "Tan Mei Ling" in review
    client.post("/profile/review")
    with app.app_context():
        reviewed = db.session.get(SellerProfile, seller["id"]).last_reviewed_at
    assert utcnow() - reviewed < timedelta(minutes=1)
    assert "Last reviewed on" in client.get("/profile").get_data(as_text=True)


_REVIEWED = re.compile(r"(Not reviewed since you registered[^.<]*|Last reviewed on [^.<]*)\.")


def _last_reviewed_on(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    found = _REVIEWED.findall(page)
    assert len(found) == 1, (url, found)
    return found[0]


def test_the_profile_the_review_page_and_the_dashboard_agree_on_the_last_review(
    app, client, seller, auth
):
    """Issue 21, stumble 6: /profile said "Not reviewed since you registered" while
    /profile/review said "Last reviewed on <today>": one definition now (review_of)."""
    _age_account(app, seller["id"], 30)
    auth.login()
    pages = ("/profile", "/profile/review", "/dashboard")
    before = {url: _last_reviewed_on(client, url) for url in pages}
    assert len(set(before.values())) == 1, before
    assert before["/profile"].startswith("Not reviewed since you registered on ")

    client.post("/profile/review")
    after = {url: _last_reviewed_on(client, url) for url in pages}
    assert len(set(after.values())) == 1, after
    assert after["/profile"].startswith("Last reviewed on ")


def test_the_yearly_reminder_goes_once_to_sellers_due_for_it(app, runner, mailbox):
    with app.app_context():
        due = make_seller("due@example.com").id
        recent = make_seller("recent@example.com").id
        unverified = make_seller("unverified@example.com", verified=False).id
        make_staff("staff@example.com")
    _age_account(app, due, 400)
    _age_account(app, unverified, 400)
    _age_account(app, recent, 100)

    result = runner.invoke(args=["reminders", "send", "--batch-size", "1"])
    assert result.exit_code == 0, result.output
    assert "Sent 1 review reminders." in result.output
    [reminder] = _reminders(mailbox, "due@example.com")
    assert "http://127.0.0.1:5000/profile/review\n" in body_text(reminder)  # PUBLIC_URL
    assert _reminders(mailbox, "recent@example.com") == []
    assert _reminders(mailbox, "unverified@example.com") == []
    assert _reminders(mailbox, "staff@example.com") == []

    # Run again the same day (a daily cron): nobody gets a second one.
    again = runner.invoke(args=["reminders", "send"])
    assert "Sent 0 review reminders." in again.output
    assert len(_reminders(mailbox, "due@example.com")) == 1


def test_a_review_resets_the_clock_and_a_year_later_it_comes_again(app, runner, mailbox):
    with app.app_context():
        seller = make_seller("yearly@example.com").id
    _age_account(app, seller, 800)
    runner.invoke(args=["reminders", "send"])
    with app.app_context():
        profile = db.session.get(SellerProfile, seller)
        profile.last_reviewed_at = utcnow()  # the seller reviewed after the reminder
        db.session.commit()
    assert "Sent 0" in runner.invoke(args=["reminders", "send"]).output
    with app.app_context():
        profile = db.session.get(SellerProfile, seller)
        profile.last_reviewed_at = utcnow() - timedelta(days=366)
        profile.review_reminded_at = utcnow() - timedelta(days=366)
        db.session.commit()
    assert "Sent 1" in runner.invoke(args=["reminders", "send"]).output
    assert len(_reminders(mailbox, "yearly@example.com")) == 2


def _add_history(app, seller_id, count):
    with app.app_context():
        db.session.add_all(
            ProfileChange(user_id=seller_id, field="city", old_value=str(i), new_value=str(i + 1))
            for i in range(count)
        )
        db.session.commit()


def _queries_for(app, client, url):
    with QueryCounter(app) as counter:
        assert client.get(url).status_code == 200
    return counter.statements


@pytest.mark.parametrize("url", ["/profile", "/profile/history", "/dashboard"])
def test_pages_run_the_same_queries_however_long_the_history(app, client, seller, auth, url):
    auth.login()
    client.get(url)  # warm-up: first-request work is not the page's
    _add_history(app, seller["id"], 1)
    short = _queries_for(app, client, url)
    _add_history(app, seller["id"], 120)
    long = _queries_for(app, client, url)
    assert len(long) == len(short), (short, long)
    assert len(short) <= 8, short

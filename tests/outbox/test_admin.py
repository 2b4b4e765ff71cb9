"""The back office's mail pages: the unreachable queue for support, the outbox for operators."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.accesslog.models import StaffAccess
from portal.clock import utcnow
from portal.extensions import db
from portal.outbox import monitor
from portal.outbox.models import OutboxMessage
from portal.profile.models import ContactAttempt, SellerReachability
from tests.outbox.test_worker import add_messages
from tests.support import PASSWORD, make_staff


@pytest.fixture
def flagged(app, seller):
    with app.app_context():
        db.session.add(
            SellerReachability(user_id=seller["id"], email_failures=3, unreachable_since=utcnow())
        )
        db.session.commit()
    return seller


def _login_as(app, auth, role):
    with app.app_context():
        make_staff(f"{role}@example.com", role)
    auth.login(f"{role}@example.com", PASSWORD)


def test_support_sees_the_flagged_seller_with_phone_and_address(app, client, auth, flagged):
    _login_as(app, auth, "support")
    queue = client.get("/admin/unreachable").get_data(as_text=True)
    assert "Tan Mei Ling" in queue and "012-345 6789" not in queue  # details only when opened
    page = client.get(f"/admin/unreachable/{flagged['id']}").get_data(as_text=True)
    assert "012-345 6789" in page and flagged["email"] in page
    with app.app_context():
        (entry,) = db.session.scalars(select(StaffAccess)).all()
        assert (entry.seller_id, entry.staff_role, entry.subject) == (
            flagged["id"], "support", "contact details",
        )  # fmt: skip


def test_a_contact_attempt_is_logged_and_explained_when_incomplete(app, client, auth, flagged):
    _login_as(app, auth, "support")
    url = f"/admin/unreachable/{flagged['id']}/attempts"
    incomplete = client.post(url, data={"note": "rang twice"})
    assert incomplete.status_code == 400
    assert "Choose how you tried to reach the seller." in incomplete.get_data(as_text=True)
    done = client.post(
        url, data={"channel": "phone", "outcome": "reached", "note": "Will fix the address"},
        follow_redirects=True,
    )  # fmt: skip
    page = done.get_data(as_text=True)
    assert (
        "Attempt recorded." in page
        and "Reached the seller" in page
        and "Will fix the address" in page
    )
    with app.app_context():
        attempt = db.session.scalar(select(ContactAttempt))
        assert (attempt.user_id, attempt.channel, attempt.outcome) == (
            flagged["id"],
            "phone",
            "reached",
        )


def test_a_reachable_seller_is_not_in_the_queue(app, client, auth, seller):
    _login_as(app, auth, "support")
    assert "Every seller can be reached by email." in client.get("/admin/unreachable").get_data(
        as_text=True
    )
    assert client.get(f"/admin/unreachable/{seller['id']}").status_code == 404


def test_reviewers_get_404_on_the_mail_pages(app, client, auth, flagged):
    _login_as(app, auth, "reviewer")
    for url in ("/admin/unreachable", f"/admin/unreachable/{flagged['id']}", "/admin/outbox"):
        assert client.get(url).status_code == 404, url
    assert client.post("/admin/outbox/1/retry").status_code == 404


def test_the_outbox_page_counts_and_retries_a_failed_message(app, client, auth):
    [message_id] = add_messages(app, 1)
    add_messages(app, 2)
    with app.app_context():
        row = db.session.get(OutboxMessage, message_id)
        row.status, row.attempts, row.last_error = "failed", 8, "SMTPDataError 550"
        db.session.commit()
    _login_as(app, auth, "admin")
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "SMTPDataError 550" in page and "b••••@example.com" in page
    assert "buyer@example.com" not in page

    client.post(f"/admin/outbox/{message_id}/retry")
    with app.app_context():
        row = db.session.get(OutboxMessage, message_id)
        assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 0, None)
    again = client.post(f"/admin/outbox/{message_id}/retry")
    assert again.status_code == 404  # no longer failed: not this button's object


def test_the_outbox_figures_count_each_state_and_sent_only_over_a_day(app, client, auth):
    now = utcnow()
    ids = add_messages(app, 7)
    states = {
        ids[0]: {"status": "failed"},
        ids[1]: {"next_attempt_at": now + timedelta(minutes=5)},  # backing off
        ids[2]: {"status": "sent", "sent_at": now - timedelta(hours=1)},
        ids[3]: {"status": "sent", "sent_at": now - timedelta(hours=23)},
        ids[4]: {"status": "sent", "sent_at": now - timedelta(hours=25)},  # before the window
    }  # ids[5], ids[6]: due now
    with app.app_context():
        for message_id, values in states.items():
            row = db.session.get(OutboxMessage, message_id)
            for name, value in values.items():
                setattr(row, name, value)
        db.session.commit()
        assert monitor.counts() == monitor.Counts(due=2, waiting=1, sent=2, failed=1)
    _login_as(app, auth, "admin")
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "Sent in the last 24 hours" in page


def test_the_back_office_home_links_the_queues(app, client, auth, flagged):
    _login_as(app, auth, "support")
    page = client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/unreachable"' in page and 'href="/admin/outbox"' in page
    assert 'href="/admin/documents"' not in page  # support does not review documents

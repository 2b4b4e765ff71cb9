"""The notification centre: the seller's copies of our emails, newest first, paginated, with
an unread count in the navigation, safe bodies, and the banner for an unreachable address."""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from portal.auth.models import User
from portal.clock import utcnow
from portal.extensions import db
from portal.outbox.models import OutboxMessage
from portal.outbox.redaction import secret_link_prefixes
from portal.outbox.services import queue_email
from portal.profile.models import SellerReachability
from tests.support import PASSWORD, QueryCounter, link_in, make_staff

PLACEHOLDER = "(link sent by email only)"


@pytest.fixture
def logged_in(auth, seller):
    auth.login()
    return seller


def _page(client, url="/notifications/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _badge(page: str) -> str | None:
    match = re.search(r'<span class="badge" aria-hidden="true">([^<]*)</span>', page)
    return match.group(1) if match else None


def _unread(app, user_id) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.user_id == user_id, OutboxMessage.read_at.is_(None))
        )


def _queue(app, user_id, kind, **context):
    """A message written exactly as the portal writes one, from the real email templates."""
    with app.test_request_context():
        user = db.session.get(User, user_id)
        message = queue_email(
            to=user.email, kind=kind, subject=f"About {kind}", user=user, **context
        )
        db.session.commit()
        return message.id


# --- the list ----------------------------------------------------------------------------------


def test_the_list_shows_every_message_newest_first(client, logged_in, add_messages):
    add_messages(logged_in["id"], 3, subject="Notice", body="The body of a notice.")
    page = _page(client)
    assert page.index("Notice 3") < page.index("Notice 2") < page.index("Notice 1")
    assert "copies of every email we have sent you" in page.lower()
    assert page.count("<details>") == 3
    assert "The body of a notice." in page
    assert "1 Mar 2025, 5:02 pm" in page  # 09:02 UTC, shown in Kuala Lumpur time


def test_twenty_five_messages_make_two_pages(client, logged_in, add_messages):
    add_messages(logged_in["id"], 25, subject="Notice")
    first = _page(client)
    assert first.count('class="notices__item') == 20
    assert "Notice 25<" in first and "Notice 6<" in first and "Notice 5<" not in first
    assert "Page 1 of 2" in first
    assert 'href="/notifications/?page=2"' in first and "Newer notifications" not in first

    second = _page(client, "/notifications/?page=2")
    assert second.count('class="notices__item') == 5
    assert "Notice 5<" in second and "Notice 1<" in second and "Notice 6<" not in second
    assert 'href="/notifications/?page=1"' in second and "Older notifications" not in second

    assert _page(client, "/notifications/?page=99").count('class="notices__item') == 5
    assert _page(client, "/notifications/?page=-3").count('class="notices__item') == 20


def test_no_messages_yet(client, logged_in):
    page = _page(client)
    assert "We have not sent you any email yet." in page
    assert "Mark all read" not in page and _badge(page) is None


def test_the_list_runs_the_same_queries_however_many_messages(app, client, logged_in, add_messages):
    add_messages(logged_in["id"], 1)
    client.get("/notifications/")  # warm-up: first-request work is not the page's
    with QueryCounter(app) as few:
        _page(client)
    add_messages(logged_in["id"], 60)
    with QueryCounter(app) as many:
        _page(client)
    assert many.count == few.count, (few.statements, many.statements)
    assert not any("body_html" in statement for statement in many.statements)


# --- unread and read -----------------------------------------------------------------------------


def test_the_unread_count_is_in_the_navigation_on_every_page(client, logged_in, add_messages):
    add_messages(logged_in["id"], 3)
    for url in ("/dashboard", "/profile", "/notifications/"):
        page = _page(client, url)
        assert _badge(page) == "3", url
        assert "(3 unread)" in page


def test_opening_a_message_marks_it_read(app, client, logged_in, add_messages):
    first, _second, _third = add_messages(logged_in["id"], 3, body="Full text\nof the message.")
    page = _page(client, f"/notifications/{first}")
    assert "Full text\nof the message." in page
    assert "seller@example.com" in page  # where it was sent
    assert _badge(page) == "2"
    assert _unread(app, logged_in["id"]) == 2
    assert _badge(_page(client, f"/notifications/{first}")) == "2"  # opening again changes nothing


def test_mark_all_read(app, client, logged_in, add_messages):
    add_messages(logged_in["id"], 3)
    assert "Mark all read" in _page(client)
    response = client.post("/notifications/read-all", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.request.path == "/notifications/"
    assert "All your notifications are marked as read." in page
    assert _badge(page) is None and "Unread" not in page and "Mark all read" not in page
    assert _unread(app, logged_in["id"]) == 0

    again = client.post("/notifications/read-all", follow_redirects=True)
    assert "You had no unread notifications." in again.get_data(as_text=True)


def test_mark_all_read_is_a_post_with_a_csrf_token(make_app, seller, add_messages):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    add_messages(seller["id"], 1)
    login_page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    client.post(
        "/auth/login", data={"email": seller["email"], "password": PASSWORD, "csrf_token": token}
    )
    page = _page(client)
    assert re.search(
        r'<form method="post" action="/notifications/read-all"[^>]*>\s*<input id="csrf_token"', page
    )
    assert client.post("/notifications/read-all").status_code == 400
    assert client.get("/notifications/read-all").status_code == 405
    assert _unread(app, seller["id"]) == 1


# --- what a message shows --------------------------------------------------------------------


def test_security_and_legal_notices_are_marked(app, client, logged_in, add_messages):
    password_id = _queue(app, logged_in["id"], "password_changed")
    add_messages(logged_in["id"], kind="policy_changed", subject="Our policy changed")
    add_messages(logged_in["id"], kind="review_reminder", subject="Please review")
    page = _page(client)
    assert page.count("Security notice</span>") == 1
    assert page.count("Legal notice</span>") == 1
    items = page.split('class="notices__item')
    review = next(item for item in items if "Please review" in item)
    assert "notice</span>" not in review
    password = next(item for item in items if "About password_changed" in item)
    assert "Security notice" in password
    # Ordinary links stay: this one tells the seller where to reset a password.
    assert "http://127.0.0.1:5000/auth/reset" in password
    detail = _page(client, f"/notifications/{password_id}")
    assert '<span class="status status--security">Security notice</span>' in detail


SECRET_CONTEXT = {
    "verify_email": {"verify_url": "http://localhost/auth/verify/SECRET-verify", "hours": 48},
    "reset_password": {"reset_url": "http://localhost/auth/reset/SECRET-reset", "minutes": 30},
    "email_change_confirm": {
        "confirm_url": "http://localhost/profile/email/confirm/SECRET-change",
        "hours": 24,
    },
    "email_change_requested": {
        "cancel_url": "https://portal.koopseri.com/profile/email/cancel/SECRET-cancel",
        "new_email_masked": "n•••@example.net",
        "hours": 24,
    },
    # The link to a copy of one's data (a privacy request, PDPA s.30): the token is the
    # secret, so the text here is built with it as the email's is.
    "privacy_request_copy": {
        "request": SimpleNamespace(id=1, reference="DSR-7KQ29XTD", kind="access", outcome=""),
        "token": "SECRET-copy",
        "expires_on": date(2027, 3, 26),
    },
}


def test_every_secret_link_route_is_covered(app, logged_in):
    """Every route whose links are secret is in an email above: read from the emails as
    written (a link may be passed in whole, or built in the template from its token)."""
    covered = set()
    for kind, context in SECRET_CONTEXT.items():
        message_id = _queue(app, logged_in["id"], kind, **context)
        with app.app_context():
            body = db.session.get(OutboxMessage, message_id).body_text
        links = re.findall(r"https?://\S*SECRET\S*", body)
        assert links, kind
        covered |= {re.sub(r"^https?://[^/]+", "", url).split("SECRET")[0] for url in links}
    assert covered == set(secret_link_prefixes(app))


def test_a_secret_link_is_hidden_in_any_kind_of_mail(app, client, logged_in):
    """Hidden by its address, not by the kind of mail: a new kind carrying one is covered."""
    message_id = _queue(app, logged_in["id"], "password_changed")
    with app.app_context():
        db.session.execute(
            db.update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(body_text="Open https://portal.koopseri.com/auth/reset/SECRET-x to go on.")
        )
        db.session.commit()
    page = _page(client, f"/notifications/{message_id}")
    assert "SECRET" not in page and PLACEHOLDER in page


@pytest.mark.parametrize("kind", sorted(SECRET_CONTEXT))
def test_one_time_links_never_appear_in_the_portal(app, client, logged_in, kind):
    message_id = _queue(app, logged_in["id"], kind, **SECRET_CONTEXT[kind])
    for url in ("/notifications/", f"/notifications/{message_id}"):
        page = _page(client, url)
        assert "SECRET" not in page, url
        assert PLACEHOLDER in page, url
        assert "we show that link only in the email itself" in page


def test_the_email_change_link_is_not_in_the_portal(client, logged_in, mailbox):
    """Whoever holds the session must not confirm a new address without its mailbox."""
    client.post("/profile/email", data={"new_email": "new-address@example.com"})
    link = link_in(mailbox.last("new-address@example.com"), "/profile/email/confirm/")
    token = link.rsplit("/", 1)[1]
    page = _page(client)
    assert "Confirm your new email address" in page
    assert token not in page and "/profile/email/confirm/" not in page
    assert PLACEHOLDER in page


def test_the_reset_link_is_not_in_the_portal(client, auth, logged_in, mailbox):
    auth.logout()
    client.post("/auth/reset", data={"email": logged_in["email"]})
    token = link_in(mailbox.last(logged_in["email"]), "/auth/reset/").rsplit("/", 1)[1]
    auth.login()
    page = _page(client)
    assert "/auth/reset/" not in page and token not in page
    assert PLACEHOLDER in page


def test_subjects_and_bodies_are_escaped_and_the_html_part_never_shown(
    client, logged_in, add_messages
):
    (message_id,) = add_messages(
        logged_in["id"],
        subject="<script>alert('subject')</script>",
        body="<script>alert('body')</script> & <b>bold</b>",
        body_html="<p>HTML-PART-ONLY<img src=x onerror=alert(1)></p>",
    )
    for url in ("/notifications/", f"/notifications/{message_id}"):
        page = _page(client, url)
        assert "<script>alert" not in page and "<b>bold</b>" not in page, url
        assert "&lt;script&gt;alert(&#39;subject&#39;)&lt;/script&gt;" in page, url
        assert "&lt;b&gt;bold&lt;/b&gt;" in page, url
        assert "HTML-PART-ONLY" not in page, url


def test_a_message_not_delivered_says_so(client, logged_in, add_messages):
    add_messages(logged_in["id"], subject="Bounced", status="failed")
    add_messages(logged_in["id"], subject="Waiting", status="pending")
    page = _page(client)
    assert "Could not be delivered" in page and "Not sent yet" in page


# --- the unreachable banner ------------------------------------------------------------------

BANNER = "We could not deliver email to"


def _flag_unreachable(app, user_id):
    with app.app_context():
        db.session.add(
            SellerReachability(user_id=user_id, unreachable_since=utcnow(), email_failures=3)
        )
        db.session.commit()


def test_no_banner_for_a_reachable_seller(client, logged_in):
    assert BANNER not in _page(client, "/dashboard")


def test_an_unreachable_seller_sees_the_banner_on_every_page(app, client, logged_in):
    _flag_unreachable(app, logged_in["id"])
    for url in ("/dashboard", "/profile", "/notifications/", "/documents/"):
        page = _page(client, url)
        assert f"{BANNER} seller@example.com." in page, url
        assert 'href="/profile/email"' in page, url


def test_the_banner_is_for_the_seller_only(app, client, auth, seller):
    _flag_unreachable(app, seller["id"])
    assert BANNER not in _page(client, "/")  # a visitor
    with app.app_context():
        make_staff("support@example.com", "support")
    auth.login("support@example.com", PASSWORD)
    assert BANNER not in _page(client, "/admin/")

"""Finding 3 of issue 19: a pending email change survived a password change.

The attacker has the seller's password (or a session) and asks to move the account to an
address they read. The seller notices and changes the password, or resets it, or uses the
"This wasn't me" link in the alert sent to the old address. From then on, the link in the
attacker's mailbox must do nothing, opened or posted, logged in or out.
"""

from __future__ import annotations

import pytest

from portal.auth.models import User
from portal.extensions import db
from tests.support import PASSWORD, body_html, body_text, client_as, forged, link_in, make_seller

ATTACKER = "mallory@attacker.example"
NEW_PASSWORD = "kingfisher-estuary-lamplight-5"


def _email_of(app, user_id: int) -> str:
    with app.app_context():
        return db.session.get(User, user_id).email


def _ask_to_move(app, mailbox, seller, to=ATTACKER) -> str:
    """As the attacker holding the password: ask for the change, read the link they get."""
    attacker = client_as(app, seller["email"])
    response = attacker.post("/profile/email", data={"new_email": to})
    assert response.status_code == 302
    return link_in(mailbox.last(to), "/profile/email/confirm/")


def _assert_link_dead(app, seller, link, password=PASSWORD):
    outsider = app.test_client()  # the attacker's own browser, logged out
    opened = outsider.get(link)
    assert opened.status_code == 400
    assert ATTACKER not in opened.get_data(as_text=True)
    posted = outsider.post(link)
    assert posted.status_code == 400
    assert "This link does not work" in posted.get_data(as_text=True)
    assert _email_of(app, seller["id"]) == seller["email"]
    # Logged in as the seller (a session the attacker kept) it does not work either.
    assert client_as(app, seller["email"], password).post(link).status_code == 400
    assert _email_of(app, seller["id"]) == seller["email"]


def test_a_password_change_ends_a_pending_email_change(app, mailbox, seller):
    link = _ask_to_move(app, mailbox, seller)
    owner = client_as(app, seller["email"])
    changed = owner.post(
        "/auth/password",
        data={"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert changed.headers["Location"] == "/account"
    _assert_link_dead(app, seller, link, NEW_PASSWORD)


def test_a_password_reset_ends_a_pending_email_change(app, mailbox, seller):
    link = _ask_to_move(app, mailbox, seller)
    owner = app.test_client()
    owner.post("/auth/reset", data={"email": seller["email"]})
    reset = link_in(mailbox.last(seller["email"]), "/auth/reset/")
    done = owner.post(reset, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.headers["Location"] == "/auth/login"
    _assert_link_dead(app, seller, link, NEW_PASSWORD)


def test_a_newer_request_ends_the_older_link(app, mailbox, seller):
    older = _ask_to_move(app, mailbox, seller, to=ATTACKER)
    newer = _ask_to_move(app, mailbox, seller, to="second@attacker.example")
    outsider = app.test_client()
    assert outsider.post(older).status_code == 400
    assert _email_of(app, seller["id"]) == seller["email"]
    assert outsider.post(newer).status_code == 302
    assert _email_of(app, seller["id"]) == "second@attacker.example"


def _cancel_link(mailbox, seller) -> str:
    alert = mailbox.last(seller["email"])
    assert "change of email address" in alert["Subject"]
    assert "This wasn't me" in body_text(alert)
    assert "/profile/email/cancel/" in body_html(alert)
    return link_in(alert, "/profile/email/cancel/")


def test_the_cancel_link_in_the_alert_ends_the_change(app, mailbox, seller):
    link = _ask_to_move(app, mailbox, seller)
    cancel = _cancel_link(mailbox, seller)

    owner = app.test_client()  # logged out, from the old mailbox
    page = owner.get(cancel)
    assert page.status_code == 200
    assert '<form method="post"' in page.get_data(as_text=True)
    done = owner.post(cancel, follow_redirects=True)
    assert done.status_code == 200
    text = done.get_data(as_text=True)
    assert "The change of email address is cancelled" in text
    assert "/auth/reset" in text  # the password is known to someone: reset it

    _assert_link_dead(app, seller, link)
    # Recorded: the owner is told in a notice of its own.
    subjects = [m["Subject"] for m in mailbox.messages(seller["email"])]
    assert "The change of email address of your Koopseri account was cancelled" in subjects


def test_opening_the_cancel_link_changes_nothing(app, mailbox, seller):
    """Mail scanners open every link in a message: only the button may cancel."""
    link = _ask_to_move(app, mailbox, seller)
    cancel = _cancel_link(mailbox, seller)
    for _ in range(3):
        assert app.test_client().get(cancel).status_code == 200
    assert app.test_client().post(link).status_code == 302
    assert _email_of(app, seller["id"]) == ATTACKER


def test_the_cancel_link_does_nothing_to_another_request(app, mailbox, seller, other_seller):
    _ask_to_move(app, mailbox, seller)
    cancel = _cancel_link(mailbox, seller)
    other_link = _ask_to_move(app, mailbox, other_seller, to="other-new@example.net")
    app.test_client().post(cancel)
    assert app.test_client().post(other_link).status_code == 302
    assert _email_of(app, other_seller["id"]) == "other-new@example.net"


@pytest.mark.parametrize(("mangle", "status"), [(forged, 400), (lambda t: "garbage", 400)])
def test_a_forged_cancel_link_is_refused(app, mailbox, seller, mangle, status):
    link = _ask_to_move(app, mailbox, seller)
    prefix, token = _cancel_link(mailbox, seller).rsplit("/", 1)
    assert app.test_client().post(f"{prefix}/{mangle(token)}").status_code == status
    assert app.test_client().post(link).status_code == 302  # nothing was cancelled


def test_the_cancel_offer_is_in_the_sellers_language(app, mailbox):
    with app.app_context():
        user = make_seller("siti@example.com", locale="ms")
        seller = {"id": user.id, "email": user.email}
    _ask_to_move(app, mailbox, seller)
    alert = mailbox.last(seller["email"])
    assert "Bukan saya" in body_text(alert)
    cancel = link_in(alert, "/profile/email/cancel/")
    page = app.test_client().get(cancel, headers={"Accept-Language": "ms"})
    assert "Batalkan perubahan" in page.get_data(as_text=True)


def test_closing_the_account_ends_a_pending_email_change(app, mailbox, seller):
    """The seller closes the account: a link waiting in the attacker's mailbox must not
    move the closed account (nor the reopened one) to the attacker's address."""
    link = _ask_to_move(app, mailbox, seller)
    owner = client_as(app, seller["email"])
    closed = owner.post(
        "/account/terminate", data={"password": PASSWORD, "confirmation": "TERMINATE"}
    )
    assert closed.status_code == 302
    assert app.test_client().post(link).status_code == 400
    assert _email_of(app, seller["id"]) == seller["email"]
    back = client_as(app, seller["email"])
    assert back.post("/account/reactivate").status_code == 302
    assert app.test_client().post(link).status_code == 400
    assert _email_of(app, seller["id"]) == seller["email"]
